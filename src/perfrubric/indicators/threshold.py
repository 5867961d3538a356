"""``threshold``: full at a threshold, proportional otherwise (小于或等于1计5分，否则按比例计分)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .base import Direction, Outcome, ParamReader, RuleKind, as_number, label_number, register_kind
from .inverse import Interval, ValueRange, at_least, at_most

__all__ = ["Threshold"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


@register_kind
@attrs.frozen
class Threshold(RuleKind):
    """Full points when the value meets the threshold, proportional otherwise.

    ``full_when = "at_least"``: full when value ≥ threshold, else
    ``points × value / threshold`` (0 for a negative value).
    ``full_when = "at_most"``: full when value ≤ threshold, else
    ``points × threshold / value``.  The threshold must be above 0.
    ``percent`` says whether labels show percentages (see ``notation``).
    """

    kind: ClassVar[str] = "threshold"
    points: Decimal
    threshold: Decimal
    full_when: str
    percent: bool = False

    @property
    def direction(self) -> Direction:
        """``"higher"`` for ``at_least``, ``"lower"`` for ``at_most``."""
        return "higher" if self.full_when == "at_least" else "lower"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Threshold:
        """Read ``threshold`` (> 0), ``full_when`` ("at_least" | "at_most"), ``notation``."""
        r = ParamReader(params)
        threshold = r.decimal("threshold", positive=True, measured=True)
        full_when = r.choice("full_when", ("at_least", "at_most"))
        percent = r.notation([r.raw("threshold")])
        r.done()
        return cls(points, threshold, full_when, percent)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"threshold": …, "full_when": …, "notation": …}``."""
        return {"threshold": self.threshold, "full_when": self.full_when,
                "notation": "percent" if self.percent else "number"}

    def score(self, value: object) -> Outcome:
        """Score *value* against the threshold.

        ``matched`` is the side of the threshold (``"≤1"`` or ``">1"``);
        ``detail`` holds ``threshold``, ``met`` and ``share`` (of the points).
        """
        x = as_number(value)
        edge = label_number(self.threshold, percent=self.percent)
        if self.full_when == "at_least":
            met = x >= self.threshold
            share = _ONE if met else max(x, _ZERO) / self.threshold
            matched = f"≥{edge}" if met else f"<{edge}"
        else:
            met = x <= self.threshold
            # x > threshold > 0 here, so the division is safe and the share below 1.
            share = _ONE if met else self.threshold / x
            matched = f"≤{edge}" if met else f">{edge}"
        score = self.points * share
        return Outcome(score, deducted=self.points - score, matched=matched,
                       detail={"threshold": self.threshold, "met": met, "share": share})

    def values_for(self, score: Decimal) -> ValueRange:
        """The values earning at least *score*.

        ``at_least``: ``[threshold × score / points, +∞)``; ``at_most``:
        ``(-∞, threshold × points / score]``.
        """
        if score <= 0:
            return ValueRange.everything()
        if score > self.points:
            return ValueRange.nothing()

        def earns(x: Decimal) -> bool:
            return self.score(x).score >= score

        if self.full_when == "at_least":
            edge = self.threshold if score == self.points else self.threshold * score / self.points
            return ValueRange((Interval(at_least(edge, earns), True, None, False),))
        edge = self.threshold if score == self.points else self.threshold * self.points / score
        return ValueRange((Interval(None, False, at_most(edge, earns), True),))
