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
from .cells import cell_ref, clean


@attrs.frozen
class Row:
    """One row of a table: its position and cells, and where it came from.

    ``number`` is the 1-based row a spreadsheet shows (the header row is
    ``header_row``); for a DataFrame it is the 0-based position and
    ``label`` the index label.  A unit read from a filled-in template
    (one sheet per unit) has its own ``file`` and ``sheet``, and ``places``
    gives the (row, 0-based column) of each value's cell.
    """

    position: int
    number: int
    values: tuple[Any, ...]
    label: Any = None
    file: str | None = None
    sheet: str | None = None
    places: tuple[tuple[int, int] | None, ...] | None = None


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
    for value in raw:
        cell = clean(value)
        headers.append("" if cell is None else str(cell))
    dup = sorted({h for h in headers if h and headers.count(h) > 1})
    if dup:
        raise DataError([Problem(f"the header '{h}' appears in more than one column",
                                 path=cell_ref(sheet, header_row, headers.index(h)), file=file,
                                 line=header_row) for h in dup])
    return tuple(headers)


def _numbered(rows: Iterator[Sequence[Any]], first: int, width: int) -> Iterator[Row]:
    position = 0
    for number, raw in enumerate(rows, start=first):
        values = tuple(clean(v) for v in raw[:width])
        if all(v is None for v in values):
            continue  # blank lines between blocks of a sheet are not units
        if len(values) < width:
            values += (None,) * (width - len(values))
        yield Row(position, number, values)
        position += 1
