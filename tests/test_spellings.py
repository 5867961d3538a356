"""Every spelling real project forms print, read as meant or refused with a message (#16).

The table below is the reference: each printed 年度指标值 / 实际完成值 with the
reading a person filling in the 2020 form means by it.  The spellings come
from published 项目支出绩效自评表 and 绩效目标表 (2020–2023) and from the
look-alike characters their word processors produce.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfrubric.data.printed import PrintedValueError, parse_printed, reconcile

D = Decimal
GE, LE, EQ, GT, LT, TOL = ">=", "<=", "=", ">", "<", "±"

# (as printed, operator, number, unit as read)
READ = [
    # -- look-alikes of = ≥ ≤ > < (NFKC, then the look-alike table) --
    ("═100%", EQ, "100", "%"), ("═ 100 %", EQ, "100", "%"), ("＝100%", EQ, "100", "%"),
    ("﹦100%", EQ, "100", "%"), ("꞊100%", EQ, "100", "%"), ("〓100%", EQ, "100", "%"),
    ("⩵100%", EQ, "100", "%"), ("≡100%", EQ, "100", "%"), ("==100%", EQ, "100", "%"),
    ("⩾90%", GE, "90", "%"), ("≧90%", GE, "90", "%"), ("⋝90%", GE, "90", "%"),
    ("≮90%", GE, "90", "%"), ("⪖90%", GE, "90", "%"), ("＞＝90%", GE, "90", "%"),
    (">=90%", GE, "90", "%"), ("≥90%", GE, "90", "%"),
    ("⩽5%", LE, "5", "%"), ("≦5%", LE, "5", "%"), ("⋜5%", LE, "5", "%"),
    ("≯5%", LE, "5", "%"), ("⪕5%", LE, "5", "%"), ("＜＝5%", LE, "5", "%"),
    ("<=5%", LE, "5", "%"), ("≤5%", LE, "5", "%"),
    ("﹥90%", GT, "90", "%"), ("＞90%", GT, "90", "%"), ("〉90%", GT, "90", "%"),
    ("≰90%", GT, "90", "%"), ("›90%", GT, "90", "%"),
    ("﹤5%", LT, "5", "%"), ("＜5%", LT, "5", "%"), ("〈5%", LT, "5", "%"),
    ("≱5%", LT, "5", "%"), ("‹5%", LT, "5", "%"),
    # -- word comparisons --
    ("不低于90%", GE, "90", "%"), ("不少于12次", GE, "12", "次"), ("不小于3座", GE, "3", "座"),
    ("大于等于80%", GE, "80", "%"), ("大于或等于80%", GE, "80", "%"), ("达到95%", GE, "95", "%"),
    ("至少2场", GE, "2", "场"), ("不高于5%", LE, "5", "%"), ("不超过60天", LE, "60", "天"),
    ("不多于3次", LE, "3", "次"), ("不大于2‰", LE, "2", "‰"), ("小于等于10万元", LE, "10", "万元"),
    ("控制在90万元以内", LE, "90", "万元"), ("最多5起", LE, "5", "起"), ("至多5起", LE, "5", "起"),
    ("等于100%", EQ, "100", "%"), ("大于90%", GT, "90", "%"), ("高于90%", GT, "90", "%"),
    ("超过90%", GT, "90", "%"), ("多于10人", GT, "10", "人"), ("小于5%", LT, "5", "%"),
    ("低于5%", LT, "5", "%"), ("少于3次", LT, "3", "次"),
    ("90%以上", GE, "90", "%"), ("90%及以上", GE, "90", "%"), ("5%以下", LE, "5", "%"),
    ("5%及以下", LE, "5", "%"), ("30天以内", LE, "30", "天"), ("30天之内", LE, "30", "天"),
    ("30天内", LE, "30", "天"),
    # -- Chinese numerals with a unit or a comparison (read, noted) --
    ("不低于五十个", GE, "50", "个"), ("九十%", None, "90", "%"), ("≥一百二十人", GE, "120", "人"),
    ("不少于十二次", GE, "12", "次"), ("≥两千户", GE, "2000", "户"), ("≤三十天", LE, "30", "天"),
    ("九十五点五%", None, "95.5", "%"), ("≥三万五千人次", GE, "35000", "人次"),
    # -- a number-like year or period with a comparison is a number --
    ("≥1000年", GE, "1000", "年"), ("≥50年", GE, "50", "年"), ("≤2年", LE, "2", "年"),
    ("=12月", EQ, "12", "月"), ("≤12个月", LE, "12", "个月"), ("≥1季度", GE, "1", "季度"),
    # -- percent spellings --
    ("90百分比", None, "90", "%"), ("≥90百分比", GE, "90", "%"), ("100%覆盖", None, "100", "%"),
    ("100%全覆盖", None, "100", "%"), ("≥95%达标", GE, "95", "%"), ("100%完成", None, "100", "%"),
    ("100%到位", None, "100", "%"), ("≥98%合格", GE, "98", "%"), ("１００％", None, "100", "%"),
    ("≧９５％", GE, "95", "%"), ("≤3‰", LE, "3", "‰"), ("百分之九十", None, "90", "%"),
    ("不低于百分之九十五", GE, "95", "%"), ("百分之百", None, "100", "%"),
    ("≥百分之85", GE, "85", "%"),
    # -- tolerances --
    ("±10%", TOL, "10", "%"), ("± 5 %", TOL, "5", "%"), ("+/-5%", TOL, "5", "%"),
    ("+-5%", TOL, "5", "%"), ("±3天", TOL, "3", "天"), ("±0.5万元", TOL, "0.5", "万元"),
    # -- money --
    ("≤90万元", LE, "90", "万元"), ("≤1,200,000元", LE, "1200000", "元"),
    ("≤0.5亿元", LE, "0.5", "亿元"), ("100万元", None, "100", "万元"), ("20万元", None, "20", "万元"),
    ("≥10万美元", GE, "10", "万美元"), ("≤10万", LE, "10", "万"), ("125万", None, "125", "万"),
    ("≤3千元", LE, "3", "千元"),
    # -- compound units (compared only with themselves) --
    ("≤500元/亩", LE, "500", "元/亩"), ("≤2万元/公里", LE, "2", "万元/公里"),
    ("≥1200元/人", GE, "1200", "元/人"), ("≤30元/平方米", LE, "30", "元/平方米"),
    ("≥4学时/人", GE, "4", "学时/人"), ("≤15万元/套", LE, "15", "万元/套"),
    ("≥2次/年", GE, "2", "次/年"), ("≥1次/月", GE, "1", "次/月"),
    # -- length, mass, data, area, volume, energy --
    ("≥50厘米", GE, "50", "厘米"), ("≥266米", GE, "266", "米"), ("≥8.6公里", GE, "8.6", "公里"),
    ("≥8.6千米", GE, "8.6", "千米"), ("≥8.6km", GE, "8.6", "km"), ("≥30cm", GE, "30", "cm"),
    ("≥500克", GE, "500", "克"), ("≥20公斤", GE, "20", "公斤"), ("≥20千克", GE, "20", "千克"),
    ("≥3吨", GE, "3", "吨"), ("≥1万吨", GE, "1", "万吨"), ("≥5TB", GE, "5", "TB"),
    ("≥500GB", GE, "500", "GB"), ("≥100MB", GE, "100", "MB"), ("≥3000平方米", GE, "3000", "平方米"),
    ("≥2公顷", GE, "2", "公顷"), ("≥120亩", GE, "120", "亩"), ("≥1万亩", GE, "1", "万亩"),
    ("≥500立方米", GE, "500", "立方米"), ("≥500方", GE, "500", "方"),
    ("≥100千瓦", GE, "100", "千瓦"), ("≥2兆瓦", GE, "2", "兆瓦"), ("≥1000千瓦时", GE, "1000", "千瓦时"),
    # -- measure words --
    ("≥3种", GE, "3", "种"), ("≥4类", GE, "4", "类"), ("≥200份", GE, "200", "份"),
    ("≥2批", GE, "2", "批"), ("≥10台", GE, "10", "台"), ("≥5套", GE, "5", "套"),
    ("≥3辆", GE, "3", "辆"), ("≥2座", GE, "2", "座"), ("≥6处", GE, "6", "处"),
    ("≥1所", GE, "1", "所"), ("≥8家", GE, "8", "家"), ("≥30名", GE, "30", "名"),
    ("≥2位", GE, "2", "位"), ("≥12门", GE, "12", "门"), ("≥40节", GE, "40", "节"),
    ("≥3块", GE, "3", "块"), ("≥2片", GE, "2", "片"), ("≥5组", GE, "5", "组"),
    ("≥100盏", GE, "100", "盏"), ("≥20根", GE, "20", "根"), ("≥2艘", GE, "2", "艘"),
    ("≥3眼", GE, "3", "眼"), ("≥2口", GE, "2", "口"), ("≥4段", GE, "4", "段"),
    ("≥2台套", GE, "2", "台套"), ("≥500人次", GE, "500", "人次"), ("≥1万人次", GE, "1", "万人次"),
    ("≥30户次", GE, "30", "户次"), ("≥3个工作日", GE, "3", "个工作日"),
    ("≤5工作日", LE, "5", "工作日"), ("≥2小时", GE, "2", "小时"), ("≤30分钟", LE, "30", "分钟"),
    ("≥80分", GE, "80", "分"), ("=0起", EQ, "0", "起"), ("0例", None, "0", "例"),
    # -- numbers --
    ("≥ 1,000 人次", GE, "1000", "人次"), ("≥０．５万元", GE, "0.5", "万元"),
    ("≥-5%", GE, "-5", "%"), ("≤-5%", LE, "-5", "%"), ("-2%", None, "-2", "%"),
    ("999999999999999", None, "999999999999999", None), ("≥.5%", GE, ".5", "%"),
]


@pytest.mark.parametrize(("text", "operator", "number", "unit"), READ)
def test_every_spelling_reads_as_meant(text: str, operator: str | None, number: str,
                                       unit: str | None) -> None:
    p = parse_printed(text)
    assert (p.operator, p.number, p.unit, p.qualitative) == (operator, D(number), unit, None)


QUALITATIVE = [
    "按时完成", "效果明显", "有效提升", "达到预期", "达到国家二级标准", "不低于上年水平",
    "控制在合理范围内", "2022年12月31日前完成", "2022年", "12月底前完成", "零事故", "一流",
    "十分满意", "万无一失", "合格", "显著提升", "达到三星级标准", "逐步改善",
]


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative_text_stays_text(text: str) -> None:
    p = parse_printed(text)
    assert p.qualitative == text and p.number is None


REFUSED = [
    ("≥5e1个", "no exponents"), ("1E2%", "no exponents"), ("≥1e3元", "no exponents"),
    ("1234567890123456", "at most 15 digits"), ("≥1,234,567,890,123,456元", "at most 15 digits"),
    ("≥五十棵树", "Chinese numerals"), ("不低于九十分比", "Chinese numerals"),
    ("≥50棵树", "unknown unit '棵树'"), ("≥5个百分点", "unknown unit"),
    ("≥2亩/", "unknown unit"), ("≥2元/亩/年", "unknown unit"), ("≥2 foo/亩", "unknown unit"),
    ("±-5%", "not a negative number"), ("═", "comparison sign but no number"),
    ("≥≥50个", "more than one comparison"), ("≥50个以下", "disagree"), ("约50个", "cannot read"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_spellings_that_cannot_be_read_are_refused_with_a_reason(text: str, message: str
                                                                 ) -> None:
    with pytest.raises(PrintedValueError, match=message):
        parse_printed(text)


def test_the_table_holds_at_least_150_spellings() -> None:
    assert len(READ) + len(QUALITATIVE) + len(REFUSED) >= 150
    assert len({row[0] for row in READ}) == len(READ)


def test_readings_are_noted() -> None:
    assert "'═' (U+2550) read as '='" in parse_printed("═100%").notes
    assert "'百分比' read as '%'" in parse_printed("90百分比").notes
    assert any("remark" in n for n in parse_printed("100%覆盖").notes)
    assert "'五十' read as 50" in parse_printed("不低于五十个").notes
    assert any("read as its number" in n for n in parse_printed("≥90%", actual=True).notes)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
       st.sampled_from([("公里", "米", 1000), ("吨", "公斤", 1000), ("TB", "GB", 1024),
                        ("米", "厘米", 100), ("万元", "元", 10000), ("万人", "人", 10000)]))
def test_a_converted_actual_is_the_same_amount(km: Decimal, units: tuple[str, str, int]
                                               ) -> None:
    big, small, factor = units
    # n big units written as n × factor small units read back as exactly n
    actual = parse_printed(f"{km * factor:f}{small}", actual=True)
    assert reconcile(parse_printed(f"≥1{big}"), actual) == km


def test_a_declared_unit_is_read() -> None:
    with pytest.raises(PrintedValueError, match="unknown unit '棵树'"):
        parse_printed("≥50棵树")
    assert parse_printed("≥50棵树", units=("棵树",)).unit == "棵树"
    assert parse_printed("≥2棵树/亩", units=("棵树",)).unit == "棵树/亩"


@pytest.mark.parametrize(("target", "actual", "number"), [
    ("≥3米", "250厘米", "2.5"),          # 250 cm × 0.01 = 2.5 m
    ("≥2公里", "1500米", "1.5"),          # 1500 m / 1000 = 1.5 km
    ("≥2千米", "2.4km", "2.4"),
    ("≥50厘米", "0.6米", "60"),           # 0.6 m / 0.01 = 60 cm
    ("≤1吨", "800公斤", "0.8"),           # 800 kg / 1000 = 0.8 t
    ("≥500克", "1.2千克", "1200"),        # 1.2 kg / 0.001 = 1200 g
    ("≥20公斤", "20千克", "20"),
    ("≥1TB", "2048GB", "2"),              # 2048 / 1024 = 2 TB
    ("≥512GB", "1TB", "1024"),
    ("≥2公顷", "15000平方米", "1.5"),
    ("≥1万人次", "12000人次", "1.2"),
    ("≤30天", "28日", "28"),
    ("≥90百分比", "92%", "0.92"),
    ("≤500元/亩", "480元/亩", "480"),
    ("≥90%", "≥92%", "0.92"),             # an actual printed with the sign: its number
    ("±10%", "-8%", "-0.08"),
])
def test_conversions_are_exact(target: str, actual: str, number: str) -> None:
    assert reconcile(parse_printed(target), parse_printed(actual, actual=True)) == D(number)


@pytest.mark.parametrize(("target", "actual", "message"), [
    ("≤500元/亩", "0.05万元/亩", "is in 万元/亩 but the target '≤500元/亩' is in 元/亩"),
    ("≥120亩", "8公顷", "is in 公顷"),      # 1 亩 = 10000/15 m²: no exact conversion
    ("≥2公里", "2吨", "is in 吨"),
    ("≥1TB", "1000个", "is in 个"),
])
def test_units_of_other_kinds_are_refused(target: str, actual: str, message: str) -> None:
    with pytest.raises(PrintedValueError, match=message):
        reconcile(parse_printed(target), parse_printed(actual, actual=True))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    list("0123456789.,-+%‰≥≤=<>±/ 万元个米亩五十百千点年月日内以上下不低于覆盖e═⩾≮")),
    max_size=40))
def test_parse_printed_is_total(text: str) -> None:
    # any string is read or refused with PrintedValueError, never another exception
    for actual in (False, True):
        try:
            p = parse_printed(text, actual=actual)
        except PrintedValueError as exc:
            assert str(exc)                       # refused with a message
        else:                                     # read: a number or text, never neither
            assert (p.number is None) != (p.qualitative is None)
