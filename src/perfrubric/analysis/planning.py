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

This module holds the search (:func:`next_grade`); the plan and its steps
are in :mod:`~perfrubric.analysis.plan` and
:mod:`~perfrubric.analysis.plan_steps`, the options for one indicator in
:mod:`~perfrubric.analysis.plan_options`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..data.facts import Facts
from ..data.model import Department
from ..data.structure import load_data
from ..engine.evaluation import Evaluation, evaluate
from ..errors import EvaluationError, MeasureUnavailable, PerfrubricError, did_you_mean
from ..rubrics.model import Rubric, Veto
from ._datanames import set_assessment, set_value, settable_value
from .plan import Plan, PlanError
from .plan_options import _ceil, _Option, _option_for, _options
from .plan_steps import DataChange, PlanStep, _apply

__all__ = ["DataChange", "Plan", "PlanError", "PlanStep", "next_grade"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_MAX_COMBOS = 4000  # combinations of the fewest indicators searched (table order)
_MAX_CHECKS = 40  # candidate plans re-scored before giving up
_KEEP = 12  # best candidate plans kept per number of indicators


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


def _num(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return "0" if text in ("-0", "") else text
