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

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import functools
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import DataError, MissingDependencyError, Problem, did_you_mean
from ..files import tomlpos as _tomlpos
from ..files.settings import problem_at, read_settings
from ..units import UNITS

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

# -- optional dependencies -------------------------------------------------------------

#: The extra that installs each optional module.
_EXTRAS: dict[str, str] = {
    "pandas": "perfrubric[pandas]",
    "polars": "perfrubric[polars]",
    "pyarrow": "perfrubric[arrow]",
    "pyarrow.parquet": "perfrubric[arrow]",
    "python_calamine": "perfrubric[excel]",
    "openpyxl": "perfrubric[excel]",
    "dask": "perfrubric[dask]",
    "dask.dataframe": "perfrubric[dask]",
    "pyspark": "perfrubric[spark]",
    "pyspark.sql": "perfrubric[spark]",
    "tqdm": "perfrubric[progress]",
}


def require(module: str, feature: str) -> Any:
    """Import *module* or raise :class:`MissingDependencyError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(feature, _EXTRAS.get(module, f"perfrubric[{module}]")
                                     ) from None


# -- cell references ---------------------------------------------------------------------


def column_letter(index: int) -> str:
    """Excel's letters for the 0-based column *index*: 0 → A, 25 → Z, 26 → AA.

    >>> column_letter(3), column_letter(27)
    ('D', 'AB')
    """
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str | None, row: int, index: int) -> str:
    """``Sheet1!D17`` (or ``D17`` without a sheet) for a 1-based *row* and 0-based *index*."""
    ref = f"{column_letter(index)}{row}"
    if sheet is None:
        return ref
    quoted = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{ref}"


# -- the mapping file --------------------------------------------------------------------

_TEXT_FIELDS = frozenset({"name", "code", "unit", "category", "direction", "subject", "source",
                          "level", "reason", "assessor"})
_TARGET_FIELDS = ("target", "actual", "previous", "name", "unit", "category", "direction",
                  "subject", "source")
_ASSESSMENT_FIELDS = ("level", "score", "value", "reason", "assessor")
_DEPARTMENT_FIELDS = ("name", "year", "code")
_PERCENT_UNITS = {"%": "%", "％": "%", "‰": "‰"}


@functools.cache
def _settable() -> tuple[str, ...]:
    from ..data.facts import _DERIVED, static_names

    derived = set(_DERIVED)
    return tuple(n for n in static_names() if n not in derived and not n.startswith("department."))


_PATTERNS = ("department.name", "department.year", "department.code",
             "staffing.authorized_by_kind.<kind>", "budget.lines.<id>",
             "targets.<id>.<target|actual|previous|name|unit|category|direction>",
             "facts.<name>", "assessment.<indicator path>.<level|score|value|reason>")


def check_column_name(name: str) -> str | None:
    """``None`` if a column can be called *name*, else what is wrong (with a suggestion)."""
    parts = name.split(".")
    if not all(parts) or len(parts) < 2:
        return (f"'{name}' is not a data name; name a column like 'staffing.on_post' or "
                "map it in a mapping file (--map MAP.toml; see docs/batch.md)")
    head, n = parts[0], len(parts)
    if head == "department":
        if n == 2 and parts[1] in _DEPARTMENT_FIELDS:
            return None
        return f"unknown name '{name}'{did_you_mean(name, _PATTERNS[:3])}"
    if head in ("targets", "target"):
        if n == 3 and parts[2] in _TARGET_FIELDS:
            return None
        hint = did_you_mean(parts[-1], _TARGET_FIELDS) if n == 3 else ""
        return (f"unknown target column '{name}'{hint}; a target's column is "
                f"'targets.<id>.<field>' with field one of {', '.join(_TARGET_FIELDS)}")
    if head == "facts":
        return None
    if head in ("assessment", "assessments"):
        if n >= 3 and parts[-1] in _ASSESSMENT_FIELDS:
            return None
        return (f"unknown assessment column '{name}'; write 'assessment.<indicator path>."
                f"<field>' with field one of {', '.join(_ASSESSMENT_FIELDS)}")
    if parts[:2] == ["staffing", "authorized_by_kind"] and n == 3:
        return None
    if parts[:2] == ["budget", "lines"] and n == 3:
        return None
    if name in _settable():
        return None
    return f"unknown name '{name}'{did_you_mean(name, (*_settable(), *_PATTERNS))}"


@attrs.frozen
class Column:
    """How one column of a table reads.

    ``name`` is its data name (``None`` for a column the mapping ignores),
    ``unit`` the money unit or ``%``/``‰`` of bare numbers in it, and
    ``split`` the separator that splits a cell into a list.
    """

    header: str
    name: str | None
    unit: str | None = None
    split: str | None = None


@attrs.frozen
class ColumnMap:
    """Which data name each column of a table holds (a mapping file, loaded).

    ``columns`` maps a header (as written in the spreadsheet) to its
    :class:`Column`; ``ignore`` lists headers to skip (序号, 备注).  A header
    that is neither mapped nor ignored must itself be a dotted data name.
    ``sheet`` and ``header_row`` (1-based) say where the table starts in a
    workbook.
    """

    columns: Mapping[str, Column] = attrs.field(factory=dict)
    ignore: frozenset[str] = frozenset()
    sheet: str | None = None
    header_row: int = 1
    file: str | None = None

    def column(self, header: str) -> Column | str:
        """The :class:`Column` for *header*, or a message saying why there is none."""
        if header in self.columns:
            return self.columns[header]
        if header in self.ignore:
            return Column(header, None)
        problem = check_column_name(header)
        if problem is None:
            return Column(header, header)
        if self.columns:
            near = difflib.get_close_matches(header, list(self.columns), n=1, cutoff=0.6)
            where = f" {self.file}" if self.file else ""
            hint = f" (it maps '{near[0]}': a typo?)" if near else ""
            return (f"column '{header}' is not in the mapping{where}{hint} and is not a data "
                    "name; map it in [columns], or list it under ignore = [...]")
        return problem


_MAPPING_KEYS = ("columns", "ignore", "sheet", "header_row")


def load_mapping(source: str | os.PathLike[str] | Mapping[str, Any] | ColumnMap | None,
                 ) -> ColumnMap:
    """Load a column mapping from a TOML file or a dict; ``None`` maps nothing.

    The document has a ``[columns]`` table (``"在职人数" = "staffing.on_post"``,
    ``"年初预算(万元)" = { name = "budget.initial", unit = "万元" }``, or
    ``{ name = "facts.rules", split = "、" }`` for a list) and optionally
    ``ignore = ["序号"]``, ``sheet = "Sheet1"`` and ``header_row = 1``.
    Every problem is reported at once as a :class:`DataError` with its line.
    """
    if source is None:
        return ColumnMap()
    if isinstance(source, ColumnMap):
        return source
    doc, where = read_settings(source, DataError)
    file = where.file
    problems: list[Problem] = []

    def bad(path: tuple[str | int, ...], message: str) -> None:
        problems.append(problem_at(where, path, message))

    for key in doc:
        if key not in _MAPPING_KEYS:
            bad((key,), f"unknown key '{key}'{did_you_mean(key, _MAPPING_KEYS)}; a mapping has "
                "[columns] (header = data name) and optionally ignore, sheet, header_row")
    raw = doc.get("columns", {})
    columns: dict[str, Column] = {}
    if not isinstance(raw, Mapping):
        bad(("columns",), "expected a table [columns] of header = \"data name\"")
        raw = {}
    for header, spec in raw.items():
        def at_header(message: str, header: str = str(header)) -> None:
            bad(("columns", header), message)

        column = _read_column(str(header), spec, at_header)
        if column is not None:
            columns[str(header)] = column
    ignore = doc.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        bad(("ignore",), "expected a list of column headers, e.g. ignore = [\"序号\", \"备注\"]")
        ignore = []
    sheet = doc.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        bad(("sheet",), "expected the name of a sheet, e.g. sheet = \"Sheet1\"")
        sheet = None
    header_row = doc.get("header_row", 1)
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        bad(("header_row",), "expected the 1-based row number of the headers, e.g. header_row = 2")
        header_row = 1
    if problems:
        raise DataError(problems)
    return ColumnMap(columns, frozenset(ignore), sheet, header_row, file)


def _read_column(header: str, spec: Any, bad: Callable[[str], None]) -> Column | None:
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, Mapping):
        bad("expected a data name (\"staffing.on_post\") or a table { name = \"budget.initial\","
            " unit = \"万元\" }")
        return None
    unknown = [k for k in spec if k not in ("name", "unit", "split")]
    for key in unknown:
        bad(f"unknown key '{key}'{did_you_mean(key, ('name', 'unit', 'split'))}; a column "
            "takes name, unit and split")
    name = spec.get("name")
    if not isinstance(name, str):
        bad("missing the data name: name = \"budget.initial\"")
        return None
    problem = check_column_name(name)
    if problem is not None:
        bad(problem)
        return None
    unit = spec.get("unit")
    if unit is not None and (not isinstance(unit, str)
                             or (unit not in UNITS and unit not in _PERCENT_UNITS)):
        bad(f"unit {unit!r} is neither a money unit (元, 万元, 亿元, …) nor % or ‰; leave the "
            "unit out for counts and plain numbers")
        unit = None
    split = spec.get("split")
    if split is not None and (not isinstance(split, str) or not split):
        bad("split takes the separator of the list items, e.g. split = \"、\"")
        split = None
    if unknown:
        return None
    return Column(header, name, _PERCENT_UNITS.get(unit, unit) if unit else None, split)


# -- rows ---------------------------------------------------------------------------------


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


def clean(value: Any) -> Any:
    """A cell as a plain Python value; ``None`` for an empty cell (missing, never 0)."""
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        text = value.strip()
        return text or None
    if kind is float:
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if kind is int or kind is bool or kind is Decimal:
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    name = kind.__name__
    if name in ("NAType", "NaTType"):
        return None
    item = getattr(value, "item", None)  # numpy and pyarrow scalars
    if callable(item) and kind.__module__.split(".")[0] in ("numpy", "pyarrow"):
        return clean(item())
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


# -- readers --------------------------------------------------------------------------------

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def open_table(source: Any, *, sheet: str | None = None, header_row: int = 1,
               excel_reader: str | None = None) -> Table:
    """Open *source* as a :class:`Table`.

    *source* is a path (``.csv``, ``.xlsx`` and the other Excel formats,
    ``.parquet``), a pandas or polars DataFrame, a pyarrow Table, or an
    iterable of flat dicts (dotted keys).  *sheet* and *header_row* apply to
    workbooks (and *header_row* to CSV).  *excel_reader* forces
    ``"calamine"`` or ``"openpyxl"`` (default: calamine when installed).
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        suffix = Path(path).suffix.lower()
        if not Path(path).exists():
            raise DataError(Problem("no such file", file=path))
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


def _csv_table(path: str, header_row: int) -> Table:
    encoding = "utf-8-sig"
    try:
        with open(path, encoding=encoding, newline="") as probe:
            probe.read(1 << 16)
    except UnicodeDecodeError:
        encoding = "gb18030"  # what Excel on a Chinese system saves as "CSV"

    def rows() -> Iterator[Sequence[Any]]:
        try:
            with open(path, encoding=encoding, newline="") as handle:
                yield from csv.reader(handle)
        except UnicodeDecodeError as exc:
            raise DataError(Problem(f"the file is not {encoding} text throughout ({exc.reason} "
                                    f"at byte {exc.start}); save it as CSV UTF-8", file=path)
                            ) from None
        except (OSError, csv.Error) as exc:
            raise DataError(Problem(f"cannot read the file: {exc}", file=path)) from None

    it = rows()
    head: Sequence[Any] = []
    for _ in range(header_row):
        head = next(it, [])
    headers = _headers(head, path, None, header_row)
    return Table(headers, _numbered(it, header_row + 1, len(headers)), file=path,
                 header_row=header_row)


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


def _parquet_table(path: str) -> Table:
    pq = require("pyarrow.parquet", "reading Parquet files")
    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow's own errors: not a Parquet file, or a broken one
        raise DataError(Problem(f"cannot read the Parquet file: {exc}", file=path)) from None
    headers = tuple(handle.schema_arrow.names)

    def rows() -> Iterator[Row]:
        position = 0
        for batch in handle.iter_batches(batch_size=4096):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                yield Row(position, position + 2, tuple(clean(v) for v in values))
                position += 1

    return Table(headers, rows(), file=path, library="pyarrow")


def _pandas_table(frame: Any) -> Table:
    headers = tuple(str(c) for c in frame.columns)

    def rows() -> Iterator[Row]:
        for position, (label, *values) in enumerate(frame.itertuples(index=True, name=None)):
            yield Row(position, position, tuple(clean(v) for v in values), label)

    return Table(headers, rows(), frame=True, library="pandas")


def _polars_table(frame: Any) -> Table:
    headers = tuple(frame.columns)

    def rows() -> Iterator[Row]:
        for position, values in enumerate(frame.iter_rows()):
            yield Row(position, position, tuple(clean(v) for v in values))

    return Table(headers, rows(), frame=True, library="polars")


def _arrow_table(table: Any) -> Table:
    headers = tuple(table.column_names)

    def rows() -> Iterator[Row]:
        position = 0
        for batch in table.to_batches(max_chunksize=4096):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                yield Row(position, position, tuple(clean(v) for v in values))
                position += 1

    return Table(headers, rows(), frame=True, library="pyarrow")


def _dicts_table(records: Iterable[Any]) -> Table:
    it = iter(records)
    first = next(it, None)
    if first is None:
        return Table((), iter(()), frame=True)
    if not isinstance(first, Mapping):
        raise DataError(Problem(f"expected rows as dicts of column = value, got "
                                f"{type(first).__name__}"))
    headers = tuple(str(k) for k in first)

    def rows() -> Iterator[Row]:
        yield Row(0, 0, tuple(clean(first.get(h)) for h in headers))
        for position, record in enumerate(it, start=1):
            extra = [k for k in record if k not in headers]
            if extra:
                raise DataError(Problem(f"row {position} has columns the first row lacks: "
                                        f"{', '.join(map(str, extra))}"))
            yield Row(position, position, tuple(clean(record.get(h)) for h in headers))

    return Table(headers, rows(), frame=True)


# -- rows as data documents ------------------------------------------------------------------

PathTuple = tuple[str | int, ...]


@attrs.frozen
class RowDocument:
    """A row as a data document, with the column each part of it came from."""

    document: dict[str, Any]
    cells: Mapping[PathTuple, int]
    key: str


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    if isinstance(value, str):
        try:
            Decimal(value.replace(",", ""))
        except ArithmeticError:
            return False
        return True
    return False


class Plan:
    """How the columns of one table become a data document, checked once per table.

    Raises :class:`DataError` listing every header that is neither mapped,
    ignored nor a data name, each located at its header cell.
    """

    def __init__(self, table: Table, mapping: ColumnMap) -> None:
        self.table = table
        problems: list[Problem] = []
        self.columns: list[tuple[int, Column]] = []
        self.names: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            if not header:
                continue  # an unnamed column (a spreadsheet's margin) is not data
            column = mapping.column(header)
            if isinstance(column, str):
                if table.frame:
                    where = f"column {header!r}"
                    line = col = None
                else:
                    where = cell_ref(table.sheet, table.header_row, index)
                    line, col = table.header_row, index + 1
                problems.append(Problem(column, path=where, file=table.file or mapping.file,
                                        line=line, column=col))
                continue
            if column.name is None:
                continue
            if column.name in self.names:
                first = table.headers[self.names[column.name]]
                problems.append(Problem(f"columns '{first}' and '{header}' both give "
                                        f"'{column.name}'", path=header, file=table.file))
                continue
            self.names[column.name] = index
            self.columns.append((index, column))
        if problems:
            raise DataError(problems)
        self._puts = [(index, _putter(column)) for index, column in self.columns]
        self._by_index = dict(self.columns)

    def document(self, row: Row) -> RowDocument:
        """The data document of *row* and where each of its values came from."""
        doc: dict[str, Any] = {"department": {}}
        cells: dict[PathTuple, int] = {}
        groups: dict[str, dict[str, dict[str, Any]]] = {}
        group_cells: dict[tuple[str, str, str], int] = {}
        values = row.values
        for index, put in self._puts:
            value = values[index]
            if value is not None:
                put(doc, value, cells, groups, group_cells, index)
        for section, field, key_name in (("target", "target", "id"),
                                         ("line", "project_lines", "id"),
                                         ("assessment", "assessment", "indicator")):
            entries = groups.get(section)
            if not entries:
                continue
            items = []
            for i, (ident, entry) in enumerate(entries.items()):
                item = {key_name: ident, **entry}
                if section != "assessment":
                    item.setdefault("name", ident)
                items.append(item)
                base: PathTuple = ("budget", "project_lines", i) if section == "line" \
                    else (field, i)
                for (sec, gid, f), index in group_cells.items():
                    if sec == section and gid == ident:
                        cells[base + (f,)] = index
                        cells.setdefault(base, index)
            if section == "line":
                doc.setdefault("budget", {})["project_lines"] = items
            else:
                doc[field] = items
        head = doc["department"]
        fallback = f"row {row.label if row.label is not None else row.number}"
        if row.sheet is not None and row.places is not None:
            fallback = f"{Path(row.file or '').name}!{row.sheet}"
        key = head.get("code") or head.get("name") or fallback
        head.setdefault("name", key)
        return RowDocument(doc, cells, str(key))

    def locate(self, row: Row, problems: Iterable[Problem],
               cells: Mapping[PathTuple, int] | None = None) -> list[Problem]:
        """The loader's *problems* for *row*, each moved to its cell.

        *cells* is the row's :attr:`RowDocument.cells` (computed again when not given).
        """
        found = cells if cells is not None else self.document(row).cells
        out = []
        for problem in problems:
            path = _tomlpos.parse_path(problem.path) if problem.path else ()
            out.append(self._at(row, path, problem.message, found, problem.expected,
                                problem.got))
        return out

    def _at(self, row: Row, path: PathTuple, message: str, found: Mapping[PathTuple, int],
            expected: str | None = None, got: str | None = None) -> Problem:
        index = None
        for cut in range(len(path), 0, -1):
            if path[:cut] in found:
                index = found[path[:cut]]
                break
        where, line, column = self.table.where(row, index)
        if index is not None:
            header = self.table.headers[index]
            spec = self._by_index[index]
            label = header if header == spec.name else f"{header} → {spec.name}"
            message = f"{label}: {message}"
            if spec.unit is None and expected is not None and expected.startswith("money"):
                message += (f"; or give the column its unit in a mapping: \"{header}\" = "
                            f"{{ name = \"{spec.name}\", unit = \"万元\" }}")
        elif path:
            message = f"{_tomlpos.format_path(path)}: {message}"
        return Problem(message, path=where, file=row.file or self.table.file, line=line,
                       column=column, expected=expected, got=got)

    def row_problem(self, row: Row, message: str, names: Iterable[str] = ()) -> Problem:
        """A problem with the whole *row*, pointing at the columns of *names* where known."""
        refs = [self.table.where(row, self.names[n])[0] for n in sorted(names)
                if n in self.names]
        where, line, _ = self.table.where(row)
        if refs:
            where = f"{where} ({', '.join(refs)})"
        return Problem(message, path=where, file=row.file or self.table.file, line=line)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _number_text(value)


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def _putter(column: Column) -> Callable[..., None]:
    """A function that places one cell of *column* in a document."""
    assert column.name is not None
    parts = column.name.split(".")
    head = parts[0]
    unit, split = column.unit, column.split
    is_text = parts[-1] in _TEXT_FIELDS and head != "facts"

    def convert(value: Any) -> Any:
        if split is not None and isinstance(value, str):
            return [item.strip() for item in value.split(split) if item.strip()]
        if is_text:
            return _text(value)
        if isinstance(value, str) and _WHOLE.fullmatch(value):
            # CSV cells are all text, and spreadsheets often hold numbers as text:
            # a whole number written as text is that number (二十 and 21.5 are not).
            value = int(value)
        if unit is not None and _is_number(value):
            if unit in ("%", "‰"):
                return f"{_number_text(value)}{unit}"
            return {"amount": value, "unit": unit}
        return value

    if head in ("targets", "target", "assessment", "assessments") or \
            parts[:2] == ["budget", "lines"]:
        if head in ("targets", "target"):
            section, ident, field = "target", parts[1], parts[2]
        elif head.startswith("assessment"):
            section, ident, field = "assessment", ".".join(parts[1:-1]), parts[-1]
        else:
            section, ident, field = "line", parts[2], "amount"

        def put_group(doc: dict[str, Any], value: Any, cells: dict[PathTuple, int],
                      groups: dict[str, dict[str, dict[str, Any]]],
                      group_cells: dict[tuple[str, str, str], int], index: int) -> None:
            groups.setdefault(section, {}).setdefault(ident, {})[field] = convert(value)
            group_cells[(section, ident, field)] = index
        return put_group

    path = tuple(parts)

    def put(doc: dict[str, Any], value: Any, cells: dict[PathTuple, int],
            groups: dict[str, dict[str, dict[str, Any]]],
            group_cells: dict[tuple[str, str, str], int], index: int) -> None:
        table = doc
        for part in path[:-1]:
            table = table.setdefault(part, {})
        table[path[-1]] = convert(value)
        cells[path] = index
    return put
