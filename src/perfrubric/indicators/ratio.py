"""``ratio``: ratio to target, capped (按完成比例计算得分，满分为止)."""

from __future__ import annotations

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
from .inverse import Interval, ValueRange, at_least

#: The keys of the rule's ``detail``, in order (see :data:`~.base.OutcomeParts`).
_DETAIL_KEYS = ("ratio", "full_at", "share")

__all__ = ["Ratio"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


@register_kind
@attrs.frozen
class Ratio(RuleKind):
    """Score ``points × min(value / full_at, 1)``, never below 0.

    The measured value is a completion ratio (actual / target, 实际完成数 /
    计划数); ``full_at`` (default 100%) is the ratio that earns full points.
    Labels show percentages, since the value is a ratio.

    >>> Ratio(Decimal(10), Decimal(1)).score(Decimal("0.9433")).score
    Decimal('9.4330')
    """

    kind: ClassVar[str] = "ratio"
    points: Decimal
    full_at: Decimal = _ONE
    # (matched at or above full_at, matched below it), made once
    _matched: tuple[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        edge = label_number(self.full_at, percent=True)
        object.__setattr__(self, "_matched", (f"≥{edge}", f"<{edge}"))

    @property
    def direction(self) -> Direction:
        """A higher ratio never scores less."""
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Ratio:
        """Read ``full_at`` (a number or percent, > 0; default "100%")."""
        r = ParamReader(params)
        full_at = r.decimal("full_at", _ONE, positive=True, measured=True)
        r.done()
        return cls(points, full_at)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"full_at": …}``."""
        return {"full_at": self.full_at}

    def score(self, value: object) -> Outcome:
        """Score the completion ratio *value*.

        ``matched`` is ``"≥100%"`` at or above ``full_at``, else ``"<100%"``;
        ``detail`` holds ``ratio``, ``full_at`` and ``share`` (of the points).
        """
        score, deducted, matched, packed = self._outcome_parts(value)
        return Outcome(score, deducted, matched, unpack_detail(packed))

    def _outcome_parts(self, value: object) -> OutcomeParts:
        """What :meth:`score` returns, as ``(score, deducted, matched, detail)``.

        The engine reads these without building an :class:`Outcome`.
        """
        x = value if type(value) is Decimal and value.is_finite() else as_number(value)
        share = min(max(x / self.full_at, _ZERO), _ONE)
        score = self.points * share
        full_at = self.full_at
        return (score, self.points - score, self._matched[0 if x >= full_at else 1],
                (_DETAIL_KEYS, x, full_at, share))

    def values_for(self, score: Decimal) -> ValueRange:
        """The ratios earning at least *score*: ``[full_at × score / points, +∞)``."""
        if score <= 0:
            return ValueRange.everything()
        if score > self.points:
            return ValueRange.nothing()
        low = at_least(self.full_at * score / self.points,
                       lambda x: self.score(x).score >= score)
        return ValueRange((Interval(low, True, None, False),))
