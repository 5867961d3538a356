"""The compiler of the expression language: builders of the closures a parse yields.

Each builder takes already-compiled operands and returns one closure that
computes a value through the ``resolve`` function the engine passes in.
"""

from __future__ import annotations

import decimal
import operator
from decimal import Decimal
from typing import NoReturn

from ..decimals import from_float
from ..errors import MeasureUnavailable, RuleInputError
from ..units import Money
from .operators import _neg, _truth
from .values import _CTX, Value, _Binary, _Compiled, _kind, _Resolve


def _from_data(name: str, value: object) -> Value:
    # Data values are normalised here, once per read: ints and floats become
    # Decimals (floats at 15 significant digits, as everywhere: 0.1 stays 0.1),
    # and nothing else that Python could call a method on enters a computation.
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        value = Decimal(value) if isinstance(value, int) else from_float(value)
    if isinstance(value, Decimal):
        if value.is_finite():
            return value
        raise RuleInputError(f"{name!r} is not a finite number ({value})")
    if isinstance(value, (str, Money)):
        return value
    if isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise RuleInputError(f"{name!r} has a value of type {type(value).__name__}, "
                         "which an expression cannot use")


def _constant(value: Value) -> _Compiled:
    def constant(resolve: _Resolve) -> Value:
        return value
    return constant


def _load(name: str) -> _Compiled:
    def load(resolve: _Resolve) -> Value:
        value = resolve(name)
        kind = type(value)
        if kind is Money or kind is str:
            return value  # as _from_data gives them
        if isinstance(value, Decimal) and value.is_finite():
            return value
        return _from_data(name, value)
    return load


def _has(name: str) -> _Compiled:
    def has(resolve: _Resolve) -> Value:
        try:
            resolve(name)
        except MeasureUnavailable as exc:
            if exc.reason == "missing":
                return False
            raise
        return True
    return has


def _unary_minus(operand: _Compiled, where: str) -> _Compiled:
    def negate(resolve: _Resolve) -> Value:
        return _neg(operand(resolve), where)
    return negate


def _not(operand: _Compiled, fragment: str) -> _Compiled:
    def negate(resolve: _Resolve) -> Value:
        return not _truth(operand(resolve), "not", fragment)
    return negate


def _chain(first: _Compiled, steps: tuple[tuple[_Binary, _Compiled, str], ...]) -> _Compiled:
    # A run of one precedence level (a - b + c) becomes one loop, not a
    # closure per operator, so long sums do not deepen the Python stack.
    if len(steps) == 1:
        ((op, second, where),) = steps

        def binary(resolve: _Resolve) -> Value:
            return op(first(resolve), second(resolve), where)
        return binary

    def chain(resolve: _Resolve) -> Value:
        value = first(resolve)
        for op, operand, where in steps:
            value = op(value, operand(resolve), where)
        return value
    return chain


def _logic(op: str, operands: tuple[tuple[_Compiled, str], ...]) -> _Compiled:
    stop = op == "or"  # the value that ends the evaluation early

    def logic(resolve: _Resolve) -> Value:
        for operand, fragment in operands:
            if _truth(operand(resolve), op, fragment) is stop:
                return stop
        return not stop
    return logic


def _extreme(name: str, operands: tuple[_Compiled, ...], where: str) -> _Compiled:
    better = operator.lt if name == "min" else operator.gt

    def extreme(resolve: _Resolve) -> Value:
        values = [operand(resolve) for operand in operands]
        keys = [v for v in values if isinstance(v, Decimal)]
        amounts = [v for v in values if isinstance(v, Money)]
        if len(amounts) == len(values) and len({m.currency for m in amounts}) == 1:
            with decimal.localcontext(_CTX):
                keys = [m.base_amount for m in amounts]  # compared across units
        elif len(keys) != len(values):
            kinds = ", ".join(_kind(v) for v in values)
            raise RuleInputError(f"{name}() needs numbers, or money in one currency; got "
                                 f"{kinds} (in {where!r})")
        best = 0
        for i in range(1, len(keys)):
            if better(keys[i], keys[best]):
                best = i
        return values[best]
    return extreme


def _abs(operand: _Compiled, where: str) -> _Compiled:
    def absolute(resolve: _Resolve) -> Value:
        value = operand(resolve)
        if isinstance(value, Decimal):
            return _CTX.abs(value)
        if isinstance(value, Money):
            return Money(_CTX.abs(value.amount), value.unit)
        raise RuleInputError(f"abs() needs a number, got {_kind(value)} (in {where!r})")
    return absolute


def _round(operand: _Compiled, places: int, where: str) -> _Compiled:
    quantum = Decimal(1).scaleb(-places)

    def rounded(resolve: _Resolve) -> Value:
        value = operand(resolve)
        amount = value.amount if isinstance(value, Money) else value
        if not isinstance(amount, Decimal):
            raise RuleInputError(f"round() needs a number, got {_kind(value)} (in {where!r})")
        try:
            result = amount.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=_CTX)
        except decimal.InvalidOperation:
            raise RuleInputError(f"round() cannot keep {places} places of {amount}: too many "
                                 f"digits (in {where!r})") from None
        return Money(result, value.unit) if isinstance(value, Money) else result
    return rounded


def _no_data(name: str) -> NoReturn:
    raise AssertionError(f"a constant expression read {name!r}")  # pragma: no cover
