"""Totals only, fast: a rubric compiled once into closures, for ``trace=False``.

The full engine (:func:`perfrubric.evaluate`) builds a traced result for
every indicator.  A batch that only wants totals, grades and leaf scores
needs none of that, so :class:`CompiledRubric` turns each leaf into one
closure (its measure, its rule with the parameters bound as constants, the
clamp, and the declared rounding with the quantum and mode precomputed)
and sums.  No ``eval``/``exec``: closures only, and Decimal throughout.

The compiled path covers the common case only.  Whenever a department or
a rubric needs anything else, it hands over to the full engine, so it can
never give a different number:

* rubric level: vetoes, either-or groups, ``applicable`` conditions, or a
  leaf without a measure → every department goes to the engine;
* department level: assessments (overrides, levels, judged scores), a
  measure that cannot be computed (every missing-data policy, including
  ``error``), a value a rule cannot score, money without a unit, a zero
  total of points → that department goes to the engine.

The property test in ``tests/test_compiled.py`` checks the equivalence over
generated rubrics and data, the built-in rubrics and the seed example.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..data.facts import _GETTERS, Facts, _plain
from ..data.model import Department
from ..decimals import _CONTEXT, ROUNDING_MODES
from ..errors import MeasureUnavailable, PerfrubricError
from ..expr import Value
from ..expr.values import _CTX as _EXPR_CTX
from ..indicators.bands import Bands
from ..indicators.ratio import Ratio
from ..indicators.step_deduction import StepDeduction
from ..indicators.threshold import Threshold
from ..rubrics.model import Indicator, Rubric
from ..units import UNITS, Money
from .evaluation import evaluate
from .results import Evaluation, _leaf_scores
from .shares import refuse_bare_shares, share_reads

__all__ = ["CompiledRubric", "Totals"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_ABSENT = object()
_STATIC_GETTERS: dict[str, Callable[[Any], Any]] = dict(_GETTERS)
# Names Facts derives when the data leaves them out: always read through Facts.
_DERIVED_IN_FACTS = frozenset(f"budget.sangong.{f}" for f in
                              ("budget", "actual", "previous_budget", "previous_actual"))


@attrs.frozen
class Totals:
    """What a batch keeps of one scoring: total, grade, leaf scores and measured values.

    ``status`` is ``"scored"``, or ``"cannot_rate"`` when there is no grade.
    ``evaluation`` is the full :class:`~perfrubric.Evaluation` when the
    engine produced it (a fallback, or ``trace=True``), else ``None``.
    """

    total: Decimal
    grade: str | None
    status: str
    scores: Mapping[str, Decimal]
    measured: Mapping[str, Value]
    evaluation: Evaluation | None = None

    @classmethod
    def of(cls, ev: Evaluation, *, keep: bool) -> Totals:
        """The totals of a full evaluation (keeping it when *keep*)."""
        scores, measured = _leaf_scores(ev)
        return cls(ev.total, ev.grade, "scored" if ev.grade is not None else "cannot_rate",
                   scores, measured, ev if keep else None)


class _Fallback(Exception):
    """This department needs the full engine."""


def _rounder(ind: Indicator, rubric: Rubric) -> Callable[[Decimal], Decimal]:
    rounding = ind.rounding or rubric.rounding
    quantum, mode, context = rounding.quantum, ROUNDING_MODES[rounding.mode], _CONTEXT

    def apply(value: Decimal) -> Decimal:
        rounded = value.quantize(quantum, mode, context)
        return rounded if rounded else abs(rounded)
    return apply


def _rule_fn(ind: Indicator) -> Callable[[Value], Decimal]:
    """The rule as a function of the measured value, giving the unclamped score."""
    rule = ind.rule
    assert rule is not None
    kind = type(rule)
    if kind is Ratio:
        assert isinstance(rule, Ratio)
        points, full_at = rule.points, rule.full_at

        def ratio(x: Value) -> Decimal:
            if type(x) is not Decimal:
                raise _Fallback
            return points * min(max(x / full_at, _ZERO), _ONE)
        return ratio
    if kind is StepDeduction:
        assert isinstance(rule, StepDeduction)
        points, limit, deduct, count = rule.points, rule.limit, rule.deduct, rule.count
        room = rule.points - rule.floor
        above = rule.side == "above"

        def step(x: Value) -> Decimal:
            if type(x) is not Decimal:
                raise _Fallback
            excess = max(x - limit if above else limit - x, _ZERO)
            return points - min(count(excess) * deduct, room)
        return step
    if kind is Bands:
        assert isinstance(rule, Bands)
        edges = tuple((b.low, b.low_inclusive, b.high, b.high_inclusive, b.points)
                      for b in rule.bands)

        def bands(x: Value) -> Decimal:
            if type(x) is not Decimal:
                raise _Fallback
            for low, low_inc, high, high_inc, band_points in edges:
                if low is not None and (x < low or (x == low and not low_inc)):
                    continue
                if high is not None and (x > high or (x == high and not high_inc)):
                    continue
                return band_points
            raise _Fallback  # outside every band: the engine says so
        return bands
    if kind is Threshold:
        assert isinstance(rule, Threshold)
        points, threshold = rule.points, rule.threshold
        at_least = rule.full_when == "at_least"

        def thresh(x: Value) -> Decimal:
            if type(x) is not Decimal:
                raise _Fallback
            if at_least:
                share = _ONE if x >= threshold else max(x, _ZERO) / threshold
            else:
                share = _ONE if x <= threshold else threshold / x
            return points * share
        return thresh
    score = rule.score

    def generic(x: Value) -> Decimal:
        return score(x).score
    return generic


_RATIO = re.compile(r"\s*([A-Za-z_\u0080-\uffff][\w.]*)\s*/\s*([A-Za-z_\u0080-\uffff][\w.]*)\s*")

_Leaf = Callable[[Mapping[str, Any], Callable[[str], Value]], tuple[Decimal, Value]]


def _measure_fn(ind: Indicator) -> Callable[[Mapping[str, Any], Callable[[str], Value]], Value]:
    """The measure as a function of the department's values.

    ``a / b`` over two data names (most rates of the national framework) is
    divided directly when both are non-zero Decimals, in the expression
    language's own context; anything else goes through the compiled
    expression, which applies every rule of the language.
    """
    assert ind.measure is not None
    evaluate = ind.measure.evaluate
    match = _RATIO.fullmatch(ind.measure.source)
    if match is None or not {match[1], match[2]} <= ind.measure.names:
        def general(values: Mapping[str, Any], resolve: Callable[[str], Value]) -> Value:
            return evaluate(resolve)
        return general
    top, bottom, divide = match[1], match[2], _EXPR_CTX.divide

    def ratio(values: Mapping[str, Any], resolve: Callable[[str], Value]) -> Value:
        a, b = values.get(top), values.get(bottom)
        if type(a) is Decimal and type(b) is Decimal and b and a.is_finite() \
                and b.is_finite():
            x = divide(a, b)
            return x if x or not x.is_signed() else x.copy_abs()
        return evaluate(resolve)
    return ratio


def _leaf_fn(ind: Indicator, rubric: Rubric) -> _Leaf:
    measure = _measure_fn(ind)
    rule = _rule_fn(ind)
    rnd = _rounder(ind, rubric)
    points = ind.points
    unit = UNITS.get(ind.unit or "")

    def leaf(values: Mapping[str, Any], resolve: Callable[[str], Value]) -> tuple[Decimal, Value]:
        value = measure(values, resolve)
        if type(value) is not Decimal and isinstance(value, Money):
            if unit is None:
                raise _Fallback
            value = value.to(unit).amount
        score = rule(value)
        if score < _ZERO:
            score = _ZERO
        elif score > points:
            score = points
        return rnd(score), value
    return leaf


def _facts_reader(path: tuple[str, ...]) -> Callable[[Department], Any]:
    def read(dept: Department) -> Any:
        value: Any = dept.facts
        for part in path:
            if not isinstance(value, Mapping):
                return _ABSENT
            value = value.get(part, _ABSENT)
            if value is _ABSENT:
                return _ABSENT
        return _ABSENT if value is None or isinstance(value, Mapping) else value
    return read


def _static_reader(get: Callable[[Any], Any]) -> Callable[[Department], Any]:
    def read(dept: Department) -> Any:
        value = _plain(get(dept))
        return _ABSENT if value is None else value
    return read


class CompiledRubric:
    """A rubric compiled for totals; :meth:`run` scores one department.

    ``supported`` says whether the rubric can take the fast path at all;
    when it cannot, :meth:`run` always uses the full engine.
    """

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        leaves = list(rubric.leaves())
        self.supported = (not rubric.vetoes and not rubric.either_or
                          and all(i.measure is not None and i.rule is not None
                                  and i.applicable is None for i in leaves))
        self._leaves: list[tuple[str, _Leaf]] = []
        self._readers: list[tuple[str, Callable[[Department], Any]]] = []
        self._plain_facts: list[tuple[str, str]] = []
        self._needs_facts = False
        self._counted = _ZERO
        self._shares = share_reads(rubric)
        if not self.supported:
            return
        self._leaves = [(ind.path, _leaf_fn(ind, rubric)) for ind in leaves]
        names = sorted({n for ind in leaves if ind.measure is not None
                        for n in ind.measure.names})
        for name in names:
            if name in _STATIC_GETTERS and name not in _DERIVED_IN_FACTS:
                self._readers.append((name, _static_reader(_STATIC_GETTERS[name])))
            elif name.startswith("facts.") and name.count(".") == 1:
                self._plain_facts.append((name, name[6:]))
            elif name.startswith("facts."):
                self._readers.append((name, _facts_reader(tuple(name.split(".")[1:]))))
            else:
                self._needs_facts = True  # targets, derived totals: Facts knows them
        # Every leaf counts on the fast path, so the counted points are theirs.
        self._counted = sum((ind.points for ind in leaves), _ZERO)
        self._full = rubric.full_marks
        total = rubric.total_rounding
        self._total_round = (total.quantum, ROUNDING_MODES[total.mode])
        self._grade_for = rubric.grades.grade_for

    def run(self, dept: Department, *, trace: bool = False) -> Totals:
        """Score *dept*: the fast path when possible, else the full engine.

        With *trace* the full engine always runs and its evaluation is kept.
        Raises what :func:`perfrubric.evaluate` raises.
        """
        if trace or not self.supported or dept.assessments or not self._counted:
            return Totals.of(evaluate(self.rubric, dept), keep=trace)
        if self._shares:
            refuse_bare_shares(self._shares, dept)
        try:
            return self._fast(dept)
        except (_Fallback, PerfrubricError, ArithmeticError):
            return Totals.of(evaluate(self.rubric, dept), keep=False)

    def _fast(self, dept: Department) -> Totals:
        values: Mapping[str, Any]
        if self._needs_facts:
            values = Facts.from_department(dept).values
        else:
            found: dict[str, Any] = {}
            facts = getattr(dept.facts, "_data", dept.facts)
            for name, key in self._plain_facts:
                value = facts.get(key, _ABSENT)
                # A nested table is no value of its own (Facts flattens it); the
                # type test first, because isinstance against Mapping is slow.
                if type(value) is Decimal or (value is not _ABSENT and value is not None
                                              and not isinstance(value, Mapping)):
                    found[name] = value
            for name, read in self._readers:
                value = read(dept)
                if value is not _ABSENT:
                    found[name] = value
            values = found

        def resolve(name: str) -> Value:
            hit: Any = values.get(name, _ABSENT)
            if hit is _ABSENT:
                raise MeasureUnavailable("missing", f"'{name}' has no value in the data")
            result: Value = hit
            return result

        scores: dict[str, Decimal] = {}
        measured: dict[str, Value] = {}
        raw = _ZERO
        for path, leaf in self._leaves:
            score, value = leaf(values, resolve)
            scores[path] = score
            measured[path] = value
            raw += score
        if self._counted != self._full:
            raw = raw * self._full / self._counted
        quantum, mode = self._total_round
        total = raw.quantize(quantum, mode, _CONTEXT)
        if not total:
            total = abs(total)
        return Totals(total, self._grade_for(total).name, "scored", scores, measured)
