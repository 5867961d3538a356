"""``yes_no``, ``per_event`` and ``judged``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from perfrubric.errors import ParamError, RuleInputError
from perfrubric.indicators import Judged, PerEvent, RuleKind, YesNo

D = Decimal


def build(kind: type[RuleKind], points: int | str, **params: Any) -> Any:
    return kind.from_params(params, D(points))


def problems(kind: type[RuleKind], points: int, **params: Any) -> dict[str, str]:
    with pytest.raises(ParamError) as info:
        kind.from_params(params, D(points))
    return {p.path: p.message for p in info.value.problems}


def test_yes_no_published_on_time() -> None:
    # 按时公开计满分，否则不得分 (2 points)
    rule = build(YesNo, 2)
    assert rule.direction == "higher"  # false < true, and yes never scores less
    outcome = rule.score(True)
    assert outcome.score == 2 and outcome.matched == "yes" and outcome.detail == {"yes": True}
    assert rule.score(False).score == 0 and rule.score(False).deducted == 2
    assert rule.score("是").score == 2 and rule.score("无").score == 0
    with pytest.raises(RuleInputError, match=re.escape("expected yes or no, got the number 0.5")):
        rule.score(D("0.5"))


def test_yes_no_with_points_for_no() -> None:
    # 已公开但不及时计1分 style: no still earns 1 of 3
    assert build(YesNo, 3, no_points=1).score(False).score == 1


def test_yes_no_bad_params() -> None:
    assert problems(YesNo, 2, no_points=3) == {"no_points": "3 exceeds the indicator's 2 points"}
    assert problems(YesNo, 2, no_points=-1) == {"no_points": "must not be negative, got -1"}
    assert problems(YesNo, 2, yes_points=2) == {"yes_points": "unknown key 'yes_points' (did "
                                                              "you mean 'no_points'?)"}


def test_per_event_violations() -> None:
    # 每发现一起违规扣1分，扣完为止 (3 points): 2 events → 3 − 2 = 1; 5 events → 0
    rule = build(PerEvent, 3, deduct=1)
    assert rule.direction == "lower"
    outcome = rule.score(D(2))
    assert outcome.score == 1 and outcome.deducted == 2 and outcome.matched == "2 × 1"
    assert outcome.detail == {"events": 2, "floored": False}
    outcome = rule.score(5)
    assert outcome.score == 0 and outcome.deducted == 3 and outcome.detail["floored"]
    assert rule.score(D(0)).score == 3


def test_per_event_needs_a_count() -> None:
    rule = build(PerEvent, 3, deduct="0.5")
    with pytest.raises(RuleInputError, match=r"expected a whole number of events .*, got 1.5"):
        rule.score(D("1.5"))
    with pytest.raises(RuleInputError, match="got -1"):
        rule.score(D(-1))
    # 2.0 events is two events
    assert rule.score(D("2.0")).score == 2


def test_per_event_bad_params() -> None:
    assert problems(PerEvent, 3, deduct=0) == {"deduct": "must be greater than 0, got 0"}
    assert problems(PerEvent, 3) == {"deduct": "missing; expected a number for 'deduct'"}


def test_judged_takes_the_evaluator_score() -> None:
    # 社会效益: the evaluator gives 4.5 of 5
    rule = build(Judged, 5)
    assert rule.direction == "higher"
    outcome = rule.score(D("4.5"))
    assert outcome.score == D("4.5") and outcome.deducted == D("0.5")
    with pytest.raises(RuleInputError, match="the score 6 lies outside 0–5 points"):
        rule.score(D(6))
    with pytest.raises(RuleInputError, match="outside"):
        rule.score(D(-1))


def test_judged_takes_no_params() -> None:
    assert problems(Judged, 5, max_score=5) == {"max_score": "unknown key 'max_score'"}
