"""Excel workbooks (``.xlsx``, ``.xlsm``) read cell by cell: only the cells that exist.

A sheet's XML lists the cells that hold something; this reader streams it
(openpyxl's read-only parser) and never builds the rectangle from ``A1``
to the last cell, so a stray cell at ``XFD1048576`` costs one cell, not a
grid of 17 billion (calamine and openpyxl's row iterators build it).

What Excel stores as an error (``#DIV/0!``, ``#N/A``) and a formula saved
without its computed value (a workbook written by a program that does not
calculate) come back as :class:`~perfrubric.batch.cells.BadCell`, so the
unit fails at that cell instead of reading it as empty.

calamine is ten times faster on a clean sheet, but reads both as empty
cells and builds the whole rectangle; :func:`needs_care` scans a
workbook's XML (a few regular-expression searches, no parsing) and says
whether calamine can be trusted with it.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import DataError, Problem
from .cells import BadCell
from .extras import require

_NO_VALUE = ("the cell holds a formula saved without its value (the program that wrote the "
             "workbook did not calculate it); open it in Excel or WPS and save it again, or "
             "type the value")


#: The most cells calamine may build for one sheet (its rectangle from A1 to the last cell).
MAX_DENSE_CELLS = 4_000_000

# A formula whose <v> is missing or empty (no computed value), with or without a prefix.
_NO_VALUE_FORMULA = re.compile(
    rb'</(?:\w+:)?f>(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v></(?:\w+:)?v>)?</(?:\w+:)?c>'
    rb'|<(?:\w+:)?f\b[^>]*/>(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v></(?:\w+:)?v>)?</(?:\w+:)?c>')
_REF = re.compile(rb'[A-Z]{0,3}([0-9]{1,7})"')


def needs_care(path: str) -> bool:
    """Whether a workbook must be read cell by cell rather than by calamine.

    True when a worksheet holds an error cell, a formula without a computed
    value, or cells so far apart that calamine's rectangle would exceed
    :data:`MAX_DENSE_CELLS` (or when the file is not a readable zip: the
    careful reader then says what is wrong).
    """
    try:
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                data = book.read(name)
                if _careful(data):
                    return True
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return True
    return False


def _careful(data: bytes) -> bool:
    if b' t="e"' in data:  # an error cell
        return True
    if (b"<f" in data or b":f" in data) and _NO_VALUE_FORMULA.search(data):
        return True
    return _cells(data) > MAX_DENSE_CELLS


def _cells(data: bytes) -> int:
    """The size of the rectangle from A1 to the farthest cell of a sheet's XML."""
    rows = 0
    at = len(data)
    while rows == 0 and (at := data.rfind(b' r="', 0, at)) >= 0:  # the last row or cell
        found = _REF.match(data, at + 4)
        rows = int(found.group(1)) if found else 0
    width = 1
    for letters in (3, 2, 1):
        refs = re.findall(rb' r="([A-Z]{%d})[0-9]' % letters, data)  # cells: letters
        if refs:
            width = max(_column(r) for r in set(refs))
            break
    return rows * width


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def open_book(path: str) -> Any:
    """The workbook at *path*, opened read-only for streaming; a located error if it is not one."""
    openpyxl = require("openpyxl", "reading Excel workbooks")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's own errors: an unreadable workbook
        raise DataError(Problem(f"cannot read the workbook: {type(exc).__name__}: {exc}",
                                file=path)) from None


def sheet_rows(book: Any, name: str, path: str) -> Iterator[tuple[int, dict[int, Any]]]:
    """(1-based row, {0-based column: value}) for each row of sheet *name* that has cells."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["data_type"] == "e":
                cell["value"] = BadCell(f"the cell holds {cell['value']} (an Excel error); "
                                        "correct the cell or the formula behind it")
            elif (cell["value"] is None and cell["data_type"] != "str"
                  and element.find(FORMULA_TAG) is not None):
                # no cached value (<v> missing or empty); t="str" with an empty <v> is a
                # formula whose value is the empty text: an empty cell
                cell["value"] = BadCell(_NO_VALUE)
            return cell

    sheet = book[name]
    try:
        with sheet._get_source() as source:
            parser = _Parser(source, sheet._shared_strings, data_only=True,
                             epoch=book.epoch, date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
            for number, cells in parser.parse():
                yield number, {c["column"] - 1: c["value"] for c in cells
                               if c["value"] is not None}
    except DataError:
        raise
    except Exception as exc:  # a broken sheet inside a readable zip
        raise DataError(Problem(f"cannot read the sheet '{name}': {type(exc).__name__}: {exc}",
                                file=path)) from None
