"""``ratio`` and ``threshold``: proportional scoring, against real tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from perfrubric.errors import ParamError, RuleInputError
from perfrubric.indicators import Ratio, RuleKind, Threshold

D = Decimal


def build(kind: type[RuleKind], points: int | str, **params: Any) -> Any:
    return kind.from_params(params, D(points))


def problems(kind: type[RuleKind], points: int, **params: Any) -> dict[str, str]:
    with pytest.raises(ParamError) as info:
        kind.from_params(params, D(points))
    return {p.path: p.message for p in info.value.problems}


# -- ratio: 按完成比例计算得分，满分为止 ------------------------------------------


def test_cross_border_ecommerce_above_target_is_capped() -> None:
    # seed: 跨境电商 8.39 亿美元 vs target 7.5 → 8.39 / 7.5 = 1.11866… ≥ 100% → 10 (满分为止)
    outcome = build(Ratio, 10).score(D("8.39") / D("7.5"))
    assert outcome.score == 10 and outcome.deducted == 0
    assert outcome.matched == "≥100%" and outcome.detail["share"] == 1


def test_vaccination_rate_scores_in_proportion() -> None:
    # seed: 商超接种 1281 of 1358 = 0.943298…; 10 × 1281 / 1358 = 9.432989…
    outcome = build(Ratio, 10).score(D(1281) / D(1358))
    assert outcome.score == D(10) * (D(1281) / D(1358))
    assert D("9.4329") < outcome.score < D("9.4330")
    assert outcome.matched == "<100%"
    assert outcome.deducted == 10 - outcome.score


def test_domestic_investment_and_gas_stations_reach_target() -> None:
    rule = build(Ratio, 5)
    # 实际到位内资 252.94 / 215.92 = 117.14% → 5; 加油站改造 13 / 12 → 5
    assert rule.score(D("252.94") / D("215.92")).score == 5
    assert rule.score(D(13) / D(12)).score == 5


def test_ratio_full_at_another_ratio_and_floor_at_zero() -> None:
    # full at 95%: 0.76 / 0.95 = 0.8 × 5 = 4
    rule = build(Ratio, 5, full_at="95%")
    assert rule.score(D("0.76")).score == 4
    assert rule.score(D("0.95")).matched == "≥95%"
    # a negative ratio (a refund larger than spending) scores 0, not less
    assert rule.score(D("-0.2")).score == 0


def test_ratio_accepts_a_float_through_str() -> None:
    # 0.1 as a float is 0.1000000000000000055…; through str() it stays 0.1 → 1 point of 10
    assert build(Ratio, 10).score(0.1).score == D("1.0")


def test_ratio_refuses_text_and_booleans() -> None:
    rule = build(Ratio, 10)
    with pytest.raises(RuleInputError, match="expected a number, got the text '94%'"):
        rule.score("94%")
    with pytest.raises(RuleInputError, match="yes/no value true"):
        rule.score(True)


def test_ratio_bad_params() -> None:
    found = problems(Ratio, 10, full_at=0)
    assert found == {"full_at": "must be greater than 0, got 0"}
    found = problems(Ratio, 10, full_at="全部", ful_at="100%")
    assert "expected a number" in found["full_at"]
    assert found["ful_at"] == "unknown key 'ful_at' (did you mean 'full_at'?)"


# -- threshold: 小于或等于1计5分，否则按比例计分 -----------------------------------


def test_threshold_at_most() -> None:
    rule = build(Threshold, 5, threshold=1, full_when="at_most")
    assert rule.direction == "lower"
    # ≤ 1 → 5 (and so is any value below, 0 or negative)
    assert rule.score(D(1)).score == 5 and rule.score(D("-0.3")).score == 5
    # 1.25 → 5 × 1 / 1.25 = 4
    outcome = rule.score(D("1.25"))
    assert outcome.score == 4 and outcome.matched == ">1" and outcome.detail["met"] is False
    assert rule.score(D("0.8")).matched == "≤1"


def test_threshold_at_least() -> None:
    rule = build(Threshold, 10, threshold="90%", full_when="at_least")
    assert rule.direction == "higher"
    # 0.72 / 0.9 = 0.8 × 10 = 8; 95% ≥ 90% → 10; below 0 → 0
    assert rule.score(D("0.72")).score == 8
    assert rule.score(D("0.95")).score == 10
    assert rule.score(D("-0.5")).score == 0
    # the threshold was written as a percentage, so labels show percentages
    assert rule.score(D("0.72")).matched == "<90%"


def test_threshold_bad_params() -> None:
    found = problems(Threshold, 5, threshold=-1)
    assert found["threshold"] == "must be greater than 0, got -1"
    assert found["full_when"] == 'missing; say full_when = "at_least" | "at_most"'
    found = problems(Threshold, 5, threshold=1, full_when="at_mots")
    assert "did you mean 'at_most'" in found["full_when"]
