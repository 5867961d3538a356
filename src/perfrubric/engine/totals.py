"""The total and the grade from the top tier's scores (shared by the engine and the form).

The engine sums the top tier; a printed form that leaves its budget row
out of the 总分 (``[form] total = "indicators"``) sums fewer rows.  Both
rescale, round, cap and grade the same way, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..rubrics.model import Rubric
from .results import _ZERO, VetoResult

__all__ = ["total_and_grade"]


def total_and_grade(rubric: Rubric, raw: Decimal, counted: Decimal,
                    vetoes: Sequence[VetoResult], cannot_rate: list[str]
                    ) -> tuple[Decimal, str | None]:
    """The total of *raw* points earned out of *counted*, and its grade.

    The total is rescaled to the rubric's full marks when *counted* differs
    from them, rounded as the rubric declares and capped by the vetoes.
    When nothing was counted, a reason is appended to *cannot_rate*; the
    grade is ``None`` whenever *cannot_rate* holds a reason.
    """
    if counted == 0:
        total = _ZERO
        cannot_rate.append("no indicator could be scored")
    elif counted != rubric.full_marks:
        total = raw * rubric.full_marks / counted
    else:
        total = raw
    total = rubric.total_rounding.apply(total)
    for veto in vetoes:
        if veto.total_at_most is not None and total > veto.total_at_most:
            total = veto.total_at_most
    if cannot_rate:
        return total, None
    scale = rubric.grades
    rank = scale.rank(scale.grade_for(total).name)
    for veto in vetoes:
        if veto.grade_at_most is not None:
            rank = max(rank, scale.rank(veto.grade_at_most))
    return total, scale.grades[rank].name
