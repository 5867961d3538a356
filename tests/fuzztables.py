"""Mutation fuzzing of tables and mappings: the shared core for ``fuzzcore``.

An input is the county table (``examples/county-2023/units.csv``) or its
mapping, mutated as text; a table is then written as a CSV (UTF-8 with a
BOM or GB18030, chosen by the input's hash) or as a workbook whose cells
are typed the way spreadsheets type them: ``=…`` a formula saved without
its value, ``#DIV/0!`` an error cell, numbers, booleans, dates, ``87.5%``
a percent-formatted fraction, huge and tiny numbers, and a merged block.
Every input is scored through the mapping and its results written as
``.xlsx`` and ``.csv``; a perfrubric error must be located, anything else
is a finding.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import random
import tempfile
import zlib
from decimal import Decimal
from typing import Any

import perfrubric
from perfrubric.batch import evaluate_many, load_mapping, write_results
from perfrubric.views.cells import clean_text

_RUBRIC = "mof-2013-department"
_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


#: What real spreadsheets put in a cell, and what a careless export does.
CELLS: tuple[str, ...] = (
    *_ERRORS, "=1/0", "=SUM(E2:E3)", "=B2*2", '=HYPERLINK("http://x","y")', "@SUM(1)",
    "87.5%", "0.875", "94.5%", "1e308", "1e-308", "-1e308", "1e15", "123456789012345678",
    "0.30000000000000004", "96.89999999999999", "1234.5600000000002", "146.0", "-0", "0",
    "TRUE", "false", "2023-05-01", "2023-02-30", '"1,400"', "1,400", '"open', 'a"b', "",
    " ", "inf", "-inf", "nan", "NaN", "∞", "１２", "二十", "财政局\x00", "\x01\x02",
    "\ufeff", "8000000元", "800万元", "=0计5分", "≥50个", "=100%", "x" * 300,
)


def mutate_table(text: str, rng: random.Random) -> str:
    """One table-shaped mutation of a CSV text: a cell, a header, a column, a row."""
    lines = text.split("\n")
    rows = [line.split(",") for line in lines]
    r = rng.randrange(len(rows))
    op = rng.randrange(6)
    if op <= 2 and rows[r]:  # a cell
        rows[r][rng.randrange(len(rows[r]))] = rng.choice(CELLS)
    elif op == 3 and rows[0]:  # a duplicate header
        rows[0][rng.randrange(len(rows[0]))] = rng.choice(rows[0])
    elif op == 4:  # a field more or less in one row
        if rng.random() < 0.5:
            rows[r].insert(rng.randrange(len(rows[r]) + 1), rng.choice(CELLS))
        elif rows[r]:
            rows[r].pop(rng.randrange(len(rows[r])))
    else:  # many rows, for the readers' streaming paths
        rows = rows[:1] + rows[1:] * rng.choice((2, 4, 8))
    return "\n".join(",".join(row) for row in rows[:61])  # at most 60 units: bounded work


def _cell(text: str, book_cell: Any) -> None:
    """Type *text* into an openpyxl cell as a spreadsheet user would have."""
    if text in _ERRORS:
        book_cell.value = text
        book_cell.data_type = "e"
        return
    if text.startswith("="):
        book_cell.value = text  # a formula, saved without a computed value
        return
    low = text.lower()
    if low in ("true", "false"):
        book_cell.value = low == "true"
        return
    try:
        if text.endswith("%"):
            book_cell.value = float(Decimal(text[:-1]) / 100)
            book_cell.number_format = "0.0%"
            return
        number = Decimal(text)
        if number.is_finite() and abs(number.adjusted()) < 300:
            book_cell.value = int(number) if number == number.to_integral_value() and \
                abs(number) < 10**15 else float(number)
            return
    except (ArithmeticError, ValueError):  # decimal.Overflow and InvalidOperation among them
        pass
    try:
        book_cell.value = datetime.date.fromisoformat(text)
        return
    except ValueError:
        pass
    book_cell.value = clean_text(text)


def write_table(text: str, path: str) -> None:
    """Write the (mutated) CSV *text* as the file *path* (``.csv`` or ``.xlsx``)."""
    pick = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    if path.endswith(".csv"):
        encoding = "gb18030" if pick % 2 else "utf-8-sig"
        data = text.encode(encoding, errors="surrogatepass" if encoding != "gb18030"
                           else "replace")
        with open(path, "wb") as fh:
            fh.write(data)
        return
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))[:60]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row[:60], start=1):
            if value:
                _cell(value, sheet.cell(r, c))
    if pick % 5 == 0 and len(rows) > 3:
        sheet.merge_cells(start_row=2, start_column=2, end_row=3, end_column=3)
    if pick % 7 == 0:
        sheet["XFD1048576"] = "stray"  # Ctrl+End, type, save
    book.save(path)


def run_table(kind: str, text: str, table: str, mapping: str, workdir: str | None) -> str:
    """Score one table input; ``"ok"`` or the error class name (located), else raise."""
    from fuzzcore import ROOT, check_located

    rubric = perfrubric.builtin(_RUBRIC)
    suffix = {"csv": ".csv", "xlsx": ".xlsx"}.get(kind, ".toml")
    fd, path = tempfile.mkstemp(suffix=suffix, dir=workdir)
    os.close(fd)
    out = path + ".out"
    try:
        if kind == "mapping":
            with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
                fh.write(text)
            source, column_map = str(ROOT / table), path
        else:
            write_table(text, path)
            source, column_map = path, str(ROOT / mapping)
        try:
            loaded = load_mapping(column_map)
            results = write_results(evaluate_many(rubric, source, mapping=loaded, trace=False),
                                    rubric, out + ".xlsx")
            write_results(iter(results), rubric, out + ".csv")
        except perfrubric.PerfrubricError as exc:
            check_located(exc)
            return type(exc).__name__
        for result in results:
            if result.error is not None:
                check_located(result.error)
        return "ok"
    finally:
        for name in (path, out + ".xlsx", out + ".csv"):
            if os.path.exists(name):
                os.unlink(name)
