"""``perfrubric batch``: score a spreadsheet, a Parquet file or a folder of data files.

::

    perfrubric batch RUBRIC INPUT [--map MAP.toml | --layout LAYOUT.toml]
                                  [-o OUT.xlsx|.csv|.parquet] [--workers N]
                                  [--sheet NAME] [--measured] [--trace]
                                  [--summary SUMMARY.html]
                                  [--reports DIR [--report-format docx|xlsx|html|md]]

Writes one row per unit (CSV on standard output without ``-o``), shows a
progress bar on standard error when it is a terminal, and ends with a
summary: units scored, failed, and the count of each grade.  Exit code 0
when every unit scored, 1 when any failed (the output is still written,
failed units with their errors), as for the other commands.  With
``--reports DIR`` each scored unit's scoring table and narrative is also
written to its own file in DIR (:func:`~perfrubric.batch.write_reports`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..errors import PerfrubricError
from ..rubrics.model import Rubric
from .forms import form_tiers
from .reports import REPORT_FORMATS, reporting
from .results import BatchResult, _Collector
from .writers import _rows, write_results

__all__ = ["add_parser", "run"]

_SHOWN_ERRORS = 10


def _workers(text: str) -> int:
    # A usage error (exit 2), like any other malformed option value.
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of processes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register the ``batch`` sub-command on *sub* (argparse sub-parsers)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "batch", help="score every unit of a spreadsheet, Parquet file or folder of data files")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("input", help="a .xlsx, .csv or .parquet table (one row per unit), or a "
                                 "folder of .toml/.json data files")
    p.add_argument("--map", dest="mapping", metavar="MAP.toml",
                   help="column mapping: header = data name (see docs/batch.md)")
    p.add_argument("--layout", metavar="LAYOUT.toml",
                   help="INPUT is a folder of filled-in 基础数据表 templates (one sheet per "
                        "unit); the layout names the label of each value")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write results to OUT.xlsx (results and errors sheets), OUT.csv or "
                        "OUT.parquet; CSV on standard output without it")
    p.add_argument("--workers", type=_workers, default=1, metavar="N",
                   help="score in N processes (default 1)")
    p.add_argument("--sheet", help="the workbook sheet to read (default: the mapping's, "
                                   "else the first)")
    p.add_argument("--measured", action="store_true",
                   help="add a column of measured values per indicator")
    p.add_argument("--trace", action="store_true",
                   help="run the full traced engine (same numbers, slower)")
    p.add_argument("--summary", metavar="SUMMARY.html",
                   help="also write the county summary page: counts, grades, totals and the "
                        "indicators losing most points, with charts (needs the charts extra)")
    p.add_argument("--reports", metavar="DIR",
                   help="also write each scored unit's scoring table and narrative to its "
                        "own file in DIR, named by code and name")
    p.add_argument("--report-format", choices=REPORT_FORMATS, default="docx",
                   help="the format of the --reports files (default docx: needs "
                        "perfrubric[docx]; xlsx needs perfrubric[excel])")
    return p


def _progress() -> tuple[Callable[[BatchResult], None] | None, Callable[[], None]]:
    if not sys.stderr.isatty():
        return None, lambda: None
    try:
        from tqdm import tqdm
    except ImportError:
        return None, lambda: None
    bar = tqdm(unit=" units", file=sys.stderr, mininterval=0.5)

    def update(_result: BatchResult) -> None:
        bar.update(1)
    return update, bar.close


def run(args: argparse.Namespace, out: TextIO, rubric: Rubric) -> int:
    """Run ``perfrubric batch`` with parsed *args*; return the exit code."""
    from . import evaluate_many, load_mapping

    if args.workers < 1:
        raise PerfrubricError(f"--workers must be 1 or more, got {args.workers}")
    source = args.input
    if not os.path.exists(source):
        raise PerfrubricError(f"{source}: no such file or folder")
    mapping = load_mapping(args.mapping)
    if args.sheet:
        import attrs

        mapping = attrs.evolve(mapping, sheet=args.sheet)
    reports = getattr(args, "reports", None)
    results = evaluate_many(rubric, source, mapping=mapping, workers=args.workers,
                            trace=args.trace or bool(reports), measured=args.measured,
                            layout=args.layout)
    written: list[Path] = []
    if reports:
        results = reporting(results, reports, fmt=args.report_format, locale="zh_CN",
                            written=written)
    update, close = _progress()
    try:
        if args.output:
            done = write_results(results, rubric, args.output, measured=args.measured,
                                 progress=update)
        else:
            done = _csv_to(out, results, rubric, args.measured, update)
    finally:
        close()
    summary = out if args.output else sys.stderr
    _summarize(done, summary, rubric)
    if args.summary:
        _write_summary_page(done, rubric, args.summary)
    if reports:
        noun = "report" if len(written) == 1 else "reports"
        summary.write(f"{len(written)} {noun} written to {reports}\n")
    if not done:   # a header row and nothing else, or an empty folder: nothing was scored
        sys.stderr.write(f"error: {source}: no unit to score (no data rows, or no data "
                         "files in the folder)\n")
        return 1
    return 1 if any(not r.ok for r in done) else 0


def _write_summary_page(done: list[BatchResult], rubric: Rubric, path: str) -> None:
    from .summary import summarize
    from .summary_page import summary_html

    page = summary_html(summarize(done, rubric))
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(page)
    except OSError as exc:
        raise PerfrubricError(f"cannot write {path}: {exc.strerror or exc}") from None


def _csv_to(out: TextIO, results: Iterator[BatchResult], rubric: Rubric, measured: bool,
            update: Callable[[BatchResult], None] | None) -> list[BatchResult]:
    import csv
    from decimal import Decimal

    import attrs

    from ..views.cells import csv_row

    done = []
    collector = _Collector(rubric, measured)
    writer = csv.writer(out)
    writer.writerow(csv_row(collector.columns))
    for result in results:
        collector.add(result)
        for values in _rows(collector):
            writer.writerow(csv_row("" if v is None else format(v, "f") if isinstance(v, Decimal)
                                    else v for v in values))
        for column in collector.columns.values():
            column.clear()
        collector.results.clear()
        done.append(attrs.evolve(result, evaluation=None, measured={}))
        if update is not None:
            update(result)
    return done


def _summarize(done: list[BatchResult], stream: TextIO, rubric: Rubric) -> None:
    failed = [r for r in done if not r.ok]
    grades = Counter(r.grade for r in done if r.ok)
    scored = len(done) - len(failed)
    order = [g.name for g in rubric.grades.grades]
    shown = ", ".join(f"{g if g is not None else 'no grade'} {grades[g]}"
                      for g in [*order, None] if grades[g])
    for result in failed[:_SHOWN_ERRORS]:
        for problem in result.problems:
            sys.stderr.write(f"error: {result.key}: {problem}\n")
    # a batch of project forms counts forms, any other batch units; 1 of them is singular
    noun = "form" if form_tiers(rubric) else "unit"
    if len(failed) > _SHOWN_ERRORS:
        sys.stderr.write(f"... and {len(failed) - _SHOWN_ERRORS} more failed "
                         f"{_plural(len(failed) - _SHOWN_ERRORS, noun)} "
                         "(see the errors sheet or the error column)\n")
    stream.write(f"{len(done)} {_plural(len(done), noun)}: {scored} scored, "
                 f"{len(failed)} failed" + (f"; grades: {shown}" if shown else "") + "\n")


def _plural(count: int, noun: str) -> str:
    """*noun* as counted: ``1 form``, ``2 forms``, ``0 units``."""
    return noun if count == 1 else noun + "s"
