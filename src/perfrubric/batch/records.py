"""Records of a batch read as work items and scored: :func:`evaluate_many`, :func:`score_table`.

Records (data dicts, flat dotted dicts, departments, data files, or the
rows of a table or of filled-in templates) become work items, lazily; each
is scored (:mod:`perfrubric.batch.scoring`), in this process or a pool of
workers, and turned into a :class:`~perfrubric.batch.BatchResult` whose
errors are located at their cells.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..data.model import Department
from ..engine.compiled import CompiledRubric, Totals
from ..errors import DataError, EvaluationError, PerfrubricError, Problem
from ..rubrics.model import Rubric
from .layout import Layout, load_layout, template_rows
from .long import LongForm, LongPlan
from .results import BatchResult, _Collector
from .rowscore import RowScorer
from .scoring import (
    Refused,
    Scored,
    _compiled,
    _Outcome,
    _score,
    _unpack,
    _worker_chunk,
    _worker_init,
)
from .shares import check_share_columns
from .tables import (
    EXCEL_SUFFIXES,
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

#: Rows a row scorer reads, then scores, at a time (memory stays bounded).
_CHUNK = 128
_TABLE_SUFFIXES = (".csv", ".parquet", ".pq", *EXCEL_SUFFIXES)
_DATA_SUFFIXES = (".toml", ".json")

# -- records ---------------------------------------------------------------------------------


@attrs.frozen
class _Item:
    index: int
    key: str
    payload: Any
    row: Row | None = None
    plan: Plan | LongPlan | None = None
    cells: Mapping[tuple[str | int, ...], Any] | None = None
    file: str | None = None
    refused: tuple[Problem, ...] = ()  # the row cannot be read as it stands: not scored


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


def _table_items(table: Table, plan: Plan, start: int = 0,
                 fast: RowScorer | None = None) -> Iterator[_Item | BatchResult]:
    """The rows of *table* as work items; with *fast*, a row it scores is its result already."""
    if fast is None:
        for i, row in enumerate(table.rows, start=start):
            yield _row_item(i, row, plan, table.file)
        return
    rows, i = iter(table.rows), start
    while chunk := list(itertools.islice(rows, _CHUNK)):
        for row, scored in zip(chunk, fast.score_many(chunk), strict=True):
            if scored is None:
                yield _row_item(i, row, plan, table.file)
            else:  # scored from its cells: its result, at once
                totals = scored.totals
                yield BatchResult(i, scored.key, totals.status, totals.total, totals.grade,
                                  totals.scores, totals.measured, None, row=row.number,
                                  file=row.file or table.file, code=scored.code,
                                  name=scored.name)
            i += 1


def _row_item(index: int, row: Row, plan: Plan, file: str | None) -> _Item:
    doc: RowDocument = plan.document(row)
    refused = plan.refused(row)
    if refused:
        return _Item(index, doc.key, None, row, plan, doc.cells, row.file or file,
                     tuple(refused))
    return _Item(index, doc.key, doc.document, row, plan, doc.cells, row.file or file)


def _long_items(source: Any, mapping: ColumnMap, rubric: Rubric | None = None
                ) -> Iterator[_Item]:
    """The forms of a long table (one row per indicator) as work items, read lazily.

    With *rubric* (totals only), each ordinary form is scored from its cells
    as it is read (:class:`~perfrubric.batch.formscore.FormScorer`); any
    other goes as a data document to be scored the general way.
    """
    yield from _long_source(source, mapping, rubric)[0]


def _long_source(source: Any, mapping: ColumnMap, rubric: Rubric | None = None
                 ) -> tuple[Iterator[_Item], bool]:
    """:func:`_long_items`, the table opened now; and whether forms are scored as read.

    When they are, a pool of workers has nothing left to do but send each
    result back: the caller scores in this process.
    """
    if not _is_table(source):
        raise PerfrubricError("layout = \"long\" reads one table (a .xlsx, .csv or .parquet "
                              "file, or a DataFrame) with one row per indicator, not "
                              f"{type(source).__name__}")
    table = open_table(source, sheet=mapping.sheet, header_row=mapping.header_row)
    funds = None
    if mapping.funds is not None:
        if not isinstance(source, (str, os.PathLike)) or \
                Path(source).suffix.lower() not in EXCEL_SUFFIXES:
            raise DataError(Problem("funds = { sheet = ... } joins a second sheet of a workbook; "
                                    "this source is not a workbook", path="funds",
                                    file=mapping.file))
        funds = open_table(source, sheet=mapping.funds.sheet,
                           header_row=mapping.funds.header_row)
    plan = LongPlan(table, mapping, funds)
    scorer = None
    if rubric is not None:
        from .formscore import FormScorer

        scorer = FormScorer(plan, _compiled(rubric))
        if not scorer.supported:
            scorer = None
    return _long_forms(plan, scorer), scorer is not None


def _long_forms(plan: LongPlan, scorer: Any) -> Iterator[_Item]:
    table = plan.table
    for i, group in enumerate(plan.groups()):
        if isinstance(group, LongForm):
            form = group
        else:
            scored = scorer.score(*group) if scorer is not None else None
            if scored is not None:
                yield _Item(i, group[0], scored, group[1][0], plan, {}, table.file)
                continue
            form = plan.form(*group)
        payload: Any = form.document if form.document is not None else Refused(form.problems)
        yield _Item(i, form.key, payload, form.rows[0], plan, form.cells, form.file)


def _fast(rubric: Rubric, plan: Plan, wanted: bool, measured: bool = True) -> RowScorer | None:
    """The row scorer of *plan*, when totals are wanted in this process and it compiles."""
    return RowScorer.build(plan, _compiled(rubric), measured=measured) if wanted else None


def _items(records: Any, mapping: ColumnMap, rubric: Rubric,
           layout: Layout | None = None, fast: bool = False) -> Iterator[_Item | BatchResult]:
    """The records of a batch as work items, read lazily."""
    if mapping.layout == "long" and layout is None:
        yield from _long_items(records, mapping)
        return
    if layout is not None:
        if not isinstance(records, (str, os.PathLike)):
            raise PerfrubricError("a layout reads filled-in templates: give a folder of "
                                  "workbooks (or one workbook), not "
                                  f"{type(records).__name__}")
        plan = Plan(layout.table(), layout.mapping())
        check_share_columns(rubric, plan, attrs.evolve(layout.mapping(), file=layout.file))
        for i, row in enumerate(template_rows(records, layout)):
            yield _row_item(i, row, plan, row.file)
        return
    if _is_table(records):
        table = open_table(records, sheet=mapping.sheet, header_row=mapping.header_row)
        plan = Plan(table, mapping)
        _check_required(rubric, plan, mapping)
        check_share_columns(rubric, plan, mapping)
        yield from _table_items(table, plan, fast=_fast(rubric, plan, fast))
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
                check_share_columns(rubric, plans[headers], mapping)
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


def _names(payload: Any) -> tuple[str | None, str | None]:
    """The department's code and name as a record gives them (else ``None``)."""
    if isinstance(payload, Department):
        return payload.code, payload.name
    if type(payload) is Scored:
        return payload.code, payload.name
    head = payload.get("department") if isinstance(payload, Mapping) else None
    if not isinstance(head, Mapping):
        return None, None
    code, name = head.get("code"), head.get("name")
    return (str(code) if isinstance(code, (str, int)) and str(code) else None,
            name if isinstance(name, str) and name else None)


def _result(item: _Item, outcome: _Outcome, rubric: Rubric) -> BatchResult:
    number = item.row.number if item.row is not None and item.row.places is None else None
    code, name = _names(item.payload)
    if item.refused:
        refused = DataError(item.refused)
        return BatchResult(item.index, item.key, "failed", error=refused,
                           problems=refused.problems, row=number, file=item.file,
                           code=code, name=name)
    if outcome[0] == "ok":
        totals: Totals = outcome[1]
        if totals.evaluation is not None and name is None:
            name = totals.evaluation.department   # a data file: its department's name
        review = outcome[2]
        if review is not None and isinstance(item.plan, LongPlan) and item.cells:
            lines = {}
            for path, source in item.cells.items():
                if len(path) == 2 and path[0] == "target" and isinstance(path[1], int):
                    lines[path[1]] = source[1].number
            review = review.on_lines(lines)
        return BatchResult(item.index, item.key, totals.status, totals.total, totals.grade,
                           totals.scores, totals.measured, totals.evaluation, row=number,
                           file=item.file, code=code or None, name=name or None, form=review)
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
                       row=number, file=item.file, code=code, name=name)


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

    With a long *mapping* (``layout = "long"`` and ``key``; see
    ``docs/batch.md``), *records* is a table with one row per indicator of
    a project form and each form (the rows sharing the key) is one record;
    with ``trace=False`` its ordinary forms are scored from their cells as
    they are read, in this process (*workers* then take only the others).

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
    items: Iterator[_Item | BatchResult]
    if column_map.layout == "long" and template is None and not trace:
        items, read_scored = _long_source(records, column_map, rubric)
        workers = 1 if read_scored else workers
    else:
        items = _items(records, column_map, rubric, template,
                       fast=workers == 1 and not trace)
    return _run(rubric, items, workers=workers, trace=trace, chunk_size=chunk_size,
                measured=measured)


def _run(rubric: Rubric, items: Iterator[_Item | BatchResult], *, workers: int, trace: bool,
         chunk_size: int, measured: bool = True) -> Iterator[BatchResult]:
    compiled = _compiled(rubric)
    if workers == 1:
        for item in items:
            if type(item) is _Item:
                yield _result(item, _score(compiled, item.payload, trace), rubric)
            else:  # a row scored from its cells (rowscore.py): its result already
                assert isinstance(item, BatchResult)
                yield item
        return
    from concurrent.futures import ProcessPoolExecutor

    leaves = [ind.path for ind in rubric.leaves()]
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                             initargs=(rubric, trace, measured)) as pool:
        pending: deque[tuple[list[_Item], Future[list[_Outcome]]]] = deque()
        chunk: list[_Item] = []

        def submit() -> None:
            payloads = [item.payload for item in chunk]
            try:
                future = pool.submit(_worker_chunk, payloads)
            except RuntimeError:  # the pool broke (a worker died): score here from now on
                from concurrent.futures import Future

                future = Future()
                future.set_result([_alone(compiled, item, trace) for item in chunk])
            pending.append((list(chunk), future))
            chunk.clear()

        def drain(limit: int) -> Iterator[BatchResult]:
            while len(pending) > limit:
                done_items, future = pending.popleft()
                try:
                    outcomes = [_unpack(o, leaves, rubric) for o in future.result()]
                except Exception:  # a chunk the pool could not score (pickling, a worker lost)
                    outcomes = [_alone(compiled, item, trace) for item in done_items]
                for item, outcome in zip(done_items, outcomes, strict=True):
                    yield _result(item, outcome, rubric)

        for item in items:
            assert type(item) is _Item  # rows are scored from their cells in one process only
            chunk.append(item)
            if len(chunk) >= chunk_size:
                submit()
                yield from drain(workers * 3)
        if chunk:
            submit()
        yield from drain(0)


def _alone(compiled: CompiledRubric, item: _Item, trace: bool) -> _Outcome:
    """The outcome of *item* when its chunk failed in the pool: a worker never raises past us.

    A record that cannot be sent to a worker (an object pickle refuses) is
    that record's failure; the others of the chunk are scored here.
    """
    import pickle

    try:
        pickle.dumps(item.payload)
    except Exception as exc:  # pickle raises many kinds
        return ("error", f"this record cannot be sent to a worker process "
                         f"({type(exc).__name__}: {exc}); score it with workers=1")
    return _score(compiled, item.payload, trace)


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
    by its path; with *measured*, the measured values as text too.  With a
    long mapping (``layout = "long"``, one row per indicator of a project
    form) there is one result row per form instead, with the form's columns
    (``name``, ``department``, ``printed_total``, ``deviations``,
    ``excluded``) and a default index.

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
    items: Iterator[_Item | BatchResult]
    if column_map.layout == "long":
        items, read_scored = _long_source(table, column_map, None if trace else rubric)
        workers = 1 if read_scored else workers
    else:
        opened = open_table(table, sheet=column_map.sheet, header_row=column_map.header_row)
        plan = Plan(opened, column_map)
        _check_required(rubric, plan, column_map)
        check_share_columns(rubric, plan, column_map)
        items = _table_items(opened, plan, fast=_fast(rubric, plan, workers == 1 and not trace,
                                                      measured))
    collector = _Collector(rubric, measured)
    for result in _run(rubric, items, workers=workers, trace=trace, chunk_size=64,
                       measured=measured):
        collector.add(result)
    if library == "pandas":
        index = list(table.index) if not isinstance(table, (str, os.PathLike)) \
            and column_map.layout != "long" else None
        return collector.pandas(index)
    if library == "polars":
        return collector.polars()
    return collector.arrow()


def _check_required(rubric: Rubric, plan: Plan, mapping: ColumnMap | None = None) -> None:
    """Refuse a table that lacks a column every row would need, once, before any unit.

    A name counts as needed when an indicator scores it under the ``error``
    policy, outside any either-or group and without an ``applicable``
    condition; a name is given when a column holds it or it is derived from
    columns (target aggregates from target columns, totals from parts).
    Each missing name is one problem naming the indicators that read it
    and, when the mapping maps a header to it, the header the sheet lacks.
    """
    if not any(plan.table.headers):
        raise DataError([Problem(
            "the table is empty: expected a header row (the column names) and then one row "
            "per unit", path="", file=plan.table.file)])
    given = set(plan.names)
    in_groups = {a.path for g in rubric.either_or for a in g.alternatives}
    needed: dict[str, list[str]] = {}
    for ind in rubric.leaves():
        if ind.measure is None or ind.missing != "error" or ind.applicable is not None:
            continue
        if any(ind.path == p or ind.path.startswith(p + "/") for p in in_groups):
            continue
        for name in sorted(ind.measure.names):
            if name not in given and _plain_name(name):
                needed.setdefault(name, []).append(ind.path)
    problems = []
    headers = set(plan.table.headers)
    for name, paths in sorted(needed.items()):
        mapped = sorted(h for h, c in (mapping.columns.items() if mapping else ())
                        if c.name == name and h not in headers)
        if mapped:
            what = (f"the mapping maps the column '{mapped[0]}' to '{name}', but the table has "
                    f"no column '{mapped[0]}'")
        else:
            what = f"no column gives '{name}'"
        which = ", ".join(f"'{p}'" for p in paths)
        problems.append(Problem(
            f"{what}; {'indicators' if len(paths) > 1 else 'indicator'} {which} "
            f"{'read' if len(paths) > 1 else 'reads'} it: add or map the column, or declare "
            "missing = \"zero\" | \"cannot_rate\" on the indicator",
            path=mapped[0] if mapped else name, file=plan.table.file))
    if problems:
        raise DataError(problems)


def _plain_name(name: str) -> bool:
    """Whether *name* is read from one column only (not derived from others)."""
    from ..data.facts import _DERIVED

    if name in _DERIVED or name.startswith(("targets.", "budget.sangong.")):
        return False
    return not name.startswith(("department.", "facts."))
