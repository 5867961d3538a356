"""The engine: score a department against a rubric, with a full trace.

:func:`evaluate` is a pure function of (rubric, data).  It returns an
:class:`Evaluation`: the total, the grade, and one :class:`IndicatorResult`
per indicator saying what was measured, which rule applied, what it gave
and why.  Nothing here formats text; presentation reads the result.
"""

from __future__ import annotations

import difflib
import os
import re
import weakref
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs

from ..data.facts import Facts
from ..data.model import Assessment, Department
from ..decimals import _CONTEXT, ROUNDING_MODES, Rounding
from ..errors import (
    EvaluationError,
    MeasureUnavailable,
    PerfrubricError,
    RuleInputError,
    did_you_mean,
)
from ..expr import Expression, Value
from ..expr.values import _CTX as _EXPR_CTX
from ..indicators.bands import Bands
from ..indicators.base import OutcomeParts, RuleKind
from ..indicators.ratio import Ratio
from ..indicators.step_deduction import StepDeduction
from ..rubrics.model import Indicator, Rubric, Veto
from ..units import UNITS, Money
from . import printed_form, target_rows
from .results import (
    _HUNDRED,
    _NO_DETAIL,
    _ZERO,
    STATUSES,
    Evaluation,
    EvaluationWarning,
    FigureResult,
    IndicatorResult,
    Override,
    Rescaled,
    Status,
    VetoResult,
    _Results,
    _Row,
    _row_of,
)
from .shares import refuse_bare_shares, share_reads
from .totals import total_and_grade

__all__ = [
    "STATUSES",
    "Evaluation",
    "EvaluationWarning",
    "FigureResult",
    "IndicatorResult",
    "Override",
    "Rescaled",
    "Status",
    "VetoResult",
    "evaluate",
]


# -- the engine ---------------------------------------------------------------


def evaluate(rubric: Rubric, data: Department | Mapping[str, Any] | str | Any, *,
             strict: bool = False) -> Evaluation:
    """Score *data* against *rubric*.

    *data* is a :class:`~perfrubric.model.Department`, a mapping, or a path
    to a TOML/JSON file (anything :func:`perfrubric.load_data` accepts).
    Raises :class:`~perfrubric.errors.DataError` for a fact an indicator in
    ``%`` or ``‰`` reads that the data gives as a bare number (write
    ``"87.5%"``: see :mod:`perfrubric.engine.shares`), and
    :class:`~perfrubric.errors.EvaluationError` when a measure is
    missing under the ``error`` policy or a rule cannot score its value,
    with one problem per indicator concerned (every missing value at once).
    An assessment for an indicator the rubric does not have is a warning
    (:attr:`Evaluation.warnings`); with *strict* every warning is an error.
    """
    file = os.fspath(data) if isinstance(data, (str, os.PathLike)) else None
    if not isinstance(data, Department):
        from ..data.structure import load_data

        data = load_data(data)
    plan = _Plan.of(rubric)
    if plan.shares:
        refuse_bare_shares(plan.shares, data, file)
    if not plan.has_target_rows:
        return _Run(rubric, data, plan, strict=strict).run()
    # A project form: its printed layout (printed_form.py), then rows generated from
    # the data's targets (target_rows.py), then its printed scores reviewed.
    rubric = printed_form.layout(rubric, data, file=file)
    rubric, data = target_rows.expand(rubric, data, file=file)
    data = printed_form.printed_scores(rubric, data, file=file)
    ev = _Run(rubric, data, _Plan(rubric), strict=strict).run()
    ev = attrs.evolve(ev, results=target_rows.with_notes(ev.results, rubric, data))
    return printed_form.review(ev, rubric, data)


def _rounder(rounding: Rounding) -> Callable[[Decimal], Decimal]:
    """:meth:`Rounding.apply` with its quantum and mode looked up once."""
    quantum, mode, places, apply = (rounding.quantum, ROUNDING_MODES[rounding.mode],
                                    rounding.places, rounding.apply)

    def rounded(value: Decimal) -> Decimal:
        if value.adjusted() + places >= 33:  # past the usual precision: apply widens it
            return apply(value)
        result = value.quantize(quantum, mode, _CONTEXT)
        # Normalise negative zero, which a truncated tiny negative would give.
        return result if result else abs(result)
    return rounded


_RATIO = r"\s*([A-Za-z_\u0080-\uffff][\w.]*)\s*/\s*([A-Za-z_\u0080-\uffff][\w.]*)\s*"


def _ratio_names(expr: Expression) -> tuple[str, str] | None:
    """``(a, b)`` when *expr* is ``a / b`` over two data names, else ``None``."""
    match = re.fullmatch(_RATIO, expr.source)  # compiled once, by re's cache, when first used
    if match is None or not {match[1], match[2]} <= expr.names:
        return None
    return match[1], match[2]


def _measure_fn(expr: Expression) -> Callable[[Facts], Value]:
    """The measure as a function of the facts.

    ``a / b`` over two data names (most rates) divides directly when both
    are finite Decimals and *b* is not 0, exactly as the expression would;
    anything else, and any arithmetic signal, goes through the expression.
    """
    evaluate = expr.evaluate
    names = _ratio_names(expr)
    if names is None:
        def general(facts: Facts) -> Value:
            return evaluate(facts.resolve)
        return general
    (top, bottom), divide = names, _EXPR_CTX.divide

    def ratio(facts: Facts) -> Value:
        values = facts.values
        a, b = values.get(top), values.get(bottom)
        if type(a) is Decimal and type(b) is Decimal and b and a.is_finite() \
                and b.is_finite():
            try:
                x = divide(a, b)
            except ArithmeticError:
                return evaluate(facts.resolve)  # which says what went wrong
            return x if x or not x.is_signed() else x.copy_abs()
        return evaluate(facts.resolve)
    return ratio


#: The built-in kinds whose ``score`` is ``Outcome(*_outcome_parts(value))``.
_BY_PARTS = (Bands.score, Ratio.score, StepDeduction.score)


def _parts_fn(rule: RuleKind) -> Callable[[Value], OutcomeParts]:
    """``rule.score`` as ``(score, deducted, matched, detail)``, without an Outcome if it can."""
    if type(rule).score in _BY_PARTS:
        parts: Callable[[Value], OutcomeParts] = rule._outcome_parts  # type: ignore[attr-defined]
        return parts
    score = rule.score

    def from_outcome(value: Value) -> OutcomeParts:
        outcome = score(value)
        return outcome.score, outcome.deducted, outcome.matched, (None, outcome.detail)
    return from_outcome


class _LeafPlan:
    """What scoring one leaf needs of the rubric, looked up once per rubric."""

    __slots__ = ("kind", "measure", "percent", "round", "rounding", "score", "show", "source")

    def __init__(self, ind: Indicator, rubric: Rubric) -> None:
        self.kind = ind.rule.kind if ind.rule else None
        self.measure = _measure_fn(ind.measure) if ind.measure is not None else None
        self.source = ind.measure.source if ind.measure is not None else None
        self.score = ind.rule.score if ind.rule is not None else None
        self.rounding = rubric.rounding
        self.round = _rounder(ind.rounding or rubric.rounding)
        self.show = _rounder(ind.value_rounding or rubric.rounding)
        self.percent = ind.unit in ("%", "％")


class _Slow(Exception):
    """The leaf needs the general path of :meth:`_Run._leaf`."""


#: What makes a leaf's fast function hand over to the general path, which
#: computes the leaf again and reports whatever happened.
_HAND_OVER = (_Slow, MeasureUnavailable, RuleInputError, ArithmeticError)


def _fast_leaf(ind: Indicator, leaf: _LeafPlan) -> Callable[[Facts], _Row] | None:
    """The common case of a leaf as one function: measured, scored, rounded, traced.

    Gives the leaf's :class:`IndicatorResult` fields as a tuple (see :class:`_Results`).

    For a leaf with a measure, a rule and no ``applicable`` condition, whose
    measure gives a Decimal the rule scores within ``[0, points]``.  Anything
    else (money, text, missing data, a value the rule refuses, a clamped
    score) raises one of :data:`_HAND_OVER`, and :meth:`_Run._leaf` does the
    whole leaf again, exactly as it always does.
    """
    if ind.measure is None or ind.rule is None or ind.applicable is not None \
            or leaf.measure is None or leaf.score is None:
        return None
    measure, show, percent = leaf.measure, leaf.show, leaf.percent
    parts = _parts_fn(ind.rule)
    path, points, unit, kind = ind.path, ind.points, ind.unit, leaf.kind
    # The score's rounding inline (see _rounder): points stay far below 10**30.
    rounding = ind.rounding or leaf.rounding
    quantum, mode, places = rounding.quantum, ROUNDING_MODES[rounding.mode], rounding.places
    context = _CONTEXT
    if points.adjusted() + places >= 32:
        return None
    names = _ratio_names(ind.measure)
    top, bottom = names if names is not None else ("", "")
    divide = _EXPR_CTX.divide
    shown_as = ind.value_rounding or leaf.rounding
    v_quantum, v_mode, v_places = (shown_as.quantum, ROUNDING_MODES[shown_as.mode],
                                   shown_as.places)

    def fast(facts: Facts) -> _Row:
        values = facts.values
        a, b = values.get(top), values.get(bottom)
        if type(a) is Decimal and type(b) is Decimal and b and a.is_finite() \
                and b.is_finite():  # a / b, as _measure_fn divides it
            value = divide(a, b)
            if not value and value.is_signed():
                value = value.copy_abs()
        else:
            measured = measure(facts)
            if type(measured) is not Decimal:
                raise _Slow
            value = measured
        raw, deducted, matched, detail = parts(value)
        if raw < _ZERO or raw > points:
            raise _Slow  # clamped: the general path warns
        rounded = raw.quantize(quantum, mode, context)
        shown = value * _HUNDRED if percent else value
        if shown.adjusted() + v_places >= 33:
            shown = show(shown)
        else:
            shown = shown.quantize(v_quantum, v_mode, context)
            if not shown:
                shown = abs(shown)
        return (path, points, points, rounded if rounded else abs(rounded), "scored", kind,
                value, shown, unit, matched, deducted, detail, None, None, None, ())
    return fast


def read_names(rubric: Rubric, *, everything: bool = False) -> set[str]:
    """The data names *rubric*'s measures, ``applicable`` and either-or conditions read.

    With *everything*, its vetoes' conditions and its report figures too.
    """
    names: set[str] = set()
    for ind in rubric.walk():
        for expr in (ind.measure, ind.applicable):
            if expr is not None:
                names |= expr.names
    for group in rubric.either_or:
        for alt in group.alternatives:
            if alt.when is not None:
                names |= alt.when.names
    if everything:
        for veto in rubric.vetoes:
            names |= veto.when.names
        for fig in rubric.figures:
            names |= fig.measure.names
    return names


class _Plan:
    """What :func:`evaluate` needs of a rubric that does not depend on the data.

    Built once per rubric (:meth:`of` keeps it while the rubric lives): the
    table order, whether rows come from targets, the data names the rubric
    reads (so that only those are flattened) and each leaf's rule, measure
    and roundings.
    """

    _cache: ClassVar[dict[int, _Plan]] = {}

    def __init__(self, rubric: Rubric) -> None:
        self.order = tuple(ind.path for ind in rubric.walk())
        self.index = {path: i for i, path in enumerate(self.order)}
        self.has_target_rows = target_rows.has_target_rows(rubric)
        names = read_names(rubric, everything=True)
        self.facts = Facts.reader_for(names)
        self.shares = share_reads(rubric)
        self.leaves = {ind.path: _LeafPlan(ind, rubric) for ind in rubric.leaves()}
        #: each parent's children, with the fast function of those that are leaves
        self.children = {
            ind.path: (tuple((c, None if c.children else _fast_leaf(c, self.leaves[c.path]))
                             for c in ind.children), tuple(c.path for c in ind.children))
            for ind in rubric.walk() if ind.children}

    @classmethod
    def of(cls, rubric: Rubric) -> _Plan:
        """The plan of *rubric*, built on first use and dropped with the rubric."""
        key = id(rubric)
        plan = cls._cache.get(key)
        if plan is None:
            plan = cls(rubric)
            cls._cache[key] = plan
            weakref.finalize(rubric, cls._cache.pop, key, None)
        return plan


class _Run:
    """State of one evaluation (private; the result is immutable)."""

    def __init__(self, rubric: Rubric, dept: Department, plan: _Plan, *,
                 strict: bool = False) -> None:
        self.rubric = rubric
        self.dept = dept
        self.strict = strict
        self.plan = plan
        self.facts = plan.facts(dept)
        self.assessments: dict[str, Assessment] = {}
        #: assessments naming no indicator of the rubric (kept to explain a missing one)
        self.stray: list[str] = []
        self.warnings: list[EvaluationWarning] = []
        self.errors: list[EvaluationError] = []
        for assessment in dept.assessments:
            if assessment.indicator not in rubric:
                paths = [i.path for i in rubric.walk()]
                self._warn("unknown_indicator", assessment.indicator,
                           "the data gives an assessment for an indicator this rubric does "
                           "not have" + did_you_mean(assessment.indicator, paths)
                           + "; it is ignored")
                self.stray.append(assessment.indicator)
                continue
            self.assessments[assessment.indicator] = assessment
        #: each indicator's IndicatorResult fields as a tuple (see _Results)
        self.results: dict[str, _Row] = {}
        self.cannot_rate: list[str] = []
        self.excluded: dict[str, tuple[Literal["not_applicable", "not_reported"], str]] = {}

    def _warn(self, code: str, indicator: str, message: str) -> None:
        self.warnings.append(EvaluationWarning(code, indicator, message))

    def run(self) -> Evaluation:
        rubric = self.rubric
        self.not_chosen = self._choose() if rubric.either_or else set()
        vetoes: list[VetoResult] = []
        for declared in rubric.vetoes:
            try:
                if self._triggered(declared):
                    vetoes.append(self._veto_result(declared))
            except EvaluationError as exc:  # reported with every other problem below
                self.errors.append(exc)
        self.vetoed = {node.path for v in vetoes if v.indicator is not None
                       for node in rubric.indicator(v.indicator).walk()}
        for top in rubric.indicators:
            self._indicator(top)
        if self.strict:
            self.errors += [EvaluationError(w.indicator, f"{w.message} (strict: warnings are "
                                            "errors)") for w in self.warnings]
        if self.errors:
            raise EvaluationError.collect(self.errors)
        # _indicator fills self.results children first; reorder to table order.
        done, plan = self.results, self.plan
        results = _Results(plan.order, tuple([done[path] for path in plan.order]), plan.index)
        tops = [done[i.path] for i in rubric.indicators]
        raw = sum((r[3] for r in tops), _ZERO)  # score
        counted = sum((r[2] for r in tops), _ZERO)  # counted_points
        total, grade = total_and_grade(rubric, raw, counted, vetoes, self.cannot_rate)
        return Evaluation(
            rubric=rubric, department=self.dept.name, year=self.dept.year,
            total=total, raw_total=raw, counted_points=counted, grade=grade,
            results=results, vetoes=tuple(vetoes), cannot_rate=tuple(self.cannot_rate),
            targets=tuple(self.dept.targets),
            figures=self._figures() if rubric.figures else {},
            rescaling=tuple(Rescaled(path, done[path][1], reason, note)  # points
                            for path, (reason, note) in self.excluded.items()),
            warnings=tuple(self.warnings),
        )

    def _figures(self) -> dict[str, FigureResult]:
        out: dict[str, FigureResult] = {}
        for fig in self.rubric.figures:
            try:
                value = fig.measure.evaluate(self.facts.resolve)
            except MeasureUnavailable as exc:
                out[fig.id] = FigureResult(fig.id, fig.name, None, None, fig.unit, exc.detail)
                continue
            except RuleInputError as exc:
                raise EvaluationError(f"figure {fig.id}", str(exc)) from None
            shown = None
            if isinstance(value, Decimal):
                shown = _display(value, fig.unit, fig.value_rounding or self.rubric.rounding)
            out[fig.id] = FigureResult(fig.id, fig.name, value, shown, fig.unit)
        return out

    # -- either-or and vetoes

    def _holds(self, expr: Expression, where: str) -> bool:
        try:
            value = expr.evaluate(self.facts.resolve)
        except RuleInputError as exc:
            raise EvaluationError(where, f"cannot compute {expr.source!r}: {exc}") from None
        if not isinstance(value, bool):
            raise EvaluationError(where, f"the condition {expr.source!r} gave {value!r}, "
                                         "not true or false")
        return value

    def _choose(self) -> set[str]:
        not_chosen: set[str] = set()
        for group in self.rubric.either_or:
            chosen = None
            for alt in group.alternatives:
                if alt.when is None:
                    chosen = alt.path
                    break
                try:
                    if self._holds(alt.when, alt.path):
                        chosen = alt.path
                        break
                except MeasureUnavailable:
                    continue  # a condition on absent data does not hold
            if chosen is None:
                raise EvaluationError(group.name, "no alternative of this either-or group "
                                      "applies: none of their 'when' conditions holds")
            not_chosen.update(a.path for a in group.alternatives if a.path != chosen)
        return not_chosen

    def _triggered(self, veto: Veto) -> bool:
        try:
            return self._holds(veto.when, veto.name)
        except MeasureUnavailable as exc:
            if veto.missing == "pass":
                return False
            if veto.missing == "trigger":
                return True
            raise EvaluationError(veto.name, f"the veto condition {veto.when.source!r} cannot "
                                  f"be computed: {exc.detail}; set missing = \"pass\" or "
                                  "\"trigger\" on the veto to decide") from None

    @staticmethod
    def _veto_result(veto: Veto) -> VetoResult:
        return VetoResult(veto.name, veto.reason, veto.grade_at_most, veto.total_at_most,
                          veto.indicator)

    # -- the tree

    def _indicator(self, ind: Indicator) -> _Row:
        """Score *ind* and its children into :attr:`results`; its row."""
        if ind.path in self.not_chosen:
            note = "another alternative of its either-or group was scored"
            for node in ind.walk():  # the whole alternative is out, children too
                self.results[node.path] = _row_of(self._empty(node, "not_chosen", note))
            return self.results[ind.path]
        if ind.children:
            # sum(counted points), sum(scores) in child order, as sum() would add them
            counted = score = _ZERO
            all_out = True
            done, facts = self.results, self.facts
            special = self.vetoed or self.assessments or self.not_chosen
            children, paths = self.plan.children[ind.path]
            for child, fast in children:
                if fast is not None and not (special and self._special(child.path)):
                    try:
                        kid = done[child.path] = fast(facts)
                    except _HAND_OVER:
                        kid = self._scored_leaf(child)
                elif child.children or child.path in self.not_chosen:
                    kid = self._indicator(child)
                else:
                    kid = self._scored_leaf(child)
                counted += kid[2]  # counted_points
                score += kid[3]  # score
                if all_out and kid[4] not in ("excluded", "not_chosen"):  # status
                    all_out = False
            # IndicatorResult(path, points, counted_points, score, status, children=paths)
            row = (ind.path, ind.points, counted, score, "excluded" if all_out else "scored",
                   None, None, None, None, None, None, _NO_DETAIL, None, None, None, paths)
        else:
            return self._scored_leaf(ind)
        self.results[ind.path] = row
        return row

    def _special(self, path: str) -> bool:
        """Whether a leaf is vetoed, assessed or not chosen (never the fast path)."""
        return path in self.vetoed or path in self.assessments or path in self.not_chosen

    def _scored_leaf(self, ind: Indicator) -> _Row:
        try:
            result = self._leaf(ind)
        except EvaluationError as exc:  # go on, to report every indicator at once
            self.errors.append(exc)
            result = self._empty(ind, "missing", str(exc))
        row = _row_of(result)
        self.results[ind.path] = row
        return row

    def _empty(self, ind: Indicator, status: Status, note: str) -> IndicatorResult:
        return IndicatorResult(path=ind.path, points=ind.points, counted_points=_ZERO,
                               score=_ZERO, status=status, note=note,
                               kind=ind.rule.kind if ind.rule else None,
                               children=tuple(c.path for c in ind.children))

    def _leaf(self, ind: Indicator) -> IndicatorResult:
        plan = self.plan.leaves[ind.path]
        kind = plan.kind
        if ind.path in self.vetoed:
            return IndicatorResult(path=ind.path, points=ind.points, counted_points=ind.points,
                                   score=_ZERO, status="vetoed", kind=kind,
                                   note="set to 0 by a veto")
        assessment = self.assessments.get(ind.path)
        override = None
        if assessment is not None and assessment.score is not None \
                and not _score_is_the_value(ind, assessment):
            override = Override(self._check_score(ind, assessment.score), assessment.reason,
                                assessment.assessor)
        if ind.applicable is not None:
            try:
                applies = self._holds(ind.applicable, ind.path)
            except MeasureUnavailable as exc:
                return self._missing(ind, exc.detail, override)
            if not applies:
                if ind.not_applicable == "exclude":
                    why = ("declared not applicable (applicable = false)"
                           if ind.applicable.source.strip() == "false"
                           else f"not applicable: {ind.applicable.source!r} is false")
                    self.excluded[ind.path] = ("not_applicable", why)
                    return self._empty(ind, "excluded", "not applicable; excluded")
                return IndicatorResult(path=ind.path, points=ind.points,
                                       counted_points=ind.points, score=ind.points,
                                       status="not_applicable", kind=kind,
                                       note="not applicable; full points")
        measure = plan.measure
        try:
            if measure is None:
                value = self._value(ind, assessment)
            else:
                try:
                    value = measure(self.facts)
                except RuleInputError as exc:
                    raise EvaluationError(ind.path, f"cannot compute the measure "
                                          f"{plan.source!r}: {exc}") from None
                if type(value) is not Decimal and isinstance(value, Money):
                    value = self._money(ind, value)
        except MeasureUnavailable as exc:
            return self._missing(ind, exc.detail, override)
        if plan.score is None:  # pragma: no cover - the loader requires a rule on leaves
            raise EvaluationError(ind.path, "has no rule")
        try:
            outcome = plan.score(value)
        except RuleInputError as exc:
            raise EvaluationError(ind.path, f"rule '{kind}' cannot score the measured "
                                  f"value: {exc}") from None
        points = ind.points
        clamped = min(max(outcome.score, _ZERO), points)
        detail = outcome.detail
        if clamped != outcome.score:
            assert ind.rule is not None
            detail = {**detail, "clamped_from": outcome.score, "clamped_to": clamped}
            self._warn("score_clamped", ind.path,
                       f"rule '{ind.rule.kind}' gave {outcome.score} points, outside 0–"
                       f"{ind.points}; clamped to {clamped}")
        score = plan.round(clamped)
        status: Status = "scored"
        rule_score: Decimal | None = None
        if override is not None:
            status, rule_score, score = "overridden", score, override.score
        shown = None
        if type(value) is Decimal or isinstance(value, Decimal):
            shown = plan.show(value * _HUNDRED if plan.percent else value)
        return IndicatorResult(  # positional, in field order: the fastest call
            ind.path, points, points, score, status, kind, value, shown, ind.unit,
            outcome.matched, outcome.deducted, detail, rule_score, override,
            None if assessment is None else assessment.reason)

    def _check_score(self, ind: Indicator, score: Decimal) -> Decimal:
        if not _ZERO <= score <= ind.points:
            raise EvaluationError(ind.path, f"the assessed score {score} lies outside "
                                  f"0–{ind.points} points")
        return score

    def _value(self, ind: Indicator, assessment: Assessment | None) -> Value:
        """The value of a leaf without a measure, from its assessment."""
        if assessment is None:
            close = difflib.get_close_matches(ind.path, self.stray, n=1, cutoff=0.6)
            hint = (f" (an assessment names '{close[0]}', which this rubric does not have: "
                    "a renamed row?)" if close else "")
            raise MeasureUnavailable("missing", "no measure and no assessment in the data" + hint)
        if assessment.level is not None:
            # a printed 得分 that overrides a judgement carries the rule's score as its value
            inside = (assessment.value if assessment.assessor == printed_form.PRINTED_ASSESSOR
                      else assessment.score)
            if inside is not None:
                return {"level": assessment.level, "score": inside}  # type: ignore[return-value]
            return assessment.level
        if assessment.value is not None:
            given: Value = assessment.value
            return given
        if assessment.score is not None and _score_is_the_value(ind, assessment):
            return assessment.score
        raise MeasureUnavailable("missing", "the assessment gives no score, level or value")

    def _money(self, ind: Indicator, value: Money) -> Decimal:
        unit = UNITS.get(ind.unit or "")
        if unit is None and ind.unit:
            raise EvaluationError(ind.path, f"the measure gives an amount of money ({value}), "
                                  f"but the indicator's unit '{ind.unit}' is not a money unit: "
                                  "for a rate, divide by another amount (e.g. budget.final / "
                                  "budget.adjusted); to score the amount itself, say "
                                  f"unit = \"{value.unit}\"")
        if unit is None:
            raise EvaluationError(ind.path, f"the measure gives an amount of money ({value}); "
                                  "declare the unit to score it in, e.g. unit = \"万元\"")
        try:
            return value.to(unit).amount
        except PerfrubricError as exc:
            raise EvaluationError(ind.path, str(exc)) from None

    def _missing(self, ind: Indicator, detail: str,
                 override: Override | None) -> IndicatorResult:
        kind = ind.rule.kind if ind.rule else None
        if override is not None:
            return IndicatorResult(path=ind.path, points=ind.points, counted_points=ind.points,
                                   score=override.score, status="overridden", kind=kind,
                                   override=override, note=f"rule not computable: {detail}")
        policy = ind.missing
        if policy == "error":
            give = ("give the value in the data" if ind.measure is not None else
                    f"give the value in the data: an [[assessment]] with indicator = "
                    f"\"{ind.path}\" and its level or score")
            raise EvaluationError(ind.path, f"{detail}; {give} (if the "
                                  "indicator does not apply, report that and declare "
                                  "applicable = \"<condition>\"), or declare missing = "
                                  "\"zero\" | \"cannot_rate\" on the indicator")
        if policy in ("exclude", "full"):
            self._warn("not_reported_rewarded", ind.path,
                       f"not reported ({detail}), yet missing = \"{policy}\" "
                       + ("drops it and rescales the total" if policy == "exclude"
                          else f"gives it full {ind.points} points")
                       + "; a value that is not reported should earn nothing: declare "
                         "applicable = \"<condition>\" for an indicator that may not apply, "
                         "and missing = \"zero\" or \"cannot_rate\"")
        if policy == "exclude":
            self.excluded[ind.path] = ("not_reported", f"not reported: {detail}")
            return self._empty(ind, "excluded", f"excluded: {detail}")
        if policy == "cannot_rate":
            self.cannot_rate.append(f"{ind.path}: {detail}")
            return IndicatorResult(path=ind.path, points=ind.points, counted_points=ind.points,
                                   score=_ZERO, status="cannot_rate", kind=kind,
                                   note=f"cannot rate: {detail}")
        score = ind.points if policy == "full" else _ZERO
        return IndicatorResult(path=ind.path, points=ind.points, counted_points=ind.points,
                               score=score, status="missing", kind=kind,
                               note=f"missing ({policy} policy): {detail}")


def _score_is_the_value(ind: Indicator, assessment: Assessment) -> bool:
    """Whether an assessment's score is the rule's input rather than an override.

    It is for a judged indicator without a measure, and for a level given
    with its score (the three-step ranges); anywhere else a score replaces
    what the rule computes, and so does a printed 得分 under ``[form] scores =
    "printed"`` (its judgement's score in the band is then the value).
    """
    if ind.measure is not None or assessment.assessor == printed_form.PRINTED_ASSESSOR:
        return False
    kind = ind.rule.kind if ind.rule is not None else None
    return kind == "judged" or assessment.level is not None


def _display(value: Decimal, unit: str | None, rounding: Rounding) -> Decimal:
    """*value* in its display unit (a percentage for ``%``), rounded as declared."""
    return rounding.apply(value * _HUNDRED if unit in ("%", "％") else value)
