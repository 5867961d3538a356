"""Writing batch results to ``.xlsx``, ``.csv`` or ``.parquet``: :func:`write_results`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import PerfrubricError
from ..rubrics.model import Rubric
from ..views.cells import csv_row, set_xlsx, xlsx_row
from .results import _MEASURED, ROW_COLUMNS, BatchResult, _Collector
from .summary import BatchSummary, PrintedReview, summarize
from .tables import require


def write_results(results: Iterable[BatchResult], rubric: Rubric, path: str | os.PathLike[str],
                  *, measured: bool = False,
                  progress: Callable[[BatchResult], None] | None = None) -> list[BatchResult]:
    """Write *results* to *path* (``.xlsx``, ``.csv`` or ``.parquet``); return the results.

    ``.xlsx`` gets a ``results`` sheet (bold frozen header, numbers as
    numbers, measured shares as numbers with a percent format), for
    project forms a ``rows`` sheet (one line per indicator row: the rule's
    score, the printed score and their deviation), an ``errors`` sheet with
    one line per problem: key, row, cell, message, and a ``汇总`` sheet with
    the batch's figures (:func:`summarize`).  ``.csv`` (UTF-8 with a
    byte-order mark, so Excel reads Chinese headers) and ``.parquet`` carry
    the errors in the ``error`` column.  *progress* is called with each
    result as it is consumed.
    Returns every result (the failed ones included) for a summary.
    """
    file = os.fspath(path)
    suffix = Path(file).suffix.lower()
    if suffix not in (".xlsx", ".csv", ".parquet"):
        raise PerfrubricError(f"cannot write results to a {suffix or 'suffix-less'} file; "
                              "expected .xlsx, .csv or .parquet")
    collector = _Collector(rubric, measured)
    everything: list[BatchResult] = []
    for result in results:
        collector.add(result)
        everything.append(attrs.evolve(result, evaluation=None, measured={}))
        if progress is not None:
            progress(result)
    try:
        if suffix == ".xlsx":
            _write_xlsx(collector, file, summarize(everything, rubric))
        elif suffix == ".csv":
            _write_csv(collector, file)
        else:
            require("pyarrow.parquet", "Parquet output").write_table(collector.arrow(), file)
    except OSError as exc:
        raise PerfrubricError(f"cannot write {file}: {exc.strerror or exc}") from None
    return everything


def _rows(collector: _Collector) -> Iterator[list[Any]]:
    names = list(collector.columns)
    for values in zip(*(collector.columns[n] for n in names), strict=True):
        yield list(values)


def _write_csv(collector: _Collector, file: str) -> None:
    import csv

    with open(file, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(collector.columns))
        for values in _rows(collector):
            writer.writerow(csv_row("" if v is None else format(v, "f") if isinstance(v, Decimal)
                                    else v for v in values))


def _measured_formats(collector: _Collector, names: list[str]) -> list[str | None]:
    """The number format of each measured column: a percent for shares, else general."""
    formats: list[str | None] = []
    for name in names:
        if not name.endswith(_MEASURED):
            formats.append(None)
            continue
        unit = collector.rubric.indicator(name.removesuffix(_MEASURED)).unit
        formats.append("0.00%" if unit == "%" else "0.00‰" if unit == "‰" else "General")
    return formats


def _as_number(text: Any) -> Any:
    """A measured value written as text (``"0.945"``) as the number it is, else as it is."""
    if not isinstance(text, str):
        return text
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    return value if value.is_finite() else text


def _write_xlsx(collector: _Collector, file: str, summary: BatchSummary) -> None:
    openpyxl = require("openpyxl", "Excel output")
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    # Write-only mode streams rows to the file: a cell-by-cell workbook in
    # memory slows down with every row (its max_row is recounted each time).
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("results")
    names = list(collector.columns)
    bold = Font(bold=True)
    sheet.freeze_panes = "C2"
    for i, name in enumerate(names):
        letter = openpyxl.utils.get_column_letter(i + 1)
        sheet.column_dimensions[letter].width = _width(name, i, names)

    def header(ws: Any, titles: Sequence[str]) -> None:
        cells = []
        for title in titles:
            cell = set_xlsx(WriteOnlyCell(ws), title)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    header(sheet, names)
    scales = collector.scales()
    formats = [("0" if scales[n] == 0 else "0." + "0" * scales[n]) if n in scales else measured
               for n, measured in zip(names, _measured_formats(collector, names), strict=True)]
    failed_fill = PatternFill("solid", fgColor="FCE4E4")
    status_col = names.index("status")
    for values in _rows(collector):
        failed = values[status_col] == "failed"
        cells: list[Any] = []
        for value, fmt in zip(values, formats, strict=True):
            if fmt is None and not failed:
                cells.extend(xlsx_row(sheet, [value]))
                continue
            if fmt is not None and names[len(cells)].endswith(_MEASURED):
                value = _as_number(value)
            cell = set_xlsx(WriteOnlyCell(sheet), value)
            if fmt is not None:
                cell.number_format = fmt
            if failed:
                cell.fill = failed_fill
            cells.append(cell)
        sheet.append(cells)
    if collector.tiers:
        _rows_sheet(book, collector, header)
    errors = book.create_sheet("errors")
    errors.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (16, 8, 24, 80, 24), strict=True):
        errors.column_dimensions[letter].width = width
    header(errors, ["key", "row", "cell", "message", "file"])
    for result in collector.results:
        for problem in result.problems:
            errors.append(xlsx_row(errors, [
                result.key, result.row if result.row is not None else result.index,
                problem.path, problem.message, problem.file]))
    _summary_sheet(book, summary, header)
    book.save(file)


def _summary_sheet(book: Any, summary: BatchSummary,
                   header: Callable[[Any, Sequence[str]], None]) -> None:
    """The 汇总 sheet: counts, the grade distribution, totals' spread, indicators losing points."""
    sheet = book.create_sheet("汇总")
    for letter, width in zip("ABCDEF", (36, 10, 12, 14, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    who = "项目" if summary.noun == "form" else "单位"   # a batch of project forms counts 项目
    header(sheet, [summary.title or "汇总", f"{who}数"])
    sheet.append(xlsx_row(sheet, [f"参评{who}", summary.units]))
    sheet.append(xlsx_row(sheet, ["评分完成", summary.scored]))
    sheet.append(xlsx_row(sheet, ["评分失败", summary.failed]))
    sheet.append(xlsx_row(sheet, []))
    header(sheet, ["等级", "单位数", "占比"])
    for grade, count in summary.grades:
        share = Decimal(count) / summary.scored if summary.scored else None
        sheet.append(xlsx_row(sheet, [grade if grade is not None else "无法评级", count,
                                      _percent_cell(sheet, share)]))
    sheet.append(xlsx_row(sheet, []))
    header(sheet, ["总分", "分"])
    for label, value in (("平均分", summary.mean), ("中位数", summary.median),
                         ("标准差", summary.stdev), ("最低分", summary.minimum),
                         ("最高分", summary.maximum)):
        sheet.append(xlsx_row(sheet, [label, value]))
    sheet.append(xlsx_row(sheet, []))
    header(sheet, ["失分最多的指标", "分值", "失分合计", "失分单位数", "评分单位数",
                   "平均失分"])
    for loss in summary.losses:
        sheet.append(xlsx_row(sheet, [loss.path, loss.points, loss.lost, loss.units,
                                      loss.scored, loss.mean_lost]))
    if summary.printed is not None:
        _printed_rows(sheet, summary.printed, header)


def _printed_rows(sheet: Any, printed: PrintedReview,
                  header: Callable[[Any, Sequence[str]], None]) -> None:
    """The 复核 block of the 汇总 sheet: printed totals against the rule's, departing rows."""
    sheet.append(xlsx_row(sheet, []))
    header(sheet, ["自评与复核（填写得分的行）", "项目数"])
    for label, value in (("填写得分的项目", len(printed.totals)),
                         ("自评高于复核", printed.above), ("自评低于复核", printed.below)):
        sheet.append(xlsx_row(sheet, [label, value]))
    sheet.append(xlsx_row(sheet, ["差额合计（自评 − 复核）", printed.difference]))
    sheet.append(xlsx_row(sheet, []))
    header(sheet, ["偏离规则最多的行", "偏离项目数", "填写得分项目数", "差额合计"])
    for row in printed.rows:
        sheet.append(xlsx_row(sheet, [row.path, row.forms, row.printed, row.difference]))


def _percent_cell(sheet: Any, share: Decimal | None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=share)
    cell.number_format = "0.0%"
    return cell


def _rows_sheet(book: Any, collector: _Collector, header: Callable[[Any, Sequence[str]], None]
                ) -> None:
    """The ``rows`` sheet of a batch of project forms: one line per indicator row."""
    sheet = book.create_sheet("rows")
    sheet.freeze_panes = "C2"
    for letter, width in zip("ABCDEFGHI", (16, 8, 40, 8, 14, 14, 8, 8, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    header(sheet, list(ROW_COLUMNS))
    for values in collector.form_rows:
        sheet.append(xlsx_row(sheet, values))


def _width(name: str, index: int, names: list[str]) -> int:
    if name == "error":
        return 60
    text = name.rsplit("/", 1)[-1]
    wide = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return min(max(wide + 2, 8), 30)
