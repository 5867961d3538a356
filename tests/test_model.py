"""The domain model: converters, validators, derived values, the seed's figures."""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.data.model import (
    Assessment,
    Budget,
    BudgetLine,
    Department,
    FieldError,
    OrgUnit,
    Sangong,
    SangongItem,
    Staffing,
    Target,
)
from perfrubric.errors import PerfrubricError
from perfrubric.units import Money, UnitError

D = Decimal
WAN = "万元"


def seed_staffing() -> Staffing:
    # shared/seed, 一、(一) 2. 人员情况, as printed.
    return Staffing(
        authorized=11, authorized_by_kind={"administrative": 7, "institutional": 3, "logistics": 1},
        on_post=21, on_post_established=16, government_employees=2, on_post_contract=7,
        retired=11, retired_lixiu=0, retired_tuixiu=11)


def seed_budget() -> Budget:
    # shared/seed, 二、一般公共预算支出情况.
    return Budget(
        basic="601.53万元", project="5424.65万元",
        project_lines=[
            BudgetLine("业务工作经费", "51.3万元", id="business", lines=[
                BudgetLine("招商工作经费", "25.65万元", id="investment"),
                BudgetLine("商贸工作经费", "25.65万元", id="trade"),
            ]),
            BudgetLine("专项经费", "5373.35万元", id="special"),
        ])


def issue_of(make: Any) -> tuple[str, str]:
    with pytest.raises(FieldError) as info:
        make()
    issue = info.value.issues[0]
    return issue.where, issue.message


# -- the seed ------------------------------------------------------------------------


def test_seed_staffing_is_kept_as_printed() -> None:
    s = seed_staffing()
    # 编制 11 = 行政 7 + 事业 3 + 工勤 1
    assert s.authorized == sum(s.authorized_by_kind.values()) == 7 + 3 + 1 == 11
    # 离退休 11 = 离休 0 + 退休 11
    assert s.retired == 0 + 11
    # 在职 21, but 在编 16 + 编外 7 = 23: the model keeps both, it does not reject the seed
    assert (s.on_post, s.on_post_established, s.on_post_contract) == (21, 16, 7)
    assert (s.on_post_established or 0) + (s.on_post_contract or 0) == 16 + 7 == 23


def test_seed_discrepancy_is_reported_not_rejected() -> None:
    dept = Department("长沙市开福区商务局", year=2021, staffing=seed_staffing(),
                      budget=seed_budget())
    notes = dept.discrepancies()
    # Only the staffing sum disagrees; 23 − 2 政府雇员 = 21 is the reading noted.
    assert len(notes) == 1
    assert "on_post 21 ≠ on_post_established 16 + on_post_contract 7 = 23" in notes[0]
    assert "counted in both groups" in notes[0]


def test_seed_project_lines_add_up() -> None:
    budget = seed_budget()
    # 51.3 + 5373.35 = 5424.65 万元
    assert budget.project_lines_total == Money("5424.65", WAN) == budget.project
    # 25.65 + 25.65 = 51.3 万元
    assert budget.project_lines[0].lines_total == Money("51.30", WAN)
    assert [line.id for line in budget.lines()] == ["business", "investment", "trade", "special"]


def test_discrepancies_of_parts_and_totals() -> None:
    dept = Department("x", staffing=Staffing(authorized=12, authorized_by_kind={"a": 7, "b": 3},
                                             retired=3, retired_lixiu=1, retired_tuixiu=1),
                      budget=Budget(project="100万元", project_lines=[
                          BudgetLine("a", "60万元", lines=[BudgetLine("a1", "50万元")]),
                          BudgetLine("b", "30万元")],
                          fixed_assets_total="10万元", fixed_assets_in_use="12万元",
                          sangong=Sangong(actual="9万元", abroad=SangongItem(actual="1万元"),
                                          vehicles=SangongItem(actual="5万元"),
                                          reception=SangongItem(actual="2万元"))))
    notes = "\n".join(dept.discrepancies())
    assert "authorized 12 ≠ a 7 + b 3 = 10" in notes
    assert "retired 3 ≠ retired_lixiu 1 + retired_tuixiu 1 = 2" in notes
    assert "project 100万元 ≠ the project lines 90万元" in notes  # 60 + 30 = 90
    assert "line a 60万元 ≠ its sub-lines 50万元" in notes
    assert "fixed_assets_total 10万元 < fixed_assets_in_use 12万元" in notes
    assert "sangong.actual 9万元 ≠ abroad + vehicles + reception 8万元" in notes  # 1 + 5 + 2
    assert len(dept.discrepancies()) == 6


def test_parts_in_other_units_are_compared_exactly() -> None:
    # 0.5亿元 = 5000万元: the same amount, so no discrepancy
    budget = Budget(project="0.5亿元", project_lines=[BudgetLine("a", "5000万元")])
    assert Department("x", budget=budget).discrepancies() == ()


# -- converters ----------------------------------------------------------------------


def test_money_in_three_spellings() -> None:
    a = Budget(basic="601.53万元").basic
    b = Budget(basic={"amount": 601.53, "unit": "万元"}).basic
    c = Budget(basic=Money("601.53", "万元")).basic
    assert a == b == c and isinstance(a, Money)
    assert a is not None and a.amount == D("601.53") and a.unit.symbol == WAN


def test_money_text_with_thousands_separator() -> None:
    assert Budget(basic="6,015,300元").basic == Money(6015300, "元")


@pytest.mark.parametrize(("value", "fragment"), [
    ("601.53", "expected money"),             # no unit
    ("601.53万英镑", "unknown money unit"),
    ({"amount": 1}, "a table with amount"),
    ({"amount": 1, "unit": 3}, "unit as text"),
    (601.53, "expected money"),               # a bare number has no unit
])
def test_bad_money_is_refused(value: Any, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Budget(basic=value)


def test_unknown_unit_is_a_unit_error() -> None:
    with pytest.raises(UnitError):
        Budget(basic="5镑")


def test_decimals_go_through_str() -> None:
    t = Target("t", "n", target=0.1, actual=0.142, previous=3)
    assert (t.target, t.actual, t.previous) == (D("0.1"), D("0.142"), D(3))
    # A percentage is a fraction once read: "14.2%" is 14.2 / 100.
    assert Target("t", "n", target="10%", actual="14.2%").actual == D("0.142")


def test_lists_become_tuples_and_tables_read_only() -> None:
    dept = Department("x", duties=["a", "b"], facts={"items": ["甲", "乙"], "t": {"n": 1}},
                      staffing=Staffing(authorized_by_kind={"administrative": 1}))
    assert dept.duties == ("a", "b")
    assert dept.facts["items"] == ("甲", "乙")
    with pytest.raises(TypeError):
        dept.facts["new"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        dept.staffing.authorized_by_kind["x"] = 1  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        dept.name = "y"  # type: ignore[misc]


def test_facts_numbers_and_numeric_text_are_decimal() -> None:
    dept = Department("x", facts={"a": 3, "b": 0.1, "c": "14.2%", "d": "已制定", "e": True,
                                  "f": {"g": "584"}})
    f = dept.facts
    assert (f["a"], f["b"], f["c"], f["d"], f["e"]) == (D(3), D("0.1"), D("0.142"), "已制定", True)
    assert f["f"]["g"] == D(584)


def test_department_is_hashable_and_picklable() -> None:
    dept = Department("x", facts={"a": ["b"], "c": {"d": 1}}, staffing=seed_staffing(),
                      budget=seed_budget(), targets=[Target("t", "n", target=1, actual=2)])
    assert hash(dept) == hash(pickle.loads(pickle.dumps(dept)))
    assert pickle.loads(pickle.dumps(dept)) == dept


def test_a_string_is_not_a_list_of_duties() -> None:
    with pytest.raises(ValueError, match="expected a list of text"):
        Department("x", duties="组织实施统计调查")  # a str is an Iterable[str] to mypy


# -- validators ----------------------------------------------------------------------


@pytest.mark.parametrize(("make", "where", "fragment"), [
    (lambda: Staffing(on_post=-1), "on_post", "must not be negative"),
    (lambda: Staffing(retired=2.5), "retired", "whole number"),  # type: ignore[arg-type]
    (lambda: Staffing(authorized=True), "authorized", "whole number"),
    (lambda: Staffing(authorized_by_kind={"行政 编制": 1}), "authorized_by_kind.行政 编制",
     "identifier"),
    (lambda: Staffing(authorized_by_kind={"administrative": -7}),
     "authorized_by_kind.administrative", "whole number ≥ 0"),
    (lambda: Budget(basic="-1万元"), "basic", "must not be negative"),
    (lambda: Budget(payment_actual="-5%"), "payment_actual", "must not be negative"),
    (lambda: BudgetLine("", "1万元"), "name", "non-empty text"),
    (lambda: BudgetLine("a", "1万元", id="1st"), "id", "identifier"),
    (lambda: Budget(project_lines=[BudgetLine("a", "1万元", id="x"),
                                   BudgetLine("b", "2万元", lines=[BudgetLine("c", "1万元",
                                                                              id="x")])]),
     "project_lines[1].lines[0].id", "duplicate line id 'x' (already the id of a)"),
    (lambda: Target("a b", "n"), "id", "identifier"),
    (lambda: Target("__class__", "n"), "id", "identifier"),
    (lambda: Target("t", "n", direction="up"), "direction", '"higher"'),  # type: ignore[arg-type]
    (lambda: Target("t", "n", category="产出 数量"), "category", "identifier"),
    (lambda: Assessment("a", score=-1), "score", "must not be negative"),
    (lambda: Assessment("a", value={"x": 1}), "value", "a list of text"),
    (lambda: Assessment(""), "indicator", "non-empty text"),
    (lambda: Department("x", year=21), "year", "a year such as 2021"),
    (lambda: Department("x", targets=[Target("t", "a"), Target("t", "b")]), "targets[1].id",
     "duplicate target id 't'"),
    (lambda: Department("x", assessments=[Assessment("a/b"), Assessment("a/b")]),
     "assessments[1].indicator", "duplicate"),
    (lambda: Department("x", targets=[{"id": "t"}]),  # type: ignore[list-item]
     "targets[0]", "expected a target"),
    (lambda: Department("x", units=[OrgUnit("a"), "b"]),  # type: ignore[list-item]
     "units[1]", "expected a unit"),
    (lambda: Department("x", facts={"bad key": 1}), "facts.bad key", "identifier"),
    (lambda: Department("x", facts={"items": ["a", 1]}), "facts.items", "text items only"),
    (lambda: Department("x", facts={"a": {"b": float("nan")}}), "facts.a.b", "finite"),
    (lambda: Department("x", facts={"a": object()}), "facts.a", "got object"),
])
def test_validators_name_the_field(make: Any, where: str, fragment: str) -> None:
    got_where, message = issue_of(make)
    assert got_where == where
    assert fragment in message


def test_field_errors_are_perfrubric_and_value_errors() -> None:
    with pytest.raises(FieldError) as info:
        Staffing(on_post=-3)
    assert isinstance(info.value, PerfrubricError) and isinstance(info.value, ValueError)
    issue = info.value.issues[0]
    assert (issue.expected, issue.got) == ("a whole number ≥ 0", "-3")
    assert str(info.value) == "on_post: must not be negative, got -3"


def test_every_bad_fact_is_reported_at_once() -> None:
    with pytest.raises(FieldError) as info:
        Department("x", facts={"a b": 1, "c": [1], "d": {"e": object()}})
    assert [i.where for i in info.value.issues] == ["facts.a b", "facts.c", "facts.d.e"]


def test_missing_is_none_not_zero() -> None:
    dept = Department("x")
    assert dept.staffing.on_post is None and dept.budget.final is None
    assert dept.budget.sangong.abroad.actual is None
    assert Staffing(on_post=0).on_post == 0


# -- targets -------------------------------------------------------------------------


def test_seed_target_ratio_and_reached() -> None:
    t = Target("domestic_investment", "实际到位内资", unit="亿元", target="215.92",
               actual="252.94")
    # 252.94 / 215.92 = 1.17145…, printed 117.14% in the report (truncated)
    assert t.ratio is not None and t.ratio.quantize(D("0.0001"), "ROUND_DOWN") == D("1.1714")
    assert t.reached is True and t.is_money and t.completion == 1


def test_target_ratio_is_none_for_zero_target() -> None:
    assert Target("t", "n", target=0, actual=5).ratio is None
    assert Target("t", "n", target=0, actual=5).reached is True  # 5 ≥ 0


def test_lower_is_better() -> None:
    t = Target("t", "差错率", direction="lower", target="1%", actual="1.25%")
    assert t.reached is False
    assert t.completion == D("0.8")  # 1% / 1.25% = 0.8
    assert Target("t", "n", direction="lower", target=20, actual=18).reached is True


def test_target_without_result() -> None:
    t = Target("reports", "发布分析报告", unit="篇", target=6)
    assert (t.ratio, t.reached, t.completion, t.growth) == (None, None, None, None)


def test_growth() -> None:
    # (12 − 8) / 8 = 0.5
    assert Target("t", "n", actual=12, previous=8).growth == D("0.5")


def test_department_target_lookup() -> None:
    dept = Department("x", targets=[Target("a", "n")])
    assert dept.target("a").name == "n"
    with pytest.raises(KeyError):
        dept.target("b")


# -- properties ----------------------------------------------------------------------

finite = st.integers(-10**15, 10**15).map(lambda n: n / 1000)  # written floats, within the bounds


@given(st.integers(0, 10**15).map(lambda n: n / 1000))  # within the bounds of decimals.py
def test_float_money_keeps_its_printed_digits(value: float) -> None:
    amount = Budget(basic={"amount": value, "unit": "万元"}).basic
    assert amount is not None and amount.amount == Decimal(str(value))


def _printable(number: Decimal) -> bool:
    """Within the bounds of a printed target value: < 1e15, at most 12 decimals."""
    return abs(number) < Decimal("1e15") and number == number.quantize(
        Decimal("1e-12"), rounding="ROUND_DOWN")


@given(finite)
def test_float_decimal_fields_go_through_str(value: float) -> None:
    number = Decimal(str(value))
    if not _printable(number):  # refused with a message, never mangled
        with pytest.raises(FieldError, match=r"out of range|decimal places"):
            Target("t", "n", target=value)
        return
    t = Target("t", "n", target=value)
    assert t.target == number


def test_point_one_stays_point_one() -> None:
    line = BudgetLine("a", {"amount": 0.1, "unit": "万元"})
    assert line.amount.amount == Decimal("0.1") != Decimal(0.1)  # noqa: RUF032 - the point


@given(st.decimals(min_value=0, max_value=10**12, allow_nan=False, places=2),
       st.sampled_from(["元", "万元", "亿元", "万美元"]))
def test_compact_money_text_round_trips(amount: Decimal, unit: str) -> None:
    money = Money(amount, unit)
    assert Budget(basic=f"{money.amount}{unit}").basic == money
