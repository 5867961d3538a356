"""The rubric's tables beside the indicator tree: grades, either-or groups, vetoes, figures.

Each is checked completely (every problem recorded, located) and built
into the objects of :mod:`perfrubric.rubric`; :mod:`perfrubric.building`
builds the document and its indicator tree on top of these.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..decimals import to_decimal
from ..errors import did_you_mean
from ..files.settings import PathTuple
from . import keys
from .checks import _Checker, _fmt, _is_number, _Row
from .model import Alternative, EitherOr, Figure, Grade, GradeScale, Veto

__all__: list[str] = []

_FIGURE_KEYS = keys.FIGURE.names
_GRADE_KEYS = keys.GRADE.names
_EITHER_KEYS = keys.EITHER_OR.names
_ALTERNATIVE_KEYS = keys.ALTERNATIVE.names
_VETO_KEYS = keys.VETO.names
_VETO_MISSING = keys.VETO_MISSING


class _PartsBuilder(_Checker):
    """Builds the grade scale, either-or groups, vetoes and figures of a rubric."""

    # -- grades ---------------------------------------------------------------

    def _grades(self, raw: Any, full_marks: Decimal) -> GradeScale:
        if raw is None:
            return GradeScale.default(full_marks)
        path: PathTuple = ("rubric", "grades")
        before = len(self.problems)
        if not isinstance(raw, list) or not raw:
            self.problem(path, "expected a list of grades such as "
                               "[{ name = \"优\", min = 90 }, …]", got=raw)
            return GradeScale.default()
        bands: list[tuple[int, Grade, Decimal | None]] = []
        for i, item in enumerate(raw):
            gpath = path + (i,)
            table = self.table(item, gpath, "a grade { name = …, min = … }")
            if table is None:
                continue
            self.unknown_keys(table, _GRADE_KEYS, gpath)
            name = self.string(table, "name", gpath, required=True)
            if "min" not in table:
                self.problem(gpath + ("min",), "missing; each grade needs 'min' "
                             "(its lowest total, inclusive)", expected="number")
            low = self.number(table, "min", gpath)
            high = self.number(table, "max", gpath)
            labels: dict[str, str] = {}
            if isinstance(table.get("en"), str):
                labels["en"] = table["en"]
            if isinstance(table.get("labels"), Mapping):
                labels.update({str(k): str(v) for k, v in table["labels"].items()})
            elif name in _DEFAULT_EN and "en" not in labels:
                labels["en"] = _DEFAULT_EN[name]
            if name is not None and low is not None:
                bands.append((i, Grade(name, low, labels), high))
        seen: dict[str, int] = {}
        for i, grade, _ in bands:
            if grade.name in seen:
                self.problem(path + (i, "name"),
                             f"grade '{grade.name}' is already defined at "
                             f"grades[{seen[grade.name]}]")
            seen.setdefault(grade.name, i)
        ordered = sorted(bands, key=lambda b: b[1].min, reverse=True)
        for (_, upper, _), (j, lower, lower_max) in itertools.pairwise(ordered):
            if upper.min == lower.min:
                self.problem(path + (j, "min"),
                             f"grades '{upper.name}' and '{lower.name}' overlap: both start at "
                             f"{upper.min}", expected="distinct lower bounds")
            elif lower_max is not None and lower_max != upper.min:
                relation = "gap" if lower_max < upper.min else "overlap"
                self.problem(path + (j, "max"),
                             f"{relation} between grades '{lower.name}' (up to {lower_max}) and "
                             f"'{upper.name}' (from {upper.min}); 'max' should equal {upper.min}",
                             expected=str(upper.min), got=str(lower_max))
        if ordered:
            top_i, top, top_max = ordered[0]
            if top_max is not None and top_max < full_marks:
                self.problem(path + (top_i, "max"),
                             f"the best grade '{top.name}' ends at {top_max}, below the full marks "
                             f"{full_marks}: totals above it would have no grade")
            if top.min > full_marks:
                self.problem(path + (top_i, "min"),
                             f"grade '{top.name}' starts at {top.min}, above the full marks "
                             f"{full_marks}: no total can reach it")
            low_i, bottom, _ = ordered[-1]
            if bottom.min > 0:
                self.problem(path + (low_i, "min"),
                             f"gap below grade '{bottom.name}': totals from 0 to under "
                             f"{bottom.min} have no grade; the lowest grade must start at 0",
                             expected="0", got=str(bottom.min))
        if len(self.problems) > before or len(ordered) != len(raw):
            return GradeScale.default()
        return GradeScale(tuple(g for _, g, _ in ordered))

    # -- either-or and vetoes -------------------------------------------------

    def _either_or(self, raw: Any, rows: Mapping[str, _Row]) -> list[EitherOr]:
        groups: list[EitherOr] = []
        used: dict[str, int] = {}
        for i, gpath, table in self.entries(raw, "either_or", "an [[either_or]] group",
                                            _EITHER_KEYS):
            alts_raw = table.get("alternatives")
            if not isinstance(alts_raw, list) or len(alts_raw) < 2:
                self.problem(gpath + ("alternatives",),
                             "an either-or group needs at least two alternatives "
                             "(a list of indicator paths)", got=alts_raw)
                continue
            alts: list[Alternative] = []
            for j, alt in enumerate(alts_raw):
                apath = gpath + ("alternatives", j)
                if isinstance(alt, str):
                    alt = {"path": alt}
                if not isinstance(alt, Mapping):
                    self.problem(apath, "expected an indicator path or { path = …, when = … }",
                                 got=alt)
                    continue
                self.unknown_keys(alt, _ALTERNATIVE_KEYS, apath)
                path = self.string(alt, "path", apath, required=True)
                when = self.expression(alt, "when", apath)
                if path is None:
                    continue
                if path not in rows:
                    self.problem(apath, f"no indicator '{path}'"
                                 f"{did_you_mean(path, rows)}", got=path)
                    continue
                if path in used:
                    self.problem(apath, f"'{path}' is already an alternative in "
                                 f"either_or[{used[path]}]")
                    continue
                used[path] = i
                alts.append(Alternative(path, when))
            if len(alts) != len(alts_raw):
                continue
            parents = {rows[a.path].parent for a in alts}
            if len(parents) != 1:
                self.problem(gpath + ("alternatives",),
                             "the alternatives of an either-or group must share one parent")
                continue
            points = {to_decimal(rows[a.path].table.get("points", "0"))
                      if _is_number(rows[a.path].table.get("points")) else None for a in alts}
            if len(points) != 1:
                at, cite = self.blame(gpath + ("alternatives",), [rows[a.path] for a in alts],
                                      gpath, "the group")
                self.problem(at, "the alternatives of an either-or group must have equal "
                             "points, got "
                             f"{', '.join(sorted(_fmt(p) for p in points if p is not None))}"
                             f"{cite}")
                # kept (the load fails anyway) so the parent's sum counts the group once
                # and does not add a second, misleading problem
            name = self.string(table, "name", gpath) or " | ".join(a.path for a in alts)
            groups.append(EitherOr(name, tuple(alts)))
        return groups

    def _figures(self, raw: Any) -> list[Figure]:
        figures: list[Figure] = []
        seen: set[str] = set()
        for _, fpath, table in self.entries(raw, "figure", "a [[figure]] entry", _FIGURE_KEYS):
            fid = self.string(table, "id", fpath, required=True)
            if fid is not None and (not fid.isidentifier() or fid in seen):
                self.problem((*fpath, "id"), f"figure id '{fid}' must be a unique identifier")
            if "measure" not in table:
                self.problem((*fpath, "measure"), "missing; a figure needs a 'measure'")
            measure = self.expression(table, "measure", fpath)
            name = self.string(table, "name", fpath) or fid
            unit = self.string(table, "unit", fpath)
            value_rounding = self.rounding(table, "value_rounding", fpath)
            name_en = self.string(table, "name_en", fpath)
            if fid is not None and measure is not None and name is not None:
                seen.add(fid)
                figures.append(Figure(fid, name, measure, unit, value_rounding, name_en))
        return figures

    def _vetoes(self, raw: Any, rows: Mapping[str, _Row], grades: GradeScale,
                full_marks: Decimal) -> list[Veto]:
        vetoes: list[Veto] = []
        names = [g.name for g in grades.grades]
        for i, vpath, table in self.entries(raw, "veto", "a [[veto]] entry", _VETO_KEYS):
            if "when" not in table:
                self.problem(vpath + ("when",), "missing; a veto needs a condition 'when'")
            when = self.expression(table, "when", vpath)
            reason = self.string(table, "reason", vpath, required=True)
            grade = self.string(table, "grade_at_most", vpath)
            if grade is not None and grade not in names:
                self.problem(vpath + ("grade_at_most",),
                             f"no grade '{grade}'{did_you_mean(grade, names)}; grades: "
                             f"{', '.join(names)}", got=grade)
            cap = self.number(table, "total_at_most", vpath)
            if cap is not None and cap > full_marks:
                self.problem(vpath + ("total_at_most",),
                             f"a cap of {cap} is above the full marks {full_marks}")
            target = self.string(table, "indicator", vpath)
            if target is not None and target not in rows:
                self.problem(vpath + ("indicator",),
                             f"no indicator '{target}'{did_you_mean(target, rows)}")
            if grade is None and cap is None and target is None:
                self.problem(vpath, "a veto must say what it does: grade_at_most, "
                                    "total_at_most or indicator")
            missing = self.choice(table, "missing", vpath, _VETO_MISSING, "error")
            if when is not None and reason is not None:
                vetoes.append(Veto(
                    name=self.string(table, "name", vpath) or f"veto[{i}]", when=when,
                    reason=reason, grade_at_most=grade, total_at_most=cap,
                    indicator=target, missing=missing,
                ))
        return vetoes


_DEFAULT_EN = {"优": "Excellent", "良": "Good", "中": "Fair", "差": "Poor"}


