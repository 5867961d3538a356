"""Printed target values (年度指标值 / 实际完成值) as real project forms write them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.data.printed import PrintedValueError, level_name, parse_printed, reconcile

D = Decimal

# (as printed, operator, number, unit, direction) — spellings taken from published
# 项目支出绩效自评表 / 绩效目标表 (county and township forms, 2020–2023).
QUANTITIES = [
    ("≥50个", ">=", D(50), "个", "higher"),
    ("≥ 50 个", ">=", D(50), "个", "higher"),
    ("≥50 个", ">=", D(50), "个", "higher"),
    ("＞＝50个", ">=", D(50), "个", "higher"),
    ("≧95％", ">=", D(95), "%", "higher"),
    ("≥95%", ">=", D(95), "%", "higher"),
    ("≥95.5%", ">=", D("95.5"), "%", "higher"),
    ("＞90%", ">", D(90), "%", "higher"),
    ("> 90 %", ">", D(90), "%", "higher"),
    ("=100%", "=", D(100), "%", "higher"),
    ("＝100％", "=", D(100), "%", "higher"),
    ("100%", None, D(100), "%", None),
    ("１００％", None, D(100), "%", None),
    ("≤90万元", "<=", D(90), "万元", "lower"),
    ("≦90万元", "<=", D(90), "万元", "lower"),
    ("≤ 90 万元", "<=", D(90), "万元", "lower"),
    ("<=1,200,000元", "<=", D(1200000), "元", "lower"),
    ("＜5‰", "<", D(5), "‰", "lower"),
    ("≤3‰", "<=", D(3), "‰", "lower"),
    ("不低于90%", ">=", D(90), "%", "higher"),
    ("不少于12次", ">=", D(12), "次", "higher"),
    ("不超过60天", "<=", D(60), "天", "lower"),
    ("不高于5%", "<=", D(5), "%", "lower"),
    ("90%以上", ">=", D(90), "%", "higher"),
    ("90%及以上", ">=", D(90), "%", "higher"),
    ("3个工作日以内", "<=", D(3), "个工作日", "lower"),
    ("30天内", "<=", D(30), "天", "lower"),
    ("控制在90万元以内", "<=", D(90), "万元", "lower"),
    ("≤12个月", "<=", D(12), "个月", "lower"),
    ("=12月", "=", D(12), "月", "higher"),
    ("≥8.6km", ">=", D("8.6"), "km", "higher"),
    ("≥8.6公里", ">=", D("8.6"), "公里", "higher"),
    ("≥1500人次", ">=", D(1500), "人次", "higher"),
    ("≥200人", ">=", D(200), "人", "higher"),
    ("≥3000平方米", ">=", D(3000), "平方米", "higher"),
    ("≥120亩", ">=", D(120), "亩", "higher"),
    ("=0起", "=", D(0), "起", "lower"),    # 零事故: =0 is scored as ≤ 0
    ("0起", None, D(0), "起", None),
    ("大于等于80%", ">=", D(80), "%", "higher"),
    ("小于或等于10万元", "<=", D(10), "万元", "lower"),
    ("≥０．５万元", ">=", D("0.5"), "万元", "higher"),
    ("50个", None, D(50), "个", None),
    ("50", None, D(50), None, None),
    ("≥20户", ">=", D(20), "户", "higher"),
]


@pytest.mark.parametrize(("text", "operator", "number", "unit", "direction"), QUANTITIES)
def test_quantities(text: str, operator: str | None, number: Decimal, unit: str | None,
                    direction: str | None) -> None:
    p = parse_printed(text)
    assert (p.operator, p.number, p.unit, p.direction) == (operator, number, unit, direction)
    assert p.qualitative is None and p.text == text


QUALITATIVE = ["按时完成", "效果明显", "有效提升", "持续发挥作用", "群众生活条件明显改善",
               "2022年12月31日前完成", "12月底前完成", "达到预期", "好"]


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative(text: str) -> None:
    p = parse_printed(text)
    assert p.qualitative == text and p.number is None and p.direction is None


def test_rate_value_is_a_fraction() -> None:
    # 85% is 85/100; 5‰ is 5/1000
    assert parse_printed("85%").value == D("0.85")
    assert parse_printed("≤5‰").value == D("0.005")
    assert parse_printed("≥50个").value == D(50)


BAD = [
    ("≥", "comparison sign but no number"),
    ("≥≥50个", "more than one comparison"),
    ("≥50个以下", "disagree"),
    ("≥5O个", "unknown unit 'O个'"),
    ("≥50棵树", "unknown unit"),
    ("1e400万元", "no exponents"),       # the docs: no exponents (not "unknown unit 'e400万元'")
    ("1" + "0" * 15 + "元", "at most 15 digits"),   # 16 digits: the docs say 15
    ("≥1,20个", "thousands separator"),
    ("", "empty value"),
    ("  ", "empty value"),
    ("约50个", "cannot read"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_malformed_values_are_refused(text: str, message: str) -> None:
    with pytest.raises(PrintedValueError, match=message):
        parse_printed(text)


def test_an_actual_printed_with_a_sign_is_read_as_its_number() -> None:
    p = parse_printed("≥266米", actual=True)
    assert (p.number, p.unit) == (D(266), "米")
    assert any("read as its number" in note for note in p.notes)


@pytest.mark.parametrize(("target", "actual", "number"), [
    ("≥50个", "50个", D(50)),
    ("≥50个", "50", D(50)),            # a bare number is in the target's measure word
    ("≤90万元", "900000元", D(90)),     # 900000元 = 90万元 exactly
    ("≤90万元", "0.009亿元", D(90)),     # 0.009亿元 = 900000元 = 90万元
    ("≥85%", "88%", D("0.88")),
    ("≤5‰", "0.4%", D("0.004")),        # 0.4% = 4‰
    ("≥8.6km", "9公里", D(9)),
    ("≤30天", "28日", D(28)),
    ("85", "88", D(88)),
])
def test_reconcile(target: str, actual: str, number: Decimal) -> None:
    assert reconcile(parse_printed(target), parse_printed(actual, actual=True)) == number


@pytest.mark.parametrize(("target", "actual", "message"), [
    ("≥85%", "88", "'88' has no unit but the target '≥85%' is a percentage"),
    (85, "88%", "'88%' is a percentage but the target '85' is a plain number"),
    ("≤90万元", "90", "has no unit but the target '≤90万元' is money"),
    ("≥50个", "50人", "is in 人 but the target '≥50个' is in 个"),
    ("≤30天", "1个月", "is in 个月 but the target"),
    ("≥10万美元", "70万元", "is in CNY but the target"),
    ("按时完成", "100%", "is qualitative"),
    ("≥50个", "按时完成", "is not a number"),
])
def test_reconcile_refuses(target: object, actual: str, message: str) -> None:
    with pytest.raises(PrintedValueError, match=message):
        reconcile(parse_printed(target), parse_printed(actual, actual=True))


def test_levels() -> None:
    assert level_name("达成") == "达成预期指标"
    assert level_name("未达成预期指标") == "未达成预期指标"
    assert level_name("效果明显") is None


def test_money_conversion_keeps_plain_notation() -> None:
    # 0.009亿元 → 万元: × 10**4 = 90 (not 9.0E+1)
    number = reconcile(parse_printed("≤90万元"), parse_printed("0.009亿元", actual=True))
    assert str(number) == "90.000"


@pytest.mark.parametrize(("value", "message"), [
    # the library's one boundary: at most 1e15 in magnitude (1e15 itself is allowed)
    (D("1E+300"), "too large"), ("≥1000000000000001个", "too large"),
    (D("1E-20"), "too fine"), ("0.0000000000001%", "at most 12 decimal places"),
])
def test_magnitudes_are_bounded(value: object, message: str) -> None:
    with pytest.raises(PrintedValueError, match=message):
        parse_printed(value)


@given(st.one_of(st.text(max_size=12), st.sampled_from(
    ["≥50个", "=100%", "不低于90%", "≤3天", "按时完成", "百分之九十", "±5%", "≥1.5万元", "80",
     ">=-1", "≥", "12月底前"])), st.booleans())
def test_a_text_read_again_is_read_the_same(text: str, actual: bool) -> None:
    """The cache of read texts gives what reading afresh gives: value, notes, or the same error."""
    from perfrubric.data.printed import _parse

    def read(fn: Any) -> Any:
        try:
            got = fn(text, actual=actual, units=())
        except PrintedValueError as exc:
            return ("error", str(exc))
        return (got, got.notes)
    fresh = read(_parse)
    assert read(parse_printed) == fresh
    assert read(parse_printed) == fresh  # the second time from the cache
