"""Options for one indicator of a next-grade plan: scores to aim at, changes earning them.

For each score above the current one, ``_option_for`` finds the cheapest
change earning it: a change of one data name the measure is linear in, a
yes/no, level or checklist value read as it is, a change of the
evaluator's assessment, or else a change stated on the measure only.
:mod:`perfrubric.analysis.planning` combines these options into a plan.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs

from ..data.facts import CATEGORY_FIELDS, Facts
from ..data.model import Assessment, Department
from ..engine.evaluation import IndicatorResult
from ..errors import PerfrubricError
from ..expr import Value
from ..indicators import Bands, Checklist, Level, Levels, PerEvent, StepDeduction, YesNo
from ..indicators.inverse import Choices, Interval, ItemSets, ValueRange
from ..rubrics.model import Indicator, Rubric
from ..units import UNITS, Money
from ._datanames import ASSESSMENT, Slot, assessment_of, set_value, settable_value, slot
from .plan_steps import DataChange

_ZERO = Decimal(0)
_ONE = Decimal(1)
_GRID = 10  # a proportional rule is tried at tenths of its missing points


@attrs.frozen
class _Option:
    path: str
    score_after: Decimal  # rounded, as the engine will give it
    gain: Decimal
    cost: Decimal
    changes: tuple[DataChange, ...]
    goal: ValueRange | Choices | ItemSets
    measured_after: Any
    override: Assessment | None  # simulates a change on the measure only
    continuous: bool

    @property
    def on_data(self) -> bool:
        return bool(self.changes)


def _ceil(value: Decimal, quantum: Decimal) -> Decimal:
    return (value / quantum).to_integral_value(rounding=ROUND_CEILING) * quantum


def _floor(value: Decimal, quantum: Decimal) -> Decimal:
    return (value / quantum).to_integral_value(rounding=ROUND_FLOOR) * quantum


def _levels(ind: Indicator, result: IndicatorResult) -> tuple[list[Decimal], bool]:
    """Scores worth aiming at, above the current one; and whether the rule is proportional."""
    rule, points, now = ind.rule, ind.points, result.score
    found: set[Decimal] = set()
    continuous = False
    if isinstance(rule, (StepDeduction, PerEvent)) and not (
            isinstance(rule, StepDeduction) and rule.steps == "fraction"):
        k = 0
        while points - k * rule.deduct > now and k < 200:
            found.add(points - k * rule.deduct)
            k += 1
    elif isinstance(rule, Bands):
        found = {b.points for b in rule.bands}
    elif isinstance(rule, Levels):
        found = {rule.points * lv.high if lv.points is None else lv.points for lv in rule.levels}
    elif isinstance(rule, YesNo):
        found = {rule.points, rule.no_points}
    elif isinstance(rule, Checklist):
        missing = set(result.detail.get("missing") or ())
        costs = sorted((p for n, p in zip(rule.items, rule.item_points, strict=True)
                        if n in missing), reverse=True)
        lost = sum(costs, _ZERO)
        found = {max(points - lost + won, _ZERO) for won in itertools.accumulate(costs)}
    else:
        continuous = True
        found = {now + (points - now) * j / _GRID for j in range(1, _GRID + 1)}
    return sorted(s for s in found if now < s <= points), continuous


def _options(rubric: Rubric, ind: Indicator, result: IndicatorResult, dept: Department,
             facts: Facts) -> list[_Option]:
    if ind.rule is None:
        return []
    levels, continuous = _levels(ind, result)
    rounding = ind.rounding or rubric.rounding
    out: list[_Option] = []
    seen: set[Decimal] = set()
    for score in levels:
        wanted = _ceil(score, rounding.quantum) if continuous else score
        if wanted in seen or wanted > ind.points:
            continue
        seen.add(wanted)
        option = _option_for(rubric, ind, result, dept, facts, wanted, continuous=continuous)
        if option is not None and option.gain > 0:
            out.append(option)
    return out


def _option_for(rubric: Rubric, ind: Indicator, result: IndicatorResult, dept: Department,
                facts: Facts, score: Decimal, *, continuous: bool) -> _Option | None:
    assert ind.rule is not None
    goal = ind.rule.values_for(score)
    if goal is None or goal.empty:
        return None
    rounding = ind.rounding or rubric.rounding
    after = min(rounding.apply(score), ind.points)
    override = Assessment(ind.path, score=after, reason="plan: simulated")

    def option(changes: tuple[DataChange, ...], measured: Any, cost: Decimal) -> _Option:
        earned = after
        if changes and isinstance(measured, Decimal) and ind.rule is not None:
            # The data change lands on a whole value: the rule may give more than aimed at.
            try:
                earned = max(min(rounding.apply(ind.rule.score(measured).score), ind.points),
                             after)
            except PerfrubricError:
                earned = after
        return _Option(ind.path, earned, earned - result.score, cost, changes, goal, measured,
                       None if changes else override, continuous)

    if ind.measure is None:
        found = _assessment_change(ind, dept, goal, score)
        return None if found is None else option(*found)
    if isinstance(goal, ValueRange):
        best: tuple[tuple[Decimal, str], DataChange, Decimal] | None = None
        for name in _candidates(ind, dept):
            hit = _linear_change(ind, facts, dept, name, goal, ind.rule.score, score)
            if hit is not None and (best is None or (hit[0].relative, name) < best[0]):
                best = ((hit[0].relative, name), hit[0], hit[1])
        if best is not None:
            return option((best[1],), best[2], best[1].relative)
        y0 = result.measured
        if not isinstance(y0, Decimal):
            return None
        edge = _nearest(goal, y0)
        if edge is None:
            return None
        return option((), None, abs(edge - y0) / abs(y0) if y0 else abs(edge - y0))
    # Choices / ItemSets on a measure that reads one name as it is.
    names = sorted(ind.measure.names)
    if len(names) == 1 and ind.measure.source.strip() == names[0]:
        value = settable_value(dept, names[0])
        new = _categorical(ind, goal, value, score)
        if new is not None:
            change = DataChange(names[0], value, new)
            return option((change,), new, _items_cost(value, new))
    return option((), None, _ONE)


def _items_cost(before: Any, after: Any) -> Decimal:
    if isinstance(before, tuple) and isinstance(after, tuple):
        return Decimal(len(set(after) - set(before)))
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        return Decimal(sum(1 for k, v in after.items() if v and not before.get(k)))
    return _ONE


def _categorical(ind: Indicator, goal: Choices | ItemSets | ValueRange, value: Any,
                 score: Decimal) -> Any:
    """The new raw value (yes, a level, the items) that earns *score*, or ``None``."""
    if isinstance(goal, ItemSets):
        if isinstance(value, tuple):
            added = goal.to_add([v for v in value if isinstance(v, str)])
            if added is None:
                return None
            met = set(value) | set(added)
            return tuple(n for n in goal.items if n in met)
        if isinstance(value, Mapping):
            met_names = [str(k) for k, v in value.items() if v is True]
            added = goal.to_add(met_names)
            if added is None:
                return None
            return {**dict(value), **dict.fromkeys(added, True)}
        return None
    if isinstance(goal, Choices):
        if isinstance(value, bool) and goal.contains(True):
            return True
        if isinstance(value, str) and isinstance(ind.rule, Levels):
            return _least_level(ind.rule, goal, score)
    return None


def _level_steps(rule: Levels, before: str, after: Level) -> Decimal:
    """How many levels up *after* is from *before*, counted by their scores (at least 1)."""
    def top(level: Level) -> Decimal:
        return level.points if level.points is not None else rule.points * level.high

    old = next((lv for lv in rule.levels if lv.name == before), None)
    low = top(old) if old is not None else _ZERO
    between = {top(lv) for lv in rule.levels if low < top(lv) <= top(after)}
    return Decimal(max(len(between), 1))


def _least_level(rule: Levels, goal: Choices, score: Decimal) -> str | None:
    """The level in *goal* whose top score is the lowest (the least change)."""
    best: tuple[Decimal, int, str] | None = None
    for i, level in enumerate(rule.levels):
        if goal.contains(level.name):
            top = level.points if level.points is not None else rule.points * level.high
            if best is None or (top, i) < best[:2]:
                best = (top, i, level.name)
    return None if best is None else best[2]


def _assessment_change(ind: Indicator, dept: Department,
                       goal: ValueRange | Choices | ItemSets,
                       score: Decimal) -> tuple[tuple[DataChange, ...], Any, Decimal] | None:
    """A change of the evaluator's assessment (level or value) that earns *score*."""
    old = assessment_of(dept, ind.path)
    if old is None:
        return None
    name = ASSESSMENT + ind.path
    if isinstance(ind.rule, Levels) and old.level is not None and isinstance(goal, Choices):
        level_name = _least_level(ind.rule, goal, score)
        if level_name is None:
            return None
        level = next(lv for lv in ind.rule.levels if lv.name == level_name)
        given = max(score, ind.points * level.low) if level.is_range else None
        new = attrs.evolve(old, level=level_name, score=given, value=None)
        return (DataChange(name, old, new),), level_name, _level_steps(ind.rule, old.level, level)
    if old.value is None:
        return None
    if isinstance(goal, ValueRange) and isinstance(old.value, Decimal):
        y0 = old.value
        step = _ONE if y0 == y0.to_integral_value() or goal.whole else Decimal("0.01")
        target = _grid_point(goal, y0, step, None)
        if target is None or ind.rule is None or ind.rule.score(target).score < score:
            return None
        new = attrs.evolve(old, value=target)
        rel = abs(target - y0) / abs(y0) if y0 else abs(target - y0)
        return (DataChange(name, old, new),), target, rel
    if isinstance(goal, (Choices, ItemSets)):
        value = _categorical(ind, goal, old.value, score)
        if value is None:
            return None
        new = attrs.evolve(old, value=value)
        return (DataChange(name, old, new),), value, _items_cost(old.value, value)
    return None


def _nearest(goal: ValueRange, y0: Decimal) -> Decimal | None:
    """The edge of *goal* nearest to *y0* (the measured value to reach)."""
    best: Decimal | None = None
    for interval in goal.intervals:
        for edge in (interval.low, interval.high):
            if edge is not None and (best is None or abs(edge - y0) < abs(best - y0)):
                best = edge
    return best


def _grid_point(goal: ValueRange, t0: Decimal, step: Decimal,
                minimum: Decimal | None) -> Decimal | None:
    """The value on the grid of *step* nearest to *t0* inside *goal* (and ≥ *minimum*)."""
    best: Decimal | None = None
    for interval in goal.intervals:
        cand = _grid_in(interval, t0, step, minimum)
        if cand is not None and (best is None or abs(cand - t0) < abs(best - t0)):
            best = cand
    return best


def _grid_in(interval: Interval, t0: Decimal, step: Decimal,
             minimum: Decimal | None) -> Decimal | None:
    if minimum is not None:
        if interval.high is not None and (interval.high < minimum or (
                interval.high == minimum and not interval.high_inclusive)):
            return None
        if interval.low is None or interval.low < minimum:
            interval = Interval(minimum, True, interval.high, interval.high_inclusive)
    if interval.contains(t0):
        return t0
    if interval.low is not None and (t0 < interval.low or (
            t0 == interval.low and not interval.low_inclusive)):
        cand = _ceil(interval.low, step)
        if cand == interval.low and not interval.low_inclusive:
            cand += step
    elif interval.high is not None:
        cand = _floor(interval.high, step)
        if cand == interval.high and not interval.high_inclusive:
            cand -= step
    else:  # pragma: no cover - an unbounded interval contains t0
        return None
    return cand if interval.contains(cand) else None


def _sources(dept: Department, name: str) -> list[str]:
    """The settable names a derived name is computed from (``targets.completion`` → actuals)."""
    parts = name.split(".")
    if parts[0] == "targets":
        if len(parts) == 3 and parts[2] in ("ratio", "reached", "completion", "growth"):
            return [f"targets.{parts[1]}.actual"]
        if len(parts) == 2 and parts[1] in CATEGORY_FIELDS:
            return [f"targets.{t.id}.actual" for t in dept.targets]
        if len(parts) == 4 and parts[1] == "category":
            return [f"targets.{t.id}.actual" for t in dept.targets if t.category == parts[2]]
    if name == "staffing.authorized_total":
        return [f"staffing.authorized_by_kind.{k}" for k in dept.staffing.authorized_by_kind]
    return []


def _candidates(ind: Indicator, dept: Department) -> list[str]:
    """The data names a change of the indicator's measure may be made on, sorted."""
    assert ind.measure is not None
    names = set(ind.measure.names)
    for name in ind.measure.names:
        names.update(_sources(dept, name))
    return sorted(names)


def _measure_at(ind: Indicator, facts: Facts, dept: Department, name: str,
                unit: str | None) -> Callable[[Decimal], Decimal | None]:
    """The measured value with *name* set to ``t``, the rest of the data as it is."""
    assert ind.measure is not None
    measure = ind.measure
    direct = name in measure.names  # else a source of a derived name: recompute the facts

    def at(t: Decimal) -> Decimal | None:
        given: Value = Money(t, unit) if unit is not None else t

        def resolve(n: str) -> Value:
            return given if n == name else facts.resolve(n)

        try:
            if direct:
                y = measure.evaluate(resolve)
            else:
                y = measure.evaluate(Facts.from_department(set_value(dept, name, t)).resolve)
            if isinstance(y, Money):
                if ind.unit not in UNITS:
                    return None
                y = y.to(ind.unit or "").amount
        except (PerfrubricError, ValueError, TypeError):
            return None  # a value the model refuses, or a measure it breaks
        return y if isinstance(y, Decimal) and not isinstance(y, bool) else None
    return at


def _close(a: Decimal, b: Decimal, scale: Decimal) -> bool:
    return abs(a - b) <= Decimal("1e-12") * max(scale, _ONE)


def _linear_change(ind: Indicator, facts: Facts, dept: Department, name: str,
                   goal: ValueRange, score_of: Callable[[object], Any],
                   score: Decimal) -> tuple[DataChange, Decimal] | None:
    """The change of *name* that brings the measure into *goal*, if it is linear in *name*."""
    place: Slot | None = slot(dept, name)
    if place is None:
        return None
    f = _measure_at(ind, facts, dept, name, place.unit)
    t0 = place.value
    # Linear near the data (a capped ratio is linear up to its cap); the value found is
    # checked against the measure and the rule below, so a kink further on only costs
    # the change, never gives a wrong one.
    y0, y1, y3 = f(t0), f(t0 + 1), f(t0 + 3)
    if y0 is None or y1 is None or y3 is None:
        return None
    slope = y1 - y0
    if slope == 0:
        return None
    if not _close(y3, y0 + 3 * slope, abs(y0) + abs(slope) * 3):
        return None
    # The goal in measured values, mapped to values of the name.
    mapped: list[Interval] = []
    for interval in goal.intervals:
        lo = None if interval.low is None else t0 + (interval.low - y0) / slope
        hi = None if interval.high is None else t0 + (interval.high - y0) / slope
        if slope > 0:
            mapped.append(Interval(lo, interval.low_inclusive, hi, interval.high_inclusive))
        else:
            mapped.append(Interval(hi, interval.high_inclusive, lo, interval.low_inclusive))
    target = _grid_point(ValueRange(tuple(mapped)), t0, place.step, place.minimum)
    if target is None or target == t0:
        return None
    direction = _ONE if target > t0 else -_ONE
    for _ in range(4):  # the division above may round: step outwards until the rule agrees
        y = f(target)
        if y is not None and goal.contains(y) and _rule_earns(score_of, y, score):
            return DataChange(name, t0, target, place.unit), y
        target += direction * place.step
        if place.minimum is not None and target < place.minimum:
            return None
    return None


def _rule_earns(score_of: Callable[[object], Any], y: Decimal, score: Decimal) -> bool:
    try:
        earned: Decimal = score_of(y).score
    except PerfrubricError:
        return False
    return earned >= score
