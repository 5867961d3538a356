"""Long mutation-fuzzing runs across processes.

    python benchmarks/fuzz.py --inputs 1000000 --jobs 2 --out /tmp/fuzz-out

Each input is a shipped rubric or data file mutated one to three times
(``tests/fuzzcore.py``), loaded, scored, and rendered (text, JSON, and for
each new set of numbers every table view and the narrative in every
locale); or the county table (``examples/county-2023``) mutated as a table
and written as a CSV (UTF-8 with a BOM or GB18030) or a typed workbook
(formulas without values, error cells, percents, dates, booleans, a merged
block, a far stray cell), or its mapping mutated, then scored through the
mapping and written as ``.xlsx`` and ``.csv`` (``tests/fuzztables.py``).
Input *i* is made from ``random.Random(f"{seed}:{i}")``, so any
input can be made again from its number.  Every input runs under a timeout
(``--timeout`` seconds, SIGALRM); a timeout is a finding like a crash.

Reports the inputs tried, their throughput, every distinct failure
signature (exception type + innermost frame) with a count and the number of
its first input, and the slowest inputs.  The first input of each signature
is written to ``--out`` as a corpus file (see ``tests/data/fuzz-corpus``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzzcore


class Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise Timeout


_WORKDIR: str | None = None


def _init() -> None:
    global _WORKDIR  # noqa: PLW0603 - one per worker process
    signal.signal(signal.SIGALRM, _alarm)
    _WORKDIR = tempfile.mkdtemp(prefix="perfrubric-fuzz-")


def _chunk(job: tuple[int, int, str, float]) -> dict[str, Any]:
    start, stop, seed, timeout = job
    found: dict[str, list[Any]] = {}
    slowest: list[tuple[float, int]] = []
    outcomes: dict[str, int] = {}
    for i in range(start, stop):
        rng = random.Random(f"{seed}:{i}")
        kind, text, partner, file = fuzzcore.make_input(i, rng)
        began = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            outcome = fuzzcore.run_input(kind, text, partner, file, workdir=_WORKDIR)
            signal.setitimer(signal.ITIMER_REAL, 0)
        except Timeout:
            outcome = "timeout"
            sig = f"Timeout (>{timeout:g} s)"
            found.setdefault(sig, [0, i, fuzzcore.corpus_text(kind, file, partner, text)])[0] += 1
        except BaseException as exc:  # a finding: anything but a located PerfrubricError
            signal.setitimer(signal.ITIMER_REAL, 0)
            if isinstance(exc, KeyboardInterrupt):
                raise
            outcome = "crash"
            sig = fuzzcore.signature(exc)
            found.setdefault(sig, [0, i, fuzzcore.corpus_text(kind, file, partner, text)])[0] += 1
        elapsed = time.perf_counter() - began
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        slowest.append((elapsed, i))
        if len(slowest) > 50:
            slowest.sort(reverse=True)
            del slowest[10:]
    slowest.sort(reverse=True)
    return {"n": stop - start, "found": found, "slowest": slowest[:10], "outcomes": outcomes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0, help="number of the first input")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", default="perfrubric")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--out", default=None, help="write the first input of each signature")
    args = parser.parse_args()

    jobs = [(s, min(s + args.chunk, args.start + args.inputs), args.seed, args.timeout)
            for s in range(args.start, args.start + args.inputs, args.chunk)]
    found: dict[str, list[Any]] = {}
    slowest: list[tuple[float, int]] = []
    outcomes: dict[str, int] = {}
    done = 0
    began = time.perf_counter()
    with multiprocessing.Pool(args.jobs, initializer=_init) as pool:
        for result in pool.imap_unordered(_chunk, jobs):
            done += result["n"]
            for sig, (count, first, text) in result["found"].items():
                if sig not in found:
                    print(f"new signature: {sig} (input {first})", flush=True)
                    if args.out:
                        os.makedirs(args.out, exist_ok=True)
                        Path(args.out, f"{first}-{sig.split()[0]}.txt").write_text(
                            text, encoding="utf-8", errors="surrogatepass")
                entry = found.setdefault(sig, [0, first, text])
                entry[0] += count
                if first < entry[1]:
                    entry[1], entry[2] = first, text
            for key, count in result["outcomes"].items():
                outcomes[key] = outcomes.get(key, 0) + count
            slowest = sorted(slowest + result["slowest"], reverse=True)[:10]
            elapsed = time.perf_counter() - began
            print(f"{done:>9} inputs  {elapsed:8.0f} s  {done / elapsed:7.1f}/s  "
                  f"{len(found)} signatures  slowest {slowest[0][0]:.3f} s (input {slowest[0][1]})",
                  flush=True)
    elapsed = time.perf_counter() - began
    print(f"\ninputs tried: {done} in {elapsed:.0f} s ({done / elapsed:.1f}/s, "
          f"{args.jobs} processes), seed {args.seed!r}, first input {args.start}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"distinct failure signatures: {len(found)}")
    for sig, (count, first, text) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        print(f"  {count:>7}  {sig}  (first: input {first})")
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            name = f"{first}-{sig.split()[0]}.txt"
            Path(args.out, name).write_text(text, encoding="utf-8", errors="surrogatepass")
    print("slowest inputs:")
    for seconds, i in slowest:
        print(f"  {seconds:8.3f} s  input {i}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
