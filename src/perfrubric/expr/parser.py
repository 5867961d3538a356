"""The parser of the expression language: tokens to a compiled, constant-folded tree.

:class:`_Parser` follows the grammar in :mod:`perfrubric.expr` by recursive
descent, bounding the nesting, and records every data name it reads.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Final, NamedTuple

from ..errors import ExpressionError, PerfrubricError
from .compiler import (
    _abs,
    _chain,
    _constant,
    _extreme,
    _has,
    _load,
    _logic,
    _no_data,
    _not,
    _round,
    _unary_minus,
)
from .lexer import _DIGITS, _Token, _tokenize
from .operators import _BINARY, _COMPARISONS
from .values import _Binary, _Compiled

_FUNCTIONS: Final = ("abs", "has", "max", "min", "round")
_MAX_PLACES: Final = 12


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
