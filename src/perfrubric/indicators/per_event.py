"""``per_event``: deduct per event (每发现一起违规扣1分，扣完为止)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError
from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind
from .inverse import Interval, ValueRange

__all__ = ["PerEvent"]


@register_kind
@attrs.frozen
class PerEvent(RuleKind):
    """Each event (a whole count) deducts ``deduct`` points, never below 0 (扣完为止).

    ``direction`` is ``"lower"``: more events never score more.  ``event``
    and ``event_en`` optionally name what is counted, for the sentences
    only (``event = "违规"``: 资金使用合规性：发现违规1起，扣1分; ``event_en =
    "violations"``: Compliant use of funds: violations found: 1; 1 point
    deducted); they never change a score.
    """

    kind: ClassVar[str] = "per_event"
    points: Decimal
    deduct: Decimal
    event: str | None = None
    event_en: str | None = None

    @property
    def direction(self) -> Direction:
        """A lower value never scores less."""
        return "lower"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> PerEvent:
        """Read ``deduct`` (> 0) and the optional ``event`` / ``event_en`` nouns."""
        r = ParamReader(params)
        deduct = r.decimal("deduct", positive=True)
        event = r.text("event") if r.has("event") else None
        event_en = r.text("event_en") if r.has("event_en") else None
        r.done()
        return cls(points, deduct, event, event_en)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"deduct": …}``, with ``event`` / ``event_en`` when given."""
        out: dict[str, Any] = {"deduct": self.deduct}
        if self.event is not None:
            out["event"] = self.event
        if self.event_en is not None:
            out["event_en"] = self.event_en
        return out

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

    def values_for(self, score: Decimal) -> ValueRange:
        """The event counts earning at least *score*: ``0 … ⌊(points − score) / deduct⌋``."""
        if score <= 0:
            return ValueRange.everything(whole=True)
        if score > self.points:
            return ValueRange.nothing()
        most = ((self.points - score) / self.deduct).to_integral_value(rounding=ROUND_FLOOR)
        while most >= 0 and self.points - most * self.deduct < score:
            most -= 1  # a quotient rounded up in its last digit
        return ValueRange((Interval(Decimal(0), True, most, True),), whole=True)

    def max_events(self, score: Decimal) -> int | None:
        """The most events that still earn *score* (``None``: any number; ``-1``: none)."""
        found = self.values_for(score)
        if not found.intervals:
            return -1
        high = found.intervals[0].high
        return None if high is None else int(high)
