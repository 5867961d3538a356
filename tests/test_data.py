"""Department data: loading from TOML/JSON/dicts, located errors, round trips, facts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.data import structure_department, unstructure_department
from perfrubric.facts import Facts, check_name

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


def problems(doc: dict[str, Any]) -> list[pr.Problem]:
    with pytest.raises(pr.DataError) as info:
        pr.load_data(doc)
    return list(info.value.problems)


@pytest.mark.parametrize(("doc", "path", "fragment"), [
    ({"department": {"name": "x"}, "staffing": {"on_post": "21"}},
     "staffing.on_post", "expected a whole number"),
    ({"department": {"name": "x"}, "staffing": {"onpost": 1}},
     "staffing.onpost", "did you mean 'on_post'"),
    ({"department": {"name": "x"},
      "budget": {"project_lines": [{"name": "a", "amount": "1万元"},
                                   {"name": "b", "amount": "x"}]}},
     "budget.project_lines[1].amount", "expected money"),
    ({"department": {"name": "x"}, "budget": {"basic": {"amount": 1, "unit": "万英镑"}}},
     "budget.basic", "unknown money unit '万英镑'"),
    ({"department": {}}, "department.name", "required field missing"),
    ({"departmnt": {"name": "x"}}, "departmnt", "did you mean 'department'"),
    ({"department": {"name": "x"}, "target": [{"id": "a b", "name": "n"}]},
     "target[0]", "identifier"),
    ({"department": {"name": "x"}, "assessment": [{"indicator": "a", "score": "x"}]},
     "assessment[0].score", "expected a number"),
    ({"department": {"name": "x"}, "staffing": {"retired": -1}},
     "staffing", "must not be negative"),
])
def test_bad_data_is_located(doc: dict[str, Any], path: str, fragment: str) -> None:
    found = problems(doc)
    assert any(p.path == path and fragment in p.message for p in found), [str(p) for p in found]


def test_all_problems_at_once() -> None:
    found = problems({"department": {"name": "x"},
                      "staffing": {"on_post": "21", "authorizd": 3},
                      "budget": {"basic": "x"}})
    assert {p.path for p in found} == {"staffing.on_post", "staffing.authorizd", "budget.basic"}


def test_toml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[department]\nname = "x\n', encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        pr.load_data(path)
    assert info.value.line == 2 and info.value.file == str(path)
    assert "TOML syntax error" in str(info.value)


def test_toml_error_is_located_by_line(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[department]\nname = "x"\n\n[staffing]\nauthorized = 11\non_post = "21"\n',
                    encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        pr.load_data(path)
    assert str(info.value).startswith(f"{path}:6:1: staffing.on_post:")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(pr.DataError, match="no such file"):
        pr.load_data(tmp_path / "none.toml")


def test_json_input(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"department": {"name": "x", "year": 2021},
                                "staffing": {"authorized": 11, "on_post": 21}}),
                    encoding="utf-8")
    dept = pr.load_data(path)
    assert dept.staffing.on_post == 21 and dept.year == 2021
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        pr.load_data(path)
    assert info.value.line == 1 and "JSON syntax error" in str(info.value)


def test_money_in_both_spellings() -> None:
    a = pr.load_data({"department": {"name": "x"}, "budget": {"basic": "601.53万元"}})
    b = pr.load_data({"department": {"name": "x"},
                      "budget": {"basic": {"amount": 601.53, "unit": "万元"}}})
    assert a.budget.basic == b.budget.basic == pr.Money("601.53", "万元")


def test_round_trip_of_the_seed_data() -> None:
    dept = pr.load_data(EXAMPLE / "data.toml")
    again = structure_department(json.loads(json.dumps(unstructure_department(dept))))
    assert again == dept


def test_missing_is_not_zero() -> None:
    dept = pr.load_data({"department": {"name": "x"}, "staffing": {"on_post": 0}})
    facts = Facts.from_department(dept)
    assert facts.resolve("staffing.on_post") == 0
    with pytest.raises(pr.PerfrubricError, match=r"staffing\.authorized"):
        facts.resolve("staffing.authorized")


def test_facts_of_the_seed() -> None:
    facts = Facts.from_department(pr.load_data(EXAMPLE / "data.toml"))
    # 51.3 + 5373.35 = 5424.65 万元
    assert facts.resolve("budget.project_lines_total") == pr.Money("5424.65", "万元")
    assert facts.resolve("budget.lines.investment") == pr.Money("25.65", "万元")
    assert facts.resolve("staffing.authorized_by_kind.administrative") == 7
    assert facts.resolve("targets.domestic_investment.actual") == pr.Money("252.94", "亿元")
    assert facts.resolve("targets.gas_station_refit.actual") == Decimal(13)
    assert facts.resolve("targets.reached_count") == 3
    assert facts.resolve("facts.retail_sales_growth") == Decimal("0.142")  # "14.2%"
    assert facts.resolve("facts.fund_management")[0] == "专款专用"


@pytest.mark.parametrize(("name", "ok"), [
    ("staffing.on_post", True), ("budget.sangong.previous_actual", True),
    ("targets.x.ratio", True), ("facts.anything_at_all", True),
    ("staffing.authorized_by_kind.logistics", True), ("budget.lines.business", True),
])
def test_check_name_accepts(name: str, ok: bool) -> None:
    assert (check_name(name) is None) is ok


@pytest.mark.parametrize(("name", "hint"), [
    ("staffing.onpost", "did you mean 'staffing.on_post'"),
    ("targets.x.actuall", "did you mean 'targets.x.actual'"),
    ("budget.carryover_prev", "did you mean 'budget.carryover_previous'"),
    ("lambda", "unknown name 'lambda'"),
])
def test_check_name_rejects_with_hint(name: str, hint: str) -> None:
    message = check_name(name)
    assert message is not None and hint in message


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_float_money_goes_through_str(value: float) -> None:
    dept = pr.load_data({"department": {"name": "x"},
                         "budget": {"basic": {"amount": value, "unit": "万元"}}})
    assert dept.budget.basic is not None
    assert dept.budget.basic.amount == Decimal(str(value))
