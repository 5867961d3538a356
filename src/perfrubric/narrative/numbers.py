"""babel's number formatting, made safe for every number that passed the input bounds.

babel quantizes in the thread's :mod:`decimal` context (28 digits), so a
value within the bounds of :mod:`perfrubric.decimals` but with many digits
(a ratio of 1e15 to 1e-12 is 1e27; in percent 1e29) raised
``decimal.InvalidOperation`` while being formatted.  These wrappers format
in a context wide enough for any such value; the text is the same.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any, Final

from babel import numbers as _babel

__all__ = ["format_compact_decimal", "format_decimal", "format_percent", "get_currency_name"]

# 34 digits cover every input; quotients and products of inputs have up to ~60; a
# measure multiplying many bounded numbers more (its expression has at most 500
# characters, so its value has at most ~1,000 digits): the precision follows the value.
_MIN_PREC: Final = 120


def _wide(number: object) -> decimal.Context:
    digits = 0
    if isinstance(number, Decimal) and number.is_finite():
        digits = abs(number.adjusted()) + len(number.as_tuple().digits)
    return decimal.Context(prec=max(_MIN_PREC, digits + 40), rounding=decimal.ROUND_HALF_EVEN,
                           Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


get_currency_name = _babel.get_currency_name


def format_decimal(number: Decimal | int, *args: Any, **kwargs: Any) -> str:
    """:func:`babel.numbers.format_decimal` in a decimal context wide enough for *number*."""
    with decimal.localcontext(_wide(number)):
        return str(_babel.format_decimal(number, *args, **kwargs))


def format_percent(number: Decimal | int, *args: Any, **kwargs: Any) -> str:
    """:func:`babel.numbers.format_percent` in a decimal context wide enough for *number*."""
    with decimal.localcontext(_wide(number)):
        return str(_babel.format_percent(number, *args, **kwargs))


def format_compact_decimal(number: Decimal | int, *args: Any, **kwargs: Any) -> str:
    """:func:`babel.numbers.format_compact_decimal` in a context wide enough for *number*."""
    with decimal.localcontext(_wide(number)):
        return str(_babel.format_compact_decimal(number, *args, **kwargs))
