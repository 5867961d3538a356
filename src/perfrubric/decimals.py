"""Decimal conversion and declared rounding.

Money and scores are :class:`decimal.Decimal`.  Floats given as input are
converted through :func:`str` so that ``0.1`` stays ``0.1``; percentages may
be written as strings such as ``"117.14%"`` and become fractions
(``Decimal("1.1714")``).  Rounding is always declared: a
:class:`Rounding` names its places and its mode, and the default mode is
四舍五入 (``half_up``), never Python's banker's rounding.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

import attrs

__all__ = ["MAX_MAGNITUDE", "MAX_PLACES", "ROUNDING_MODES", "NumberOutOfBounds", "Rounding",
           "apportion", "check_bounds", "to_decimal"]

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


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text)} characters)"


def check_bounds(value: Decimal, written: object, places: int | None = MAX_PLACES) -> Decimal:
    """Return *value* if it is finite and within the declared bounds.

    Raises :class:`NumberOutOfBounds` (a :class:`ValueError`) naming the
    bound for a number beyond ±10**15 or with more than *places* decimal places
    (``None``: any number of places, for results of exact arithmetic),
    and :class:`ValueError` for NaN and infinities.  *written* is what the
    user wrote, for the message.
    """
    if not value.is_finite():
        raise ValueError(f"expected a finite number, got {_shown(written)}")
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

_CONTEXT: Final = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_UP)
_QUANTA: Final = tuple(Decimal(1).scaleb(-places) for places in range(13))
# Wide enough to quantize anything within the bounds (15 + 12 digits) exactly.
_WIDE: Final = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP, Emax=decimal.MAX_EMAX,
                               Emin=decimal.MIN_EMIN)


_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][-+]?\d+)?\s*[%％‰]?")


def to_decimal(value: object, *, percent: bool = True) -> Decimal:
    """Convert *value*, a number a user wrote, to a finite :class:`~decimal.Decimal`.

    This is the one place where user text and numbers become Decimals.
    Accepts ``int``, ``float`` (through ``str()``), ``Decimal`` and strings.
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
        result = Decimal(str(value))
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
    check_bounds(result, value, MAX_PLACES + 3 if isinstance(value, Decimal) else MAX_PLACES)
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
