"""Score a county table on Spark in local mode and check it against score_table.

Generates N units (default 10,000) of the test suite's county table (Chinese
headers, money in 万元), scores them with ``score_spark`` (``mapInPandas`` on
a local Spark with two cores) and with ``score_table`` in this process, and
checks that keys, totals, grades and statuses agree. Needs
``pip install 'perfrubric[spark]'`` and Java 17.  Without pyspark it says
so and exits 0 (it is not part of CI).

    python benchmarks/spark_local.py [N]
    python benchmarks/spark_local.py --forms [N]   # N project forms of a long table

With ``--forms`` it generates N project forms as one long table (one row
per indicator, tests/longforms.py), scores them with ``score_spark``
(``groupBy(项目编码).applyInPandas``) and with ``score_table``, and checks
the same.

On a real cluster, replace ``master("local[2]")`` by your cluster's master
(or submit with ``spark-submit``), read the units with ``spark.read.parquet``
from shared storage, and install perfrubric on the executors.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pandas as pd  # noqa: E402

try:
    from pyspark.sql import SparkSession
except ImportError:
    print("pyspark is not installed (pip install 'perfrubric[spark]'); nothing to run")
    raise SystemExit(0) from None

import perfrubric as pr  # noqa: E402
from perfrubric.batch import score_spark, score_table  # noqa: E402
from test_batch import HEADERS, MAPPING, county_rows  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    long = "--forms" in args
    args = [a for a in args if a != "--forms"]
    n = int(args[0]) if args else (2_000 if long else 10_000)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    source = str(Path(pr.__file__).parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])
    if long:
        import tomllib

        import longforms

        frame = pd.DataFrame(longforms.long_rows(longforms.forms(n)),
                             columns=longforms.HEADERS)
        rubric_id = "mof-2020-project-self"
        mapping: Any = tomllib.loads(longforms.MAPPING)
    else:
        frame = pd.DataFrame(county_rows(n), columns=HEADERS)
        rubric_id, mapping = "mof-2013-department", str(MAPPING)
    for column in frame.columns:  # Spark needs one type per column: mixed ones as text
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    rubric = pr.builtin(rubric_id)

    t0 = time.perf_counter()
    expected = score_table(rubric, frame, mapping=mapping)
    local_s = time.perf_counter() - t0

    spark = (SparkSession.builder.master("local[2]").appName("perfrubric-local")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        sdf = spark.createDataFrame(frame).repartition(2)
        t0 = time.perf_counter()
        got = score_spark(rubric_id, sdf, mapping=mapping).toPandas()
        spark_s = time.perf_counter() - t0
    finally:
        spark.stop()

    got = got.sort_values("key", kind="stable").reset_index(drop=True)
    want = expected.sort_values("key", kind="stable").reset_index(drop=True)
    same = (list(got["key"]) == list(want["key"])
            and list(got["total"]) == list(want["total"])
            and [None if pd.isna(g) else g for g in got["grade"]] == list(want["grade"])
            and list(got["status"]) == list(want["status"]))
    print(f"{'forms' if long else 'units'}: {n}, failed: {(want['status'] == 'failed').sum()}")
    print(f"score_table, one process    {local_s:7.2f} s")
    print(f"score_spark, local[2]       {spark_s:7.2f} s (JVM and worker start-up included)")
    print(f"same keys, totals, grades and statuses: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
