"""``levels``: named levels giving a share of the points (好/较好/一般/差; 达成/部分达成/未达成)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..decimals import to_decimal
from ..errors import RuleInputError, did_you_mean
from .base import Outcome, ParamReader, RuleKind, label_number, register_kind
from .inverse import Choices

__all__ = ["LEVEL_NAMES_EN", "Level", "Levels"]

_ZERO = Decimal(0)

#: English names of the level names of the national tables, used by English
#: narrative when a level gives no ``labels = { en = … }`` of its own.
LEVEL_NAMES_EN: Mapping[str, str] = {
    "达成": "Achieved", "部分达成": "Partly achieved", "未达成": "Not achieved",
    "好": "Good", "较好": "Fairly good", "一般": "Average", "差": "Poor",
}


@attrs.frozen
class Level:
    """One level: a fixed share of the points, or a range of shares.

    ``low`` and ``high`` are shares of the indicator's points (``0.8`` =
    80%); they are equal for a fixed level.  ``points`` is set when the
    rubric gave the level in points rather than as a share, and is then the
    exact score (a share such as 1/3 has no exact decimal).  ``labels`` are
    the level's names in other locales (``(("en", "Good"),)``), from
    ``labels = { en = "Good" }`` in the rubric.
    """

    name: str
    low: Decimal
    high: Decimal
    points: Decimal | None = None
    labels: tuple[tuple[str, str], ...] = ()

    def label(self, locale: str) -> str:
        """The level's name in *locale*.

        Its own ``labels`` first (``en_US`` falls back to ``en``), then for
        English the built-in names of :data:`LEVEL_NAMES_EN`, else the name.
        """
        own = dict(self.labels)
        language = locale.replace("-", "_").split("_")[0]
        for key in (locale, language):
            if key in own:
                return own[key]
        if language == "en" and self.name in LEVEL_NAMES_EN:
            return LEVEL_NAMES_EN[self.name]
        return self.name

    @property
    def is_range(self) -> bool:
        """Whether the evaluator must give a score inside the range."""
        return self.low != self.high

    def params(self) -> dict[str, Any]:
        """The level as a TOML table."""
        table: dict[str, Any]
        if self.points is not None:
            table = {"level": self.name, "points": self.points}
        elif self.is_range:
            table = {"level": self.name, "from": self.low, "upto": self.high}
        else:
            table = {"level": self.name, "share": self.low}
        if self.labels:
            table["labels"] = dict(self.labels)
        return table


@register_kind
@attrs.frozen
class Levels(RuleKind):
    """Score by level: ``{ level = "好", share = "100%" }`` or ``{ level = "好", points = 5 }``.

    A range level (``{ level = "达成", from = "80%", upto = "100%" }``, the
    three-step rule for qualitative goals) needs the evaluator's score,
    given with the level as ``{"level": "达成", "score": 4.5}`` and lying
    within the range (both ends included).  Levels have no order
    (``direction`` is ``None``).
    """

    kind: ClassVar[str] = "levels"
    points: Decimal
    levels: tuple[Level, ...]

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Levels:
        """Read the ``levels`` list; duplicate names and shares outside 0–100% are errors."""
        r = ParamReader(params)
        readers = r.table_list("levels")
        levels: list[Level] = []
        for b in readers:
            level = _read_level(b, points)
            if level is not None:
                levels.append(level)
        r.adopt(readers)
        seen: set[str] = set()
        for i, b in enumerate(readers):
            name = b.raw("level")
            if isinstance(name, str) and name:
                if name in seen:
                    r.problem(f"levels[{i}].level", f"duplicate level '{name}'")
                seen.add(name)
        r.done()
        return cls(points, tuple(levels))

    def params(self) -> Mapping[str, Any]:
        """Return ``{"levels": [...]}`` as TOML tables."""
        return {"levels": [lv.params() for lv in self.levels]}

    def names(self) -> tuple[str, ...]:
        """The level names, in the rubric's order."""
        return tuple(lv.name for lv in self.levels)

    def label(self, name: str, locale: str) -> str:
        """The display name of the level *name* in *locale* (see :meth:`Level.label`)."""
        level = next((lv for lv in self.levels if lv.name == name), None)
        return name if level is None else level.label(locale)

    def score(self, value: object) -> Outcome:
        """Score a level name, or ``{"level": …, "score": …}`` for a range level.

        ``matched`` is the level's name; ``detail`` holds ``level`` and, for
        a range level, ``low`` and ``high`` (its range in points).  Raises
        :class:`RuleInputError` for an unknown level, a range level without
        a score, or a score outside the level's range.
        """
        given: Decimal | None = None
        if isinstance(value, Mapping):
            extra = sorted(str(k) for k in value if k not in ("level", "score"))
            if extra:
                raise RuleInputError(f"expected {{ level, score }}, got the keys "
                                     f"{', '.join(extra)}")
            name = value.get("level")
            if value.get("score") is not None:
                try:
                    given = to_decimal(value["score"])
                except ValueError:
                    raise RuleInputError(f"the score {value['score']!r} is not a number") from None
        else:
            name = value
        if not isinstance(name, str):
            raise RuleInputError(f"expected a level name ({self._known()}), got {value!r}")
        level = next((lv for lv in self.levels if lv.name == name), None)
        if level is None:
            hint = did_you_mean(name, [lv.name for lv in self.levels])
            raise RuleInputError(f"unknown level '{name}'{hint}; the levels are {self._known()}")
        if not level.is_range:
            score = level.points if level.points is not None else self.points * level.low
            if given is not None and given != score:
                raise RuleInputError(f"level {name} is worth {score} points, but the score "
                                     f"{given} was given; a score goes with a range level only")
            return Outcome(score, deducted=self.points - score, matched=name,
                           detail={"level": name})
        low, high = self.points * level.low, self.points * level.high
        span = (f"{label_number(level.low, percent=True)}–"
                f"{label_number(level.high, percent=True)}")
        if given is None:
            raise RuleInputError(f"level {name} spans {span} of the points: give a score")
        if not low <= given <= high:
            raise RuleInputError(f"the score {given} for level {name} lies outside "
                                 f"{label_number(low)}–{label_number(high)} points ({span})")
        return Outcome(given, deducted=self.points - given, matched=name,
                       detail={"level": name, "low": low, "high": high})

    def _known(self) -> str:
        return ", ".join(f"'{n}'" for n in self.names())

    def values_for(self, score: Decimal) -> Choices:
        """The level names that can earn *score*, in the rubric's order.

        A range level is listed when its top reaches *score*; the
        evaluator's score given with it must then be at least *score*.
        """
        return Choices(tuple(lv.name for lv in self.levels if self._top(lv) >= score))

    def _top(self, level: Level) -> Decimal:
        if level.points is not None:
            return level.points
        return self.points * level.high


def _read_level(b: ParamReader, points: Decimal) -> Level | None:
    """Read one level table; ``None`` when it has problems."""
    before = len(b.problems)
    name = b.text("level")
    labels = _labels(b)
    fixed_points: Decimal | None = None
    if b.has("share") or b.has("points"):
        for key in ("from", "upto"):
            if b.has(key):
                b.problem(key, "a level gives 'share', 'points', or a range 'from'…'upto', "
                               "not both")
        if b.has("share") and b.has("points"):
            b.problem("points", "give either 'share' or 'points', not both")
        if b.has("points"):
            fixed_points = b.decimal("points", non_negative=True)
            if fixed_points > points:
                b.problem("points", f"{fixed_points} exceeds the indicator's {points} points",
                          expected=f"a number from 0 to {points}", got=b.raw("points"))
            low = high = fixed_points / points if points else _ZERO
        else:
            low = high = _share(b, "share")
    elif b.has("from") or b.has("upto"):
        low, high = _share(b, "from"), _share(b, "upto")
        if low > high:
            b.problem("upto", f"the range ends ({label_number(high, percent=True)}) below where "
                              f"it starts ({label_number(low, percent=True)})")
    else:
        b.problem("share", "missing; give share = \"80%\", points = 4, or a range "
                           "from = \"60%\", upto = \"80%\"", expected="share, points or from/upto")
        return None
    if len(b.problems) != before:
        return None
    return Level(name, low, high, fixed_points, labels)


def _labels(b: ParamReader) -> tuple[tuple[str, str], ...]:
    """Read ``labels = { en = "Good" }``: the level's name per locale."""
    if not b.has("labels"):
        return ()
    raw = b.raw("labels")
    if not isinstance(raw, Mapping) or not raw or not all(
            isinstance(v, str) and v.strip() for v in raw.values()):
        b.problem("labels", "expected a table of locale = name, e.g. labels = { en = \"Good\" }",
                  expected="{ en = \"…\" }", got=raw)
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in raw.items()))


def _share(b: ParamReader, key: str) -> Decimal:
    share = b.decimal(key, non_negative=True)
    if share > 1:
        b.problem(key, f"a level cannot give more than 100% of the points, got "
                       f"{label_number(share, percent=True)}",
                  expected="a share from 0% to 100%", got=b.raw(key))
    return share
