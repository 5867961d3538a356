"""``bands``: a band table (预算调整率=0计5分；0–10%(含)计4分；…；>30%不得分)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError
from .base import Direction, Outcome, ParamReader, RuleKind, as_number, register_kind


@attrs.frozen
class Band:
    """One band: lower and upper edges (``None`` = unbounded), which sides count, points."""

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    points: Decimal

    def contains(self, x: Decimal) -> bool:
        """Whether *x* lies in this band."""
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None
                    and (x > self.high or (x == self.high and not self.high_inclusive)))

    def label(self) -> str:
        """Interval notation, e.g. ``(0, 0.1]``; a point band is ``=0``."""
        if self.low is not None and self.low == self.high:
            return f"={_pct(self.low)}"
        left = "(-∞" if self.low is None else ("[" if self.low_inclusive else "(") + _pct(self.low)
        right = "+∞)" if self.high is None else _pct(self.high) + (
            "]" if self.high_inclusive else ")")
        return f"{left}, {right}"

    def params(self) -> dict[str, Any]:
        """The band as a TOML table."""
        out: dict[str, Any] = {}
        if self.low is not None and self.low == self.high:
            return {"equals": self.low, "points": self.points}
        if self.low is not None:
            out["from" if self.low_inclusive else "over"] = self.low
        if self.high is not None:
            out["upto" if self.high_inclusive else "below"] = self.high
        out["points"] = self.points
        return out


def _pct(x: Decimal) -> str:
    return f"{(x * 100).normalize():f}%"


def _low_key(band: Band) -> tuple[int, Decimal, int]:
    if band.low is None:
        return (0, Decimal(0), 0)
    return (1, band.low, 0 if band.low_inclusive else 1)


@register_kind
@attrs.frozen
class Bands(RuleKind):
    """Points by band.  Each band gives its edges explicitly.

    Lower edge: ``from`` (inclusive, 含) or ``over`` (exclusive); upper edge:
    ``upto`` (inclusive, 含) or ``below`` (exclusive); or ``equals`` for one
    point.  A missing edge is unbounded.  ``points`` or ``share`` per band.
    ``better`` ("higher" | "lower" | "none") is the direction the points
    must follow.  Gaps and overlaps between bands are load errors.
    """

    kind: ClassVar[str] = "bands"
    points: Decimal
    bands: tuple[Band, ...]
    better: str

    @property
    def direction(self) -> Direction:
        """The declared ``better`` direction (``None`` for "none")."""
        return None if self.better == "none" else self.better  # type: ignore[return-value]

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Bands:
        """Read and check the band table."""
        r = ParamReader(params)
        better = r.choice("better", ("higher", "lower", "none"))
        readers = r.table_list("bands")
        bands: list[tuple[int, Band]] = []
        for i, b in enumerate(readers):
            band = _read_band(b, points)
            if band is not None:
                bands.append((i, band))
        r.adopt(readers)
        if not r.problems:
            _check_bands(r, bands, better)
        r.done()
        return cls(points, tuple(b for _, b in sorted(bands, key=lambda ib: _low_key(ib[1]))),
                   better)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"better": …, "bands": [...]}``."""
        return {"better": self.better, "bands": [b.params() for b in self.bands]}

    def score(self, value: object) -> Outcome:
        """Score by the band *value* lies in."""
        x = as_number(value)
        for i, band in enumerate(self.bands):
            if band.contains(x):
                return Outcome(band.points, deducted=self.points - band.points,
                               matched=band.label(), detail={"band": i})
        cover = ", ".join(b.label() for b in self.bands)
        raise RuleInputError(f"value {x} lies outside every band ({cover})")


def _read_band(b: ParamReader, points: Decimal) -> Band | None:
    low = high = None
    low_inc = high_inc = True
    if b.has("equals"):
        value = b.decimal("equals")
        for key in ("from", "over", "upto", "below"):
            if b.has(key):
                b.problem(key, "a band with 'equals' takes no other edge")
        low = high = value
    else:
        if b.has("from") and b.has("over"):
            b.problem("over", "give the lower edge once: 'from' (含, inclusive) or 'over' "
                              "(exclusive)")
        if b.has("upto") and b.has("below"):
            b.problem("below", "give the upper edge once: 'upto' (含, inclusive) or 'below' "
                               "(exclusive)")
        if b.has("from"):
            low = b.decimal("from")
        elif b.has("over"):
            low, low_inc = b.decimal("over"), False
        if b.has("upto"):
            high = b.decimal("upto")
        elif b.has("below"):
            high, high_inc = b.decimal("below"), False
        if low is not None and high is not None and (
                low > high or (low == high and not (low_inc and high_inc))):
            b.problem("upto" if b.has("upto") else "below",
                      "empty band: the upper edge is not above the lower edge")
            return None
    if b.has("points") and b.has("share"):
        b.problem("share", "give either 'points' or 'share', not both")
    if b.has("share"):
        share = b.decimal("share", non_negative=True)
        if share > 1:
            b.problem("share", f"a share above 100% ({share:%}) is more than the points")
        band_points = points * share
    else:
        band_points = b.decimal("points", non_negative=True)
        if band_points > points:
            b.problem("points", f"band points {band_points} exceed the indicator's {points}")
    if b.problems:
        return None
    return Band(low, low_inc, high, high_inc, band_points)


def _check_bands(r: ParamReader, bands: list[tuple[int, Band]], better: str) -> None:
    ordered = sorted(bands, key=lambda ib: _low_key(ib[1]))
    for (_, a), (j, b) in itertools.pairwise(ordered):
        if a.high is None or b.low is None:
            r.problem(f"bands[{j}]", f"bands {a.label()} and {b.label()} overlap")
            continue
        if a.high < b.low or (a.high == b.low and not a.high_inclusive and not b.low_inclusive):
            r.problem(f"bands[{j}]", f"gap between bands {a.label()} and {b.label()}: values "
                                     f"from {_pct(a.high)} to {_pct(b.low)} fall in no band")
        elif a.high > b.low or (a.high == b.low and a.high_inclusive and b.low_inclusive):
            r.problem(f"bands[{j}]", f"bands {a.label()} and {b.label()} overlap")
    if better != "none":
        for (_, a), (j, b) in itertools.pairwise(ordered):
            worse = b.points < a.points if better == "higher" else b.points > a.points
            if worse:
                r.problem(f"bands[{j}].points",
                          f"points are not monotone: better = \"{better}\" but band "
                          f"{b.label()} gives {b.points} after {a.label()} gives {a.points}")
