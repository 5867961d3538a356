"""A county's year over year: two tables of units scored and matched, :func:`compare_tables`.

``perfrubric compare --rubric R [--map M] 2022.xlsx 2023.xlsx`` scores both
tables (as ``perfrubric batch`` would), matches the units by code (else by
name) and gives, per unit, both totals and grades, the change, and the
indicators whose scores moved most; units present in one year only are
listed apart, and units that failed in either year are kept with their
status.  The figures come from the same batch scoring, so a unit's totals
are exactly what ``perfrubric batch`` writes for it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from ..errors import DataError, PerfrubricError, Problem
from ..rubrics.model import Rubric
from .results import BatchResult
from .tables import ColumnMap, require

__all__ = ["TableComparison", "UnitChange", "compare_tables"]

_MOVED = 3   # indicators shown per unit


@attrs.frozen
class UnitChange:
    """One unit in both years: totals, grades, the change and the indicators that moved most.

    ``status`` is ``"compared"``, or ``"failed"`` when the unit failed in
    either year (``failed_in`` names which: ``"a"``, ``"b"`` or ``"both"``),
    in which case ``change`` is ``None``.  ``moved`` holds up to three
    ``(path, score_a, score_b, change)`` tuples, largest change first.
    """

    code: str | None
    name: str | None
    total_a: Decimal | None
    total_b: Decimal | None
    grade_a: str | None
    grade_b: str | None
    change: Decimal | None
    moved: tuple[tuple[str, Decimal, Decimal, Decimal], ...] = ()
    status: str = "compared"
    failed_in: str | None = None

    @property
    def label(self) -> str:
        """The unit as a reader names it: ``A0001 示例县财政局``."""
        return " ".join(x for x in (self.code, self.name) if x) or "?"


@attrs.frozen
class TableComparison:
    """Two years of a county's units, matched: :func:`compare_tables` gives it."""

    label_a: str
    label_b: str
    units: tuple[UnitChange, ...]
    only_a: tuple[tuple[str | None, str | None], ...]
    only_b: tuple[tuple[str | None, str | None], ...]

    def rows(self) -> list[list[Any]]:
        """One list per unit, in the columns of :meth:`header`."""
        out = []
        for u in self.units:
            moved = "；".join(f"{p} {_n(a)}→{_n(b)}（{_signed(d)}）" for p, a, b, d in u.moved)
            out.append([u.code, u.name, u.total_a, u.grade_a, u.total_b, u.grade_b, u.change,
                        u.status, moved])
        for code, name in self.only_a:
            out.append([code, name, None, None, None, None, None, f"only {self.label_a}", ""])
        for code, name in self.only_b:
            out.append([code, name, None, None, None, None, None, f"only {self.label_b}", ""])
        return out

    def header(self) -> list[str]:
        """The column names: code, name, both totals and grades, change, status, moved."""
        a, b = self.label_a, self.label_b
        return ["code", "name", f"total {a}", f"grade {a}", f"total {b}", f"grade {b}",
                "change", "status", "moved most"]

    def render(self, fmt: str = "text", *, locale: str = "zh_CN") -> str:
        """The comparison as ``text`` (sentences) or ``csv``."""
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(self.header())
            for row in self.rows():
                writer.writerow(["" if v is None else format(v, "f") if isinstance(v, Decimal)
                                 else v for v in row])
            return buffer.getvalue()
        if fmt != "text":
            raise PerfrubricError(f"a table comparison renders as text or csv, not {fmt!r} "
                                  "(xlsx: give -o FILE.xlsx)")
        return _text(self, zh=not locale.startswith("en"))

    def write_xlsx(self, path: str | os.PathLike[str]) -> None:
        """Write the comparison to an Excel workbook (one sheet, numbers as numbers)."""
        openpyxl = require("openpyxl", "Excel output")
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "比较"
        sheet.append(self.header())
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in self.rows():
            sheet.append(row)
        for letter, width in zip("ABCDEFGHI", (12, 24, 10, 8, 10, 8, 10, 12, 70), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "C2"
        try:
            book.save(os.fspath(path))
        except OSError as exc:
            raise PerfrubricError(f"cannot write {os.fspath(path)}: "
                                  f"{exc.strerror or exc}") from None


def compare_tables(rubric: Rubric, a: Any, b: Any, *, mapping: ColumnMap | str | None = None,
                   rubric_b: Rubric | None = None, label_a: str | None = None,
                   label_b: str | None = None) -> TableComparison:
    """Score tables *a* and *b* (files or DataFrames) and match their units.

    Units are matched by ``department.code`` when both have one, else by
    ``department.name``.  *mapping* (a mapping file or :class:`ColumnMap`)
    reads both tables; *rubric_b* scores *b* with another rubric.  Two
    units with the same code (or name) in one table is a :class:`DataError`
    naming them, since they cannot be matched.
    """
    from .records import evaluate_many
    from .tables import load_mapping

    columns = mapping if isinstance(mapping, ColumnMap) else load_mapping(mapping)
    first = list(evaluate_many(rubric, a, mapping=columns, trace=False))
    second = list(evaluate_many(rubric_b or rubric, b, mapping=columns, trace=False))
    name_a, name_b = _labels(a, b)
    name_a, name_b = label_a or name_a, label_b or name_b
    index_a, index_b = _index(first, name_a), _index(second, name_b)
    units = [_change(index_a[k], index_b[k]) for k in index_a if k in index_b]
    units.sort(key=lambda u: (u.change is None, -abs(u.change or Decimal(0)), u.label))
    only_a = tuple((r.code, r.name) for k, r in index_a.items() if k not in index_b)
    only_b = tuple((r.code, r.name) for k, r in index_b.items() if k not in index_a)
    return TableComparison(name_a, name_b, tuple(units), only_a, only_b)


def _labels(a: Any, b: Any) -> tuple[str, str]:
    """How the two tables are named: their file names, else their folders', else A and B."""
    if not isinstance(a, (str, os.PathLike)) or not isinstance(b, (str, os.PathLike)):
        return "A", "B"
    first, second = os.path.abspath(os.fspath(a)), os.path.abspath(os.fspath(b))
    stems = (os.path.splitext(os.path.basename(first))[0],
             os.path.splitext(os.path.basename(second))[0])
    folders = (os.path.basename(os.path.dirname(first)), os.path.basename(os.path.dirname(second)))
    for x, y in (stems, folders):
        if x and y and x != y:
            return x, y
    return "A", "B"


def _index(results: Iterable[BatchResult], label: str) -> dict[tuple[str, str], BatchResult]:
    index: dict[tuple[str, str], BatchResult] = {}
    clashes = []
    for result in results:
        key = ("code", result.code) if result.code else ("name", result.name or result.key)
        if key in index:
            clashes.append(Problem(f"{key[1]} appears twice in {label} (rows "
                                   f"{index[key].row} and {result.row}): units are matched by "
                                   f"{'code' if key[0] == 'code' else 'name'}",
                                   path=result.key))
        index[key] = result
    if clashes:
        raise DataError(clashes)
    return index


def _change(a: BatchResult, b: BatchResult) -> UnitChange:
    code, name = b.code or a.code, b.name or a.name
    if not (a.ok and b.ok) or a.total is None or b.total is None:
        where = "both" if not (a.ok or b.ok) else "a" if not a.ok else "b"
        return UnitChange(code, name, a.total, b.total, a.grade, b.grade, None,
                          status="failed", failed_in=where)
    moved = [(path, a.scores[path], b.scores[path], b.scores[path] - a.scores[path])
             for path in b.scores if path in a.scores and b.scores[path] != a.scores[path]]
    moved.sort(key=lambda m: (-abs(m[3]), m[0]))
    return UnitChange(code, name, a.total, b.total, a.grade, b.grade, b.total - a.total,
                      tuple(moved[:_MOVED]))


def _n(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + _n(value)


def _text(c: TableComparison, *, zh: bool) -> str:
    lines: list[str] = []
    compared = [u for u in c.units if u.status == "compared"]
    if zh:
        lines.append(f"{c.label_a} → {c.label_b}：两年均有{len(c.units)}家单位，"
                     f"仅{c.label_a}有{len(c.only_a)}家，仅{c.label_b}有{len(c.only_b)}家。")
    else:
        lines.append(f"{c.label_a} → {c.label_b}: {len(c.units)} units in both years, "
                     f"{len(c.only_a)} only in {c.label_a}, {len(c.only_b)} only in {c.label_b}.")
    for u in compared:
        grades = (f"{u.grade_a}→{u.grade_b}" if u.grade_a != u.grade_b
                  else (u.grade_a or "—"))
        moved = ("；".join(f"{p} {_n(a)}→{_n(b)}（{_signed(d)}）" for p, a, b, d in u.moved)
                 if zh else "; ".join(f"{p} {_n(a)} → {_n(b)} ({_signed(d)})"
                                      for p, a, b, d in u.moved))
        if zh:
            change = _signed(u.change or Decimal(0))
            lines.append(f"{u.label}：{_n(u.total_a)}→{_n(u.total_b)}分（{change}），"
                         f"等级{grades}" + (f"；变化最大：{moved}" if moved else ""))
        else:
            lines.append(f"{u.label}: {_n(u.total_a)} → {_n(u.total_b)} "
                         f"({_signed(u.change or Decimal(0))}), grade {grades}"
                         + (f"; moved most: {moved}" if moved else ""))
    for u in c.units:
        if u.status == "failed":
            which = {"a": c.label_a, "b": c.label_b, "both": f"{c.label_a}、{c.label_b}"}
            year = which[u.failed_in or "both"]
            lines.append(f"{u.label}：{year}评分失败，未比较" if zh
                         else f"{u.label}: failed in {year}, not compared")
    for year, only in ((c.label_a, c.only_a), (c.label_b, c.only_b)):
        if only:
            names = "、".join(" ".join(x for x in pair if x) for pair in only)
            lines.append(f"仅{year}有：{names}" if zh else f"only in {year}: {names}")
    return "\n".join(lines) + "\n"
