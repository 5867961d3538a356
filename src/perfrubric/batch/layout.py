"""The 基础数据表 template: one sheet per unit, labels next to their values.

A layout file declares which label holds which data name and where the
value sits relative to the label::

    direction = "right"          # or "below"
    [labels]
    "编制数" = "staffing.authorized"
    "年初预算数（万元）" = { name = "budget.initial", unit = "万元" }

:func:`template_rows` reads every sheet of every workbook in a folder as one
unit: a :class:`~perfrubric._tables.Row` whose values are in label order and
whose ``places`` point at the value cells, so problems are located there
(``'财政局.xlsx'`` file, ``Sheet1!C7``).  Private; used by
:mod:`perfrubric.batch`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..errors import DataError, Problem, did_you_mean
from ..files.reading import require_regular_file
from ..files.settings import problem_at, read_settings
from .mapping import _read_column
from .percentformat import percent_cells, percent_rows, with_percent_cells
from .sparse import open_book, sheet_rows
from .tables import EXCEL_SUFFIXES, Column, ColumnMap, Row, Table, clean, require

__all__ = ["Layout", "load_layout", "template_rows"]

_KEYS = ("labels", "direction")


@attrs.frozen
class Layout:
    """Labels of a filled-in template and the data names they hold.

    ``labels`` maps a label's text (trailing colons and spaces ignored) to
    its :class:`~perfrubric._tables.Column`; ``direction`` says where the
    value is: ``"right"`` of the label or ``"below"`` it.
    """

    labels: Mapping[str, Column]
    direction: str = "right"
    file: str | None = None

    def table(self) -> Table:
        """An empty table whose headers are the labels (for the column plan)."""
        return Table(tuple(self.labels), iter(()), frame=False)

    def mapping(self) -> ColumnMap:
        """The labels as a column mapping."""
        return ColumnMap(dict(self.labels))


def load_layout(source: str | os.PathLike[str] | Mapping[str, Any]) -> Layout:
    """Load a layout from a TOML file or a dict; every problem at once, with its line."""
    doc, where = read_settings(source, DataError)
    file = where.file
    problems: list[Problem] = []

    def bad(path: tuple[str, ...], message: str) -> None:
        problems.append(problem_at(where, path, message))

    for key in doc:
        if key not in _KEYS:
            bad((key,), f"unknown key '{key}'{did_you_mean(key, _KEYS)}; a layout has [labels] "
                "and optionally direction = \"right\" | \"below\"")
    direction = doc.get("direction", "right")
    if direction not in ("right", "below"):
        bad(("direction",), f"expected \"right\" or \"below\", got {direction!r}")
        direction = "right"
    raw = doc.get("labels")
    labels: dict[str, Column] = {}
    if not isinstance(raw, Mapping) or not raw:
        bad(("labels",), "expected a table [labels] of label = \"data name\"")
        raw = {}
    for label, spec in raw.items():
        def at(message: str, label: str = str(label)) -> None:
            bad(("labels", label), message)

        column = _read_column(str(label), spec, at)
        if column is not None:
            labels[_norm(str(label))] = attrs.evolve(column, header=_norm(str(label)))
    if problems:
        raise DataError(problems)
    return Layout(labels, str(direction), file)


def _norm(text: str) -> str:
    return text.strip().rstrip(":：").strip()


def _workbooks(source: str) -> list[str]:
    if not Path(source).is_dir():
        return [source]
    return sorted(str(p) for p in Path(source).iterdir()
                  if p.suffix.lower() in EXCEL_SUFFIXES and not p.name.startswith("~$"))


def template_rows(folder: str | os.PathLike[str], layout: Layout) -> Iterator[Row]:
    """One :class:`Row` per sheet of every workbook in *folder* (or of one workbook).

    Values come in label order; a label the sheet lacks leaves its value
    ``None`` (missing).  Sheets without any label are skipped; a sheet with
    its labels and every value blank is a unit (whose missing values the
    indicators' policies decide).  A workbook that cannot be read is one
    row with that issue: the unit fails, the batch goes on.
    """
    labels = list(layout.labels)
    index = {label: i for i, label in enumerate(labels)}
    dr, dc = (0, 1) if layout.direction == "right" else (1, 0)
    position = 0
    for path in _workbooks(os.fspath(folder)):
        try:
            require_regular_file(path, DataError)
            sheets = _sheets(path)
        except DataError as exc:
            yield Row(position, 0, (None,) * len(labels), file=path,
                      places=(None,) * len(labels),
                      issues=tuple((None, p.message) for p in exc.problems))
            position += 1
            continue
        for sheet, grid in sheets:
            values: list[Any] = [None] * len(labels)
            places: list[tuple[int, int] | None] = [None] * len(labels)
            for (r, c), cell in sorted(grid.items()):
                if not isinstance(cell, str):
                    continue
                i = index.get(_norm(cell))
                if i is None or places[i] is not None:
                    continue
                vr, vc = r + dr, c + dc
                values[i] = clean(grid.get((vr, vc)))
                places[i] = (vr + 1, vc)
            if all(p is None for p in places):
                continue  # a sheet without any label: instructions, a cover page
            yield Row(position, 0, tuple(values), file=path, sheet=sheet,
                      places=tuple(places))
            position += 1


def _sheets(path: str) -> list[tuple[str, dict[tuple[int, int], Any]]]:
    """Every sheet of the workbook at *path* as {(0-based row, column): value}, cells that exist."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        book = open_book(path)
        # a cell shown as 87.5% holds 0.875: read it as the share it is
        return [(name, {(number - 1, c): v for number, found in
                        percent_rows(sheet_rows(book, name, path), percent_cells(path, name))
                        for c, v in found.items()}) for name in book.sheetnames]
    calamine = require("python_calamine", "reading filled-in templates")
    try:
        book = calamine.CalamineWorkbook.from_path(path)
        out = []
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            grid = list(with_percent_cells(grid, percent_cells(path, name)))  # 87.5% is 0.875
            out.append((name, {(r, c): v for r, line in enumerate(grid)
                               for c, v in enumerate(line) if v not in (None, "")}))
    except Exception as exc:  # calamine's own errors: an unreadable workbook
        raise DataError(Problem(f"cannot read the workbook: {exc}", file=path)) from None
    return out
