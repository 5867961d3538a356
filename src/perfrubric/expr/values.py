"""The values of the expression language, the types of compiled code, and the context.

:data:`Value` is what an expression reads and gives; ``_Compiled`` is the
closure a parsed expression becomes; ``_CTX`` is the decimal context every
computation runs in, whatever the caller's.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Final, Union

from ..units import Money

#: A value an expression reads or gives: a number, a yes/no value, text, a
#: list of text (checklist items) or an amount of money.
Value = Union[Decimal, bool, str, tuple[str, ...], Money]  # noqa: UP007 - a runtime alias

_Resolve = Callable[[str], Value]
_Compiled = Callable[[_Resolve], Value]
_Binary = Callable[[Value, Value, str], Value]

#: Every computation runs in this context, never in the caller's.
_CTX: Final = decimal.Context(prec=34)


def _kind(value: Value) -> str:
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Money):
        return f"money in {value.unit.symbol}"
    return "a list"
