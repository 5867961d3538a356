"""Rows and tables: a table's headers and its rows, read one at a time.

:class:`Table` holds the headers and a one-pass iterator of :class:`Row`
and says where a cell of a row is; the helpers here read a header row and
number the rows of a sheet or CSV file.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ..errors import DataError, Problem
from .cells import BadCell, cell_ref, clean


@attrs.frozen
class Row:
    """One row of a table: its position and cells, and where it came from.

    ``number`` is the 1-based row a spreadsheet shows (the header row is
    ``header_row``); for a DataFrame it is the 0-based position and
    ``label`` the index label.  A unit read from a filled-in template
    (one sheet per unit) has its own ``file`` and ``sheet``, and ``places``
    gives the (row, 0-based column) of each value's cell.  ``issues`` are
    what makes the row unreadable as it stands, each with the 0-based column
    it is at (``None``: the whole row): a CSV row with more or fewer fields
    than the header, a quote never closed, a workbook that cannot be opened.
    A row with issues is a failed unit, never a silently shortened one.
    """

    position: int
    number: int
    values: tuple[Any, ...]
    label: Any = None
    file: str | None = None
    sheet: str | None = None
    places: tuple[tuple[int, int] | None, ...] | None = None
    issues: tuple[tuple[int | None, str], ...] = ()


@attrs.frozen
class Table:
    """A table being read: headers, columns, and a one-pass iterator of rows."""

    headers: tuple[str, ...]
    rows: Iterator[Row] = attrs.field(eq=False, repr=False)
    file: str | None = None
    sheet: str | None = None
    header_row: int = 1
    frame: bool = False
    library: str | None = None

    def where(self, row: Row, index: int | None = None) -> tuple[str, int | None, int | None]:
        """(place text, line, column) of a cell (or of the row when *index* is ``None``)."""
        if row.places is not None:
            place = row.places[index] if index is not None else None
            if place is None:
                return cell_ref(row.sheet, 1, 0).rsplit("!", 1)[0], None, None
            return cell_ref(row.sheet, place[0], place[1]), place[0], place[1] + 1
        if self.frame:
            label = row.label if row.label is not None else row.position
            text = f"row {label}"
            if index is not None:
                text += f", column {self.headers[index]!r}"
            return text, row.position, None if index is None else index + 1
        if index is None:
            sheet = f"{self.sheet}!" if self.sheet else ""
            return f"{sheet}row {row.number}", row.number, None
        return cell_ref(self.sheet, row.number, index), row.number, index + 1


def _headers(raw: Sequence[Any], file: str | None, sheet: str | None,
             header_row: int) -> tuple[str, ...]:
    headers = []
    for index, value in enumerate(raw):
        cell = clean(value)
        if isinstance(cell, BadCell):
            raise DataError(Problem(f"a header cell: {cell.message}", file=file,
                                    path=cell_ref(sheet, header_row, index), line=header_row,
                                    column=index + 1))
        headers.append("" if cell is None else str(cell))
    dup = sorted({h for h in headers if h and headers.count(h) > 1})
    if dup:
        raise DataError([Problem(f"the header '{h}' appears in more than one column",
                                 path=cell_ref(sheet, header_row, headers.index(h)), file=file,
                                 line=header_row) for h in dup])
    return tuple(headers)


def _numbered(rows: Iterator[Sequence[Any]], first: int, width: int,
              exact: bool = False) -> Iterator[Row]:
    """Rows numbered from *first*; blank ones skipped.

    With *exact* (CSV, where every row should have the header's fields), a
    row with more fields than the header (an unquoted ``1,400``) or fewer
    is a row with an issue, located at the first field beyond the header or
    the first one missing; cells beyond the header of a sheet are ignored.
    """
    position = 0
    for number, raw in enumerate(rows, start=first):
        values = tuple(clean(v) for v in raw[:width])
        extra = exact and any(clean(v) is not None for v in raw[width:])
        if not extra and all(v is None for v in values) and not hasattr(raw, "issue"):
            continue  # blank lines between blocks of a sheet are not units
        issues: tuple[tuple[int | None, str], ...] = ()
        issue = getattr(raw, "issue", None)  # a record that says what is wrong with it
        if issue is not None:
            issues = (issue,)
        elif extra:
            issues = ((width, f"this row has {len(raw)} fields, the header {width}: an "
                       "unquoted comma (such as 1,400) splits a value; quote it (\"1,400\") "
                       "or remove the comma"),)
        elif exact and len(raw) < width:
            issues = ((len(raw), f"this row has {len(raw)} fields, the header {width}: "
                       "a field is missing (or a quote joins two)"),)
        if len(values) < width:
            values += (None,) * (width - len(values))
        yield Row(position, number, values, issues=issues)
        position += 1
