"""Benchmark: next-grade plans against the 30-indicator rubric of bench_evaluate.

Baseline in the same run: one `evaluate` of the same department. A plan
inverts rules, searches combinations and re-scores its candidates, so the
ratio plan / evaluate says how many evaluations' worth of work a plan costs.
Each plan is also checked: its applied data, scored again, reach the grade.

    python benchmarks/bench_next_grade.py [N]      # default N = 200
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import perfrubric as pr


def _bench_evaluate() -> Any:
    """The sibling benchmark module, for its rubric and departments."""
    spec = importlib.util.spec_from_file_location(
        "bench_evaluate", Path(__file__).with_name("bench_evaluate.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    bench = _bench_evaluate()
    rubric = pr.loads_rubric(bench.rubric_text()[0])
    depts = [pr.load_data(d) for d in bench.departments(n)]
    pr.evaluate(rubric, depts[0])  # warm up

    t0 = time.perf_counter()
    for d in depts:
        pr.evaluate(rubric, d)
    eval_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    plans = []
    for d in depts:
        try:
            plans.append(pr.next_grade(rubric, d))
        except pr.PlanError:
            plans.append(None)
    plan_s = time.perf_counter() - t0

    failures = 0
    steps = 0
    for plan in plans:
        if plan is None or not plan.applicable:
            continue
        steps += len(plan.steps)
        ev = pr.evaluate(rubric, plan.apply())
        scale = rubric.grades
        if ev.grade is None or scale.rank(ev.grade) > scale.rank(plan.target_grade):
            failures += 1
    made = sum(p is not None for p in plans)
    print(f"departments: {n}; plans made: {made}; steps in all: {steps}")
    print(f"evaluate     {eval_s / n * 1e3:8.2f} ms/department")
    print(f"next_grade   {plan_s / n * 1e3:8.2f} ms/department")
    print(f"ratio next_grade / evaluate: {plan_s / eval_s:.1f}x")
    print(f"plans whose applied data miss the grade: {failures}")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
