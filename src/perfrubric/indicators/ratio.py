"""``ratio``: ratio to target, capped (按完成比例计算得分，满分为止)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind

_ZERO = Decimal(0)


@register_kind
@attrs.frozen
class Ratio(RuleKind):
    """Score ``points × min(value / full_at, 1)``, never below 0.

    The measured value is a completion ratio (actual / target); ``full_at``
    (default 100%) is the ratio that earns full points.

    >>> Ratio(Decimal(10), Decimal(1)).score(Decimal("0.9433")).score
    Decimal('9.433')
    """

    kind: ClassVar[str] = "ratio"
    points: Decimal
    full_at: Decimal

    @property
    def direction(self) -> Direction:
        """A higher value never scores less."""
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Ratio:
        """Read ``full_at`` (a number or percent, > 0; default "100%")."""
        r = ParamReader(params)
        full_at = r.decimal("full_at", Decimal(1), positive=True)
        r.done()
        return cls(points, full_at)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"full_at": …}``."""
        return {"full_at": self.full_at}

    def score(self, value: object) -> Outcome:
        """Score the completion ratio *value*."""
        x = as_number(value)
        share = min(max(x / self.full_at, _ZERO), Decimal(1))
        score = self.points * share
        return Outcome(score, deducted=self.points - score,
                       matched="full" if share == 1 else "proportional",
                       detail={"ratio": x, "share": share, "full_at": self.full_at})
