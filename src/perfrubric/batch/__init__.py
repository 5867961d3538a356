"""Many units at once: records or tables in, results (or result tables) out.

:func:`evaluate_many` scores a stream of records (data dicts,
:class:`~perfrubric.Department` objects, data files, or the rows of a
spreadsheet, a Parquet file or a DataFrame) and yields one
:class:`BatchResult` per record, in order, in constant memory.  A record
that fails does not stop the batch: its result carries the located error
(``Sheet1!D17 在职人数 → staffing.on_post: expected a whole number, got 21.5``).

:func:`score_table` takes a table and gives back a table of results of the
same library (pandas → pandas, polars → polars, pyarrow → pyarrow):
key columns, total, grade, status, the error (if any) and one column per
leaf indicator, named by its path.  :func:`write_results` writes results to
``.xlsx`` (a results sheet and an errors sheet), ``.csv`` or ``.parquet``.

>>> import perfrubric as pr
>>> from perfrubric.batch import evaluate_many
>>> rubric = pr.load_rubric("examples/kaifu-commerce-2021/rubric.toml")
>>> [(r.key, r.total, r.grade) for r in evaluate_many(
...     rubric, ["examples/kaifu-commerce-2021/data.toml"])]
[('data', Decimal('100.00'), '优')]

Columns name data (``docs/data.md``) by their dotted header or through a
mapping file (see :func:`perfrubric.batch.load_mapping` and ``docs/batch.md``).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..data.model import Department
from ..engine.compiled import CompiledRubric, Totals
from ..engine.evaluation import Evaluation
from ..errors import DataError, EvaluationError, PerfrubricError, Problem
from ..expr import Value
from ..rubrics.model import Rubric
from .layout import Layout, load_layout, template_rows
from .tables import (
    EXCEL_SUFFIXES,
    Column,
    ColumnMap,
    Plan,
    Row,
    RowDocument,
    Table,
    clean,
    load_mapping,
    open_table,
    require,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "BatchResult",
    "Column",
    "ColumnMap",
    "Layout",
    "evaluate_many",
    "load_layout",
    "load_mapping",
    "result_columns",
    "score_dask",
    "score_spark",
    "score_table",
    "write_results",
]

_TABLE_SUFFIXES = (".csv", ".parquet", ".pq", *EXCEL_SUFFIXES)
_DATA_SUFFIXES = (".toml", ".json")


@attrs.frozen
class BatchResult:
    """The result of one record of a batch.

    ``index`` is the record's 0-based position in the batch and ``key``
    names it: the department's code, else its name, else ``row 17`` (or
    the file name for data files).  ``row`` is the spreadsheet row (1-based,
    as Excel shows it) or the DataFrame position, when the record is a row.

    On success ``status`` is ``"scored"`` (or ``"cannot_rate"`` when the
    evaluation has no grade), with ``total``, ``grade``, the leaf
    ``scores`` and ``measured`` values by indicator path, and the full
    ``evaluation`` when the batch ran with ``trace=True``.  On failure
    ``status`` is ``"failed"`` and ``error`` is the located
    :class:`~perfrubric.PerfrubricError`; ``problems`` lists every problem of
    the record, each at its cell.
    """

    index: int
    key: str
    status: str
    total: Decimal | None = None
    grade: str | None = None
    scores: Mapping[str, Decimal] = attrs.field(factory=dict)
    measured: Mapping[str, Value] = attrs.field(factory=dict)
    evaluation: Evaluation | None = None
    error: PerfrubricError | None = None
    problems: tuple[Problem, ...] = ()
    row: int | None = None
    file: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the record was scored (with or without a grade)."""
        return self.error is None


# -- scoring one record (in this process or a worker) ----------------------------------

# What a worker sends back: ("ok", Totals) | ("data", problems) |
# ("eval", indicator, message) | ("error", message).  Exceptions are not sent
# as such: a located error does not survive pickling with its problems.
_Outcome = tuple[Any, ...]

_COMPILED: dict[str, CompiledRubric] = {}


def _compiled(rubric: Rubric) -> CompiledRubric:
    """The compiled form of *rubric*, built once per process."""
    found = _COMPILED.get(rubric.sha256)
    if found is None or found.rubric is not rubric:
        found = _COMPILED[rubric.sha256] = CompiledRubric(rubric)
    return found


def _score(compiled: CompiledRubric, payload: Any, trace: bool) -> _Outcome:
    from ..data.structure import load_data, structure_department

    try:
        if isinstance(payload, Department):
            dept = payload
        elif isinstance(payload, Mapping):
            dept = structure_department(payload)
        else:
            dept = load_data(payload)
        return ("ok", compiled.run(dept, trace=trace))
    except DataError as exc:
        return ("data", exc.problems)
    except EvaluationError as exc:
        return ("eval", exc.indicator, exc.message)
    except PerfrubricError as exc:
        return ("error", str(exc))


_WORKER: dict[str, Any] = {}


def _worker_init(rubric: Rubric, trace: bool, measured: bool) -> None:
    _WORKER["compiled"] = _compiled(rubric)
    _WORKER["trace"] = trace
    _WORKER["measured"] = measured


def _worker_chunk(payloads: list[Any]) -> list[_Outcome]:
    compiled, trace, measured = _WORKER["compiled"], _WORKER["trace"], _WORKER["measured"]
    return [_pack(_score(compiled, p, trace), trace, measured, compiled.rubric)
            for p in payloads]


_RS = "\x1e"  # ASCII record separator: never part of a number


def _pack(outcome: _Outcome, trace: bool, measured: bool, rubric: Rubric) -> _Outcome:
    """A worker's outcome made cheap to send: the leaf scores as one text, in leaf order.

    Pickling thirty Decimals (and their paths) per unit costs more than
    scoring the unit; one string costs little.  A traced evaluation is sent
    without its rubric, which the parent has (the whole rubric, pickled with
    every unit, cost four times the scoring); a project form's evaluation
    keeps the rubric its rows were generated into.
    """
    if outcome[0] != "ok":
        return outcome
    if trace:
        traced: Totals = outcome[1]
        ev = traced.evaluation
        if ev is not None and ev.rubric is rubric:
            # the parent puts its rubric back (_unpack) before anyone sees it
            bare = attrs.evolve(ev, rubric=None)  # type: ignore[arg-type]
            return ("traced", attrs.evolve(traced, evaluation=bare))
        return outcome
    totals: Totals = outcome[1]
    return ("packed", str(totals.total), totals.grade, totals.status,
            _RS.join(map(str, totals.scores.values())),
            dict(totals.measured) if measured else None)


def _unpack(outcome: _Outcome, leaves: Sequence[str], rubric: Rubric) -> _Outcome:
    if outcome[0] == "traced":
        traced: Totals = outcome[1]
        assert traced.evaluation is not None
        return ("ok", attrs.evolve(traced, evaluation=attrs.evolve(traced.evaluation,
                                                                   rubric=rubric)))
    if outcome[0] != "packed":
        return outcome
    _, total, grade, status, scores, measured = outcome
    values = map(Decimal, scores.split(_RS)) if scores else ()
    return ("ok", Totals(Decimal(total), grade, status, dict(zip(leaves, values, strict=True)),
                         measured or {}))


# -- records ---------------------------------------------------------------------------------


@attrs.frozen
class _Item:
    index: int
    key: str
    payload: Any
    row: Row | None = None
    plan: Plan | None = None
    cells: Mapping[tuple[str | int, ...], int] | None = None
    file: str | None = None


def _is_table(source: Any) -> bool:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).suffix.lower() in _TABLE_SUFFIXES
    return type(source).__module__.split(".")[0] in ("pandas", "polars", "pyarrow")


def _doc_key(doc: Mapping[str, Any], index: int) -> str:
    head = doc.get("department")
    if isinstance(head, Mapping):
        for field in ("code", "name"):
            if isinstance(head.get(field), str) and head[field]:
                return str(head[field])
    return f"record {index}"


def _table_items(table: Table, plan: Plan, start: int = 0) -> Iterator[_Item]:
    for i, row in enumerate(table.rows, start=start):
        doc: RowDocument = plan.document(row)
        yield _Item(i, doc.key, doc.document, row, plan, doc.cells, table.file)


def _items(records: Any, mapping: ColumnMap, rubric: Rubric,
           layout: Layout | None = None) -> Iterator[_Item]:
    """The records of a batch as work items, read lazily."""
    if layout is not None:
        if not isinstance(records, (str, os.PathLike)):
            raise PerfrubricError("a layout reads filled-in templates: give a folder of "
                                  "workbooks (or one workbook), not "
                                  f"{type(records).__name__}")
        plan = Plan(layout.table(), layout.mapping())
        for i, row in enumerate(template_rows(records, layout)):
            doc = plan.document(row)
            yield _Item(i, doc.key, doc.document, row, plan, doc.cells, row.file)
        return
    if _is_table(records):
        table = open_table(records, sheet=mapping.sheet, header_row=mapping.header_row)
        plan = Plan(table, mapping)
        _check_required(rubric, plan)
        yield from _table_items(table, plan)
        return
    if isinstance(records, (str, os.PathLike)) and Path(records).is_dir():
        records = sorted(str(p) for p in Path(records).iterdir()
                         if p.suffix.lower() in _DATA_SUFFIXES)
    elif isinstance(records, (str, os.PathLike, Mapping, Department)):
        records = [records]
    plans: dict[tuple[str, ...], Plan] = {}
    for index, record in enumerate(records):
        if isinstance(record, Department):
            yield _Item(index, record.code or record.name, record)
        elif isinstance(record, Mapping) and any("." in str(k) for k in record):
            headers = tuple(str(k) for k in record)
            if headers not in plans:
                plans[headers] = Plan(Table(headers, iter(()), frame=True), mapping)
            plan = plans[headers]
            row = Row(index, index, tuple(clean(record[h]) for h in record))
            doc = plan.document(row)
            yield _Item(index, doc.key, doc.document, row, plan, doc.cells)
        elif isinstance(record, Mapping):
            yield _Item(index, _doc_key(record, index), record)
        elif isinstance(record, (str, os.PathLike)):
            path = os.fspath(record)
            yield _Item(index, Path(path).stem, path, file=path)
        else:
            yield _Item(index, f"record {index}", record)


def _result(item: _Item, outcome: _Outcome, rubric: Rubric) -> BatchResult:
    number = item.row.number if item.row is not None and item.row.places is None else None
    if outcome[0] == "ok":
        totals: Totals = outcome[1]
        return BatchResult(item.index, item.key, totals.status, totals.total, totals.grade,
                           totals.scores, totals.measured, totals.evaluation, row=number,
                           file=item.file)
    error: PerfrubricError
    problems: tuple[Problem, ...]
    if outcome[0] == "data":
        if item.plan is not None and item.row is not None:
            problems = tuple(item.plan.locate(item.row, outcome[1], item.cells))
        else:
            problems = tuple(outcome[1])
        error = DataError(problems)
        problems = error.problems
    elif outcome[0] == "eval":
        indicator, message = outcome[1], outcome[2]
        if item.plan is not None and item.row is not None:
            problem = item.plan.row_problem(item.row, f"{indicator}: {message}",
                                            _measure_names(rubric, indicator))
        else:
            problem = Problem(f"{indicator}: {message}", path=item.key, file=item.file)
        where = problem.path
        error = EvaluationError(indicator, f"{message} ({where})")
        problems = (problem,)
    else:
        problem = Problem(outcome[1], path=item.key, file=item.file)
        error = DataError(problem)
        problems = (problem,)
    return BatchResult(item.index, item.key, "failed", error=error, problems=problems,
                       row=number, file=item.file)


def _measure_names(rubric: Rubric, indicator: str) -> list[str]:
    if indicator not in rubric:
        return []
    measure = rubric.indicator(indicator).measure
    return sorted(measure.names) if measure is not None else []


def evaluate_many(rubric: Rubric, records: Any, *, workers: int = 1, trace: bool = True,
                  mapping: str | os.PathLike[str] | Mapping[str, Any] | ColumnMap | None = None,
                  chunk_size: int = 64, measured: bool = True,
                  layout: str | os.PathLike[str] | Mapping[str, Any] | Layout | None = None,
                  ) -> Iterator[BatchResult]:
    """Score every record against *rubric*; yield one :class:`BatchResult` each, in order.

    *records* is an iterable of data documents (dicts with the sections of
    ``docs/data.md``), flat dicts with dotted keys (``staffing.on_post``),
    :class:`~perfrubric.Department` objects or data file paths; or a whole
    table: a ``.csv``/``.xlsx``/``.parquet`` path, a pandas or polars
    DataFrame or a pyarrow Table (one row per unit, read through *mapping*,
    see :func:`load_mapping`); or a folder of ``.toml``/``.json`` data files.

    Records are read and scored lazily: the generator holds a bounded
    number of records at a time, whatever the batch's size.  A record that
    fails yields a result with ``status == "failed"`` and its located
    ``error``; the batch goes on.  Errors of the table itself (an unknown
    column header, an unreadable file) raise :class:`DataError` at once.

    With ``trace=True`` each result keeps the full
    :class:`~perfrubric.Evaluation`; with ``trace=False`` only totals,
    grades and leaf scores are computed, by a compiled fast path that gives
    the same numbers.  *workers* > 1 scores in that many processes
    (*chunk_size* records per task); results still come in order, and
    *measured* false saves sending the measured values back from them.

    With a *layout* (a layout file, see :func:`load_layout`), *records* is a
    folder of filled-in 基础数据表 templates (or one workbook): every sheet
    is one unit, read by its labels.
    """
    column_map = load_mapping(mapping)
    if workers < 1:
        raise PerfrubricError(f"workers must be 1 or more, got {workers}")
    template = None
    if layout is not None:
        template = layout if isinstance(layout, Layout) else load_layout(layout)
    items = _items(records, column_map, rubric, template)
    return _run(rubric, items, workers=workers, trace=trace, chunk_size=chunk_size,
                measured=measured)


def _run(rubric: Rubric, items: Iterator[_Item], *, workers: int, trace: bool,
         chunk_size: int, measured: bool = True) -> Iterator[BatchResult]:
    compiled = _compiled(rubric)
    if workers == 1:
        for item in items:
            yield _result(item, _score(compiled, item.payload, trace), rubric)
        return
    from concurrent.futures import ProcessPoolExecutor

    leaves = [ind.path for ind in rubric.leaves()]
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                             initargs=(rubric, trace, measured)) as pool:
        pending: deque[tuple[list[_Item], Future[list[_Outcome]]]] = deque()
        chunk: list[_Item] = []

        def submit() -> None:
            payloads = [item.payload for item in chunk]
            pending.append((list(chunk), pool.submit(_worker_chunk, payloads)))
            chunk.clear()

        def drain(limit: int) -> Iterator[BatchResult]:
            while len(pending) > limit:
                done_items, future = pending.popleft()
                for item, outcome in zip(done_items, future.result(), strict=True):
                    yield _result(item, _unpack(outcome, leaves, rubric), rubric)

        for item in items:
            chunk.append(item)
            if len(chunk) >= chunk_size:
                submit()
                yield from drain(workers * 3)
        if chunk:
            submit()
        yield from drain(0)


# -- result tables -------------------------------------------------------------------------

_KEY_COLUMNS = ("row", "key", "total", "grade", "status", "error")
_MEASURED = " [measured]"


def result_columns(rubric: Rubric, *, measured: bool = False) -> list[str]:
    """The column names of a result table.

    ``row``, ``key``, ``total``, ``grade``, ``status``, ``error``, one per
    leaf indicator (its path), then, with *measured*, one
    ``<path> [measured]`` per leaf.
    """
    leaves = [ind.path for ind in rubric.leaves()]
    return [*_KEY_COLUMNS, *leaves, *([p + _MEASURED for p in leaves] if measured else [])]


def _measured_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "、".join(str(v) for v in value)
    return str(value)


def _error_text(result: BatchResult) -> str | None:
    if result.error is None:
        return None
    return "; ".join(f"{p.path}: {p.message}" if p.path else p.message
                     for p in result.problems) or str(result.error)


class _Collector:
    """Results gathered column by column."""

    def __init__(self, rubric: Rubric, measured: bool) -> None:
        self.rubric = rubric
        self.measured = measured
        self.leaves = [ind.path for ind in rubric.leaves()]
        self.columns: dict[str, list[Any]] = {c: [] for c in result_columns(rubric,
                                                                            measured=measured)}
        self.results: list[BatchResult] = []

    def add(self, result: BatchResult) -> None:
        c = self.columns
        c["row"].append(result.row if result.row is not None else result.index)
        c["key"].append(result.key)
        c["total"].append(result.total)
        c["grade"].append(result.grade)
        c["status"].append(result.status)
        c["error"].append(_error_text(result))
        for path in self.leaves:
            c[path].append(result.scores.get(path))
        if self.measured:
            for path in self.leaves:
                c[path + _MEASURED].append(_measured_text(result.measured.get(path)))
        if result.error is not None:
            self.results.append(result)

    def scales(self) -> dict[str, int]:
        """Decimal places of each numeric column, as the rubric declares them."""
        out = {"total": self.rubric.total_rounding.places}
        for ind in self.rubric.leaves():
            out[ind.path] = (ind.rounding or self.rubric.rounding).places
        return out

    def pandas(self, index: Sequence[Any] | None = None) -> Any:
        pd = require("pandas", "pandas result tables")
        frame = pd.DataFrame({name: pd.Series(values, dtype="object" if name != "row"
                                              else "int64")
                              for name, values in self.columns.items()})
        if index is not None:
            frame.index = pd.Index(index)
        return frame

    def arrow(self) -> Any:
        pa = require("pyarrow", "pyarrow result tables")
        scales = self.scales()
        arrays = {}
        for name, values in self.columns.items():
            if name == "row":
                arrays[name] = pa.array(values, type=pa.int64())
            elif name in scales:
                arrays[name] = pa.array(values, type=pa.decimal128(38, scales[name]))
            else:
                arrays[name] = pa.array(values, type=pa.string())
        return pa.table(arrays)

    def polars(self) -> Any:
        pl = require("polars", "polars result tables")
        scales = self.scales()
        schema = {}
        for name in self.columns:
            if name == "row":
                schema[name] = pl.Int64
            elif name in scales:
                schema[name] = pl.Decimal(38, scales[name])
            else:
                schema[name] = pl.String
        return pl.DataFrame(self.columns, schema=schema)


def score_table(rubric: Rubric, table: Any, *,
                mapping: str | os.PathLike[str] | Mapping[str, Any] | ColumnMap | None = None,
                trace: bool = False, measured: bool = False, workers: int = 1) -> Any:
    """Score every row of *table*; return a table of results of the same library.

    *table* is a pandas or polars DataFrame, a pyarrow Table, or a path to a
    ``.csv``, ``.xlsx`` or ``.parquet`` file (which gives a pandas
    DataFrame).  The result has one row per input row, in order, with the
    columns of :func:`result_columns`: ``row`` (spreadsheet row, or
    position), ``key``, ``total``, ``grade``, ``status`` (``scored``,
    ``cannot_rate`` or ``failed``), ``error`` (the located problems of a
    failed row), and one column of Decimal scores per leaf indicator, named
    by its path; with *measured*, the measured values as text too.

    A pandas result keeps the input's index; Decimal columns are Python
    Decimals there, ``Decimal(38, places)`` in polars and ``decimal128`` in
    Arrow, with the places the rubric declares.  *trace* runs the full
    engine (same numbers, slower); *workers* > 1 scores in that many
    processes.  Raises :class:`DataError` when a column header is neither a
    data name nor mapped, or a column every row needs is missing (see
    :func:`evaluate_many`).
    """
    column_map = load_mapping(mapping)
    library = type(table).__module__.split(".")[0]
    if isinstance(table, (str, os.PathLike)):
        library = "pandas"
        require("pandas", "pandas result tables")
    elif library not in ("pandas", "polars", "pyarrow"):
        raise PerfrubricError(f"score_table takes a pandas or polars DataFrame, a pyarrow "
                              f"Table or a file path, got {type(table).__name__}")
    opened = open_table(table, sheet=column_map.sheet, header_row=column_map.header_row)
    plan = Plan(opened, column_map)
    _check_required(rubric, plan)
    collector = _Collector(rubric, measured)
    for result in _run(rubric, _table_items(opened, plan), workers=workers, trace=trace,
                       chunk_size=64, measured=measured):
        collector.add(result)
    if library == "pandas":
        index = list(table.index) if not isinstance(table, (str, os.PathLike)) else None
        return collector.pandas(index)
    if library == "polars":
        return collector.polars()
    return collector.arrow()


def _check_required(rubric: Rubric, plan: Plan) -> None:
    """Refuse a table that lacks a column every row would need.

    A name counts as needed when an indicator scores it under the ``error``
    policy, outside any either-or group and without an ``applicable``
    condition; a name is given when a column holds it or it is derived from
    columns (target aggregates from target columns, totals from parts).
    """
    if not any(plan.table.headers):
        raise DataError([Problem(
            "the table is empty: expected a header row (the column names) and then one row "
            "per unit", path="", file=plan.table.file)])
    given = set(plan.names)
    if any(n.startswith(("targets.", "target.")) for n in given):
        return  # target figures and aggregates derive from each other: not checked here
    in_groups = {a.path for g in rubric.either_or for a in g.alternatives}
    problems = []
    for ind in rubric.leaves():
        if ind.measure is None or ind.missing != "error" or ind.applicable is not None:
            continue
        if any(ind.path == p or ind.path.startswith(p + "/") for p in in_groups):
            continue
        for name in sorted(ind.measure.names):
            if name in given or not _plain_name(name):
                continue
            problems.append(Problem(
                f"indicator '{ind.path}' reads '{name}', which no column gives; add or map a "
                "column, or declare missing = \"zero\" | \"cannot_rate\" on the indicator",
                path=name, file=plan.table.file))
    if problems:
        raise DataError(problems)


def _plain_name(name: str) -> bool:
    """Whether *name* is read from one column only (not derived from others)."""
    from ..data.facts import _DERIVED

    if name in _DERIVED or name.startswith(("targets.", "budget.sangong.")):
        return False
    return not name.startswith(("department.", "facts."))


# -- writing --------------------------------------------------------------------------------


def write_results(results: Iterable[BatchResult], rubric: Rubric, path: str | os.PathLike[str],
                  *, measured: bool = False,
                  progress: Callable[[BatchResult], None] | None = None) -> list[BatchResult]:
    """Write *results* to *path* (``.xlsx``, ``.csv`` or ``.parquet``); return the results.

    ``.xlsx`` gets a ``results`` sheet (bold frozen header, numbers as
    numbers) and an ``errors`` sheet with one line per problem: key, row,
    cell, message.  ``.csv`` (UTF-8 with a byte-order mark, so Excel reads
    Chinese headers) and ``.parquet`` carry the errors in the ``error``
    column.  *progress* is called with each result as it is consumed.
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
            _write_xlsx(collector, file)
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
        writer.writerow(list(collector.columns))
        for values in _rows(collector):
            writer.writerow(["" if v is None else format(v, "f") if isinstance(v, Decimal)
                             else v for v in values])


def _write_xlsx(collector: _Collector, file: str) -> None:
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
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    header(sheet, names)
    scales = collector.scales()
    formats = [("0" if scales[n] == 0 else "0." + "0" * scales[n]) if n in scales else None
               for n in names]
    failed_fill = PatternFill("solid", fgColor="FCE4E4")
    status_col = names.index("status")
    for values in _rows(collector):
        failed = values[status_col] == "failed"
        cells: list[Any] = []
        for value, fmt in zip(values, formats, strict=True):
            if fmt is None and not failed:
                cells.append(value)
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if fmt is not None:
                cell.number_format = fmt
            if failed:
                cell.fill = failed_fill
            cells.append(cell)
        sheet.append(cells)
    errors = book.create_sheet("errors")
    errors.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (16, 8, 24, 80, 24), strict=True):
        errors.column_dimensions[letter].width = width
    header(errors, ["key", "row", "cell", "message", "file"])
    for result in collector.results:
        for problem in result.problems:
            errors.append([result.key, result.row if result.row is not None else result.index,
                           problem.path, problem.message, problem.file])
    book.save(file)


def _width(name: str, index: int, names: list[str]) -> int:
    if name == "error":
        return 60
    text = name.rsplit("/", 1)[-1]
    wide = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return min(max(wide + 2, 8), 30)


# -- Dask and Spark ---------------------------------------------------------------------------


def _rubric_of(rubric: Rubric | str) -> Rubric:
    if isinstance(rubric, Rubric):
        return rubric
    return _load_cached(rubric)


_LOADED: dict[str, Rubric] = {}


def _load_cached(ref: str) -> Rubric:
    """Load a rubric by path or built-in id, once per process (once per worker)."""
    found = _LOADED.get(ref)
    if found is None:
        from ..rubrics import builtin, builtin_ids
        from ..rubrics.loading import load_rubric

        found = builtin(ref) if ref in builtin_ids() and not os.path.exists(ref) \
            else load_rubric(ref)
        _LOADED[ref] = found
    return found


def _score_partition(frame: Any, rubric: Rubric | str, mapping: ColumnMap,
                     measured: bool) -> Any:
    return score_table(_rubric_of(rubric), frame, mapping=mapping, measured=measured)


def score_dask(rubric: Rubric | str, frame: Any, *,
               mapping: str | os.PathLike[str] | Mapping[str, Any] | ColumnMap | None = None,
               measured: bool = False) -> Any:
    """Score a ``dask.dataframe.DataFrame`` partition by partition (``map_partitions``).

    Each partition is scored by :func:`score_table` on the worker that holds
    it, and the result is a dask DataFrame with the columns of
    :func:`result_columns` (``row`` counts within each partition).  Give
    *rubric* as a file path or built-in id to have each worker load it once
    and keep it; a :class:`~perfrubric.Rubric` object is shipped with the
    task graph instead.  Needs ``pip install 'perfrubric[dask]'``.
    """
    require("dask.dataframe", "scoring dask DataFrames")
    column_map = load_mapping(mapping)
    meta = _score_partition(frame._meta, rubric, column_map, measured)
    return frame.map_partitions(_score_partition, rubric, column_map, measured, meta=meta)


def spark_schema(rubric: Rubric, *, measured: bool = False) -> Any:
    """The Spark schema of a result table (``row`` long, Decimals as ``decimal(38, places)``)."""
    types = require("pyspark.sql.types", "scoring Spark DataFrames")
    collector = _Collector(rubric, measured)
    scales = collector.scales()
    fields = []
    for name in collector.columns:
        if name == "row":
            kind = types.LongType()
        elif name in scales:
            kind = types.DecimalType(38, scales[name])
        else:
            kind = types.StringType()
        fields.append(types.StructField(name, kind, True))
    return types.StructType(fields)


def score_spark(rubric: Rubric | str, frame: Any, *,
                mapping: str | os.PathLike[str] | Mapping[str, Any] | ColumnMap | None = None,
                measured: bool = False) -> Any:
    """Score a Spark DataFrame with ``mapInPandas``; return a Spark DataFrame of results.

    Every Arrow batch of every partition is scored by :func:`score_table`
    on the executors; the columns are those of :func:`result_columns`
    (``row`` counts within each batch, so use ``key`` to join back).  Give
    *rubric* as a path or built-in id that the executors can read to load it
    once per executor process.  Needs ``pip install 'perfrubric[spark]'``.
    """
    require("pyspark.sql", "scoring Spark DataFrames")
    column_map = load_mapping(mapping)
    schema = spark_schema(_rubric_of(rubric), measured=measured)

    def score_batches(batches: Iterable[Any]) -> Iterator[Any]:
        for batch in batches:
            yield _score_partition(batch, rubric, column_map, measured).reset_index(drop=True)

    return frame.mapInPandas(score_batches, schema=schema)
