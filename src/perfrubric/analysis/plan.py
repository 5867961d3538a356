"""The result of a next-grade search: :class:`Plan` and :class:`PlanError`.

:func:`~perfrubric.analysis.next_grade` (in :mod:`perfrubric.analysis.planning`)
returns a :class:`Plan`; its words and JSON come from the private ``_text``
module.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs

from ..data.model import Department
from ..engine.evaluation import Rescaled
from ..errors import PerfrubricError
from ..rubrics.model import Rubric
from .plan_steps import DataChange, PlanStep, _apply

__all__ = ["Plan", "PlanError"]


class PlanError(PerfrubricError):
    """No plan can be made: the evaluation has no grade, the grade is unknown, or out of reach."""


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
    of the planned data gives them.  ``complete`` is false when the search
    stopped at its time limit: the plan reaches the grade (it is checked)
    but a cheaper one may exist; ``checked`` counts the candidate plans
    scored again.  ``keep`` and ``prefer`` are the data names kept fixed
    and the indicators preferred, as the search used them.  See
    :mod:`perfrubric.analysis.planning` for what "cheapest" means.
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
    complete: bool = True
    checked: int = 0
    keep: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()

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
