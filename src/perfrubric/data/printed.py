"""Values as a performance-target table prints them: ``≥50个``, ``≤90万元``, ``按时完成``.

A project's 绩效目标表 and its 自评表 write each 年度指标值 and 实际完成值 as
text: an optional comparison (``≥ ≤ = > <``, their look-alikes, or words
such as 不低于, 不超过, …以上, …以内) or a tolerance (``±10%``), a number
with its unit (个, 人, km, %, ‰, 万元, 元/亩 …), or qualitative text
(效果明显).  :func:`parse_printed` turns one such text into a
:class:`Printed` value; :func:`reconcile` checks that an actual is written
in the target's unit (converting exactly between units of one kind, see
:mod:`.printed_units`) and gives the actual's number in the target's unit.

Rules (see ``docs/projects.md``):

- Text is read after Unicode NFKC normalisation, so full-width digits,
  ``％``, ``＞＝`` and full-width spaces read like their ASCII forms; spaces
  anywhere are ignored; look-alike signs (``═`` U+2550, ``⩾``, ``≮`` …, see
  :data:`~.printed_units.LOOK_ALIKES`) read as the sign they stand for.
- ``≥ >= 不低于 不少于 不小于 大于等于 达到 …以上 …及以上`` mean "at least"
  (more is better); ``≤ <= 不高于 不超过 不多于 不大于 小于等于 控制在
  …以内 …以下 …内`` mean "at most" (less is better); ``> 大于 高于 超过`` and
  ``< 小于 低于 少于`` are strict; ``= 等于`` is "exactly", scored like "at
  least" (a rate of ``=100%`` cannot be exceeded), and ``=0`` like "at
  most" (``=0起``: any incident is a shortfall); ``±N`` is a tolerance (the
  actual's size at most N).  A prefix and a suffix that disagree
  (``≥50个以下``) are an error.
- A number has no exponent and at most :data:`MAX_DIGITS` digits before the
  point; Chinese numerals are read when a known unit or a comparison goes
  with them (``不低于五十个``, ``九十%``, ``百分之九十``).  Its unit is one of
  :data:`COUNT_UNITS`, a rate (``%``, ``‰``, ``百分比``), a money unit (元,
  万元, 亿元 …), a rate of two units (``元/亩``), ``万`` (万元 in a money
  row, see :class:`~perfrubric.data.targets.Target`), or one of the *units*
  the data declares; a remark after it (``100%覆盖``) is noted.
- Text without a digit, or a deadline written with a date
  (``2022年12月31日前完成``), is qualitative.  Other text with digits that is
  not a number with a known unit is refused, never guessed.
- An actual printed with a sign (``≥266米``) is read as its number.  Every
  such reading is kept in :attr:`Printed.notes`.

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
from .printed_units import (
    CHINESE_NUMERALS,
    COUNT_UNITS,
    LOOK_ALIKES,
    PERCENT_WORDS,
    chinese_number,
    compound_unit,
    convert,
)

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

#: Canonical operators: at least, at most, exactly, more than, less than, within.
OPERATORS: Final[tuple[str, ...]] = (">=", "<=", "=", ">", "<", "±")

#: The printed symbol of each canonical operator.
_SYMBOL: Final[dict[str, str]] = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<",
                                  "±": "±"}

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

#: The first characters of the prefixes and the last of the suffixes (no other can match).
_PREFIX_HEADS: Final = frozenset(word[0] for word, _ in _PREFIXES)
_SUFFIX_TAILS: Final = frozenset(word[-1] for word, _ in _SUFFIXES)

_NUMBER = re.compile(r"^([-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+))(.*)$")
_EXPONENT = re.compile(r"^[eE][-+]?\d")
_DATE = re.compile(r"\d{4}年|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|末|前|中旬|上旬|下旬)|\d{1,2}日前")
_PER_CENT = re.compile(r"百分之([0-9][0-9.,]*|[零〇一二两三四五六七八九十百千点]+)")
_TOLERANCE: Final[tuple[str, ...]] = ("±", "+/-", "+-")
#: Words a form prints after a figure that say what the figure is (``100%覆盖``):
#: the figure is read, the word is kept in the text.
_REMARKS: Final[tuple[str, ...]] = ("全覆盖", "覆盖", "完成", "达标", "到位", "合格", "兑现",
                                    "落实")
#: At most this many digits before the point (10**15 is the library's bound).
MAX_DIGITS: Final = 15

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
    case ``number`` is ``None``; ``notes`` how the text was read (a
    look-alike sign, Chinese numerals, 百分比, a remark, a signed actual).
    """

    text: str
    operator: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    qualitative: str | None = None
    notes: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def is_tolerance(self) -> bool:
        """Whether the value is a tolerance ``±N`` (reached within N either side of 0)."""
        return self.operator == "±"

    @property
    def is_strict(self) -> bool:
        """Whether the comparison is strict (``>``, ``<``, 高于, 低于 …)."""
        return self.operator in (">", "<")

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
        return "lower" if self.operator in ("<=", "<", "±") else "higher"

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


def _signs(body: str) -> tuple[str, tuple[str, ...]]:
    """*body* with look-alike comparison characters (``═``, ``⩾``, ``≮`` …) as ``= ≥ ≤ > <``."""
    notes = tuple(f"'{ch}' (U+{ord(ch):04X}) read as '{LOOK_ALIKES[ch]}'"
                  for ch in dict.fromkeys(body) if ch in LOOK_ALIKES)
    if not notes:
        return body, ()
    return "".join(LOOK_ALIKES.get(ch, ch) for ch in body), notes


def level_name(text: str) -> str | None:
    """The canonical judgement (:data:`LEVELS`) *text* names, or ``None``.

    >>> level_name("部分达成")
    '部分达成预期指标'
    """
    return _LEVEL_ALIASES.get(_clean(text))


def _split_operator(body: str, text: str) -> tuple[str | None, str]:
    prefix = None
    if body[:1] in _PREFIX_HEADS:  # most values start with a digit: no word to try
        for word, op in _PREFIXES:
            if body.startswith(word):
                prefix, body = op, body[len(word):]
                break
    suffix = None
    if body[-1:] in _SUFFIX_TAILS:
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


def parse_printed(text: object, *, actual: bool = False,
                  units: tuple[str, ...] | frozenset[str] = ()) -> Printed:
    """Read one printed value (a 年度指标值, or with *actual* an 实际完成值).

    A number (``int``, ``float`` through :func:`str`, ``Decimal``) is a bare
    quantity without a unit.  An actual printed with a sign (``≥266米``) is
    read as its number, and the value's ``notes`` say so.  *units* are extra
    measure words the data declares (a target's ``unit``).  Raises
    :class:`PrintedValueError` saying what was expected; any string is
    either read or refused, in time linear in its (capped) length.

    >>> parse_printed("不低于90%")
    Printed(text='不低于90%', operator='>=', number=Decimal('90'), unit='%', qualitative=None)
    >>> parse_printed("效果明显").qualitative
    '效果明显'
    """
    if type(text) is str and type(units) in _HASHABLE_UNITS:
        # The same text reads the same way every time (Printed is frozen): a county's
        # forms repeat "=100%" and "≥90%" thousands of times. Only what reads is kept.
        # A text is kept from its second reading on: figures read once (most actual
        # values) would only fill the cache and give the garbage collector work.
        key = (text, actual, units)
        found = _READ.get(key)
        if found is None:
            found = _parse(text, actual=actual, units=units)
            if text in _SEEN:
                if len(_READ) >= _READ_SIZE:
                    _READ.clear()
                _READ[key] = found
            else:
                if len(_SEEN) >= 4 * _READ_SIZE:
                    _SEEN.clear()
                _SEEN.add(text)
        return found
    return _parse(text, actual=actual, units=units)


#: Printed texts already read: (text, actual, units) → Printed (bounded).
_READ: dict[tuple[str, bool, tuple[str, ...] | frozenset[str]], Printed] = {}
_READ_SIZE = 4096
#: Texts read once (bounded): a text is cached when it comes again.
_SEEN: set[str] = set()
_HASHABLE_UNITS = (tuple, frozenset)


#: The commonest printed value, read in one step: a sign (≥ ≤ =), plain digits, a unit.
_PLAIN = re.compile(r"([≥≤=]?)([0-9]{1,15}(?:\.[0-9]{1,12})?)([^0-9.,\s+\-±]{0,8})")
_PLAIN_SIGNS: Final[dict[str, str | None]] = {"": None, "≥": ">=", "≤": "<=", "=": "="}


def _parse(text: object, *, actual: bool,
           units: tuple[str, ...] | frozenset[str]) -> Printed:
    """:func:`parse_printed` itself (uncached)."""
    if type(text) is str:
        plain = _PLAIN.fullmatch(text)
        if plain is not None:
            found = _plain(text, plain, actual, units)
            if found is not None:
                return found
    return _parse_general(text, actual=actual, units=units)


def _plain(text: str, plain: re.Match[str], actual: bool,
           units: tuple[str, ...] | frozenset[str]) -> Printed | None:
    """*text* read as :func:`_parse_general` reads it, when it is plainly ``≥50个``; else ``None``.

    Only a text every step of the general reading leaves as it is takes this
    lane: no space, nothing NFKC changes, no look-alike sign, no date, no
    operator word, a unit the general reading knows as it stands, a number
    within the bounds by its shape (at most 15 digits before the point and
    12 after, so :func:`~perfrubric.decimals.check_bounds` keeps it as it is).
    ``tests/test_printed.py`` checks that both readings agree.
    """
    sign, digits, unit = plain.groups()
    if unit:
        known = _PLAIN_UNITS.get(unit) if not units else None
        if known is None:
            known = _plain_unit(unit, units)
            if not units:
                _PLAIN_UNITS[unit] = known
        if not known or (unit[0] in "年月日" and _DATE.search(text) is not None):
            return None
    operator = _PLAIN_SIGNS[sign]
    notes: tuple[str, ...] = ()
    if operator is not None and actual:
        notes = (f"the actual is printed with the sign '{_SYMBOL[operator]}'; read as its "
                 "number",)
    return Printed(text, operator, Decimal(digits), unit or None, None, notes)


def _plain_unit(unit: str, units: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether the general reading takes *unit* after a number exactly as it stands.

    (A unit here has no digit, so it never starts an exponent.)
    """
    return ((unit in _RATES or unit in UNITS or unit in COUNT_UNITS or unit in units
             or unit == "万")
            and unit[-1] not in _SUFFIX_TAILS
            and "百分之" not in unit and unicodedata.is_normalized("NFKC", unit)
            and not any(ch in LOOK_ALIKES for ch in unit))


#: Units after a number, by whether :func:`_plain` takes them (without declared units).
_PLAIN_UNITS: dict[str, bool] = {}


def _parse_general(text: object, *, actual: bool,
                   units: tuple[str, ...] | frozenset[str]) -> Printed:
    """:func:`parse_printed` step by step: every spelling, every check."""
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
    if len(text) > 1000:
        raise PrintedValueError(f"a printed value of {len(text)} characters is too long "
                                "(at most 200)")
    body, notes = _signs(_clean(text))
    if "百分之" in body:  # 百分之九十 is 九十%
        body, count = _PER_CENT.subn(r"\1%", body)
        if count:
            notes += ("'百分之…' read as '…%'",)
    if not body:
        raise PrintedValueError("empty value; write the figure as printed, e.g. \"≥50个\"")
    if len(body) > 200:
        raise PrintedValueError(f"a printed value of {len(body)} characters is too long "
                                "(at most 200)")
    known = frozenset(units)
    tolerance = next((sign for sign in _TOLERANCE if body.startswith(sign)), None)
    if tolerance is not None:
        if actual:
            raise PrintedValueError(f"{text!r} is a tolerance; an actual value is a result, "
                                    "e.g. \"-3%\" or \"8%\"")
        number, unit, more = _quantity(body[len(tolerance):], text, known)
        if number < 0:
            raise PrintedValueError(f"{text!r}: a tolerance is a size, not a negative number")
        return Printed(text, "±", number, unit, None, notes + more)
    if not any(ch.isdigit() for ch in body):
        return _without_digits(text, body, notes, known, actual)
    dated = _DATE.search(body) is not None
    try:
        operator, rest = _split_operator(body, text)
    except PrintedValueError:
        if dated:
            return Printed(text, None, None, None, text.strip())
        raise
    if dated and operator is None:
        return Printed(text, None, None, None, text.strip())  # a deadline: 2022年12月31日前
    try:
        number, unit, more = _quantity(rest, text, known)
    except PrintedValueError:
        if dated:
            return Printed(text, None, None, None, text.strip())
        raise
    if operator is not None and actual:
        more += (f"the actual is printed with the sign '{_SYMBOL[operator]}'; read as its "
                 "number",)
    return Printed(text, operator, number, unit, None, notes + more)


def _without_digits(text: str, body: str, notes: tuple[str, ...], known: frozenset[str],
                    actual: bool) -> Printed:
    """A value without a digit: Chinese numerals with a unit (``九十%``), or qualitative text."""
    try:
        operator, rest = _split_operator(body, text)
    except PrintedValueError:  # 达到…以内: words of a qualitative text, not two signs
        if body[0] in "≥≤><=":
            raise
        return Printed(text, None, None, None, text.strip())
    run = len(rest) - len(rest.lstrip(CHINESE_NUMERALS))
    number = chinese_number(rest[:run]) if run else None
    if number is not None:
        unit = _unit(rest[run:], text, known, quiet=True)
        if unit is not None and (unit[0] or operator is not None):
            more: tuple[str, ...] = (f"'{rest[:run]}' read as {number}",)
            if operator is not None and actual:
                more += (f"the actual is printed with the sign '{_SYMBOL[operator]}'; read as "
                         "its number",)
            return Printed(text, operator, number, unit[0] or None, None,
                           notes + unit[1] + more)
        if operator is not None and (run > 1 or rest[run:run + 1] in "%‰"):
            raise PrintedValueError(
                f"cannot read {text!r}: a comparison with a number in Chinese numerals "
                f"('{rest[:run]}') and an unknown unit {rest[run:]!r}; write the figure in "
                "digits with its unit (e.g. \"≥50个\"), or declare the unit on the target "
                "(unit = \"…\")")
    if body[0] in "≥≤><=":
        raise PrintedValueError(f"{text!r} has a comparison sign but no number")
    return Printed(text, None, None, None, text.strip())


def _quantity(rest: str, text: str, known: frozenset[str]
              ) -> tuple[Decimal, str | None, tuple[str, ...]]:
    """The number and unit of *rest* (what follows the comparison), with notes."""
    match = _NUMBER.match(rest)
    if match is None:
        raise PrintedValueError(f"cannot read {text!r}: expected a number with its unit, "
                                "such as \"≥50个\", \"≤90万元\", \"=100%\", or qualitative "
                                "text without digits")
    digits, tail = match[1], match[2]
    if _EXPONENT.match(tail):
        raise PrintedValueError(f"cannot read {text!r}: a printed value has no exponents; "
                                "write the number in full (\"≥50个\", not \"≥5e1个\")")
    if "," in digits and not re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", digits):
        raise PrintedValueError(f"cannot read {text!r}: misplaced thousands separator")
    plain = digits.replace(",", "")
    whole = plain.lstrip("+-").split(".")[0].lstrip("0")
    if len(whole) > MAX_DIGITS:
        raise PrintedValueError(f"the number in {text!r} is too large: a printed value has at "
                                f"most {MAX_DIGITS} digits before the point")
    number = _check_range(Decimal(plain), text)
    unit = _unit(tail, text, known)
    assert unit is not None
    return number, unit[0] or None, unit[1]


def _unit(tail: str, text: str, known: frozenset[str], *, quiet: bool = False
          ) -> tuple[str, tuple[str, ...]] | None:
    """The unit *tail* names (``""`` for none) and its notes; ``None`` or an error if unknown."""
    if tail in ("", "万") or tail in _RATES or tail in UNITS or tail in COUNT_UNITS \
            or tail in known:
        return tail, ()
    if tail in PERCENT_WORDS:
        return "%", (f"'{tail}' read as '%'",)
    if compound_unit(tail, known | frozenset(COUNT_UNITS)):
        return tail, ()
    for word in _REMARKS:
        if tail.endswith(word) and len(tail) > len(word):
            head = _unit(tail[:-len(word)], text, known, quiet=True)
            if head is not None and head[0]:
                return head[0], (*head[1], f"'{word}' after the figure is read as a remark")
    if quiet:
        return None
    raise PrintedValueError(f"cannot read {text!r}: unknown unit {tail!r}; expected %, ‰, "
                            "a money unit (元, 万元, 亿元 …), a measure word such as 个, 人, 天, "
                            "月, 公里 (see COUNT_UNITS), a rate such as 元/亩, or a unit the "
                            "target declares (unit = \"…\")")


def _check_range(number: Decimal, text: object) -> Decimal:
    """*number* as :func:`check_bounds` returns it (a zero normalized), or refused."""
    try:
        return check_bounds(number, text)
    except ValueError as exc:
        raise PrintedValueError(str(exc)) from None


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
    if t_unit == a_unit:
        return actual.number
    converted = convert(actual.number, a_unit, t_unit)
    if converted is not None:
        return converted
    raise PrintedValueError(f"{_shown(actual)} is in {a_unit} but the target {_shown(target)} "
                            f"is in {t_unit}; write the result in {t_unit}")
