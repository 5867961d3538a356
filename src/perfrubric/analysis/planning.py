"""Next-grade plans (整改方向): the cheapest changes that lift an evaluation to a grade.

:func:`next_grade` scores the data, then searches the indicators whose
rule can be inverted (:meth:`~perfrubric.indicators.RuleKind.values_for`)
for the cheapest set of changes reaching the next grade (or a named one),
and returns a :class:`Plan`.

**Cheapest**, in this order:

1. a veto (一票否决) that caps the grade below the target is always lifted
   first, and is listed first;
2. the fewest indicators changed;
3. plans whose every change is a change of the data (``staffing.on_post:
   21 → 11``) before plans with a change stated on the measure only
   ("raise 预算完成率 to ≥ 95%");
4. the smallest total relative change: ``|new − old| / |old|`` of the data
   value changed (of the measured value for a change on the measure only;
   the absolute change when the old value is 0); a yes/no, a level or a
   checklist item counts 1 (100%) each;
5. ties: the indicators' order in the table.

A change is expressed on a data name when the measure is **linear in one
data name** with the others fixed (``staffing.on_post /
staffing.authorized`` in ``staffing.on_post``; ``budget.final −
budget.carryover`` in either; a free fact measured as itself), found by
evaluating the measure, never by reading its text.  The new value is
rounded to the name's resolution (whole counts for staff and for facts
given as whole numbers; cents of the unit for money; at least two places
otherwise) towards the side that earns the points, and is checked against
the rule.  An indicator scored from an evaluator's assessment is changed on
the assessment (a level, a value); ``judged`` scores are never changed.

Only indicators scored by their rule are considered: excluded, missing,
not-applicable, overridden and vetoed ones stay as they are.  Every plan is
**verified** before it is returned: the changed data are scored again with
the rubric and must reach the grade (with the changes on the measure only
simulated as an evaluator's score, and a veto that no data change lifts
simulated as absent).  :meth:`Plan.apply` gives the changed
:class:`~perfrubric.model.Department`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs

from ..data.facts import CATEGORY_FIELDS, Facts
from ..data.model import Assessment, Department
from ..data.structure import load_data
from ..engine.evaluation import Evaluation, IndicatorResult, Rescaled, evaluate
from ..errors import EvaluationError, MeasureUnavailable, PerfrubricError, did_you_mean
from ..expr import Value
from ..indicators import Bands, Checklist, Level, Levels, PerEvent, StepDeduction, YesNo
from ..indicators.inverse import Choices, Interval, ItemSets, ValueRange
from ..rubrics.model import Indicator, Rubric, Veto
from ..units import UNITS, Money
from ._datanames import (
    ASSESSMENT,
    Slot,
    assessment_of,
    set_assessment,
    set_value,
    settable_value,
    slot,
)

__all__ = ["DataChange", "Plan", "PlanError", "PlanStep", "next_grade"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_GRID = 10  # a proportional rule is tried at tenths of its missing points
_MAX_COMBOS = 4000  # combinations of the fewest indicators searched (table order)
_MAX_CHECKS = 40  # candidate plans re-scored before giving up
_KEEP = 12  # best candidate plans kept per number of indicators


class PlanError(PerfrubricError):
    """No plan can be made: the evaluation has no grade, the grade is unknown, or out of reach."""


@attrs.frozen
class DataChange:
    """One change of the data: *name* from *before* to *after*.

    *name* is a data name (``staffing.on_post``, ``budget.final``,
    ``facts.x``, ``targets.<id>.actual``) or ``assessment:<indicator path>``
    for an evaluator's assessment (its level or value).  Numbers are
    Decimals (money as an amount in *unit*).
    """

    name: str
    before: Any
    after: Any
    unit: str | None = None

    @property
    def relative(self) -> Decimal:
        """``|after − before| / |before|`` for numbers (absolute when before is 0); else 1."""
        if isinstance(self.before, Decimal) and isinstance(self.after, Decimal):
            diff = abs(self.after - self.before)
            return diff / abs(self.before) if self.before else diff
        return _ONE


@attrs.frozen
class PlanStep:
    """One thing to fix: an indicator (or a veto) and the change that fixes it.

    ``indicator`` is the indicator's path (``None`` for a veto step, which
    names the ``veto``).  ``score_before``/``score_after`` are the
    indicator's scores; ``goal`` the measured values that earn
    ``score_after`` (from the inverse rule), ``measured_before`` and
    ``measured_after`` the measured values (``measured_after`` is ``None``
    for a change on the measure only).  ``changes`` are the data changes;
    empty when the change can be stated on the measure only.
    ``total_after`` and ``grade_after`` are the evaluation's total and
    grade once this step and those before it are made.
    """

    indicator: str | None
    score_before: Decimal
    score_after: Decimal
    goal: ValueRange | Choices | ItemSets | None
    changes: tuple[DataChange, ...]
    measured_before: Any
    measured_after: Any
    cost: Decimal
    total_after: Decimal
    grade_after: str | None
    veto: str | None = None

    @property
    def points_gained(self) -> Decimal:
        """``score_after − score_before``."""
        return self.score_after - self.score_before

    @property
    def on_data(self) -> bool:
        """Whether the step is a change of the data (not stated on the measure only)."""
        return bool(self.changes)


@attrs.frozen
class Plan:
    """The cheapest changes found to lift an evaluation to ``target_grade``.

    ``total_before``/``grade_before`` score the data as given;
    ``total_after``/``grade_after`` score it with every step made
    (verified by scoring again).  ``steps`` is empty when the data already
    reach the target grade.  ``rescaled`` says whether the totals are
    rescaled over the indicators counted (excluded ones left out), so that
    a step's points move the total by more than their face value;
    ``rescaling`` lists the points left out and why (not applicable, or
    not reported under a legacy ``missing = "exclude"``), as the evaluation
    of the planned data gives them.  See the module for what "cheapest"
    means.
    """

    rubric: Rubric = attrs.field(repr=False)
    department: Department = attrs.field(repr=False)
    total_before: Decimal
    grade_before: str | None
    target_grade: str
    total_after: Decimal
    grade_after: str | None
    steps: tuple[PlanStep, ...]
    rescaled: bool = False
    rescaling: tuple[Rescaled, ...] = ()

    @property
    def applicable(self) -> bool:
        """Whether every step is a change of the data, so :meth:`apply` can make it."""
        return all(step.on_data for step in self.steps)

    @property
    def changes(self) -> tuple[DataChange, ...]:
        """Every data change of every step, in order."""
        return tuple(c for step in self.steps for c in step.changes)

    def apply(self, dept: Department | None = None) -> Department:
        """The department with every change made (*dept* defaults to the planned one).

        Raises :class:`PlanError` when a step is stated on the measure only
        (see :attr:`applicable`): there is no data change to make.
        """
        if not self.applicable:
            names = [s.indicator or f"veto {s.veto}" for s in self.steps if not s.on_data]
            raise PlanError("the plan cannot be applied to the data: these steps are stated on "
                            "the measure only (no linear data name to change): "
                            + ", ".join(names))
        return _apply(dept if dept is not None else self.department, self.changes)

    def narrative(self, *, locale: str = "zh_CN") -> str:
        """The plan in words (zh_CN or en): one clause per step, then the result."""
        from ._text import plan_text

        return plan_text(self, locale=locale)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: Decimals as strings."""
        from ._text import plan_to_dict

        return plan_to_dict(self)

    def render(self, fmt: str = "text", *, locale: str = "zh_CN") -> str:
        """The plan as ``text`` (steps, changes, result and narrative) or ``json``."""
        from ._text import plan_lines

        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "text":
            return plan_lines(self, locale=locale)
        raise PerfrubricError(f"unknown format {fmt!r}; expected one of text, json")


# -- search -----------------------------------------------------------------------------


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


def next_grade(rubric: Rubric, data: Department | Mapping[str, Any] | str | Any, *,
               grade: str | None = None) -> Plan:
    """The cheapest plan lifting *data*'s evaluation under *rubric* to the next grade.

    *grade* names another target grade of the rubric's scale (优); by
    default the grade above the current one.  *data* is anything
    :func:`perfrubric.evaluate` accepts.  Returns a :class:`Plan` with no
    steps when the data already reach the grade.  Raises
    :class:`PlanError` when the evaluation has no grade (cannot rate), the
    grade is not on the scale, or no change the rules can invert reaches it.
    """
    dept = data if isinstance(data, Department) else load_data(data)
    ev = evaluate(rubric, dept)
    scale = rubric.grades
    if ev.grade is None:
        raise PlanError("cannot plan: the evaluation has no grade ("
                        + "; ".join(ev.cannot_rate) + ")")
    current = scale.rank(ev.grade)
    if grade is None:
        target = max(current - 1, 0)
    else:
        names = [g.name for g in scale.grades]
        if grade not in names:
            raise PlanError(f"no grade '{grade}' on this rubric's scale"
                            f"{did_you_mean(grade, names)}; grades: {', '.join(names)}")
        target = scale.rank(grade)
    target_name = scale.grades[target].name
    if current <= target:
        return Plan(rubric, dept, ev.total, ev.grade, target_name, ev.total, ev.grade, (),
                    ev.rescaled, ev.rescaling)
    return _Planner(rubric, dept, ev, target).plan()


class _Planner:
    def __init__(self, rubric: Rubric, dept: Department, ev: Evaluation, target: int) -> None:
        self.rubric = rubric
        self.dept = dept
        self.ev = ev
        self.target = target
        self.target_grade = rubric.grades.grades[target]

    # -- vetoes

    def _blocking(self, veto: Veto) -> bool:
        scale = self.rubric.grades
        if veto.grade_at_most is not None and scale.rank(veto.grade_at_most) > self.target:
            return True
        return veto.total_at_most is not None and veto.total_at_most < self.target_grade.min

    def _lift(self, veto: Veto, dept: Department) -> tuple[DataChange, ...] | None:
        """Data changes that make the veto's condition false, if a simple one exists."""
        for name in sorted(veto.when.names):
            value = settable_value(dept, name)
            tries: list[Any] = []
            if isinstance(value, bool):
                tries = [not value]
            elif isinstance(value, Decimal) and value != 0:
                tries = [_ZERO]
            for after in tries:
                changed = set_value(dept, name, after)
                if not _holds(veto, changed):
                    return (DataChange(name, value, after),)
        return None

    # -- the plan

    def plan(self) -> Plan:
        rubric, dept = self.rubric, self.dept
        veto_steps: list[tuple[Veto, tuple[DataChange, ...]]] = []
        removed: list[Veto] = []
        work = dept
        triggered = {v.name for v in self.ev.vetoes}
        for veto in rubric.vetoes:
            if veto.name in triggered and self._blocking(veto):
                changes = self._lift(veto, work)
                if changes is None:
                    removed.append(veto)
                    changes = ()
                else:
                    work = _apply(work, changes)
                veto_steps.append((veto, changes))
        sim_rubric = (attrs.evolve(rubric, vetoes=tuple(v for v in rubric.vetoes
                                                        if v not in removed))
                      if removed else rubric)
        base = evaluate(sim_rubric, work)
        if base.grade is None:
            raise PlanError("cannot plan: once the vetoes are lifted the evaluation has no "
                            "grade (" + "; ".join(base.cannot_rate) + ")")
        chosen: tuple[_Option, ...] = ()
        if self._rank(base) > self.target:
            chosen = self._search(sim_rubric, work, base)
        return self._build(sim_rubric, work, veto_steps, chosen)

    def _rank(self, ev: Evaluation) -> int:
        if ev.grade is None:
            return len(self.rubric.grades.grades)
        return self.rubric.grades.rank(ev.grade)

    def _search(self, rubric: Rubric, dept: Department, ev: Evaluation) -> tuple[_Option, ...]:
        need = self.target_grade.min * ev.counted_points / rubric.full_marks - ev.raw_total
        facts = Facts.from_department(dept)
        options: dict[str, list[_Option]] = {}
        order: list[str] = []
        for result in ev.results.values():
            if not result.is_leaf or result.status != "scored" or result.score >= result.points:
                continue
            ind = rubric.indicator(result.path)
            found = _options(rubric, ind, result, dept, facts)
            if found:
                options[result.path] = found
                order.append(result.path)
        if not order:
            raise PlanError(f"no plan reaches {self.target_grade.name}: no indicator scored by "
                            "its rule can gain points (excluded, missing, judged and "
                            "overridden indicators are left as they are)")
        best = {p: max(o.gain for o in options[p]) for p in order}
        gains = sorted(best.values(), reverse=True)
        reach = sum(gains, _ZERO)
        if reach < need:
            raise PlanError(
                f"no plan reaches {self.target_grade.name}: full points on every indicator "
                f"a plan can change add {_num(reach)} points, {_num(need)} are needed "
                "(excluded, missing, judged and overridden indicators are left as they are)")
        fewest = next(k for k in range(1, len(gains) + 1) if sum(gains[:k], _ZERO) >= need)
        # A lower bound on each indicator's (off-data, cost), to skip hopeless combinations
        # (0 cost for a proportional rule, which trimming may make cheaper than its options).
        floor = {p: (min(int(not o.on_data) for o in options[p]),
                     _ZERO if options[p][0].continuous else min(o.cost for o in options[p]))
                 for p in order}
        checks = 0
        for k in range(fewest, len(order) + 1):
            candidates: list[tuple[tuple[int, Decimal, tuple[int, ...]], tuple[_Option, ...]]] = []
            for n, combo in enumerate(itertools.combinations(range(len(order)), k)):
                if n >= _MAX_COMBOS:
                    break
                paths = [order[i] for i in combo]
                if sum((best[p] for p in paths), _ZERO) < need:
                    continue
                if len(candidates) >= _KEEP:
                    bound = (sum(floor[p][0] for p in paths),
                             sum((floor[p][1] for p in paths), _ZERO))
                    if bound > candidates[-1][0][:2]:
                        continue
                picked = _cheapest([options[p] for p in paths], need)
                if picked is None:
                    continue
                picked = self._trim(rubric, dept, facts, ev, picked, need)
                key = (sum(1 for o in picked if not o.on_data),
                       sum((o.cost for o in picked), _ZERO), combo)
                candidates.append((key, picked))
                candidates.sort(key=lambda c: c[0])
                del candidates[_KEEP:]
            for _, picked in candidates:
                names = [c.name for o in picked for c in o.changes]
                if len(names) != len(set(names)):
                    continue  # two steps would change the same figure
                checks += 1
                try:
                    rescored = _simulate(rubric, dept, picked)
                except EvaluationError:
                    # The changed data no longer score (a change that leaves another
                    # indicator's measure without a value): not a plan.
                    rescored = None
                if rescored is not None and self._rank(rescored) <= self.target:
                    return picked
                if checks >= _MAX_CHECKS:
                    break
            if checks >= _MAX_CHECKS:
                break
        raise PlanError(f"no plan found that reaches {self.target_grade.name}: the candidate "
                        "changes, scored again, fall short (rounding or changes that affect "
                        "other indicators)")

    def _trim(self, rubric: Rubric, dept: Department, facts: Facts, ev: Evaluation,
              picked: tuple[_Option, ...], need: Decimal) -> tuple[_Option, ...]:
        """Lower a proportional step to the points actually needed."""
        out = list(picked)
        for i, option in enumerate(out):
            surplus = sum((o.gain for o in out), _ZERO) - need
            if not option.continuous or surplus <= 0:
                continue
            result = ev.results[option.path]
            ind = rubric.indicator(option.path)
            rounding = ind.rounding or rubric.rounding
            wanted = _ceil(option.score_after - surplus, rounding.quantum)
            if wanted <= result.score:
                continue
            lower = _option_for(rubric, ind, result, dept, facts, wanted, continuous=True)
            if lower is not None and lower.on_data >= option.on_data \
                    and lower.gain >= option.gain - surplus:
                out[i] = lower
        return tuple(out)

    def _build(self, rubric: Rubric, dept: Department,
               veto_steps: Sequence[tuple[Veto, tuple[DataChange, ...]]],
               chosen: tuple[_Option, ...]) -> Plan:
        steps: list[PlanStep] = []
        # Vetoes first; then the indicators, most points first, then in table order.
        paths = [ind.path for ind in self.rubric.walk()]
        ordered = sorted(chosen, key=lambda o: (-o.gain, paths.index(o.path)))
        base = evaluate(rubric, dept)  # with the vetoes lifted: what the steps start from
        done_changes: list[DataChange] = []
        removed = [v for v in self.rubric.vetoes if v not in rubric.vetoes]
        for veto, changes in veto_steps:
            done_changes += changes
            if veto in removed:
                removed.remove(veto)
            partial = attrs.evolve(self.rubric, vetoes=tuple(
                v for v in self.rubric.vetoes if v not in removed))
            after = evaluate(partial, _apply(self.dept, done_changes))
            steps.append(PlanStep(None, self.ev.total, after.total, None, changes, None,
                                  None, _ONE if changes else _ZERO, after.total, after.grade,
                                  veto=veto.name))
        for i, option in enumerate(ordered):
            after = _simulate(rubric, dept, ordered[:i + 1])
            before = base.results[option.path]
            steps.append(PlanStep(option.path, before.score, after.results[option.path].score,
                                  option.goal, option.changes, before.measured,
                                  option.measured_after, option.cost, after.total,
                                  after.grade))
        final = _simulate(rubric, dept, ordered)
        return Plan(self.rubric, self.dept, self.ev.total, self.ev.grade,
                    self.target_grade.name, final.total, final.grade, tuple(steps),
                    final.rescaled, final.rescaling)


def _holds(veto: Veto, dept: Department) -> bool:
    facts = Facts.from_department(dept)
    try:
        value = veto.when.evaluate(facts.resolve)
    except MeasureUnavailable:
        return veto.missing != "pass"
    except PerfrubricError:
        return True
    return value is not False


def _apply(dept: Department, changes: Sequence[DataChange]) -> Department:
    for change in changes:
        if change.name.startswith(ASSESSMENT):
            dept = set_assessment(dept, change.after)
        else:
            dept = set_value(dept, change.name, change.after)
    return dept


def _simulate(rubric: Rubric, dept: Department, picked: Sequence[_Option]) -> Evaluation:
    changed = _apply(dept, [c for o in picked for c in o.changes])
    for option in picked:
        if option.override is not None:
            changed = set_assessment(changed, option.override)
    return evaluate(rubric, changed)


def _cheapest(choices: Sequence[list[_Option]], need: Decimal) -> tuple[_Option, ...] | None:
    """One option per indicator with gains ≥ *need*, cheapest by (off-data count, cost)."""
    # Pareto front over (gain, off-data, cost), built indicator by indicator; gains above
    # the need are all as good, so they are capped at it.
    front: list[tuple[Decimal, int, Decimal, tuple[_Option, ...]]] = [(_ZERO, 0, _ZERO, ())]
    for opts in choices:
        grown = [(min(g + o.gain, need), n + (not o.on_data), c + o.cost, (*picked, o))
                 for g, n, c, picked in front for o in opts]
        grown.sort(key=lambda t: (-t[0], t[1], t[2]))
        kept: list[tuple[Decimal, int, Decimal, tuple[_Option, ...]]] = []
        cheapest: dict[int, Decimal] = {}  # off-data count → least cost kept so far
        for entry in grown:
            if any(n <= entry[1] and c <= entry[2] for n, c in cheapest.items()):
                continue  # a kept entry gains at least as much, no dearer
            kept.append(entry)
            cheapest[entry[1]] = min(cheapest.get(entry[1], entry[2]), entry[2])
        front = kept
    ok = [entry for entry in front if entry[0] >= need]
    if not ok:
        return None
    return min(ok, key=lambda t: (t[1], t[2]))[3]


# -- options for one indicator ----------------------------------------------------------


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
    gain = after - result.score
    override = Assessment(ind.path, score=after, reason="plan: simulated")

    def option(changes: tuple[DataChange, ...], measured: Any, cost: Decimal) -> _Option:
        return _Option(ind.path, after, gain, cost, changes, goal, measured,
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


def _num(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return "0" if text in ("-0", "") else text
