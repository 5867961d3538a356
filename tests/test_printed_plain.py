"""The plain lane of ``parse_printed`` (``≥50个`` read in one step) equals the general reading.

:func:`perfrubric.data.printed._parse` reads a value that is plainly a sign,
digits and a known unit in one regular-expression match; every other text
goes through every step of :func:`~perfrubric.data.printed._parse_general`.
Both must give the same :class:`~perfrubric.printed.Printed` (its notes
included) or the same refusal, for any text.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from perfrubric.data import printed
from perfrubric.data.printed import PrintedValueError, parse_printed
from perfrubric.data.printed_units import COUNT_UNITS, LOOK_ALIKES
from perfrubric.units import UNITS

_UNITS = sorted({"", "%", "‰", "万", "年", "月", "日", "日前", "月底", "以上", "内", "e5", "E-3",
                 "个以内", "km", "㎞", "％", "百分之", "百分比", "分", "台套", "元/亩", "覆盖",
                 "≦个", *COUNT_UNITS, *UNITS, *LOOK_ALIKES})
_SIGNS = ["", "≥", "≤", "=", ">", "<", "≧", "＝", "±", "-", "+", "不低于", " "]
_DIGITS = st.one_of(
    st.from_regex(r"[0-9]{1,17}(\.[0-9]{1,14})?", fullmatch=True),
    st.sampled_from(["0", "0.00", "00", "2023", "12", "1,200", "１２", "5.", ".5"]))


def _read(text: str, actual: bool, units: tuple[str, ...]) -> tuple[object, ...]:
    """What a reading gives: the value with its notes, or the refusal's message."""
    try:
        found = printed._parse(text, actual=actual, units=units)
    except PrintedValueError as exc:
        return ("refused", str(exc))
    return (found, found.notes, found.value, found.direction)


def _general(text: str, actual: bool, units: tuple[str, ...]) -> tuple[object, ...]:
    try:
        found = printed._parse_general(text, actual=actual, units=units)
    except PrintedValueError as exc:
        return ("refused", str(exc))
    return (found, found.notes, found.value, found.direction)


_DECLARED = [(), ("台套",), ("%",), ("年",), ("个以内",), ("≦个",), ("㎞",), ("e3",)]


@st.composite
def _values(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    """A sign, digits and a unit (one the data declares, half the time), and those units."""
    units = draw(st.sampled_from(_DECLARED))
    unit = draw(st.sampled_from(units)) if units and draw(st.booleans()) \
        else draw(st.sampled_from(_UNITS))
    return f"{draw(st.sampled_from(_SIGNS))}{draw(_DIGITS)}{unit}", units


@settings(max_examples=3000, deadline=None)
@given(_values(), st.booleans())
def test_the_plain_lane_reads_as_the_general_reading(value: tuple[str, tuple[str, ...]],
                                                      actual: bool) -> None:
    text, units = value
    assert _read(text, actual, units) == _general(text, actual, units)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=12), st.booleans())
def test_any_text_reads_the_same_both_ways(text: str, actual: bool) -> None:
    assert _read(text, actual, ()) == _general(text, actual, ())


def test_plain_values_take_the_lane() -> None:
    # The lane's own reading, worked by hand: sign, number as printed, unit.
    match = printed._PLAIN.fullmatch("≥50个")
    assert match is not None
    got = printed._plain("≥50个", match, False, ())
    assert got == printed.Printed("≥50个", ">=", Decimal(50), "个", None)
    assert parse_printed("=100%").value == Decimal(1)          # 100 / 100
    assert parse_printed("96.5%", actual=True).value == Decimal("0.965")
    # Not plain: a date, a word operator, a look-alike sign, a unit NFKC changes.
    for text in ("2023年", "≥50个以上", "≧50个", "50㎞"):
        match = printed._PLAIN.fullmatch(text)
        assert match is None or printed._plain(text, match, False, ()) is None, text
