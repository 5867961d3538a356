"""Results of a batch: :class:`BatchResult` per record, and result tables.

:func:`result_columns` names the columns of a result table; :class:`_Collector`
gathers results column by column and gives them as a pandas, polars or
pyarrow table (used by :func:`~perfrubric.batch.score_table` and the writers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..engine.evaluation import Evaluation
from ..errors import PerfrubricError, Problem
from ..expr import Value
from ..rubrics.model import Rubric
from .forms import FormReview, form_tiers
from .tables import require


@attrs.frozen
class BatchResult:
    """The result of one record of a batch.

    ``index`` is the record's 0-based position in the batch and ``key``
    names it: the department's code, else its name, else ``row 17`` (or
    the file name for data files); ``code`` and ``name`` are the
    department's own code and name when the record gives them (a result
    table shows them beside ``key``).  ``row`` is the spreadsheet row
    (1-based, as Excel shows it) or the DataFrame position, when the record
    is a row.

    On success ``status`` is ``"scored"`` (or ``"cannot_rate"`` when the
    evaluation has no grade), with ``total``, ``grade``, the leaf
    ``scores`` and ``measured`` values by indicator path, and the full
    ``evaluation`` when the batch ran with ``trace=True``.  On failure
    ``status`` is ``"failed"`` and ``error`` is the located
    :class:`~perfrubric.PerfrubricError`; ``problems`` lists every problem of
    the record, each at its cell.  A project form scored by a rubric of
    generated rows (``mof-2020-project-self``) has its ``form``: each tier's
    score, each indicator row beside its printed score, the printed total
    and the count of deviations (a ``perfrubric.batch.FormReview``).
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
    code: str | None = None
    name: str | None = None
    form: FormReview | None = None

    @property
    def ok(self) -> bool:
        """Whether the record was scored (with or without a grade)."""
        return self.error is None


_KEY_COLUMNS = ("row", "key", "code", "name", "total", "grade", "status", "error")
_FORM_COLUMNS = ("department", "printed_total", "deviations", "excluded")
_MEASURED = " [measured]"
_INT_COLUMNS = ("row", "deviations")
#: The columns of a result table's rows sheet (one line per indicator row of a form).
ROW_COLUMNS = ("key", "row", "indicator", "points", "target", "actual", "score", "printed",
               "deviation")


def result_columns(rubric: Rubric, *, measured: bool = False) -> list[str]:
    """The column names of a result table.

    ``row``, ``key``, ``code``, ``name`` (the department's or project's,
    when the record gives them), ``total``, ``grade``, ``status``,
    ``error``; for a rubric of project forms (tiers of rows generated from
    targets) then ``department`` (主管部门), ``printed_total`` (the sum of
    the form's printed scores), ``deviations`` (rows whose printed score
    differs from the rule's) and ``excluded`` (tiers left out, 不适用); one
    per leaf indicator (its path; a form's tiers carry their score, blank
    when excluded), then, with *measured*, one ``<path> [measured]`` per
    leaf.
    """
    leaves = [ind.path for ind in rubric.leaves()]
    form = _FORM_COLUMNS if form_tiers(rubric) else ()
    return [*_KEY_COLUMNS, *form, *leaves,
            *([p + _MEASURED for p in leaves] if measured else [])]


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
        self.tiers = frozenset(form_tiers(rubric))
        self._heads = [self.columns[name] for name in _KEY_COLUMNS]
        self._leaf_columns = [(path, self.columns[path]) for path in self.leaves]
        # the indicator rows of the forms, column by column (ROW_COLUMNS): appending a value
        # to a list makes no new object for the garbage collector to follow
        self._form_columns: tuple[list[Any], ...] = tuple([] for _ in ROW_COLUMNS)

    def add(self, result: BatchResult) -> None:
        c = self.columns
        form = result.form
        for column, value in zip(self._heads, (
                result.row if result.row is not None else result.index, result.key, result.code,
                # a project form is named by its 项目名称 (the form's header) before the data's
                form.name if form is not None and form.name else result.name,
                result.total, result.grade, result.status,
                _error_text(result) if result.error is not None else None), strict=True):
            column.append(value)
        if self.tiers:
            c["department"].append(form.department if form is not None else None)
            c["printed_total"].append(form.printed_total if form is not None else None)
            c["deviations"].append(form.deviations if form is not None else None)
            c["excluded"].append("、".join(form.excluded) or None if form is not None else None)
        if form is None:
            leaf_scores = result.scores
            for path, column in self._leaf_columns:
                column.append(leaf_scores.get(path))
        else:
            for path, column in self._leaf_columns:
                column.append(form.tiers.get(path) if path in self.tiers
                              else result.scores.get(path))
        if form is not None and form.rows:
            (keys, lines, paths, points, targets, actuals, scores, printed,
             deviations) = self._form_columns
            for r in form.rows:
                keys.append(result.key)
                lines.append(r.line)
                paths.append(r.path)
                points.append(r.points)
                targets.append(r.target)
                actuals.append(r.actual)
                scores.append(r.score)
                printed.append(r.printed)
                deviations.append(r.deviation)
        if self.measured:
            for path in self.leaves:
                c[path + _MEASURED].append(_measured_text(result.measured.get(path)))
        if result.error is not None:
            self.results.append(result)

    @property
    def form_rows(self) -> list[tuple[Any, ...]]:
        """One tuple per indicator row of the forms (:data:`ROW_COLUMNS`), for the rows sheet."""
        return list(zip(*self._form_columns, strict=True))

    def scales(self) -> dict[str, int]:
        """Decimal places of each numeric column, as the rubric declares them."""
        out = {"total": self.rubric.total_rounding.places}
        if self.tiers:
            out["printed_total"] = self.rubric.rounding.places
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
            if name in _INT_COLUMNS:
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
            if name in _INT_COLUMNS:
                schema[name] = pl.Int64
            elif name in scales:
                schema[name] = pl.Decimal(38, scales[name])
            else:
                schema[name] = pl.String
        return pl.DataFrame(self.columns, schema=schema)
