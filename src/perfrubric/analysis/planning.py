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
4. with ``prefer``, plans with fewer steps outside the preferred indicators;
5. the smallest total relative change: ``|new − old| / |old|`` of the data
   value changed (of the measured value for a change on the measure only;
   the absolute change when the old value is 0); a yes/no, a level or a
   checklist item counts 1 (100%) each;
6. ties: the indicators' order in the table.

The search itself (level by level, exhaustive or branch and bound, against
a time limit) is in :mod:`~perfrubric.analysis.plan_search`; what a plan
may change (kept facts) and the identities its data keep are in
:mod:`~perfrubric.analysis.plan_coherence`.  Each step lists in
``effects`` every indicator whose score it changes, side effects included.

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

import time
from collections.abc import Iterable, Mapping, Sequence
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
from .plan_coherence import DEFAULT_KEEP, broken_identities, is_kept, keep_patterns
from .plan_options import _candidates, _ceil, _Option, _option_for, _options
from .plan_search import _Cand, _Search
from .plan_steps import DataChange, Effect, PlanStep, _apply

__all__ = ["DEFAULT_KEEP", "DataChange", "Effect", "Plan", "PlanError", "PlanStep",
           "next_grade"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
#: Seconds the search may take (the plan is then built and checked: a few scorings more).
TIME_LIMIT = 1.2


def next_grade(rubric: Rubric, data: Department | Mapping[str, Any] | str | Any, *,
               grade: str | None = None, keep: Iterable[str] | None = None,
               prefer: Iterable[str] = (), time_limit: float = TIME_LIMIT) -> Plan:
    """The cheapest plan lifting *data*'s evaluation under *rubric* to the next grade.

    *grade* names another target grade of the rubric's scale (优); by
    default the grade above the current one.  *data* is anything
    :func:`perfrubric.evaluate` accepts.  *keep* lists the data names
    (``fnmatch`` patterns) the plan must not change; by default
    :data:`DEFAULT_KEEP` (the approved budget, authorized staffing, the
    targets and last year's figures).  *prefer* names indicators (a path,
    a name, or a part of either: ``制度``, ``公开``) a unit can act on:
    among plans changing as few indicators, those using them come first.
    The search stops after *time_limit* seconds with the best plan found so
    far (:attr:`Plan.complete` is then false).

    Returns a :class:`Plan` with no steps when the data already reach the
    grade.  Raises :class:`PlanError` when the evaluation has no grade
    (cannot rate), the grade is not on the scale, or no change the rules
    can invert reaches it (saying so when the search stopped early).
    """
    started = time.monotonic()
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
    kept = keep_patterns(keep)
    preferred = (prefer,) if isinstance(prefer, str) else tuple(prefer)
    if current <= target:
        return Plan(rubric, dept, ev.total, ev.grade, target_name, ev.total, ev.grade, (),
                    ev.rescaled, ev.rescaling, keep=kept, prefer=preferred)
    return _Planner(rubric, dept, ev, target, kept, preferred,
                    started + max(time_limit, 0.0)).plan()


class _Planner:
    def __init__(self, rubric: Rubric, dept: Department, ev: Evaluation, target: int,
                 keep: tuple[str, ...], prefer: tuple[str, ...], deadline: float) -> None:
        self.rubric = rubric
        self.dept = dept
        self.ev = ev
        self.target = target
        self.target_grade = rubric.grades.grades[target]
        self.keep = keep
        self.prefer = prefer
        self.deadline = deadline
        self.checked = 0
        self.complete = True
        self.shares: set[str] = set()

    # -- vetoes

    def _blocking(self, veto: Veto) -> bool:
        scale = self.rubric.grades
        if veto.grade_at_most is not None and scale.rank(veto.grade_at_most) > self.target:
            return True
        return veto.total_at_most is not None and veto.total_at_most < self.target_grade.min

    def _lift(self, veto: Veto, dept: Department) -> tuple[DataChange, ...] | None:
        """Data changes that make the veto's condition false, if a simple one exists."""
        for name in sorted(veto.when.names):
            if is_kept(name, self.keep):
                continue
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

    def _late(self) -> bool:
        return time.monotonic() > self.deadline

    def _preferred(self, path: str) -> bool:
        if not self.prefer:
            return True
        name = path.rsplit("/", 1)[-1]
        return any(p == path or p in name or p in path for p in self.prefer)

    def _groups(self, rubric: Rubric, dept: Department, ev: Evaluation) -> list[list[_Cand]]:
        """The candidates of each indicator a plan may change, in table order."""
        facts = Facts.from_department(dept)
        readers, self.shares = _readers(rubric, dept)
        groups: list[list[_Cand]] = []
        for result in ev.results.values():
            if not result.is_leaf or result.status != "scored" or result.score >= result.points:
                continue
            ind = rubric.indicator(result.path)  # bounded work: a few options a leaf
            cands: list[_Cand] = []
            for option in _options(rubric, ind, result, dept, facts):
                cand = self._candidate(rubric, dept, ev, option, len(groups), readers)
                if cand is not None:
                    cands.append(cand)
            if cands:
                groups.append(cands)
        return groups

    def _search(self, rubric: Rubric, dept: Department, ev: Evaluation) -> tuple[_Option, ...]:
        need = self.target_grade.min * ev.counted_points / rubric.full_marks - ev.raw_total
        facts = Facts.from_department(dept)
        groups = self._groups(rubric, dept, ev)
        if not groups:
            if not self.complete:
                raise self._stopped()
            raise PlanError(f"no plan reaches {self.target_grade.name}: no indicator scored by "
                            "its rule can gain points (excluded, missing, judged and "
                            "overridden indicators are left as they are, and so are the "
                            "kept facts: " + ", ".join(self.keep) + ")")
        reach = sum(sorted((max(c.gain for c in g) for g in groups), reverse=True), _ZERO)
        if reach < need and not any(c.entangled for g in groups for c in g):
            raise PlanError(
                f"no plan reaches {self.target_grade.name}: full points on every indicator "
                f"a plan can change add {_num(reach)} points, {_num(need)} are needed "
                "(excluded, missing, judged and overridden indicators are left as they are, "
                "and so are the kept facts)")

        def verify(combo: tuple[_Cand, ...]) -> bool:
            return self._reaches(rubric, dept, [c.option for c in combo])

        headroom = {r.path: r.points - r.score for r in ev.results.values()
                    if r.is_leaf and r.status == "scored"}
        search = _Search(groups, need, verify, self.deadline, headroom)
        found = search.run()
        self.complete = self.complete and search.complete
        if found is None:
            # Stopped early, or changes that interact: the largest gains, pruned.
            found = search.greedy()
            self.complete = False if found is not None else self.complete
        self.checked += search.checked
        if found is None:
            raise self._stopped() if not search.complete else PlanError(
                f"no plan found that reaches {self.target_grade.name}: the candidate "
                "changes, scored again, fall short (rounding or changes that affect other "
                "indicators)")
        picked = tuple(c.option for c in found)
        trimmed = self._trim(rubric, dept, facts, ev, picked, need)
        if trimmed != picked and self._reaches(rubric, dept, trimmed):
            picked = trimmed
        return picked

    def _stopped(self) -> PlanError:
        return PlanError(f"the search stopped after {self.checked} candidates (the time "
                         f"limit) without a plan reaching {self.target_grade.name}; this "
                         "does not mean there is none")

    def _candidate(self, rubric: Rubric, dept: Department, ev: Evaluation, option: _Option,
                   group: int, readers: Mapping[str, frozenset[str]]) -> _Cand | None:
        names = [c.name for c in option.changes]
        if any(is_kept(n, self.keep) for n in names):
            return None
        changed = _apply(dept, option.changes)
        if broken_identities(dept, changed, self.shares):
            return None
        touched = frozenset(r for n in names for r in readers.get(n, frozenset()))
        entangled = bool(touched - {option.path})
        affected = None if any(":" in r for r in touched) else touched | {option.path}
        gain = option.gain
        if entangled and not self._late():  # past the deadline: its own points, unmeasured
            try:
                alone = _simulate(rubric, dept, (option,))
            except EvaluationError:
                return None
            self.checked += 1
            gain = alone.raw_total - ev.raw_total
        return _Cand(group, option, gain, entangled, int(not option.on_data),
                     int(not self._preferred(option.path)), frozenset(names), affected)

    def _reaches(self, rubric: Rubric, dept: Department, picked: Sequence[_Option]) -> bool:
        names = [c.name for o in picked for c in o.changes]
        if len(names) != len(set(names)):
            return False  # two steps would change the same figure
        if broken_identities(dept, _apply(dept, [c for o in picked for c in o.changes]),
                             self.shares):
            return False
        try:
            rescored = _simulate(rubric, dept, picked)
        except EvaluationError:
            # The changed data no longer score (a change that leaves another
            # indicator's measure without a value): not a plan.
            return False
        return self._rank(rescored) <= self.target

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
                    and lower.gain >= option.gain - surplus \
                    and not any(is_kept(c.name, self.keep) for c in lower.changes):
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
        final = _simulate(rubric, dept, ordered)
        done_changes: list[DataChange] = []
        removed = [v for v in self.rubric.vetoes if v not in rubric.vetoes]
        previous = self.ev
        for veto, changes in veto_steps:
            done_changes += changes
            if veto in removed:
                removed.remove(veto)
            partial = attrs.evolve(self.rubric, vetoes=tuple(
                v for v in self.rubric.vetoes if v not in removed))
            after = evaluate(partial, _apply(self.dept, done_changes))
            steps.append(PlanStep(None, previous.total, after.total, None, changes, None,
                                  None, _ONE if changes else _ZERO, after.total, after.grade,
                                  veto=veto.name, effects=_effects(previous, after),
                                  total_before=previous.total))
            previous = after
        previous = base if not veto_steps else previous
        for i, option in enumerate(ordered):
            after = _simulate(rubric, dept, ordered[:i + 1])
            before = previous.results[option.path]
            measured = final.results[option.path].measured if option.on_data else None
            steps.append(PlanStep(option.path, before.score, after.results[option.path].score,
                                  option.goal, option.changes, base.results[option.path].measured,
                                  measured, option.cost, after.total, after.grade,
                                  effects=_effects(previous, after),
                                  total_before=previous.total))
            previous = after
        return Plan(self.rubric, self.dept, self.ev.total, self.ev.grade,
                    self.target_grade.name, final.total, final.grade, tuple(steps),
                    final.rescaled, final.rescaling, complete=self.complete,
                    checked=self.checked, keep=self.keep, prefer=self.prefer)


def _effects(before: Evaluation, after: Evaluation) -> tuple[Effect, ...]:
    """Every leaf whose score differs from *before* to *after*, in table order."""
    out = []
    for path, result in after.results.items():
        old = before.results.get(path) if path in before.results else None
        if result.is_leaf and old is not None and old.score != result.score:
            out.append(Effect(path, old.score, result.score, old.measured, result.measured))
    return tuple(out)


def _readers(rubric: Rubric, dept: Department) -> tuple[dict[str, frozenset[str]], set[str]]:
    """Which indicators (or ``veto:``/``applicable:`` entries) read each data name.

    Also the names read as shares: a fact between 0 and 1 measured as itself in %.
    """
    found: dict[str, set[str]] = {}
    shares: set[str] = set()
    for ind in rubric.walk():
        if ind.measure is not None:
            for name in _candidates(ind, dept):
                found.setdefault(name, set()).add(ind.path)
            source = ind.measure.source.strip()
            if ind.unit in ("%", "％") and source in ind.measure.names:
                value = settable_value(dept, source)
                if isinstance(value, Decimal) and _ZERO <= value <= _ONE:
                    shares.add(source)
        if ind.applicable is not None:
            for name in ind.applicable.names:
                found.setdefault(name, set()).add("applicable:" + ind.path)
    for veto in rubric.vetoes:
        for name in veto.when.names:
            found.setdefault(name, set()).add("veto:" + veto.name)
    return {k: frozenset(v) for k, v in found.items()}, shares


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


def _num(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return "0" if text in ("-0", "") else text
