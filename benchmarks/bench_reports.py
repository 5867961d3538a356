"""Benchmark: one report per unit, each format against Markdown in the same run.

Scores the county example (examples/county-2023, 5 scored units) with
traces, then writes every unit's report N times (default 20) in each format
of ``perfrubric.batch.reports.REPORT_FORMATS`` and reports the time per
report and its ratio to the Markdown report of the same run (the baseline:
the same table and sentences as text).

    python benchmarks/bench_reports.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import perfrubric as pr
from perfrubric.batch import evaluate_many
from perfrubric.batch.reports import REPORT_FORMATS, report_bytes

COUNTY = Path(__file__).resolve().parent.parent / "examples" / "county-2023"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    evaluations = [r.evaluation for r in evaluate_many(
        pr.builtin("mof-2013-department"), COUNTY / "units.csv",
        mapping=COUNTY / "mapping.toml", trace=True) if r.evaluation is not None]
    timings: dict[str, float] = {}
    for fmt in ("md", *[f for f in REPORT_FORMATS if f != "md"]):
        report_bytes(evaluations[0], fmt)  # warm: catalogs, templates, imports
        start = time.perf_counter()
        for _ in range(n):
            for ev in evaluations:
                report_bytes(ev, fmt)
        timings[fmt] = (time.perf_counter() - start) / (n * len(evaluations))
    for fmt, seconds in timings.items():
        print(f"{fmt:5} {seconds * 1000:8.1f} ms per report   ratio {seconds / timings['md']:5.1f}")


if __name__ == "__main__":
    main()
