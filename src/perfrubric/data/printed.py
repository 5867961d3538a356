"""Values as a performance-target table prints them: ``≥50个``, ``≤90万元``, ``按时完成``.

A project's 绩效目标表 and its 自评表 write each 年度指标值 and 实际完成值 as
text: an optional comparison (``≥ ≤ = > <``, full-width ``＞ ＜ ≧ ≦``, or words
such as 不低于, 不超过, …以上, …以内), a number with its unit (个, 人, km,
%, ‰, 万元 …), or qualitative text (效果明显).  :func:`parse_printed` turns one
such text into a :class:`Printed` value; :func:`reconcile` checks that an
actual is written in the target's unit (converting 元/万元 and km/公里
exactly) and gives the actual's number in the target's unit.

Rules (see ``docs/projects.md``):

- Text is read after Unicode NFKC normalisation, so full-width digits,
  ``％``, ``＞＝`` and full-width spaces read like their ASCII forms; spaces
  anywhere are ignored.
- ``≥ ≧ >= 不低于 不少于 不小于 大于等于 达到 …以上 …及以上`` mean "at least"
  (more is better); ``≤ ≦ <= 不高于 不超过 不多于 不大于 小于等于 控制在
  …以内 …以下 …内`` mean "at most" (less is better); ``> 大于 高于 超过`` and
  ``< 小于 低于 少于`` are strict; ``= 等于`` is "exactly", scored like "at
  least" (a rate of ``=100%`` cannot be exceeded), and ``=0`` like "at
  most" (``=0起``: any incident is a shortfall).  A prefix and a suffix
  that disagree (``≥50个以下``) are an error.
- A number has no exponent and no Chinese numerals; its unit is one of
  :data:`COUNT_UNITS`, a rate (``%`` or ``‰``), or a money unit (元, 万元,
  亿元 …).
- Text without a digit, or a deadline written with a date
  (``2022年12月31日前完成``), is qualitative.  Other text with digits that is
  not a number with a known unit is refused, never guessed.

>>> parse_printed("≥50个")
Printed(text='≥50个', operator='>=', number=Decimal('50'), unit='个', qualitative=None)
>>> parse_printed("不超过 90 万元").direction
'lower'
>>> parse_printed("85%").value
Decimal('0.85')
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

import attrs

from ..decimals import check_bounds
from ..errors import PerfrubricError
from ..units import UNITS

__all__ = [
    "COUNT_UNITS",
    "LEVELS",
    "OPERATORS",
    "Printed",
    "PrintedValueError",
    "level_name",
    "parse_printed",
    "reconcile",
]

#: Canonical operators: at least, at most, exactly, more than, less than.
OPERATORS: Final[tuple[str, ...]] = (">=", "<=", "=", ">", "<")

#: The printed symbol of each canonical operator.
_SYMBOL: Final[dict[str, str]] = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}

#: The three judgements of a qualitative target (财预〔2020〕10号), with the
#: share of the row's points each band spans: 达成 80–100%, 部分达成 60–80%,
#: 未达成 0–60%.
LEVELS: Final[tuple[tuple[str, Decimal, Decimal], ...]] = (
    ("达成预期指标", Decimal("0.8"), Decimal("1")),
    ("部分达成预期指标", Decimal("0.6"), Decimal("0.8")),
    ("未达成预期指标", Decimal("0"), Decimal("0.6")),
)

_LEVEL_ALIASES: Final[dict[str, str]] = {
    "达成预期指标": "达成预期指标", "达成": "达成预期指标", "达成预期": "达成预期指标",
    "达成目标": "达成预期指标", "已达成": "达成预期指标",
    "部分达成预期指标": "部分达成预期指标", "部分达成": "部分达成预期指标",
    "部分达成预期": "部分达成预期指标",
    "未达成预期指标": "未达成预期指标", "未达成": "未达成预期指标",
    "未达成预期": "未达成预期指标", "未达到预期": "未达成预期指标",
}

#: Measure words and physical units a quantity may carry (besides %, ‰ and money).
COUNT_UNITS: Final[tuple[str, ...]] = (
    "个", "人", "人次", "户", "次", "项", "件", "份", "批", "期", "场", "篇", "册", "本",
    "条", "处", "座", "栋", "间", "张", "所", "家", "辆", "台", "套", "只", "头", "株", "棵",
    "名", "位", "支", "队", "村", "镇", "类", "宗", "起", "例", "课时", "学时", "期次",
    "天", "日", "工作日", "个工作日", "周", "月", "个月", "季度", "年", "小时", "分钟",
    "公里", "千米", "km", "米", "m", "平方米", "m2", "平方公里", "km2", "亩", "公顷",
    "吨", "千克", "kg", "立方米", "m3", "万人", "万人次", "万户", "万册", "万吨", "万亩",
    "分",
)

# Units that name the same thing; the first of each group is canonical.
_SAME_UNITS: Final[tuple[tuple[str, ...], ...]] = (
    ("公里", "千米", "km"), ("天", "日"), ("个月", "月"), ("米", "m"), ("平方米", "m2"),
    ("平方公里", "km2"), ("千克", "kg"), ("立方米", "m3"), ("个工作日", "工作日"),
)
_CANONICAL_UNIT: Final[dict[str, str]] = {u: group[0] for group in _SAME_UNITS for u in group}

_RATES: Final[dict[str, Decimal]] = {"%": Decimal(100), "‰": Decimal(1000)}

# Word operators, longest first so 大于等于 wins over 大于.
_PREFIXES: Final[tuple[tuple[str, str], ...]] = tuple(sorted((
    (">=", ">="), ("≥", ">="), ("≧", ">="), ("⩾", ">="),
    ("<=", "<="), ("≤", "<="), ("≦", "<="), ("⩽", "<="),
    ("=", "="), ("==", "="), (">", ">"), ("<", "<"),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("大于等于", ">="), ("大于或等于", ">="),
    ("达到", ">="), ("至少", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("不大于", "<="), ("小于等于", "<="),
    ("小于或等于", "<="), ("控制在", "<="), ("最多", "<="), ("至多", "<="),
    ("等于", "="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"),
), key=lambda p: -len(p[0])))

_SUFFIXES: Final[tuple[tuple[str, str], ...]] = tuple(sorted((
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
    ("之内", "<="), ("内", "<="),
), key=lambda p: -len(p[0])))

_NUMBER = re.compile(r"^([-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)(.*)$")
_DATE = re.compile(r"\d{4}年|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|末|前|中旬|上旬|下旬)|\d{1,2}日前")


class PrintedValueError(PerfrubricError, ValueError):
    """A printed value that cannot be read, or an actual that does not fit its target.

    The message says what was expected; the data loader adds the location
    (``target[3].actual``).
    """


@attrs.frozen
class Printed:
    """One printed value: a comparison, a number with its unit, or qualitative text.

    ``text`` is the value as given; ``operator`` one of :data:`OPERATORS` or
    ``None``; ``number`` the number as printed (``85`` for ``85%``);
    ``unit`` the unit as printed (``%``, ``个``, ``万元``) or ``None``;
    ``qualitative`` the text of a qualitative value (``按时完成``), in which
    case ``number`` is ``None``.
    """

    text: str
    operator: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    qualitative: str | None = None

    @property
    def is_quantity(self) -> bool:
        """Whether the value is a number (with or without a unit)."""
        return self.number is not None

    @property
    def is_rate(self) -> bool:
        """Whether the unit is ``%`` or ``‰``."""
        return self.unit in _RATES

    @property
    def is_money(self) -> bool:
        """Whether the unit is a money unit (元, 万元 …)."""
        return self.unit in UNITS

    @property
    def direction(self) -> Literal["higher", "lower"] | None:
        """``lower`` for ≤, < and ``=0``; ``higher`` for ≥, > and =; ``None`` without one.

        ``=`` is scored like ``≥`` (a rate of ``=100%`` cannot be exceeded),
        except ``=0`` (零事故: nothing above 0 is acceptable), scored like ``≤``.
        """
        if self.operator is None:
            return None
        if self.operator == "=" and self.number == 0:
            return "lower"
        return "lower" if self.operator in ("<=", "<") else "higher"

    @property
    def value(self) -> Decimal | None:
        """The number as the model keeps it: rates as fractions (``85%`` → ``0.85``)."""
        if self.number is None:
            return None
        scale = _RATES.get(self.unit or "")
        return self.number / scale if scale is not None else self.number

    @property
    def symbol(self) -> str:
        """The operator as printed in reports (``≥``), or ``""``."""
        return "" if self.operator is None else _SYMBOL[self.operator]

    def __str__(self) -> str:
        return self.text


def _clean(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def level_name(text: str) -> str | None:
    """The canonical judgement (:data:`LEVELS`) *text* names, or ``None``.

    >>> level_name("部分达成")
    '部分达成预期指标'
    """
    return _LEVEL_ALIASES.get(_clean(text))


def _split_operator(body: str, text: str) -> tuple[str | None, str]:
    prefix = None
    for word, op in _PREFIXES:
        if body.startswith(word):
            prefix, body = op, body[len(word):]
            break
    suffix = None
    for word, op in _SUFFIXES:
        if body.endswith(word) and len(body) > len(word):
            suffix, body = op, body[:-len(word)]
            break
    if prefix is not None and suffix is not None and prefix != suffix:
        raise PrintedValueError(f"{text!r} has two comparisons that disagree ("
                                f"{_SYMBOL[prefix]} before the number, "
                                f"{_SYMBOL[suffix]} after it)")
    if body[:1] in ("≥", "≤", ">", "<", "=", "≧", "≦"):
        raise PrintedValueError(f"{text!r} has more than one comparison sign")
    return prefix or suffix, body


def parse_printed(text: object, *, actual: bool = False) -> Printed:
    """Read one printed value (a 年度指标值, or with *actual* an 实际完成值).

    A number (``int``, ``float`` through :func:`str`, ``Decimal``) is a bare
    quantity without a unit.  An actual value is a result, so it takes no
    comparison sign.  Raises :class:`PrintedValueError` saying what was
    expected.

    >>> parse_printed("不低于90%")
    Printed(text='不低于90%', operator='>=', number=Decimal('90'), unit='%', qualitative=None)
    >>> parse_printed("效果明显").qualitative
    '效果明显'
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a value such as \"≥50个\", \"85%\" or text, got "
                                f"{text!r}")
    if isinstance(text, (int, float, Decimal)):
        try:
            number = Decimal(str(text)) if not isinstance(text, Decimal) else text
        except InvalidOperation:  # pragma: no cover - str() of a float is always readable
            raise PrintedValueError(f"expected a number, got {text!r}") from None
        if not number.is_finite():
            raise PrintedValueError(f"expected a finite number, got {text!r}")
        number = _check_range(number, text)
        return Printed(str(text), None, number, None, None)
    if not isinstance(text, str):
        raise PrintedValueError(f"expected text such as \"≥50个\" or a number, got "
                                f"{type(text).__name__}")
    body = _clean(text)
    if not body:
        raise PrintedValueError("empty value; write the figure as printed, e.g. \"≥50个\"")
    if len(body) > 200:
        raise PrintedValueError(f"a printed value of {len(body)} characters is too long "
                                "(at most 200)")
    if not any(ch.isdigit() for ch in body) or _DATE.search(body):
        if body[0] in "≥≤><=≧≦" and not any(ch.isdigit() for ch in body):
            raise PrintedValueError(f"{text!r} has a comparison sign but no number")
        return Printed(text, None, None, None, text.strip())
    operator, rest = _split_operator(body, text)
    if operator is not None and actual:
        raise PrintedValueError(f"{text!r} is written as a target; an actual value is a "
                                "result without a comparison, e.g. \"50个\" or \"96%\"")
    match = _NUMBER.match(rest)
    if match is None:
        raise PrintedValueError(f"cannot read {text!r}: expected a number with its unit, "
                                "such as \"≥50个\", \"≤90万元\", \"=100%\", or qualitative "
                                "text without digits")
    digits, unit = match[1], match[2]
    if "," in digits and not re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?([eE][-+]?\d+)?",
                                          digits):
        raise PrintedValueError(f"cannot read {text!r}: misplaced thousands separator")
    number = _check_range(Decimal(digits.replace(",", "")), text)
    if unit and unit not in _RATES and unit not in UNITS and unit not in COUNT_UNITS:
        raise PrintedValueError(f"cannot read {text!r}: unknown unit {unit!r}; expected %, ‰, "
                                "a money unit (元, 万元, 亿元 …) or a measure word such as 个, "
                                "人, 天, 月, km, 公里 (see COUNT_UNITS)")
    return Printed(text, operator, number, unit or None, None)


def _check_range(number: Decimal, text: object) -> Decimal:
    """*number* as :func:`check_bounds` returns it (a zero normalized), or refused."""
    try:
        return check_bounds(number, text)
    except ValueError as exc:
        raise PrintedValueError(str(exc)) from None


def _same(a: str, b: str) -> bool:
    return _CANONICAL_UNIT.get(a, a) == _CANONICAL_UNIT.get(b, b)


def _shown(p: Printed) -> str:
    return repr(p.text)


def reconcile(target: Printed, actual: Printed) -> Decimal | None:
    """The actual's number in the target's unit (rates as fractions), checking units.

    Returns ``None`` for a qualitative pair.  Money converts exactly
    (``900000元`` against ``≤90万元`` is 90); ``%`` and ``‰`` convert to each
    other; 公里/km/千米, 天/日 and 月/个月 are the same unit.  A bare number is
    read in the target's unit when that is a measure word (``50`` against
    ``≥50个``), but never for a rate or money, where writing the unit is
    required (``88`` against ``≥85%`` could be 88% or 8800%).  Raises
    :class:`PrintedValueError` otherwise.

    >>> reconcile(parse_printed("≤90万元"), parse_printed("900000元"))
    Decimal('90')
    """
    if target.qualitative is not None or actual.qualitative is not None:
        if target.qualitative is not None and actual.qualitative is None:
            raise PrintedValueError(f"{_shown(actual)} is a number but the target "
                                    f"{_shown(target)} is qualitative; give the judgement as "
                                    "level = \"达成预期指标\" | \"部分达成预期指标\" | "
                                    "\"未达成预期指标\"")
        if actual.qualitative is not None and target.qualitative is None:
            raise PrintedValueError(f"{_shown(actual)} is not a number but the target "
                                    f"{_shown(target)} is; write the result as a number "
                                    f"{'with the unit ' + repr(target.unit) if target.unit else ''}"
                                    .rstrip())
        return None
    assert target.number is not None and actual.number is not None
    t_unit, a_unit = target.unit, actual.unit
    if t_unit is None and a_unit is None:
        return actual.number
    if t_unit is None:
        kind = "a percentage" if actual.is_rate else f"in {a_unit}"
        raise PrintedValueError(f"{_shown(actual)} is {kind} but the target {_shown(target)} "
                                "is a plain number; write both the same way")
    if a_unit is None:
        if target.is_rate:
            raise PrintedValueError(f"{_shown(actual)} has no unit but the target "
                                    f"{_shown(target)} is a percentage; write "
                                    f"\"{actual.text}{t_unit}\"")
        if target.is_money:
            raise PrintedValueError(f"{_shown(actual)} has no unit but the target "
                                    f"{_shown(target)} is money; write the unit, e.g. "
                                    f"\"{actual.text}{t_unit}\"")
        return actual.number
    if target.is_rate and actual.is_rate:
        value = actual.value
        assert value is not None
        return value
    if target.is_money and actual.is_money:
        t, a = UNITS[t_unit], UNITS[a_unit]
        if t.currency != a.currency:
            raise PrintedValueError(f"{_shown(actual)} is in {a.currency} but the target "
                                    f"{_shown(target)} is in {t.currency}")
        shift = a.exponent - t.exponent  # exact: a power of ten, kept in plain notation
        return (actual.number * Decimal(10) ** shift if shift >= 0
                else actual.number / Decimal(10) ** -shift)
    if _same(t_unit, a_unit):
        return actual.number
    raise PrintedValueError(f"{_shown(actual)} is in {a_unit} but the target {_shown(target)} "
                            f"is in {t_unit}; write the result in {t_unit}")
