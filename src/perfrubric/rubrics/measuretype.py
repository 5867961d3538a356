"""Whether a measure gives an amount of money, known before any data exists.

Used by the rubric loader to refuse a money measure declared in ``%``
(``measure = "budget.final"`` with ``unit = "%"``): a percentage is a
ratio, and an amount of money is not one.  The answer is ``True`` only
when every name the expression uses has a type fixed by the data model
(``budget.final`` is money, ``staffing.on_post`` a number); names whose
type the data chooses (``facts.<name>``, ``targets.<id>.<field>``) make
the answer ``None``: unknown, nothing refused.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from types import UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from ..data.facts import static_names
from ..data.model import Department
from ..errors import PerfrubricError
from ..expr import Expression, Value
from ..units import Money

__all__ = ["gives_money", "money_names"]

# Derived names whose value is money (the others derived are counts or shares).
_DERIVED_MONEY = ("budget.project_lines_total",)


def _is_money(tp: Any) -> bool:
    options = get_args(tp) if get_origin(tp) in (Union, UnionType) else (tp,)
    return Money in options


def _field_types(cls: type, prefix: str, out: dict[str, Any]) -> None:
    for field in attrs.fields(attrs.resolve_types(cls)):
        name = f"{prefix}.{field.name}"
        if isinstance(field.type, type) and attrs.has(field.type):
            _field_types(field.type, name, out)
        else:
            out[name] = field.type


@functools.cache
def money_names() -> frozenset[str]:
    """The fixed data names (see :func:`perfrubric.facts.static_names`) that hold money."""
    types: dict[str, Any] = {}
    for field in attrs.fields(attrs.resolve_types(Department)):
        if isinstance(field.type, type) and attrs.has(field.type):
            _field_types(field.type, field.name, types)
    static = set(static_names())
    return frozenset({n for n, tp in types.items() if n in static and _is_money(tp)}
                     | set(_DERIVED_MONEY))


def _typed(name: str) -> bool:
    return name in money_names() or name in static_names() or name.startswith("budget.lines.")


def gives_money(expr: Expression) -> bool | None:
    """``True`` if *expr* gives money, ``False`` if not, ``None`` when the data decides.

    Computed by evaluating the expression on stand-in values: 1 元 for
    every money name, 1 for every other name; an expression that cannot be
    computed on them (a division by zero, a comparison of text) is unknown.
    """
    if not all(_typed(name) for name in expr.names):
        return None

    def stand_in(name: str) -> Value:
        if name in money_names() or name.startswith("budget.lines."):
            return Money(Decimal(1), "元")
        return Decimal(1)

    try:
        value = expr.evaluate(stand_in)
    except PerfrubricError:
        return None
    return isinstance(value, Money)
