"""Replay every crashing input the fuzzer ever found (tests/data/fuzz-corpus).

Each file's first line says ``# fuzz: KIND SEED PARTNER`` (see
``tests/fuzzcore.py``); the rest is the input.  Loading, scoring and every
view must now either succeed or raise a located PerfrubricError, quickly.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import fuzzcore

CORPUS = Path(__file__).resolve().parent / "data" / "fuzz-corpus"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")  # README.md describes them


def test_the_corpus_is_not_empty() -> None:
    assert len(FILES) >= 1


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_input(path: Path) -> None:
    began = time.perf_counter()
    outcome = fuzzcore.replay(path)  # raises on anything but a located PerfrubricError
    assert outcome in {"ok", "RubricError", "DataError", "EvaluationError"}
    assert time.perf_counter() - began < 5
