"""Benchmark: reading a county workbook with python-calamine and with openpyxl.

openpyxl here is the library's default for ``.xlsx``: its streaming parser,
cell by cell (only the cells that exist; error cells kept as errors).

Writes a generated workbook of N units (default 10,000) with the 30 Chinese
headers of the test suite's county table, then reads every row through
``perfrubric.batch.tables.open_table`` with each reader (the same rows come out)
and times it against a plain ``csv`` read of the same table as baseline.

    python benchmarks/bench_tables.py [N]
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from perfrubric.batch.tables import open_table

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from test_batch import HEADERS, county_rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    from openpyxl import Workbook

    rows = county_rows(n)
    folder = Path(tempfile.mkdtemp())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    xlsx = folder / "county.xlsx"
    book.save(xlsx)
    path_csv = folder / "county.csv"
    with open(path_csv, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)

    timings = {}
    seen = {}
    for name, source, reader in (("csv", path_csv, None), ("calamine", xlsx, "calamine"),
                                 ("openpyxl", xlsx, "openpyxl")):
        t0 = time.perf_counter()
        table = open_table(source, excel_reader=reader)
        seen[name] = [r.values for r in table.rows]
        timings[name] = time.perf_counter() - t0
    assert seen["calamine"] == seen["openpyxl"], "the two readers disagree"
    print(f"units: {n}, columns: {len(HEADERS)}, workbook {xlsx.stat().st_size / 1e6:.1f} MB")
    for name, seconds in timings.items():
        print(f"{name:9} {seconds:7.2f} s  {seconds / n * 1e6:7.1f} us/row")
    print(f"ratio calamine / csv: {timings['calamine'] / timings['csv']:.2f}")
    print(f"ratio openpyxl / csv: {timings['openpyxl'] / timings['csv']:.2f}")
    print(f"openpyxl / calamine: {timings['openpyxl'] / timings['calamine']:.1f}x")


if __name__ == "__main__":
    main()
