"""The compiled :class:`Expression` and :func:`parse_expression`, which builds one."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal

import attrs

from ..errors import ExpressionError, RuleInputError
from .parser import _Parser
from .values import Value, _Compiled

__all__ = ["Expression", "parse_expression"]


# -- public API ----------------------------------------------------------------------


@attrs.frozen
class Expression:
    """A compiled measure expression.

    Build one with :func:`parse_expression`.  ``source`` is the text as
    written and ``names`` every dotted data name it reads (including the
    one inside ``has()``), so that a loader can check the names against the
    data model before anything runs.  Two expressions are equal when their
    sources are; ``str(expr)`` is the source.

    >>> e = parse_expression("staffing.on_post / staffing.authorized")
    >>> sorted(e.names)
    ['staffing.authorized', 'staffing.on_post']
    >>> data = {"staffing.on_post": Decimal(21), "staffing.authorized": Decimal(20)}
    >>> e.evaluate(data.__getitem__)
    Decimal('1.05')
    """

    source: str
    names: frozenset[str]
    _run: _Compiled = attrs.field(eq=False, repr=False)

    def evaluate(self, resolve: Callable[[str], Value]) -> Value:
        """Compute the value, reading each data name through *resolve*.

        *resolve* is called with a dotted name and returns its value; ints
        and floats it returns are read as Decimals.  No parsing happens here.

        Raises :class:`~perfrubric.errors.MeasureUnavailable` when *resolve*
        does (a missing name; ``has()`` catches the ``"missing"`` reason) and
        with reason ``"division_by_zero"`` for a division by zero;
        :class:`~perfrubric.errors.RuleInputError` for operands of the wrong
        kind (text added to a number, ``not`` of a number, yuan added to
        dollars) with a message naming the operator and the operands.
        """
        try:
            value = self._run(resolve)
        except decimal.DecimalException as exc:
            raise RuleInputError(f"a number in {self.source!r} is out of range "
                                 f"({type(exc).__name__})") from None
        if isinstance(value, Decimal) and not value and value.is_signed():
            return value.copy_abs()  # -0 reads badly in a report
        return value

    def __str__(self) -> str:
        return self.source

    def __reduce__(self) -> tuple[Callable[[str], Expression], tuple[str]]:
        # The compiled closure cannot be pickled; the source can be re-read.
        return _reparse, (self.source,)


def _reparse(source: str) -> Expression:
    return parse_expression(source, max_length=len(source), max_depth=1 << 16)


def parse_expression(source: str, *, max_length: int = 500, max_depth: int = 32) -> Expression:
    """Tokenize, parse and compile *source* once into an :class:`Expression`.

    *max_length* bounds the number of characters and *max_depth* the
    nesting of parentheses, function calls and prefix ``-`` / ``not``.

    >>> parse_expression("round(2.345, 2)").evaluate(lambda name: Decimal(0))
    Decimal('2.35')

    Raises :class:`~perfrubric.errors.ExpressionError` with a message and
    the 1-based ``column`` of the offending token, and :class:`TypeError`
    if *source* is not a string.
    """
    if not isinstance(source, str):
        raise TypeError(f"an expression must be a str, not {type(source).__name__}")
    if len(source) > max_length:
        raise ExpressionError(f"expression is longer than {max_length} characters "
                              f"({len(source)})", source, max_length + 1)
    try:
        parser = _Parser(source, max_depth)
        node = parser.parse()
    except RecursionError:
        raise ExpressionError("expression nests too deeply to be read", source, 1) from None
    return Expression(source, frozenset(parser.names), node.run)
