"""Scoring Dask and Spark DataFrames: :func:`score_dask`, :func:`score_spark`.

Each partition (or Arrow batch) is scored by
:func:`~perfrubric.batch.score_table` on the worker that holds it; a rubric
given by path or built-in id is loaded once per worker process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..rubrics.model import Rubric
from .records import score_table
from .results import _Collector
from .tables import ColumnMap, load_mapping, require


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
