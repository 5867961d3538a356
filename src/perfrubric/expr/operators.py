"""The operators of the expression language, applied to values.

Arithmetic, comparison and truth tests on :data:`~perfrubric.expr.values.Value`,
including amounts of :class:`~perfrubric.units.Money`, with messages that
name the operator and the operands.
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from ..errors import MeasureUnavailable, RuleInputError
from ..units import Money, UnitError
from .values import _CTX, Value, _Binary, _kind

_COMPARISONS: Final = frozenset({"==", "!=", "<", "<=", ">", ">="})


# -- compiled operations -------------------------------------------------------------
#
# Each operation takes its operands and ``where``, the source text of the
# operation, for messages.  The common case (two Decimals) is tried first.


def _cannot(op: str, a: Value, b: Value, where: str, why: str = "") -> RuleInputError:
    verb = "compare" if op in _COMPARISONS else "apply"
    if verb == "compare":
        text = f"cannot compare {_kind(a)} and {_kind(b)} with '{op}'"
    else:
        text = f"cannot apply '{op}' to {_kind(a)} and {_kind(b)}"
    return RuleInputError(f"{text}{why} (in {where!r})")


def _divided_by_zero(where: str) -> MeasureUnavailable:
    return MeasureUnavailable("division_by_zero", f"division by zero in {where!r}")


_MONEY_OPS: Final[dict[str, Callable[[Value, Value], Value]]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}


_POWERS: Final = {e: Decimal(10 ** e) for e in range(0, 13)}


def _money(amount: Decimal, unit: Any) -> Money:
    """``Money(amount, unit)`` for a computed amount: checked finite, as the constructor does."""
    if amount.is_finite():
        return Money._checked(amount, unit)
    return Money(amount, unit)  # the constructor says what is wrong


def base_amount(money: Money) -> Decimal:
    """:attr:`Money.base_amount` computed in the expression language's context, as there."""
    return base_of(money.amount, money.unit.exponent)


def base_of(amount: Decimal, exponent: int) -> Decimal:
    """*amount* of a unit of 10***exponent* in its currency's base unit, as :func:`base_amount`."""
    if exponent >= 0:
        return _CTX.multiply(amount, _POWERS[exponent])
    return _CTX.divide(amount, _POWERS[-exponent])


def _money_arith(op: str, a: Value, b: Value, where: str) -> Value:
    if type(a) is Money and type(b) is Money and a.unit is b.unit:
        # Two amounts in one unit (the common case), computed as Money's operators do
        # in this context: the other converted to this unit is itself (× 1, exact).
        if op == "-":
            return _money(_CTX.subtract(a.amount, b.amount), a.unit)
        if op == "+":
            return _money(_CTX.add(a.amount, b.amount), a.unit)
        if op == "/" and b.amount:
            return _CTX.divide(base_amount(a), base_amount(b))
    a_money, b_money = isinstance(a, Money), isinstance(b, Money)
    a_num = a_money or isinstance(a, Decimal)
    b_num = b_money or isinstance(b, Decimal)
    allowed = a_num and b_num and (
        (op in ("+", "-") and a_money and b_money)
        or (op == "*" and a_money != b_money)
        or (op == "/" and a_money)
    )
    if not allowed:
        raise _cannot(op, a, b, where)
    if isinstance(a, Money) and isinstance(b, Money) and a.currency != b.currency:
        raise _cannot(op, a, b, where, ": different currencies")
    if op == "/" and not (b.amount if isinstance(b, Money) else b):
        raise _divided_by_zero(where)
    try:
        with decimal.localcontext(_CTX):
            return _MONEY_OPS[op](a, b)
    except UnitError as exc:
        raise RuleInputError(f"{exc} (in {where!r})") from None


def _add(a: Value, b: Value, where: str) -> Value:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return _CTX.add(a, b)
    return _money_arith("+", a, b, where)


def _sub(a: Value, b: Value, where: str) -> Value:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return _CTX.subtract(a, b)
    return _money_arith("-", a, b, where)


def _mul(a: Value, b: Value, where: str) -> Value:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return _CTX.multiply(a, b)
    return _money_arith("*", a, b, where)


def _div(a: Value, b: Value, where: str) -> Value:
    if (type(a) is Decimal and type(b) is Decimal) or (isinstance(a, Decimal)
                                                      and isinstance(b, Decimal)):
        if not b:
            raise _divided_by_zero(where)
        return _CTX.divide(a, b)
    return _money_arith("/", a, b, where)


def _neg(value: Value, where: str) -> Value:
    if isinstance(value, Decimal):
        return _CTX.minus(value)
    if isinstance(value, Money):
        with decimal.localcontext(_CTX):
            return -value
    raise RuleInputError(f"cannot apply '-' to {_kind(value)} (in {where!r})")


def _same_money(op: str, a: Value, b: Value, where: str) -> tuple[Money, Money]:
    # Zero needs no unit: `budget.sangong.previous_budget > 0` compares with 0 of its unit.
    if isinstance(a, Money) and isinstance(b, Decimal) and not isinstance(b, bool) and b == 0:
        b = Money(b, a.unit)
    elif isinstance(b, Money) and isinstance(a, Decimal) and a == 0:
        a = Money(a, b.unit)
    if isinstance(a, Money) and isinstance(b, Money):
        if a.currency != b.currency:
            raise _cannot(op, a, b, where, ": different currencies")
        return a, b
    raise _cannot(op, a, b, where)


def _order(op: str, compare: Callable[[Any, Any], Any]) -> _Binary:
    def ordered(a: Value, b: Value, where: str) -> Value:
        if isinstance(a, Decimal) and isinstance(b, Decimal):
            return bool(compare(a, b))
        if type(a) is Money and type(b) is Decimal and not b:
            return bool(compare(a.amount, b))  # against zero: the amount's sign (as below)
        x, y = _same_money(op, a, b, where)
        try:
            with decimal.localcontext(_CTX):
                return bool(compare(x, y))  # Money's operators convert between units
        except UnitError as exc:
            raise RuleInputError(f"{exc} (in {where!r})") from None
    return ordered


def _equal(op: str, a: Value, b: Value, where: str) -> bool:
    if isinstance(a, Money) or isinstance(b, Money):
        x, y = _same_money(op, a, b, where)
        with decimal.localcontext(_CTX):
            return x.base_amount == y.base_amount  # 1亿元 == 10000万元
    for kind in (bool, str, tuple):
        if isinstance(a, kind) and isinstance(b, kind):
            return a == b
    raise _cannot(op, a, b, where)


def _eq(a: Value, b: Value, where: str) -> Value:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return _equal("==", a, b, where)


def _ne(a: Value, b: Value, where: str) -> Value:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a != b
    return not _equal("!=", a, b, where)


_BINARY: Final[dict[str, _Binary]] = {
    "+": _add, "-": _sub, "*": _mul, "/": _div, "==": _eq, "!=": _ne,
    "<": _order("<", operator.lt), "<=": _order("<=", operator.le),
    ">": _order(">", operator.gt), ">=": _order(">=", operator.ge),
}


def _truth(value: Value, op: str, operand: str) -> bool:
    if isinstance(value, bool):
        return value
    need = "a yes/no value" if op == "not" else "yes/no values"
    raise RuleInputError(f"'{op}' needs {need}, but {operand!r} is {_kind(value)}")
