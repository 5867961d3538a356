"""Excel workbooks as tables, read with calamine or openpyxl.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DataError, Problem, did_you_mean
from .extras import require
from .percentformat import percent_cells, with_percent_cells
from .rows import Table, _headers, _numbered


def _excel_table(path: str, sheet: str | None, header_row: int, reader: str | None) -> Table:
    if reader is None:
        try:
            import python_calamine  # noqa: F401
            reader = "calamine"
        except ImportError:
            reader = "openpyxl"
    rows: Iterator[Sequence[Any]]
    if reader == "calamine":
        calamine = require("python_calamine", "reading Excel workbooks")
        try:
            book = calamine.CalamineWorkbook.from_path(path)
        except Exception as exc:  # calamine's own errors: an unreadable workbook
            raise DataError(Problem(f"cannot read the workbook: {exc}", file=path)) from None
        names = list(book.sheet_names)
        name = _pick_sheet(path, names, sheet)
        rows = iter(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    else:
        openpyxl = require("openpyxl", "reading Excel workbooks")
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl's own errors: an unreadable workbook
            raise DataError(Problem(f"cannot read the workbook: {exc}", file=path)) from None
        name = _pick_sheet(path, list(wb.sheetnames), sheet)
        rows = wb[name].iter_rows(values_only=True)
    # A cell shown as 94.5% holds 0.945: read it as the share it is, whatever the mapping says.
    rows = iter(with_percent_cells(rows, percent_cells(path, name)))
    head: Sequence[Any] = []
    for _ in range(header_row):
        head = next(rows, ())
    headers = _headers(head, path, name, header_row)
    while headers and not headers[-1]:
        headers = headers[:-1]
    return Table(headers, _numbered(rows, header_row + 1, len(headers)), file=path, sheet=name,
                 header_row=header_row)


def _pick_sheet(path: str, names: list[str], sheet: str | None) -> str:
    if sheet is None:
        return names[0]
    if sheet not in names:
        raise DataError(Problem(f"no sheet named '{sheet}'{did_you_mean(sheet, names)}; the "
                                f"sheets are {', '.join(names)}", file=path))
    return sheet
