"""Tables read whole or refused at the place: the repros of issue 17 (tables and inputs).

Every unit scored here is the flat rubric of test_batch.py: 在职人员控制率
on_post / authorized, 5 points, 0.5 off per whole 1% above 100%.  Each test
checks that every row is accounted for: rows in = scored + failed results.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfrubric as pr
from perfrubric.batch import evaluate_many, load_mapping
from perfrubric.cli import main
from test_batch import FLAT, FLAT_TEXT, LAYOUT

openpyxl = pytest.importorskip("openpyxl")

HEAD = "department.name,staffing.authorized,staffing.on_post\n"


def _csv(tmp_path: Path, body: str, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _run(source: Any, **kw: Any) -> list[pr.batch.BatchResult]:
    return list(evaluate_many(FLAT, source, trace=False, **kw))


# -- CSV ------------------------------------------------------------------------------------


def test_a_row_with_more_fields_than_the_header_fails_at_the_extra_field(tmp_path: Path) -> None:
    # 乙's on_post written 1,400 unquoted: four fields under three headers. Read as 1 it
    # would score 5 (1/400 ≤ 100%); it must fail at D3, the field beyond the header.
    path = _csv(tmp_path, "甲,20,21\n乙,400,1,400\n丙,10,10\n")
    results = _run(path)
    assert [(r.key, r.status) for r in results] == [
        ("甲", "scored"), ("乙", "failed"), ("丙", "scored")]
    (problem,) = results[1].problems
    assert (problem.path, problem.line, problem.column) == ("D3", 3, 4)
    assert "4 fields, the header 3" in problem.message and "1,400" in problem.message
    # 21/20 = 105%: 5 whole steps × 0.5 = 2.5 off → 2.50; 10/10 → 5.00
    assert [r.total for r in results] == [Decimal("2.50"), None, Decimal("5.00")]


def test_a_row_with_fewer_fields_fails_at_the_first_missing_one(tmp_path: Path) -> None:
    results = _run(_csv(tmp_path, "甲,20\n乙,10,10\n"))
    assert [r.status for r in results] == ["failed", "scored"]
    assert results[0].problems[0].path == "C2"


def test_an_unterminated_quote_is_located_and_no_row_vanishes(tmp_path: Path) -> None:
    # Row 3 opens a quote that never closes: rows 3 and 4 become one record. The result
    # says so at B3 and names the lines swallowed; row 2 still scores (20/20 → 5.00).
    path = _csv(tmp_path, '甲,20,20\n乙,"10,10\n丙,10,10\n')
    results = _run(path)
    assert [r.status for r in results] == ["scored", "failed"]
    (problem,) = results[1].problems
    assert problem.path == "B3" and "never closed" in problem.message
    assert "2 lines" in problem.message


def test_a_quoted_multiline_cell_is_not_an_open_quote(tmp_path: Path) -> None:
    path = _csv(tmp_path, '"甲\n(本级)",20,20\n"乙 ""新"" ",10,10\n')
    results = _run(path)
    assert [(r.key, r.total) for r in results] == [
        ("甲\n(本级)", Decimal("5.00")), ('乙 "新"', Decimal("5.00"))]


def test_gb18030_after_64k_of_ascii_is_read_whole(tmp_path: Path) -> None:
    # 70,000 ASCII characters of units first; the encoding is decided on the whole file.
    body = "".join(f"u{i:05d},10,10\n" for i in range(7000)) + "财政局,20,21\n"
    path = tmp_path / "gb.csv"
    path.write_bytes((HEAD + body).encode("gb18030"))
    results = _run(path)
    assert len(results) == 7001 and all(r.ok for r in results)
    assert (results[-1].key, results[-1].total) == ("财政局", Decimal("2.50"))


def test_neither_utf8_nor_gb18030_is_one_error_at_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(HEAD.encode() + b"a,1,1\n\x80\x80\xff,1,1\n")
    with pytest.raises(pr.DataError) as info:
        _run(path)
    (problem,) = info.value.problems
    # 53 header bytes + 6 bytes of "a,1,1\n" = 59: the first byte UTF-8 refuses, on line 3
    assert "at byte 59 (line 3)" in problem.message and problem.line == 3


# -- workbooks ------------------------------------------------------------------------------


def _book(path: Path, rows: list[list[Any]]) -> Any:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    return book


def test_excel_error_cells_and_formulas_without_value_fail_at_their_cell(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    book = _book(path, [["department.name", "staffing.authorized", "staffing.on_post"],
                        ["甲", 20, 21], ["乙", 10, None], ["丙", "=B4*2", 10], ["丁", 10, 10]])
    sheet = book.active
    sheet["C3"].value = "#DIV/0!"
    sheet["C3"].data_type = "e"  # an error value as Excel stores it
    book.save(path)  # openpyxl computes nothing: B4 is a formula saved without its value
    results = _run(path)
    assert [r.status for r in results] == ["scored", "failed", "failed", "scored"]
    assert results[1].problems[0].path == "Sheet1!C3"
    assert "the cell holds #DIV/0!" in results[1].problems[0].message
    assert results[2].problems[0].path == "Sheet1!B4"
    assert "formula saved without its value" in results[2].problems[0].message


def test_an_error_cell_in_an_ignored_column_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    book = _book(path, [["department.name", "staffing.authorized", "staffing.on_post", "备注"],
                        ["甲", 10, 10, None]])
    book.active["D2"].value = "#N/A"
    book.active["D2"].data_type = "e"
    book.save(path)
    results = list(evaluate_many(FLAT, path, mapping={"ignore": ["备注"]}))
    assert [r.total for r in results] == [Decimal("5.00")]


@pytest.mark.parametrize("far", ["XFD1048576", "Z1048576", "XFD1"])
def test_a_stray_far_cell_costs_nothing(tmp_path: Path, far: str) -> None:
    # The old reader built the whole rectangle to the far cell: 512 GB for XFD1048576.
    path = tmp_path / "units.xlsx"
    book = _book(path, [["department.name", "staffing.authorized", "staffing.on_post"],
                        ["甲", 20, 21]])
    book.active[far] = "x"
    book.save(path)
    if far == "XFD1":  # in the header row: an unknown header, located at its cell
        with pytest.raises(pr.DataError) as info:
            _run(path)
        assert info.value.problems[0].path == "Sheet1!XFD1"
        return
    results = _run(path)
    assert [(r.key, r.total) for r in results] == [("甲", Decimal("2.50"))]


def test_header_row_is_bounded(tmp_path: Path) -> None:
    with pytest.raises(pr.DataError) as info:
        load_mapping({"header_row": 10**20})
    assert "at most 1,048,576" in info.value.problems[0].message


def test_a_fifo_is_refused_at_once_as_any_input(tmp_path: Path) -> None:
    for name in ("units.csv", "units.xlsx", "units.parquet"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        with pytest.raises(pr.DataError, match="named pipe"):
            _run(fifo)
    mapping = tmp_path / "map.toml"
    os.mkfifo(mapping)
    with pytest.raises(pr.DataError, match="named pipe"):
        load_mapping(mapping)


# -- templates in a folder ------------------------------------------------------------------


def _template(path: Path, code: str, authorized: Any, on_post: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "单位编码", code
    sheet["A2"], sheet["B2"] = "编制数", authorized
    sheet["A3"], sheet["B3"] = "在职人数：", on_post
    book.save(path)


def test_a_blank_template_is_a_unit_and_a_broken_workbook_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "filled"
    folder.mkdir()
    (tmp_path / "layout.toml").write_text(LAYOUT, encoding="utf-8")
    _template(folder / "a.xlsx", "A01", 20, 21)       # 21/20 → 2.50
    _template(folder / "b.xlsx", None, None, None)    # the labels, every value blank
    (folder / "c.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    _template(folder / "d.xlsx", "A04", 10, 10)       # 10/10 → 5.00
    results = list(evaluate_many(FLAT, folder, layout=tmp_path / "layout.toml"))
    assert len(results) == 4  # four workbooks in, four results out
    assert [(r.status, r.total) for r in results] == [
        ("scored", Decimal("2.50")), ("failed", None), ("failed", None),
        ("scored", Decimal("5.00"))]
    assert "has no value" in results[1].problems[0].message  # blank: missing, not vanished
    broken = results[2].problems[0]
    assert broken.path == "c.xlsx" and "cannot read the workbook" in broken.message
    (tmp_path / "flat.toml").write_text(FLAT_TEXT, encoding="utf-8")
    out = tmp_path / "scored.csv"
    code = main(["batch", str(tmp_path / "flat.toml"), str(folder), "--layout",
                 str(tmp_path / "layout.toml"), "-o", str(out)])
    assert code == 1
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + 4  # header + units


# -- frames, workers, plugins, required columns ---------------------------------------------


def test_inf_in_a_dataframe_fails_at_its_cell() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"department.name": ["甲", "乙"],
                          "staffing.authorized": [10.0, float("inf")],
                          "staffing.on_post": [10, 10]})
    results = _run(frame)
    assert [r.status for r in results] == ["scored", "failed"]
    assert results[1].problems[0].path == "row 1, column 'staffing.authorized'"
    assert "inf" in results[1].problems[0].message


def test_a_record_no_worker_can_take_is_its_own_failure() -> None:
    records = [{"department": {"name": "甲"}, "staffing": {"authorized": 10, "on_post": 10}},
               {"department": {"name": "乙"}, "staffing": {"authorized": 10, "on_post": 10},
                "facts": {"odd": lambda: 1}},  # a lambda cannot be pickled
               {"department": {"name": "丙"}, "staffing": {"authorized": 20, "on_post": 21}}]
    results = list(evaluate_many(FLAT, records, workers=2, chunk_size=1, trace=False))
    assert [r.status for r in results] == ["scored", "failed", "scored"]
    assert "cannot be sent to a worker process" in str(results[1].error)
    assert results[2].total == Decimal("2.50")


def test_a_plugin_cannot_choose_the_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "exits.py").write_text("raise SystemExit(7)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "exits", raising=False)
    assert main(["list", "--plugin", "exits"]) == 1
    assert "SystemExit: 7" in capsys.readouterr().err


def test_a_missing_column_is_one_error_even_with_target_columns(tmp_path: Path) -> None:
    # The mapping names 编制数 but the sheet lacks it; a targets.* column used to skip the
    # check, so each unit failed on its own. Now: one error before any unit.
    path = tmp_path / "units.csv"
    path.write_text("单位,在职人数,目标1计划\n甲,21,10\n乙,9,10\n", encoding="utf-8")
    mapping = {"columns": {"单位": "department.name", "在职人数": "staffing.on_post",
                           "编制数": "staffing.authorized", "目标1计划": "targets.t1.target"}}
    with pytest.raises(pr.DataError) as info:
        list(evaluate_many(FLAT, path, mapping=mapping))
    (problem,) = info.value.problems
    assert problem.path == "编制数"
    assert "no column '编制数'" in problem.message and "'在职人员控制率'" in problem.message


def test_open_table_bounds_header_row_too(tmp_path: Path) -> None:
    from perfrubric.batch.tables import open_table

    for bad in (0, 10**20, True):
        with pytest.raises(pr.DataError, match="header_row must be a row number"):
            open_table(_csv(tmp_path, "甲,1,1\n"), header_row=bad)


@pytest.mark.parametrize(("cell", "value", "careful"), [
    ("D2", "x", False),             # a clean sheet: calamine, the fast reader, may read it
    ("D2", "=1+1", True),           # a formula saved without its value
    ("Z1048576", "x", True),        # 26 × 1,048,576 = 27,262,976 cells > 4,000,000
    ("XFD1048576", "x", True),      # 16,384 × 1,048,576 cells
    ("AD5000", "x", False),         # 30 × 5,000 = 150,000 cells: a real county table
])
def test_which_workbooks_are_read_cell_by_cell(tmp_path: Path, cell: str, value: str,
                                               careful: bool) -> None:
    from perfrubric.batch.sparse import needs_care

    path = tmp_path / "units.xlsx"
    book = _book(path, [["a", "b", "c"], [1, 2, 3]])
    book.active[cell] = value
    book.save(path)
    assert needs_care(str(path)) is careful


class _KillsItsWorker:
    """A record whose unpickling ends the worker process (as a crashing extension would)."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (3,))


def test_a_worker_that_dies_does_not_raise_past_evaluate_many() -> None:
    good = {"department": {"name": "甲"}, "staffing": {"authorized": 10, "on_post": 10}}
    records = [good, _KillsItsWorker(), good, good]
    results = list(evaluate_many(FLAT, records, workers=2, chunk_size=1, trace=False))
    assert len(results) == 4  # every record accounted for, in order
    assert results[1].status == "failed"
    assert [r.total for r in results if r.index != 1] == [Decimal("5.00")] * 3


def test_trailing_empty_headers_do_not_count_as_fields(tmp_path: Path) -> None:
    # "a,b,c,," as Excel saves a selection wider than the table: rows of three fields fit.
    path = tmp_path / "units.csv"
    path.write_text(HEAD.rstrip("\n") + ",,\n甲,20,21\n乙,10,10,,\n", encoding="utf-8")
    assert [r.total for r in _run(path)] == [Decimal("2.50"), Decimal("5.00")]


def test_an_error_cell_in_the_header_row_is_located(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    book = _book(path, [["department.name", None, "staffing.on_post"], ["甲", 20, 21]])
    book.active["B1"].value = "#REF!"
    book.active["B1"].data_type = "e"
    book.save(path)
    with pytest.raises(pr.DataError) as info:
        _run(path)
    (problem,) = info.value.problems
    assert problem.path == "Sheet1!B1" and "#REF!" in problem.message


def test_a_dict_row_with_columns_the_first_lacks_is_a_row_issue_not_a_raise() -> None:
    from perfrubric.batch.tables import open_table

    rows = list(open_table([{"staffing.on_post": 1}, {"staffing.on_post": 2, "x": 3}, 7]).rows)
    assert [r.issues for r in rows] == [
        (), ((None, "this row has columns the first row lacks: x"),),
        ((None, "expected a dict of column = value, got int"),)]


def test_the_command_writes_every_row_and_counts_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 3 rows in: 甲 21/20 → 2.50, 乙's unquoted 1,400 fails at D3, 丙 10/10 → 5.00.
    (tmp_path / "flat.toml").write_text(FLAT_TEXT, encoding="utf-8")
    table = _csv(tmp_path, "甲,20,21\n乙,400,1,400\n丙,10,10\n")
    out = tmp_path / "scored.xlsx"
    assert main(["batch", str(tmp_path / "flat.toml"), str(table), "-o", str(out)]) == 1
    printed = capsys.readouterr()
    assert "3 units: 2 scored, 1 failed" in printed.out  # the summary; the error on stderr
    assert "units.csv:3:4: D3: this row has 4 fields, the header 3" in printed.err
    book = openpyxl.load_workbook(out)
    keys = [row[1] for row in book["results"].iter_rows(min_row=2, values_only=True)]
    assert keys == ["甲", "乙", "丙"]
    errors = list(book["errors"].iter_rows(min_row=2, values_only=True))
    assert [(e[0], e[2]) for e in errors] == [("乙", "D3")]


@pytest.mark.parametrize(("xml", "careful"), [
    (b'<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>', False),      # a computed formula
    (b'<row r="2"><c r="B2"><f>1+1</f></c></row>', True),               # no <v>
    (b'<row r="2"><c r="B2"><f>1+1</f><v></v></c></row>', True),        # an empty <v>
    (b'<x:row r="2"><x:c r="B2"><x:f>1+1</x:f></x:c></x:row>', True),  # a prefixed namespace
    (b'<row r="2"><c r="B2" t="e"><v>#N/A</v></c></row>', True),        # an error cell
    (b'<row r="9"><c r="ZZ9"><v>1</v></c></row>', False),               # 702 × 9 cells
    (b'<row r="9999"><c r="ZZ9999"><v>1</v></c></row>', True),          # 702 × 9,999 > 4M
])
def test_the_scan_of_a_sheets_xml(xml: bytes, careful: bool) -> None:
    from perfrubric.batch.sparse import _careful

    assert _careful(b"<sheetData>" + xml + b"</sheetData>") is careful
