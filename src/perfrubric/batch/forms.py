"""Project forms in a batch: each tier's score and each indicator row beside its printed score.

A project form's rubric (``target_rows`` tiers, e.g. ``mof-2020-project-self``)
scores rows generated from the project's targets.  A batch keeps, per form,
a :class:`FormReview`: the score of every declared tier (``None`` for a tier
left out because no row is placed in it, never a misleading 0), and one
:class:`ReviewRow` per indicator row with the rule's score, the unit's own
printed score (得分, where the form gives it) and the difference: what a
finance bureau's review (复核) lists.

The review is read from the leaf scores a batch keeps anyway (the compiled
path's or the engine's), so it costs no second evaluation.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from ..data.model import Department
from ..data.printed import Printed
from ..engine.target_rows import _segment
from ..rubrics.model import Rubric, TargetRows

__all__ = ["FormReview", "ReviewRow", "form_review", "form_tiers", "review_rows"]

_ZERO = Decimal(0)


@attrs.frozen
class ReviewRow:
    """One indicator row of a scored project form.

    ``index`` is the row's position among the data's targets (``target[3]``),
    ``path`` the generated indicator's path (``产出指标/数量指标/养护农村公路里程``),
    ``score`` the rule's score, ``printed`` the score printed on the form
    (``None`` when the form gives none) and ``deviation`` their difference
    (printed − rule, ``None`` without a printed score).  ``line`` is the
    row of the spreadsheet the indicator was read from (a long table's row).
    """

    index: int
    path: str
    name: str
    points: Decimal | None
    target: str | None
    actual: str | None
    score: Decimal | None
    printed: Decimal | None = None
    line: int | None = None

    @property
    def deviation(self) -> Decimal | None:
        """Printed score minus the rule's score (``None`` when either is missing)."""
        if self.printed is None or self.score is None:
            return None
        return self.printed - self.score


@attrs.frozen
class FormReview:
    """What a batch keeps of one project form besides its total.

    ``tiers`` maps each declared tier with generated rows (``产出指标``) to
    its score, ``None`` when the tier was left out (no row placed in it:
    不适用, the total rescaled); ``rows`` are the form's indicator rows in
    the order of its data; ``printed_total`` is the sum of the printed
    scores where the form gives them (``None`` when it gives none) and
    ``deviations`` the number of rows whose printed score differs from the
    rule's.  ``name`` is the project's name (the form's 项目名称, else the
    data's ``department.name``) and ``department`` its 主管部门 where the
    data gives one.
    """

    tiers: Mapping[str, Decimal | None]
    rows: tuple[ReviewRow, ...]
    printed_total: Decimal | None
    deviations: int
    name: str | None = None
    department: str | None = None

    @property
    def rule_total(self) -> Decimal | None:
        """The rule's scores of the rows that print a score, summed (``None`` when none does).

        It compares with :attr:`printed_total` row for row: the same rows in
        both sums, so their difference is the sum of the rows' departures.
        """
        rows = [r for r in self.rows if r.printed is not None]
        if not rows:
            return None
        return sum((r.score if r.score is not None else _ZERO for r in rows), _ZERO)

    @property
    def difference(self) -> Decimal | None:
        """:attr:`printed_total` − :attr:`rule_total` (``None`` when no row prints a score)."""
        rule = self.rule_total
        if self.printed_total is None or rule is None:
            return None
        return self.printed_total - rule

    @property
    def excluded(self) -> tuple[str, ...]:
        """The tiers left out (no row placed in them), in the rubric's order."""
        return tuple(path for path, score in self.tiers.items() if score is None)

    def on_lines(self, lines: Mapping[int, int]) -> FormReview:
        """This review with each row's spreadsheet ``line`` (*lines*: target index → row)."""
        return attrs.evolve(self, rows=tuple(attrs.evolve(r, line=lines.get(r.index))
                                             for r in self.rows))


def form_tiers(rubric: Rubric) -> list[str]:
    """The paths of *rubric*'s tiers whose rows come from the data's targets."""
    return [ind.path for ind in rubric.walk() if ind.target_rows is not None]


class _ReviewedRow(Protocol):
    """What a review reads of one row: a :class:`~perfrubric.model.Target`, or a form's row."""

    @property
    def indicator(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def points(self) -> Decimal | None: ...
    @property
    def score(self) -> Decimal | None: ...
    @property
    def printed_target(self) -> Printed | None: ...
    @property
    def printed_actual(self) -> Printed | None: ...


def form_review(rubric: Rubric, dept: Department, scores: Mapping[str, Decimal]
                ) -> FormReview:
    """The :class:`FormReview` of *dept* scored against *rubric*, from its leaf *scores*.

    *scores* are the leaf scores by path (:attr:`BatchResult.scores`, generated
    rows included).  A row's path is found the way the engine names it.
    """
    # The form's header block ([form]: 项目名称, 主管部门) where the data has one.
    head = getattr(dept, "form", None)
    return review_rows(rubric, dept.targets, scores,
                       getattr(head, "project", None) or dept.name,
                       getattr(head, "department", None))


def review_rows(rubric: Rubric, targets: Sequence[_ReviewedRow],
                scores: Mapping[str, Decimal], name: str | None, department: str | None,
                lines: Sequence[int | None] | None = None,
                paths: Sequence[str | None] | None = None) -> FormReview:
    """The :class:`FormReview` of a form's *targets* (its rows, in the data's order).

    *name* is the project's name, *department* its 主管部门 and *lines* each
    target's spreadsheet row, where known; *paths* each placed row's path
    where the caller has it already (else it is found the way the engine
    names it).  :func:`form_review` reads them from a department; a long
    table's fast path gives its rows directly.
    """
    tiers, tier_of = _tiers(rubric)
    places = rubric.rounding.quantum
    rows: list[ReviewRow] = []
    placed: set[str] = set()
    for i, t in enumerate(targets):
        where = t.indicator
        if where is None:
            continue
        tier = tier_of.get(where, "")
        if tier == "":
            tier = tier_of[where] = next(
                (p for p in tiers if where == p or where.startswith(p + "/")), None)
            if len(tier_of) > 4096:
                tier_of.clear()
        if tier is None:
            continue
        placed.add(tier)
        path = (paths[i] if paths is not None else None) \
            or f"{t.indicator}/{_segment(t.name)}"
        printed_target, printed_actual = t.printed_target, t.printed_actual
        rows.append(ReviewRow(i, path, t.name, t.points,
                              printed_target.text if printed_target is not None else None,
                              printed_actual.text if printed_actual is not None else None,
                              scores.get(path), t.score,
                              lines[i] if lines is not None else None))
    tier_scores: dict[str, Decimal | None] = {}
    for path, spec in tiers.items():
        if path not in placed:
            # an empty tier: left out (rescaled) or given in full, as the rubric declares
            tier_scores[path] = None if spec.empty == "exclude" else scores.get(path)
            continue
        tier_scores[path] = sum((s for p, s in scores.items() if p.startswith(path + "/")),
                                _ZERO)
    given = [r.printed for r in rows if r.printed is not None]
    deviations = sum(1 for r in rows if r.printed is not None and r.score is not None
                     and r.printed.quantize(places) != r.score.quantize(places))
    return FormReview(tier_scores, tuple(rows), sum(given, _ZERO) if given else None,
                      deviations, name, department)


_TIERS: dict[int, tuple[Rubric, dict[str, TargetRows], dict[str, str | None]]] = {}


def _tiers(rubric: Rubric) -> tuple[dict[str, TargetRows], dict[str, str | None]]:
    """*rubric*'s tiers of generated rows by path, and the tier of each place seen so far."""
    found = _TIERS.get(id(rubric))
    if found is None or found[0] is not rubric:
        if len(_TIERS) > 64:
            _TIERS.clear()
        tiers = {ind.path: ind.target_rows for ind in rubric.walk()
                 if ind.target_rows is not None}
        found = _TIERS[id(rubric)] = (rubric, tiers, {})
    return found[1], found[2]
