"""``step_deduction`` against real tables, including partial steps in Decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.errors import ParamError
from perfrubric.indicators import StepDeduction

D = Decimal

# 在职人员控制率≤100%计5分；每超过一个百分点扣0.5分，扣完为止
STAFFING = {"limit": "100%", "direction": "above", "step": "1%", "deduct": 0.5}


def build(points: int | str = 5, **params: Any) -> StepDeduction:
    return StepDeduction.from_params(params, D(points))


def problems(points: int = 5, **params: Any) -> dict[str, str]:
    with pytest.raises(ParamError) as info:
        StepDeduction.from_params(params, D(points))
    return {p.path: p.message for p in info.value.problems}


def test_staffing_within_the_limit_scores_full() -> None:
    outcome = build(**STAFFING, steps="whole").score(D(1))
    assert outcome.score == 5 and outcome.deducted == 0 and outcome.matched == "≤100%"
    assert outcome.detail["steps"] == 0 and outcome.detail["excess"] == 0


def test_staffing_two_points_over() -> None:
    # 1.02 over limit 1.00, step 1%, 0.5 each: 2 steps → 5 − 1.0 = 4.0
    outcome = build(**STAFFING, steps="whole").score(D("1.02"))
    assert outcome.score == D("4.0") and outcome.deducted == D("1.0")
    assert outcome.matched == ">100%"
    assert outcome.detail == {"limit": D(1), "excess": D("0.02"), "steps": 2,
                              "per_step": D("0.5"), "floored": False}


def test_partial_step_counted_three_ways_in_exact_decimal() -> None:
    # 1.023 over 1.00 with step 0.01 → excess 0.023 (exact, no float noise)
    # whole: 2 steps → 5 − 1.0 = 4.0; started: 3 steps → 5 − 1.5 = 3.5;
    # fraction: 2.3 steps → 5 − 1.15 = 3.85
    expected = {"whole": (2, D("4.0")), "started": (3, D("3.5")),
                "fraction": (D("2.3"), D("3.85"))}
    for steps, (count, score) in expected.items():
        outcome = build(**STAFFING, steps=steps).score(D("1.023"))
        assert outcome.detail["excess"] == D("0.023")
        assert outcome.detail["steps"] == count and outcome.score == score, steps
    # an exact whole number of steps is the same under every rule
    for steps in expected:
        assert build(**STAFFING, steps=steps).score(D("1.03")).score == D("3.5")


def test_seed_staffing_rate_loses_every_point() -> None:
    # seed: 在职 21 / 编制 11 = 190.909…%: 90.909… points over → whole steps 90 × 0.5
    # = 45 > 5 → 0 (扣完为止)
    outcome = build(**STAFFING, steps="whole").score(D(21) / D(11))
    assert outcome.score == 0 and outcome.deducted == 5
    assert outcome.detail["steps"] == 90 and outcome.detail["floored"] is True


def test_budget_completion_below_target() -> None:
    # 预算完成率100%计满分，每低于5%扣2分，扣完为止 (5 points)
    rule = build(limit="100%", direction="below", step="5%", deduct=2, steps="started")
    assert rule.direction == "higher"
    assert rule.score(D(1)).score == 5 and rule.score(D("1.2")).score == 5
    # 96.5%: 3.5% below → 1 started step → 5 − 2 = 3
    outcome = rule.score(D("0.965"))
    assert outcome.score == 3 and outcome.matched == "<100%"
    # 88%: 12% below → 3 started steps × 2 = 6 > 5 → 0
    assert rule.score(D("0.88")).score == 0
    # counted in whole steps, 88% is 2 steps below → 5 − 4 = 1
    whole = build(limit="100%", direction="below", step="5%", deduct=2, steps="whole")
    assert whole.score(D("0.88")).score == 1


def test_sangong_change_rate() -> None:
    # 三公经费变动率≤0计满分，每超过一个百分点扣0.3分 (3 points)
    rule = build(3, limit=0, direction="above", step="1%", deduct="0.3", steps="whole")
    # a fall in spending (−10%) → 3
    assert rule.score(D("-0.1")).score == 3
    # +5%: 5 steps × 0.3 = 1.5 → 1.5; the step is written in percent, so is the label
    outcome = rule.score(D("0.05"))
    assert outcome.score == D("1.5") and outcome.matched == ">0%"


def test_floor_stops_the_deduction() -> None:
    # a table that keeps at least 1 point: 190.9% → 5 − 45 → floor 1
    rule = build(**STAFFING, steps="whole", floor=1)
    outcome = rule.score(D(21) / D(11))
    assert outcome.score == 1 and outcome.deducted == 4 and outcome.detail["floored"]


def test_notation_can_be_set() -> None:
    rule = build(**STAFFING, steps="whole", notation="number")
    assert rule.score(D("1.05")).matched == ">1"


def test_bad_params_are_all_reported_with_their_keys() -> None:
    found = problems(limit=1, direction="over", step=0, deduct=-1)
    assert found["step"] == "must be greater than 0, got 0"
    assert found["deduct"] == "must be greater than 0, got -1"
    assert found["direction"] == ('expected "above" | "below", got \'over\' '
                                  "(did you mean 'above'?)")
    assert found["steps"] == 'missing; say steps = "whole" | "started" | "fraction"'


def test_unknown_key_with_did_you_mean() -> None:
    found = problems(limit=1, direction="above", stpe="1%", deduct=1, steps="whole")
    assert found["stpe"] == "unknown key 'stpe' (did you mean 'step'?)"
    assert found["step"] == "missing; expected a number for 'step'"


def test_floor_above_points() -> None:
    found = problems(**STAFFING, steps="whole", floor=6)
    assert found == {"floor": "the floor 6 is above the indicator's 5 points"}


@given(excess=st.decimals(min_value=0, max_value=5, places=4),
       step=st.decimals(min_value="0.0001", max_value=1, places=4))
def test_counted_steps_bracket_the_excess(excess: Decimal, step: Decimal) -> None:
    base = {"limit": 0, "direction": "above", "step": step, "deduct": 1}
    whole = build(**base, steps="whole").count(excess)
    started = build(**base, steps="started").count(excess)
    assert whole * step <= excess < (whole + 1) * step
    assert (started - 1) * step < excess <= started * step
    # in proportion the count is excess / step, to 28 significant digits
    assert abs(build(**base, steps="fraction").count(excess) * step - excess) < D("1e-20")
