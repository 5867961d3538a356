"""Benchmark: project forms from a long table, against a hand-written loop of the same rule.

Builds N project forms of 12 indicator rows each as the budget management
system exports them (one row per indicator, the target printed in one cell:
``≥123个``, ``=100%``, ``明显改善``), scores them with ``score_table`` and the
built-in ``mof-2020-project-self`` through a long mapping, and, in the same
run, with a hand-written loop that reads the same rows, parses the printed
cells with a regular expression and applies the form's rule in ``Decimal``:

- 预算执行率 = 全年执行数 / 全年预算数 × 10, 满分为止;
- a quantitative row: reached → its points, else actual / target × points
  (``≤``: target / actual × points), rounded half up to 0.01;
- a qualitative row: the evaluator's score printed on the form;
- the tiers' sum, rescaled to 100 when a tier has no row; graded 优/良/中/差.

Prints the time per form of each (CPU time, the best of five runs taken in
turns, each on a table of its own),
``ratio forms / baseline`` (goal ≤ 3),
forms per second on one core and with 2 workers, and checks that every
total agrees.

    python benchmarks/bench_project_forms.py [N]      # default N = 2000
"""

from __future__ import annotations

import re
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pandas as pd  # noqa: E402

import perfrubric as pr  # noqa: E402
from longforms import forms  # noqa: E402
from perfrubric.batch import load_mapping, score_table  # noqa: E402

HEADERS = ["项目编码", "实施单位", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标",
           "年度指标值", "实际完成值", "分值", "得分"]
MAPPING = {"layout": "long", "key": "项目编码", "columns": {
    "项目编码": "department.code", "实施单位": "department.name",
    "全年预算数": {"name": "budget.adjusted", "unit": "万元"},
    "全年执行数": {"name": "budget.final", "unit": "万元"},
    "一级指标": "target.level1", "二级指标": "target.level2", "三级指标": "target.name",
    "年度指标值": "target.target", "实际完成值": "target.actual", "分值": "target.points",
    "得分": "target.score"}}
TIERS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
CENT = Decimal("0.01")


def table(n: int, seed: int = 2020) -> pd.DataFrame:
    """N forms of 12 rows, the target and the actual printed with their unit."""
    rows = []
    for form in forms(n * 7 // 6 + 7, seed=seed):
        if len(form["rows"]) != 12:
            continue   # the generator leaves 效益 out of one form in seven: keep full forms
        for row in form["rows"]:
            if row["comparison"] == "定性":
                target, actual = row["target"], row["actual"]
            else:
                target = f"{row['comparison']}{row['target']}{row['unit']}"
                actual = f"{row['actual']}{row['unit']}"
            rows.append([form["code"], form["unit"], str(form["adjusted"]), str(form["final"]),
                         row["level1"], row["level2"], row["name"], target, actual,
                         row["points"], None if row["score"] is None else str(row["score"])])
        if len(rows) == 12 * n:
            break
    return pd.DataFrame(rows, columns=HEADERS)


_PRINTED = re.compile(r"^\s*([≥≤=])?\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(%|[^\s0-9.]*)\s*$")


def _number(text: str) -> tuple[str | None, Decimal, str] | None:
    found = _PRINTED.match(text)
    if found is None:
        return None
    sign, number, unit = found.groups()
    value = Decimal(number)
    return sign, value / 100 if unit == "%" else value, unit


def _grade(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def baseline(frame: pd.DataFrame) -> list[tuple[str, Decimal, str]]:
    """The hand-written loop: group the rows by code, parse the cells, apply the rule."""
    out = []
    key = None
    rows: list[Any] = []
    for row in frame.itertuples(index=False):
        if row[0] != key:
            if rows:
                out.append(_form(rows))
            key, rows = row[0], []
        rows.append(row)
    if rows:
        out.append(_form(rows))
    return out


def _form(rows: list[Any]) -> tuple[str, Decimal, str]:
    first = rows[0]
    execution = min(Decimal(first[3]) / Decimal(first[2]), Decimal(1)) * 10
    raw = execution.quantize(CENT, ROUND_HALF_UP)
    counted = Decimal(10)
    placed = set()
    for row in rows:
        points = Decimal(row[9])
        placed.add(row[4])
        target, actual = _number(row[7]), _number(row[8])
        if target is None or actual is None:
            raw += Decimal(row[10])                 # a qualitative row: the evaluator's score
            continue
        sign, goal, _unit = target
        value = actual[1]
        if sign == "≤":
            share = Decimal(1) if value <= goal else goal / value
        else:
            share = Decimal(1) if value >= goal else value / goal
        raw += (points * share).quantize(CENT, ROUND_HALF_UP)
    counted += sum((p for tier, p in TIERS.items() if tier in placed), Decimal(0))
    total = (raw * 100 / counted if counted != 100 else raw).quantize(CENT, ROUND_HALF_UP)
    return first[0], total, _grade(total)


def _timed(run: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """The CPU time of one call of *run*, and its result."""
    start = time.process_time()
    out = run(*args, **kwargs)
    return time.process_time() - start, out


def main(n: int) -> None:
    # Each run reads a table of its own: the library's caches of printed texts learn
    # nothing from an earlier run that real work would not give them.
    frames = [table(n, seed) for seed in range(2020, 2025)]
    rubric = pr.builtin("mof-2020-project-self")
    mapping = load_mapping(MAPPING)
    score_table(rubric, table(2, 1), mapping=mapping)   # warm up: compile, import

    # CPU time of this process, the best of five runs of each, taken in turns so that a
    # busy machine slows both alike.
    t_hand = t_one = float("inf")
    for frame in frames:
        took, hand = _timed(baseline, frame)
        t_hand = min(t_hand, took)
        took, scored = _timed(score_table, rubric, frame, mapping=mapping)
        t_one = min(t_one, took)
        assert list(scored["status"]) == ["scored"] * n, scored[scored["status"] != "scored"]
        got = list(zip(scored["key"], scored["total"], scored["grade"], strict=True))
        assert got == hand, "score_table and the hand-written loop disagree"
    # Workers spend CPU time in other processes: wall-clock time there.
    start = time.perf_counter()
    two = score_table(rubric, frames[-1], mapping=mapping, workers=2)
    t_two = time.perf_counter() - start
    assert list(two["total"]) == list(scored["total"])
    print(f"{n} forms × 12 rows (one row per indicator, printed targets), 5 tables")
    print(f"hand-written loop (regex + Decimal): {t_hand / n * 1e6:8.0f} µs per form")
    print(f"score_table, one process:            {t_one / n * 1e6:8.0f} µs per form")
    print(f"ratio forms / baseline: {t_one / t_hand:.2f}")
    print(f"forms per second: {n / t_one:,.0f} on one core, {n / t_two:,.0f} with workers=2 "
          "(wall clock; forms scored as they are read stay in the reading process)")
    print("totals agree: True")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
