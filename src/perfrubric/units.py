"""Money with an explicit unit: 元, 万元, 亿元, and foreign currency such as 万美元.

A :class:`Money` keeps the number as written together with its unit, so
``Money("601.53", "万元")`` prints as the report prints it.  Conversions
between units of one currency are exact powers of ten; amounts in different
currencies are never mixed silently: adding yuan to dollars raises
:class:`UnitError`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

from .decimals import to_decimal
from .errors import PerfrubricError

__all__ = ["UNITS", "Money", "Unit", "UnitError", "parse_unit"]


class UnitError(PerfrubricError, ValueError):
    """An unknown unit, or an operation that would mix currencies."""


@attrs.frozen
class Unit:
    """A money unit: a *currency* (ISO 4217 code) scaled by ``10 ** exponent``.

    ``Unit("CNY", 4)`` is 万元; ``Unit("USD", 4)`` is 万美元.  ``symbol`` is
    the conventional Chinese name used in reports.
    """

    currency: str
    exponent: int
    symbol: str

    @property
    def factor(self) -> Decimal:
        """How many base units (元, 美元) one of this unit is."""
        return Decimal(1).scaleb(self.exponent)

    def __str__(self) -> str:
        return self.symbol


def _units() -> dict[str, Unit]:
    table: dict[str, Unit] = {}
    for currency, name, aliases in (
        ("CNY", "元", ("yuan", "CNY", "RMB", "人民币元")),
        ("USD", "美元", ("USD", "dollar", "US$")),
        ("EUR", "欧元", ("EUR", "euro")),
        ("HKD", "港元", ("HKD",)),
    ):
        for prefix, exponent in (("", 0), ("千", 3), ("万", 4), ("百万", 6), ("亿", 8)):
            unit = Unit(currency, exponent, prefix + name)
            table[prefix + name] = unit
            if exponent == 0:
                for alias in aliases:
                    table[alias] = unit
    return table


#: Every unit name :func:`parse_unit` accepts, mapped to its :class:`Unit`.
UNITS: Final[dict[str, Unit]] = _units()


def parse_unit(name: str | Unit) -> Unit:
    """Return the :class:`Unit` called *name* (``"万元"``, ``"亿美元"``, ``"CNY"``).

    Raises :class:`UnitError` naming the known units otherwise.
    """
    if isinstance(name, Unit):
        return name
    unit = UNITS.get(name.strip()) if isinstance(name, str) else None
    if unit is None:
        raise UnitError(
            f"unknown money unit {name!r}; expected one of 元, 万元, 亿元, 美元, 万美元, 亿美元, "
            "欧元, 港元 (with 千/万/百万/亿) or CNY, USD, EUR, HKD"
        )
    return unit


def _shift(amount: Decimal, exponent: int) -> Decimal:
    # Multiply or divide by a power of ten; unlike scaleb this keeps plain
    # notation (6015300.00, not 6.0153E+6).
    if exponent >= 0:
        return amount * Decimal(10**exponent)
    return amount / Decimal(10**-exponent)


def _convert_amount(value: object) -> Decimal:
    # A Decimal is the result of arithmetic (or was checked where it was read: see
    # perfrubric.model); anything else is a number as written, within the bounds.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"expected a finite amount, got {value}")
        return value
    return to_decimal(value, percent=False)


_SET = object.__setattr__


@attrs.frozen(order=False)
class Money:
    """An amount of money in an explicit unit.

    >>> Money("601.53", "万元").to("元")
    Money(amount=Decimal('6015300.00'), unit=Unit(currency='CNY', exponent=0, symbol='元'))
    >>> Money("5424.65", "万元") + Money("601.53", "万元")
    Money(amount=Decimal('6026.18'), unit=Unit(currency='CNY', exponent=4, symbol='万元'))

    Arithmetic keeps the unit of the left operand; ``/`` between two amounts
    of one currency gives a plain Decimal ratio.  Comparisons work across
    units of one currency.
    """

    amount: Decimal = attrs.field(converter=_convert_amount)
    unit: Unit = attrs.field(default=UNITS["元"], converter=parse_unit)

    @classmethod
    def _checked(cls, amount: Decimal, unit: Unit) -> Money:
        """Money from a finite Decimal *amount* and a :class:`Unit`, both known good.

        What ``Money(amount, unit)`` gives for them, without converting
        again what its converters would return unchanged (for the hot
        loops of a batch: a table's cells, the expression language).
        """
        money = object.__new__(cls)
        _SET(money, "amount", amount)
        _SET(money, "unit", unit)
        return money

    @property
    def currency(self) -> str:
        """The ISO 4217 code of the currency."""
        return self.unit.currency

    def to(self, unit: str | Unit) -> Money:
        """Return the same amount in *unit* (exact; same currency only)."""
        target = parse_unit(unit)
        self._same_currency(target, "convert")
        return Money(_shift(self.amount, self.unit.exponent - target.exponent), target)

    @property
    def base_amount(self) -> Decimal:
        """The amount in the currency's base unit (元 or 美元)."""
        return _shift(self.amount, self.unit.exponent)

    def _same_currency(self, other: Unit, verb: str) -> None:
        if other.currency != self.unit.currency:
            raise UnitError(f"cannot {verb} {self.unit.symbol} and {other.symbol}: "
                            "different currencies")

    def _other(self, other: object, verb: str) -> Money:
        if not isinstance(other, Money):
            raise UnitError(f"cannot {verb} money and a plain number")
        self._same_currency(other.unit, verb)
        return other.to(self.unit)

    def __add__(self, other: object) -> Money:
        return Money(self.amount + self._other(other, "add").amount, self.unit)

    def __sub__(self, other: object) -> Money:
        return Money(self.amount - self._other(other, "subtract").amount, self.unit)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.unit)

    def __mul__(self, other: object) -> Money:
        if isinstance(other, Money):
            raise UnitError("cannot multiply money by money")
        if isinstance(other, bool) or not isinstance(other, (int, Decimal)):
            return NotImplemented
        return Money(self.amount * other, self.unit)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Money | Decimal:
        if isinstance(other, Money):
            self._same_currency(other.unit, "divide")
            return self.base_amount / other.base_amount
        if isinstance(other, bool) or not isinstance(other, (int, Decimal)):
            return NotImplemented
        return Money(self.amount / other, self.unit)

    def _cmp(self, other: object) -> tuple[Decimal, Decimal]:
        o = self._other(other, "compare")
        return self.amount, o.amount

    def __lt__(self, other: object) -> bool:
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other: object) -> bool:
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other: object) -> bool:
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other: object) -> bool:
        a, b = self._cmp(other)
        return a >= b

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.symbol}"
