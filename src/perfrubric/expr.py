"""Safe measure expressions: the library's own tokenizer, parser and compiler.

Rubric measures are small formulas over the department data, such as
``staffing.on_post / staffing.authorized``.  They are parsed once, at load,
into nested Python closures; user text never reaches ``eval``/``exec`` and
no attribute of a Python object can be reached: a dotted name is only ever
looked up through the ``resolve`` function the engine passes in.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER ["%"] | STRING | "true" | "false" | NAME
             | FUNC "(" args ")" | "(" expr ")"
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Final, Union

import attrs

from .errors import ExpressionError, MeasureUnavailable, RuleInputError
from .units import Money, UnitError

__all__ = ["Expression", "Value", "parse_expression"]

#: A value an expression works with or gives.
Value = Union[Decimal, bool, str, tuple[str, ...], Money]  # noqa: UP007 - a runtime alias

Resolve = Callable[[str], Value]
_Compiled = Callable[[Resolve], Value]

_CTX: Final = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)
_KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false"})
_FUNCTIONS: Final = ("abs", "has", "max", "min", "round")
_COMPARISONS: Final = ("==", "!=", "<=", ">=", "<", ">")


@attrs.frozen
class _Token:
    kind: str  # "num", "str", "name", "op", "end"
    text: str
    column: int  # 1-based
    value: object = None


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < n and source[i + 1].isdigit()):
            j = i
            while j < n and (source[j].isdigit() or source[j] == "."):
                j += 1
            text = source[i:j]
            if text.count(".") > 1:
                raise ExpressionError(f"malformed number {text!r}", source, col)
            value = Decimal(text)
            if j < n and source[j] == "%":
                value = _CTX.divide(value, Decimal(100))
                j += 1
            tokens.append(_Token("num", source[i:j], col, value))
            i = j
        elif ch == '"':
            j = source.find('"', i + 1)
            if j < 0:
                raise ExpressionError("unterminated string", source, col)
            tokens.append(_Token("str", source[i:j + 1], col, source[i + 1:j]))
            i = j + 1
        elif ch.isidentifier():
            j = i
            while j < n and (source[j].isidentifier() or source[j].isdigit()
                             or source[j] == "_" or (source[j] == "." and j + 1 < n
                                                     and source[j + 1].isidentifier())):
                j += 1
            text = source[i:j]
            if any(part.startswith("__") for part in text.split(".")):
                raise ExpressionError(f"names starting with '__' are not allowed: {text!r}",
                                      source, col)
            tokens.append(_Token("name", text, col))
            i = j
        elif source.startswith(("==", "!=", "<=", ">="), i):
            tokens.append(_Token("op", source[i:i + 2], col))
            i += 2
        elif ch in "+-*/()<>,":
            tokens.append(_Token("op", ch, col))
            i += 1
        else:
            raise ExpressionError(f"unexpected character {ch!r}", source, col)
    tokens.append(_Token("end", "", n + 1))
    return tokens


class _Parser:
    def __init__(self, source: str, max_depth: int) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.pos = 0
        self.depth = 0
        self.max_depth = max_depth
        self.names: set[str] = set()

    # -- helpers

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        return ExpressionError(message, self.source, (token or self.tok).column)

    def next(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, *ops: str) -> _Token | None:
        tok = self.tok
        if (tok.kind == "op" or (tok.kind == "name" and tok.text in _KEYWORDS)) \
                and tok.text in ops:
            self.pos += 1
            return tok
        return None

    def expect(self, op: str) -> _Token:
        token = self.accept(op)
        if token is None:
            found = f"'{self.tok.text}'" if self.tok.kind != "end" else "the end"
            raise self.error(f"expected '{op}', found {found}")
        return token

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.error(f"expression nests deeper than {self.max_depth} levels")

    # -- grammar

    def parse(self) -> _Compiled:
        if self.tok.kind == "end":
            raise self.error("empty expression")
        node = self.parse_or()
        if self.tok.kind != "end":
            raise self.error(f"unexpected '{self.tok.text}'")
        return node

    def parse_or(self) -> _Compiled:
        left = self.parse_and()
        while (op := self.accept("or")) is not None:
            right = self.parse_and()
            left = _logic(left, right, "or", op.text)
        return left

    def parse_and(self) -> _Compiled:
        left = self.parse_not()
        while (op := self.accept("and")) is not None:
            right = self.parse_not()
            left = _logic(left, right, "and", op.text)
        return left

    def parse_not(self) -> _Compiled:
        if self.accept("not") is not None:
            self.enter()
            operand = self.parse_not()
            self.depth -= 1

            def negate(r: Resolve) -> Value:
                return not _as_bool(operand(r), "not")

            return negate
        return self.parse_compare()

    def parse_compare(self) -> _Compiled:
        left = self.parse_sum()
        op = self.accept(*_COMPARISONS)
        if op is None:
            return left
        right = self.parse_sum()
        if self.tok.kind == "op" and self.tok.text in _COMPARISONS:
            raise self.error("comparisons cannot be chained; write 'a < b and b < c'")
        return _compare(left, right, op.text)

    def parse_sum(self) -> _Compiled:
        left = self.parse_product()
        while (op := self.accept("+", "-")) is not None:
            left = _arith(left, self.parse_product(), op.text, self.source)
        return left

    def parse_product(self) -> _Compiled:
        left = self.parse_unary()
        while (op := self.accept("*", "/")) is not None:
            left = _arith(left, self.parse_unary(), op.text, self.source)
        return left

    def parse_unary(self) -> _Compiled:
        if self.accept("-") is not None:
            self.enter()
            operand = self.parse_unary()
            self.depth -= 1
            return _arith(lambda r: Decimal(0), operand, "-", self.source)
        return self.parse_atom()

    def parse_atom(self) -> _Compiled:
        tok = self.tok
        if tok.kind == "num":
            self.next()
            constant = tok.value
            return lambda r: constant  # type: ignore[return-value]
        if tok.kind == "str":
            self.next()
            text = tok.value
            return lambda r: text  # type: ignore[return-value]
        if tok.kind == "op" and tok.text == "(":
            self.next()
            self.enter()
            inner = self.parse_or()
            self.depth -= 1
            self.expect(")")
            return inner
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.next()
                flag = tok.text == "true"
                return lambda r: flag
            if tok.text in _KEYWORDS:
                raise self.error(f"unexpected '{tok.text}'")
            self.next()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.parse_call(tok)
            name = tok.text
            self.names.add(name)
            return lambda r: _number(r(name))
        if tok.kind == "end":
            raise self.error("unexpected end of expression")
        raise self.error(f"unexpected '{tok.text}'")

    def parse_call(self, func: _Token) -> _Compiled:
        if func.text not in _FUNCTIONS:
            raise self.error(f"unknown function '{func.text}'; allowed: "
                             f"{', '.join(_FUNCTIONS)}", func)
        self.expect("(")
        self.enter()
        if func.text == "has":
            arg = self.tok
            if arg.kind != "name" or arg.text in _KEYWORDS:
                raise self.error("expected a name inside has()")
            self.next()
            self.expect(")")
            self.depth -= 1
            self.names.add(arg.text)
            return _has(arg.text)
        args: list[_Compiled] = []
        arg_tokens: list[_Token] = []
        if not (self.tok.kind == "op" and self.tok.text == ")"):
            while True:
                arg_tokens.append(self.tok)
                args.append(self.parse_or())
                if self.accept(",") is None:
                    break
        self.expect(")")
        self.depth -= 1
        return _call(func, args, arg_tokens, self)


# -- compiled node builders ------------------------------------------------------


def _number(value: object) -> Value:
    if isinstance(value, (bool, Decimal, str, tuple, Money)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    raise RuleInputError(f"a data value of type {type(value).__name__} cannot be used here")


def _describe(value: Value) -> str:
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, str):
        return "text"
    if isinstance(value, tuple):
        return "a list"
    if isinstance(value, Money):
        return "money"
    return "a number"


def _as_bool(value: Value, op: str) -> bool:
    if isinstance(value, bool):
        return value
    raise RuleInputError(f"'{op}' needs yes/no values, got {_describe(value)}")


def _logic(left: _Compiled, right: _Compiled, op: str, text: str) -> _Compiled:
    if op == "and":
        def both(r: Resolve) -> Value:
            return _as_bool(left(r), text) and _as_bool(right(r), text)
        return both

    def either(r: Resolve) -> Value:
        return _as_bool(left(r), text) or _as_bool(right(r), text)
    return either


def _is_numeric(value: Value) -> bool:
    return isinstance(value, (Decimal, Money)) and not isinstance(value, bool)


def _arith(left: _Compiled, right: _Compiled, op: str, source: str) -> _Compiled:
    def run(r: Resolve) -> Value:
        a, b = left(r), right(r)
        if not (_is_numeric(a) and _is_numeric(b)):
            raise RuleInputError(f"'{op}' needs numbers, got {_describe(a)} and {_describe(b)}")
        try:
            if op == "+":
                result = a + b  # type: ignore[operator]
            elif op == "-":
                result = a - b  # type: ignore[operator]
            elif op == "*":
                result = a * b  # type: ignore[operator]
            else:
                if not b:
                    raise MeasureUnavailable("division_by_zero",
                                             f"division by zero in {source!r}")
                if isinstance(a, Decimal) and isinstance(b, Decimal):
                    result = _CTX.divide(a, b)
                else:
                    result = a / b  # type: ignore[operator]
        except UnitError as exc:
            raise RuleInputError(str(exc)) from None
        except TypeError:
            raise RuleInputError(f"'{op}' cannot combine {_describe(a)} and "
                                 f"{_describe(b)}") from None
        return _number(result)
    return run


def _compare(left: _Compiled, right: _Compiled, op: str) -> _Compiled:
    def run(r: Resolve) -> Value:
        a, b = left(r), right(r)
        if op in ("==", "!="):
            same = type(a) is type(b) or (_is_numeric(a) and _is_numeric(b))
            if not same:
                raise RuleInputError(f"'{op}' compares {_describe(a)} with {_describe(b)}")
            try:
                if isinstance(a, Money) and isinstance(b, Money):
                    equal = a.to(b.unit).amount == b.amount  # 1亿元 == 10000万元
                else:
                    equal = a == b
            except UnitError as exc:
                raise RuleInputError(str(exc)) from None
            return equal if op == "==" else not equal
        if not (_is_numeric(a) and _is_numeric(b)):
            raise RuleInputError(f"'{op}' needs numbers, got {_describe(a)} and {_describe(b)}")
        try:
            if op == "<":
                return bool(a < b)  # type: ignore[operator]
            if op == "<=":
                return bool(a <= b)  # type: ignore[operator]
            if op == ">":
                return bool(a > b)  # type: ignore[operator]
            return bool(a >= b)  # type: ignore[operator]
        except UnitError as exc:
            raise RuleInputError(str(exc)) from None
    return run


def _has(name: str) -> _Compiled:
    def run(r: Resolve) -> Value:
        try:
            r(name)
        except MeasureUnavailable as exc:
            if exc.reason == "missing":
                return False
            raise
        return True
    return run


def _call(func: _Token, args: list[_Compiled], tokens: list[_Token],
          parser: _Parser) -> _Compiled:
    name = func.text
    if name in ("min", "max"):
        if len(args) < 2:
            raise parser.error(f"{name}() needs at least two arguments", func)
        pick = min if name == "min" else max

        def extreme(r: Resolve) -> Value:
            values = [a(r) for a in args]
            if not all(_is_numeric(v) for v in values):
                raise RuleInputError(f"{name}() needs numbers")
            try:
                return pick(values)
            except UnitError as exc:
                raise RuleInputError(str(exc)) from None
        return extreme
    if name == "abs":
        if len(args) != 1:
            raise parser.error("abs() takes exactly one argument", func)
        (arg,) = args

        def absolute(r: Resolve) -> Value:
            value = arg(r)
            if isinstance(value, Money):
                return Money(abs(value.amount), value.unit)
            if not isinstance(value, Decimal) or isinstance(value, bool):
                raise RuleInputError(f"abs() needs a number, got {_describe(value)}")
            return abs(value)
        return absolute
    # round(x) or round(x, places)
    if len(args) not in (1, 2):
        raise parser.error("round() takes one or two arguments", func)
    places = 0
    if len(args) == 2:
        tok = tokens[1]
        if tok.kind != "num" or not isinstance(tok.value, Decimal) \
                or tok.value != tok.value.to_integral_value() or "%" in tok.text:
            raise parser.error("the places of round() must be a whole number literal", tok)
        places = int(tok.value)
    quantum = Decimal(1).scaleb(-places)
    arg = args[0]

    def rounded(r: Resolve) -> Value:
        value = arg(r)
        if isinstance(value, Money):
            return Money(value.amount.quantize(quantum, rounding=decimal.ROUND_HALF_UP),
                         value.unit)
        if not isinstance(value, Decimal):
            raise RuleInputError(f"round() needs a number, got {_describe(value)}")
        return value.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=_CTX)
    return rounded


@attrs.frozen
class Expression:
    """A compiled measure expression.

    ``names`` lists every dotted data name the expression reads, so the
    loader can check them against the data model before anything runs.

    >>> e = parse_expression("staffing.on_post / staffing.authorized")
    >>> sorted(e.names)
    ['staffing.authorized', 'staffing.on_post']
    >>> data = {"staffing.on_post": Decimal(21), "staffing.authorized": Decimal(11)}
    >>> e.evaluate(data.__getitem__)
    Decimal('1.909090909090909090909090909090909')
    """

    source: str
    names: frozenset[str]
    _run: _Compiled = attrs.field(eq=False, repr=False)

    def evaluate(self, resolve: Resolve) -> Value:
        """Compute the value, reading data names through *resolve*.

        *resolve* raises :class:`~perfrubric.errors.MeasureUnavailable` for
        a name with no value; that propagates (except inside ``has()``).
        Division by zero raises ``MeasureUnavailable("division_by_zero")``;
        operands of the wrong kind raise
        :class:`~perfrubric.errors.RuleInputError`.
        """
        return self._run(resolve)

    def __str__(self) -> str:
        return self.source


def parse_expression(source: str, *, max_length: int = 500, max_depth: int = 32) -> Expression:
    """Parse and compile *source* once.

    Raises :class:`~perfrubric.errors.ExpressionError` with the 1-based
    column of the problem.
    """
    if not isinstance(source, str):
        raise ExpressionError("an expression must be text", repr(source), 1)
    if len(source) > max_length:
        raise ExpressionError(f"expression is longer than {max_length} characters",
                              source[:40] + "…", max_length + 1)
    parser = _Parser(source, max_depth)
    run = parser.parse()
    return Expression(source, frozenset(parser.names), run)
