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
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from ..errors import PerfrubricError, RubricError
from ..files.reading import parse_toml, read_text
from ..rubrics.model import Indicator, Rubric, _canonical_indicator, _num
from ._rulewords import rule_changes

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

_PAIRWISE = 2500  # unmatched sibling pairs compared exhaustively; more go through an index
_COMMON = 8  # a measure and rule shared by more rows than this does not propose pairs


class _Matcher:
    """Matches two indicator trees; signatures are computed once per indicator."""

    def __init__(self, renames: Mapping[str, str]) -> None:
        self.renames = dict(renames)  # old path → new path
        self.renamed_from = {new: old for old, new in self.renames.items()}
        self.sigs: dict[int, tuple[Any, ...] | None] = {}
        self.pairs: list[tuple[Indicator, Indicator]] = []
        self.names: dict[int, difflib.SequenceMatcher[str]] = {}

    def sig(self, ind: Indicator) -> tuple[Any, ...] | None:
        key = id(ind)
        if key not in self.sigs:
            self.sigs[key] = _signature(ind)
        return self.sigs[key]

    def similarity(self, a: Indicator, b: Indicator) -> float:
        """How alike two unmatched siblings are; below ``_SIMILAR`` they are not the same row.

        A leaf with the same measure and rule scores above 1.  Otherwise a leaf
        needs a close name (``_CLOSE``); a parent a similar name and a child in
        common (by name, or by measure and rule), or a close name.
        """
        sig_a, sig_b = self.sig(a), self.sig(b)
        if bool(a.children) != bool(b.children):
            return 0.0
        matcher = self.names.get(id(b))
        if matcher is None:  # seq2's index is built once per row of b
            matcher = self.names[id(b)] = difflib.SequenceMatcher(None, b=b.name)
        matcher.set_seq1(a.name)
        if sig_a is not None and sig_a == sig_b:
            return 1.0 + matcher.quick_ratio()  # an upper bound: ranks same-rule rows by name
        floor = _CLOSE if not a.children else _SIMILAR
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            return 0.0
        name = matcher.ratio()
        if not a.children:
            return name if name >= _CLOSE else 0.0
        names_a = {c.name for c in a.children}
        sigs_a = {self.sig(c) for c in a.children} - {None}
        shared = any(c.name in names_a or (self.sig(c) in sigs_a) for c in b.children)
        return name if shared or name >= _CLOSE else 0.0

    def candidates(self, left: Sequence[Indicator],
                   right: Sequence[Indicator]) -> list[tuple[int, int]]:
        """The pairs worth scoring: all of them when few, else through an index.

        Through the index: the pairs sharing a measure and rule (unless many
        rows share it), and those sharing as many name bigrams as a similar
        name needs (found through the rarest of them, so none is missed but
        for names repeating a bigram).
        """
        if len(left) * len(right) <= _PAIRWISE:
            return [(i, j) for i in range(len(left)) for j in range(len(right))]
        by_sig: dict[tuple[Any, ...], list[int]] = {}
        by_gram: dict[str, list[int]] = {}
        right_grams = [_grams(y.name) for y in right]
        for j, y in enumerate(right):
            sig = self.sig(y)
            if sig is not None:
                by_sig.setdefault(sig, []).append(j)
            for gram in right_grams[j]:
                by_gram.setdefault(gram, []).append(j)
        out: set[tuple[int, int]] = set()
        for i, x in enumerate(left):
            sig = self.sig(x)
            same = by_sig.get(sig, []) if sig is not None else []
            if len(same) <= _COMMON:  # a measure and rule many rows share says little
                out.update((i, j) for j in same)
            # A leaf's close name (ratio ≥ 0.8 over lengths summing to T) shares at
            # least 0.2·T − 1 bigrams with it; a parent's similar name at least one.
            size = len(x.name)
            grams = sorted(_grams(x.name), key=lambda g: len(by_gram.get(g, ())))
            # Pigeonhole: a row sharing ≥ k of x's g bigrams shares one of the g − k + 1
            # rarest; the shortest name a leaf can match (2·min ≥ 0.6·T) fixes k.
            shortest = size + math.ceil(size * _SIMILAR / (2 - _SIMILAR))
            k = 1 if x.children else max(1, int(shortest * (1 - _CLOSE)) - 1)
            shared: set[int] = set()
            for gram in grams[:max(len(grams) - k + 1, 1)]:
                shared.update(by_gram.get(gram, ()))
            mine = set(grams)
            for j in shared:
                count = len(mine & right_grams[j])
                total = size + len(right[j].name)
                if 2 * min(size, len(right[j].name)) < _SIMILAR * total:
                    continue  # no length this different reaches a similar name
                if x.children or count >= int(total * (1 - _CLOSE)) - 1:
                    out.add((i, j))
        return sorted(out)

    def _same_rule(self, left: Sequence[Indicator],
                   right: Sequence[Indicator]) -> list[tuple[float, int, int]]:
        """The pairs of leaves with the same measure and rule, scored as :meth:`similarity`."""
        big = len(left) * len(right) > _PAIRWISE
        by_sig: dict[tuple[Any, ...], list[int]] = {}
        for j, y in enumerate(right):
            sig = self.sig(y)
            if sig is not None:
                by_sig.setdefault(sig, []).append(j)
        out = []
        for i, x in enumerate(left):
            sig = self.sig(x)
            same = by_sig.get(sig, []) if sig is not None else []
            if big and len(same) > _COMMON:
                continue  # a measure and rule many rows share says little
            out += [(self.similarity(x, right[j]), i, j) for j in same]
        return out

    @staticmethod
    def _assign(scored: list[tuple[float, int, int]], left: Sequence[Indicator],
                right: Sequence[Indicator], matched: list[tuple[Indicator, Indicator]],
                ) -> tuple[list[Indicator], list[Indicator]]:
        """Pair the best-scored first (ties in table order); return the rows left over."""
        used_a: set[int] = set()
        used_b: set[int] = set()
        for _, i, j in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            matched.append((left[i], right[j]))
        return ([x for i, x in enumerate(left) if i not in used_a],
                [y for j, y in enumerate(right) if j not in used_b])

    def match(self, a: Sequence[Indicator],
              b: Sequence[Indicator]) -> tuple[list[Indicator], list[Indicator]]:
        """Match sibling lists; recurse into pairs; return the unmatched of each side."""
        matched: list[tuple[Indicator, Indicator]] = []
        by_path = {x.path: x for x in a}
        taken_a: set[int] = set()
        taken_b: set[int] = set()
        for y in b:  # an explicit rename (the child's ``rename``) first
            old = self.renamed_from.get(y.path)
            x = by_path.get(old) if old is not None else None
            if x is not None and id(x) not in taken_a:
                matched.append((x, y))
                taken_a.add(id(x))
                taken_b.add(id(y))
        by_name: dict[str, Indicator] = {}
        for x in a:
            if id(x) not in taken_a:
                by_name.setdefault(x.name, x)
        for y in b:
            if id(y) in taken_b:
                continue
            x = by_name.pop(y.name, None)
            if x is not None:
                matched.append((x, y))
                taken_a.add(id(x))
                taken_b.add(id(y))
        left = [x for x in a if id(x) not in taken_a]
        right = [y for y in b if id(y) not in taken_b]
        # A pair with the same measure and rule scores above 1, above any pair matched by
        # name only: those are assigned first, and names compared among the rest only.
        left, right = self._assign(self._same_rule(left, right), left, right, matched)
        scored = [(score, i, j) for i, j in self.candidates(left, right)
                  if (score := self.similarity(left[i], right[j])) >= _SIMILAR]
        rest_a, rest_b = self._assign(scored, left, right, matched)
        for x, y in matched:
            self.pairs.append((x, y))
            sub_a, sub_b = self.match(x.children, y.children)
            rest_a += sub_a
            rest_b += sub_b
        return rest_a, rest_b


def _grams(name: str) -> set[str]:
    return {name[k:k + 2] for k in range(len(name) - 1)} or {name}


def _signature(ind: Indicator) -> tuple[Any, ...] | None:
    if ind.children or ind.rule is None:
        return None
    rule = _canonical_indicator(ind)["rule"]
    return (ind.measure.source if ind.measure else None, json.dumps(rule, sort_keys=True))


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
    out: list[FieldChange] = []
    for f in _FIELDS:
        if ca[f] == cb[f]:
            continue
        if f == "rule":
            out += [FieldChange(k, x, y) for k, x, y in rule_changes(ca[f], cb[f])]
        else:
            out.append(FieldChange(f, _text_of(ca[f]), _text_of(cb[f])))
    if a.criterion != b.criterion:
        out.append(FieldChange("criterion", a.criterion, b.criterion))
    if a.name_en != b.name_en:
        out.append(FieldChange("name_en", a.name_en, b.name_en))
    return tuple(out)


def declared_renames(rubric: Rubric) -> dict[str, str]:
    """The renames a rubric that ``extends`` another declares: parent path → new path.

    Read from the rubric's own file (``rename = "新名称"`` rows); empty when
    the rubric has no file or declares none.
    """
    if not rubric.file or not str(rubric.file).endswith(".toml"):
        return {}
    try:
        doc = parse_toml(read_text(str(rubric.file), RubricError), str(rubric.file),
                         RubricError)
    except PerfrubricError:
        return {}
    rows = doc.get("indicator")
    if not isinstance(doc.get("rubric"), Mapping) or "extends" not in doc["rubric"] \
            or not isinstance(rows, list):
        return {}
    out: dict[str, str] = {}
    current: dict[str, str] = {}  # a path as the child's later rows write it → parent path
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        path, name = row.get("path"), row.get("rename")
        if not isinstance(path, str) or not isinstance(name, str) or "/" in name:
            continue
        origin = current.get(path, path)
        new = (path.rsplit("/", 1)[0] + "/" + name) if "/" in path else name
        out[origin] = new
        current[new] = origin
    return out


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


def diff_rubrics(a: Rubric, b: Rubric, *, renames: Mapping[str, str] | None = None,
                 ) -> RubricDiff:
    """The differences between rubric *a* (the parent, or last year's) and rubric *b*.

    Load each with :func:`perfrubric.load_rubric` or
    :func:`perfrubric.builtin`; ``extends`` is then already resolved.
    *renames* maps paths of *a* to their paths in *b* (renamed rows, shown
    as renamed whatever else changed); by default the renames *b*'s own
    file declares (``rename = "…"`` rows of a rubric that ``extends``
    another).  Time grows about linearly with the number of rows.
    """
    matcher = _Matcher(declared_renames(b) if renames is None else renames)
    rest_a, rest_b = matcher.match(a.indicators, b.indicators)
    pairs = matcher.pairs
    removed = _flatten(rest_a)
    added = _flatten(rest_b)
    # A leaf that moved to another parent: same name, or same measure and rule.
    added_by_name: dict[str, list[Indicator]] = {}
    added_by_sig: dict[tuple[Any, ...], list[Indicator]] = {}
    for y in added:
        if y.is_leaf:
            added_by_name.setdefault(y.name, []).append(y)
            sig = matcher.sig(y)
            if sig is not None:
                added_by_sig.setdefault(sig, []).append(y)
    taken: set[int] = set()
    moved: set[int] = set()
    for leaf in [x for x in removed if x.is_leaf]:
        sig = matcher.sig(leaf)
        options = [*added_by_name.get(leaf.name, ()),
                   *(added_by_sig.get(sig, ()) if sig is not None else ())]
        target = next((y for y in options if id(y) not in taken), None)
        if target is not None:
            pairs.append((leaf, target))
            taken.add(id(target))
            moved.add(id(leaf))
    removed = [x for x in removed if id(x) not in moved]
    added = [y for y in added if id(y) not in taken]
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
    order_a = {ind.path: i for i, ind in enumerate(a.walk())}
    rows += [IndicatorDiff("removed", x.path, None)
             for x in sorted(removed, key=lambda i: order_a[i.path])]
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
