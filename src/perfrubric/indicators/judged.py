"""``judged``: the evaluator's score, with no formula (专家评分)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError
from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind

__all__ = ["Judged"]


@register_kind
@attrs.frozen
class Judged(RuleKind):
    """The measured value is the score itself, which must lie in ``[0, points]``.

    For indicators scored by an evaluator's judgement with no formula
    (专家评分); takes no parameters.  ``direction`` is ``"higher"``.
    """

    kind: ClassVar[str] = "judged"
    points: Decimal

    @property
    def direction(self) -> Direction:
        """A higher value never scores less."""
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Judged:
        """Takes no parameters."""
        ParamReader(params).done()
        return cls(points)

    def params(self) -> Mapping[str, Any]:
        """Return ``{}``."""
        return {}

    def score(self, value: object) -> Outcome:
        """Take *value* as the score; outside ``[0, points]`` it is a :class:`RuleInputError`."""
        x = as_number(value)
        if not Decimal(0) <= x <= self.points:
            raise RuleInputError(f"the score {x} lies outside 0–{self.points} points")
        return Outcome(x, deducted=self.points - x)
