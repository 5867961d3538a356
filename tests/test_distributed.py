"""Dask and Spark give the same result table as the single-process path."""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfrubric.batch import distributed as batch_distributed
from perfrubric.batch import result_columns, score_dask, score_spark, score_table
from test_batch import BAD_ON_POST, HEADERS, MAPPING, RUBRIC, county_rows

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def frame() -> Any:
    rows = county_rows(40)
    assert rows[BAD_ON_POST][HEADERS.index("在职人数")] == 21.5  # one bad unit
    return pd.DataFrame(rows, columns=HEADERS).astype({"序号": str, "备注": str})


def _comparable(result: Any) -> Any:
    # ``row`` is the position within each partition or batch; everything else must agree.
    return result.drop(columns=["row"]).reset_index(drop=True)


def test_dask_map_partitions_gives_the_single_process_table(frame: Any) -> None:
    dd = pytest.importorskip("dask.dataframe")
    expected = score_table(RUBRIC, frame, mapping=MAPPING)
    ddf = dd.from_pandas(frame, npartitions=3)
    lazy = score_dask("mof-2013-department", ddf, mapping=MAPPING)
    assert list(lazy.columns) == result_columns(RUBRIC)
    got = lazy.compute(scheduler="processes", num_workers=2)
    pd.testing.assert_frame_equal(_comparable(got), _comparable(expected))
    assert got["total"].iloc[0] == Decimal("75.25")
    assert list(got["status"]).count("failed") == 1
    assert list(got.index) == list(frame.index)  # each partition keeps its index


def test_dask_on_a_local_distributed_cluster(frame: Any) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    expected = score_table(RUBRIC, frame, mapping=MAPPING)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        ddf = dd.from_pandas(frame, npartitions=4)
        got = client.compute(score_dask("mof-2013-department", ddf, mapping=MAPPING)).result()
    pd.testing.assert_frame_equal(_comparable(got), _comparable(expected))


def test_dask_loads_a_rubric_given_by_name_once_per_process(frame: Any) -> None:
    dd = pytest.importorskip("dask.dataframe")
    batch_distributed._LOADED.clear()
    ddf = dd.from_pandas(frame, npartitions=4)
    score_dask("mof-2013-department", ddf, mapping=MAPPING).compute(scheduler="synchronous")
    assert list(batch_distributed._LOADED) == ["mof-2013-department"]


def test_spark_map_in_pandas_gives_the_single_process_table(
        frame: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    import perfrubric

    # Spark's Python workers must run this interpreter and import this perfrubric.
    source = str(Path(perfrubric.__file__).parent.parent)
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]))

    spark = (SparkSession.builder.master("local[2]").appName("perfrubric-test")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.ui.enabled", "false").getOrCreate())
    try:
        sdf = spark.createDataFrame(frame)
        got = score_spark("mof-2013-department", sdf, mapping=MAPPING).toPandas()
    finally:
        spark.stop()
    expected = score_table(RUBRIC, frame, mapping=MAPPING)
    got = got.sort_values("key", kind="stable").reset_index(drop=True)
    want = expected.sort_values("key", kind="stable").reset_index(drop=True)
    assert list(got.columns) == result_columns(RUBRIC)
    assert list(got["key"]) == list(want["key"])
    assert list(got["total"]) == list(want["total"])
    # Spark gives a missing text back as NaN, pandas as None: both are "no grade".
    assert [None if pd.isna(g) else g for g in got["grade"]] == list(want["grade"])
    assert list(got["status"]) == list(want["status"])
