"""``step_deduction``: deduct per step beyond a limit (每超过1个百分点扣0.5分，扣完为止)."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .base import (
    Direction,
    Outcome,
    OutcomeParts,
    ParamReader,
    RuleKind,
    as_number,
    label_number,
    register_kind,
    unpack_detail,
)
from .inverse import Interval, ValueRange, at_least, at_most

#: The keys of the rule's ``detail``, in order (see :data:`~.base.OutcomeParts`).
_DETAIL_KEYS = ("limit", "excess", "steps", "per_step", "floored")

__all__ = ["StepDeduction"]

_ZERO = Decimal(0)


@register_kind
@attrs.frozen
class StepDeduction(RuleKind):
    """Full points within the limit; each step beyond it deducts points.

    ``side`` (``direction`` in TOML) ``"above"`` deducts when the value
    exceeds ``limit`` (在职人员控制率≤100%计满分，每超过1个百分点扣0.5分);
    ``"below"`` when it falls short (预算完成率100%计满分，每低于5%扣2分).
    ``steps`` says how a partial step counts: ``"whole"`` (only completed
    steps), ``"started"`` (every started step) or ``"fraction"`` (in
    proportion).  The score is ``points − steps × deduct``, never below
    ``floor`` (default 0, 扣完为止).  ``percent`` says whether labels show
    percentages (see ``notation``).
    """

    kind: ClassVar[str] = "step_deduction"
    points: Decimal
    limit: Decimal
    side: str
    step: Decimal
    deduct: Decimal
    steps: str
    floor: Decimal = _ZERO
    percent: bool = False
    # (matched within the limit, matched beyond it), made once
    _matched: tuple[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        edge = label_number(self.limit, percent=self.percent)
        object.__setattr__(self, "_matched", (f"≤{edge}", f">{edge}") if self.side == "above"
                           else (f"≥{edge}", f"<{edge}"))

    @property
    def direction(self) -> Direction:
        """``"lower"`` when deducting above the limit, ``"higher"`` when below."""
        return "lower" if self.side == "above" else "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> StepDeduction:
        """Read ``limit``, ``direction``, ``step``, ``deduct``, ``steps``, ``floor``, ``notation``.

        ``step`` and ``deduct`` must be above 0; ``floor`` must lie within
        ``[0, points]``.
        """
        r = ParamReader(params)
        limit = r.decimal("limit", measured=True)
        side = r.choice("direction", ("above", "below"))
        step = r.decimal("step", positive=True, measured=True)
        deduct = r.decimal("deduct", positive=True)
        steps = r.choice("steps", ("whole", "started", "fraction"))
        floor = r.decimal("floor", _ZERO, non_negative=True)
        if floor > points:
            r.problem("floor", f"the floor {floor} is above the indicator's {points} points",
                      expected=f"a number from 0 to {points}", got=r.raw("floor"))
        percent = r.notation([r.raw("limit"), r.raw("step")])
        r.done()
        return cls(points, limit, side, step, deduct, steps, floor, percent)

    def params(self) -> Mapping[str, Any]:
        """Return the parameters as written in TOML, every default spelled out."""
        return {"limit": self.limit, "direction": self.side, "step": self.step,
                "deduct": self.deduct, "steps": self.steps, "floor": self.floor,
                "notation": "percent" if self.percent else "number"}

    def count(self, excess: Decimal) -> Decimal:
        """The steps counted for *excess* (the distance beyond the limit, ≥ 0).

        Whole and started steps are computed exactly with :func:`divmod`, so
        102.3% over 100% in steps of 1% is 2 whole or 3 started steps, and
        2.3 steps in proportion.
        """
        if self.steps == "fraction":
            return excess / self.step
        try:
            whole, rest = divmod(excess, self.step)
        except decimal.InvalidOperation:  # a quotient beyond 28 digits: far past 扣完为止
            mode = decimal.ROUND_CEILING if self.steps == "started" else decimal.ROUND_FLOOR
            return (excess / self.step).to_integral_value(rounding=mode)
        if self.steps == "started" and rest:
            whole += 1
        return whole

    def score(self, value: object) -> Outcome:
        """Deduct for the steps *value* lies beyond the limit.

        ``matched`` is the side of the limit (``"≤100%"`` within it,
        ``">100%"`` beyond).  ``detail`` holds ``limit``, ``excess`` (how far
        beyond the limit, 0 within it), ``steps`` (an int for whole and
        started steps, a Decimal in proportion), ``per_step`` and
        ``floored`` (whether 扣完为止 / the floor cut the deduction).
        """
        score, deducted, matched, packed = self._outcome_parts(value)
        return Outcome(score, deducted, matched, unpack_detail(packed))

    def _outcome_parts(self, value: object) -> OutcomeParts:
        """What :meth:`score` returns, as ``(score, deducted, matched, detail)``.

        The engine reads these without building an :class:`Outcome`.
        """
        x = value if type(value) is Decimal and value.is_finite() else as_number(value)
        excess = max(x - self.limit if self.side == "above" else self.limit - x, _ZERO)
        count = self.count(excess)
        room = self.points - self.floor
        per_step = self.deduct
        lost = count * per_step
        deducted = min(lost, room)
        steps: int | Decimal = count if self.steps == "fraction" else int(count)
        return (self.points - deducted, deducted, self._matched[1 if excess else 0],
                (_DETAIL_KEYS, self.limit, excess, steps, per_step, lost > room))

    def values_for(self, score: Decimal) -> ValueRange:
        """The values earning at least *score*: within the limit plus the steps it can afford.

        With ``n`` = the steps affordable (``(points − score) / deduct``,
        whole for ``whole``/``started``), the excess allowed is ``< (n+1) ×
        step`` for whole steps, ``≤ n × step`` for started steps and ``≤
        (points − score) / deduct × step`` in proportion.  At or below the
        floor every value earns the score.
        """
        if score <= self.floor:
            return ValueRange.everything()
        if score > self.points:
            return ValueRange.nothing()
        afford = (self.points - score) / self.deduct
        if self.steps == "fraction":
            reach, inclusive = afford * self.step, True
        else:
            steps = afford.to_integral_value(rounding=decimal.ROUND_FLOOR)
            if self.steps == "whole":
                reach, inclusive = (steps + 1) * self.step, False
            else:
                reach, inclusive = steps * self.step, True

        def earns(x: Decimal) -> bool:
            return self.score(x).score >= score

        if self.side == "above":
            edge = self.limit + reach
            if inclusive:
                edge = at_most(edge, earns)
            return ValueRange((Interval(None, False, edge, inclusive),))
        edge = self.limit - reach
        if inclusive:
            edge = at_least(edge, earns)
        return ValueRange((Interval(edge, inclusive, None, False),))
