"""``per_event``: deduct per event (每发现一起违规扣1分，扣完为止)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError
from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind

__all__ = ["PerEvent"]


@register_kind
@attrs.frozen
class PerEvent(RuleKind):
    """Each event (a whole count) deducts ``deduct`` points, never below 0 (扣完为止).

    ``direction`` is ``"lower"``: more events never score more.
    """

    kind: ClassVar[str] = "per_event"
    points: Decimal
    deduct: Decimal

    @property
    def direction(self) -> Direction:
        """A lower value never scores less."""
        return "lower"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> PerEvent:
        """Read ``deduct`` (> 0)."""
        r = ParamReader(params)
        deduct = r.decimal("deduct", positive=True)
        r.done()
        return cls(points, deduct)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"deduct": …}``."""
        return {"deduct": self.deduct}

    def score(self, value: object) -> Outcome:
        """Score a count of events (a whole number, 0 or more).

        ``matched`` is ``"2 × 1"`` (events × points each); ``detail`` holds
        ``events`` (an int) and ``floored`` (whether 扣完为止 cut the
        deduction).  A negative or fractional count is a
        :class:`RuleInputError`.
        """
        n = as_number(value)
        if n < 0 or n != n.to_integral_value():
            raise RuleInputError(f"expected a whole number of events (0, 1, 2, …), got {n}")
        events = int(n)
        deducted = min(events * self.deduct, self.points)
        return Outcome(self.points - deducted, deducted=deducted,
                       matched=f"{events} × {self.deduct}",
                       detail={"events": events, "floored": events * self.deduct > self.points})
