"""The measure expression language: parsing, evaluation, errors, safety."""

from __future__ import annotations

import copy
import decimal
import pickle
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric.expr as expr_module
import perfrubric.expr.expression as expr_expression
import perfrubric.expr.parser as expr_parser
from perfrubric.errors import ExpressionError, MeasureUnavailable, PerfrubricError, RuleInputError
from perfrubric.expr import Expression, parse_expression
from perfrubric.units import Money

D = Decimal
REF = decimal.Context(prec=34)  # the precision the language promises


def resolver(data: Mapping[str, object] | None = None) -> Any:
    values = dict(data or {})

    def resolve(name: str) -> object:
        if name not in values:
            raise MeasureUnavailable("missing", f"{name!r} has no value in the data")
        return values[name]

    return resolve


def ev(source: str, data: Mapping[str, object] | None = None) -> object:
    return parse_expression(source).evaluate(resolver(data))


# -- values, precedence, associativity ----------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    # associativity: left to right
    ("1 - 2 - 3", D(-4)),            # (1 - 2) - 3, not 1 - (2 - 3) = 2
    ("1 - 2 + 3", D(2)),             # (1 - 2) + 3, not 1 - (2 + 3) = -4
    ("8 / 4 / 2", D(1)),             # (8 / 4) / 2, not 8 / (4 / 2) = 4
    ("12 / 3 * 2", D(8)),            # (12 / 3) * 2, not 12 / (3 * 2) = 2
    # precedence
    ("2 + 3 * 4", D(14)),
    ("(2 + 3) * 4", D(20)),
    ("-2 * 3", D(-6)),
    ("2 * -3", D(-6)),
    ("- -2", D(2)),
    ("-2 - -3", D(1)),
    ("-(2 + 3) * 2", D(-10)),
    ("1 + 2 > 2 * 1", True),         # arithmetic before comparison
    ("not 1 == 2", True),            # comparison before not
    ("not true and false", False),   # (not true) and false; not (true and false) is true
    ("true or false and false", True),  # true or (false and false)
    ("false and false or true", True),  # (false and false) or true
    # percent literals
    ("100%", D(1)),
    ("0.5%", D("0.005")),
    ("117.14%", D("1.1714")),
    ("50% * 200", D(100)),
    # exact decimal arithmetic
    ("0.1 + 0.2", D("0.3")),
    ("0.3 - 0.1", D("0.2")),
    ("1.1 * 1.1", D("1.21")),
    # comparisons and text
    ("1 < 2", True),
    ("2 <= 2 and 3 > 4", False),
    ("2 >= 3", False),
    ("1 == 1.00", True),
    ("1 != 1", False),
    ('"好" == "好"', True),
    ('"好" != "较好"', True),
    ("true == false", False),
    # functions
    ("min(3, 1, 2)", D(1)),
    ("max(3, 1, 2)", D(3)),
    ("min(2, -5)", D(-5)),
    ("abs(-2.5)", D("2.5")),
    ("abs(2)", D(2)),
    ("round(2.345, 2)", D("2.35")),  # half up: banker's rounding would give the same, so…
    ("round(0.125, 2)", D("0.13")),  # …this one: half even would give 0.12
    ("round(2.5)", D(3)),            # half even would give 2
    ("round(-2.5)", D(-3)),          # halves go away from zero
    ("round(2.4)", D(2)),
    ("round(1.23456, 0)", D(1)),
])
def test_values(source: str, expected: object) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


def test_arithmetic_ignores_the_callers_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        assert ev("1 / 3") == D("0." + "3" * 34)
        assert ev("123456789 * 1000") == D("123456789000")
        assert ev("a.x - a.y", {"a.x": D("1.000001"), "a.y": D(1)}) == D("0.000001")


def test_a_negative_zero_reads_as_zero() -> None:
    assert str(ev("0 * -1")) == "0"
    assert str(ev("a.x * -1", {"a.x": D(0)})) == "0"
    assert str(ev("round(-0.001, 2)")) == "0.00"


# -- logic ----------------------------------------------------------------------------


def test_and_or_stop_early() -> None:
    assert ev("false and (1 / 0 > 1)") is False
    assert ev("true or (1 / 0 > 1)") is True
    assert ev("true or missing.name") is True
    assert ev("false and 1") is False  # the right operand is never looked at
    # the point of short-circuit in rubrics: guard a name that may be absent
    assert ev("has(a.x) and a.x > 0") is False
    assert ev("has(a.x) and a.x > 0", {"a.x": D(3)}) is True
    with pytest.raises(MeasureUnavailable):
        ev("true and (1 / 0 > 1)")


def test_long_chains_are_one_loop_and_stop_early() -> None:
    calls: list[str] = []

    def resolve(name: str) -> bool:
        calls.append(name)
        return name != "b.x"

    expression = parse_expression("a.x and b.x and c.x and d.x")
    assert expression.evaluate(resolve) is False
    assert calls == ["a.x", "b.x"]
    assert parse_expression(" + ".join(["a.x"] * 200), max_length=2000).evaluate(
        lambda name: D(1)) == D(200)


# -- has(), names -----------------------------------------------------------------------


def test_has() -> None:
    assert ev("has(a.missing)") is False
    assert ev("has(a.x)", {"a.x": D(0)}) is True
    assert ev("has(a.x)", {"a.x": False}) is True
    assert ev("not has(a.x) or a.x", {"a.x": True}) is True
    assert parse_expression("has(a.b)").names == {"a.b"}


def test_has_catches_only_a_missing_value() -> None:
    def resolve(name: str) -> Any:
        raise MeasureUnavailable("division_by_zero", "computed from nothing")

    with pytest.raises(MeasureUnavailable) as info:
        parse_expression("has(a.x)").evaluate(resolve)
    assert info.value.reason == "division_by_zero"


def test_missing_name_propagates_unchanged() -> None:
    error = MeasureUnavailable("missing", "'a.x' has no value in the data")

    def resolve(name: str) -> Any:
        raise error

    with pytest.raises(MeasureUnavailable) as info:
        parse_expression("a.x + 1").evaluate(resolve)
    assert info.value is error


def test_names_lists_every_data_name_and_nothing_else() -> None:
    expression = parse_expression(
        'a.b + min(c.d, 1) > 0 and has(e.f) or not g or h.i == "j" and round(k, 2) > 1')
    assert expression.names == {"a.b", "c.d", "e.f", "g", "h.i", "k"}
    assert parse_expression("1 + 2").names == frozenset()
    # names behind a short-circuit still count: the loader checks them all
    assert parse_expression("false and x.y").names == {"x.y"}


def test_chinese_names() -> None:
    source = "targets.实际到位内资.actual / targets.实际到位内资.target"
    expression = parse_expression(source)
    assert expression.names == {"targets.实际到位内资.actual", "targets.实际到位内资.target"}
    # 5424.65 / 5000 = 1.08493
    data = {"targets.实际到位内资.actual": D("5424.65"), "targets.实际到位内资.target": D(5000)}
    assert expression.evaluate(resolver(data)) == D("1.08493")
    assert ev('facts.等级 == "好"', {"facts.等级": "好"}) is True


# -- data values ----------------------------------------------------------------------


def test_ints_and_floats_from_data_become_decimals() -> None:
    result = ev("a.x + a.y", {"a.x": 1, "a.y": 0.1})
    assert result == D("1.1")
    assert type(result) is Decimal
    assert ev("a.x", {"a.x": 7}) == D(7)
    assert type(ev("a.x", {"a.x": 7})) is Decimal
    assert ev("a.x", {"a.x": True}) is True  # a bool is not an int here


def test_lists_of_text_compare() -> None:
    assert ev("a.x == a.y", {"a.x": ("①", "②"), "a.y": ["①", "②"]}) is True


@pytest.mark.parametrize("value", [float("nan"), D("Infinity"), object(), {"a": 1}, None])
def test_unusable_data_values_are_input_errors(value: object) -> None:
    with pytest.raises(RuleInputError, match=re.escape("'a.x'")):
        ev("a.x + 1", {"a.x": value})


def test_no_method_of_a_data_object_is_called() -> None:
    called: list[str] = []

    class Sneaky:
        def __add__(self, other: object) -> object:
            called.append("add")
            return D(0)

        __radd__ = __add__

        def __eq__(self, other: object) -> bool:
            called.append("eq")
            return True

        __hash__ = object.__hash__

    for source in ("a.x + 1", "1 + a.x", "a.x == 1"):
        with pytest.raises(RuleInputError):
            ev(source, {"a.x": Sneaky()})
    assert called == []


# -- money -----------------------------------------------------------------------------


def test_ratio_of_money_in_different_units() -> None:
    # 252.94亿元 / 2159200万元 = 25294000000 / 21592000000 = 252.94 / 215.92
    result = ev("a.x / a.y", {"a.x": Money("252.94", "亿元"), "a.y": Money("2159200", "万元")})
    assert result == REF.divide(D("252.94"), D("215.92"))
    assert type(result) is Decimal


@pytest.mark.parametrize(("source", "expected"), [
    ("a.yi + a.wan", Money("1.5", "亿元")),        # 1亿元 + 5000万元, in the left unit
    ("a.wan - a.yi", Money(-5000, "万元")),
    ("a.wan * 2", Money(10000, "万元")),
    ("2 * a.wan", Money(10000, "万元")),
    ("50% * a.wan", Money(2500, "万元")),
    ("a.wan / 4", Money(1250, "万元")),
    ("-a.wan", Money(-5000, "万元")),
    ("abs(a.wan - a.yi)", Money(5000, "万元")),
    ("round(a.wan / 3, 1)", Money("1666.7", "万元")),
    ("min(a.yi, a.wan)", Money(5000, "万元")),
    ("max(a.wan, a.yi)", Money(1, "亿元")),
    ("a.yi > a.wan", True),
    ("a.yi <= a.wan", False),
    ("a.yi == a.wan * 2", True),                       # 1亿元 == 10000万元
    ("a.yi != a.wan", True),
])
def test_money_arithmetic(source: str, expected: object) -> None:
    data = {"a.yi": Money(1, "亿元"), "a.wan": Money(5000, "万元")}
    assert ev(source, data) == expected


@pytest.mark.parametrize("source", [
    "a.cny + a.usd", "a.cny - a.usd", "a.cny / a.usd", "a.cny < a.usd", "a.cny == a.usd",
    "min(a.cny, a.usd)",
])
def test_mixing_currencies_is_an_input_error(source: str) -> None:
    data = {"a.cny": Money(1, "万元"), "a.usd": Money(1, "万美元")}
    with pytest.raises(RuleInputError, match=r"different currencies|one currency"):
        ev(source, data)


@pytest.mark.parametrize(("source", "fragment"), [
    ("a.m + 1", "cannot apply '+' to money in 万元 and a number (in 'a.m + 1')"),
    ("a.m * a.m", "cannot apply '*' to money in 万元 and money in 万元"),
    ("1 / a.m", "cannot apply '/' to a number and money in 万元"),
    ("a.m > 1", "cannot compare money in 万元 and a number with '>'"),
    ("a.m == 1", "cannot compare money in 万元 and a number with '=='"),
])
def test_money_and_plain_numbers_do_not_mix(source: str, fragment: str) -> None:
    with pytest.raises(RuleInputError) as info:
        ev(source, {"a.m": Money(1, "万元")})
    assert fragment in str(info.value)


@pytest.mark.parametrize(("source", "amount", "expected"), [
    ("a.m > 0", "0.01", True),    # 0 needs no unit: 0.01万元 > 0
    ("a.m > 0", "0", False),
    ("0 < a.m", "-1", False),
    ("a.m == 0", "0", True),      # 上年无三公经费: a reported zero
    ("a.m != 0", "5", True),
])
def test_money_compares_with_zero(source: str, amount: str, expected: bool) -> None:
    assert ev(source, {"a.m": Money(amount, "万元")}) is expected


# -- evaluation errors -------------------------------------------------------------------


@pytest.mark.parametrize(("source", "data", "fragment"), [
    ("a.x / a.y", {"a.x": D(1), "a.y": D(0)}, "a.x / a.y"),
    ("a.z + a.x / a.y", {"a.x": D(1), "a.y": D(0), "a.z": D(1)}, "a.x / a.y"),
    ("1 / (2 - 2)", {}, "1 / (2 - 2)"),
    ("1 / 0", {}, "1 / 0"),  # a constant division by zero is not a parse error
    ("a.m / a.n", {"a.m": Money(1, "万元"), "a.n": Money(0, "亿元")}, "a.m / a.n"),
    ("a.m / 0", {"a.m": Money(1, "万元")}, "a.m / 0"),
])
def test_division_by_zero_makes_the_measure_unavailable(
        source: str, data: dict[str, object], fragment: str) -> None:
    expression = parse_expression(source)
    with pytest.raises(MeasureUnavailable) as info:
        expression.evaluate(resolver(data))
    assert info.value.reason == "division_by_zero"
    assert info.value.detail == f"division by zero in {fragment!r}"


@pytest.mark.parametrize(("source", "fragment"), [
    ('1 + "x"', "cannot apply '+' to a number and text"),
    ("true + 1", "cannot apply '+' to a yes/no value and a number"),
    ('-"x"', "cannot apply '-' to text"),
    ("not 1", "'not' needs a yes/no value, but '1' is a number"),
    ("1 and true", "'and' needs yes/no values, but '1' is a number"),
    ("true and 2", "'and' needs yes/no values, but '2' is a number"),
    ('false or "x"', "'or' needs yes/no values, but '\"x\"' is text"),
    ('1 < "a"', "cannot compare a number and text with '<'"),
    ("1 == true", "cannot compare a number and a yes/no value with '=='"),
    ('"a" != a.list', "cannot compare text and a list with '!='"),
    ('abs("a")', "abs() needs a number, got text"),
    ("round(true)", "round() needs a number, got a yes/no value"),
    ('min(1, "a")', "min() needs numbers, or money in one currency; got a number, text"),
    ("max(true, false)", "max() needs numbers"),
    ("round(a.big, 12)", "round() cannot keep 12 places"),
    ("a.huge * a.huge", "out of range"),
])
def test_wrong_operands_are_input_errors(source: str, fragment: str) -> None:
    data = {"a.list": ("①",), "a.big": D("1e30"), "a.huge": D("9e999990")}
    with pytest.raises(RuleInputError) as info:
        ev(source, data)
    assert fragment in str(info.value)


# -- parse errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("source", "fragment", "column"), [
    ("", "empty expression", 1),
    ("   ", "empty expression", 1),
    ("1 +", "unexpected end of expression", 4),
    ("(1 + 2", "expected ')' to close the '(' at column 1", 7),
    ("1 + 2)", "unexpected ')'", 6),
    ("a / / b", "unexpected '/'", 5),
    ("a b", "unexpected 'b'; expected an operator", 3),
    ("sum(1, 2)", "unknown function 'sum'; allowed: abs, has, max, min, round", 1),
    ("x + a.b(1)", "unknown function 'a.b'", 5),
    ("min(1)", "min() needs at least two arguments, got 1", 1),
    ("1 + max()", "max() needs at least two arguments, got 0", 5),
    ("abs(1, 2)", "abs() takes exactly one argument, got 2", 1),
    ("round(1, 2, 3)", "round() takes one or two arguments, got 3", 1),
    ("round(1, 2.5)", "the places of round() must be a whole number", 10),
    ("round(1, -1)", "the places of round() must be a whole number", 10),
    ("round(1, 2 + 1)", "the places of round() must be a whole number", 10),
    ("round(1, 13)", "at most 12 decimal places", 10),
    ("has(1)", "expected a name inside has()", 5),
    ("has()", "expected a name inside has()", 5),
    ("has(a.b + 1)", "has() takes a single name", 9),
    ("min + 1", "'min' is a function", 1),
    ('x == "abc', "unterminated string", 6),
    ("1 < 2 < 3", "comparisons cannot be chained", 7),
    ("a == b != c", "comparisons cannot be chained", 8),
    ("1.2.3", "malformed number '1.2.3'", 1),
    ("2 * 12.", "malformed number '12.'", 5),
    ("1e5", "malformed number '1e5'", 1),
    (".5", "write 0.5", 1),
    ("a..b", "two dots in a row", 3),
    ("a.b.", "ends with '.'", 5),
    ("a.1b", "'1b' in the name 'a.1b' is not a valid part", 3),
    ("a = 1", "write '==' to compare", 3),
    ("a && b", "write 'and'", 3),
    ("2 ** 3", "no power operator", 3),
    ("50 %", "'%' must follow a number directly", 4),
    ("x == '好'", "text goes in double quotes", 6),
    ("（1 + 2）", "full-width character; write '('", 1),
    ("True", "write true in lower case", 1),
    ("None", "has(name)", 1),
    ("and.x", "reserved word", 1),
    ("1 + not true", "unexpected 'not'", 5),
    ("min(1,)", "unexpected ')'", 7),
])
def test_parse_errors_say_what_and_where(source: str, fragment: str, column: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(source)
    assert fragment in info.value.message
    assert info.value.column == column
    assert info.value.source == source
    assert f"at column {column}" in str(info.value)


@pytest.mark.parametrize("source", [
    "__class__",
    "a.__dict__",
    "a.b.__globals__",
    "().__class__",
    "(1).real",
    "__import__(\"os\")",
    "import os",
    "import",
    "lambda: 1",
    "lambda x: x",
    "x[0]",
    "x.y[0]",
    "a.b()",
    'getattr(a, "b")',
    'open("/etc/passwd")',
    'eval("1")',
    "exec(x)",
    "print(1)",
    "{}",
    "a if b else c",
    "x := 1",
    "f'{x}'",
    "a; b",
])
def test_no_way_into_python(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(source)


def test_the_module_never_runs_user_text_as_python() -> None:
    for module in Path(expr_module.__file__).parent.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"\b(eval|exec|compile)\s*\(", text), module.name
        assert not re.search(r"^\s*(import|from)\s+ast\b", text, re.MULTILINE), module.name
        assert "getattr" not in text, module.name


def test_parse_expression_wants_text() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse_expression(12)  # type: ignore[arg-type]


# -- limits -----------------------------------------------------------------------------


def test_length_limit() -> None:
    at_limit = "1+" * 249 + "11"
    assert len(at_limit) == 500
    assert ev(at_limit) == D(260)  # 249 ones and 11
    with pytest.raises(ExpressionError) as info:
        parse_expression(at_limit + "1")
    assert "expression is longer than 500 characters" in info.value.message
    assert info.value.column == 501
    with pytest.raises(ExpressionError, match="longer than 10 characters"):
        parse_expression("a.b + c.d + 1", max_length=10)
    assert ev("1 + " * 124 + "1") == D(125)  # flat sums are long, not deep


@pytest.mark.parametrize(("opening", "closing", "width"), [
    ("(", ")", 1), ("-", "", 1), ("not ", "", 4), ("abs(", ")", 4),
])
def test_depth_limit(opening: str, closing: str, width: int) -> None:
    inner = "true" if opening == "not " else "1"
    assert parse_expression(opening * 32 + inner + closing * 32)
    with pytest.raises(ExpressionError) as info:
        parse_expression(opening * 33 + inner + closing * 33)
    assert "expression nests deeper than 32 levels" in info.value.message
    assert info.value.column == 32 * width + 1  # the opening of level 33


def test_depth_limit_is_configurable() -> None:
    assert parse_expression("((1))", max_depth=2)
    with pytest.raises(ExpressionError, match="deeper than 2 levels"):
        parse_expression("(((1)))", max_depth=2)
    with pytest.raises(ExpressionError, match="nests"):  # no RecursionError escapes
        parse_expression("(" * 5000 + "1" + ")" * 5000, max_length=20000, max_depth=10**6)


# -- compiled once -------------------------------------------------------------------------


def test_evaluate_does_not_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    expression = parse_expression("staffing.on_post / staffing.authorized")

    def no_parsing(*args: object) -> Any:
        raise AssertionError("parsed during evaluation")

    monkeypatch.setattr(expr_parser, "_tokenize", no_parsing)
    monkeypatch.setattr(expr_expression, "_Parser", no_parsing)
    data = {"staffing.on_post": D(21), "staffing.authorized": D(20)}
    assert expression.evaluate(resolver(data)) == D("1.05")


def test_constants_are_folded_but_errors_wait_for_evaluation() -> None:
    def resolve(name: str) -> Any:
        raise AssertionError(name)

    # 2 * 3 + 1 / 4 = 6.25, half up to one place: 6.3
    assert parse_expression("round(2 * 3 + 1 / 4, 1)").evaluate(resolve) == D("6.3")
    expression = parse_expression('1 / 0 + "x"')  # both problems stay runtime problems
    with pytest.raises(MeasureUnavailable):
        expression.evaluate(resolve)


def test_expression_is_a_frozen_value() -> None:
    a = parse_expression("a.x / a.y")
    b = parse_expression("a.x / a.y")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, parse_expression("a.y / a.x")}) == 2
    assert str(a) == "a.x / a.y"
    assert repr(a).startswith("Expression(source='a.x / a.y', names=frozenset(")
    assert "function" not in repr(a)  # the compiled closure is private
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.source = "1"  # type: ignore[misc]
    assert isinstance(a, Expression)


def test_expression_pickles_and_copies() -> None:
    expression = parse_expression("round(a.x / a.y, 2)")
    data = resolver({"a.x": D(2), "a.y": D(3)})
    for clone in (pickle.loads(pickle.dumps(expression)), copy.deepcopy(expression)):
        assert clone == expression
        assert clone.evaluate(data) == D("0.67")


# -- properties -----------------------------------------------------------------------------
#
# A tree is ("lit", n) | ("name", n) | ("pct", n) | ("neg", t) | ("group", t) | (op, t, t).
# It is rendered to text with the fewest parentheses the precedence rules
# need, so the parser's precedence and associativity are what is tested;
# the reference value is computed from the tree, never from the text.

Tree = tuple[Any, ...]
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def trees(depth: int) -> st.SearchStrategy[Tree]:
    leaf = st.tuples(st.sampled_from(["lit", "name", "pct"]), st.integers(0, 999))
    strategy: st.SearchStrategy[Tree] = leaf
    for _ in range(depth):
        strategy = st.one_of(
            leaf,
            st.tuples(st.sampled_from(["neg", "group"]), strategy),
            st.tuples(st.sampled_from(["+", "-", "*", "/"]), strategy, strategy),
        )
    return strategy


def render(tree: Tree) -> tuple[str, int]:
    kind = tree[0]
    if kind == "lit":
        return str(tree[1]), 4
    if kind == "name":
        return f"v.n{tree[1]}", 4
    if kind == "pct":
        return f"{tree[1]}%", 4
    if kind == "group":
        return f"({render(tree[1])[0]})", 4
    if kind == "neg":
        text, prec = render(tree[1])
        return "-" + (text if prec >= 3 else f"({text})"), 3
    prec = PRECEDENCE[kind]
    left, left_prec = render(tree[1])
    right, right_prec = render(tree[2])
    if left_prec < prec:
        left = f"({left})"
    if right_prec <= prec:  # a - (b - c): the right side of equal precedence needs them
        right = f"({right})"
    return f"{left} {kind} {right}", prec


def reference(tree: Tree) -> Decimal:
    kind = tree[0]
    if kind in ("lit", "name"):
        return D(tree[1])
    if kind == "pct":
        return REF.divide(D(tree[1]), D(100))
    if kind == "group":
        return reference(tree[1])
    if kind == "neg":
        return REF.minus(reference(tree[1]))
    a, b = reference(tree[1]), reference(tree[2])
    if kind == "/":
        if b == 0:
            raise ZeroDivisionError
        return REF.divide(a, b)
    return {"+": REF.add, "-": REF.subtract, "*": REF.multiply}[kind](a, b)


def tree_names(tree: Tree) -> set[str]:
    if tree[0] == "name":
        return {f"v.n{tree[1]}"}
    return set().union(*(tree_names(t) for t in tree[1:] if isinstance(t, tuple)))


def resolve_n(name: str) -> Any:
    return int(name.removeprefix("v.n"))  # an int: evaluation must make it a Decimal


@given(trees(4))
def test_arithmetic_matches_a_reference_evaluator(tree: Tree) -> None:
    source, _ = render(tree)
    expression = parse_expression(source)
    assert expression.names == tree_names(tree)
    try:
        expected = reference(tree)
    except ZeroDivisionError:
        with pytest.raises(MeasureUnavailable) as info:
            expression.evaluate(resolve_n)
        assert info.value.reason == "division_by_zero"
    else:
        result = expression.evaluate(resolve_n)
        assert isinstance(result, Decimal)
        assert result == expected


EXPRESSION_SOUP = st.lists(
    st.sampled_from(list("0123456789 .()+-*/<>=!,%\"abtxyz_好（") +
                    [" and ", " or ", "not ", "true", "false", "min(", "has(", "round(",
                     "abs(", "a.b", "1.5", "50%", "==", "<="]),
    max_size=25,
).map("".join)


@given(st.one_of(st.text(max_size=40), EXPRESSION_SOUP))
def test_any_text_parses_or_fails_cleanly(source: str) -> None:
    try:
        expression = parse_expression(source)
    except ExpressionError as exc:
        assert 1 <= exc.column <= len(source) + 1
        return
    assert str(expression) == source
    try:
        value = expression.evaluate(lambda name: D(1))
    except PerfrubricError:
        return
    assert isinstance(value, (Decimal, bool, str, tuple, Money))
