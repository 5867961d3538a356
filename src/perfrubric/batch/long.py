"""Long tables: one row per indicator, the rows of one project form sharing its code.

The budget management system (预算管理一体化系统) exports project
self-evaluation forms as one table with one row per indicator: the
project's code, name and funds (repeated on every row, or on a sheet of
their own), 一级 / 二级 / 三级指标, the target (``≥50个`` in one cell, or split
into 指标性质 / 指标值 / 度量单位), 完成值, 分值 or 权重, 得分 and 偏差原因.

A mapping with ``layout = "long"`` and ``key = "<header>"`` reads such a
table: consecutive rows with the same key are one form (a blank key cell,
as merged cells read, continues the form above).  Columns named
``target.<field>`` make one ``[[target]]`` row per table row; every other
column is a project value (``department.code``, ``budget.adjusted``,
``form.department`` …), which must be the same on every row of the form
where it is given: two different budgets for one project are an error
located at both cells.  The funds may sit on another sheet of the same
workbook, one row per project, joined by the key (``funds = { sheet =
"项目资金" }``).

Each form becomes one data document, scored like a project's data file;
every problem the loader or the form's rubric finds is moved back to the
cell it came from (``绩效指标!H14``).

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from ..errors import DataError, Problem
from ..files import tomlpos as _tomlpos
from .cells import BadCell, _number_text, _text, cell_ref
from .documents import Plan
from .mapping import Column, ColumnMap
from .rows import Row, Table

__all__ = ["SIGNS", "LongForm", "LongPlan", "printed_cell"]

PathTuple = tuple[str | int, ...]
#: Where a value of a form came from: the table, the row and the 0-based column.
Source = tuple[Table, Row, int]

#: How 指标性质 cells are written, and the sign each stands for ("" for a
#: qualitative target: the value is printed alone).
SIGNS: Mapping[str, str] = {
    "=": "=", "＝": "=", "═": "=", "等于": "=",
    "≥": "≥", "≧": "≥", ">=": "≥", "＞＝": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥",
    "≤": "≤", "≦": "≤", "<=": "≤", "＜＝": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤",
    ">": ">", "＞": ">", "大于": ">", "<": "<", "＜": "<", "小于": "<",
    "定性": "", "定性指标": "",
}

_TEXT = ("name", "level1", "level2", "indicator", "comparison", "unit", "level", "reason")


@attrs.frozen
class LongForm:
    """One form of a long table: its key, rows, data document and where each value came from.

    ``document`` is ``None`` when the form's cells contradict each other;
    ``problems`` then says where.
    """

    key: str
    rows: tuple[Row, ...]
    document: dict[str, Any] | None
    cells: Mapping[PathTuple, Source]
    problems: tuple[Problem, ...] = ()
    file: str | None = None


class LongPlan:
    """How a long table (and its funds sheet) become project forms, checked once per table.

    Raises :class:`DataError` when a header is neither mapped, ignored nor a
    data name, when the key column is missing, or when the funds sheet
    lacks its key column.
    """

    def __init__(self, table: Table, mapping: ColumnMap, funds: Table | None = None) -> None:
        self.table = table
        self.funds = funds
        key = mapping.key
        assert key is not None  # load_mapping requires it with layout = "long"
        problems: list[Problem] = []
        if key not in table.headers:
            problems.append(self._missing_key(table, key, "the sheet of indicator rows"))
        self.key_index = table.headers.index(key) if key in table.headers else -1
        # Target columns, by field; every other column is a project column.
        self.targets: dict[str, int] = {}
        project: list[str] = []
        for index, header in enumerate(table.headers):
            name = self._name(table, index, mapping, problems)
            if name is not None and name.startswith("target.") and name.count(".") == 1:
                self.targets[name[7:]] = index
                project.append("")
            else:
                project.append(header if name is not None else "")
        # A unit given to a target column in the mapping ("完成值(%)" = { name =
        # "target.actual", unit = "%" }): the unit of the bare numbers in it.
        self.units: dict[str, str] = {}
        for field, i in self.targets.items():
            spec = mapping.columns.get(table.headers[i])
            if spec is not None and spec.unit is not None:
                self.units[field] = spec.unit
        # The project columns of both sheets as one row, read by the one-row-per-unit Plan.
        self.sources: list[tuple[Table, int]] = [(table, i) for i in range(len(project))]
        headers = list(project)
        self.funds_key = -1
        self.shared: dict[int, int] = {}   # funds column → main column of the same name
        if funds is not None:
            fkey = mapping.funds.key if mapping.funds and mapping.funds.key else key
            if fkey not in funds.headers:
                problems.append(self._missing_key(funds, fkey, "the funds sheet"))
            else:
                self.funds_key = funds.headers.index(fkey)
            main_names: dict[str, int] = {}
            for i, h in enumerate(project):
                column = mapping.column(h) if h else None
                if isinstance(column, Column) and column.name:
                    main_names[column.name] = i
            for index, header in enumerate(funds.headers):
                name = self._name(funds, index, mapping, problems)
                if name is not None and index != self.funds_key and name in main_names:
                    self.shared[index] = main_names[name]
                keep = name is not None and index != self.funds_key and name not in main_names
                headers.append(header if keep else "")
                self.sources.append((funds, index))
        if problems:
            raise DataError(problems)
        self.plan = Plan(Table(tuple(headers), iter(()), file=table.file, sheet=table.sheet,
                               header_row=table.header_row, frame=table.frame), mapping)
        if "name" not in self.targets:
            raise DataError(Problem("a long table needs the indicator's name: map the 三级指标 "
                                    "column to target.name", path="columns",
                                    file=mapping.file or table.file))
        self.width = len(headers)
        self._funds_rows: dict[str, list[Row]] | None = None

    def _missing_key(self, table: Table, key: str, what: str) -> Problem:
        return Problem(f"the key column '{key}' is not in {what}; its headers are "
                       f"{', '.join(repr(h) for h in table.headers if h)}",
                       path=cell_ref(table.sheet, table.header_row, 0), file=table.file,
                       line=table.header_row)

    @staticmethod
    def _name(table: Table, index: int, mapping: ColumnMap, problems: list[Problem]
              ) -> str | None:
        """The data name of column *index* (``None`` when ignored or unknown: a problem)."""
        header = table.headers[index]
        if not header:
            return None
        column = mapping.column(header)
        if isinstance(column, str):
            where = f"column {header!r}" if table.frame else cell_ref(table.sheet,
                                                                     table.header_row, index)
            problems.append(Problem(column, path=where, file=table.file or mapping.file,
                                    line=None if table.frame else table.header_row,
                                    column=None if table.frame else index + 1))
            return None
        return column.name

    # -- grouping ------------------------------------------------------------------------------

    def forms(self) -> Iterator[LongForm]:
        """The forms of the table, in order, read lazily (the funds sheet is read first)."""
        for group in self.groups():
            yield group if isinstance(group, LongForm) else self.form(*group)

    def groups(self) -> Iterator[tuple[str, list[Row]] | LongForm]:
        """The table's forms as ``(key, rows)``, in order, read lazily.

        Rows that cannot be one form (a blank key on the first row, a form
        whose rows start again after other forms) come as a :class:`LongForm`
        with its problems; :meth:`form` reads a group into its document.
        """
        done: dict[str, int] = {}
        current: list[Row] = []
        key: str | None = None
        for row in self.table.rows:
            value = row.values[self.key_index]
            text = None if value is None else _text(value)
            if text is None and key is None:
                where, line, col = self.table.where(row, self.key_index)
                yield LongForm(f"row {row.number}", (row,), None, {}, (Problem(
                    f"the key column '{self.table.headers[self.key_index]}' is empty on the "
                    "first row of the table: each form's first row needs its project code",
                    path=where, file=self.table.file, line=line, column=col),), self.table.file)
                continue
            if text is None or text == key:
                current.append(row)  # a blank key continues the form above (merged cells)
                continue
            if key is not None:
                yield self._group(key, current, done)
            key, current = text, [row]
        if key is not None and current:
            yield self._group(key, current, done)

    def _group(self, key: str, rows: list[Row], done: dict[str, int]
               ) -> tuple[str, list[Row]] | LongForm:
        if key in done:
            where, line, col = self.table.where(rows[0], self.key_index)
            return LongForm(key, tuple(rows), None, {}, (Problem(
                f"the rows of form '{key}' are not together: they start again here after "
                f"other forms (first at row {done[key]}); sort the table by "
                f"'{self.table.headers[self.key_index]}'",
                path=where, file=self.table.file, line=line, column=col),), self.table.file)
        done[key] = rows[0].number
        return key, rows

    def form(self, key: str, rows: list[Row]) -> LongForm:
        """The form of the rows *rows* of *key* (one group of :meth:`groups`) as a document."""
        bad = self._bad_cells(rows)
        if bad:
            return LongForm(key, tuple(rows), None, {}, tuple(bad), self.table.file)
        problems: list[Problem] = []
        values: list[Any] = [None] * self.width
        origin: list[Source | None] = [None] * self.width
        names = self.plan.table.headers
        for row in rows:
            for index in range(len(self.table.headers)):
                value = row.values[index]
                if value is None or not names[index]:
                    continue
                here = origin[index]
                if here is None:
                    values[index], origin[index] = value, (self.table, row, index)
                elif value != values[index]:
                    problems.append(self._conflict(key, here, (self.table, row, index),
                                                   values[index], value))
        if self.funds is not None:
            funds_row = self._funds_row(key, problems)
            offset = len(self.table.headers)
            for index in range(len(self.funds.headers)) if funds_row is not None else ():
                assert funds_row is not None
                value = funds_row.values[index]
                if value is None:
                    continue
                source = (self.funds, funds_row, index)
                main = self.shared.get(index)
                if main is None:
                    values[offset + index], origin[offset + index] = value, source
                elif origin[main] is None:
                    values[main], origin[main] = value, source
                elif value != values[main]:
                    here = origin[main]
                    assert here is not None
                    problems.append(self._conflict(key, here, source, values[main], value))
        if problems:
            return LongForm(key, tuple(rows), None, {}, tuple(problems), self.table.file)
        doc = self.plan.document(Row(rows[0].position, rows[0].number, tuple(values)))
        cells: dict[PathTuple, Source] = {}
        for path, index in doc.cells.items():
            found = origin[index]
            if found is not None:
                cells[path] = found
        document = doc.document
        if ("department", "name") not in doc.cells:
            _name_from_form(document)   # not in the table: the unit is the form's 实施单位
        targets: list[dict[str, Any]] = []
        for row in rows:
            target = self._target(row, len(targets), cells)
            if target is not None:
                targets.append(target)
        if targets:
            document["target"] = targets
        return LongForm(key, tuple(rows), document, cells, (), self.table.file)

    def _bad_cells(self, rows: list[Row]) -> list[Problem]:
        """A problem at each cell of *rows* that holds no value (``#DIV/0!``, ``inf``).

        Only columns that give data count: a bad cell in an ignored column
        (备注) is left alone, as in a table of one row per unit.
        """
        out = []
        given = {i: n for n, i in self.plan.names.items()}
        given.update({i: f"target.{f}" for f, i in self.targets.items()})
        for row in rows:
            for index, value in enumerate(row.values):
                if type(value) is BadCell and index in given:
                    header = self.table.headers[index]
                    label = header if header == given[index] else f"{header} → {given[index]}"
                    where, line, col = self.table.where(row, index)
                    out.append(Problem(f"{label}: {value.message}", path=where,
                                       file=self.table.file, line=line, column=col))
        return out

    def _funds_row(self, key: str, problems: list[Problem]) -> Row | None:
        assert self.funds is not None
        if self._funds_rows is None:
            self._funds_rows = {}
            for row in self.funds.rows:
                value = row.values[self.funds_key] if self.funds_key < len(row.values) else None
                if value is not None:
                    self._funds_rows.setdefault(_text(value), []).append(row)
        found = self._funds_rows.get(key, [])
        if len(found) > 1:
            refs = [self.funds.where(r, self.funds_key)[0] for r in found]
            problems.append(Problem(f"the funds sheet has {len(found)} rows for '{key}' "
                                    f"({', '.join(refs)}); keep one row per project",
                                    path=refs[0], file=self.funds.file, line=found[0].number))
        return found[0] if found else None

    @staticmethod
    def _conflict(key: str, first: Source, second: Source, a: Any, b: Any) -> Problem:
        header = first[0].headers[first[2]]
        one, line, col = first[0].where(first[1], first[2])
        two = second[0].where(second[1], second[2])[0]
        return Problem(f"{header}: the rows of form '{key}' disagree: {_shown(a)} at {one}, "
                       f"{_shown(b)} at {two}; one project has one value",
                       path=f"{one}, {two}", file=first[0].file, line=line, column=col,
                       expected=_shown(a), got=_shown(b))

    # -- target rows ---------------------------------------------------------------------------

    def _target(self, row: Row, i: int, cells: dict[PathTuple, Source]
                ) -> dict[str, Any] | None:
        raw = {f: row.values[c] for f, c in self.targets.items() if row.values[c] is not None}
        if not raw:
            return None
        out: dict[str, Any] = {}

        def put(field: str, value: Any, source: str) -> None:
            out[field] = value
            cells[("target", i, field)] = (self.table, row, self.targets[source])
            cells.setdefault(("target", i), (self.table, row, self.targets[source]))

        for field in ("name", "points", "score", "level", "reason"):
            if field in raw:
                put(field, _text(raw[field]) if field in _TEXT else raw[field], field)
        place = raw.get("indicator")
        if place is not None:
            put("indicator", _text(place).replace("／", "/").replace("\\", "/"), "indicator")
        elif "level1" in raw or "level2" in raw:
            parts = [_text(raw[f]) for f in ("level1", "level2") if f in raw]
            put("indicator", "/".join(parts), "level2" if "level2" in raw else "level1")
        unit = _text(raw["unit"]) if "unit" in raw else None
        if "target" in raw:
            put("target", printed_cell(raw["target"], raw.get("comparison"),
                                       self.units.get("target") or unit), "target")
        if "actual" in raw:
            # 完成值 is written in the row's 度量单位: a bare number takes it
            put("actual", printed_cell(raw["actual"], None, self.units.get("actual") or unit),
                "actual")
        if "name" not in out:
            out["name"] = ""
        return out

    # -- locating ------------------------------------------------------------------------------

    def locate(self, row: Row, problems: Iterable[Problem],
               cells: Mapping[PathTuple, Source] | None = None) -> list[Problem]:
        """The loader's or the rubric's *problems* for a form, each moved to its cell."""
        found = cells or {}
        out = []
        for problem in problems:
            if problem.line is not None:  # located already (a conflict between cells)
                out.append(problem)
                continue
            path = _tomlpos.parse_path(problem.path) if problem.path else ()
            source = next((found[path[:cut]] for cut in range(len(path), 0, -1)
                           if path[:cut] in found), None)
            if source is None:
                where, line, col = self.table.where(row)
                message = f"{_tomlpos.format_path(path)}: {problem.message}" if path \
                    else problem.message
                out.append(Problem(message, path=where, file=self.table.file, line=line,
                                   expected=problem.expected, got=problem.got))
                continue
            table, at, index = source
            where, line, col = table.where(at, index)
            header = table.headers[index]
            out.append(Problem(f"{header}: {problem.message}", path=where, file=table.file,
                               line=line, column=col, expected=problem.expected,
                               got=problem.got))
        return out

    def row_problem(self, row: Row, message: str, names: Iterable[str] = ()) -> Problem:
        """A problem with the whole form, pointing at its first row."""
        where, line, _ = self.table.where(row)
        return Problem(message, path=where, file=self.table.file, line=line)


def _name_from_form(document: dict[str, Any]) -> None:
    """Name a form's unit, when no column gives ``department.name``, by its 实施单位 (or 项目)."""
    head = document.get("department")
    form = document.get("form")
    if not isinstance(form, dict):
        return
    name = form.get("implementer") or form.get("project")
    if isinstance(name, str) and name:
        document["department"] = {**(head if isinstance(head, dict) else {}), "name": name}


def printed_cell(value: Any, comparison: Any, unit: str | None) -> str:
    """A target's or actual's cell as printed text: ``≥`` + ``50`` + ``个`` → ``≥50个``.

    *comparison* is the 指标性质 cell (``≥``, ``不低于``, ``定性``), *unit* the
    row's 度量单位 (or the column's unit in the mapping), which a bare number
    takes.
    """
    if comparison is None and type(value) is str:
        last = value[-1:]
        if not (last.isdigit() or last.isspace() or last in ".,"):
            return value  # ends in a unit or a word, so not bare: printed as it stands
    sign = ""
    if comparison is not None:
        written = _text(comparison).strip()
        sign = SIGNS.get(written, written)
    text = _number_text(value) if not isinstance(value, str) else value
    suffix = (unit or "") if _bare(text) else ""
    return f"{sign}{text}{suffix}"


def _bare(text: str) -> bool:
    """Whether *text* is a number without a unit: ``86.5``, ``-3``, ``1,200``, ``≥95``."""
    body = text.strip().lstrip("≥≤=<>≧≦＝＞＜═").strip().replace(",", "")
    if body[:1] in "+-":
        body = body[1:]
    return bool(body) and body.replace(".", "", 1).isdigit()


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _number_text(value)
