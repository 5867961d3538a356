"""``bands``: a band table (预算调整率=0计5分；0–10%(含)计4分；…；>30%不得分)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError
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
    written_as_percent,
)
from .inverse import Interval, ValueRange, merge

#: The keys of the rule's ``detail``, in order (see :data:`~.base.OutcomeParts`).
_DETAIL_KEYS = ("band", "points")

__all__ = ["Band", "Bands"]

_ZERO = Decimal(0)
_EDGE_KEYS = ("equals", "from", "over", "upto", "below")


@attrs.frozen
class Band:
    """One band: its edges (``None`` = unbounded), which sides count, its points.

    ``low_inclusive`` / ``high_inclusive`` say whether the edge itself lies
    in the band (含).  A one-point band (``equals``) has ``low == high``,
    both inclusive.
    """

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    points: Decimal

    @property
    def is_point(self) -> bool:
        """Whether the band is a single value (``equals``)."""
        return self.low is not None and self.low == self.high

    def contains(self, x: Decimal) -> bool:
        """Whether *x* lies in this band."""
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None
                    and (x > self.high or (x == self.high and not self.high_inclusive)))

    def label(self, *, percent: bool = False) -> str:
        """Interval notation: ``(0.1, 0.2]``, ``(10%, 20%]`` with *percent*, ``=0``."""
        if self.is_point:
            assert self.low is not None
            return f"={label_number(self.low, percent=percent)}"
        return _interval(self.low, self.low_inclusive, self.high, self.high_inclusive, percent)

    def params(self) -> dict[str, Any]:
        """The band as a TOML table (``from``/``over``, ``upto``/``below``, ``points``)."""
        if self.is_point:
            return {"equals": self.low, "points": self.points}
        out: dict[str, Any] = {}
        if self.low is not None:
            out["from" if self.low_inclusive else "over"] = self.low
        if self.high is not None:
            out["upto" if self.high_inclusive else "below"] = self.high
        out["points"] = self.points
        return out


def _interval(low: Decimal | None, low_inc: bool, high: Decimal | None, high_inc: bool,
              percent: bool) -> str:
    left = "(-∞" if low is None else ("[" if low_inc else "(") + label_number(low, percent=percent)
    right = "+∞)" if high is None else label_number(high, percent=percent) + (
        "]" if high_inc else ")")
    return f"{left}, {right}"


def _low_key(band: Band) -> tuple[int, Decimal, int]:
    """Sort key of the lower edge: unbounded first, then by value, inclusive first."""
    if band.low is None:
        return (0, _ZERO, 0)
    return (1, band.low, 0 if band.low_inclusive else 1)


def _high_key(band: Band) -> tuple[int, Decimal, int]:
    """Sort key of the upper edge: by value, exclusive first, unbounded last."""
    if band.high is None:
        return (1, _ZERO, 0)
    return (0, band.high, 1 if band.high_inclusive else 0)


@register_kind
@attrs.frozen
class Bands(RuleKind):
    """Points by band.  Each band states both its edges explicitly.

    Lower edge: ``from`` (inclusive, 含) or ``over`` (exclusive); upper edge:
    ``upto`` (inclusive, 含) or ``below`` (exclusive); or ``equals`` for one
    value.  A missing edge is unbounded.  Each band gives ``points`` or a
    ``share`` of the indicator's points.  ``better`` ("higher" | "lower" |
    "none") is the direction the points must follow.  Gaps and overlaps
    between bands are load errors; a table need not be unbounded at either
    end, but a value outside every band cannot be scored.

    ``bands`` keeps the author's order (``detail["band"]`` indexes it);
    ``percent`` says whether labels show percentages (see ``notation``).
    """

    kind: ClassVar[str] = "bands"
    points: Decimal
    bands: tuple[Band, ...]
    better: str
    percent: bool = False
    # (low, low inclusive, high, high inclusive, points, label) of each band, for score
    _scan: tuple[tuple[Decimal | None, bool, Decimal | None, bool, Decimal, str], ...] = \
        attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_scan", tuple(
            (b.low, b.low_inclusive, b.high, b.high_inclusive, b.points,
             b.label(percent=self.percent)) for b in self.bands))

    @property
    def direction(self) -> Direction:
        """The declared ``better`` direction (``None`` for "none")."""
        if self.better == "higher":
            return "higher"
        if self.better == "lower":
            return "lower"
        return None

    @property
    def cover(self) -> str:
        """The values the table covers, e.g. ``[0%, 100%]`` or ``(-∞, +∞)``."""
        ordered = sorted(self.bands, key=_low_key)
        first, last = ordered[0], max(self.bands, key=_high_key)
        return _interval(first.low, first.low_inclusive, last.high, last.high_inclusive,
                         self.percent)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Bands:
        """Read and check the band table; every problem is reported at its band path."""
        r = ParamReader(params)
        better = r.choice("better", ("higher", "lower", "none"))
        raw_bands = r.raw("bands")
        readers = r.table_list("bands")
        read = [_read_band(b, points) for b in readers]
        written = [b.raw(k) for b in readers for k in _EDGE_KEYS]
        percent = r.notation(written)
        bands = [band for band, _ in read]
        r.adopt(readers)
        if (isinstance(raw_bands, list) and len(readers) == len(raw_bands)
                and all(band is not None for band in bands)):
            indexed = [(i, band) for i, band in enumerate(bands) if band is not None]
            overlaps = _check_cover(r, indexed, percent)
            if better != "none" and not overlaps and all(ok for _, ok in read):
                _check_monotone(r, indexed, better, percent)
        r.done()
        return cls(points, tuple(band for band in bands if band is not None), better, percent)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"better": …, "notation": …, "bands": [...]}``, bands in points."""
        return {"better": self.better, "notation": "percent" if self.percent else "number",
                "bands": [b.params() for b in self.bands]}

    def score(self, value: object) -> Outcome:
        """Score by the band *value* lies in.

        ``matched`` is the band's label (``"(10%, 20%]"``); ``detail`` holds
        ``band`` (its index in the table as written) and ``points``.  Raises
        :class:`RuleInputError` for a value outside every band.
        """
        score, deducted, matched, packed = self._outcome_parts(value)
        return Outcome(score, deducted, matched, unpack_detail(packed))

    def _outcome_parts(self, value: object) -> OutcomeParts:
        """What :meth:`score` returns, as ``(score, deducted, matched, detail)``.

        The engine reads these without building an :class:`Outcome`.
        """
        x = value if type(value) is Decimal and value.is_finite() else as_number(value)
        for i, (low, low_inc, high, high_inc, points, label) in enumerate(self._scan):
            # Band.contains, with the band's fields read once at construction
            if low is not None and (x < low or (x == low and not low_inc)):
                continue
            if high is not None and (x > high or (x == high and not high_inc)):
                continue
            return points, self.points - points, label, (_DETAIL_KEYS, i, points)
        raise RuleInputError(f"value {label_number(x, percent=self.percent)} lies outside "
                             f"every band (bands cover {self.cover})")

    def values_for(self, score: Decimal) -> ValueRange:
        """The union of the bands giving at least *score* points (touching bands joined)."""
        return ValueRange(merge([Interval(b.low, b.low_inclusive, b.high, b.high_inclusive)
                                 for b in self.bands if b.points >= score]))


def _read_band(b: ParamReader, points: Decimal) -> tuple[Band | None, bool]:
    """Read one band table.

    Returns the band (``None`` when its edges are unusable) and whether its
    points are valid; a band with bad points keeps placeholder points so the
    table's gaps and overlaps can still be checked.
    """
    low: Decimal | None = None
    high: Decimal | None = None
    low_inc = high_inc = True
    before = len(b.problems)
    if b.has("equals"):
        low = high = b.decimal("equals", measured=True)
        for key in ("from", "over", "upto", "below"):
            if b.has(key):
                b.problem(key, "a band with 'equals' takes no other edge")
    else:
        if b.has("from") and b.has("over"):
            b.problem("over", "give the lower edge once: 'from' (含, inclusive) or 'over' "
                              "(exclusive)")
        if b.has("upto") and b.has("below"):
            b.problem("below", "give the upper edge once: 'upto' (含, inclusive) or 'below' "
                               "(exclusive)")
        if b.has("from"):
            low = b.decimal("from", measured=True)
        elif b.has("over"):
            low, low_inc = b.decimal("over", measured=True), False
        if b.has("upto"):
            high = b.decimal("upto", measured=True)
        elif b.has("below"):
            high, high_inc = b.decimal("below", measured=True), False
    edges_ok = len(b.problems) == before
    if edges_ok and low is not None and high is not None and (
            low > high or (low == high and not (low_inc and high_inc))):
        percent = any(written_as_percent(b.raw(k)) for k in _EDGE_KEYS)
        shown = _interval(low, low_inc, high, high_inc, percent)
        b.problem("upto" if b.has("upto") else "below",
                  f"empty band {shown}: no value lies in it; the upper edge must be above "
                  "the lower edge (or use equals = … for one value)")
        edges_ok = False
    before = len(b.problems)
    band_points = _read_points(b, points)
    points_ok = len(b.problems) == before
    if not edges_ok:
        return None, points_ok
    return Band(low, low_inc, high, high_inc, band_points), points_ok


def _read_points(b: ParamReader, points: Decimal) -> Decimal:
    if b.has("points") and b.has("share"):
        b.problem("share", "give either 'points' or 'share', not both")
        return _ZERO
    if b.has("share"):
        share = b.decimal("share", non_negative=True)
        if share > 1:
            b.problem("share", f"a share above 100% ({label_number(share, percent=True)}) "
                               "is more than the indicator's points",
                      expected="a share from 0% to 100%", got=b.raw("share"))
        return points * share
    if not b.has("points"):
        b.problem("points", "missing; give the band's points (points = 4) or its share of "
                            "the indicator's points (share = \"80%\")",
                  expected="points or share")
        return _ZERO
    band_points = b.decimal("points", non_negative=True)
    if band_points > points:
        b.problem("points", f"band points {band_points} exceed the indicator's {points}",
                  expected=f"a number from 0 to {points}", got=b.raw("points"))
    return band_points


def _check_cover(r: ParamReader, bands: Sequence[tuple[int, Band]], percent: bool) -> bool:
    """Report gaps and overlaps between bands; return whether any overlap.

    Bands are swept by lower edge while tracking the band that reaches
    furthest so far, so a wide band followed by narrow ones is judged
    against the wide band's upper edge.
    """
    overlaps = False
    ordered = sorted(bands, key=lambda ib: _low_key(ib[1]))
    if not ordered:
        return overlaps
    reach = ordered[0][1]
    for j, b in ordered[1:]:
        a = reach
        label_a, label_b = a.label(percent=percent), b.label(percent=percent)
        if a.high is None or b.low is None:
            overlaps = True
            r.problem(f"bands[{j}]", f"bands {label_a} and {label_b} overlap: "
                                     "a value cannot lie in two bands")
        elif a.high < b.low or (a.high == b.low and not a.high_inclusive
                                and not b.low_inclusive):
            if a.high == b.low:
                gap = f"the value {label_number(a.high, percent=percent)} falls"
            else:
                gap = "values in " + _interval(a.high, not a.high_inclusive, b.low,
                                               not b.low_inclusive, percent) + " fall"
            r.problem(f"bands[{j}]", f"gap between bands {label_a} and {label_b}: {gap} in "
                                     "no band")
        elif a.high > b.low or (a.high_inclusive and b.low_inclusive):
            overlaps = True
            high, high_inc = _min_high(a, b)
            common = (label_number(b.low, percent=percent) if high == b.low
                      else _interval(b.low, b.low_inclusive, high, high_inc, percent))
            r.problem(f"bands[{j}]", f"bands {label_a} and {label_b} overlap: both contain "
                                     f"{common}")
        if _high_key(b) > _high_key(reach):
            reach = b
    return overlaps


def _min_high(a: Band, b: Band) -> tuple[Decimal | None, bool]:
    lower = min(a, b, key=_high_key)
    return lower.high, lower.high_inclusive


def _check_monotone(r: ParamReader, bands: Sequence[tuple[int, Band]], better: str,
                    percent: bool) -> None:
    """Report bands whose points go the wrong way for *better*."""
    ordered = sorted(bands, key=lambda ib: _low_key(ib[1]))
    for (_, a), (j, b) in itertools.pairwise(ordered):
        worse = b.points < a.points if better == "higher" else b.points > a.points
        if worse:
            r.problem(f"bands[{j}].points",
                      f"points are not monotone: better = \"{better}\" but band "
                      f"{b.label(percent=percent)} gives {b.points} after "
                      f"{a.label(percent=percent)} gives {a.points}",
                      expected=("at least" if better == "higher" else "at most")
                      + f" {a.points}")
