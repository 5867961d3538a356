"""A project form scored from its rows' values: no ``Department``, no expanded ``Rubric``.

:class:`~perfrubric.engine.compiled.CompiledRubric` scores a project form by
building its :class:`~perfrubric.Department` (every ``[[target]]`` read as a
:class:`~perfrubric.model.Target`) and generating the form's rows into a
rubric of their own (:func:`~perfrubric.engine.target_rows.expand`) before it
walks the tree.  A county's export holds thousands of forms of a dozen rows
each, and those two steps cost most of the time.

This module applies the same rule (财预〔2020〕10号, see
:mod:`perfrubric.engine.target_rows`) straight from each row's values:

- :func:`read_row` reads one indicator row as the model would read its
  ``[[target]]`` (the printed target and actual through the library's own
  :func:`~perfrubric.data.printed.parse_printed`, cached by text; the
  direction from the sign, 成本指标 read as lower-is-better; the actual in the
  target's unit; a qualitative row's judgement) into a :class:`FormRow`;
- :class:`CompiledForm` places the rows in their tiers, checks their points
  (rescaling where the tier says so), scores each row with the compiled leaf
  the generated row would have (the same closure: rule, clamp, rounding,
  ``missing`` policy), the budget row with the rubric's own compiled leaf,
  and sums the total and the grade as :meth:`CompiledRubric.run` does.

Anything unusual — a value the model would refuse, a printed value that
does not read, a sub-tier the rubric does not have, points that do not add
up, two rows of one name, a row without a result under ``missing =
"error"`` — makes :func:`read_row` or :meth:`CompiledForm.run` return
``None``: the caller then scores the form the general way, which reports
exactly what it always reported.  ``tests/test_formscore.py`` checks, over
generated and mutated long tables, that both ways give the same results.

This module is private; :mod:`perfrubric.batch` uses it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..data.facts import Facts
from ..data.fields import _is_name_part
from ..data.model import Assessment
from ..data.printed import Printed, PrintedValueError, level_name, parse_printed, reconcile
from ..data.structure import derive_id
from ..data.targets import _words
from ..decimals import apportion, to_decimal
from ..expr import Value
from ..indicators.levels import Levels
from ..indicators.ratio import Ratio
from ..rubrics.model import Indicator, MissingPolicy
from .compiled import CompiledRubric, Totals, _node_fn, _Walk
from .compiled_kinds import Fallback, LeafFn, leaf_fn, rule_fn
from .evaluation import _rounder
from .target_rows import QUALITATIVE_LEVELS, _measure, _missing, _segment

__all__ = ["CompiledForm", "FormRow", "read_row"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
#: Points and printed scores above this are refused by the model (``Target``).
_MOST_POINTS = Decimal(1_000_000)
_LEVELS = {lv.name: lv for lv in QUALITATIVE_LEVELS}
_NO_FACTS = Facts({})
#: A place not looked up yet.
_UNSEEN: tuple[str, str | None] = ("", None)
#: The name a generated quantitative row's measure reads (its own target's completion).
_COMPLETION = "targets.row.completion"


class FormRow:
    """One indicator row of a project form, read as the model reads its ``[[target]]``.

    The attributes a review reads carry the model's names (``indicator``,
    ``name``, ``points``, ``score``, ``printed_target``, ``printed_actual``);
    ``completion`` is the share of a quantitative target reached
    (:attr:`perfrubric.model.Target.completion`), ``level`` a qualitative
    row's judgement, ``line`` the spreadsheet row it came from and ``path``
    the row's path once scored.
    """

    __slots__ = ("completion", "indicator", "level", "line", "name", "path", "points",
                 "printed_actual", "printed_target", "qualitative", "score")

    def __init__(self, name: str, indicator: str, points: Decimal, score: Decimal | None,
                 printed_target: Printed, printed_actual: Printed | None,
                 completion: Decimal | None, level: str | None, line: int | None) -> None:
        self.name = name
        self.indicator = indicator
        self.points = points
        self.score = score
        self.printed_target = printed_target
        self.printed_actual = printed_actual
        self.qualitative = printed_target.qualitative is not None
        self.completion = completion
        self.level = level
        self.line = line
        #: the generated row's path (``产出指标/数量指标/…``), once :class:`CompiledForm` placed it
        self.path: str | None = None


def _number(value: Any) -> Decimal | bool | None:
    """A 分值 / 得分 cell as the model converts it; ``False`` when it would refuse it."""
    if value is None:
        return None
    if type(value) is int:  # to_decimal of a whole number within the bounds: Decimal(value)
        return Decimal(value) if 0 <= value <= _MOST_POINTS else False
    if type(value) not in (str, Decimal, float):
        return False  # bool, a bad cell, a list: the general path says what is wrong
    try:
        number = to_decimal(value)
    except (ValueError, ArithmeticError):
        return False
    if number < 0 or number > _MOST_POINTS:
        return False
    return number


@functools.lru_cache(maxsize=4096)
def _named(name: str) -> bool:
    """Whether *name* makes a valid target (non-empty text, an id derived from it)."""
    return bool(name.strip()) and _is_name_part(derive_id(name))


def read_row(name: str | None, indicator: str | None, target: str | None,
             actual: str | None, points: Any, score: Any, level: str | None,
             reason: str | None, line: int | None = None) -> FormRow | None:
    """One indicator row as :class:`~perfrubric.model.Target` reads it, or ``None`` if unusual.

    *target* and *actual* are the printed texts (``≥50个``, ``48个``,
    ``明显改善``), *points* and *score* the 分值 and 得分 cells, *level* a
    judgement written in its own column.  ``None`` means the row needs the
    general path: a value the model refuses or reads with a caveat (``万``
    alone), a row without a target or without a place, a level on a
    quantitative target, a qualitative actual that is no judgement.
    """
    if name is None or indicator is None or target is None or not _named(name):
        return None
    if not indicator.strip() or (reason is not None and not reason.strip()):
        return None
    if level is not None and not level.strip():
        return None
    given = _number(points)
    printed = _number(score)
    if given is None or given is False or printed is False:
        return None
    assert isinstance(given, Decimal) and (printed is None or isinstance(printed, Decimal))
    try:
        t = parse_printed(target, units=())
        a = parse_printed(actual, actual=True, units=()) if actual is not None else None
    except PrintedValueError:
        return None
    if t.unit == "万" or (a is not None and a.unit == "万"):
        return None  # 万 alone: read as 万元 in a money row only, with a note
    value = t.value
    if value is not None:
        if level is not None:
            return None  # a level judges a qualitative target: the model refuses it
        if a is None:
            return FormRow(name, indicator, given, printed, t, a, None, None, line)
        try:
            reached = reconcile(t, a)
        except PrintedValueError:
            return None
        if reached is None:  # pragma: no cover - a quantitative pair always reconciles to a number
            return None
        direction = t.direction
        if direction is None:  # no sign: a cost is lower-is-better, anything else higher
            cost = _COST.get(indicator)
            if cost is None:
                if len(_COST) > 4096:
                    _COST.clear()
                cost = _COST[indicator] = "成本指标" in indicator.split("/")
            direction = "lower" if cost else "higher"
        completion = _completion(value, reached, direction, t.operator == "±")
        return FormRow(name, indicator, given, printed, t, a, completion, None, line)
    judged = None
    if level is not None:
        judged = level_name(level)
        if judged is None:
            return None
    if a is not None:
        if a.qualitative is None:
            return None  # a number against a qualitative target: the model refuses it
        named = level_name(a.qualitative)
        if named is None and _words(a.qualitative) == _words(t.qualitative or ""):
            named = QUALITATIVE_LEVELS[0].name  # the actual repeats the target's text
        if named is None:
            if judged is None:
                return None
        elif judged is not None and judged != named:
            return None
        else:
            judged = named
    return FormRow(name, indicator, given, printed, t, a, None, judged, line)


#: Whether a row's place is under 成本指标, by place.
_COST: dict[str, bool] = {}


def _completion(target: Decimal, actual: Decimal, direction: str, tolerance: bool) -> Decimal:
    """:attr:`perfrubric.model.Target.completion` of a row with both figures."""
    measured = abs(actual) if tolerance else actual
    if (measured <= target) if direction == "lower" else (measured >= target):
        return _ONE
    if target <= 0:
        return _ZERO
    if direction == "lower":
        return target / measured
    return max(measured / target, _ZERO)


class CompiledForm:
    """The form's rule compiled once per rubric; :meth:`run` scores one form's rows.

    ``supported`` is false for a rubric this path does not take (vetoes,
    either-or groups, a ``target_rows`` tier below the top level, a leaf
    without a rule): every form of it goes the general way.  ``names`` are
    the data names the rubric's own leaves read (``budget.final`` …), which
    the caller gives to :meth:`run`.
    """

    def __init__(self, compiled: CompiledRubric) -> None:
        rubric = compiled.rubric
        self.compiled = compiled
        self.rubric = rubric
        tops = rubric.indicators
        self.tiers = {top.path: top for top in tops if top.target_rows is not None}
        nested = any(ind.target_rows is not None for top in tops if top.target_rows is None
                     for ind in top.walk())
        self.supported = (compiled.supported and compiled._forms and not rubric.either_or
                          and not nested and bool(self.tiers))
        self.names: frozenset[str] = compiled._names if self.supported else frozenset()
        self._plan: list[tuple[str, Any]] = []
        for top in tops:
            if top.target_rows is not None:
                self._plan.append(("tier", top))
            else:
                self._plan.append(("node", _node_fn(top, compiled._leaf)
                                   if self.supported else None))
        self._places = rubric.rounding.places
        self._leaves: dict[tuple[Any, ...], LeafFn] = {}
        self._ratios: dict[Decimal, Callable[[Decimal], tuple[Decimal, Decimal]]] = {}
        self._places_of: dict[str, tuple[str, str | None] | None] = {}
        #: each tier's sub-tiers in the engine's order: none (rows directly under it) first
        self._ranks: dict[str, dict[str | None, int]] = {}
        for path, tier in self.tiers.items():
            assert tier.target_rows is not None
            self._ranks[path] = {None: 0, **{sub: i + 1 for i, sub
                                             in enumerate(tier.target_rows.tiers)}}

    def _leaf(self, points: Decimal, qualitative: bool, judged: bool, policy: MissingPolicy
              ) -> LeafFn:
        """The compiled leaf of a generated row of *points* (as ``target_rows._leaf`` makes it)."""
        found = self._leaves.get((points, qualitative, judged, policy))
        if found is None:
            key = (points, qualitative, judged, policy)
            if len(self._leaves) > 4096:
                self._leaves.clear()
            if qualitative:
                ind = Indicator(path="row", points=points, missing=policy,
                                rule=Levels(points, QUALITATIVE_LEVELS),
                                measure=None if judged else _measure("targets.row.level"))
            else:
                ind = Indicator(path="row", points=points, missing=policy,
                                measure=_measure(_COMPLETION), unit="%", rule=Ratio(points))
            found = self._leaves[key] = leaf_fn(ind, self.rubric)
        return found

    def _ratio(self, points: Decimal) -> Callable[[Decimal], tuple[Decimal, Decimal]]:
        """A quantitative row of *points* with its completion: (score, measured value).

        What its compiled leaf does with a completion (a finite Decimal, read
        through its measure as the expression reads a name: ``-0`` as ``0``),
        with the leaf's own rule closure and rounding: the rule, the clamp to
        ``[0, points]``, the rubric's rounding.
        """
        found = self._ratios.get(points)
        if found is None:
            if len(self._ratios) > 4096:
                self._ratios.clear()
            ind = Indicator(path="row", points=points, measure=_measure(_COMPLETION), unit="%",
                            rule=Ratio(points))
            rule, rnd = rule_fn(ind), _rounder(ind.rounding or self.rubric.rounding)

            def ratio(x: Decimal) -> tuple[Decimal, Decimal]:
                if not x and x.is_signed():
                    x = x.copy_abs()
                raw = rule(x)
                return rnd(_ZERO if raw < _ZERO else points if raw > points else raw), x
            found = self._ratios[points] = ratio
        return found

    def _place(self, where: str) -> tuple[str, str | None] | None:
        """The tier and sub-tier a row placed at *where* goes in (``None``: none takes it)."""
        tier = next((p for p in self.tiers if where == p or where.startswith(p + "/")), None)
        place: tuple[str, str | None] | None = None
        if tier is not None:
            spec = self.tiers[tier].target_rows
            assert spec is not None
            sub = where[len(tier) + 1:] or None
            if sub is None or not ("/" in sub or (spec.tiers and sub not in spec.tiers)):
                place = (tier, sub)
        if len(self._places_of) > 4096:
            self._places_of.clear()
        self._places_of[where] = place
        return place

    def run(self, rows: Sequence[FormRow], values: Mapping[str, Value]) -> Totals | None:
        """Score one form: its *rows* in the data's order, *values* of :attr:`names`.

        Returns the :class:`Totals` :meth:`CompiledRubric.run` gives for the
        same form, or ``None`` when the form needs the general path.
        """
        if not self.supported:
            return None
        placed: dict[str, list[tuple[FormRow, str | None]]] = {p: [] for p in self.tiers}
        places = self._places_of
        for row in rows:
            place = places.get(row.indicator, _UNSEEN)
            if place is _UNSEEN:
                place = self._place(row.indicator)
            if place is None:
                return None
            placed[place[0]].append((row, place[1]))
        walk = _Walk(Facts(dict(values)), {}, frozenset())
        raw = counted = _ZERO
        try:
            for kind, item in self._plan:
                if kind == "node":
                    c, s = item(walk)
                else:
                    found = self._tier(item, placed[item.path], walk)
                    if found is None:
                        return None
                    c, s = found
                counted += c
                raw += s
        except (Fallback, ArithmeticError):
            return None
        return self.compiled._totals(raw, counted, walk.cannot_rate, walk.scores,
                                     walk.measured)

    def _tier(self, tier: Indicator, rows: list[tuple[FormRow, str | None]], walk: _Walk
              ) -> tuple[Decimal, Decimal] | None:
        """One tier's rows scored into *walk*: (counted, score), or ``None`` if unusual."""
        spec = tier.target_rows
        assert spec is not None
        if not rows:
            if spec.empty == "error":
                return None
            full = spec.empty != "exclude"
            score = tier.points if full else _ZERO
            walk.scores[tier.path] = score
            return (tier.points if full else _ZERO), score
        declared = [row.points for row, _ in rows]
        shares = declared
        if sum(declared, _ZERO) != tier.points:
            if spec.points != "rescale" or not sum(declared, _ZERO) > 0:
                return None
            shares = apportion(tier.points, declared, self._places)
        policy = _missing(spec)
        # The engine orders a tier's rows by sub-tier (rows directly under the tier, then the
        # declared sub-tiers, then others as they come), keeping the data's order within
        # each.  Rows already in that order are scored as they come; others (rare) go the
        # general way.
        ranks = self._ranks[tier.path]
        others: dict[str, int] = {}
        last = 0
        used: list[str | None] = []  # the sub-tiers of the rows, in order
        seen: set[str] = set()
        top = tier.path
        counted = score = _ZERO
        scores, measured = walk.scores, walk.measured
        for (row, sub), share in zip(rows, shares, strict=True):
            rank = ranks.get(sub)
            if rank is None:
                assert sub is not None
                rank = others.get(sub)
                if rank is None:
                    rank = others[sub] = len(ranks) + len(others)
            if rank < last:
                return None
            if rank != last or not seen:
                used.append(sub)
            last = rank
            path = f"{top}/{sub}/{_segment(row.name)}" if sub else f"{top}/{_segment(row.name)}"
            if path in seen:
                return None  # two rows of one name
            seen.add(path)
            row.path = path
            if row.qualitative:
                judged = None
                if row.level is not None:
                    judged = Assessment(indicator=path, level=row.level,
                                        score=_judgement(row, share))
                c, s, value, cannot_rate = self._leaf(share, True, judged is not None,
                                                      policy)(_NO_FACTS, judged)
            elif row.completion is not None:
                c, cannot_rate = share, False
                s, value = self._ratio(share)(row.completion)
            else:  # no result: the row's missing policy
                c, s, value, cannot_rate = self._leaf(share, False, False, policy)(
                    _NO_FACTS, None)
            scores[path] = s
            if value is not None:
                measured[path] = value
            if cannot_rate:
                walk.cannot_rate = True
            counted += c
            score += s
        if used[0] is None and any(f"{top}/{sub}" in seen for sub in used[1:]):
            return None  # a row named like a sub-tier used by other rows, directly under the tier
        return counted, score


def _judgement(row: FormRow, points: Decimal) -> Decimal:
    """The score of a judged qualitative row (``target_rows._judgement``): its band's, clamped."""
    level = _LEVELS[row.level or ""]
    declared = row.points if row.points else points
    if row.score is None:
        return points * level.high
    scaled = row.score * points / declared if declared else _ZERO
    return min(max(scaled, points * level.low), points * level.high)
