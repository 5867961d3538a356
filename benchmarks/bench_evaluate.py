"""Benchmark: scoring many departments against a 30-indicator rubric.

Compares, in the same run, perfrubric with a baseline: the same 30 rules
written by hand as plain Decimal arithmetic (what a user would code without
the library: no trace, no validation). Reports the time per department and
the ratios library / baseline:

* ``trace``: ``perfrubric.evaluate`` (full trace) on loaded departments;
* ``trace streamed``: ``evaluate_many(..., trace=True)`` on the same loaded
  departments, each result dropped once the loop has it (a batch streamed:
  nothing kept, so the cyclic garbage collector has nothing to walk again);
* ``totals``: ``evaluate_many(..., trace=False)`` (the compiled totals path)
  on the same loaded departments;
* end to end: ``evaluate_many`` from the data dicts (loading included), in
  one process and in two worker processes.

    python benchmarks/bench_evaluate.py [N]      # default N = 10000
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import perfrubric as pr
from perfrubric.batch import evaluate_many

D = Decimal
LEAVES = 30
CHUNK = 250


def rubric_text() -> str:
    rows = ['[rubric]\nid = "bench"\nversion = "1"\ntitle = "benchmark"\n']
    for t in range(3):
        rows.append(f'[[indicator]]\npath = "T{t}"\npoints = {10 * LEAVES // 3 // 3}\n')
    # 3 tiers × 10 leaves; 100 / 30 is not whole, so give leaves 3 or 4 points
    points = [4 if i % 3 == 0 else 3 for i in range(LEAVES)]
    points[-1] += 100 - sum(points)
    tiers: dict[int, int] = {}
    body = []
    for i, p in enumerate(points):
        t = i // 10
        tiers[t] = tiers.get(t, 0) + p
        kind = i % 3
        if kind == 0:
            rule = ('{ kind = "step_deduction", limit = "100%", direction = "above", '
                    'step = "1%", deduct = 0.5, steps = "whole" }')
        elif kind == 1:
            share = ["100%", "80%", "60%", "0%"]
            rule = ('{ kind = "bands", better = "lower", bands = [ '
                    f'{{ upto = "0%", share = "{share[0]}" }}, '
                    f'{{ over = "0%", upto = "10%", share = "{share[1]}" }}, '
                    f'{{ over = "10%", upto = "20%", share = "{share[2]}" }}, '
                    f'{{ over = "20%", share = "{share[3]}" }} ] }}')
        else:
            rule = '{ kind = "ratio" }'
        body.append(f'[[indicator]]\npath = "T{t}/L{i}"\npoints = {p}\n'
                    f'measure = "facts.a{i} / facts.b{i}"\nrule = {rule}\n')
    head = rows[0] + "".join(f'[[indicator]]\npath = "T{t}"\npoints = {tiers[t]}\n'
                             for t in sorted(tiers))
    return head + "".join(body), points


def departments(n: int) -> list[dict[str, object]]:
    rng = random.Random(2021)
    out = []
    for k in range(n):
        facts: dict[str, object] = {}
        for i in range(LEAVES):
            facts[f"a{i}"] = rng.randint(50, 150)
            facts[f"b{i}"] = 100
        out.append({"department": {"name": f"单位{k}", "year": 2021}, "facts": facts})
    return out


def baseline(doc: dict[str, object], points: list[int]) -> Decimal:
    """The same rules by hand: Decimal arithmetic, no trace, no checks."""
    facts = doc["facts"]
    assert isinstance(facts, dict)
    total = D(0)
    for i, p in enumerate(points):
        pts = D(p)
        x = D(facts[f"a{i}"]) / D(facts[f"b{i}"])
        if i % 3 == 0:
            steps = max(x - 1, D(0)) / D("0.01")
            score = max(pts - steps.to_integral_value(ROUND_FLOOR) * D("0.5"), D(0))
        elif i % 3 == 1:
            share = D(1) if x <= 0 else D("0.8") if x <= D("0.1") else \
                D("0.6") if x <= D("0.2") else D(0)
            score = pts * share
        else:
            score = pts * min(max(x, D(0)), D(1))
        total += score.quantize(D("0.01"), ROUND_HALF_UP)
    return total


def _cpu(before: os.times_result, after: os.times_result) -> tuple[float, float]:
    """(this process, finished child processes) CPU seconds between two os.times()."""
    own = after.user + after.system - before.user - before.system
    kids = (after.children_user + after.children_system
            - before.children_user - before.children_system)
    return own, kids


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _reference_speed_up() -> float:
    """What two processes gain on plain CPU work right now (a shared machine gives less)."""
    from concurrent.futures import ProcessPoolExecutor

    work = [2_000_000] * 8
    t0 = time.perf_counter()
    for n in work:
        _burn(n)
    one = time.perf_counter() - t0
    with ProcessPoolExecutor(2) as pool:
        t0 = time.perf_counter()
        list(pool.map(_burn, work))
        two = time.perf_counter() - t0
    return one / two


def _tracked_per_evaluation(rubric: pr.Rubric, depts: list[pr.Department]) -> tuple[float, float]:
    """Objects the garbage collector tracks per kept evaluation: (settled, just made).

    CPython untracks a tuple holding only untracked objects when a collection
    finds it so (a tuple of tuples once its items are untracked, hence two
    collections here); a kept evaluation costs the settled figure at every
    later full collection.
    """
    sample = depts[:200]
    gc.collect()
    before = {id(o) for o in gc.get_objects()}
    kept = [pr.evaluate(rubric, d) for d in sample]
    fresh = sum(id(o) not in before for o in gc.get_objects())
    gc.collect()
    gc.collect()
    after = sum(id(o) not in before for o in gc.get_objects())
    del kept
    return after / len(sample), fresh / len(sample)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text, points = rubric_text()
    t0 = time.perf_counter()
    rubric = pr.loads_rubric(text)
    load_ms = (time.perf_counter() - t0) * 1000
    docs = departments(n)
    depts = [pr.load_data(d) for d in docs[:1]]  # warm up
    t0 = time.perf_counter()
    depts = [pr.load_data(d) for d in docs]
    data_s = time.perf_counter() - t0

    # The engine and the baseline take turns, a chunk at a time, so that the
    # other jobs of a shared machine slow both alike and the ratio holds.
    results: list[pr.Evaluation] = []
    expected: list[Decimal] = []
    eval_s = base_s = 0.0
    for start in range(0, n, CHUNK):
        t0 = time.perf_counter()
        results += [pr.evaluate(rubric, d) for d in depts[start:start + CHUNK]]
        t1 = time.perf_counter()
        expected += [baseline(d, points) for d in docs[start:start + CHUNK]]
        t2 = time.perf_counter()
        eval_s += t1 - t0
        base_s += t2 - t1

    # The realistic batch pattern: evaluate_many(..., trace=True) streaming,
    # each result dropped once read, again in turns with the baseline.
    stream_eval = stream_base = 0.0
    for start in range(0, n, CHUNK):
        t0 = time.perf_counter()
        for _ in evaluate_many(rubric, depts[start:start + CHUNK], trace=True):
            pass
        t1 = time.perf_counter()
        [baseline(d, points) for d in docs[start:start + CHUNK]]
        t2 = time.perf_counter()
        stream_eval += t1 - t0
        stream_base += t2 - t1

    tracked, tracked_fresh = _tracked_per_evaluation(rubric, depts)

    # Diagnostic: results kept and every indicator's result read once (the
    # engine builds the IndicatorResult objects on first read).
    read_eval = read_base = 0.0
    read: list[pr.Evaluation] = []
    for start in range(0, n, CHUNK):
        t0 = time.perf_counter()
        for d in depts[start:start + CHUNK]:
            ev = pr.evaluate(rubric, d)
            for _ in ev.results.values():
                pass
            read.append(ev)
        t1 = time.perf_counter()
        [baseline(d, points) for d in docs[start:start + CHUNK]]
        t2 = time.perf_counter()
        read_eval += t1 - t0
        read_base += t2 - t1
    del read

    # Diagnostic: the same, results kept alike, with the cyclic garbage
    # collector paused: the kept results are many small objects, which every
    # collection walks again.
    gc.collect()
    gc.disable()
    try:
        nogc_eval = nogc_base = 0.0
        kept: list[pr.Evaluation] = []
        for start in range(0, n, CHUNK):
            t0 = time.perf_counter()
            kept += [pr.evaluate(rubric, d) for d in depts[start:start + CHUNK]]
            t1 = time.perf_counter()
            [baseline(d, points) for d in docs[start:start + CHUNK]]
            t2 = time.perf_counter()
            nogc_eval += t1 - t0
            nogc_base += t2 - t1
        del kept
    finally:
        gc.enable()

    list(evaluate_many(rubric, depts[:10], trace=False))  # warm up (compiles the rubric)
    t0 = time.perf_counter()
    totals = [r.total for r in evaluate_many(rubric, depts, trace=False)]
    totals_s = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), os.times()
    one = [r.total for r in evaluate_many(rubric, docs, trace=False, measured=False)]
    one_s, one_cpu = time.perf_counter() - t0, _cpu(c0, os.times())
    t0, c0 = time.perf_counter(), os.times()
    two = [r.total for r in evaluate_many(rubric, docs, trace=False, workers=2,
                                          chunk_size=256, measured=False)]
    two_s, two_cpu = time.perf_counter() - t0, _cpu(c0, os.times())
    reference = _reference_speed_up()

    mismatches = sum(ev.raw_total != b for ev, b in zip(results, expected, strict=True))
    mismatches += sum(t != ev.total for t, ev in zip(totals, results, strict=True))
    mismatches += sum(a != b or b != t for a, b, t in zip(one, two, totals, strict=True))
    per = 1e6 / n
    print(f"rubric: {LEAVES} leaf indicators, loaded and validated in {load_ms:.1f} ms")
    print(f"departments: {n}")
    print(f"load_data               {data_s:8.2f} s  {data_s * per:8.1f} us/department")
    print(f"evaluate (trace)        {eval_s:8.2f} s  {eval_s * per:8.1f} us/department")
    print(f"evaluate_many totals    {totals_s:8.2f} s  {totals_s * per:8.1f} us/department")
    print(f"hand baseline           {base_s:8.2f} s  {base_s * per:8.1f} us/department")
    print(f"end to end, 1 process   {one_s:8.2f} s  {one_s * per:8.1f} us/department")
    print(f"end to end, 2 workers   {two_s:8.2f} s  {two_s * per:8.1f} us/department")
    print(f"ratio trace / baseline: {eval_s / base_s:.2f}")
    print(f"ratio totals / baseline: {totals_s / base_s:.2f}")
    print(f"evaluate_many trace, streamed {stream_eval:4.2f} s  {stream_eval * per:8.1f} "
          f"us/department  (evaluate_many(..., trace=True), each result dropped)")
    print(f"ratio trace streamed / baseline: {stream_eval / stream_base:.2f}")
    print(f"  objects tracked by the garbage collector per kept evaluation: {tracked:.1f} "
          f"({tracked_fresh:.1f} just made)")
    print(f"  (diagnostic) ratio trace / baseline, results kept and every result read: "
          f"{read_eval / read_base:.2f}")
    print(f"  (diagnostic) ratio trace / baseline with the garbage collector paused: "
          f"{nogc_eval / nogc_base:.2f}")
    print(f"ratio end-to-end totals / baseline: {one_s / base_s:.2f}")
    print(f"speed-up with 2 workers: {one_s / two_s:.2f}")
    print(f"  CPU per department: 1 process {one_cpu[0] * per:.1f} us; 2 workers: parent "
          f"{two_cpu[0] * per:.1f} us + workers {two_cpu[1] * per:.1f} us")
    print(f"  the machine's own 2-process speed-up on pure-Python work, same moment: "
          f"{reference:.2f}")
    print(f"totals that differ (baseline, trace, totals, workers): {mismatches}")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
