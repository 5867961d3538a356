"""Safe measure expressions: the library's own tokenizer, parser and compiler.

Rubric measures are small formulas over the department data, such as
``staffing.on_post / staffing.authorized``.  :func:`parse_expression` reads
one once, at load, and compiles it into nested Python closures, so that
:meth:`Expression.evaluate` does no parsing.  User text never reaches
``eval``, ``exec``, ``compile`` or :mod:`ast`, and no attribute of a Python
object can be reached: a dotted name is only ever a key handed to the
``resolve`` function the engine passes in, and the only calls are the
whitelisted functions below.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER ["%"] | STRING | "true" | "false" | NAME
             | FUNCTION "(" [expr ("," expr)*] ")" | "(" expr ")"

Comparisons do not chain (``a < b < c`` is an error).  ``and`` and ``or``
stop early.  All arithmetic is :class:`~decimal.Decimal` in a context of 34
significant digits, whatever the caller's :mod:`decimal` context; amounts of
:class:`~perfrubric.units.Money` use Money's own operators.
"""

from __future__ import annotations

import decimal
import keyword
import operator
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final, NamedTuple, NoReturn, Union

import attrs

from ..decimals import check_bounds
from ..errors import ExpressionError, MeasureUnavailable, PerfrubricError, RuleInputError
from ..units import Money, UnitError

__all__ = ["Expression", "Value", "parse_expression"]

#: A value an expression reads or gives: a number, a yes/no value, text, a
#: list of text (checklist items) or an amount of money.
Value = Union[Decimal, bool, str, tuple[str, ...], Money]  # noqa: UP007 - a runtime alias

_Resolve = Callable[[str], Value]
_Compiled = Callable[[_Resolve], Value]
_Binary = Callable[[Value, Value, str], Value]

#: Every computation runs in this context, never in the caller's.
_CTX: Final = decimal.Context(prec=34)
_HUNDRED: Final = Decimal(100)
_DIGITS: Final = frozenset("0123456789")
_KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false"})
_FUNCTIONS: Final = ("abs", "has", "max", "min", "round")
_COMPARISONS: Final = frozenset({"==", "!=", "<", "<=", ">", ">="})
_TWO_CHAR_OPS: Final = frozenset({"==", "!=", "<=", ">="})
_ONE_CHAR_OPS: Final = frozenset("+-*/(),<>")
_MAX_PLACES: Final = 12

_CHAR_HINTS: Final = {
    "=": "write '==' to compare",
    "!": "write 'not', or '!=' for 'is not equal to'",
    "&": "write 'and'",
    "|": "write 'or'",
    "%": "'%' must follow a number directly, as in 50%",
    "^": "there is no power operator",
    ".": "a dot only joins the parts of a name, as in staffing.on_post",
    "[": "there is no indexing; name the value with dots, as in budget.lines.business",
    "'": "text goes in double quotes; in TOML, write the whole measure in single quotes: "
         "measure = 'facts.level == \"好\"'",
    "“": "text goes in straight double quotes \"…\"",
    "”": "text goes in straight double quotes \"…\"",
}


# -- tokens ------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "num", "str", "name", "kw", "op" or "end"
    text: str
    start: int  # index of the first character, 0-based
    end: int  # index after the last character
    value: Value | None = None  # the Decimal of a number, the text of a string

    @property
    def column(self) -> int:
        return self.start + 1

    def shown(self) -> str:
        return "the end of the expression" if self.kind == "end" else f"'{self.text}'"


def _is_name_char(ch: str) -> bool:
    # Letters, digits, '_' and the combining marks Python allows inside names.
    return ("a" + ch).isidentifier()


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _DIGITS:
            token = _number_token(source, i)
        elif ch == '"':
            close = source.find('"', i + 1)
            if close < 0:
                raise ExpressionError("unterminated string: close the text with '\"'",
                                      source, i + 1)
            token = _Token("str", source[i:close + 1], i, close + 1, source[i + 1:close])
        elif ch.isidentifier():
            token = _name_token(source, i)
        elif source[i:i + 2] in _TWO_CHAR_OPS:
            token = _Token("op", source[i:i + 2], i, i + 2)
        elif source[i:i + 2] == "**":
            raise ExpressionError("unexpected '**': there is no power operator", source, i + 1)
        elif ch in _ONE_CHAR_OPS:
            token = _Token("op", ch, i, i + 1)
        else:
            raise ExpressionError(_bad_character(source, i), source, i + 1)
        tokens.append(token)
        i = token.end
    tokens.append(_Token("end", "", n, n))
    return tokens


def _number_token(source: str, i: int) -> _Token:
    n = len(source)
    j = i
    while j < n and source[j] in _DIGITS:
        j += 1
    if j + 1 < n and source[j] == "." and source[j + 1] in _DIGITS:
        j += 1
        while j < n and source[j] in _DIGITS:
            j += 1
    if j < n and (source[j] == "." or _is_name_char(source[j])):
        k = j
        while k < n and (source[k] == "." or _is_name_char(source[k])):
            k += 1
        raise ExpressionError(f"malformed number '{source[i:k]}'; write numbers such as 12 "
                              "or 0.5", source, i + 1)
    try:
        value = check_bounds(Decimal(source[i:j]), source[i:j])  # the bounds of every number
    except ValueError as exc:
        raise ExpressionError(str(exc), source, i + 1) from None
    if j < n and source[j] == "%":
        value = _CTX.divide(value, _HUNDRED)
        j += 1
    return _Token("num", source[i:j], i, j, value)


def _name_token(source: str, i: int) -> _Token:
    n = len(source)
    j = i
    while j < n and (source[j] == "." or _is_name_char(source[j])):
        j += 1
    text = source[i:j]
    parts = text.split(".")
    offset = i
    for part in parts:
        if not part:
            message = (f"the name '{text}' ends with '.'" if offset == j
                       else f"the name '{text}' has two dots in a row")
            raise ExpressionError(message, source, offset + 1)
        if not part.isidentifier():
            raise ExpressionError(f"'{part}' in the name '{text}' is not a valid part "
                                  "(a part cannot start with a digit)", source, offset + 1)
        if part.startswith("__"):
            raise ExpressionError(f"names starting with '__' are not allowed: '{text}'",
                                  source, offset + 1)
        offset += len(part) + 1
    head = parts[0]
    if head in ("True", "False"):
        raise ExpressionError(f"unknown word '{head}'; write {head.lower()} in lower case",
                              source, i + 1)
    if head == "None":
        raise ExpressionError("'None' is not part of the expression language; test for a "
                              "missing value with has(name)", source, i + 1)
    if keyword.iskeyword(head) and head not in _KEYWORDS:
        raise ExpressionError(f"'{head}' is not part of the expression language",
                              source, i + 1)
    if head in _KEYWORDS and len(parts) > 1:
        raise ExpressionError(f"'{head}' is a reserved word and cannot start a name",
                              source, i + 1)
    return _Token("kw" if text in _KEYWORDS else "name", text, i, j)


def _bad_character(source: str, i: int) -> str:
    ch = source[i]
    message = f"unexpected character {ch!r}"
    plain = unicodedata.normalize("NFKC", ch)
    if plain != ch and len(plain) == 1 and not plain.isidentifier() and plain.isprintable():
        return f"{message}: a full-width character; write '{plain}'"
    if ch == "." and i + 1 < len(source) and source[i + 1] in _DIGITS:
        return f"{message}: a number starts with a digit; write 0{source[i:i + 2]}"
    hint = _CHAR_HINTS.get(ch)
    return f"{message}; {hint}" if hint else message


# -- compiled operations -------------------------------------------------------------
#
# Each operation takes its operands and ``where``, the source text of the
# operation, for messages.  The common case (two Decimals) is tried first.


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


def _money_arith(op: str, a: Value, b: Value, where: str) -> Value:
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


def _from_data(name: str, value: object) -> Value:
    # Data values are normalised here, once per read: ints and floats become
    # Decimals (floats through str(), so 0.1 stays 0.1), and nothing else
    # that Python could call a method on ever enters a computation.
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        value = Decimal(value if isinstance(value, int) else str(value))
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
        if (type(value) is Decimal or isinstance(value, Decimal)) and value.is_finite():
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


# -- parser --------------------------------------------------------------------------


class _Node(NamedTuple):
    run: _Compiled
    start: int  # source span, for messages
    end: int
    constant: bool = False


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

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, *texts: str) -> bool:
        tok = self.tokens[self.pos]
        return tok.kind in ("op", "kw") and tok.text in texts

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        return ExpressionError(message, self.source, (token or self.tok).column)

    def unexpected(self, expected: str) -> ExpressionError:
        tok = self.tok
        found = "end of expression" if tok.kind == "end" else f"'{tok.text}'"
        return self.error(f"unexpected {found}; {expected}")

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.error(f"expression nests deeper than {self.max_depth} levels", token)

    def text(self, start: int, end: int) -> str:
        return self.source[start:end]

    def node(self, run: _Compiled, start: int, end: int, *children: _Node) -> _Node:
        """Build a node; fold it to a constant when every child is one."""
        if children and all(child.constant for child in children):
            try:
                value = run(_no_data)
            except (PerfrubricError, decimal.DecimalException):
                pass  # leave the error to evaluation, where a measure's policy applies
            else:
                return _Node(_constant(value), start, end, True)
        return _Node(run, start, end)

    # -- grammar

    def parse(self) -> _Node:
        if self.tok.kind == "end":
            raise ExpressionError("empty expression", self.source, 1)
        node = self.parse_or()
        if self.tok.kind != "end":
            if self.at(")"):
                raise self.error("unexpected ')': there is no '(' to close")
            raise self.unexpected("expected an operator or the end of the expression")
        return node

    def parse_logic(self, op: str, operand: Callable[[], _Node]) -> _Node:
        first = operand()
        parts = [first]
        while self.at(op):
            self.advance()
            parts.append(operand())
        if len(parts) == 1:
            return first
        run = _logic(op, tuple((p.run, self.text(p.start, p.end)) for p in parts))
        return self.node(run, first.start, parts[-1].end, *parts)

    def parse_or(self) -> _Node:
        return self.parse_logic("or", self.parse_and)

    def parse_and(self) -> _Node:
        return self.parse_logic("and", self.parse_not)

    def parse_not(self) -> _Node:
        if not self.at("not"):
            return self.parse_compare()
        tok = self.advance()
        self.enter(tok)
        operand = self.parse_not()
        self.depth -= 1
        run = _not(operand.run, self.text(operand.start, operand.end))
        return self.node(run, tok.start, operand.end, operand)

    def parse_compare(self) -> _Node:
        left = self.parse_sum()
        if not self.at(*_COMPARISONS):
            return left
        op = self.advance()
        right = self.parse_sum()
        if self.at(*_COMPARISONS):
            raise self.error(f"comparisons cannot be chained: write 'a {op.text} b and b "
                             f"{self.tok.text} c' instead of 'a {op.text} b {self.tok.text} c'")
        run = _chain(left.run, ((_BINARY[op.text], right.run,
                                 self.text(left.start, right.end)),))
        return self.node(run, left.start, right.end, left, right)

    def parse_arith(self, ops: tuple[str, str], operand: Callable[[], _Node]) -> _Node:
        first = operand()
        parts = [first]
        steps: list[tuple[_Binary, _Compiled, str]] = []
        while self.at(*ops):
            op = self.advance()
            right = operand()
            parts.append(right)
            steps.append((_BINARY[op.text], right.run, self.text(first.start, right.end)))
        if not steps:
            return first
        return self.node(_chain(first.run, tuple(steps)), first.start, parts[-1].end, *parts)

    def parse_sum(self) -> _Node:
        return self.parse_arith(("+", "-"), self.parse_product)

    def parse_product(self) -> _Node:
        return self.parse_arith(("*", "/"), self.parse_unary)

    def parse_unary(self) -> _Node:
        if not self.at("-"):
            return self.parse_atom()
        tok = self.advance()
        self.enter(tok)
        operand = self.parse_unary()
        self.depth -= 1
        run = _unary_minus(operand.run, self.text(tok.start, operand.end))
        return self.node(run, tok.start, operand.end, operand)

    def parse_atom(self) -> _Node:
        tok = self.tok
        if tok.kind in ("num", "str"):
            self.advance()
            assert tok.value is not None
            return _Node(_constant(tok.value), tok.start, tok.end, True)
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self.advance()
            return _Node(_constant(tok.text == "true"), tok.start, tok.end, True)
        if self.at("("):
            self.advance()
            self.enter(tok)
            inner = self.parse_or()
            close = self.expect_close(tok)
            self.depth -= 1
            return inner._replace(start=tok.start, end=close.end)
        if tok.kind == "name":
            self.advance()
            if self.at("("):
                return self.parse_call(tok)
            if tok.text in _FUNCTIONS:
                raise self.error(f"'{tok.text}' is a function: write {tok.text}(…)", tok)
            self.names.add(tok.text)
            return _Node(_load(tok.text), tok.start, tok.end)
        raise self.unexpected("expected a number, a name, text or '('")

    def expect_close(self, opening: _Token) -> _Token:
        if not self.at(")"):
            raise self.error(f"expected ')' to close the '(' at column {opening.column}, "
                             f"found {self.tok.shown()}")
        return self.advance()

    def parse_call(self, func: _Token) -> _Node:
        name = func.text
        if name not in _FUNCTIONS:
            raise self.error(f"unknown function '{name}'; allowed: {', '.join(_FUNCTIONS)}",
                             func)
        opening = self.advance()
        self.enter(func)
        if name == "has":
            arg = self.tok
            if arg.kind != "name":
                raise self.error("expected a name inside has()")
            self.advance()
            if not self.at(")"):
                raise self.error("has() takes a single name, as in has(facts.incidents)")
            close = self.advance()
            self.depth -= 1
            self.names.add(arg.text)
            return _Node(_has(arg.text), func.start, close.end)
        args: list[_Node] = []
        starts: list[_Token] = []
        if not self.at(")"):
            while True:
                starts.append(self.tok)
                args.append(self.parse_or())
                if not self.at(","):
                    break
                self.advance()
        close = self.expect_close(opening)
        self.depth -= 1
        where = self.text(func.start, close.end)
        count = len(args)
        if name in ("min", "max"):
            if count < 2:
                raise self.error(f"{name}() needs at least two arguments, got {count}", func)
            run = _extreme(name, tuple(a.run for a in args), where)
        elif name == "abs":
            if count != 1:
                raise self.error(f"abs() takes exactly one argument, got {count}", func)
            run = _abs(args[0].run, where)
        else:
            if count not in (1, 2):
                raise self.error(f"round() takes one or two arguments, got {count}", func)
            places = 0
            if count == 2:
                tok = starts[1]
                if (tok.kind != "num" or args[1].end != tok.end
                        or not all(ch in _DIGITS for ch in tok.text)):
                    raise self.error("the places of round() must be a whole number such as 2",
                                     tok)
                places = int(tok.text)
                if places > _MAX_PLACES:
                    raise self.error(f"round() keeps at most {_MAX_PLACES} decimal places",
                                     tok)
            run = _round(args[0].run, places, where)
            args = args[:1]
        return self.node(run, func.start, close.end, *args)


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
