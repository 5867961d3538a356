"""``levels``: named levels giving a share of the points (好/较好/一般/差)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..decimals import to_decimal
from ..errors import RuleInputError
from .base import Outcome, ParamReader, RuleKind, register_kind

_ZERO = Decimal(0)


@attrs.frozen
class Level:
    """One level: a fixed share, or a range of shares within which a score is given."""

    name: str
    low: Decimal
    high: Decimal

    @property
    def is_range(self) -> bool:
        """Whether the evaluator must give a score inside the range."""
        return self.low != self.high


@register_kind
@attrs.frozen
class Levels(RuleKind):
    """Score by level: ``{ level = "好", share = "100%" }`` or ``points = 5``.

    A range level (``{ level = "达成", from = "80%", upto = "100%" }``, the
    three-step rule for qualitative goals) needs the evaluator's score,
    given in the data as ``{ level = "达成", score = 4.5 }``, within the range.
    """

    kind: ClassVar[str] = "levels"
    points: Decimal
    levels: tuple[Level, ...]

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Levels:
        """Read the ``levels`` list."""
        r = ParamReader(params)
        readers = r.table_list("levels")
        levels: list[Level] = []
        for b in readers:
            name = b.text("level")
            if b.has("share") or b.has("points"):
                if b.has("share") and b.has("points"):
                    b.problem("points", "give either 'share' or 'points', not both")
                if b.has("points"):
                    pts = b.decimal("points", non_negative=True)
                    if pts > points:
                        b.problem("points", f"{pts} exceeds the indicator's {points} points")
                    share = pts / points if points else _ZERO
                else:
                    share = b.decimal("share", non_negative=True)
                low = high = share
            elif b.has("from") or b.has("upto"):
                low = b.decimal("from", non_negative=True)
                high = b.decimal("upto", non_negative=True)
                if low > high:
                    b.problem("upto", "the range's upper end is below its lower end")
            else:
                b.problem("share", "missing; give share = \"80%\", points = 4, or a range "
                                   "from = \"60%\", upto = \"80%\"")
                continue
            if high > 1:
                b.problem("share", "a level cannot give more than 100% of the points")
            levels.append(Level(name, low, high))
        r.adopt(readers)
        names = [lv.name for lv in levels]
        for i, n in enumerate(names):
            if n in names[:i]:
                r.problem(f"levels[{i}].level", f"duplicate level '{n}'")
        r.done()
        return cls(points, tuple(levels))

    def params(self) -> Mapping[str, Any]:
        """Return the levels as TOML tables."""
        out = []
        for lv in self.levels:
            if lv.is_range:
                out.append({"level": lv.name, "from": lv.low, "upto": lv.high})
            else:
                out.append({"level": lv.name, "share": lv.low})
        return {"levels": out}

    def score(self, value: object) -> Outcome:
        """Score a level name, or ``{"level": …, "score": …}`` for range levels."""
        given: Decimal | None = None
        if isinstance(value, Mapping):
            name = value.get("level")
            if value.get("score") is not None:
                try:
                    given = to_decimal(value["score"])
                except ValueError:
                    raise RuleInputError(f"the score {value['score']!r} is not a number") from None
        else:
            name = value
        if not isinstance(name, str):
            raise RuleInputError(f"expected a level name, got {value!r}")
        level = next((lv for lv in self.levels if lv.name == name), None)
        if level is None:
            raise RuleInputError(f"unknown level '{name}'; the levels are "
                                 f"{', '.join(lv.name for lv in self.levels)}")
        if level.is_range:
            low, high = self.points * level.low, self.points * level.high
            if given is None:
                raise RuleInputError(f"level {name} spans {level.low:%}–{level.high:%} of the "
                                     "points: give a score")
            if not low <= given <= high:
                raise RuleInputError(f"the score {given} for level {name} lies outside "
                                     f"{low}–{high}")
            score = given
        else:
            score = self.points * level.low
        return Outcome(score, deducted=self.points - score, matched=name,
                       detail={"level": name})
