"""What a batch comes to: :func:`summarize` gives a :class:`BatchSummary`.

A finance bureau that scored a county's units wants the figures it hands
on: how many units were scored and how many failed, how the grades are
distributed, the mean and spread of the totals, and the indicators on
which the units lose the most points.  :func:`summarize` computes them from
the results of a batch (no trace needed: the leaf scores are enough);
the Excel output writes them as its 汇总 sheet and ``--summary`` as a page
with charts (:mod:`perfrubric.batch.summary_page`).

For a batch of project forms that print their own 得分, the summary also
compares the printed scores with the rule's (the 复核 view): a
:class:`PrintedReview` counts the forms whose printed total exceeds the
rule's, sums the differences and ranks the rows that most often depart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import attrs

from ..rubrics.model import Rubric
from .forms import form_tiers
from .results import BatchResult

__all__ = ["BatchSummary", "DeviatingRow", "FormTotals", "IndicatorLoss", "PrintedReview",
           "summarize"]

_CENT = Decimal("0.01")


@attrs.frozen
class IndicatorLoss:
    """The points the units lost on one leaf indicator.

    ``lost`` is the sum over scored units of points − score; ``units`` is
    how many units lost anything on it, of ``scored`` units that were
    scored on it; ``mean_lost`` is ``lost`` / ``scored`` (rounded to 0.01).
    """

    path: str
    points: Decimal
    lost: Decimal
    units: int
    scored: int
    mean_lost: Decimal


@attrs.frozen
class FormTotals:
    """One form's printed total (自评) beside the rule's (复核), over the rows that print a score.

    ``key`` is the form's key in the batch, ``name`` its project's name.
    """

    key: str
    name: str | None
    printed: Decimal
    rule: Decimal

    @property
    def difference(self) -> Decimal:
        """``printed`` − ``rule``: above 0 when the unit scored itself higher than the rule."""
        return self.printed - self.rule


@attrs.frozen
class DeviatingRow:
    """A row (by its indicator path) whose printed score departs from the rule's on some forms.

    ``forms`` is how many forms depart on it, of ``printed`` forms that
    print a score on it; ``difference`` sums printed − rule over them.
    """

    path: str
    forms: int
    printed: int
    difference: Decimal


@attrs.frozen
class PrintedReview:
    """The 复核 of a batch of project forms: printed totals against the rule's.

    ``totals`` holds each scored form that prints any score, in batch order;
    ``above`` and ``below`` count the forms whose printed total exceeds (falls
    short of) the rule's, ``difference`` sums printed − rule over all of them
    (0.01, half up) and ``rows`` ranks the rows most often departing (most
    forms first; ties by the size of the summed difference, then the
    rubric's order of the paths met first).
    """

    totals: tuple[FormTotals, ...]
    above: int
    below: int
    difference: Decimal
    rows: tuple[DeviatingRow, ...]


@attrs.frozen
class BatchSummary:
    """The figures of a batch: counts, grades, spread of totals, indicators losing points.

    ``grades`` is every grade of the rubric's scale in its order (best
    first) with its count, then ``None`` for units that could not be rated
    when there are any.  ``mean``, ``median``, ``stdev`` (population
    standard deviation), ``minimum`` and ``maximum`` are over the totals of
    the scored units, rounded to 0.01 half up, or ``None`` when none was
    scored.  ``losses`` ranks the leaf indicators by points lost (most
    first; ties by the number of units, then table order) and leaves out
    those on which no unit lost anything.  ``totals`` keeps each scored
    unit's total, for charts.  ``noun`` is what the batch counts (``unit``,
    or ``form`` for a batch of project forms); ``printed`` is the
    :class:`PrintedReview` when some form prints its own scores, else ``None``.
    """

    units: int
    scored: int
    failed: int
    grades: tuple[tuple[str | None, int], ...]
    mean: Decimal | None
    median: Decimal | None
    stdev: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    losses: tuple[IndicatorLoss, ...]
    totals: tuple[Decimal, ...]
    full_marks: Decimal
    title: str = ""
    noun: str = "unit"
    printed: PrintedReview | None = None

    def to_dict(self) -> dict[str, object]:
        """The summary as JSON-ready values (Decimals as strings)."""
        def num(value: Decimal | None) -> str | None:
            return None if value is None else format(value, "f")
        return {
            "units": self.units, "scored": self.scored, "failed": self.failed,
            "grades": [{"grade": g, "units": n} for g, n in self.grades],
            "mean": num(self.mean), "median": num(self.median), "stdev": num(self.stdev),
            "minimum": num(self.minimum), "maximum": num(self.maximum),
            "losses": [{"path": x.path, "points": num(x.points), "lost": num(x.lost),
                        "units": x.units, "scored": x.scored, "mean_lost": num(x.mean_lost)}
                       for x in self.losses],
            "printed": None if self.printed is None else {
                "forms": len(self.printed.totals), "above": self.printed.above,
                "below": self.printed.below, "difference": num(self.printed.difference),
                "rows": [{"path": r.path, "forms": r.forms, "printed": r.printed,
                          "difference": num(r.difference)} for r in self.printed.rows]},
        }


def summarize(results: Iterable[BatchResult], rubric: Rubric) -> BatchSummary:
    """The :class:`BatchSummary` of a batch's *results* scored against *rubric*.

    Works on the results as :func:`~perfrubric.batch.evaluate_many` or
    :func:`~perfrubric.batch.write_results` give them, traced or not.
    """
    done = list(results)
    scored = [r for r in done if r.ok and r.total is not None]
    totals = sorted(r.total for r in scored if r.total is not None)
    counts = Counter(r.grade for r in scored)
    grades: list[tuple[str | None, int]] = [(g.name, counts[g.name])
                                            for g in rubric.grades.grades]
    if counts[None]:
        grades.append((None, counts[None]))
    return BatchSummary(
        units=len(done), scored=len(scored), failed=len(done) - len(scored),
        grades=tuple(grades), mean=_mean(totals), median=_median(totals),
        stdev=_stdev(totals), minimum=totals[0] if totals else None,
        maximum=totals[-1] if totals else None, losses=_losses(scored, rubric),
        totals=tuple(totals), full_marks=rubric.full_marks,
        title=rubric.title_in("zh_CN"), noun="form" if form_tiers(rubric) else "unit",
        printed=_printed(scored))


def _printed(scored: list[BatchResult]) -> PrintedReview | None:
    """Printed totals against the rule's over the scored forms that print a score."""
    totals: list[FormTotals] = []
    rows: dict[str, list[Decimal]] = {}
    printed_on: Counter[str] = Counter()
    for result in scored:
        form = result.form
        if form is None or form.printed_total is None or form.rule_total is None:
            continue
        totals.append(FormTotals(result.key, form.name, form.printed_total, form.rule_total))
        for row in form.rows:
            if row.printed is None:
                continue
            printed_on[row.path] += 1
            if row.deviation is not None and row.score is not None and \
                    _round(row.printed) != _round(row.score):
                rows.setdefault(row.path, []).append(row.deviation)
    if not totals:
        return None
    order = {path: i for i, path in enumerate(printed_on)}
    ranked = sorted((DeviatingRow(path, len(d), printed_on[path], _round(sum(d, Decimal(0))))
                     for path, d in rows.items()),
                    key=lambda r: (-r.forms, -abs(r.difference), order[r.path]))
    return PrintedReview(
        tuple(totals), above=sum(1 for t in totals if _round(t.difference) > 0),
        below=sum(1 for t in totals if _round(t.difference) < 0),
        difference=_round(sum((t.difference for t in totals), Decimal(0))), rows=tuple(ranked))


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _mean(totals: list[Decimal]) -> Decimal | None:
    return _round(sum(totals, Decimal(0)) / len(totals)) if totals else None


def _median(totals: list[Decimal]) -> Decimal | None:
    if not totals:
        return None
    middle = len(totals) // 2
    if len(totals) % 2:
        return _round(totals[middle])
    return _round((totals[middle - 1] + totals[middle]) / 2)


def _stdev(totals: list[Decimal]) -> Decimal | None:
    if not totals:
        return None
    mean = sum(totals, Decimal(0)) / len(totals)
    variance = sum(((t - mean) ** 2 for t in totals), Decimal(0)) / len(totals)
    return _round(variance.sqrt())


def _losses(scored: list[BatchResult], rubric: Rubric) -> tuple[IndicatorLoss, ...]:
    out = []
    order = {}
    for position, leaf in enumerate(rubric.leaves()):
        order[leaf.path] = position
        lost, units, seen = Decimal(0), 0, 0
        for result in scored:
            score = result.scores.get(leaf.path)
            if score is None:
                continue
            seen += 1
            if score < leaf.points:
                lost += leaf.points - score
                units += 1
        if units:
            out.append(IndicatorLoss(leaf.path, leaf.points, lost, units, seen,
                                     _round(lost / seen)))
    out.sort(key=lambda x: (-x.lost, -x.units, order[x.path]))
    return tuple(out)
