"""Scoring Dask and Spark DataFrames: :func:`score_dask`, :func:`score_spark`.

Each partition (or Arrow batch) is scored by
:func:`~perfrubric.batch.score_table` on the worker that holds it; a rubric
given by path or built-in id is loaded once per worker process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import DataError, Problem
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


# The order of a long table's rows, kept through a shuffle: (partition, position).
_PART, _POS = "__perfrubric_partition__", "__perfrubric_position__"


def _numbered(frame: Any, partition_info: Any = None) -> Any:
    number = partition_info["number"] if partition_info else 0
    return frame.assign(**{_PART: number, _POS: range(len(frame))})


def _score_forms(frame: Any, rubric: Rubric | str, mapping: ColumnMap, measured: bool) -> Any:
    """Score the forms of one partition of a long table (its rows put back in order)."""
    if frame[mapping.key].isna().any():
        raise DataError(Problem(f"a row has no '{mapping.key}': scored in parts, every row of a "
                                "long table needs its form's key (fill merged key cells down)",
                                path="key", file=mapping.file))
    ordered = frame.sort_values([mapping.key, _PART, _POS], kind="stable")
    plain = ordered.drop(columns=[_PART, _POS]).reset_index(drop=True)
    return score_table(_rubric_of(rubric), plain, mapping=mapping, measured=measured)


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

    With a long mapping (``layout = "long"``: one row per indicator) the
    rows are first shuffled on the ``key`` column so that every form lies
    in one partition, in its original row order; the result has one row per
    form, in no particular order across partitions (join or sort on
    ``key``).  Every row must carry its key (a blank key continuing the
    form above needs the rows' order, which a shuffle does not keep).
    """
    require("dask.dataframe", "scoring dask DataFrames")
    column_map = load_mapping(mapping)
    if column_map.layout == "long":
        _check_key(column_map, list(frame.columns))
        meta = _score_partition(frame._meta, rubric, column_map, measured)
        numbered = frame.map_partitions(_numbered, meta=_numbered(frame._meta))
        aligned = numbered.shuffle(on=column_map.key)
        return aligned.map_partitions(_score_forms, rubric, column_map, measured, meta=meta)
    meta = _score_partition(frame._meta, rubric, column_map, measured)
    return frame.map_partitions(_score_partition, rubric, column_map, measured, meta=meta)


def _check_key(mapping: ColumnMap, columns: list[Any]) -> None:
    if mapping.key not in columns:
        raise DataError(Problem(f"the key column '{mapping.key}' is not in the frame; its "
                                f"columns are {', '.join(repr(str(c)) for c in columns)}",
                                path="key", file=mapping.file))


def spark_schema(rubric: Rubric, *, measured: bool = False) -> Any:
    """The Spark schema of a result table (``row`` long, Decimals as ``decimal(38, places)``)."""
    types = require("pyspark.sql.types", "scoring Spark DataFrames")
    collector = _Collector(rubric, measured)
    scales = collector.scales()
    fields = []
    for name in collector.columns:
        if name in ("row", "deviations"):
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
    (``row`` counts within each batch, so use ``key`` to join back).  With a
    long mapping (``layout = "long"``) the rows are grouped by the ``key``
    column instead (``groupBy(key).applyInPandas``), each form scored in
    its rows' original order, one result row per form.  Give
    *rubric* as a path or built-in id that the executors can read to load it
    once per executor process.  Needs ``pip install 'perfrubric[spark]'``.
    """
    require("pyspark.sql", "scoring Spark DataFrames")
    column_map = load_mapping(mapping)
    schema = spark_schema(_rubric_of(rubric), measured=measured)
    if column_map.layout == "long":
        _check_key(column_map, list(frame.columns))
        functions = require("pyspark.sql.functions", "scoring Spark DataFrames")
        numbered = frame.withColumn(_PART, functions.lit(0)).withColumn(
            _POS, functions.monotonically_increasing_id())

        def score_group(group: Any) -> Any:
            return _score_forms(group, rubric, column_map, measured).reset_index(drop=True)

        return numbered.groupBy(column_map.key).applyInPandas(score_group, schema=schema)

    def score_batches(batches: Iterable[Any]) -> Iterator[Any]:
        for batch in batches:
            yield _score_partition(batch, rubric, column_map, measured).reset_index(drop=True)

    return frame.mapInPandas(score_batches, schema=schema)
