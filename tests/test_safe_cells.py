"""Safe output: no cell the library writes is a formula, and no character crashes a writer.

Every workbook is read back with openpyxl (``data_type`` says what Excel
will see: ``"s"`` text, ``"f"`` formula, ``"e"`` error) and every CSV with
the csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric import views
from perfrubric.batch import evaluate_many, write_results
from perfrubric.views.cells import CSV_TRIGGERS, clean_text, csv_cell, csv_row, xlsx_row
from perfrubric.views.form import to_form_csv, to_form_xlsx
from test_batch import FIRST, document

openpyxl = pytest.importorskip("openpyxl")

ROAD = Path(__file__).resolve().parent.parent / "examples" / "rural-road-maintenance-2022"
RUBRIC = pr.builtin("mof-2013-department")
LINK = '=HYPERLINK("http://evil.example/","财政局")'


def _cells(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def _doc(**department: Any) -> dict[str, Any]:
    doc = document(list(FIRST))  # the county's first unit, 75.25 by hand (test_batch.py)
    doc["department"] = {**doc["department"], **department}
    return doc


def _dept(name: str) -> pr.Evaluation:
    return pr.evaluate(RUBRIC, _doc(name=name))


# -- the shared function --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "written"), [
    ("=0计5分", "'=0计5分"), ("+1", "+1"), ("-3.5", "-3.5"), ("-12.5%", "-12.5%"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("-1+1|cmd", "'-1+1|cmd"), ("+", "'+"),
    ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("财政局", "财政局"), ("a=b", "a=b"),
    ("名称\x00", "名称\ufffd"),
])
def test_csv_cell_follows_owasp(text: str, written: str) -> None:
    # OWASP: a cell beginning with = + - @ tab or CR gets a leading apostrophe; a number
    # (sign, digits, point, percent) cannot run anything and stays a number.
    assert csv_cell(text) == written


@given(st.text())
def test_no_csv_cell_starts_a_formula(text: str) -> None:
    out = csv_cell(text)
    number = out.lstrip("+-").replace(".", "", 1).rstrip("%‰").replace(",", "").isdigit()
    assert not out.startswith(CSV_TRIGGERS) or number
    assert clean_text(out) == out  # nothing a workbook cannot hold


@given(st.lists(st.one_of(st.text(), st.integers(), st.none()), max_size=5))
def test_every_text_becomes_a_text_cell(values: list[Any]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(xlsx_row(sheet, values))  # never raises IllegalCharacterError
    buffer = io.BytesIO()
    book.save(buffer)
    for cell in _cells(buffer.getvalue()):
        assert cell.data_type in ("s", "n"), (cell.value, cell.data_type)


def test_csv_row_leaves_numbers_alone() -> None:
    assert csv_row([3, None, "=1"]) == [3, None, "'=1"]


# -- the scoring table, the form, batch results ---------------------------------------------


def test_scoring_table_writes_the_criterion_as_printed() -> None:
    # The built-in 预算调整率 criterion begins with "=": it is text, shown as printed.
    ev = _dept("测试单位")
    cells = _cells(views.to_xlsx(ev))
    assert not [c for c in cells if c.data_type in ("f", "e")]
    criteria = [c.value for c in cells if isinstance(c.value, str)
                and c.value.startswith("=0计5分")]
    assert criteria == ["=0计5分；0–10%(含)计4分；10–20%(含)计3分；20–30%(含)计2分；>30%不得分"]
    rows = list(csv.reader(io.StringIO(views.to_csv(ev))))
    assert [
        c for r in rows for c in r if "0计5分" in c] == ["'=0计5分；0–10%(含)计4分；10–20%(含)计3分；20–30%(含)计2分；>30%不得分"]


def test_a_hostile_department_name_is_text_everywhere() -> None:
    ev = _dept(LINK + "\x00")
    for data in (views.to_xlsx(ev), views.to_xlsx(ev, locale="en")):
        cells = _cells(data)
        assert not [c for c in cells if c.data_type in ("f", "e")]
        assert any(isinstance(c.value, str) and c.value.startswith(LINK + "\ufffd")
                   for c in cells)
        for cell in cells:
            assert cell.hyperlink is None
    text = views.to_csv(ev)
    assert "\x00" not in text


def test_project_form_keeps_printed_equals_targets() -> None:
    # project.toml prints the target "=100%": it stays "=100%", not the formula =100% (1).
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), ROAD / "project.toml")
    cells = _cells(to_form_xlsx(ev))
    assert not [c for c in cells if c.data_type in ("f", "e")]
    assert "=100%" in [c.value for c in cells]
    rows = list(csv.reader(io.StringIO(to_form_csv(ev))))
    assert "'=100%" in [c for r in rows for c in r]


def test_batch_results_are_text_in_xlsx_and_protected_in_csv(tmp_path: Path) -> None:
    good = _doc(code=LINK)
    bad = dict(_doc(code="@bad\x00"), staffing={"authorized": -1})
    xlsx, text = tmp_path / "out.xlsx", tmp_path / "out.csv"
    write_results(evaluate_many(RUBRIC, [good, bad]), RUBRIC, xlsx)
    write_results(evaluate_many(RUBRIC, [good, bad]), RUBRIC, text)
    cells = _cells(xlsx.read_bytes())
    assert not [c for c in cells if c.data_type in ("f", "e")]
    values = [c.value for c in cells]
    assert LINK in values and "@bad\ufffd" in values
    rows = list(csv.reader(io.StringIO(text.read_text(encoding="utf-8-sig"))))
    keys = [r[1] for r in rows[1:]]
    assert keys == ["'" + LINK, "'@bad\ufffd"]


def test_a_control_character_in_a_name_never_stops_the_word_writer() -> None:
    docx = pytest.importorskip("docx")
    ev = _dept(LINK + "\x00")
    document = docx.Document(io.BytesIO(pr.to_docx(ev)))
    # the NUL a Word file cannot hold is written as U+FFFD; the rest as printed
    assert document.paragraphs[0].text.startswith(LINK + "\ufffd")
