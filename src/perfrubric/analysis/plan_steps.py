"""The steps of a next-grade plan: :class:`DataChange`, :class:`PlanStep`, and applying changes.

A :class:`~perfrubric.analysis.Plan` is a sequence of :class:`PlanStep`; each
step holds the :class:`DataChange` that fixes it.  ``_apply`` makes a list
of changes on a :class:`~perfrubric.model.Department`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..data.model import Department
from ..indicators.inverse import Choices, ItemSets, ValueRange
from ._datanames import ASSESSMENT, set_assessment, set_value

__all__ = ["DataChange", "Effect", "PlanStep"]

_ONE = Decimal(1)


@attrs.frozen
class DataChange:
    """One change of the data: *name* from *before* to *after*.

    *name* is a data name (``staffing.on_post``, ``budget.final``,
    ``facts.x``, ``targets.<id>.actual``) or ``assessment:<indicator path>``
    for an evaluator's assessment (its level or value).  Numbers are
    Decimals (money as an amount in *unit*).
    """

    name: str
    before: Any
    after: Any
    unit: str | None = None

    @property
    def relative(self) -> Decimal:
        """``|after − before| / |before|`` for numbers (absolute when before is 0); else 1."""
        if isinstance(self.before, Decimal) and isinstance(self.after, Decimal):
            diff = abs(self.after - self.before)
            return diff / abs(self.before) if self.before else diff
        return _ONE


@attrs.frozen
class Effect:
    """One indicator whose score a step changes: its own, or another's (a side effect).

    ``indicator`` is the path; ``score_before``/``score_after`` its scores
    before and after the step; ``measured_before``/``measured_after`` its
    measured values then.
    """

    indicator: str
    score_before: Decimal
    score_after: Decimal
    measured_before: Any = None
    measured_after: Any = None

    @property
    def points(self) -> Decimal:
        """``score_after − score_before`` (negative: the step costs this indicator points)."""
        return self.score_after - self.score_before


@attrs.frozen
class PlanStep:
    """One thing to fix: an indicator (or a veto) and the change that fixes it.

    ``indicator`` is the indicator's path (``None`` for a veto step, which
    names the ``veto``).  ``score_before``/``score_after`` are the
    indicator's scores; ``goal`` the measured values that earn
    ``score_after`` (from the inverse rule), ``measured_before`` and
    ``measured_after`` the measured values (``measured_after`` is ``None``
    for a change on the measure only).  ``changes`` are the data changes;
    empty when the change can be stated on the measure only.
    ``total_after`` and ``grade_after`` are the evaluation's total and
    grade once this step and those before it are made, ``total_before``
    the total before it: the steps' ``total_after − total_before`` add up
    to the plan's.  ``measured_after`` is the indicator's measured value in
    the data once **every** step is made (what the final data give).
    ``effects`` lists every indicator whose score the step changes, its
    own and the others, in table order: a change of the data that
    another indicator reads (lowering the adjusted budget also moves
    结转结余率) is listed with its points, so that a step's
    :attr:`points_total` is what it moves the raw total by.
    """

    indicator: str | None
    score_before: Decimal
    score_after: Decimal
    goal: ValueRange | Choices | ItemSets | None
    changes: tuple[DataChange, ...]
    measured_before: Any
    measured_after: Any
    cost: Decimal
    total_after: Decimal
    grade_after: str | None
    veto: str | None = None
    effects: tuple[Effect, ...] = ()
    total_before: Decimal | None = None

    @property
    def side_effects(self) -> tuple[Effect, ...]:
        """The effects on other indicators than the step's own."""
        return tuple(e for e in self.effects if e.indicator != self.indicator)

    @property
    def points_total(self) -> Decimal:
        """The points of every effect: the step's own and its side effects."""
        return sum((e.points for e in self.effects), Decimal(0))

    @property
    def points_gained(self) -> Decimal:
        """``score_after − score_before``."""
        return self.score_after - self.score_before

    @property
    def on_data(self) -> bool:
        """Whether the step is a change of the data (not stated on the measure only)."""
        return bool(self.changes)


def _apply(dept: Department, changes: Sequence[DataChange]) -> Department:
    for change in changes:
        if change.name.startswith(ASSESSMENT):
            dept = set_assessment(dept, change.after)
        else:
            dept = set_value(dept, change.name, change.after)
    return dept
