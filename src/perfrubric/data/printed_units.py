"""The units, signs and numerals a printed target value may use (see :mod:`.printed`).

Three tables and two small readers, kept apart from the parser:

- :data:`COUNT_UNITS`, the measure words and physical units a quantity may
  carry, and :data:`SCALES`, the units that convert exactly into one another
  (厘米 / 米 / 公里, 克 / 公斤 / 吨, MB / GB / TB, 万人 / 人 …);
- :data:`LOOK_ALIKES`, the characters real forms print for ``= ≥ ≤ > <``
  (``═`` U+2550 drawn as "=", ``⩾``, ``≮`` "not less than" …), mapped to the
  sign they mean;
- :func:`chinese_number`, which reads a number written in Chinese numerals
  (``五十``, ``一百二十``, ``九十``), and :func:`compound_unit`, which accepts a
  rate unit such as ``元/亩`` or ``万元/公里``.

>>> chinese_number("一百二十")
Decimal('120')
>>> convert(Decimal("1.5"), "公里", "米")
Decimal('1500.0')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from ..units import UNITS

__all__ = [
    "COUNT_UNITS", "LOOK_ALIKES", "PERCENT_WORDS", "SCALES", "chinese_number", "compound_unit",
    "convert",
]

#: Measure words and physical units a quantity may carry (besides %, ‰ and money).
COUNT_UNITS: Final[tuple[str, ...]] = (
    # measure words (量词) of things, people and events
    "个", "人", "人次", "户", "户次", "次", "个次", "项", "项次", "件", "份", "批", "期", "场",
    "场次", "篇", "册", "本", "条", "处", "座", "栋", "幢", "间", "张", "所", "家", "辆", "台",
    "套", "只", "头", "株", "棵", "名", "位", "支", "队", "村", "镇", "乡", "类", "种", "宗",
    "起", "例", "课时", "学时", "期次", "门", "节", "块", "片", "组", "对", "盏", "根", "艘",
    "架", "部", "首", "幅", "道", "口", "眼", "孔", "段", "班", "站", "点", "轮", "床", "车次",
    "羽", "尾", "箱", "袋", "卷", "册次", "单", "笔", "票", "网点", "基", "处次", "台套",
    "台次", "架次", "人月", "人天", "课", "堂", "集", "部次", "项目", "个项目", "个村", "个乡镇",
    # time
    "秒", "分钟", "小时", "天", "日", "工作日", "个工作日", "周", "月", "个月", "季度", "年",
    # length, area, volume, mass, energy, data
    "厘米", "cm", "米", "m", "公里", "千米", "km", "平方米", "m2", "平方公里", "km2", "亩",
    "公顷", "万亩", "立方米", "m3", "方", "万立方米", "升", "吨", "万吨", "克", "g", "公斤",
    "千克", "kg", "t", "千瓦", "kW", "千瓦时", "kWh", "兆瓦", "MW", "MB", "GB", "TB",
    # ten-thousands of a measure word
    "万人", "万人次", "万户", "万册", "万株",
    "分",
)

#: Units that convert exactly: unit → (the base of its kind, how many bases one is).
#: 1 TB = 1024 GB = 1024 × 1024 MB (binary, as storage is sized); 亩 does not
#: convert (1 亩 = 10000/15 m², not an exact decimal).
SCALES: Final[dict[str, tuple[str, Decimal]]] = {
    **{u: ("米", Decimal(f)) for u, f in (("厘米", "0.01"), ("cm", "0.01"), ("米", "1"),
                                         ("m", "1"), ("公里", "1000"), ("千米", "1000"),
                                         ("km", "1000"))},
    **{u: ("千克", Decimal(f)) for u, f in (("克", "0.001"), ("g", "0.001"), ("公斤", "1"),
                                          ("千克", "1"), ("kg", "1"), ("吨", "1000"),
                                          ("t", "1000"), ("万吨", "10000000"))},
    **{u: ("MB", Decimal(f)) for u, f in (("MB", "1"), ("GB", "1024"), ("TB", "1048576"))},
    **{u: ("平方米", Decimal(f)) for u, f in (("平方米", "1"), ("m2", "1"),
                                           ("公顷", "10000"), ("平方公里", "1000000"),
                                           ("km2", "1000000"))},
    **{u: ("立方米", Decimal(f)) for u, f in (("立方米", "1"), ("m3", "1"), ("方", "1"),
                                           ("万立方米", "10000"))},
    **{u: ("千瓦", Decimal(f)) for u, f in (("千瓦", "1"), ("kW", "1"), ("兆瓦", "1000"),
                                          ("MW", "1000"))},
    **{u: ("千瓦时", Decimal(1)) for u in ("千瓦时", "kWh")},
    **{u: ("天", Decimal(1)) for u in ("天", "日")},
    **{u: ("个月", Decimal(1)) for u in ("个月", "月")},
    **{u: ("个工作日", Decimal(1)) for u in ("个工作日", "工作日")},
    **{u: ("亩", Decimal(f)) for u, f in (("亩", "1"), ("万亩", "10000"))},
    **{u: (base, Decimal(f)) for base, pairs in (
        ("人", (("人", "1"), ("万人", "10000"))), ("人次", (("人次", "1"), ("万人次", "10000"))),
        ("户", (("户", "1"), ("万户", "10000"))), ("册", (("册", "1"), ("万册", "10000"))),
        ("株", (("株", "1"), ("万株", "10000"))),
    ) for u, f in pairs},
}

#: Words printed for "percent": read as ``%``.
PERCENT_WORDS: Final[tuple[str, ...]] = ("百分比",)

#: Characters forms print for a comparison, after NFKC, mapped to the sign
#: they mean.  ``≮`` (not less than) is ≥, ``≯`` (not more than) is ≤, ``≱``
#: (neither more than nor equal) is <, ``≰`` is >.
LOOK_ALIKES: Final[dict[str, str]] = {
    "═": "=", "꞊": "=", "〓": "=", "⩵": "=", "≡": "=",
    "≧": "≥", "⩾": "≥", "⋝": "≥", "≮": "≥", "⪖": "≥",
    "≦": "≤", "⩽": "≤", "⋜": "≤", "≯": "≤", "⪕": "≤",
    "≱": "<", "≰": ">",
    "〉": ">", "〈": "<", "›": ">", "‹": "<",
}

_DIGITS: Final[dict[str, int]] = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3,
                                  "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL: Final[dict[str, int]] = {"十": 10, "百": 100, "千": 1000}
_LARGE: Final[dict[str, int]] = {"万": 10_000, "亿": 100_000_000}
#: Characters of a number in Chinese numerals.
CHINESE_NUMERALS: Final[str] = "".join(_DIGITS) + "".join(_SMALL) + "".join(_LARGE) + "点"


def chinese_number(text: str) -> Decimal | None:
    """The number *text* writes in Chinese numerals (``五十`` → 50), or ``None``.

    Reads the ordinary positional form (``一千零五``, ``十二``, ``三万五千``,
    ``九十五点五``); anything else (``一一``, ``十十``) is ``None``.

    >>> chinese_number("九十五点五"), chinese_number("三万五千"), chinese_number("万")
    (Decimal('95.5'), Decimal('35000'), None)
    """
    whole, _, fraction = text.partition("点")
    if not whole or (fraction and not all(ch in _DIGITS for ch in fraction)):
        return None
    total = section = 0
    digit: int | None = None
    last_small, last_large = 10_000, 10**12
    for ch in whole:
        if ch in _DIGITS:
            if digit:
                return None  # 一一: two digits in a row are not positional
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if unit >= last_small or digit == 0 or (digit is None and section):
                return None  # 百十, 零十, 一百十
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif ch in _LARGE:
            unit = _LARGE[ch]
            part = section + (digit or 0)
            if unit >= last_large or part == 0:
                return None
            total += part * unit
            section, digit, last_small, last_large = 0, None, 10_000, unit
        else:
            return None
    number = Decimal(total + section + (digit or 0))
    if fraction:
        number += Decimal("0." + "".join(str(_DIGITS[ch]) for ch in fraction))
    return number


def compound_unit(unit: str, known: frozenset[str]) -> bool:
    """Whether *unit* is a rate of two known units (``元/亩``, ``万元/公里``, ``人/班``).

    The numerator is a money unit or a known unit, the denominator a known unit
    or ``人·年``-style product of two; such a unit is compared only with itself.
    """
    top, slash, bottom = unit.partition("/")
    if not slash or "/" in bottom or not top or not bottom:
        return False
    if top not in UNITS and top not in known:
        return False
    return all(part in known for part in bottom.split("·"))


def convert(number: Decimal, unit: str, into: str) -> Decimal | None:
    """*number* in *unit* written in *into*, exactly, or ``None`` if they do not convert."""
    a, b = SCALES.get(unit), SCALES.get(into)
    if a is None or b is None or a[0] != b[0]:
        return None
    if a[1] == b[1]:
        return number
    return number * a[1] / b[1]
