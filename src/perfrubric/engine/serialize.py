"""JSON-ready values: Decimals as text, money as amount and unit (via cattrs).

The building blocks of the documented JSON shape (``docs/json.md``, part of
the public contract: keys are only ever added).  Decimals become strings
without trailing zeros (``"100"``, ``"94.33"``); money becomes
``{"amount": "601.53", "unit": "万元"}``.  This module knows no result
type: :meth:`perfrubric.evaluation.Evaluation.to_dict` assembles the shape.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..units import Money

if TYPE_CHECKING:
    import cattrs

#: Version of the JSON shape; bumped only for incompatible changes.
SCHEMA_VERSION = 1


def decimal_text(value: Decimal) -> str:
    """Canonical text of a Decimal: plain notation, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _money(value: Money) -> dict[str, str]:
    return {"amount": decimal_text(value.amount), "unit": value.unit.symbol}


def plain(value: Any) -> Any:
    """*value* with Decimals and money made JSON-ready, recursively."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Money):
        return _money(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@functools.cache
def _converter() -> cattrs.Converter:
    import cattrs  # deferred: importing perfrubric stays fast

    conv = cattrs.Converter()
    conv.register_unstructure_hook(Decimal, decimal_text)
    conv.register_unstructure_hook(Money, _money)
    return conv



def unstructure(obj: Any) -> Any:
    """*obj* (an attrs instance) as plain dicts and lists, Decimals as text."""
    return _converter().unstructure(obj)
