"""Excel workbooks (``.xlsx``, ``.xlsm``) read cell by cell: only the cells that exist.

A sheet's XML lists the cells that hold something; this reader streams it
(openpyxl's read-only parser) and never builds the rectangle from ``A1``
to the last cell, so a stray cell at ``XFD1048576`` costs one cell, not a
grid of 17 billion (calamine and openpyxl's row iterators build it).

What Excel stores as an error (``#DIV/0!``, ``#N/A``) and a formula saved
without its computed value (a workbook written by a program that does not
calculate) come back as :class:`~perfrubric.batch.cells.BadCell`, so the
unit fails at that cell instead of reading it as empty.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import DataError, Problem
from .cells import BadCell
from .extras import require

_NO_VALUE = ("the cell holds a formula saved without its value (the program that wrote the "
             "workbook did not calculate it); open it in Excel or WPS and save it again, or "
             "type the value")


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
