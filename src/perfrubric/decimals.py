"""Decimal conversion and declared rounding.

Money and scores are :class:`decimal.Decimal`.  Floats given as input are
read at 15 significant digits, what a spreadsheet shows (:func:`from_float`),
so that ``0.1`` stays ``0.1`` and ``96.89999999999999`` (the binary float
of an Excel formula) is ``96.9``; percentages may
be written as strings such as ``"117.14%"`` and become fractions
(``Decimal("1.1714")``).  Rounding is always declared: a
:class:`Rounding` names its places and its mode, and the default mode is
四舍五入 (``half_up``), never Python's banker's rounding.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

import attrs

__all__ = ["MAX_MAGNITUDE", "MAX_PLACES", "ROUNDING_MODES", "NumberOutOfBounds", "Rounding",
           "Share", "apportion", "check_bounds", "from_float", "share_text", "to_decimal"]

#: The largest magnitude a number written in a rubric or a data file may have:
#: 10**15 (a thousand 万亿, whatever the unit).  Larger numbers are refused,
#: so that every sum, ratio and format stays exact and fast.
MAX_MAGNITUDE: Final = Decimal(10**15)
_MAX_INT: Final = int(MAX_MAGNITUDE)
#: The most decimal places a written number may have (nothing finer than 1e-12).
MAX_PLACES: Final = 12
#: The longest number text read (digits, sign, point, exponent, unit).
_MAX_TEXT: Final = 100


class NumberOutOfBounds(ValueError):
    """A number beyond :data:`MAX_MAGNITUDE` or finer than :data:`MAX_PLACES` places."""


class Share(Decimal):
    """A number written as a share, ``"87.5%"`` or ``"875‰"``, held as its fraction.

    It is a :class:`~decimal.Decimal` in every way (equal, same hash,
    arithmetic gives plain Decimals); its type only records that the
    writer said the number is a share.  A measure in ``%`` or ``‰`` that
    reads a free fact refuses a bare number there (is ``87.5`` 87.5% or
    8750%?), and accepts a :class:`Share`.

    >>> Share("0.875") == Decimal("0.875"), share_text(Share("0.875"))
    (True, '87.5%')
    """

    __slots__ = ()


def share_text(value: Decimal) -> str:
    """*value*, a fraction, written as a percentage: ``0.875`` → ``"87.5%"``.

    Exact: the digits are moved, never rounded, and trailing zeros dropped.
    """
    text = format(value.scaleb(2), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text)} characters)"


def check_bounds(value: Decimal, written: object, places: int | None = MAX_PLACES) -> Decimal:
    """Return *value* if it is finite and within the declared bounds.

    A zero comes back as plain ``Decimal(0)`` whatever its exponent or sign:
    ``0E-999999999`` passes every bound (it is zero), but written out in
    full it would be a billion characters, so it is normalized where
    numbers enter.  Raises :class:`NumberOutOfBounds` (a :class:`ValueError`) naming the
    bound for a number beyond ±10**15 or with more than *places* decimal places
    (``None``: any number of places, for results of exact arithmetic),
    and :class:`ValueError` for NaN and infinities.  *written* is what the
    user wrote, for the message.
    """
    if not value.is_finite():
        raise ValueError(f"expected a finite number, got {_shown(written)}")
    if not value:
        exponent = value.as_tuple().exponent
        # 0.00 keeps its places; only a zero whose exponent no written number needs is reset.
        if value.is_signed() or not isinstance(exponent, int) or \
                not -(MAX_PLACES + 3) <= exponent <= 0:
            return _ZERO
        return value
    if value.adjusted() > 15 or (value.adjusted() == 15 and value.copy_abs() > MAX_MAGNITUDE):
        raise NumberOutOfBounds(
            f"the number {_shown(written)} is too large: numbers may be at most 1e15 "
            "(1,000,000,000,000,000) in magnitude")
    exponent = value.as_tuple().exponent
    if (places is not None and isinstance(exponent, int) and exponent < -places
            and value != value.quantize(Decimal(1).scaleb(-places), context=_WIDE)):
        raise NumberOutOfBounds(
            f"the number {_shown(written)} is too fine: numbers may have at most "
            f"{MAX_PLACES} decimal places (nothing finer than 1e-12)")
    return value


#: Rounding modes a rubric may name, and the :mod:`decimal` constant of each.
#: ``down`` truncates towards zero (截断), which is what the seed report's
#: percentages are consistent with.
ROUNDING_MODES: Final[dict[str, str]] = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
}

_ZERO: Final = Decimal(0)
_CONTEXT: Final = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_UP)
_QUANTA: Final = tuple(Decimal(1).scaleb(-places) for places in range(13))
# Wide enough to quantize anything within the bounds (15 + 12 digits) exactly.
_WIDE: Final = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP, Emax=decimal.MAX_EMAX,
                               Emin=decimal.MIN_EMIN)


#: Significant digits a binary float is read at: what Excel shows of a number, and
#: the most any float holds reliably (``sys.float_info.dig``).
FLOAT_DIGITS: Final = 15


def from_float(value: float) -> Decimal:
    """The decimal a person meant by the binary float *value*: 15 significant digits.

    A float is the nearest binary fraction to a decimal someone typed or a
    formula computed; its shortest ``repr`` may still carry the binary
    noise (``1234.56 + 1e-13`` prints ``1234.5600000000002``).  Read at 15
    significant digits, as Excel shows it, the noise goes and what was
    typed comes back.  Whole floats come back whole (``146.0`` → ``146``).
    NaN and infinities are returned as Decimal NaN and Infinity, for the
    caller to refuse.

    >>> from_float(96.89999999999999), from_float(1234.5600000000002), from_float(146.0)
    (Decimal('96.9'), Decimal('1234.56'), Decimal('146'))
    >>> from_float(0.1 + 0.2)
    Decimal('0.3')
    """
    if not math.isfinite(value):
        return Decimal(repr(value))
    text = format(value, f".{FLOAT_DIGITS}g")
    result = Decimal(text)
    # "1.5e+03" reads back with a positive exponent: give it its plain digits.
    return result.quantize(_ONE) if result == result.to_integral_value() and \
        abs(result) < _FLOAT_WHOLE else result


_ONE: Final = Decimal(1)
_FLOAT_WHOLE: Final = Decimal(10) ** FLOAT_DIGITS


_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][-+]?\d+)?\s*[%％‰]?")


def to_decimal(value: object, *, percent: bool = True) -> Decimal:
    """Convert *value*, a number a user wrote, to a finite :class:`~decimal.Decimal`.

    This is the one place where user text and numbers become Decimals.
    Accepts ``int``, ``float`` (at 15 significant digits, :func:`from_float`),
    ``Decimal`` and strings.
    With *percent* true, a string ending in ``%`` is divided by 100 and a
    string ending in ``‰`` by 1000.  Booleans are refused: ``True`` is not
    a number in a scoring table.  The number as written must lie within
    ±:data:`MAX_MAGNITUDE` (1e15) and have at most :data:`MAX_PLACES` (12)
    decimal places.

    >>> to_decimal(0.1)
    Decimal('0.1')
    >>> to_decimal("117.14%")
    Decimal('1.1714')

    Raises :class:`ValueError` with a readable message otherwise
    (:class:`NumberOutOfBounds` for a number beyond the bounds).
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    scale = 1
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if abs(value) > _MAX_INT:  # before any conversion: a 5,000-digit int stays cheap
            raise NumberOutOfBounds(
                f"the number {_shown(value if value.bit_length() < 10_000 else '(huge)')} is "
                "too large: numbers may be at most 1e15 (1,000,000,000,000,000) in magnitude")
        return Decimal(value)  # whole and within the bounds: nothing more to check
    elif isinstance(value, float):
        result = from_float(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if "," in text:
            # A comma only separates thousands (1,234.5): "601,53" (a decimal comma)
            # or "1,2345" would otherwise be read 100 or 10 times too large, silently.
            if not _THOUSANDS.fullmatch(text):
                raise ValueError(f"expected a number such as 1234.5 or 1,234.5 (a comma only "
                                 f"between groups of three digits; the decimal point is '.'), "
                                 f"got {value!r}")
            text = text.replace(",", "")
        if len(text) > _MAX_TEXT:
            raise NumberOutOfBounds(f"expected a number of at most {_MAX_TEXT} characters, "
                                    f"got {_shown(value)}")
        if percent and text.endswith(("%", "％")):  # ％: the full-width sign
            text, scale = text[:-1].strip(), 100
        elif percent and text.endswith("‰"):
            text, scale = text[:-1].strip(), 1000
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError(f"expected a number such as 12.5 or '12.5%', got {value!r}") from None
    else:
        raise ValueError(f"expected a number, got {type(value).__name__} {_shown(repr(value))}")
    # A Decimal may be a percentage already divided by 100 or 1000 (3 more places).
    places = MAX_PLACES + 3 if isinstance(value, Decimal) else MAX_PLACES
    result = check_bounds(result, value, places)
    if scale != 1:
        result = _CONTEXT.divide(result, Decimal(scale))
    return result


def _check_mode(_instance: object, _attribute: object, value: str) -> None:
    if value not in ROUNDING_MODES:
        known = ", ".join(ROUNDING_MODES)
        raise ValueError(f"unknown rounding mode {value!r}; expected one of {known}")


def _check_places(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 12:
        raise ValueError(f"rounding places must be a whole number from 0 to 12, got {value!r}")


@attrs.frozen
class Rounding:
    """A declared rounding: decimal *places* and a *mode* from :data:`ROUNDING_MODES`.

    >>> Rounding(2).apply(Decimal("2.345"))
    Decimal('2.35')
    >>> Rounding(4, "down").apply(Decimal("1.171452"))
    Decimal('1.1714')
    """

    places: int = attrs.field(default=2, validator=_check_places)
    mode: str = attrs.field(default="half_up", validator=_check_mode)

    @property
    def quantum(self) -> Decimal:
        """The smallest step kept, ``Decimal('0.01')`` for two places."""
        return _QUANTA[self.places]

    def apply(self, value: Decimal) -> Decimal:
        """Round *value* to the declared places with the declared mode.

        Exact for any finite value: the precision grows with the value's
        digits (a quotient of numbers within the bounds has at most 28 whole
        digits), so quantizing never fails.
        """
        context = _CONTEXT
        if value.is_finite() and value.adjusted() + self.places >= 33:
            context = decimal.Context(prec=value.adjusted() + self.places + 2,
                                      rounding=decimal.ROUND_HALF_UP, Emax=decimal.MAX_EMAX,
                                      Emin=decimal.MIN_EMIN)
        rounded = value.quantize(_QUANTA[self.places], rounding=ROUNDING_MODES[self.mode],
                                 context=context)
        # Normalise negative zero, which a truncated tiny negative would give.
        return rounded if rounded else abs(rounded)

    def __str__(self) -> str:
        return f"{self.places} places, {self.mode}"


def apportion(total: Decimal, weights: Sequence[Decimal], places: int = 2) -> list[Decimal]:
    """Split *total* in proportion to *weights* at *places*, the parts adding up exactly.

    Largest remainder (Hamilton): every part is rounded down, then the
    quanta left go to the largest remainders, ties to the earlier part.

    >>> apportion(Decimal(10), [Decimal(1)] * 3)
    [Decimal('3.34'), Decimal('3.33'), Decimal('3.33')]
    """
    quantum = Decimal(1).scaleb(-places)
    whole = sum(weights, Decimal(0))
    exact = [total * w / whole for w in weights]
    parts = [e.quantize(quantum, rounding=decimal.ROUND_FLOOR) for e in exact]
    left = int((total - sum(parts, Decimal(0))) / quantum)
    order = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:left]:
        parts[i] += quantum
    return parts
