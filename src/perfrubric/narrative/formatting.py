"""Numbers, percentages, money and quantities as a locale writes them (through babel)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..decimals import Rounding
from ..units import UNITS, Money
from .catalogs import _babel, _zh

__all__ = ["format_money", "format_number", "format_percent_value", "format_points", "format_rate"]

_PERCENT_UNITS = ("%", "％")
_RATE_SCALE = {"%": Decimal(100), "％": Decimal(100), "‰": Decimal(1000)}
#: English words for currencies where babel's own name reads oddly in a report
#: ("Chinese yuan"); other currencies use babel's plural name ("US dollars").
_CURRENCY_WORDS = {"CNY": "yuan"}
#: babel's compact forms scale by at most 10**15; keep every digit below that.
_EXTRA_DIGITS = 15
_MILLION = Decimal(10) ** 6


def _grouping(locale: str) -> str:
    # Chinese reports write 12147万美元 and 1358人 without group separators.
    return "0" if _zh(locale) else "#,##0"


def _exact_digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_number(value: Decimal, *, locale: str = "zh_CN", places: int | None = None) -> str:
    """A plain number as the locale writes it.

    A whole number has no decimals; otherwise exactly *places* decimals
    (the value is expected to be rounded already; babel does not round it
    again), or every digit of *value* when *places* is ``None``.  zh_CN
    writes no group separators (``12147``); en does (``12,147``).

    >>> format_number(Decimal("0.5"), places=2)
    '0.50'
    >>> format_number(Decimal("12147"), locale="en")
    '12,147'
    """
    from .numbers import format_decimal
    loc = _babel(locale)
    group = _grouping(locale)
    if value == value.to_integral_value():
        return format_decimal(value.to_integral_value(), format=group, locale=loc)
    pattern = group + "." + ("0" * places if places else "#")
    return format_decimal(value, format=pattern, locale=loc, decimal_quantization=False)


def format_points(value: Decimal, rounding: Rounding, *, locale: str = "zh_CN") -> str:
    """Points as reports write them: ``100``, ``0.50`` (the places of *rounding*)."""
    return format_number(value, locale=locale, places=rounding.places)


def format_percent_value(shown: Decimal, places: int, *, locale: str = "zh_CN") -> str:
    """A percentage already rounded in percent units, with exactly *places* decimals.

    >>> format_percent_value(Decimal("117.14"), 2)
    '117.14%'
    >>> format_percent_value(Decimal("100"), 1, locale="en")
    '100.0%'
    """
    from .numbers import format_percent
    pattern = "0" + ("." + "0" * places if places else "") + "%"
    return format_percent(shown.scaleb(-2), format=pattern, locale=_babel(locale),
                          decimal_quantization=False)


def format_rate(ratio: Decimal, rounding: Rounding, *, locale: str = "zh_CN") -> str:
    """A ratio as a percentage: rounded with the declared *rounding* first, then formatted.

    >>> format_rate(Decimal("8.39") / Decimal("7.5"), Rounding(1, "down"))
    '111.8%'
    """
    return format_percent_value(rounding.apply(ratio.scaleb(2)), rounding.places, locale=locale)


def _base_symbol(currency: str) -> str:
    return next(u.symbol for u in UNITS.values() if u.currency == currency and u.exponent == 0)


def format_money(money: Money, *, locale: str = "zh_CN", compact: bool = False) -> str:
    """Money with its unit, every digit kept.

    zh_CN writes the amount in its own unit, as reports do: ``252.94亿元``,
    ``12147万美元``; with *compact*, babel's compact form of the amount in
    元/美元 (``1.2147亿美元``).  en writes words: from a million up, babel's
    long compact form (``25.294 billion yuan``, ``839 million US dollars``),
    below it the amount with separators (``6,015.3 yuan``); *compact* does
    not change en.

    >>> format_money(Money("252.94", "亿元"))
    '252.94亿元'
    >>> format_money(Money("8.39", "亿美元"), locale="en")
    '839 million US dollars'
    """
    from .numbers import format_compact_decimal, get_currency_name
    loc = _babel(locale)
    base = money.base_amount
    if _zh(locale):
        if compact:
            number = format_compact_decimal(base, locale=loc,
                                            fraction_digits=_exact_digits(base) + _EXTRA_DIGITS)
            return number + _base_symbol(money.currency)
        return format_number(money.amount, locale=locale) + money.unit.symbol
    if abs(base) >= _MILLION:
        number = format_compact_decimal(base, format_type="long", locale=loc,
                                        fraction_digits=_exact_digits(base) + _EXTRA_DIGITS)
    else:
        number = format_number(base, locale=locale)
    word = _CURRENCY_WORDS.get(money.currency) or get_currency_name(
        money.currency, count=base, locale=loc)
    return f"{number} {word}"


def _quantity(value: Decimal, unit: str | None, locale: str,
              compact: bool = False) -> tuple[Any, str]:
    """(structured value, text) of an amount in *unit*: money, a count (13座) or a number."""
    if unit is not None and unit in UNITS:
        money = Money(value, unit)
        return money, format_money(money, locale=locale, compact=compact)
    if unit in _RATE_SCALE:  # kept as a fraction: 0.85 is written 85%
        shown = value * _RATE_SCALE[unit]
        if unit == "‰":
            return value, format_number(shown, locale=locale) + "‰"
        return value, format_percent_value(shown, _exact_digits(shown), locale=locale)
    text = format_number(value, locale=locale)
    if not unit:
        return value, text
    if _zh(locale):
        return value, text + unit
    english = _EN_UNITS.get(unit)
    if english is None:   # a unit the table does not know: as the data writes it
        return value, f"{text} {unit}"
    if isinstance(english, str):   # a classifier (个, 座, 项…): English counts need none
        return value, text
    singular, plural = english
    return value, f"{text} {singular if value == 1 else plural}"


#: English for the measure words and units a form prints (printed.COUNT_UNITS): a pair
#: (singular, plural), or "" for a classifier that English leaves out ("50 个" → "50").
#: Units in 万 (万人, 万吨 …) are not in the table and stay as written.
_EN_UNITS: dict[str, tuple[str, str] | str] = {
    **dict.fromkeys(("个", "项", "件", "份", "批", "场", "篇", "册", "本", "条", "处", "座",
                     "栋", "间", "张", "所", "家", "辆", "台", "套", "只", "头", "株", "棵",
                     "名", "位", "支", "队", "类", "宗", "例"), ""),
    "人": ("person", "people"), "人次": ("person-time", "person-times"),
    "户": ("household", "households"), "次": ("time", "times"), "起": ("case", "cases"),
    "期": ("session", "sessions"), "期次": ("session", "sessions"),
    "村": ("village", "villages"), "镇": ("town", "towns"),
    "课时": ("class hour", "class hours"), "学时": ("class hour", "class hours"),
    "天": ("day", "days"), "日": ("day", "days"),
    "工作日": ("working day", "working days"), "个工作日": ("working day", "working days"),
    "周": ("week", "weeks"), "月": ("month", "months"), "个月": ("month", "months"),
    "季度": ("quarter", "quarters"), "年": ("year", "years"),
    "小时": ("hour", "hours"), "分钟": ("minute", "minutes"),
    "公里": ("km", "km"), "千米": ("km", "km"), "km": ("km", "km"),
    "米": ("m", "m"), "m": ("m", "m"), "平方米": ("m²", "m²"), "m2": ("m²", "m²"),
    "平方公里": ("km²", "km²"), "km2": ("km²", "km²"), "亩": ("mu", "mu"),
    "公顷": ("ha", "ha"), "吨": ("t", "t"), "千克": ("kg", "kg"), "kg": ("kg", "kg"),
    "立方米": ("m³", "m³"), "m3": ("m³", "m³"), "分": ("point", "points"),
}
