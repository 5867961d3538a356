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
from decimal import Decimal
from typing import Final

import attrs

__all__ = ["ROUNDING_MODES", "Rounding", "to_decimal"]

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


def to_decimal(value: object, *, percent: bool = True) -> Decimal:
    """Convert *value* to a finite :class:`~decimal.Decimal`.

    Accepts ``int``, ``float`` (through ``str()``), ``Decimal`` and strings.
    With *percent* true, a string ending in ``%`` is divided by 100 and a
    string ending in ``‰`` by 1000.  Booleans are refused: ``True`` is not
    a number in a scoring table.

    >>> to_decimal(0.1)
    Decimal('0.1')
    >>> to_decimal("117.14%")
    Decimal('1.1714')

    Raises :class:`ValueError` with a readable message otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        scale = Decimal(1)
        if percent and text.endswith("%"):
            text, scale = text[:-1].strip(), Decimal(100)
        elif percent and text.endswith("‰"):
            text, scale = text[:-1].strip(), Decimal(1000)
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError(f"expected a number such as 12.5 or '12.5%', got {value!r}") from None
        if scale != 1:
            result = _CONTEXT.divide(result, scale)
    else:
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r}")
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
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
        """Round *value* to the declared places with the declared mode."""
        rounded = value.quantize(_QUANTA[self.places], rounding=ROUNDING_MODES[self.mode],
                                 context=_CONTEXT)
        # Normalise negative zero, which a truncated tiny negative would give.
        return rounded if rounded else abs(rounded)

    def __str__(self) -> str:
        return f"{self.places} places, {self.mode}"
