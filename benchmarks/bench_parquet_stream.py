"""Benchmark: a million county units streamed from Parquet in constant memory.

Writes N units (default 1,000,000) of the test suite's county table
(tests/test_batch.py: 30 Chinese headers, money in 万元) to a Parquet file, in
a child process and in chunks, then scores the file with ``evaluate_many``
against ``mof-2013-department`` (``trace=False``: the compiled totals path,
rows read batch by batch with pyarrow's ``iter_batches``), keeping only a
count of grades. Prints units per second (wall clock, and per second of
this process's CPU time, steadier on a shared machine) and the peak resident set size
(RSS) after 10,000, 100,000 and every further 10x units: constant memory
means the figures stop growing.

    python benchmarks/bench_parquet_stream.py [N] [file.parquet]
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

CHUNK = 20_000


def write(n: int, path: str) -> None:
    """Write *n* units to *path*, CHUNK rows at a time (every cell as text, as a CSV gives)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from test_batch import FIRST, HEADERS, _row

    rng = random.Random(2023)
    schema = pa.schema([(h, pa.string()) for h in HEADERS])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, n, CHUNK):
            rows = [FIRST if i == 0 else _row(rng, i) for i in range(start, min(n, start + CHUNK))]
            columns = [[None if r[c] is None else str(r[c]) for r in rows]
                       for c in range(len(HEADERS))]
            writer.write_table(pa.table(columns, schema=schema))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = sys.argv[2] if len(sys.argv) > 2 else f"/tmp/county-{n}.parquet"
    if n < 0:  # the child: write the file
        write(-n, path)
        return
    if not Path(path).exists():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, str(-n), path], check=True)
        print(f"wrote {n} units to {path} ({Path(path).stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - t0:.0f} s")

    import perfrubric as pr
    from perfrubric.batch import evaluate_many
    from test_batch import MAPPING

    rubric = pr.builtin("mof-2013-department")
    print(f"units: {n}; peak RSS before scoring: {peak_rss_mb():.1f} MB", flush=True)
    statuses: Counter[str] = Counter()
    grades: Counter[str | None] = Counter()
    checkpoint = 10_000
    t0, c0 = time.perf_counter(), time.process_time()
    for done, result in enumerate(evaluate_many(rubric, path, mapping=MAPPING, trace=False,
                                                measured=False), start=1):
        statuses[result.status] += 1
        grades[result.grade] += 1
        if done in (checkpoint, n):
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"{done:>9} units  {elapsed:8.1f} s  {done / elapsed:7.0f} units/s  "
                  f"(CPU {cpu:7.1f} s, {done / cpu:5.0f} units per CPU second)  "
                  f"peak RSS {peak_rss_mb():.1f} MB", flush=True)
            checkpoint *= 10
    print(f"statuses: {dict(statuses)}")
    print(f"grades: {dict(grades)}")


if __name__ == "__main__":
    main()
