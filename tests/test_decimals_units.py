"""Decimal conversion, declared rounding, and money units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.decimals import ROUNDING_MODES, Rounding, to_decimal
from perfrubric.units import Money, UnitError, parse_unit


def test_float_goes_through_str() -> None:
    # Decimal(0.1) would be 0.1000000000000000055511151231257827…
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")


def test_percent_and_permille_strings() -> None:
    assert to_decimal("117.14%") == Decimal("1.1714")
    assert to_decimal("5‰") == Decimal("0.005")
    assert to_decimal("1,281") == Decimal(1281)


@pytest.mark.parametrize("bad", [True, None, "abc", "1/2", float("nan"), "inf", [1]])
def test_to_decimal_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        to_decimal(bad)


def test_half_up_is_the_default_not_bankers() -> None:
    # 2.345 -> 2.35 under 四舍五入; banker's rounding would give 2.34
    assert Rounding(2).apply(Decimal("2.345")) == Decimal("2.35")
    assert Rounding(0).apply(Decimal("2.5")) == Decimal(3)
    assert Rounding(0, "half_even").apply(Decimal("2.5")) == Decimal(2)


def test_truncation_reproduces_the_seed_percentages() -> None:
    # 252.94 / 215.92 = 1.171452… -> 117.14% (half-up would also give 117.15? no: 117.145 -> 117.15)
    ratio = Money("252.94", "亿元") / Money("215.92", "亿元")
    assert isinstance(ratio, Decimal)
    assert Rounding(2, "down").apply(ratio * 100) == Decimal("117.14")
    assert Rounding(2, "half_up").apply(ratio * 100) == Decimal("117.15")
    # 8.39 / 7.5 = 1.118666… -> 111.8% at one place, truncated (half-up gives 111.9)
    ratio = Money("8.39", "亿美元") / Money("7.5", "亿美元")
    assert Rounding(1, "down").apply(ratio * 100) == Decimal("111.8")
    assert Rounding(1, "half_up").apply(ratio * 100) == Decimal("111.9")


def test_rounding_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="unknown rounding mode 'banker'"):
        Rounding(2, "banker")
    with pytest.raises(ValueError, match="0 to 12"):
        Rounding(-1)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6,
                   min_value=-10**6, max_value=10**6),
       st.integers(0, 6), st.sampled_from(sorted(ROUNDING_MODES)))
def test_rounding_is_idempotent(value: Decimal, places: int, mode: str) -> None:
    rounding = Rounding(places, mode)
    once = rounding.apply(value)
    assert rounding.apply(once) == once
    assert abs(once - value) < rounding.quantum


@given(st.floats(allow_nan=False, allow_infinity=False, width=32).filter(
    lambda v: abs(v) <= 1e15 and Decimal(str(v)).as_tuple().exponent >= -12
    # a float is read at the 15 significant digits a spreadsheet shows (from_float):
    # 1024.524658203125 (16 digits) reads as 1024.52465820312
    and len(Decimal(str(v)).as_tuple().digits) <= 15))
def test_floats_convert_through_their_shortest_repr(value: float) -> None:
    assert to_decimal(value) == Decimal(str(value))


def test_money_conversions_are_exact() -> None:
    # 601.53 万元 = 6 015 300 元; 5424.65 万元 = 0.542465 亿元
    assert Money("601.53", "万元").to("元").amount == Decimal("6015300")
    assert Money("5424.65", "万元").to("亿元").amount == Decimal("0.542465")
    assert Money(12147, "万美元").to("亿美元").amount == Decimal("1.2147")
    assert str(Money("601.53", "万元").to("元")) == "6015300.00元"


def test_money_arithmetic_and_comparison() -> None:
    # 业务工作经费 51.3 + 专项经费 5373.35 = 项目支出 5424.65 万元
    total = Money("51.3", "万元") + Money("5373.35", "万元")
    assert total == Money("5424.65", "万元")
    assert Money(1, "亿元") > Money(9999, "万元")
    assert Money(2, "万元") * 3 == Money(6, "万元")
    assert Money(1, "万元") / Money(1, "元") == Decimal(10000)


def test_money_never_mixes_currencies() -> None:
    with pytest.raises(UnitError, match="different currencies"):
        Money(1, "万元") + Money(1, "万美元")
    with pytest.raises(UnitError, match="plain number"):
        Money(1, "万元") + 1  # type: ignore[operator]
    with pytest.raises(UnitError, match="unknown money unit '万英镑'"):
        parse_unit("万英镑")
