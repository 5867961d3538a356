"""The measure expression language: parsing, evaluation, errors, safety."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.errors import ExpressionError, MeasureUnavailable, RuleInputError
from perfrubric.expr import parse_expression
from perfrubric.units import Money

D = Decimal


def ev(source: str, **names: object) -> object:
    data = {k.replace("__", "."): v for k, v in names.items()}

    def resolve(name: str) -> object:
        if name not in data:
            raise MeasureUnavailable("missing", f"'{name}' has no value")
        return data[name]

    return parse_expression(source).evaluate(resolve)  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "expected"), [
    ("1 - 2 - 3", D(-4)),
    ("2 + 3 * 4", D(14)),
    ("(2 + 3) * 4", D(20)),
    ("-2 * 3", D(-6)),
    ("- -2", D(2)),
    ("8 / 4 / 2", D(1)),
    ("0.1 + 0.2", D("0.3")),
    ("100%", D(1)),
    ("0.5%", D("0.005")),
    ("min(3, 1, 2)", D(1)),
    ("max(3, 1, 2)", D(3)),
    ("abs(-2.5)", D("2.5")),
    ("round(2.345, 2)", D("2.35")),
    ("round(2.5)", D(3)),
    ("1 < 2", True),
    ("2 <= 2 and 3 > 4", False),
    ("not false or false", True),
    ('"好" == "好"', True),
    ("1 != 1", False),
])
def test_values(source: str, expected: object) -> None:
    assert ev(source) == expected


def test_names_and_chinese_segments() -> None:
    expr = parse_expression("targets.实际到位内资.actual / targets.实际到位内资.target")
    assert expr.names == {"targets.实际到位内资.actual", "targets.实际到位内资.target"}
    assert str(expr) == expr.source


def test_ratio_of_money_in_different_units() -> None:
    # 252.94亿元 / 2159200万元 = 252.94 / 215.92
    value = ev("a.x / a.y", a__x=Money("252.94", "亿元"), a__y=Money("2159200", "万元"))
    assert value == D("252.94") / D("215.92")
    assert ev("a.x == a.y", a__x=Money(1, "亿元"), a__y=Money(10000, "万元")) is True


def test_mixing_currencies_is_an_input_error() -> None:
    with pytest.raises(RuleInputError, match="different currencies"):
        ev("a.x + a.y", a__x=Money(1, "万元"), a__y=Money(1, "万美元"))


def test_short_circuit() -> None:
    assert ev("false and (1 / 0 > 1)") is False
    assert ev("true or missing.name") is True


def test_division_by_zero_is_unavailable() -> None:
    with pytest.raises(MeasureUnavailable) as info:
        ev("a.x / (a.y - a.y)", a__x=D(1), a__y=D(2))
    assert info.value.reason == "division_by_zero"


def test_missing_name_propagates_but_has_catches_it() -> None:
    with pytest.raises(MeasureUnavailable) as info:
        ev("a.missing + 1")
    assert info.value.reason == "missing"
    assert ev("has(a.missing)") is False
    assert ev("has(a.x)", a__x=D(0)) is True
    assert parse_expression("has(a.b)").names == {"a.b"}


def test_type_errors_are_input_errors() -> None:
    with pytest.raises(RuleInputError, match="'\\+' needs numbers"):
        ev('1 + "x"')
    with pytest.raises(RuleInputError, match="'and' needs yes/no"):
        ev("1 and true")
    with pytest.raises(RuleInputError, match="needs numbers"):
        ev("true + 1")
    with pytest.raises(RuleInputError, match="compares"):
        ev('1 == "1"')


def test_ints_and_floats_from_data_become_decimals() -> None:
    assert ev("a.x + a.y", a__x=1, a__y=0.1) == D("1.1")


@pytest.mark.parametrize(("source", "fragment", "column"), [
    ("", "empty expression", 1),
    ("1 +", "unexpected end", 4),
    ("(1 + 2", "expected ')'", 7),
    ("1 + 2)", "unexpected ')'", 6),
    ("a / / b", "unexpected '/'", 5),
    ("sum(1, 2)", "unknown function 'sum'; allowed: abs, has, max, min, round", 1),
    ("min(1)", "at least two arguments", 1),
    ("abs(1, 2)", "exactly one argument", 1),
    ("round(1, 2.5)", "whole number literal", 10),
    ("has(1)", "expected a name inside has()", 5),
    ('"abc', "unterminated string", 1),
    ("1 < 2 < 3", "cannot be chained", 7),
    ("a.__class__", "names starting with '__'", 1),
    ("x[0]", "unexpected character '['", 2),
    ("a; b", "unexpected character ';'", 2),
    ("1.2.3", "malformed number", 1),
    ("lambda: 1", "unexpected character ':'", 7),
    ("not", "unexpected end", 4),
])
def test_syntax_errors_have_columns(source: str, fragment: str, column: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(source)
    assert fragment in info.value.message
    assert info.value.column == column


def test_limits() -> None:
    with pytest.raises(ExpressionError, match="longer than 500"):
        parse_expression("1 + " * 200 + "1")
    with pytest.raises(ExpressionError, match="deeper than 32"):
        parse_expression("(" * 40 + "1" + ")" * 40)
    assert ev("(" * 20 + "1" + ")" * 20) == 1


# -- property: random arithmetic agrees with a reference evaluator -------------

leaves = st.integers(min_value=-50, max_value=50).map(lambda n: (str(n), D(n)))


def combine(children: st.SearchStrategy[tuple[str, Decimal]]) -> st.SearchStrategy[tuple[str, Decimal]]:
    def build(op: str, a: tuple[str, Decimal], b: tuple[str, Decimal]) -> tuple[str, Decimal]:
        value = {"+": a[1] + b[1], "-": a[1] - b[1], "*": a[1] * b[1]}[op]
        return f"({a[0]} {op} {b[0]})", value
    return st.builds(build, st.sampled_from(["+", "-", "*"]), children, children)


@given(st.recursive(leaves, combine, max_leaves=12))
def test_arithmetic_matches_reference(tree: tuple[str, Decimal]) -> None:
    source, expected = tree
    assert ev(source) == expected
