"""Excel workbooks as tables, read with calamine or openpyxl.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DataError, Problem, did_you_mean
from .cells import clean
from .extras import require
from .percentformat import percent_cells, percent_rows, with_percent_cells
from .rows import Row, Table, _headers, _numbered
from .sparse import needs_care, open_book, sheet_rows


def _excel_table(path: str, sheet: str | None, header_row: int, reader: str | None) -> Table:
    if reader is None and path.lower().endswith((".xlsx", ".xlsm")) and (
            needs_care(path) or not _has_calamine()):
        return _sparse_table(path, sheet, header_row)
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
        if path.lower().endswith((".xlsx", ".xlsm")):
            return _sparse_table(path, sheet, header_row)
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


def _sparse_table(path: str, sheet: str | None, header_row: int) -> Table:
    """An ``.xlsx`` sheet read cell by cell (:mod:`.sparse`): a far stray cell costs nothing."""
    book = open_book(path)
    name = _pick_sheet(path, list(book.sheetnames), sheet)
    # a cell shown as 94.5% holds 0.945: read it as the share it is, whatever the mapping says
    cells = percent_rows(sheet_rows(book, name, path), percent_cells(path, name))
    head: dict[int, Any] = {}
    pending: tuple[int, dict[int, Any]] | None = None
    for number, found in cells:
        if number == header_row:
            head = found
        if number >= header_row:
            pending = (number, found) if number > header_row else None
            break
    raw = [head.get(i) for i in range(max(head, default=-1) + 1)]
    headers = _headers(raw, path, name, header_row)
    while headers and not headers[-1]:
        headers = headers[:-1]
    width = len(headers)

    def rows() -> Iterator[Row]:
        position = 0
        rest = cells if pending is None else _chain(pending, cells)
        for number, found in rest:
            values = tuple(clean(found.get(i)) for i in range(width))
            if all(v is None for v in values):
                continue  # blank rows between blocks of a sheet are not units
            yield Row(position, number, values)
            position += 1

    return Table(headers, rows(), file=path, sheet=name, header_row=header_row)


def _chain(first: tuple[int, dict[int, Any]],
           rest: Iterator[tuple[int, dict[int, Any]]]) -> Iterator[tuple[int, dict[int, Any]]]:
    yield first
    yield from rest


def _has_calamine() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def _pick_sheet(path: str, names: list[str], sheet: str | None) -> str:
    if sheet is None:
        return names[0]
    if sheet not in names:
        raise DataError(Problem(f"no sheet named '{sheet}'{did_you_mean(sheet, names)}; the "
                                f"sheets are {', '.join(names)}", file=path))
    return sheet
