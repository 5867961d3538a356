"""One leaf of a rubric compiled for totals: measure, rule, clamp, rounding, and the rest.

:mod:`perfrubric.engine.compiled` walks the indicator tree; each leaf is one
closure built here, once per rubric (or, for a project form's generated
rows, once per distinct row), that gives the leaf's counted points, its
score and its measured value the way :meth:`perfrubric.evaluate` does:

* a measure and a rule (any rule kind: ``ratio``, ``threshold``,
  ``step_deduction`` and ``bands`` are inlined; ``checklist``, ``yes_no``,
  ``per_event``, ``levels``, ``judged``, ``inverse`` and plugin kinds are
  called through their own ``score``), money converted to the declared unit,
  the score clamped to ``[0, points]`` and rounded as declared;
* an ``applicable`` condition (not applicable: excluded, or full points);
* an assessment: a level, a value or a judged score as the rule's input
  when the leaf has no measure, or a score that overrides the rule;
* a value that is not reported, under the leaf's ``missing`` policy
  (``zero``, ``full``, ``exclude``, ``cannot_rate``).

Whatever the engine would report as an error (``missing = "error"``, a
value a rule refuses, a condition that is not true or false, money without
a unit, an assessed score outside the points) raises :class:`Fallback`: the
caller hands the department to the full engine, which says what is wrong.
So the compiled path never gives a number the engine would not.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..data.facts import Facts
from ..data.model import Assessment
from ..errors import MeasureUnavailable, PerfrubricError
from ..expr import Expression, Value
from ..expr.operators import base_amount, base_of
from ..expr.values import _CTX as _EXPR_CTX
from ..indicators.bands import Bands
from ..indicators.ratio import Ratio
from ..indicators.step_deduction import StepDeduction
from ..indicators.threshold import Threshold
from ..rubrics.model import Indicator, Rubric
from ..units import UNITS, Money
from .evaluation import _rounder, _score_is_the_value

__all__ = ["CANNOT_RATE", "Fallback", "LeafFn", "leaf_fn", "leaf_key"]

_ZERO = Decimal(0)
_ONE = Decimal(1)

#: A leaf's outcome: (counted points, score, measured value or None, cannot rate?).
LeafOutcome = tuple[Decimal, Decimal, Any, bool]
#: A compiled leaf: the department's facts and the leaf's assessment (or None) in.
LeafFn = Callable[[Facts, "Assessment | None"], LeafOutcome]

#: The flag of a leaf scored under ``missing = "cannot_rate"``.
CANNOT_RATE = True


class Fallback(Exception):
    """This department needs the full engine (which reports what is wrong)."""


def rule_fn(ind: Indicator) -> Callable[[Value], Decimal]:
    """The leaf's rule as a function of the measured value, giving the unclamped score.

    Raises :class:`Fallback` for a value the inlined kinds do not take (the
    engine then says why), and lets a rule kind's own errors through.
    """
    rule = ind.rule
    assert rule is not None
    kind = type(rule)
    if kind is Ratio:
        assert isinstance(rule, Ratio)
        points, full_at = rule.points, rule.full_at

        def ratio(x: Value) -> Decimal:
            if not isinstance(x, Decimal):
                raise Fallback
            return points * min(max(x / full_at, _ZERO), _ONE)
        return ratio
    if kind is StepDeduction:
        assert isinstance(rule, StepDeduction)
        points, limit, deduct, count = rule.points, rule.limit, rule.deduct, rule.count
        room = rule.points - rule.floor
        above = rule.side == "above"

        def step(x: Value) -> Decimal:
            if not isinstance(x, Decimal):
                raise Fallback
            excess = x - limit if above else limit - x
            if excess <= _ZERO:
                # within the limit: nothing deducted (the same number as points − 0 × deduct,
                # which the leaf's rounding writes the same)
                return points
            return points - min(count(excess) * deduct, room)
        return step
    if kind is Bands:
        assert isinstance(rule, Bands)
        edges = tuple((b.low, b.low_inclusive, b.high, b.high_inclusive, b.points)
                      for b in rule.bands)

        def bands(x: Value) -> Decimal:
            if not isinstance(x, Decimal):
                raise Fallback
            for low, low_inc, high, high_inc, band_points in edges:
                if low is not None and (x < low or (x == low and not low_inc)):
                    continue
                if high is not None and (x > high or (x == high and not high_inc)):
                    continue
                return band_points
            raise Fallback  # outside every band: the engine says so
        return bands
    if kind is Threshold:
        assert isinstance(rule, Threshold)
        points, threshold = rule.points, rule.threshold
        at_least = rule.full_when == "at_least"

        def thresh(x: Value) -> Decimal:
            if not isinstance(x, Decimal):
                raise Fallback
            if at_least:
                share = _ONE if x >= threshold else max(x, _ZERO) / threshold
            else:
                share = _ONE if x <= threshold else threshold / x
            return points * share
        return thresh
    score = rule.score  # checklist, yes_no, per_event, levels, judged, plugins: their own

    def generic(x: Value) -> Decimal:
        return score(x).score
    if not type(rule).__module__.startswith("perfrubric.indicators."):
        return generic  # a plugin's kind: called every time
    return _remembered(generic)


#: Scores of the built-in kinds kept per rule, by input (levels and items repeat).
_MEMO = 4096


def _remembered(rule: Callable[[Value], Decimal]) -> Callable[[Value], Decimal]:
    """*rule* (a built-in kind's score: a function of its input only), remembered by input.

    Only inputs whose equality is their identity are kept: text, yes/no,
    a list of text, and a Decimal by its digits (``1.0`` and ``1.00`` are
    equal but not the same number written).  A refused input raises each time.
    """
    memo: dict[tuple[Any, ...], Decimal] = {}

    def remembered(x: Value) -> Decimal:
        kind = type(x)
        if kind is str or kind is bool:
            key: tuple[Any, ...] = (kind, x)
        elif kind is Decimal:
            key = (kind, str(x))
        elif kind is tuple and all(type(item) is str for item in x):  # type: ignore[union-attr]
            key = (kind, x)
        else:
            return rule(x)
        found = memo.get(key)
        if found is None:
            found = rule(x)
            if len(memo) >= _MEMO:
                memo.clear()
            memo[key] = found
        return found
    return remembered


_RATIO = re.compile(r"\s*([A-Za-z_\u0080-\uffff][\w.]*)\s*/\s*([A-Za-z_\u0080-\uffff][\w.]*)\s*")


def measure_fn(expr: Expression) -> Callable[[Facts], Value]:
    """The measure as a function of the facts.

    ``a / b`` over two data names (most rates of the national framework) is
    divided directly when both are non-zero finite Decimals, in the
    expression language's own context; anything else goes through the
    compiled expression, which applies every rule of the language.
    """
    evaluate = expr.evaluate
    if expr.source.strip() in expr.names and len(expr.names) == 1:
        (name,) = expr.names

        def single(facts: Facts) -> Value:
            # One name: its value as the expression loads it, when it is plain.
            value = facts.values.get(name)
            kind = type(value)
            if value is None:
                return evaluate(facts.resolve_quietly)  # absent: the expression says so
            if kind is str or kind is Money or kind is bool:
                return value
            if isinstance(value, tuple) and all(type(item) is str for item in value):
                return value  # the items of a checklist, as the expression loads them
            if isinstance(value, Decimal) and value.is_finite() \
                    and (value or not value.is_signed()):
                return value
            return evaluate(facts.resolve_quietly)  # absent, -0, or anything else: the expression
        return single
    change = _CHANGE.fullmatch(expr.source)
    if change is not None and {change[2], change[3], change[4]} <= expr.names:
        return _change_fn(evaluate, change[2], change[3], change[4], bool(change[1]))
    match = _RATIO.fullmatch(expr.source)
    if match is None or not {match[1], match[2]} <= expr.names:
        def general(facts: Facts) -> Value:
            return evaluate(facts.resolve_quietly)
        return general
    top, bottom, divide = match[1], match[2], _EXPR_CTX.divide

    def ratio(facts: Facts) -> Value:
        values: Mapping[str, Any] = facts.values
        a, b = values.get(top), values.get(bottom)
        if type(a) is Money:
            if type(b) is Money and b.amount and a.unit.currency == b.unit.currency:
                # Money / Money as the expression divides it: the base amounts (元), in its context
                x = divide(base_amount(a), base_amount(b))
            else:
                return evaluate(facts.resolve_quietly)
        elif isinstance(a, Decimal) and isinstance(b, Decimal) and b and a.is_finite() \
                and b.is_finite():
            x = divide(a, b)
        else:
            return evaluate(facts.resolve_quietly)
        return x if x or not x.is_signed() else x.copy_abs()
    return ratio




_NAME = r"([A-Za-z_\u0080-\uffff][\w.]*)"
#: ``(a - b) / c`` and ``abs(a - b) / c`` over data names: a change, a deviation.
_CHANGE = re.compile(rf"\s*(abs\s*)?\(\s*{_NAME}\s*-\s*{_NAME}\s*\)\s*/\s*{_NAME}\s*")
#: ``a > 0`` (and ``>=``, ``<``, ``<=``) over a data name: a condition on a figure's sign.
_SIGN = re.compile(rf"\s*{_NAME}\s*(>=|<=|>|<)\s*0\s*")
_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _change_fn(evaluate: Callable[[Any], Value], first: str, second: str, base: str,
               absolute: bool) -> Callable[[Facts], Value]:
    """``(first - second) / base`` (with *absolute*, ``abs(first - second) / base``).

    Computed as the expression computes it — in its context, amounts of one
    unit through their base amounts — when all three are amounts of one unit
    or all three are finite numbers and *base* is not zero; anything else
    (absent, mixed, zero) goes through the expression, which says what is wrong.
    """
    ctx = _EXPR_CTX

    def changed(facts: Facts) -> Value:
        values: Mapping[str, Any] = facts.values
        a, b, c = values.get(first), values.get(second), values.get(base)
        if type(a) is Money and type(b) is Money and type(c) is Money \
                and a.unit is b.unit and b.unit is c.unit and c.amount:
            d = ctx.subtract(a.amount, b.amount)
            if absolute:
                d = ctx.abs(d)
            exponent = a.unit.exponent
            x = ctx.divide(base_of(d, exponent), base_of(c.amount, exponent))
        elif isinstance(a, Decimal) and isinstance(b, Decimal) and isinstance(c, Decimal) \
                and c and a.is_finite() and b.is_finite() and c.is_finite():
            d = ctx.subtract(a, b)
            x = ctx.divide(ctx.abs(d) if absolute else d, c)
        else:
            return evaluate(facts.resolve_quietly)
        return x if x or not x.is_signed() else x.copy_abs()
    return changed


def condition_fn(expr: Expression) -> Callable[[Facts], bool]:
    """A condition (``applicable``, an either-or's ``when``) as a function of the facts.

    Lets :class:`MeasureUnavailable` through (absent data: each caller has
    its policy); anything the engine reports as an error raises :class:`Fallback`.
    """
    evaluate = expr.evaluate

    def general(facts: Facts) -> bool:
        try:
            value = evaluate(facts.resolve_quietly)
        except MeasureUnavailable:
            raise
        except (PerfrubricError, ArithmeticError):
            raise Fallback from None
        if not isinstance(value, bool):
            raise Fallback  # not true or false: the engine says so
        return value

    sign = _SIGN.fullmatch(expr.source)
    if sign is None or sign[1] not in expr.names:
        return general
    name, compare = sign[1], _COMPARE[sign[2]]

    def signed(facts: Facts) -> bool:
        # a figure against zero: an amount by its amount, a number as it is
        value = facts.values.get(name)
        if type(value) is Money:
            return compare(value.amount, _ZERO)
        if isinstance(value, Decimal) and value.is_finite():
            return compare(value, _ZERO)
        return general(facts)
    return signed


def _no_rule(value: Value) -> Decimal:
    """A leaf without a rule (a form's tier with no row, not applicable) scores nothing else."""
    raise Fallback


def _assessed(ind: Indicator, assessment: Assessment | None) -> Value:
    """The input of a leaf without a measure, from its assessment (as the engine reads it)."""
    if assessment is None:
        raise MeasureUnavailable("missing", "no measure and no assessment in the data")
    if assessment.level is not None:
        if assessment.score is not None:
            return {"level": assessment.level, "score": assessment.score}  # type: ignore[return-value]
        return assessment.level
    if assessment.value is not None:
        given: Value = assessment.value
        return given
    if assessment.score is not None and _score_is_the_value(ind, assessment):
        return assessment.score
    raise MeasureUnavailable("missing", "the assessment gives no score, level or value")


def leaf_key(ind: Indicator, rubric: Rubric) -> tuple[Any, ...]:
    """Every field of *ind* (and *rubric*) that :func:`leaf_fn` reads: equal keys, equal closures.

    Lets a project form's generated rows share their compiled closures
    across projects (the path and the name do not change the score).
    """
    return (ind.rule, ind.points, ind.measure, ind.unit, ind.applicable, ind.not_applicable,
            ind.missing, ind.rounding or rubric.rounding)


def leaf_fn(ind: Indicator, rubric: Rubric) -> LeafFn:
    """The leaf *ind* of *rubric* compiled: ``(facts, assessment) → LeafOutcome``."""
    rule = rule_fn(ind) if ind.rule is not None else _no_rule
    rnd = _rounder(ind.rounding or rubric.rounding)
    points = ind.points
    unit = UNITS.get(ind.unit or "")
    measure = measure_fn(ind.measure) if ind.measure is not None else None
    applicable = condition_fn(ind.applicable) if ind.applicable is not None else None
    exclude_when_not = ind.not_applicable == "exclude"
    policy = ind.missing

    def missing(override: Decimal | None) -> LeafOutcome:
        if override is not None:
            return points, override, None, False
        if policy == "zero":
            return points, _ZERO, None, False
        if policy == "full":
            return points, points, None, False
        if policy == "exclude":
            return _ZERO, _ZERO, None, False
        if policy == "cannot_rate":
            return points, _ZERO, None, CANNOT_RATE
        raise Fallback  # missing = "error": the engine names what is missing

    def rate(value: Value) -> tuple[Value, Decimal]:
        """The measured value (money in the leaf's unit) and its score, clamped and rounded."""
        if type(value) is not Decimal and isinstance(value, Money):
            if unit is None:
                raise Fallback
            value = value.to(unit).amount
        raw = rule(value)
        return value, rnd(_ZERO if raw < _ZERO else points if raw > points else raw)

    if applicable is None and measure is not None:
        def measured(facts: Facts, assessment: Assessment | None) -> LeafOutcome:
            # The common leaf (a measure, no condition) without an assessment, in short.
            if assessment is not None:
                return leaf(facts, assessment)
            try:
                value = measure(facts)
            except MeasureUnavailable:
                return missing(None)
            value, score = rate(value)
            return points, score, value, False

    def leaf(facts: Facts, assessment: Assessment | None) -> LeafOutcome:
        override = None
        if assessment is not None and assessment.score is not None \
                and not _score_is_the_value(ind, assessment):
            override = assessment.score
            if not _ZERO <= override <= points:
                raise Fallback  # an assessed score outside the points
        if applicable is not None:
            try:
                applies = applicable(facts)
            except MeasureUnavailable:
                return missing(override)
            if not applies:
                if exclude_when_not:
                    return _ZERO, _ZERO, None, False
                return points, points, None, False
        try:
            value = measure(facts) if measure is not None else _assessed(ind, assessment)
        except MeasureUnavailable:
            return missing(override)
        value, score = rate(value)
        return points, score if override is None else override, value, False
    if applicable is None and measure is None:
        def assessed(facts: Facts, assessment: Assessment | None) -> LeafOutcome:
            # A leaf the evaluator rates with a level only (好/较好/…), in short.
            if assessment is None or assessment.score is not None or assessment.level is None:
                return leaf(facts, assessment)
            value, score = rate(assessment.level)
            return points, score, value, False
        return assessed
    return measured if applicable is None and measure is not None else leaf

