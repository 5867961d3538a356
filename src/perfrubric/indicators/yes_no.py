"""``yes_no``: full points for yes, none (or ``no_points``) for no (按时公开计满分，否则不得分)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .base import Direction, Outcome, ParamReader, RuleKind, as_bool, register_kind
from .inverse import Choices

__all__ = ["YesNo"]


@register_kind
@attrs.frozen
class YesNo(RuleKind):
    """Yes earns the points, no earns ``no_points`` (default 0, at most the points).

    For ordering, false < true (as in Python), and yes never scores less
    than no, so ``direction`` is ``"higher"``.
    """

    kind: ClassVar[str] = "yes_no"
    points: Decimal
    no_points: Decimal = Decimal(0)

    @property
    def direction(self) -> Direction:
        """A higher value never scores less."""
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> YesNo:
        """Read the optional ``no_points``."""
        r = ParamReader(params)
        no_points = r.decimal("no_points", Decimal(0), non_negative=True)
        if no_points > points:
            r.problem("no_points", f"{no_points} exceeds the indicator's {points} points")
        r.done()
        return cls(points, no_points)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"no_points": …}``."""
        return {"no_points": self.no_points}

    def score(self, value: object) -> Outcome:
        """Score a yes/no value (true/false, 1/0, 是/否, 有/无, yes/no).

        ``matched`` is ``"yes"`` or ``"no"``; ``detail`` holds ``yes``.
        """
        yes = as_bool(value)
        score = self.points if yes else self.no_points
        return Outcome(score, deducted=self.points - score, matched="yes" if yes else "no",
                       detail={"yes": yes})

    def values_for(self, score: Decimal) -> Choices:
        """``(True, False)`` when no earns *score*, ``(True,)`` when only yes does, else ``()``."""
        if score <= self.no_points:
            return Choices((True, False))
        if score <= self.points:
            return Choices((True,))
        return Choices(())
