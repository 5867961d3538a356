"""Validating a rubric document and building the immutable Rubric.

The builder checks a (merged) rubric document completely and collects
every problem instead of stopping at the first: a rubric author sees every
mistake in one run, each with the file, the TOML path
(``indicator[3].rule.step``) and the line.

This module builds the document and its indicator tree (rows, points and
weights, sums, rules, templates); the grade scale, either-or groups,
vetoes and figures are built by :mod:`perfrubric._building_parts`, and the
typed readers that record located problems live in
:mod:`perfrubric._checker`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from ..decimals import Rounding, apportion
from ..errors import ParamError, PluginError, Problem, RubricError, did_you_mean
from ..expr import Expression
from ..expr.template import LOCALES as TEMPLATE_LOCALES
from ..expr.template import template_problems
from ..files import tomlpos as _tomlpos
from ..files.settings import Origins, PathTuple, Source
from ..indicators import ENTRY_POINT_GROUP, RuleParams, get_kind, kind_names, plugin_kind_names
from ..units import UNITS
from . import keys
from .checks import _fmt, _relocate, _Row
from .measuretype import gives_money
from .model import (
    MISSING_POLICIES,
    NOT_APPLICABLE_POLICIES,
    TARGET_ROW_EMPTY,
    TARGET_ROW_MISSING,
    TARGET_ROW_POINTS,
    EitherOr,
    Indicator,
    MissingPolicy,
    Rubric,
    TargetRows,
)
from .parts import _PartsBuilder

__all__ = ["build"]

_TOP_KEYS = keys.TOP.names
_RUBRIC_KEYS = keys.RUBRIC.names
_INDICATOR_KEYS = keys.INDICATOR.names
_TARGET_ROWS_KEYS = keys.TARGET_ROWS.names


def build(doc: Mapping[str, Any], source: Source, origins: Origins) -> Rubric:
    """Validate the merged rubric document *doc* and build the Rubric.

    Raises :class:`~perfrubric.errors.RubricError` with every problem found.
    """
    return _Builder(source, origins).build(doc)


class _Builder(_PartsBuilder):
    """One load: collects problems while building the rubric."""

    # -- the document ---------------------------------------------------------

    def build(self, doc: Mapping[str, Any]) -> Rubric:
        if "rubric" not in doc and "indicator" not in doc and "department" in doc:
            # The commonest slip on the command line: DATA given where RUBRIC goes.
            self.problem(("rubric",), "this file has a [department] table and no [rubric]: "
                         "it is a data file, not a rubric; the rubric comes first "
                         "(perfrubric score RUBRIC DATA)")
            raise RubricError(self.problems)
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
            file=self.file, warnings=tuple(self.warnings),
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
            return self._indicator(row, tuple(k for k in kids if k is not None),
                                   had_rows=bool(kids))

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
                at, cite = self.blame(("indicator", parent.index, "points"), kids,
                                      ("indicator", parent.index))
                self.problem(at, f"the children of '{parent_path}' add up to {_fmt(total)} "
                             f"points, but it has {_fmt(parent.points)}{cite}",
                             expected=_fmt(total), got=_fmt(parent.points))
        tops = children.get(None, [])
        if tops and all(r.points is not None for r in tops):
            total = _sum_once(tops, alt_of)
            if total != full_marks:
                at, cite = self.blame(("rubric", "full_marks"), tops, ("rubric", "full_marks"))
                self.problem(at, f"the top-tier indicators add up to {_fmt(total)} points, but "
                             f"the full marks are {_fmt(full_marks)}{cite}",
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
                    at, cite = self.blame(("indicator", first.index, "weight"), kids,
                                          ("indicator", first.index), "its weighted sibling")
                    self.problem(at, f"siblings under '{parent or 'the top tier'}' mix 'points' "
                                 f"and 'weight'; use one or the other{cite}")
                elif all(k.weight is not None for k in kids):
                    shares = apportion(budget, [cast(Decimal, k.weight) for k in kids])
                    for k, share in zip(kids, shares, strict=True):
                        k.points = share
            for k in kids:
                resolve(k.path, k.points)

        resolve(None, full_marks)

    def _indicator(self, row: _Row, kids: tuple[Indicator, ...],
                   had_rows: bool = False) -> Indicator | None:
        table, ipath = row.table, ("indicator", row.index)
        measure = self.expression(table, "measure", ipath)
        applicable = self.expression(table, "applicable", ipath)
        missing = self.choice(table, "missing", ipath, MISSING_POLICIES, "error")
        if missing in ("full", "exclude"):
            file, line, column = self.where(ipath + ("missing",))
            self.warnings.append(Problem(
                f"missing = \"{missing}\" "
                + ("gives full points" if missing == "full" else "rescales the total")
                + " for a value that is not reported; not reported should earn nothing: if "
                  "the indicator may not apply, declare applicable = \"<condition>\" with "
                  f"not_applicable = \"{missing}\", and missing = \"zero\" or \"cannot_rate\"",
                path=_tomlpos.format_path(ipath + ("missing",)), file=file, line=line,
                column=column, expected='"error" | "zero" | "cannot_rate"', got=repr(missing)))
        not_applicable = self.choice(table, "not_applicable", ipath, NOT_APPLICABLE_POLICIES,
                                     "full")
        rounding = self.rounding(table, "rounding", ipath)
        value_rounding = self.rounding(table, "value_rounding", ipath)
        unit = self.string(table, "unit", ipath)
        if measure is not None and gives_money(measure):
            self._money_unit(ipath, measure, unit)
        templates = self._templates(table, ipath)
        rule = None
        target_rows = self._target_rows(table, ipath, row, kids)
        if target_rows is not None:
            pass  # its rows come from the data: no rule here
        elif kids or had_rows:  # had_rows: its children failed, already reported
            for key in ("rule", "measure"):
                if key in table:
                    self.problem(ipath + (key,), f"'{row.path}' has children; only leaf "
                                 f"indicators take a '{key}'")
        elif "rule" not in table:
            self.problem(ipath, f"leaf indicator '{row.path}' has no 'rule'; say how it is "
                         f"scored, e.g. rule = {{ kind = \"judged\" }}",
                         expected=f"rule = {{ kind = {' | '.join(kind_names())} }}")
        elif row.points is not None:
            rule = self._rule(table["rule"], ipath + ("rule",), row.points, unit)
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
            target_rows=target_rows, note=_note(table),
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

    def _money_unit(self, ipath: PathTuple, measure: Expression, unit: str | None) -> None:
        """Refuse a money measure without a money unit: the engine could not score it."""
        money = "a money unit such as \"万元\" or \"元\""
        if unit in ("%", "％"):
            self.problem(ipath + ("unit",), f"the measure {measure.source!r} gives an amount of "
                         "money, but unit = \"%\" is for a ratio: divide by another amount "
                         "(e.g. budget.final / budget.adjusted) or give a money unit",
                         expected=money, got=unit)
        elif unit is None:
            self.problem(ipath + ("measure",), f"the measure {measure.source!r} gives an amount "
                         "of money: declare the unit to score it in, unit = \"万元\" (or \"元\", "
                         "\"亿元\", …), or divide by another amount for a rate (e.g. "
                         "budget.final / budget.adjusted)", expected=money)
        elif unit not in UNITS:
            self.problem(ipath + ("unit",), f"the measure {measure.source!r} gives an amount of "
                         f"money, but unit = {unit!r} is not a money unit"
                         f"{did_you_mean(unit, tuple(UNITS))}", expected=money, got=unit)

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

    def _rule(self, raw: Any, rpath: PathTuple, points: Decimal, unit: str | None) -> Any:
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
            known = sorted({*kind_names(), *plugin_kind_names()})
            self.problem(rpath + ("kind",),
                         f"unknown rule kind '{kind_name}'{did_you_mean(kind_name, known)};"
                         f" known kinds: {', '.join(known)}. A kind of your own needs its "
                         "plugin: an installed package declaring it (entry point group "
                         f"'{ENTRY_POINT_GROUP}') or --plugin MODULE on the command line",
                         expected=", ".join(known), got=kind_name)
            return None
        except PluginError as exc:
            self.problem(rpath + ("kind",), str(exc), got=kind_name)
            return None
        params = RuleParams({k: v for k, v in table.items() if k != "kind"}, unit)
        try:
            return kind.from_params(params, points)
        except ParamError as exc:
            for p in exc.problems:
                sub = _tomlpos.parse_path(p.path) if p.path else ()
                self.problems.append(_relocate(self, p, rpath + sub))
        except Exception as exc:  # a user-registered kind misbehaving
            self.problem(rpath, f"rule kind '{kind_name}' rejected its parameters: {exc}")
        return None


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


def _note(table: Mapping[str, Any]) -> str | None:
    """The row's ``note``; an empty or non-text one is no note (it was free text before)."""
    note = table.get("note")
    return note.strip() if isinstance(note, str) and note.strip() else None
