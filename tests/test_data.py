"""Department data: loading from TOML/JSON/dicts, located errors, round trips."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.data import load_data, structure_department, unstructure_department
from perfrubric.data.model import Budget, Department
from perfrubric.errors import DataError, Problem
from perfrubric.units import Money

HERE = Path(__file__).resolve().parent
SMALL = HERE / "data" / "small_dept.toml"
SEED = HERE.parent / "examples" / "kaifu-commerce-2021" / "data.toml"
DOCS = HERE.parent / "docs" / "data.md"
NAME = {"department": {"name": "x"}}


def problems(doc: Any) -> list[Problem]:
    with pytest.raises(DataError) as info:
        structure_department(doc)
    return list(info.value.problems)


def only(doc: Any) -> Problem:
    found = problems(doc)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


# -- bad data, each located ----------------------------------------------------------


@pytest.mark.parametrize(("doc", "path", "fragment", "expected"), [
    # wrong type
    ({**NAME, "staffing": {"on_post": "21"}}, "staffing.on_post",
     "expected a whole number, got '21'", "a whole number"),
    # unknown key, with a suggestion
    ({**NAME, "staffing": {"onpost": 1}}, "staffing.onpost",
     "unknown key 'onpost' (did you mean 'on_post'?)", None),
    # bad unit
    ({**NAME, "budget": {"basic": {"amount": 1, "unit": "万英镑"}}}, "budget.basic",
     "unknown money unit '万英镑'", None),
    # negative count
    ({**NAME, "staffing": {"retired": -1}}, "staffing.retired", "must not be negative",
     "a whole number ≥ 0"),
    # an item of a nested list
    ({**NAME, "budget": {"project_lines": [{"name": "a", "amount": "1万元"},
                                           {"name": "b", "amount": "x"}]}},
     "budget.project_lines[1].amount", "expected money", None),
    ({**NAME, "budget": {"project_lines": [{"name": "a", "amount": "2万元", "lines": [
        {"name": "b", "amount": "1万元", "amout": 1}]}]}},
     "budget.project_lines[0].lines[0].amout", "did you mean 'amount'", None),
    # missing required key
    ({"department": {}}, "department.name", "required key missing", "a value"),
    # unknown section
    ({"departmnt": {"name": "x"}, **NAME}, "departmnt", "did you mean 'department'", None),
    ({**NAME, "target": [{"id": "a b", "name": "n"}]}, "target[0].id", "identifier", None),
    ({**NAME, "target": [{"id": "a", "name": "n", "direction": "up"}]},
     "target[0].direction", '"higher" (more is better) or "lower"', '"higher" or "lower"'),
    ({**NAME, "target": [{"id": "a", "name": "n"}, {"id": "a", "name": "m"}]},
     "target[1].id", "duplicate target id 'a'", None),
    ({**NAME, "assessment": [{"indicator": "a", "score": "x"}]}, "assessment[0].score",
     "expected a number", "a number"),
    # a table where a list is due, and the reverse, and a scalar for a table
    ({**NAME, "target": {"id": "a", "name": "n"}}, "target", "expected a list", "a list"),
    ({**NAME, "staffing": 5}, "staffing", "expected a table", "a table"),
    ({**NAME, "facts": [1, 2]}, "facts", "expected a table", "a table"),
    ({"department": {"name": "x", "duties": "统计"}}, "department.duties", "expected a list",
     "a list"),
    ({"department": "x"}, "department", "expected the [department] table", "a table"),
    ({"department": {"name": "x", "staffing": {}}}, "department.staffing",
     "write it as a section of its own, [staffing]", None),
    ({**NAME, "staffing": {"authorized_by_kind": {"administrative": "7"}}},
     "staffing.authorized_by_kind.administrative", "expected a whole number", None),
    ({**NAME, "facts": {"items": ["a", 1]}}, "facts.items", "text items only", None),
    ({**NAME, "budget": {"sangong": {"abroad": {"actul": "1万元"}}}},
     "budget.sangong.abroad.actul", "did you mean 'actual'", None),
    ({**NAME, "budget": {"basic": "-5万元"}}, "budget.basic", "must not be negative", None),
    ({"department": {"name": "x", "year": True}}, "department.year",
     "expected a whole number, got yes/no true", None),
])
def test_bad_data_is_located(doc: dict[str, Any], path: str, fragment: str,
                             expected: str | None) -> None:
    problem = only(doc)
    assert problem.path == path, str(problem)
    assert fragment in problem.message, str(problem)
    if expected is not None:
        assert problem.expected == expected


def test_problems_say_what_was_given() -> None:
    problem = only({**NAME, "staffing": {"on_post": "21"}})
    assert problem.got == "'21'"
    assert str(problem) == "<string>: staffing.on_post: expected a whole number, got '21'"


def test_all_problems_at_once() -> None:
    found = problems({"department": {"name": "x"},
                      "staffing": {"on_post": "21", "authorizd": 3},
                      "budget": {"basic": "x"},
                      "target": [{"id": "t"}]})
    assert {p.path for p in found} == {"staffing.on_post", "staffing.authorizd", "budget.basic",
                                       "target[0].name"}


def test_not_a_table_at_all() -> None:
    problem = only([1, 2])
    assert problem.path == "" and "expected a table of sections" in problem.message


def test_no_python_internals_leak() -> None:
    bad_docs: list[Any] = [
        {**NAME, "staffing": 5}, {**NAME, "target": {"id": "a"}}, {"department": "x"},
        {**NAME, "target": ["a"]}, {**NAME, "budget": {"project_lines": [3]}},
        {**NAME, "budget": {"sangong": []}}, {**NAME, "assessment": [{"value": 1}]},
        {**NAME, "staffing": {"authorized_by_kind": [1]}}, {"department": {"name": 3}},
    ]
    for doc in bad_docs:
        for p in problems(doc):
            assert not re.search(r"object|attribute|NoneType|typing|\$\.|Traceback", p.message), p


# -- files ---------------------------------------------------------------------------


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[department]\nname = "x"\nyear = 20 21\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.file == str(path)
    assert info.value.line == 3 and info.value.column is not None
    assert "TOML syntax error" in str(info.value)


def test_problems_in_a_toml_file_have_lines(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[department]\nname = "x"\n\n[staffing]\nauthorized = 11\non_post = "21"\n'
                    '\n[[budget.project_lines]]\nname = "a"\namount = "1万元"\n'
                    '[[budget.project_lines]]\nname = "b"\namount = "1.5"\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_data(path)
    lines = {p.path: p.line for p in info.value.problems}
    assert lines == {"staffing.on_post": 6, "budget.project_lines[1].amount": 13}
    assert str(info.value).splitlines()[1].startswith(f"  {path}:6:1: staffing.on_post:")


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "none.toml"
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.file == str(path) and "no such file" in str(info.value)


def test_json_input(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"department": {"name": "x", "year": 2021},
                                "staffing": {"authorized": 11, "on_post": 21},
                                "budget": {"basic": "601.53万元"}}), encoding="utf-8")
    dept = load_data(path)
    assert dept.staffing.on_post == 21 and dept.year == 2021
    assert dept.budget.basic == Money("601.53", "万元")


def test_json_errors(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"department": {"name": "x"},\n "staffing": {"on_post": -2}}',
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.path == "staffing.on_post" and info.value.file == str(path)
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.line == 1 and "JSON syntax error" in str(info.value)


def test_format_overrides_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text('{"department": {"name": "x"}}', encoding="utf-8")
    assert load_data(path, format="json").name == "x"
    with pytest.raises(DataError, match="TOML syntax error"):
        load_data(path)  # anything but .json is TOML
    with pytest.raises(DataError, match="unknown format 'yaml'"):
        load_data(path, format="yaml")  # type: ignore[arg-type]


def test_sources_other_than_files() -> None:
    dept = load_data({"department": {"name": "x"}})
    assert load_data(dept) is dept
    with pytest.raises(DataError, match="expected a path, a mapping or a Department"):
        load_data(42)  # type: ignore[arg-type]


# -- the example files ---------------------------------------------------------------


def test_small_department_loads() -> None:
    dept = load_data(SMALL)
    assert dept.name == "示例区统计局" and dept.year == 2022
    assert [u.kind for u in dept.units] == ["行政单位", "二级机构"]
    assert dept.budget.procurement_actual == Money(96, "万元")
    assert dept.budget.sangong.reception.actual == Money("1.5", "万元")
    assert dept.targets[1].actual == Decimal("0.0125")  # "1.25%"
    assert dept.assessments[1].score == Decimal("4.5")
    assert dept.discrepancies() == ()


def test_seed_loads_with_its_figures() -> None:
    dept = load_data(SEED)
    assert dept.staffing.authorized == 11 and dept.staffing.on_post == 21
    assert dept.budget.project == Money("5424.65", "万元")
    assert len(dept.duties) == 10


def test_docs_example_is_the_small_department() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, flags=re.S)
    assert block is not None
    from perfrubric.files.reading import parse_toml

    assert structure_department(parse_toml(block[1], "docs", DataError)) == load_data(SMALL)


# -- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [SMALL, SEED])
def test_round_trip_through_json(path: Path) -> None:
    dept = load_data(path)
    doc = unstructure_department(dept)
    assert structure_department(json.loads(json.dumps(doc, ensure_ascii=False))) == dept


def test_unstructured_shape() -> None:
    doc = unstructure_department(load_data(SMALL))
    assert list(doc) == ["department", "staffing", "budget", "target", "facts", "assessment"]
    assert doc["budget"]["basic"] == {"amount": "300", "unit": "万元"}
    assert doc["budget"]["payment_actual"] == "0.95"  # Decimals as text
    assert doc["facts"]["audit"] == {"findings": "2"}
    assert doc["facts"]["management_rules"] == ["已制定", "有效执行"]
    assert "code" in doc["department"] and "sangong" in doc["budget"]
    # defaults are left out
    assert "previous_budget" not in doc["budget"]["sangong"]


def test_minimal_round_trip() -> None:
    dept = Department("x")
    assert unstructure_department(dept) == {"department": {"name": "x"}}
    assert structure_department(unstructure_department(dept)) == dept


# -- properties ----------------------------------------------------------------------


# Floats as a user writes them: within ±1e15 and at most 12 decimal places (the bounds of
# perfrubric.decimals); numbers beyond them are refused (tests/test_bounds.py).
WRITTEN_FLOATS = st.one_of(st.integers(-10**15, 10**15).map(lambda n: n / 1000),
                           st.sampled_from([0.1, 0.3, 1e15, -1e15, 1e-12, 0.000001, 123.45]))


@given(WRITTEN_FLOATS.filter(lambda v: v >= 0))
def test_float_money_goes_through_str(value: float) -> None:
    dept = load_data({**NAME, "budget": {"basic": {"amount": value, "unit": "万元"}}})
    assert dept.budget.basic is not None
    assert dept.budget.basic.amount == Decimal(str(value))  # 0.1 stays 0.1


@given(WRITTEN_FLOATS)
def test_float_decimals_go_through_str(value: float) -> None:
    number = Decimal(str(value))
    doc = {**NAME, "target": [{"id": "t", "name": "n", "actual": value}]}
    # the one boundary (perfrubric.decimals.check_bounds): at most 1e15, at most 12 places
    if abs(number) > Decimal("1e15") or number != number.quantize(
            Decimal("1e-12"), rounding="ROUND_DOWN"):
        with pytest.raises(DataError, match=r"too large|too fine"):
            load_data(doc)  # beyond what a form prints: refused, never mangled
        return
    assert load_data(doc).targets[0].actual == number


def test_out_of_range_target_values_are_located() -> None:
    with pytest.raises(DataError, match=r"target\[0\]\.actual: the number 1e\+300 is too large"):
        load_data({**NAME, "target": [{"id": "t", "name": "n", "actual": 1e300}]})


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=10**15,
                   places=12),
       st.sampled_from(["元", "万元", "亿元", "万美元", "亿美元"]))
def test_money_round_trips(amount: Decimal, unit: str) -> None:
    dept = Department("x", budget=Budget(basic=Money(amount, unit)))
    doc = json.loads(json.dumps(unstructure_department(dept)))
    assert structure_department(doc) == dept


def test_public_names() -> None:
    assert pr.load_data is load_data
