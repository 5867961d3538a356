"""Tables in: spreadsheets, CSV, Parquet and DataFrames as department data.

A table has one row per unit and one column per data name.  A column maps
to a data name (``docs/data.md``) either by its own dotted header
(``staffing.on_post``, ``targets.projects.actual``, ``facts.satisfaction``)
or through a :class:`ColumnMap` (a mapping file, ``在职人数 =
"staffing.on_post"``), which can also give a money column its unit
(``"年初预算(万元)" = { name = "budget.initial", unit = "万元" }``).

Each row becomes a data document for :func:`perfrubric.data.structure_department`
(the same loader as for TOML files, so a cell is checked exactly like a
value in a data file); the loader's problems are then located back to the
cell they came from (``Sheet1!D17``).  Rows are read lazily, one at a time,
so a Parquet file or a CSV of a million rows streams.

This module opens a source and hands it to its reader (:mod:`.csvfile`,
:mod:`.workbook`, :mod:`.frames`); cells, the mapping file, rows and row
documents live in :mod:`.cells`, :mod:`.mapping`, :mod:`.rows` and
:mod:`.documents`, and their names are re-exported here.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem
from ..files.reading import require_regular_file
from .cells import cell_ref, column_letter
from .cells import clean as clean  # noqa: PLC0414 (re-exported: batch and layout import it here)
from .csvfile import _csv_table
from .documents import Plan as Plan  # noqa: PLC0414 (re-exported: batch imports it here)
from .documents import RowDocument as RowDocument  # noqa: PLC0414 (re-exported, as Plan)
from .extras import require
from .frames import _arrow_table, _dicts_table, _pandas_table, _parquet_table, _polars_table
from .mapping import MAX_HEADER_ROW, Column, ColumnMap, load_mapping
from .rows import Row, Table
from .workbook import _excel_table

__all__ = [
    "Column",
    "ColumnMap",
    "Row",
    "Table",
    "cell_ref",
    "column_letter",
    "load_mapping",
    "open_table",
    "require",
]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def open_table(source: Any, *, sheet: str | None = None, header_row: int = 1,
               excel_reader: str | None = None) -> Table:
    """Open *source* as a :class:`Table`.

    *source* is a path (``.csv``, ``.xlsx`` and the other Excel formats,
    ``.parquet``), a pandas or polars DataFrame, a pyarrow Table, or an
    iterable of flat dicts (dotted keys).  *sheet* and *header_row* apply to
    workbooks (and *header_row* to CSV; 1 to 1,048,576).  *excel_reader*
    forces ``"calamine"`` or ``"openpyxl"``; by default an ``.xlsx`` goes to
    calamine (when installed) unless a scan of its XML finds error cells,
    formulas without a value or a far stray cell, when it is read cell by
    cell (:mod:`perfrubric.batch.sparse`).  Only regular files are opened:
    a FIFO or a device is refused at once.
    """
    if isinstance(header_row, bool) or not isinstance(header_row, int) or \
            not 1 <= header_row <= MAX_HEADER_ROW:
        raise DataError(Problem(f"header_row must be a row number from 1 to {MAX_HEADER_ROW:,} "
                                f"(Excel's last row), got {header_row!r}"))
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        suffix = Path(path).suffix.lower()
        if not Path(path).exists():
            raise DataError(Problem("no such file", file=path))
        require_regular_file(path, DataError)
        if suffix == ".csv":
            return _csv_table(path, header_row)
        if suffix in EXCEL_SUFFIXES:
            return _excel_table(path, sheet, header_row, excel_reader)
        if suffix in (".parquet", ".pq"):
            return _parquet_table(path)
        raise DataError(Problem(f"cannot read a table from a {suffix or 'suffix-less'} file; "
                                "expected .csv, .xlsx or .parquet", file=path))
    module = type(source).__module__.split(".")[0]
    if module == "pandas":
        return _pandas_table(source)
    if module == "polars":
        return _polars_table(source)
    if module == "pyarrow":
        return _arrow_table(source)
    if isinstance(source, Iterable) and not isinstance(source, (str, bytes, Mapping)):
        return _dicts_table(source)
    raise DataError(Problem(f"cannot read a table from a {type(source).__name__}; expected a "
                            "file path, a pandas or polars DataFrame or a pyarrow Table"))
