"""The mapping file: which data name each column of a table holds.

A column maps to a data name (``docs/data.md``) either by its own dotted
header (``staffing.on_post``) or through a :class:`ColumnMap` loaded from a
mapping file (``在职人数 = "staffing.on_post"``), which can also give a money
column its unit or split a cell into a list.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..errors import DataError, Problem, did_you_mean
from ..files.settings import problem_at, read_settings
from ..units import UNITS

_TEXT_FIELDS = frozenset({"name", "code", "unit", "category", "direction", "subject", "source",
                          "level", "reason", "assessor"})
_TARGET_FIELDS = ("target", "actual", "previous", "name", "unit", "category", "direction",
                  "subject", "source")
_ASSESSMENT_FIELDS = ("level", "score", "value", "reason", "assessor")
_DEPARTMENT_FIELDS = ("name", "year", "code")
# A long table's target columns (layout = "long"): one row per indicator, so
# ``target.<field>`` without an id; see :mod:`perfrubric.batch.long`.
LONG_TARGET_FIELDS = ("name", "level1", "level2", "indicator", "target", "comparison", "unit",
                      "actual", "points", "score", "level", "reason")
# The project form's header block (``[form]`` of a project's data).
FORM_FIELDS = ("points", "total", "scores", "project", "code", "department", "implementer",
               "goal", "achieved")
_PERCENT_UNITS = {"%": "%", "％": "%", "‰": "‰"}
#: The unit of a column of shares written as fractions (0.875 for 87.5%).
FRACTION = "fraction"
#: The units that say a column holds shares: a measure in % or ‰ needs one.
SHARE_COLUMN_UNITS = ("%", "‰", FRACTION)


@functools.cache
def _settable() -> tuple[str, ...]:
    from ..data.facts import _DERIVED, static_names

    derived = set(_DERIVED)
    return tuple(n for n in static_names() if n not in derived and not n.startswith("department."))


_LONG_NAMES = tuple(f"target.{f}" for f in LONG_TARGET_FIELDS)

_PATTERNS = ("department.name", "department.year", "department.code",
             "staffing.authorized_by_kind.<kind>", "budget.lines.<id>",
             "targets.<id>.<target|actual|previous|name|unit|category|direction>",
             "facts.<name>", "assessment.<indicator path>.<level|score|value|reason>")


def check_column_name(name: str, *, long: bool = False) -> str | None:
    """``None`` if a column can be called *name*, else what is wrong (with a suggestion).

    With *long* (a mapping of ``layout = "long"``) a target column is
    ``target.<field>`` (one target per row) instead of ``targets.<id>.<field>``.
    """
    parts = name.split(".")
    if not all(parts) or len(parts) < 2:
        return (f"'{name}' is not a data name; name a column like 'staffing.on_post' or "
                "map it in a mapping file (--map MAP.toml; see docs/batch.md)")
    head, n = parts[0], len(parts)
    if head == "form":
        if n == 2 and parts[1] in FORM_FIELDS:
            return None
        return (f"unknown form column '{name}'{did_you_mean(parts[-1], FORM_FIELDS)}; the "
                f"form's columns are form.<field> with field one of {', '.join(FORM_FIELDS)}")
    if head == "target" and (long or n == 2):
        if long and n == 2 and parts[1] in LONG_TARGET_FIELDS:
            return None
        if long:
            return (f"unknown target column '{name}'{did_you_mean(name, _LONG_NAMES)}; a long "
                    f"table's target columns are target.<field> with field one of "
                    f"{', '.join(LONG_TARGET_FIELDS)}")
        return (f"'{name}' names a target of a long table (one row per indicator); declare "
                "layout = \"long\" and key = \"<the project's code column>\" in the mapping, "
                "or write 'targets.<id>.<field>' for a table with one row per unit")
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
    ``unit`` the money unit of bare numbers in it, or how they are shares:
    ``%`` (87.5 is 87.5%), ``‰``, or ``fraction`` (0.875 is 87.5%); and
    ``split`` the separator that splits a cell into a list.
    """

    header: str
    name: str | None
    unit: str | None = None
    split: str | None = None


@attrs.frozen
class FundsSheet:
    """Where a long table's funds are kept when they are not on every row.

    ``sheet`` is the workbook sheet with one row per project, ``key`` the
    header of its project-code column (default: the main sheet's ``key``)
    and ``header_row`` the 1-based row of its headers.  Its headers are read
    through the same ``[columns]`` as the main sheet.
    """

    sheet: str
    key: str | None = None
    header_row: int = 1


@attrs.frozen
class ColumnMap:
    """Which data name each column of a table holds (a mapping file, loaded).

    ``columns`` maps a header (as written in the spreadsheet) to its
    :class:`Column`; ``ignore`` lists headers to skip (序号, 备注).  A header
    that is neither mapped nor ignored must itself be a dotted data name.
    ``sheet`` and ``header_row`` (1-based) say where the table starts in a
    workbook.

    ``layout`` is ``"wide"`` (one row per unit) or ``"long"`` (one row per
    indicator of a project form, the rows of one form sharing the value of
    the ``key`` column; see :mod:`perfrubric.batch.long`), and ``funds``
    names the sheet holding a long table's funds when they are not on its
    rows.
    """

    columns: Mapping[str, Column] = attrs.field(factory=dict)
    ignore: frozenset[str] = frozenset()
    sheet: str | None = None
    header_row: int = 1
    file: str | None = None
    layout: str = "wide"
    key: str | None = None
    funds: FundsSheet | None = None

    def column(self, header: str) -> Column | str:
        """The :class:`Column` for *header*, or a message saying why there is none."""
        if header in self.columns:
            return self.columns[header]
        if header in self.ignore:
            return Column(header, None)
        problem = check_column_name(header, long=self.layout == "long")
        if problem is None:
            return Column(header, header)
        if self.columns:
            near = difflib.get_close_matches(header, list(self.columns), n=1, cutoff=0.6)
            where = f" {self.file}" if self.file else ""
            hint = f" (it maps '{near[0]}': a typo?)" if near else ""
            return (f"column '{header}' is not in the mapping{where}{hint} and is not a data "
                    "name; map it in [columns], or list it under ignore = [...]")
        return problem


#: The last row of an Excel sheet: no table's headers can be below it.
MAX_HEADER_ROW = 1_048_576

_MAPPING_KEYS = ("columns", "ignore", "sheet", "header_row", "layout", "key", "funds")


def load_mapping(source: str | os.PathLike[str] | Mapping[str, Any] | ColumnMap | None,
                 ) -> ColumnMap:
    """Load a column mapping from a TOML file or a dict; ``None`` maps nothing.

    The document has a ``[columns]`` table (``"在职人数" = "staffing.on_post"``,
    ``"年初预算(万元)" = { name = "budget.initial", unit = "万元" }``, or
    ``{ name = "facts.rules", split = "、" }`` for a list) and optionally
    ``ignore = ["序号"]``, ``sheet = "Sheet1"`` and ``header_row = 1``.  A
    long table (one row per indicator) says ``layout = "long"`` and
    ``key = "项目编码"`` (the header of the project's code), and
    ``funds = { sheet = "项目资金" }`` when the funds are on a sheet of their own.
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
    layout = doc.get("layout", "wide")
    if layout not in ("wide", "long"):
        bad(("layout",), f"layout is \"wide\" (one row per unit, the default) or \"long\" (one "
            f"row per indicator of a project form), got {layout!r}")
        layout = "wide"
    key_header = doc.get("key")
    if key_header is not None and (not isinstance(key_header, str) or not key_header):
        bad(("key",), "expected the header of the project's code column, e.g. key = \"项目编码\"")
        key_header = None
    if layout == "long" and key_header is None and "key" not in doc:
        bad(("layout",), "a long table needs key = \"<header>\": the column whose value is "
            "the same on every row of one form (the project's code)")
    if layout != "long" and "key" in doc:
        bad(("key",), "key groups the rows of a long table; add layout = \"long\"")
    funds = _read_funds(doc.get("funds"), layout, bad) if "funds" in doc else None
    for header, spec in raw.items():
        def at_header(message: str, header: str = str(header)) -> None:
            bad(("columns", header), message)

        column = _read_column(str(header), spec, at_header, long=layout == "long")
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
    if isinstance(header_row, bool) or not isinstance(header_row, int) or not \
            1 <= header_row <= MAX_HEADER_ROW:
        bad(("header_row",), "expected the 1-based row number of the headers, at most "
            f"{MAX_HEADER_ROW:,} (Excel's last row), e.g. header_row = 2")
        header_row = 1
    if problems:
        raise DataError(problems)
    return ColumnMap(columns, frozenset(ignore), sheet, header_row, file, layout, key_header,
                     funds)


def _read_funds(spec: Any, layout: str,
                bad: Callable[[tuple[str | int, ...], str], None]) -> FundsSheet | None:
    if isinstance(spec, str):
        spec = {"sheet": spec}
    if layout != "long":
        bad(("funds",), "funds on a sheet of their own belong to a long table; add "
            "layout = \"long\"")
        return None
    if not isinstance(spec, Mapping) or not isinstance(spec.get("sheet"), str):
        bad(("funds",), "expected funds = { sheet = \"项目资金\" } (and optionally key, "
            "header_row)")
        return None
    for extra in spec:
        if extra not in ("sheet", "key", "header_row"):
            bad(("funds", extra), f"unknown key '{extra}'"
                f"{did_you_mean(extra, ('sheet', 'key', 'header_row'))}; funds takes sheet, key "
                "and header_row")
    key, row = spec.get("key"), spec.get("header_row", 1)
    if key is not None and not isinstance(key, str):
        bad(("funds", "key"), "expected the header of the funds sheet's project-code column")
        return None
    if isinstance(row, bool) or not isinstance(row, int) or row < 1:
        bad(("funds", "header_row"), "expected the 1-based row number of the headers")
        return None
    return FundsSheet(spec["sheet"], key, row)


def _read_column(header: str, spec: Any, bad: Callable[[str], None], *,
                 long: bool = False) -> Column | None:
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
    problem = check_column_name(name, long=long)
    if problem is not None:
        bad(problem)
        return None
    unit = spec.get("unit")
    if unit is not None and (not isinstance(unit, str) or (
            unit not in UNITS and unit not in _PERCENT_UNITS and unit != FRACTION)):
        bad(f"unit {unit!r} is neither a money unit (元, 万元, 亿元, …) nor a share's (\"%\": "
            "87.5 is 87.5%, \"‰\", or \"fraction\": 0.875 is 87.5%); leave the unit out for "
            "counts and plain numbers")
        unit = None
    split = spec.get("split")
    if split is not None and (not isinstance(split, str) or not split):
        bad("split takes the separator of the list items, e.g. split = \"、\"")
        split = None
    if unknown:
        return None
    return Column(header, name, _PERCENT_UNITS.get(unit, unit) if unit else None, split)
