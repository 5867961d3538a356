"""Rows as data documents: a :class:`Plan` turns each row into a data document.

Each row becomes a data document for :func:`perfrubric.data.structure_department`
(the same loader as for TOML files, so a cell is checked exactly like a
value in a data file); the loader's problems are then located back to the
cell they came from (``Sheet1!D17``).

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..decimals import share_text, to_decimal
from ..errors import DataError, Problem
from ..files import tomlpos as _tomlpos
from .cells import _WHOLE, BadCell, _is_number, _number_text, _text, cell_ref
from .mapping import _TEXT_FIELDS, FRACTION, Column, ColumnMap
from .rows import Row, Table

PathTuple = tuple[str | int, ...]


@attrs.frozen
class RowDocument:
    """A row as a data document, with the column each part of it came from."""

    document: dict[str, Any]
    cells: Mapping[PathTuple, int]
    key: str


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
            if value is not None and type(value) is not BadCell:
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

    def refused(self, row: Row) -> list[Problem]:
        """What makes *row* unreadable, each at its cell: the row's issues, bad cells in use.

        A bad cell (:class:`~perfrubric.batch.cells.BadCell`: ``#DIV/0!``, a
        formula without a value, ``inf``) counts in a column that gives a
        data name; in an ignored column (备注) it is left alone.
        """
        out = []
        for index, message in row.issues:
            where, line, column = self.table.where(row, index)
            if row.places is not None and row.sheet is None:  # a workbook not read at all
                where, line, column = Path(row.file or "").name, None, None
            out.append(Problem(message, path=where, file=row.file or self.table.file, line=line,
                               column=column))
        for index, spec in self.columns:
            value = row.values[index]
            if isinstance(value, BadCell):
                where, line, column = self.table.where(row, index)
                header = self.table.headers[index]
                label = header if header == spec.name else f"{header} → {spec.name}"
                out.append(Problem(f"{label}: {value.message}", path=where,
                                   file=row.file or self.table.file, line=line, column=column))
        return out

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


def cell_reader(column: Column) -> Callable[[Any], Any]:
    """A cell of *column* as its data document holds it (money with its unit, a split list …)."""
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
            value = int(value.partition(".")[0])
        if unit is not None and _is_number(value):
            if unit in ("%", "‰"):
                return f"{_number_text(value)}{unit}"
            if unit == FRACTION:
                return _fraction(value)
            return {"amount": value, "unit": unit}
        return value

    return convert


def _putter(column: Column) -> Callable[..., None]:
    """A function that places one cell of *column* in a document."""
    assert column.name is not None
    parts = column.name.split(".")
    head = parts[0]
    convert = cell_reader(column)

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


def _fraction(value: Any) -> Any:
    """A cell of a ``unit = "fraction"`` column as the share it is: 0.875 → ``"87.5%"``."""
    try:
        return share_text(to_decimal(value, percent=False))
    except ValueError:
        return value  # the loader says what is wrong with it, at its cell
