"""``threshold``: full at a threshold, proportional otherwise (小于或等于1计5分，否则按比例计分)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind

_ZERO = Decimal(0)


@register_kind
@attrs.frozen
class Threshold(RuleKind):
    """Full points when the value meets the threshold, proportional otherwise.

    ``full_when = "at_least"``: full when value ≥ threshold, else
    ``points × value / threshold``.  ``full_when = "at_most"``: full when
    value ≤ threshold, else ``points × threshold / value``.
    """

    kind: ClassVar[str] = "threshold"
    points: Decimal
    threshold: Decimal
    full_when: str

    @property
    def direction(self) -> Direction:
        """``higher`` for at_least, ``lower`` for at_most."""
        return "higher" if self.full_when == "at_least" else "lower"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Threshold:
        """Read ``threshold`` (> 0) and ``full_when`` ("at_least" | "at_most")."""
        r = ParamReader(params)
        threshold = r.decimal("threshold", positive=True)
        full_when = r.choice("full_when", ("at_least", "at_most"))
        r.done()
        return cls(points, threshold, full_when)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"threshold": …, "full_when": …}``."""
        return {"threshold": self.threshold, "full_when": self.full_when}

    def score(self, value: object) -> Outcome:
        """Score *value* against the threshold."""
        x = as_number(value)
        if self.full_when == "at_least":
            met = x >= self.threshold
            share = Decimal(1) if met else max(x, _ZERO) / self.threshold
        else:
            met = x <= self.threshold
            share = Decimal(1) if met else self.threshold / x
        score = self.points * share
        return Outcome(score, deducted=self.points - score,
                       matched="met" if met else "proportional",
                       detail={"threshold": self.threshold, "met": met, "share": share})
