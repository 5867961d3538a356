"""The short lanes taken for speed give what the general code gives, to the digit.

Each lane (amounts in one unit added, subtracted and divided; an amount
compared with zero; ``Money`` built from checked parts; a table cell's
text; a step deduction within its limit) is compared with the general
operation it stands for, over generated values, by ``str`` (the same
digits, not only equal numbers).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from perfrubric.batch.cells import _FLOAT_NOISE, clean, float_text
from perfrubric.expr import parse_expression
from perfrubric.expr.operators import _money_arith, base_amount
from perfrubric.expr.values import _CTX
from perfrubric.units import UNITS, Money

# Amounts as data gives them: at most 1e15 in size and 15 decimal places.
amounts = st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=None,
                      allow_nan=False, allow_infinity=False).filter(
    lambda d: d.as_tuple().exponent >= -15)  # type: ignore[operator]
units = st.sampled_from([UNITS[u] for u in ("元", "千元", "万元", "百万元", "亿元", "万美元")])


def _general(op: str, a: Money, b: Money) -> object:
    """What Money's own operators give in the expression language's context."""
    with decimal.localcontext(_CTX):
        return {"+": a.__add__, "-": a.__sub__, "/": a.__truediv__}[op](b)


@given(amounts, amounts, units, st.sampled_from(["+", "-", "/"]))
def test_amounts_in_one_unit_compute_as_money_does(x: Decimal, y: Decimal, unit: object,
                                                    op: str) -> None:
    a, b = Money(x, unit), Money(y, unit)
    if op == "/" and not y:
        return  # division by zero: the general path reports it (tested elsewhere)
    got, want = _money_arith(op, a, b, "a ? b"), _general(op, a, b)
    assert type(got) is type(want) and str(got) == str(want)


@given(amounts, units)
def test_base_amount_is_moneys_own_in_the_expression_context(x: Decimal, unit: object) -> None:
    money = Money(x, unit)
    with decimal.localcontext(_CTX):
        want = money.base_amount
    assert str(base_amount(money)) == str(want)


@given(amounts, units, st.sampled_from([">", ">=", "<", "<=", "==", "!="]))
def test_an_amount_compared_with_zero_reads_its_sign(x: Decimal, unit: object, op: str) -> None:
    # `budget.sangong.previous_budget > 0`: zero needs no unit
    expr = parse_expression(f"a {op} 0")
    got = expr.evaluate({"a": Money(x, unit)}.__getitem__)
    want = {">": x > 0, ">=": x >= 0, "<": x < 0, "<=": x <= 0, "==": x == 0, "!=": x != 0}[op]
    assert got is want


@given(amounts, units)
def test_checked_money_is_the_constructors(x: Decimal, unit: object) -> None:
    made = Money._checked(x, unit)  # type: ignore[arg-type]
    assert made == Money(x, unit) and repr(made) == repr(Money(x, unit))
    assert hash(made) == hash(Money(x, unit))


@given(st.text(alphabet="0123456789.+-9 ", max_size=30))
def test_cell_text_reads_as_before_the_length_test(text: str) -> None:
    # clean() looks for a float's noise only in texts longer than 16 characters: a
    # shorter text has fewer than 16 digits, which float_text keeps as written anyway.
    stripped = text.strip()
    before = float_text(stripped) if _FLOAT_NOISE.match(stripped) else (stripped or None)
    assert clean(text) == before
    assert type(clean(text)) is type(before)


def test_float_noise_in_a_cell_still_reads_as_the_float_it_shows() -> None:
    # DataFrame.to_csv writes 441.18 as 441.18000000000006 (17 digits): read as 441.18
    assert clean("441.18000000000006") == Decimal("441.18")
    assert clean(" 96.89999999999999 ") == Decimal("96.9")
    assert clean("0.100000000000000005") == "0.100000000000000005"  # exact: kept as written


# -- measures and conditions of the compiled path --------------------------------------------

from perfrubric.data.facts import Facts  # noqa: E402
from perfrubric.engine.compiled_kinds import Fallback, condition_fn, measure_fn  # noqa: E402
from perfrubric.errors import PerfrubricError  # noqa: E402

#: A data value as the facts hold it: amounts (in one unit or not), numbers, zero, absent.
_values = st.one_of(
    st.none(),
    st.builds(Money, amounts, st.sampled_from([UNITS["万元"], UNITS["元"]])),
    amounts, st.just(Decimal(0)), st.just(Decimal("-0")), st.just("是"), st.booleans())


def _outcome(run: object, facts: Facts) -> tuple[str, str]:
    """What a measure or condition gives: its value's type and digits, or the error's kind."""
    try:
        value = run(facts)  # type: ignore[operator]
    except Fallback:
        return ("fallback", "")
    except PerfrubricError as exc:
        return (type(exc).__name__, getattr(exc, "reason", ""))
    except ArithmeticError as exc:
        return ("arithmetic", type(exc).__name__)
    return (type(value).__name__, str(value))


@given(st.sampled_from(["(a - b) / c", "abs(a - b) / c", "abs(a-b)/c", "( a - b ) / a",
                        "a / b", "a"]),
       _values, _values, _values)
def test_compiled_measures_give_what_the_expression_gives(source: str, a: object, b: object,
                                                          c: object) -> None:
    expr = parse_expression(source)
    facts = Facts({k: v for k, v in (("a", a), ("b", b), ("c", c)) if v is not None})

    def general(f: Facts) -> object:
        return expr.evaluate(f.resolve)
    want = _outcome(general, facts)
    got = _outcome(measure_fn(expr), facts)
    assert got == want


@given(st.sampled_from([">", ">=", "<", "<="]), _values)
def test_a_compiled_sign_condition_gives_what_the_expression_gives(op: str, a: object) -> None:
    expr = parse_expression(f"a {op} 0")
    facts = Facts({"a": a} if a is not None else {})

    def general(f: Facts) -> object:
        try:
            value = expr.evaluate(f.resolve)
        except PerfrubricError as exc:
            if getattr(exc, "reason", None) == "missing":
                raise
            raise Fallback from None
        if not isinstance(value, bool):
            raise Fallback
        return value
    assert _outcome(condition_fn(expr), facts) == _outcome(general, facts)


@given(st.sampled_from(["(a - b) / c", "abs(a - b) / c", "a / b", "a / c"]), units,
       amounts, amounts, amounts)
def test_compiled_measures_over_amounts_of_one_unit(source: str, unit: object, a: Decimal,
                                                    b: Decimal, c: Decimal) -> None:
    expr = parse_expression(source)
    facts = Facts({"a": Money(a, unit), "b": Money(b, unit), "c": Money(c, unit)})

    def general(f: Facts) -> object:
        return expr.evaluate(f.resolve)
    assert _outcome(measure_fn(expr), facts) == _outcome(general, facts)


@given(st.sampled_from(["(a - b) / c", "abs(a - b) / c"]), amounts, amounts, amounts)
def test_compiled_measures_over_plain_numbers(source: str, a: Decimal, b: Decimal,
                                              c: Decimal) -> None:
    expr = parse_expression(source)
    facts = Facts({"a": a, "b": b, "c": c})

    def general(f: Facts) -> object:
        return expr.evaluate(f.resolve)
    assert _outcome(measure_fn(expr), facts) == _outcome(general, facts)
