"""Benchmark: evaluate_many streams in constant memory.

Scores N generated units (default 1,000,000) against the 30-indicator
rubric of ``bench_evaluate.py``, reading them lazily from a generator of flat
rows (dotted column names, as a spreadsheet row gives them) and keeping
nothing. Prints the peak resident set size (RSS) after 10,000, 100,000 and
every further 10x units: constant memory means the figures stop growing.

    python benchmarks/bench_stream.py [N]
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator

from bench_evaluate import LEAVES, rubric_text

import perfrubric as pr
from perfrubric.batch import evaluate_many


def rows(n: int) -> Iterator[dict[str, object]]:
    rng = random.Random(2021)
    for k in range(n):
        row: dict[str, object] = {"department.code": f"U{k:07d}"}
        for i in range(LEAVES):
            row[f"facts.a{i}"] = rng.randint(50, 150)
            row[f"facts.b{i}"] = 100
        yield row


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rubric = pr.loads_rubric(rubric_text()[0])
    print(f"units: {n}; peak RSS before scoring: {peak_rss_mb():.1f} MB")
    grades: Counter[str | None] = Counter()
    checkpoint = 10_000
    t0 = time.perf_counter()
    for done, result in enumerate(evaluate_many(rubric, rows(n), trace=False, measured=False),
                                  start=1):
        grades[result.grade] += 1
        if done in (checkpoint, n):
            elapsed = time.perf_counter() - t0
            print(f"{done:>9} units  {elapsed:8.1f} s  {elapsed / done * 1e6:6.1f} us/unit  "
                  f"peak RSS {peak_rss_mb():.1f} MB", flush=True)
            checkpoint *= 10
    print(f"grades: {dict(grades)}")


if __name__ == "__main__":
    main()
