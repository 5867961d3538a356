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
``.xlsx`` (a results sheet and an errors sheet), ``.csv`` or ``.parquet``;
:func:`write_reports` writes each scored unit's report into its own file.

>>> import perfrubric as pr
>>> from perfrubric.batch import evaluate_many
>>> rubric = pr.load_rubric("examples/kaifu-commerce-2021/rubric.toml")
>>> [(r.key, r.total, r.grade) for r in evaluate_many(
...     rubric, ["examples/kaifu-commerce-2021/data.toml"])]
[('data', Decimal('100.00'), '优')]

Columns name data (``docs/data.md``) by their dotted header or through a
mapping file (see :func:`perfrubric.batch.load_mapping` and ``docs/batch.md``).
A mapping with ``layout = "long"`` reads a table of project forms with one
row per indicator (the system's export): each form is one record, and its
result carries a :class:`FormReview` (tier scores, each row's rule score
beside its printed score).
"""

from __future__ import annotations

from .distributed import score_dask, score_spark
from .distributed import spark_schema as spark_schema
from .forms import FormReview, ReviewRow
from .layout import Layout, load_layout
from .records import evaluate_many, score_table
from .reports import write_reports
from .results import BatchResult, result_columns
from .review_table import review_table
from .summary import (
    BatchSummary,
    DeviatingRow,
    FormTotals,
    IndicatorLoss,
    PrintedReview,
    summarize,
)
from .summary_page import summary_html
from .tables import Column, ColumnMap, load_mapping
from .writers import write_results
from .yearly import TableComparison, UnitChange, compare_tables

__all__ = [
    "BatchResult",
    "BatchSummary",
    "Column",
    "ColumnMap",
    "DeviatingRow",
    "FormReview",
    "FormTotals",
    "IndicatorLoss",
    "Layout",
    "PrintedReview",
    "ReviewRow",
    "TableComparison",
    "UnitChange",
    "compare_tables",
    "evaluate_many",
    "load_layout",
    "load_mapping",
    "result_columns",
    "review_table",
    "score_dask",
    "score_spark",
    "score_table",
    "summarize",
    "summary_html",
    "write_reports",
    "write_results",
]
