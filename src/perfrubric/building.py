"""Validating a rubric document and building the immutable Rubric.

The builder checks a (merged) rubric document completely and collects
every problem instead of stopping at the first: a rubric author sees every
mistake in one run, each with the file, the TOML path
(``indicator[3].rule.step``) and the line.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from . import _tomlpos
from ._sources import Origins, PathTuple, Source, origin
from ._template import LOCALES as TEMPLATE_LOCALES
from ._template import template_problems
from .decimals import ROUNDING_MODES, Rounding, to_decimal
from .errors import ExpressionError, ParamError, Problem, RubricError, did_you_mean
from .expr import Expression, parse_expression
from .facts import check_name
from .indicators import get_kind, kind_names
from .rubric import (
    MISSING_POLICIES,
    NOT_APPLICABLE_POLICIES,
    TARGET_ROW_EMPTY,
    TARGET_ROW_MISSING,
    TARGET_ROW_POINTS,
    Alternative,
    EitherOr,
    Figure,
    Grade,
    GradeScale,
    Indicator,
    MissingPolicy,
    Rubric,
    TargetRows,
    Veto,
)

__all__ = ["build"]

_TOP_KEYS = ("rubric", "indicator", "either_or", "veto", "figure")
_FIGURE_KEYS = ("id", "name", "measure", "unit", "value_rounding")
_RUBRIC_KEYS = ("id", "version", "title", "locale", "source", "description", "full_marks",
                "rounding", "total_rounding", "grades", "extends")
_INDICATOR_KEYS = ("path", "points", "weight", "name_en", "definition", "criterion", "measure",
                   "unit", "value_rounding", "rule", "missing", "rounding", "applicable",
                   "not_applicable", "templates", "note", "target_rows")
_TARGET_ROWS_KEYS = ("tiers", "points", "empty", "missing")
_GRADE_KEYS = ("name", "min", "max", "en", "labels")
_EITHER_KEYS = ("name", "alternatives")
_ALTERNATIVE_KEYS = ("path", "when")
_VETO_KEYS = ("name", "when", "reason", "grade_at_most", "total_at_most", "indicator", "missing")
_VETO_MISSING = ("error", "pass", "trigger")


def build(doc: Mapping[str, Any], source: Source, origins: Origins) -> Rubric:
    """Validate the merged rubric document *doc* and build the Rubric.

    Raises :class:`~perfrubric.errors.RubricError` with every problem found.
    """
    return _Builder(source, origins).build(doc)


class _Builder:
    """One load: collects problems while building the rubric."""

    def __init__(self, source: Source, origins: Origins) -> None:
        self.file = source.file
        self.source = source
        self.origins = origins
        self.problems: list[Problem] = []

    # -- problems -------------------------------------------------------------

    def where(self, path: PathTuple) -> tuple[str | None, int | None, int | None]:
        """File, line and column of *path* in the document it came from."""
        source, original = origin(self.origins, self.source, path)
        pos = _tomlpos.locate(source.positions, original) if source.positions else None
        return source.file, (pos[0] if pos else None), (pos[1] if pos else None)

    def problem(self, path: PathTuple, message: str, *, expected: str | None = None,
                got: object = None) -> None:
        file, line, column = self.where(path)
        self.problems.append(Problem(
            message,
            path=_tomlpos.format_path(path),
            file=file,
            line=line,
            column=column,
            expected=expected,
            got=None if got is None else repr(got),
        ))

    def unknown_keys(self, table: Mapping[str, Any], allowed: Sequence[str],
                     path: PathTuple) -> None:
        for key in table:
            if key not in allowed:
                self.problem(path + (key,),
                             f"unknown key '{key}'{did_you_mean(key, allowed)}",
                             expected=", ".join(allowed), got=key)

    def table(self, value: Any, path: PathTuple, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problem(path, f"expected {what} (a table), got {_kind_of(value)}",
                     expected="table", got=value)
        return None

    def string(self, table: Mapping[str, Any], key: str, path: PathTuple, *,
               required: bool = False) -> str | None:
        if key not in table:
            if required:
                self.problem(path + (key,), f"missing; '{key}' is required", expected="string")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(path + (key,), f"expected a non-empty string, got {_kind_of(value)}",
                         expected="string", got=value)
            return None
        return value

    def number(self, table: Mapping[str, Any], key: str, path: PathTuple, *,
               positive: bool = False) -> Decimal | None:
        if key not in table:
            return None
        value = table[key]
        try:
            number = to_decimal(value)
        except ValueError:
            self.problem(path + (key,), f"expected a number, got {_kind_of(value)}",
                         expected="number", got=value)
            return None
        if number < 0 or (positive and number == 0):
            bound = "greater than 0" if positive else "0 or more"
            self.problem(path + (key,), f"must be {bound}, got {value!r}",
                         expected=f"number {bound}", got=value)
            return None
        return number

    def choice(self, table: Mapping[str, Any], key: str, path: PathTuple,
               choices: Sequence[str], default: str) -> str:
        value = table.get(key, default)
        if value not in choices:
            options = " | ".join(f'"{c}"' for c in choices)
            self.problem(path + (key,),
                         f"expected {options}, got {value!r}{did_you_mean(str(value), choices)}",
                         expected=options, got=value)
            return default
        return str(value)

    def rounding(self, table: Mapping[str, Any], key: str, path: PathTuple) -> Rounding | None:
        if key not in table:
            return None
        value = self.table(table[key], path + (key,),
                           "a rounding { places = 2, mode = \"half_up\" }")
        if value is None:
            return None
        self.unknown_keys(value, ("places", "mode"), path + (key,))
        places = value.get("places", 2)
        mode = value.get("mode", "half_up")
        ok = True
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 12:
            self.problem(path + (key, "places"),
                         f"expected a whole number from 0 to 12, got {places!r}",
                         expected="0..12", got=places)
            ok = False
        if mode not in ROUNDING_MODES:
            options = ", ".join(ROUNDING_MODES)
            self.problem(path + (key, "mode"),
                         f"unknown rounding mode {mode!r}{did_you_mean(str(mode), ROUNDING_MODES)};"
                         f" expected one of {options}", expected=options, got=mode)
            ok = False
        return Rounding(places, mode) if ok else None

    def expression(self, table: Mapping[str, Any], key: str, path: PathTuple) -> Expression | None:
        source = self.string(table, key, path)
        if source is None:
            return None
        try:
            expr = parse_expression(source)
        except ExpressionError as exc:
            self.problem(path + (key,),
                         f"{exc.message} (at column {exc.column} of the expression {source!r})",
                         expected="an expression", got=source)
            return None
        for name in sorted(expr.names):
            message = check_name(name)
            if message is not None:
                self.problem(path + (key,), f"{message} in the expression {source!r}", got=name)
        return expr

    def entries(self, raw: Any, top: str, what: str, keys: Sequence[str]
                ) -> Iterator[tuple[int, PathTuple, Mapping[str, Any]]]:
        """The tables of an array of tables ``[[top]]``, each checked for unknown keys."""
        if raw is None:
            return
        if not isinstance(raw, list):
            self.problem((top,), f"expected [[{top}]] entries (an array of tables)", got=raw)
            return
        for i, item in enumerate(raw):
            path: PathTuple = (top, i)
            table = self.table(item, path, what)
            if table is not None:
                self.unknown_keys(table, keys, path)
                yield i, path, table

    # -- the document ---------------------------------------------------------

    def build(self, doc: Mapping[str, Any]) -> Rubric:
        self.unknown_keys(doc, _TOP_KEYS, ())
        meta = self.table(doc.get("rubric", {}), ("rubric",), "the [rubric] table") or {}
        if "rubric" not in doc:
            self.problem(("rubric",), "missing the [rubric] table with id, version and title")
        self.unknown_keys(meta, _RUBRIC_KEYS, ("rubric",))
        rid = self.string(meta, "id", ("rubric",), required="rubric" in doc) or "?"
        version = self.string(meta, "version", ("rubric",), required="rubric" in doc) or "?"
        title = self._title(meta)
        locale = self.string(meta, "locale", ("rubric",)) or "zh_CN"
        full_marks = self.number(meta, "full_marks", ("rubric",), positive=True) or Decimal(100)
        rounding = self.rounding(meta, "rounding", ("rubric",)) or Rounding(2, "half_up")
        total_rounding = self.rounding(meta, "total_rounding", ("rubric",)) or rounding
        grades = self._grades(meta.get("grades"), full_marks)

        rows = self._rows(doc.get("indicator"))
        groups_raw = self._either_or(doc.get("either_or"), rows)
        top = self._tree(rows, groups_raw, full_marks)
        vetoes = self._vetoes(doc.get("veto"), rows, grades, full_marks)
        figures = self._figures(doc.get("figure"))

        if self.problems:
            raise RubricError(self.problems)
        return Rubric(
            id=rid, version=version, title=title, indicators=top, full_marks=full_marks,
            locale=locale, source=self.string(meta, "source", ("rubric",)),
            description=self.string(meta, "description", ("rubric",)),
            rounding=rounding, total_rounding=total_rounding, grades=grades,
            either_or=tuple(groups_raw), vetoes=tuple(vetoes), figures=tuple(figures),
            file=self.file,
        )

    def _title(self, meta: Mapping[str, Any]) -> dict[str, str]:
        value = meta.get("title")
        if value is None:
            return {}
        if isinstance(value, str):
            return {str(meta.get("locale", "zh_CN")): value}
        if isinstance(value, Mapping) and value and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return dict(value)
        self.problem(("rubric", "title"),
                     "expected a string or a table of locale = string "
                     "(title = { zh_CN = \"…\", en = \"…\" })", got=value)
        return {}

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

    # -- indicator rows -------------------------------------------------------

    def _rows(self, raw: Any) -> dict[str, _Row]:
        rows: dict[str, _Row] = {}
        if raw is None:
            self.problem(("indicator",), "the rubric has no [[indicator]] rows")
            return rows
        for i, ipath, table in self.entries(raw, "indicator", "an [[indicator]] row",
                                            _INDICATOR_KEYS):
            path = self.string(table, "path", ipath, required=True)
            if path is None:
                continue
            segments = path.split("/")
            if any(not s.strip() or s != s.strip() for s in segments):
                self.problem(ipath + ("path",),
                             f"'{path}' is not a valid path: names separated by '/', "
                             "no empty names, no spaces around '/'", got=path)
                continue
            if path in rows:
                self.problem(ipath + ("path",),
                             f"duplicate indicator '{path}' (first defined at "
                             f"indicator[{rows[path].index}])", got=path)
                continue
            rows[path] = _Row(i, path, table)
        for row in rows.values():
            parent = row.parent
            if parent is not None and parent not in rows:
                self.problem(("indicator", row.index, "path"),
                             f"indicator '{row.path}' has no parent row '{parent}'; add "
                             f"[[indicator]] path = \"{parent}\" with its points")
        return rows

    def _tree(self, rows: dict[str, _Row], groups: list[EitherOr],
              full_marks: Decimal) -> tuple[Indicator, ...]:
        children: dict[str | None, list[_Row]] = {}
        for row in rows.values():
            if row.parent is None or row.parent in rows:
                children.setdefault(row.parent, []).append(row)
        self._points(children, full_marks)
        alt_of = {a.path: g for g in groups for a in g.alternatives}
        built: dict[str, Indicator] = {}

        def make(row: _Row) -> Indicator | None:
            kids = [make(c) for c in children.get(row.path, [])]
            return self._indicator(row, tuple(k for k in kids if k is not None))

        top = [make(r) for r in children.get(None, [])]
        for ind in top:
            if ind is not None:
                for node in ind.walk():
                    built[node.path] = node
        # Sums: children add up to the parent, an either-or group counting once.
        for parent_path, kids in children.items():
            if parent_path is None:
                continue
            parent = rows[parent_path]
            if parent.points is None or any(k.points is None for k in kids):
                continue
            total = _sum_once(kids, alt_of)
            if total != parent.points:
                self.problem(("indicator", parent.index, "points"),
                             f"the children of '{parent_path}' add up to {_fmt(total)} points, "
                             f"but it has {_fmt(parent.points)}",
                             expected=_fmt(total), got=_fmt(parent.points))
        tops = children.get(None, [])
        if tops and all(r.points is not None for r in tops):
            total = _sum_once(tops, alt_of)
            if total != full_marks:
                self.problem(("rubric", "full_marks"),
                             f"the top-tier indicators add up to {_fmt(total)} points, but the "
                             f"full marks are {_fmt(full_marks)}",
                             expected=_fmt(total), got=_fmt(full_marks))
        return tuple(ind for ind in top if ind is not None)

    def _points(self, children: Mapping[str | None, list[_Row]], full_marks: Decimal) -> None:
        """Read points, or turn sibling weights into points (largest remainder)."""
        for row in (r for kids in children.values() for r in kids):
            ipath: PathTuple = ("indicator", row.index)
            has_points, has_weight = "points" in row.table, "weight" in row.table
            if has_points and has_weight:
                self.problem(ipath + ("weight",), "give either 'points' or 'weight', not both")
            elif not has_points and not has_weight:
                self.problem(ipath, f"indicator '{row.path}' has no 'points' (分值) "
                                    "or 'weight'", expected="points")
            elif has_points:
                row.points = self.number(row.table, "points", ipath)
            else:
                row.weight = self.number(row.table, "weight", ipath, positive=True)

        def resolve(parent: str | None, budget: Decimal | None) -> None:
            kids = children.get(parent, [])
            weighted = [k for k in kids if "weight" in k.table and "points" not in k.table]
            if weighted and budget is not None:
                if len(weighted) != len(kids):
                    first = weighted[0]
                    self.problem(("indicator", first.index, "weight"),
                                 f"siblings under '{parent or 'the top tier'}' mix 'points' and "
                                 "'weight'; use one or the other")
                elif all(k.weight is not None for k in kids):
                    shares = _apportion(budget, [cast(Decimal, k.weight) for k in kids])
                    for k, share in zip(kids, shares, strict=True):
                        k.points = share
            for k in kids:
                resolve(k.path, k.points)

        resolve(None, full_marks)

    def _indicator(self, row: _Row, kids: tuple[Indicator, ...]) -> Indicator | None:
        table, ipath = row.table, ("indicator", row.index)
        measure = self.expression(table, "measure", ipath)
        applicable = self.expression(table, "applicable", ipath)
        missing = self.choice(table, "missing", ipath, MISSING_POLICIES, "error")
        not_applicable = self.choice(table, "not_applicable", ipath, NOT_APPLICABLE_POLICIES,
                                     "full")
        rounding = self.rounding(table, "rounding", ipath)
        value_rounding = self.rounding(table, "value_rounding", ipath)
        unit = self.string(table, "unit", ipath)
        templates = self._templates(table, ipath)
        rule = None
        target_rows = self._target_rows(table, ipath, row, kids)
        if target_rows is not None:
            pass  # its rows come from the data: no rule here
        elif kids:
            for key in ("rule", "measure"):
                if key in table:
                    self.problem(ipath + (key,), f"'{row.path}' has children; only leaf "
                                 f"indicators take a '{key}'")
        elif "rule" not in table:
            self.problem(ipath, f"leaf indicator '{row.path}' has no 'rule'; say how it is "
                         f"scored, e.g. rule = {{ kind = \"judged\" }}",
                         expected=f"rule = {{ kind = {' | '.join(kind_names())} }}")
        elif row.points is not None:
            rule = self._rule(table["rule"], ipath + ("rule",), row.points)
        if row.points is None:
            return None
        line = self.where(ipath)[1]
        return Indicator(
            path=row.path, points=row.points, children=kids,
            name_en=self.string(table, "name_en", ipath),
            definition=self.string(table, "definition", ipath),
            criterion=self.string(table, "criterion", ipath),
            measure=measure, unit=unit, value_rounding=value_rounding, rule=rule,
            missing=cast(MissingPolicy, missing), rounding=rounding, applicable=applicable,
            not_applicable=not_applicable, templates=templates, line=line,
            target_rows=target_rows,
        )

    def _target_rows(self, table: Mapping[str, Any], ipath: PathTuple, row: _Row,
                     kids: tuple[Indicator, ...]) -> TargetRows | None:
        """Read ``target_rows = { tiers, points, empty, missing }`` (see docs/projects.md)."""
        if "target_rows" not in table:
            return None
        rpath = ipath + ("target_rows",)
        value = self.table(table["target_rows"], rpath,
                           "target_rows = { tiers = [\"数量指标\", …] }")
        if value is None:
            return None
        self.unknown_keys(value, _TARGET_ROWS_KEYS, rpath)
        for key in ("rule", "measure", "applicable"):
            if key in table:
                self.problem(ipath + (key,), f"'{row.path}' takes its rows from the data's "
                             f"targets; it has no '{key}' of its own")
        if kids:
            self.problem(rpath, f"'{row.path}' takes its rows from the data's targets, so it "
                         "cannot also have [[indicator]] rows below it")
        if "missing" in table:
            self.problem(ipath + ("missing",), "a tier of target rows says what a row "
                         "without a result earns in target_rows.missing")
        tiers: list[str] = []
        raw = value.get("tiers", [])
        if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip()
                                                and "/" not in t for t in raw):
            self.problem(rpath + ("tiers",), "expected a list of sub-tier names such as "
                         "[\"数量指标\", \"质量指标\"] (names without '/')", got=raw)
        else:
            for i, name in enumerate(raw):
                if name in tiers:
                    self.problem(rpath + ("tiers", i), f"duplicate sub-tier '{name}'")
                tiers.append(name)
        points = self.choice(value, "points", rpath, TARGET_ROW_POINTS, "exact")
        empty = self.choice(value, "empty", rpath, TARGET_ROW_EMPTY, "exclude")
        if value.get("missing") == "full":
            self.problem(rpath + ("missing",), "a row without a result must never earn "
                         "points: not reported is not 'full'; use \"zero\", \"cannot_rate\" "
                         "or \"error\"", got="full")
            missing = "zero"
        else:
            missing = self.choice(value, "missing", rpath, TARGET_ROW_MISSING, "zero")
        return TargetRows(tuple(tiers), points, empty, missing)

    def _templates(self, table: Mapping[str, Any], ipath: PathTuple) -> dict[str, str]:
        raw = table.get("templates")
        if raw is None:
            return {}
        value = self.table(raw, ipath + ("templates",), "templates { zh_CN = \"…\" }")
        if value is None:
            return {}
        out: dict[str, str] = {}
        for locale, text in value.items():
            where = (*ipath, "templates", locale)
            if locale not in TEMPLATE_LOCALES:
                self.problem(where, f"no narrative for locale '{locale}', so this template "
                             "would never be used" + did_you_mean(locale, TEMPLATE_LOCALES),
                             expected=" or ".join(TEMPLATE_LOCALES))
                continue
            if not isinstance(text, str):
                self.problem(where, "expected a template string", got=text)
                continue
            problems = template_problems(text)
            for message in problems:
                self.problem(where, message, got=text)
            if not problems:
                out[locale] = text
        return out

    def _rule(self, raw: Any, rpath: PathTuple, points: Decimal) -> Any:
        table = self.table(raw, rpath, "a rule { kind = … }")
        if table is None:
            return None
        kind_name = table.get("kind")
        if not isinstance(kind_name, str):
            self.problem(rpath + ("kind",), "missing; say which rule kind scores this "
                         f"indicator: {', '.join(kind_names())}", expected="rule kind")
            return None
        try:
            kind = get_kind(kind_name)
        except KeyError:
            self.problem(rpath + ("kind",),
                         f"unknown rule kind '{kind_name}'{did_you_mean(kind_name, kind_names())};"
                         f" known kinds: {', '.join(kind_names())}",
                         expected=", ".join(kind_names()), got=kind_name)
            return None
        params = {k: v for k, v in table.items() if k != "kind"}
        try:
            return kind.from_params(params, points)
        except ParamError as exc:
            for p in exc.problems:
                sub = _tomlpos.parse_path(p.path) if p.path else ()
                self.problems.append(_relocate(self, p, rpath + sub))
        except Exception as exc:  # a user-registered kind misbehaving
            self.problem(rpath, f"rule kind '{kind_name}' rejected its parameters: {exc}")
        return None

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
                self.problem(gpath + ("alternatives",),
                             "the alternatives of an either-or group must have equal points, "
                             f"got {', '.join(sorted(_fmt(p) for p in points if p is not None))}")
                continue
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
            if fid is not None and measure is not None and name is not None:
                seen.add(fid)
                figures.append(Figure(fid, name, measure, unit, value_rounding))
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


class _Row:
    """One [[indicator]] row while loading (mutable scratch)."""

    __slots__ = ("index", "path", "points", "table", "weight")

    def __init__(self, index: int, path: str, table: Mapping[str, Any]) -> None:
        self.index = index
        self.path = path
        self.table = table
        self.points: Decimal | None = None
        self.weight: Decimal | None = None

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


def _relocate(builder: _Builder, problem: Problem, path: PathTuple) -> Problem:
    file, line, column = builder.where(path)
    return Problem(
        problem.message, path=_tomlpos.format_path(path), file=file,
        line=line, column=column, expected=problem.expected, got=problem.got,
    )


def _sum_once(kids: Sequence[_Row], alt_of: Mapping[str, EitherOr]) -> Decimal:
    total = Decimal(0)
    counted: set[str] = set()
    for kid in kids:
        group = alt_of.get(kid.path)
        if group is not None:
            if group.name in counted:
                continue
            counted.add(group.name)
        total += cast(Decimal, kid.points)
    return total


def _apportion(total: Decimal, weights: Sequence[Decimal], places: int = 2) -> list[Decimal]:
    """Split *total* in proportion to *weights*, rounded so the parts add up exactly.

    Largest-remainder (Hamilton) method at *places* decimals.
    """
    quantum = Decimal(1).scaleb(-places)
    whole = sum(weights, Decimal(0))
    exact = [total * w / whole for w in weights]
    parts = [e.quantize(quantum, rounding="ROUND_FLOOR") for e in exact]
    left = int((total - sum(parts, Decimal(0))) / quantum)
    order = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:left]:
        parts[i] += quantum
    return parts


def _is_number(value: object) -> bool:
    try:
        to_decimal(value)
    except ValueError:
        return False
    return True


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "?"
    text = format(value.normalize(), "f")
    return text


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__
