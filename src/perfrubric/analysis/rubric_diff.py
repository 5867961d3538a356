"""What a new or local scoring table changed: :func:`diff_rubrics`.

Both rubrics are loaded ones (``extends`` already resolved by the loader),
so a child table against its parent shows exactly what the local adaptation
changed.  Indicators are matched as trees: at each level, rows of the same
name first; then the remaining rows pairwise by similarity (a leaf with the
same measure and rule, or a close name, is the same row renamed); finally a
leaf that moved to another parent is matched by name, or by measure and
rule.  Matched rows report every field that changed (points, rule,
measure, unit, missing-data policy, criterion …); the rest are added or
removed.  Grade bands, vetoes, either-or groups, full marks and rounding
are compared too.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from ..errors import PerfrubricError
from ..rubrics.model import Indicator, Rubric, _canonical_indicator, _num

__all__ = ["DIFF_FORMATS", "FieldChange", "IndicatorDiff", "RubricDiff", "diff_rubrics"]

#: The formats :meth:`RubricDiff.render` produces.
DIFF_FORMATS: tuple[str, ...] = ("text", "markdown", "json")

_FIELDS = ("points", "measure", "unit", "rule", "missing", "rounding", "value_rounding",
           "applicable", "not_applicable")
_SIMILAR = 0.6
_CLOSE = 0.8


@attrs.frozen
class FieldChange:
    """One field that differs: its name and both values as text (``None``: not set)."""

    field: str
    before: str | None
    after: str | None


@attrs.frozen
class IndicatorDiff:
    """One row of the diff: an indicator ``added``, ``removed``, ``renamed`` or ``changed``.

    ``path_a`` is the path in the first rubric (``None`` when added),
    ``path_b`` in the second (``None`` when removed).  A renamed row may
    also have ``changes``.
    """

    status: Literal["added", "removed", "renamed", "changed"]
    path_a: str | None
    path_b: str | None
    changes: tuple[FieldChange, ...] = ()

    @property
    def path(self) -> str:
        """The row's path in the second rubric, else in the first."""
        return self.path_b or self.path_a or ""


@attrs.frozen
class RubricDiff:
    """The differences between rubric ``a`` and rubric ``b`` (see :func:`diff_rubrics`).

    ``indicators`` lists rows that differ, in *b*'s table order, removed
    rows after them; ``settings`` the rubric-wide fields that differ
    (``grades``, ``full_marks``, ``rounding``, vetoes, either-or groups).
    """

    a: str
    b: str
    indicators: tuple[IndicatorDiff, ...]
    settings: tuple[FieldChange, ...]

    @property
    def same(self) -> bool:
        """Whether the two rubrics score alike (no difference found)."""
        return not self.indicators and not self.settings

    def of(self, status: str) -> tuple[IndicatorDiff, ...]:
        """The rows with *status* (``added``, ``removed``, ``renamed``, ``changed``)."""
        return tuple(d for d in self.indicators if d.status == status)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        def change(c: FieldChange) -> dict[str, Any]:
            return {"field": c.field, "before": c.before, "after": c.after}

        return {
            "a": self.a, "b": self.b, "same": self.same,
            "indicators": [{"status": d.status, "path_a": d.path_a, "path_b": d.path_b,
                            "changes": [change(c) for c in d.changes]}
                           for d in self.indicators],
            "settings": [change(c) for c in self.settings],
        }

    def render(self, fmt: str = "text") -> str:
        """The diff as ``text``, ``markdown`` or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "markdown":
            return _markdown(self)
        if fmt == "text":
            return _text(self)
        raise PerfrubricError(f"unknown format {fmt!r}; expected one of "
                              + ", ".join(DIFF_FORMATS))


# -- matching ------------------------------------------------------------------------


def _signature(ind: Indicator) -> tuple[Any, ...] | None:
    if ind.children or ind.rule is None:
        return None
    rule = _canonical_indicator(ind)["rule"]
    return (ind.measure.source if ind.measure else None, json.dumps(rule, sort_keys=True))


def _similarity(a: Indicator, b: Indicator) -> float:
    """How alike two unmatched siblings are; below ``_SIMILAR`` they are not the same row.

    A leaf with the same measure and rule scores above 1.  Otherwise a leaf
    needs a close name (``_CLOSE``); a parent a similar name and a child in
    common (by name, or by measure and rule), or a close name.
    """
    name = difflib.SequenceMatcher(None, a.name, b.name).ratio()
    sig_a, sig_b = _signature(a), _signature(b)
    if sig_a is not None and sig_a == sig_b:
        return 1.0 + name
    if bool(a.children) != bool(b.children):
        return 0.0
    if not a.children:
        return name if name >= _CLOSE else 0.0
    names_a = {c.name for c in a.children}
    sigs_a = {_signature(c) for c in a.children} - {None}
    shared = any(c.name in names_a or (_signature(c) in sigs_a) for c in b.children)
    return name if shared or name >= _CLOSE else 0.0


def _match(a: Sequence[Indicator], b: Sequence[Indicator],
           pairs: list[tuple[Indicator, Indicator]]) -> tuple[list[Indicator], list[Indicator]]:
    """Match sibling lists; recurse into pairs; return the unmatched of each side."""
    left = list(a)
    right = list(b)
    matched: list[tuple[Indicator, Indicator]] = []
    for ib in list(right):
        ia = next((x for x in left if x.name == ib.name), None)
        if ia is not None:
            matched.append((ia, ib))
            left.remove(ia)
            right.remove(ib)
    scored = sorted(((_similarity(x, y), i, j) for i, x in enumerate(left)
                     for j, y in enumerate(right)), key=lambda t: (-t[0], t[1], t[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for score, i, j in scored:
        if score < _SIMILAR or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matched.append((left[i], right[j]))
    rest_a = [x for i, x in enumerate(left) if i not in used_a]
    rest_b = [y for j, y in enumerate(right) if j not in used_b]
    for x, y in matched:
        pairs.append((x, y))
        sub_a, sub_b = _match(x.children, y.children, pairs)
        rest_a += sub_a
        rest_b += sub_b
    return rest_a, rest_b


def _flatten(rows: Sequence[Indicator]) -> list[Indicator]:
    return [node for row in rows for node in row.walk()]


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        kind = value.get("kind")
        params = ", ".join(f"{k}={_text_of(v)}" for k, v in value.items() if k != "kind")
        return f"{kind}({params})" if kind else "{" + params + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text_of(v) or "—" for v in value) + "]"
    return str(value)


def _fields(a: Indicator, b: Indicator) -> tuple[FieldChange, ...]:
    ca, cb = _canonical_indicator(a), _canonical_indicator(b)
    out = [FieldChange(f, _text_of(ca[f]), _text_of(cb[f])) for f in _FIELDS if ca[f] != cb[f]]
    if a.criterion != b.criterion:
        out.append(FieldChange("criterion", a.criterion, b.criterion))
    if a.name_en != b.name_en:
        out.append(FieldChange("name_en", a.name_en, b.name_en))
    return tuple(out)


def _settings(a: Rubric, b: Rubric) -> tuple[FieldChange, ...]:
    out: list[FieldChange] = []
    ca, cb = a.canonical(), b.canonical()

    def grades(c: Mapping[str, Any]) -> str:
        return ", ".join(f"{name} ≥ {low}" for name, low in c["grades"])

    def vetoes(r: Rubric) -> dict[str, str]:
        return {v.name: f"{v.when.source} → " + ", ".join(
            x for x in (f"grade ≤ {v.grade_at_most}" if v.grade_at_most else "",
                        f"total ≤ {_num(v.total_at_most)}" if v.total_at_most is not None
                        else "", f"indicator {v.indicator}" if v.indicator else "") if x)
            for v in r.vetoes}

    for key in ("full_marks", "rounding", "total_rounding"):
        if ca[key] != cb[key]:
            out.append(FieldChange(key, _text_of(ca[key]), _text_of(cb[key])))
    if ca["grades"] != cb["grades"]:
        out.append(FieldChange("grades", grades(ca), grades(cb)))
    va, vb = vetoes(a), vetoes(b)
    for name in sorted(set(va) | set(vb)):
        if va.get(name) != vb.get(name):
            out.append(FieldChange(f"veto {name}", va.get(name), vb.get(name)))
    ea = {g.name: " | ".join(x.path for x in g.alternatives) for g in a.either_or}
    eb = {g.name: " | ".join(x.path for x in g.alternatives) for g in b.either_or}
    for name in sorted(set(ea) | set(eb)):
        if ea.get(name) != eb.get(name):
            out.append(FieldChange(f"either-or {name}", ea.get(name), eb.get(name)))
    return tuple(out)


def diff_rubrics(a: Rubric, b: Rubric) -> RubricDiff:
    """The differences between rubric *a* (the parent, or last year's) and rubric *b*.

    Load each with :func:`perfrubric.load_rubric` or
    :func:`perfrubric.builtin`; ``extends`` is then already resolved.
    """
    pairs: list[tuple[Indicator, Indicator]] = []
    rest_a, rest_b = _match(a.indicators, b.indicators, pairs)
    removed = _flatten(rest_a)
    added = _flatten(rest_b)
    # A leaf that moved to another parent: same name, or same measure and rule.
    for leaf in [x for x in removed if x.is_leaf]:
        target = next((y for y in added if y.is_leaf and y.name == leaf.name), None) or next(
            (y for y in added if y.is_leaf and _signature(y) is not None
             and _signature(y) == _signature(leaf)), None)
        if target is not None:
            pairs.append((leaf, target))
            removed.remove(leaf)
            added.remove(target)
    by_b: dict[str, IndicatorDiff] = {}
    for x, y in pairs:
        changes = _fields(x, y)
        if x.path != y.path:
            by_b[y.path] = IndicatorDiff("renamed", x.path, y.path, changes)
        elif changes:
            by_b[y.path] = IndicatorDiff("changed", x.path, y.path, changes)
    for y in added:
        by_b[y.path] = IndicatorDiff("added", None, y.path)
    rows = [by_b[ind.path] for ind in b.walk() if ind.path in by_b]
    order_a = [ind.path for ind in a.walk()]
    rows += [IndicatorDiff("removed", x.path, None)
             for x in sorted(removed, key=lambda i: order_a.index(i.path))]
    return RubricDiff(f"{a.id} {a.version}", f"{b.id} {b.version}", tuple(rows),
                      _settings(a, b))


# -- rendering ------------------------------------------------------------------------


_MARK = {"added": "+", "removed": "-", "renamed": "~", "changed": "*"}


def _row_title(d: IndicatorDiff) -> str:
    if d.status == "renamed":
        return f"{d.path_a} → {d.path_b}"
    return d.path


def _text(diff: RubricDiff) -> str:
    lines = [f"--- {diff.a}", f"+++ {diff.b}"]
    if diff.same:
        return "\n".join([*lines, "", "no differences: the two rubrics score alike"]) + "\n"
    counts = ", ".join(f"{len(diff.of(s))} {s}" for s in ("added", "removed", "renamed",
                                                          "changed") if diff.of(s))
    lines += [counts, ""]
    for d in diff.indicators:
        lines.append(f"{_MARK[d.status]} {d.status:<8} {_row_title(d)}")
        for c in d.changes:
            lines.append(f"      {c.field}: {c.before or '—'} → {c.after or '—'}")
    if diff.settings:
        lines.append("")
        for c in diff.settings:
            lines.append(f"* {c.field}: {c.before or '—'} → {c.after or '—'}")
    return "\n".join(lines) + "\n"


def _cell(text: str | None) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


def _markdown(diff: RubricDiff) -> str:
    lines = [f"## `{diff.a}` → `{diff.b}`", ""]
    if diff.same:
        return "\n".join([*lines, "No differences: the two rubrics score alike."]) + "\n"
    lines += ["| change | indicator | field | before | after |", "|---|---|---|---|---|"]
    for d in diff.indicators:
        if not d.changes:
            lines.append(f"| {d.status} | {_cell(_row_title(d))} |  |  |  |")
        for c in d.changes:
            lines.append(f"| {d.status} | {_cell(_row_title(d))} | {c.field} | "
                         f"{_cell(c.before)} | {_cell(c.after)} |")
    for c in diff.settings:
        lines.append(f"| changed | (rubric) | {c.field} | {_cell(c.before)} | {_cell(c.after)} |")
    return "\n".join(lines) + "\n"
