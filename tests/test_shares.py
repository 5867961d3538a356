"""Percent safety: a bare number where a share is measured (issue 17, point 1).

The rubric below scores 满意度 as the national framework does: full 10
points at 90% or more, proportionally below.  Every expected score is
worked out by hand: 87.5% → 10 × 0.875 / 0.90 = 9.7222… → 9.72.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.data import structure_department, unstructure_department
from perfrubric.decimals import Share
from perfrubric.errors import DataError

RUBRIC = """
[rubric]
id = "sat"
version = "1"
title = "满意度"
full_marks = 10

[[indicator]]
path = "满意度"
points = 10
measure = "facts.satisfaction"
unit = "%"
rule = { kind = "threshold", threshold = "90%", full_when = "at_least" }
"""
#: 87.5% against full marks at 90%: 10 × 0.875 / 0.9 = 9.7222… → 9.72.
SCORE_87_5 = Decimal("9.72")


@pytest.fixture
def rubric() -> pr.Rubric:
    return pr.loads_rubric(RUBRIC)


def data(value: Any) -> dict[str, Any]:
    return {"department": {"name": "某局", "year": 2023}, "facts": {"satisfaction": value}}


# -- data files and dicts ------------------------------------------------------------------


def test_a_bare_number_in_a_data_file_exits_1_naming_the_fix(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "d.toml").write_text('[department]\nname = "某局"\nyear = 2023\n\n[facts]\n'
                                     "satisfaction = 87.5\n", encoding="utf-8")
    out = io.StringIO()
    code = main(["score", str(tmp_path / "r.toml"), str(tmp_path / "d.toml")], out=out)
    assert code == 1
    with pytest.raises(DataError) as caught:
        pr.evaluate(pr.load_rubric(tmp_path / "r.toml"), tmp_path / "d.toml")
    (problem,) = caught.value.problems
    assert problem.path == "facts.satisfaction"
    assert problem.line == 6 and problem.file == str(tmp_path / "d.toml")
    assert 'write "87.5%"' in problem.message and "unit" in problem.message
    assert problem.expected == '"87.5%"' and problem.got == "87.5"


def test_with_its_sign_it_scores_9_72(tmp_path: Path, rubric: pr.Rubric) -> None:
    assert pr.evaluate(rubric, data("87.5%")).total == SCORE_87_5
    assert pr.evaluate(rubric, data("875‰")).total == SCORE_87_5
    assert pr.evaluate(rubric, data(Share("0.875"))).total == SCORE_87_5
    (tmp_path / "d.toml").write_text('[department]\nname = "某局"\n[facts]\n'
                                     'satisfaction = "87.5%"\n', encoding="utf-8")
    assert pr.evaluate(rubric, tmp_path / "d.toml").total == SCORE_87_5


@pytest.mark.parametrize("value, suggestion", [
    (87.5, '"87.5%"'), (Decimal("87.5"), '"87.5%"'), ("87.5", '"87.5%"'), (87, '"87%"'),
    # A fraction is a bare number too: 0.875 → "87.5%" is what it most likely meant.
    (Decimal("0.875"), '"87.5%"'), (0.875, '"87.5%"'), ("0.875", '"87.5%"'),
])
def test_every_bare_number_from_python_is_refused(rubric: pr.Rubric, value: object,
                                                  suggestion: str) -> None:
    with pytest.raises(DataError) as caught:
        pr.evaluate(rubric, data(value))
    (problem,) = caught.value.problems
    assert problem.path == "facts.satisfaction" and problem.expected == suggestion


def test_the_compiled_path_refuses_it_too(rubric: pr.Rubric) -> None:
    results = list(pr.evaluate_many(rubric, [data(87.5), data("87.5%")], trace=False))
    assert results[0].status == "failed" and isinstance(results[0].error, DataError)
    assert "bare number 87.5" in str(results[0].error)
    assert results[1].total == SCORE_87_5


def test_a_per_mille_measure_asks_for_the_per_mille_sign() -> None:
    rubric = pr.loads_rubric(RUBRIC.replace('unit = "%"', 'unit = "‰"').replace(
        '"90%"', '0.9'))
    with pytest.raises(DataError) as caught:
        pr.evaluate(rubric, data(875))
    assert caught.value.problems[0].expected == '"875‰"'
    assert pr.evaluate(rubric, data("875‰")).total == SCORE_87_5


def test_a_ratio_measure_and_an_absent_fact_are_not_bare_shares() -> None:
    # budget.final / budget.adjusted is a fraction by construction: 950 / 1000 = 95% → 10.
    ratio = pr.loads_rubric(RUBRIC.replace('"facts.satisfaction"',
                                          '"facts.done / facts.planned"'))
    ev = pr.evaluate(ratio, {"department": {"name": "某局"},
                             "facts": {"done": 950, "planned": 1000}})
    assert ev.total == 10
    # Not given at all: the missing policy speaks, not the share check.
    with pytest.raises(pr.EvaluationError):
        pr.evaluate(pr.loads_rubric(RUBRIC), {"department": {"name": "某局"}})


def test_a_share_survives_the_round_trip() -> None:
    dept = structure_department(data("87.5%"))
    doc = unstructure_department(dept)
    assert doc["facts"]["satisfaction"] == "87.5%"
    again = structure_department(doc)
    assert again == dept and isinstance(again.facts["satisfaction"], Share)


@given(st.decimals(min_value=0, max_value=200, places=2))
def test_any_share_with_its_sign_scores_its_fraction(percent: Decimal) -> None:
    rubric = pr.loads_rubric(RUBRIC)
    written = pr.evaluate(rubric, data(f"{percent}%")).total
    # full at 90%, proportional below: 10 × p / 90 capped at 10, to 2 places.
    expected = min(Decimal(10), Decimal(10) * percent / 90).quantize(Decimal("0.01"))
    assert written == expected
    if percent:
        with pytest.raises(DataError):
            pr.evaluate(rubric, data(percent))


# -- tables --------------------------------------------------------------------------------

HEADER = ["单位名称", "满意度"]


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def mapping(unit: str | None) -> dict[str, Any]:
    column: Any = {"name": "facts.satisfaction", **({"unit": unit} if unit else {})}
    return {"columns": {"单位名称": "department.name", "满意度": column}}


def test_a_share_column_without_a_unit_stops_the_batch_with_one_error(
        tmp_path: Path, rubric: pr.Rubric) -> None:
    table = write_csv(tmp_path / "t.csv", [["甲", 87.5], ["乙", 92], ["丙", 80]])
    with pytest.raises(DataError) as caught:
        list(pr.evaluate_many(rubric, table, mapping=mapping(None)))
    (problem,) = caught.value.problems  # one, for the column: not one per row
    assert "满意度" in problem.message and 'unit = "%"' in problem.message
    assert '"fraction"' in problem.message


def test_the_mapping_error_points_at_the_mapping_line(tmp_path: Path,
                                                      rubric: pr.Rubric) -> None:
    table = write_csv(tmp_path / "t.csv", [["甲", 87.5]])
    (tmp_path / "m.toml").write_text('[columns]\n"单位名称" = "department.name"\n'
                                     '"满意度" = { name = "facts.satisfaction", unit = "万元" }\n',
                                     encoding="utf-8")
    with pytest.raises(DataError) as caught:
        list(pr.evaluate_many(rubric, table, mapping=tmp_path / "m.toml"))
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "m.toml") and problem.line == 3
    assert "is money" in problem.message


def test_the_batch_command_exits_1_before_scoring(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    table = write_csv(tmp_path / "t.csv", [["甲", 87.5], ["乙", 92]])
    (tmp_path / "m.toml").write_text('[columns]\n"单位名称" = "department.name"\n'
                                     '"满意度" = "facts.satisfaction"\n', encoding="utf-8")
    out = io.StringIO()
    code = main(["batch", str(tmp_path / "r.toml"), str(table), "--map",
                 str(tmp_path / "m.toml"), "-o", str(tmp_path / "out.csv")], out=out)
    assert code == 1 and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("unit, cell", [("%", 87.5), ("%", "87.5"), ("fraction", 0.875),
                                        ("fraction", "0.875"), ("‰", 875)])
def test_with_its_unit_the_column_scores_9_72(tmp_path: Path, rubric: pr.Rubric, unit: str,
                                              cell: object) -> None:
    table = write_csv(tmp_path / "t.csv", [["甲", cell]])
    (result,) = pr.evaluate_many(rubric, table, mapping=mapping(unit))
    assert result.total == SCORE_87_5


def test_a_dataframe_column_needs_its_unit_too(rubric: pr.Rubric) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"department.name": ["甲", "乙"], "facts.satisfaction": [87.5, 92.0]})
    with pytest.raises(DataError) as caught:
        pr.score_table(rubric, frame)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].path == "column 'facts.satisfaction'"
    mapped = {"columns": {"facts.satisfaction": {"name": "facts.satisfaction", "unit": "%"}}}
    result = pr.score_table(rubric, frame, mapping=mapped)
    # 92% ≥ 90%: full marks.
    assert list(result["total"]) == [SCORE_87_5, Decimal("10.00")]


def test_flat_dicts_need_a_unit_for_a_share(rubric: pr.Rubric) -> None:
    with pytest.raises(DataError):
        list(pr.evaluate_many(rubric, [{"department.name": "甲", "facts.satisfaction": 87.5}]))
    with_sign = [{"department.name": "甲", "facts.satisfaction": "87.5%"}]
    mapped = {"columns": {"facts.satisfaction": {"name": "facts.satisfaction",
                                                 "unit": "fraction"}}}
    (result,) = pr.evaluate_many(rubric, [{"department.name": "甲",
                                           "facts.satisfaction": 0.875}], mapping=mapped)
    assert result.total == SCORE_87_5
    assert with_sign  # a dotted dict with "87.5%" still needs the column's unit declared


# -- Excel cells in a percent format ---------------------------------------------------------


def percent_workbook(path: Path, number_format: str | None) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["甲", 0.875])
    if number_format is not None:
        sheet["B2"].number_format = number_format
    book.save(path)
    return path


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
@pytest.mark.parametrize("unit", ["%", "fraction"])
def test_a_percent_formatted_cell_is_the_share_it_shows(tmp_path: Path, rubric: pr.Rubric,
                                                        reader: str, unit: str) -> None:
    if reader == "calamine":
        pytest.importorskip("python_calamine")
    from perfrubric.batch.workbook import _excel_table

    book = percent_workbook(tmp_path / "t.xlsx", "0.0%")
    table = _excel_table(str(book), None, 1, reader)
    (row,) = table.rows
    assert row.values == ("甲", "87.5%")  # 0.875 shown as 87.5%
    (result,) = pr.evaluate_many(rubric, book, mapping=mapping(unit))
    assert result.total == SCORE_87_5


def test_percent_formats_are_told_from_literal_percent_signs() -> None:
    from perfrubric.batch.percentformat import is_percent_format

    assert is_percent_format("0%") and is_percent_format("0.00%;[Red]-0.00%")
    assert not is_percent_format('0.0"%"') and not is_percent_format("0\\%")
    assert not is_percent_format("General") and not is_percent_format("#,##0.00")


def test_a_workbook_without_percent_formats_reads_its_numbers(tmp_path: Path,
                                                              rubric: pr.Rubric) -> None:
    from perfrubric.batch.percentformat import percent_cells

    book = percent_workbook(tmp_path / "t.xlsx", None)
    assert percent_cells(str(book), "Sheet") == frozenset()
    (result,) = pr.evaluate_many(rubric, book, mapping=mapping("fraction"))
    assert result.total == SCORE_87_5
    assert percent_cells(str(tmp_path / "missing.xlsx"), "Sheet") == frozenset()


@pytest.mark.parametrize("chunk", [7, 64, 1 << 22])
def test_the_scan_finds_cells_in_any_attribute_order_and_across_chunks(
        monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    from perfrubric.batch import percentformat

    monkeypatch.setattr(percentformat, "_CHUNK", chunk)
    xml = (b'<sheetData><row r="2"><c r="B2" s="1" t="n"><v>0.945</v></c>'
           b'<x:c t="n" s="12" r="AB2"><x:v>1</x:v></x:c><c r="C2" s="11"><v>3</v></c>'
           b'<c s="1"><v>5</v></c></row></sheetData>')  # the last has no reference: skipped
    found: set[tuple[int, int]] = set()
    percentformat._scan(io.BytesIO(xml), frozenset({1, 12}), found)
    # B = column 1, AB = 27 (26 + 2 - 1); s="11" is not a percent style.
    assert found == {(2, 1), (2, 27)}


def test_filled_in_templates_read_shares_as_tables_do(tmp_path: Path,
                                                      rubric: pr.Rubric) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("python_calamine")
    folder = tmp_path / "filled"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "财政局"
    sheet["A1"], sheet["B1"] = "单位名称", "财政局"
    sheet["A2"], sheet["B2"] = "满意度", 0.875
    sheet["B2"].number_format = "0.0%"  # shown as 87.5%
    book.save(folder / "a.xlsx")
    without = '[labels]\n"单位名称" = "department.name"\n"满意度" = "facts.satisfaction"\n'
    (tmp_path / "layout.toml").write_text(without, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        list(pr.evaluate_many(rubric, folder, layout=tmp_path / "layout.toml"))
    (problem,) = caught.value.problems
    assert "满意度" in problem.message
    assert (problem.path, problem.line) == ('labels."满意度"', 3)  # at the layout's line
    (tmp_path / "layout.toml").write_text(without.replace(
        '"facts.satisfaction"', '{ name = "facts.satisfaction", unit = "%" }'), encoding="utf-8")
    (result,) = pr.evaluate_many(rubric, folder, layout=tmp_path / "layout.toml")
    assert result.total == SCORE_87_5  # the cell shows 87.5%: read as 87.5%, not 0.875%
