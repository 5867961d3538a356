"""A project form as printed: its own tier points, its 总分, its printed scores reviewed.

The data's ``[form]`` table (:class:`~perfrubric.data.form.Form`) describes
the printed form the data was typed from; three steps around
:func:`~perfrubric.engine.target_rows.expand` apply it:

- :func:`layout`, before the rows are generated: with
  ``points = "as_printed"`` each ``target_rows`` tier takes the points of
  its printed rows (a tier with no row is left out of the form), and the
  form must still add up to the rubric's full marks;
- :func:`printed_scores`, after: with ``scores = "printed"`` each row's
  printed 得分 (``score`` on its ``[[target]]``, and ``[form] budget_score``
  for the budget row) becomes an audited override — the trace keeps the
  rule's score beside it;
- :func:`review`, on the engine's result: with ``total = "indicators"`` the
  总分 counts the indicator rows only (the budget row is scored and shown
  beside it); every printed score that departs from the rule becomes a
  :class:`~perfrubric.engine.deviation.Deviation`; the printed total
  (自评得分) and the rule's (复核得分) are set side by side.

Every printed score that is not the rule's score (rounded as the rubric
declares) is a deviation: ``9`` against the rule's 9.8 is one, and so is
``10`` against 9.5.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from ..data.form import FUND_SOURCES
from ..data.model import Assessment, Department, Target
from ..errors import DataError, Problem
from ..rubrics.model import Indicator, Rubric
from .deviation import Deviation, DeviationKind
from .results import _ZERO, Evaluation, IndicatorResult
from .target_rows import QUALITATIVE_LEVELS, _located
from .totals import total_and_grade

__all__ = ["budget_rows", "layout", "printed_scores", "review"]

#: Who an override from the printed 得分 column is attributed to (the trace's assessor).
PRINTED_ASSESSOR = "printed form (得分)"
_NO_FIGURES = ("missing", "cannot_rate", "excluded")


def budget_rows(rubric: Rubric) -> tuple[Indicator, ...]:
    """The top-tier indicators that hold no target rows (the 预算执行率 row of the 2020 form)."""
    return tuple(top for top in rubric.indicators
                 if not any(ind.target_rows is not None for ind in top.walk()))


def _tier_of(where: str, tiers: Iterable[str]) -> str | None:
    return next((p for p in tiers if where == p or where.startswith(p + "/")), None)


def layout(rubric: Rubric, dept: Department, *, file: str | None = None) -> Rubric:
    """*rubric* with the tiers' points of the printed form (``[form] points = "as_printed"``).

    Returns *rubric* unchanged unless the data declares ``as_printed``
    (a ``total = "indicators"`` with the official points is refused: the
    indicator rows would not carry the 总分's full marks).
    Each ``target_rows`` tier's points become the sum of the points of the
    rows placed under it; a tier with no row is left out (the printed form
    has none), and the parents' points follow.  Raises
    :class:`~perfrubric.errors.DataError` when no row is placed at all, or
    when the printed points do not add up to the rubric's full marks (with
    the budget row, or without it under ``total = "indicators"``).
    """
    form = dept.form
    if form is None:
        return rubric
    if form.points != "as_printed":
        budget = sum((top.points for top in budget_rows(rubric)), _ZERO)
        if form.total == "indicators" and budget:
            raise DataError(_located([Problem(
                f"[form] total = \"indicators\" makes the 总分 the indicator rows' sum, but "
                f"with the official points they carry {_fmt(rubric.full_marks - budget)}, not "
                f"the {_fmt(rubric.full_marks)} of the 总分; declare [form] points = "
                "\"as_printed\" so that the tiers take their printed rows' points",
                path="form.total", expected='points = "as_printed"',
                got='points = "official"')], file))
        return rubric
    tiers = [ind.path for ind in rubric.walk() if ind.target_rows is not None]
    sums: dict[str, Decimal] = dict.fromkeys(tiers, _ZERO)
    placed: dict[str, int] = dict.fromkeys(tiers, 0)
    stray = False  # a row under no tier: expand names it, a sum would only mislead
    for target in dept.targets:
        tier = _tier_of(target.indicator or "", tiers) if target.indicator else None
        if tier is not None:
            placed[tier] += 1
            sums[tier] += target.points or _ZERO
        elif target.indicator:
            stray = True
    if not any(placed.values()):
        raise DataError(_located([Problem(
            "[form] points = \"as_printed\" takes the tiers' points from the printed rows, "
            "but no [[target]] row is placed under a tier ("
            + ", ".join(f"'{t}'" for t in tiers) + ")", path="target",
            expected=f'indicator = "{tiers[0]}/…"' if tiers else "a target row")], file))
    if stray or any(t.points is None for t in dept.targets if t.indicator):
        # expand names each such row; every tier is kept for its did-you-mean
        return _repointed(rubric, sums, placed, drop=False)
    tops = tuple(kept for top in rubric.indicators
                 if (kept := _repoint(top, sums, placed, True)) is not None)
    counted = sum((top.points for top in tops), _ZERO)
    budget = sum((top.points for top in budget_rows(rubric)), _ZERO)
    if form.total == "indicators":
        counted -= budget
    if counted != rubric.full_marks:
        rows = " + ".join(f"{_fmt(sums[t])} ({t})" for t in tiers if placed[t])
        with_budget = (f" + {_fmt(budget)} (the budget row)"
                       if form.total == "with_budget" and budget else "")
        raise DataError(_located([Problem(
            f"the printed form's points add up to {_fmt(counted)} ({rows}{with_budget}), "
            f"not the {_fmt(rubric.full_marks)} of its 总分; correct the rows' points"
            + ("" if form.total == "indicators" or not budget else
               ", or declare [form] total = \"indicators\" if the 总分 leaves the budget "
               "row out"), path="form.points", expected=_fmt(rubric.full_marks),
            got=_fmt(counted))], file))
    return _repointed(rubric, sums, placed)


def _repointed(rubric: Rubric, sums: Mapping[str, Decimal], placed: Mapping[str, int], *,
               drop: bool = True) -> Rubric:
    tops = tuple(kept for top in rubric.indicators
                 if (kept := _repoint(top, sums, placed, drop)) is not None)
    expanded = attrs.evolve(rubric, indicators=tops)
    object.__setattr__(expanded, "_sha256", rubric.sha256)  # the declared rubric's hash
    return expanded


def _repoint(ind: Indicator, sums: Mapping[str, Decimal], placed: Mapping[str, int],
             drop: bool) -> Indicator | None:
    """*ind* with its tiers' printed points; ``None`` for a tier with no row (with *drop*)."""
    if ind.path in sums:
        if not placed[ind.path]:
            return None if drop else ind
        return attrs.evolve(ind, points=sums[ind.path])
    if not ind.children or ind.target_rows is not None:
        return ind
    children = tuple(kept for child in ind.children
                     if (kept := _repoint(child, sums, placed, drop)) is not None)
    if not children:
        return None
    return attrs.evolve(ind, children=children,
                        points=sum((c.points for c in children), _ZERO))


def _row_paths(rubric: Rubric) -> dict[str, Indicator]:
    """Target id → the generated row that scores it."""
    return {ind.target: ind for ind in rubric.leaves() if ind.target is not None}


def printed_scores(rubric: Rubric, dept: Department, *, file: str | None = None
                   ) -> Department:
    """*dept* with each printed 得分 as an override (``[form] scores = "printed"``).

    Returns *dept* unchanged unless the data declares ``scores = "printed"``.
    A qualitative row's printed score inside the band of its level is
    already the evaluator's score; every other printed score (outside the
    band included) becomes an :class:`~perfrubric.model.Assessment`
    attributed to the printed form, so the trace keeps the rule's score
    beside it.  Raises :class:`~perfrubric.errors.DataError` for a printed
    score above its row's points (it cannot count), and for a
    ``budget_score`` when the rubric has not exactly one budget row.
    """
    form = dept.form
    if form is not None and form.budget_score is not None and len(budget_rows(rubric)) != 1:
        raise DataError(_located([Problem(
            "[form] budget_score is the 得分 of the budget row, but this rubric has "
            f"{len(budget_rows(rubric))} rows outside its target tiers ("
            + ", ".join(f"'{b.path}'" for b in budget_rows(rubric)) + "); give their "
            "printed scores as [[assessment]] rows instead", path="form.budget_score",
            expected="no budget_score")], file))
    if form is None or form.scores != "printed":
        return dept
    rows = _row_paths(rubric)
    generated = {row.path for row in rows.values()}
    # an assessment on a generated row is its judgement (target_rows.expand): a
    # printed score outside the judgement's band replaces it
    judged = {a.indicator: a for a in dept.assessments if a.indicator in generated}
    given = {a.indicator for a in dept.assessments} - generated
    added: list[Assessment] = []
    replaced: set[str] = set()
    problems: list[Problem] = []
    for i, target in enumerate(dept.targets):
        row = rows.get(target.id)
        if row is None or target.score is None or row.path in given:
            continue
        judgement = judged.get(row.path)
        if judgement is not None and _inside_band(target, row):
            continue  # the evaluator's score in the band: it counts already
        if target.score > row.points:
            problems.append(Problem(
                f"the printed score {_fmt(target.score)} of '{target.name}' is above the "
                f"row's {_fmt(row.points)} points, so it cannot count under [form] scores = "
                "\"printed\"", path=f"target[{i}].score", expected=f"0–{_fmt(row.points)}",
                got=_fmt(target.score)))
            continue
        if judgement is not None:
            replaced.add(row.path)  # the judgement's score in the band is the rule's
            added.append(Assessment(indicator=row.path, score=target.score,
                                    level=judgement.level, value=judgement.score,
                                    reason=target.reason or judgement.reason,
                                    assessor=PRINTED_ASSESSOR))
            continue
        added.append(Assessment(indicator=row.path, score=target.score,
                                reason=target.reason, assessor=PRINTED_ASSESSOR))
    budget = budget_rows(rubric)
    if form.budget_score is not None and len(budget) == 1 and budget[0].path not in given:
        if form.budget_score > budget[0].points:
            problems.append(Problem(
                f"the printed budget score {_fmt(form.budget_score)} is above the "
                f"{_fmt(budget[0].points)} points of '{budget[0].path}'",
                path="form.budget_score", expected=f"0–{_fmt(budget[0].points)}",
                got=_fmt(form.budget_score)))
        else:
            added.append(Assessment(indicator=budget[0].path, score=form.budget_score,
                                    assessor=PRINTED_ASSESSOR))
    if problems:
        raise DataError(_located(problems, file))
    if not added:
        return dept
    kept = tuple(a for a in dept.assessments if a.indicator not in replaced)
    return attrs.evolve(dept, assessments=(*kept, *added))


def _band(target: Target, row: Indicator) -> tuple[Decimal, Decimal] | None:
    """The band of a qualitative row's level on its printed points, or ``None``."""
    if not target.is_qualitative or target.level is None:
        return None
    level = next(lv for lv in QUALITATIVE_LEVELS if lv.name == target.level)
    declared = target.points if target.points else row.points
    return declared * level.low, declared * level.high


def _inside_band(target: Target, row: Indicator) -> bool:
    """Whether a qualitative row's printed score is the evaluator's score in its band."""
    band = _band(target, row)
    return band is not None and target.score is not None and band[0] <= target.score <= band[1]


def _printed_of(rubric: Rubric, dept: Department) -> dict[str, tuple[Decimal, Target | None]]:
    """Row path → (printed score, its target; ``None`` for the budget row)."""
    out: dict[str, tuple[Decimal, Target | None]] = {}
    rows = _row_paths(rubric)
    for target in dept.targets:
        row = rows.get(target.id)
        if row is not None and target.score is not None:
            out[row.path] = (target.score, target)
    form = dept.form
    budget = budget_rows(rubric)
    if form is not None and form.budget_score is not None and len(budget) == 1:
        out[budget[0].path] = (form.budget_score, None)
    return out


def _rule_score(result: IndicatorResult) -> Decimal:
    """The rule's score of a row, also when the printed score replaced it."""
    if result.override is not None and result.override.assessor == PRINTED_ASSESSOR:
        return result.rule_score if result.rule_score is not None else _ZERO
    return result.score


def _deviation(path: str, name: str, result: IndicatorResult, printed: Decimal,
               rule: Decimal, reason: str | None, outside_band: bool = False
               ) -> Deviation | None:
    kind: DeviationKind
    no_figures = result.status in _NO_FIGURES or (
        result.status == "overridden" and result.rule_score is None)
    if printed > result.points:
        kind = "above_points"
    elif no_figures and printed != rule:
        kind = "no_figures"
    elif outside_band and printed != rule:
        kind = "outside_band"
    elif printed != rule:
        kind = "differs"
    else:
        return None
    return Deviation(path=path, name=name, kind=kind, points=result.points, printed=printed,
                     rule=rule, difference=printed - rule, reason=reason)


def review(ev: Evaluation, rubric: Rubric, dept: Department) -> Evaluation:
    """*ev* with the printed form applied: its 总分, its deviations, its two totals.

    With ``total = "indicators"`` the budget row is scored and shown beside
    the total, which counts the indicator rows only.  Each row whose printed
    score departs from the rule is a :class:`Deviation`; ``printed_total``
    and ``rule_total`` are set when the form prints any score.
    """
    form = dept.form
    funds = tuple((name, getattr(dept.budget, name)) for name in FUND_SOURCES
                  if not getattr(dept.budget, name).is_empty)
    if form is None:
        return attrs.evolve(ev, funds=funds) if funds else ev
    results = dict(ev.results)
    beside = {top.path for top in budget_rows(rubric)} if form.total == "indicators" else set()
    for path in beside:
        note = ("shown beside the total: the form's 总分 counts the indicator rows only "
                "([form] total = \"indicators\")")
        before = results[path].note
        results[path] = attrs.evolve(results[path], note=f"{before}; {note}" if before else note)
    printed = _printed_of(rubric, dept)
    deviations: list[Deviation] = []
    rule_scores: dict[str, Decimal] = {}
    printed_scores_: dict[str, Decimal] = {}
    for path, result in results.items():
        if path not in printed:
            continue
        score, target = printed[path]
        rule = _rule_score(result)
        rule_scores[path], printed_scores_[path] = rule, score
        if result.status == "overridden" and result.rule_score is None \
                and result.override is not None and result.override.assessor == PRINTED_ASSESSOR:
            results[path] = attrs.evolve(result, rule_score=rule)  # not reported: the rule's 0
        outside = target is not None and _band(target, rubric.indicator(path)) is not None \
            and not _inside_band(target, rubric.indicator(path))
        found = _deviation(path, target.name if target is not None else result.name, result,
                           score, rule, target.reason if target is not None else None,
                           outside)
        if found is not None:
            deviations.append(found)
    tops = [results[top.path] for top in rubric.indicators if top.path not in beside]
    counted = sum((r.counted_points for r in tops), _ZERO)
    raw = sum((r.score for r in tops), _ZERO)
    cannot_rate = list(ev.cannot_rate)
    if beside:
        total, grade = total_and_grade(rubric, raw, counted, ev.vetoes, cannot_rate)
    else:
        total, grade, raw, counted = ev.total, ev.grade, ev.raw_total, ev.counted_points
    printed_total = rule_total = None
    if printed:
        def retotal(scores: Mapping[str, Decimal]) -> Decimal:
            earned = raw + sum((scores[p] - results[p].score for p in scores
                                if not _under(p, beside)), _ZERO)
            return total_and_grade(rubric, earned, counted, ev.vetoes, [])[0]
        printed_total, rule_total = retotal(printed_scores_), retotal(rule_scores)
    return attrs.evolve(ev, results=results, total=total, grade=grade, raw_total=raw,
                        counted_points=counted, cannot_rate=tuple(cannot_rate),
                        deviations=tuple(deviations), printed_total=printed_total,
                        rule_total=rule_total, form=form, funds=funds,
                        beside_total=tuple(p for p in results if p in beside))


def _under(path: str, tops: Iterable[str]) -> bool:
    return any(path == top or path.startswith(top + "/") for top in tops)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text

