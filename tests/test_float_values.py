"""Binary floats read as people meant them (issue 17, point 4).

A float from a DataFrame or an Excel cell is read at 15 significant
digits, what Excel shows: ``441.18000000000006`` (441.18 after pandas
arithmetic) is 441.18, not "too fine".  TOML and JSON keep their exact
decimals.  One value goes through CSV, xlsx, pandas, polars and Arrow and
gives the same result.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.batch.cells import clean
from perfrubric.data import structure_department
from perfrubric.decimals import from_float, to_decimal

RUBRIC = pr.loads_rubric("""
[rubric]
id = "floats"
version = "1"
title = "预算执行"
full_marks = 20

[[indicator]]
path = "预算完成率"
points = 10
measure = "budget.final / budget.adjusted"
unit = "%"
rule = { kind = "threshold", threshold = "100%", full_when = "at_least" }

[[indicator]]
path = "人员控制率"
points = 10
measure = "staffing.on_post / staffing.authorized"
unit = "%"
rule = { kind = "threshold", threshold = "100%", full_when = "at_most" }
""")
NOISY = 441.18000000000006  # 441.18 as float arithmetic leaves it: 128.02 + 313.16
MAPPING = {"columns": {"名称": "department.name",
                       "调整预算": {"name": "budget.adjusted", "unit": "万元"},
                       "决算数": {"name": "budget.final", "unit": "万元"},
                       "编制数": "staffing.authorized", "在职人数": "staffing.on_post"}}
COLUMNS = ["名称", "调整预算", "决算数", "编制数", "在职人数"]
ROW: list[Any] = ["甲", 490.2, NOISY, 150, 146.0]


def check(result: pr.BatchResult) -> None:
    assert result.status == "scored", result.error
    # 441.18 / 490.2 = 0.9 exactly: 90% of the budget spent → 10 × 0.9 = 9.00 points;
    # 146 / 150 ≤ 100% → full 10.  Total 19.00.
    assert result.measured["预算完成率"] == Decimal("0.9")
    assert result.scores["预算完成率"] == Decimal("9.00")
    assert result.total == Decimal("19.00")


def test_the_noisy_float_is_what_pandas_gives() -> None:
    assert NOISY == 128.02 + 313.16 and repr(NOISY) == "441.18000000000006"


@pytest.mark.parametrize("value, meant", [
    (96.89999999999999, "96.9"), (1234.5600000000002, "1234.56"), (NOISY, "441.18"),
    (0.1 + 0.2, "0.3"), (146.0, "146"), (1e-12, "1E-12"), (-2.5, "-2.5"),
])
def test_a_float_is_read_at_15_significant_digits(value: float, meant: str) -> None:
    assert from_float(value) == to_decimal(value) == Decimal(meant)


@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False))
def test_a_decimal_typed_into_a_spreadsheet_comes_back(typed: Decimal) -> None:
    # At most 13 + 4 = 17 digits, but a decimal of ≤ 15 significant digits always
    # survives a float; this covers every amount up to 10 亿 with 4 places.
    if len(typed.normalize().as_tuple().digits) <= 15:
        assert from_float(float(typed)) == typed


def test_toml_and_json_keep_their_exact_decimals(tmp_path: Path) -> None:
    # A TOML float literal is exact: 17 digits kept, and so refused as too fine here.
    (tmp_path / "d.toml").write_text('[department]\nname = "甲"\n[facts]\n'
                                     "x = 441.180000000001\n", encoding="utf-8")
    assert pr.load_data(tmp_path / "d.toml").facts["x"] == Decimal("441.180000000001")
    (tmp_path / "d.json").write_text('{"department": {"name": "甲"}, '
                                     '"facts": {"x": 0.100000000000001}}', encoding="utf-8")
    assert pr.load_data(tmp_path / "d.json").facts["x"] == Decimal("0.100000000000001")


def test_dicts_read_floats_as_spreadsheets_do() -> None:
    dept = structure_department({"department": {"name": "甲"},
                                 "budget": {"final": {"amount": NOISY, "unit": "万元"}},
                                 "facts": {"x": 96.89999999999999}})
    assert dept.budget.final is not None and dept.budget.final.amount == Decimal("441.18")
    assert dept.facts["x"] == Decimal("96.9")


def test_whole_numbers_from_databases_and_frames_are_counts() -> None:
    dept = structure_department({"department": {"name": "甲", "year": 2023.0},
                                 "staffing": {"authorized": Decimal("150"), "on_post": 146.0,
                                              "retired": Decimal("3.000")}})
    assert (dept.staffing.authorized, dept.staffing.on_post, dept.staffing.retired) == \
        (150, 146, 3)
    assert dept.year == 2023
    with pytest.raises(pr.DataError) as caught:
        structure_department({"department": {"name": "甲"}, "staffing": {"on_post": 146.5}})
    assert caught.value.problems[0].path == "staffing.on_post"


def test_full_width_digits_are_read_in_counts_as_in_money(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([COLUMNS, ["甲", "４９０.２", "４４１.１８", "１５０", "１４６"]])
    (result,) = pr.evaluate_many(RUBRIC, table, mapping=MAPPING)
    check(result)


def test_the_same_value_through_csv_xlsx_pandas_polars_and_arrow(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.DataFrame([ROW], columns=COLUMNS)
    # CSV as pandas writes it: the float's repr, "441.18000000000006".
    frame.to_csv(tmp_path / "t.csv", index=False)
    assert "441.18000000000006" in (tmp_path / "t.csv").read_text(encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(COLUMNS)
    book.active.append(ROW)
    book.save(tmp_path / "t.xlsx")
    # A database column of whole numbers as Arrow's decimal128 gives it: Decimal('150').
    arrow = pa.table({c: [v] for c, v in zip(COLUMNS, ROW, strict=True)}).set_column(
        3, "编制数", pa.array([Decimal("150")], pa.decimal128(10, 0)))
    sources = [tmp_path / "t.csv", tmp_path / "t.xlsx", frame, pl.from_pandas(frame), arrow]
    for source in sources:
        (result,) = pr.evaluate_many(RUBRIC, source, mapping=MAPPING)
        check(result)


@pytest.mark.parametrize("text, read", [
    ("441.18000000000006", Decimal("441.18")), ("96.89999999999999", Decimal("96.9")),
    # Not a float's noise: exact text is kept as written.
    ("123456789012345.67", "123456789012345.67"), ("0.100000000000000005",
                                                   "0.100000000000000005"),
    ("1.50000", "1.50000"), ("146", "146"),
])
def test_csv_text_that_is_float_noise(text: str, read: object) -> None:
    assert clean(text) == read
