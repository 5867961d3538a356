"""Mutation fuzzing in the normal suite (bounded; benchmarks/fuzz.py does the long runs).

Shipped rubrics and data files are mutated (byte flips, numbers replaced by
extremes such as 1e999999999, 1e-999999, NaN and 5,000-digit integers,
odd values and units, deep nesting, long expressions, encoding accidents;
see tests/fuzzcore.py).  Loading, scoring, the text and JSON outputs, every
view and the narrative in every locale must either succeed or raise a
PerfrubricError that says where the problem is, and finish quickly.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzcore

# Generous: a mutated input normally takes milliseconds, the full set of views ~0.2 s.
TIME_BOUND = 5.0


@st.composite
def mutated_inputs(draw: st.DrawFn) -> tuple[str, str, str, str]:
    seed = draw(st.integers(0, len(fuzzcore.SEEDS) - 1))
    rng = draw(st.randoms(use_true_random=False))
    return fuzzcore.make_input(seed, rng)


@given(mutated_inputs())
@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_mutated_inputs_load_score_and_render_or_fail_with_a_location(
        case: tuple[str, str, str, str]) -> None:
    kind, text, partner, file = case
    began = time.perf_counter()
    outcome = fuzzcore.run_input(kind, text, partner, file, every_view=True)
    assert time.perf_counter() - began < TIME_BOUND
    assert outcome in {"ok", "RubricError", "DataError", "EvaluationError"}


@pytest.mark.parametrize("extreme", fuzzcore.EXTREMES)
def test_every_extreme_in_every_number_slot_of_one_rubric(extreme: str) -> None:
    # Systematic rather than random: the extreme replaces each number of the example
    # rubric's parameters in turn (every rule kind of that rubric sees it).
    kind, file, partner = fuzzcore.SEEDS[0]
    seed = fuzzcore.seed_text(kind, file)
    matches = list(fuzzcore.NUMBER.finditer(seed))
    rng = random.Random(extreme)
    for match in rng.sample(matches, min(3, len(matches))):
        text = seed[:match.start()] + extreme + seed[match.end():]
        began = time.perf_counter()
        fuzzcore.run_input(kind, text, partner, file, every_view=True)
        assert time.perf_counter() - began < TIME_BOUND


def test_the_harness_detects_a_raw_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    # The harness itself must fail on a raw exception, or it proves nothing.
    import perfrubric

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(perfrubric, "loads_rubric", broken)
    kind, file, partner = fuzzcore.SEEDS[0]
    with pytest.raises(ZeroDivisionError):
        fuzzcore.run_input(kind, fuzzcore.seed_text(kind, file), partner, file)


def test_the_harness_refuses_an_unlocated_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfrubric
    from perfrubric.errors import RubricError

    def unlocated(*_args: object, **_kwargs: object) -> None:
        raise RubricError("somewhere")

    monkeypatch.setattr(perfrubric, "loads_rubric", unlocated)
    kind, file, partner = fuzzcore.SEEDS[0]
    with pytest.raises(fuzzcore.Unlocated):
        fuzzcore.run_input(kind, fuzzcore.seed_text(kind, file), partner, file)
