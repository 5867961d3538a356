"""``step_deduction``: deduct per step beyond a limit (每超过1个百分点扣0.5分，扣完为止)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, ClassVar

import attrs

from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind

_ZERO = Decimal(0)


@register_kind
@attrs.frozen
class StepDeduction(RuleKind):
    """Full points within the limit; each step beyond it deducts points.

    ``direction = "above"`` deducts when the value exceeds ``limit``
    (在职人员控制率≤100%计满分，每超过1个百分点扣0.5分); ``"below"`` when it
    falls short (预算完成率100%计满分，每低于5%扣2分).  ``steps`` says how a
    partial step counts: ``"whole"`` (only completed steps), ``"started"``
    (every started step) or ``"fraction"`` (in proportion).  The score never
    falls below ``floor`` (default 0, 扣完为止).
    """

    kind: ClassVar[str] = "step_deduction"
    points: Decimal
    limit: Decimal
    over: str
    step: Decimal
    deduct: Decimal
    steps: str
    floor: Decimal = _ZERO

    @property
    def direction(self) -> Direction:
        """A lower value is better when deducting above the limit, and vice versa."""
        return "lower" if self.over == "above" else "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> StepDeduction:
        """Read ``limit``, ``direction``, ``step`` (> 0), ``deduct`` (> 0), ``steps``, ``floor``."""
        r = ParamReader(params)
        limit = r.decimal("limit")
        over = r.choice("direction", ("above", "below"))
        step = r.decimal("step", positive=True)
        deduct = r.decimal("deduct", positive=True)
        steps = r.choice("steps", ("whole", "started", "fraction"))
        floor = r.decimal("floor", _ZERO, non_negative=True)
        if floor > points:
            r.problem("floor", f"the floor {floor} is above the indicator's {points} points")
        r.done()
        return cls(points, limit, over, step, deduct, steps, floor)

    def params(self) -> Mapping[str, Any]:
        """Return the parameters as written in TOML."""
        return {"limit": self.limit, "direction": self.over, "step": self.step,
                "deduct": self.deduct, "steps": self.steps, "floor": self.floor}

    def score(self, value: object) -> Outcome:
        """Deduct for the steps *value* lies beyond the limit."""
        x = as_number(value)
        excess = x - self.limit if self.over == "above" else self.limit - x
        excess = max(excess, _ZERO)
        raw = excess / self.step
        if self.steps == "whole":
            count = raw.to_integral_value(rounding=ROUND_FLOOR)
        elif self.steps == "started":
            count = raw.to_integral_value(rounding=ROUND_CEILING)
        else:
            count = raw
        deducted = min(count * self.deduct, self.points - self.floor)
        return Outcome(self.points - deducted, deducted=deducted,
                       matched=None if count == 0 else f"{count} steps",
                       detail={"excess": excess, "steps": count, "limit": self.limit})
