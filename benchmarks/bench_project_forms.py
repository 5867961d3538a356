"""Benchmark: project forms whose rows come from targets (``target_rows``).

Scores N projects (12 printed rows each) with the built-in
``mof-2020-project-self``, where the rows are generated from each
project's targets at evaluation, and compares in the same run with the
same rows written out once as a static rubric (each row a ``ratio`` over
``targets.<id>.completion``, the qualitative rows ``levels``): the ratio
is the cost of generating the rows per project. Both must give the same
totals.

    python benchmarks/bench_project_forms.py [N]      # default N = 2000
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from typing import Any

import perfrubric as pr

ROWS: list[tuple[str, str, int, str, str]] = [  # (name, tier, points, target, unit)
    ("里程", "产出指标/数量指标", 10, "≥86.5", "公里"),
    ("面积", "产出指标/数量指标", 5, "≥3000", "平方米"),
    ("优良路率", "产出指标/质量指标", 10, "≥85", "%"),
    ("合格率", "产出指标/质量指标", 5, "=100", "%"),
    ("及时率", "产出指标/时效指标", 5, "≥95", "%"),
    ("抢修时限", "产出指标/时效指标", 5, "≤48", "小时"),
    ("单位成本", "产出指标/成本指标", 5, "≤1.4", "万元"),
    ("总成本", "产出指标/成本指标", 5, "≤126", "万元"),
    ("出行成本", "效益指标/经济效益指标", 10, "有所降低", ""),
    ("出行条件", "效益指标/社会效益指标", 10, "明显改善", ""),
    ("管护机制", "效益指标/可持续影响指标", 10, "持续发挥作用", ""),
    ("满意度", "满意度指标/服务对象满意度指标", 10, "≥90", "%"),
]
LEVELS = [("达成预期指标", 80, 100), ("部分达成预期指标", 60, 80), ("未达成预期指标", 0, 60)]


def projects(n: int) -> list[dict[str, Any]]:
    rng = random.Random(2022)
    out = []
    for k in range(n):
        rows = []
        for i, (name, tier, points, target, unit) in enumerate(ROWS):
            row: dict[str, Any] = {"id": f"r{i}", "name": name, "indicator": tier,
                                   "points": points, "target": target + unit}
            if unit:
                number = Decimal(target.lstrip("≥≤="))
                row["actual"] = f"{number * Decimal(rng.randint(70, 130)) / 100}{unit}"
            else:
                level, low, high = rng.choice(LEVELS)
                row["level"] = level
                row["score"] = str(Decimal(points * rng.randint(low, high)) / 100)
            rows.append(row)
        out.append({"department": {"name": f"项目{k}"},
                    "budget": {"adjusted": "126万元", "final": f"{rng.randint(100, 126)}万元"},
                    "target": rows})
    return out


def static_rubric() -> pr.Rubric:
    """The same form with its 12 rows written out in the rubric (no generation)."""
    levels = [{"level": n, "from": f"{lo}%", "upto": f"{hi}%"} for n, lo, hi in LEVELS]
    rows: list[dict[str, Any]] = [
        {"path": "预算执行率", "points": 10, "measure": "budget.final / budget.adjusted",
         "unit": "%", "rule": {"kind": "ratio"}},
        {"path": "产出指标", "points": 50}, {"path": "效益指标", "points": 30},
        {"path": "满意度指标", "points": 10}]
    tiers = sorted({tier for _, tier, *_ in ROWS}, key=[r[1] for r in ROWS].index)
    for tier in tiers:
        rows.append({"path": tier, "points": sum(p for _, t, p, *_ in ROWS if t == tier)})
    for i, (name, tier, points, _target, unit) in enumerate(ROWS):
        if unit:
            rows.append({"path": f"{tier}/{name}", "points": points, "missing": "zero",
                         "measure": f"targets.r{i}.completion", "unit": "%",
                         "rule": {"kind": "ratio"}})
        else:
            rows.append({"path": f"{tier}/{name}", "points": points, "missing": "zero",
                         "rule": {"kind": "levels", "levels": levels}})
    return pr.rubric_from_dict({"rubric": {"id": "static", "version": "1", "title": "t"},
                                "indicator": rows})


def main(n: int) -> None:
    docs = projects(n)
    depts = [pr.load_data(d) for d in docs]
    # The static rubric reads the judgements from assessments, as a hand-written form would.
    static_depts = []
    for doc in docs:
        judged = [{"indicator": f"{r['indicator']}/{r['name']}", "level": r["level"],
                   "score": r["score"]} for r in doc["target"] if "level" in r]
        rows = [{k: v for k, v in r.items() if k not in ("level", "score")}
                for r in doc["target"]]
        static_depts.append(pr.load_data({**doc, "target": rows, "assessment": judged}))
    builtin, static = pr.builtin("mof-2020-project-self"), static_rubric()
    start = time.perf_counter()
    generated = [pr.evaluate(builtin, d).total for d in depts]
    t_generated = time.perf_counter() - start
    start = time.perf_counter()
    written = [pr.evaluate(static, d).total for d in static_depts]
    t_static = time.perf_counter() - start
    assert generated == written, "the generated rows must score like the written ones"
    print(f"{n} projects × {len(ROWS)} rows")
    print(f"rows generated from targets: {t_generated / n * 1e6:8.0f} µs per project")
    print(f"rows written in the rubric:  {t_static / n * 1e6:8.0f} µs per project")
    print(f"ratio generated / written:   {t_generated / t_static:8.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
