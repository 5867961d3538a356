"""Inverse rules (``RuleKind.values_for``): properties for every built-in kind, and examples."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfrubric.indicators import Checklist, RuleKind, get_kind
from perfrubric.indicators.inverse import Choices, Interval, ItemSets, ValueRange
from perfrubric.rubrics import builtin
from perfrubric.testing import rule_params

D = Decimal
DELTA = D("1e-9")  # "just outside": far below any edge's own precision, far above an ulp
ORDERED = ("ratio", "threshold", "step_deduction", "bands", "per_event")
SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def rule_and_score(draw: st.DrawFn, kind: str) -> tuple[RuleKind, Decimal]:
    points = D(draw(st.integers(1, 20)))
    rule = get_kind(kind).from_params(draw(rule_params(kind, points)), points)
    # Scores anywhere from below 0 to above the points, plus the rule's own scores.
    cents = draw(st.integers(-100, int(points * 100) + 100))
    score = D(cents) / 100
    if draw(st.booleans()):
        value: Any
        if kind == "per_event":
            value = draw(st.integers(0, 25))
        elif kind == "yes_no":
            value = draw(st.booleans())
        elif kind == "levels":
            value = draw(st.sampled_from(["好", "较好", "一般", "差"]))
        elif isinstance(rule, Checklist):
            value = draw(st.lists(st.sampled_from(list(rule.items)), unique=True))
        else:
            value = D(draw(st.integers(-300, 300))) / 100
        score = rule.score(value).score
    return rule, score


def _numbers() -> st.SearchStrategy[Decimal]:
    return st.integers(-30000, 30000).map(lambda v: D(v) / 10000)


def _earns(rule: RuleKind, value: object, score: Decimal) -> bool:
    return rule.score(value).score >= score


@pytest.mark.parametrize("kind", ORDERED)
@SETTINGS
@given(data=st.data())
def test_ordered_kinds_give_exactly_the_values_that_earn(kind: str, data: st.DataObject) -> None:
    rule, score = data.draw(rule_and_score(kind))
    found = rule.values_for(score)
    assert isinstance(found, ValueRange)
    values = data.draw(st.lists(_numbers() if kind != "per_event" else st.integers(0, 40),
                                min_size=1, max_size=10))
    for x in values:
        # Inside the range: scores at least S; outside: scores less.
        assert found.contains(D(x)) == _earns(rule, x, score), (x, found)


@pytest.mark.parametrize("kind", ORDERED)
@SETTINGS
@given(data=st.data())
def test_ordered_kinds_have_tight_edges(kind: str, data: st.DataObject) -> None:
    rule, score = data.draw(rule_and_score(kind))
    found = rule.values_for(score)
    assert isinstance(found, ValueRange)
    step = D(1) if found.whole else DELTA
    for interval in found.intervals:
        for edge, inclusive, outward in ((interval.low, interval.low_inclusive, -step),
                                         (interval.high, interval.high_inclusive, step)):
            if edge is None:
                continue
            inside = edge if inclusive else edge - outward
            outside = edge + outward if inclusive else edge
            if found.whole and outside < 0:
                continue  # no count below 0 exists
            assert _earns(rule, inside, score), (edge, inclusive, found)
            assert not _earns(rule, outside, score), (edge, inclusive, found)


@SETTINGS
@given(data=st.data())
def test_yes_no_choices(data: st.DataObject) -> None:
    rule, score = data.draw(rule_and_score("yes_no"))
    found = rule.values_for(score)
    assert isinstance(found, Choices)
    for value in (True, False):
        assert found.contains(value) == _earns(rule, value, score)


@SETTINGS
@given(data=st.data())
def test_levels_choices(data: st.DataObject) -> None:
    rule, score = data.draw(rule_and_score("levels"))
    found = rule.values_for(score)
    assert isinstance(found, Choices)
    for name in ("好", "较好", "一般", "差"):
        assert found.contains(name) == _earns(rule, name, score)


@SETTINGS
@given(data=st.data())
def test_checklist_item_sets(data: st.DataObject) -> None:
    rule, score = data.draw(rule_and_score("checklist"))
    found = rule.values_for(score)
    assert isinstance(found, ItemSets)
    items = list(found.items)
    met = data.draw(st.lists(st.sampled_from(items), unique=True))
    assert found.contains(met) == _earns(rule, met, score)
    added = found.to_add(met)
    if added is None:
        assert not _earns(rule, items, score)  # not even every item earns it
        return
    assert _earns(rule, [*met, *added], score)
    if added:
        # Tight: one item fewer can never do, even choosing the costliest missing ones.
        missing = sorted((p for n, p in zip(found.items, found.item_points, strict=True)
                          if n not in met), reverse=True)
        best = sum(missing[:len(added) - 1], D(0))
        assert found.lost(met) - best > found.max_lost


def test_judged_cannot_answer() -> None:
    rule = get_kind("judged").from_params({}, D(5))
    assert rule.values_for(D(3)) is None


# -- examples worked by hand -------------------------------------------------------------


def test_staffing_control_rate_full_points_below_101_percent() -> None:
    # ≤100% full, −0.5 per whole point over: 100.99% is 0 whole steps over, 101% is 1.
    rule = builtin("mof-2013-department").indicator("投入/预算配置/在职人员控制率").rule
    assert rule is not None
    assert rule.values_for(D(5)) == ValueRange((Interval(None, False, D("1.01"), False),))
    # 3 points: 2 points lost = 4 whole steps allowed, so excess < 5%.
    assert rule.values_for(D(3)) == ValueRange((Interval(None, False, D("1.05"), False),))


def test_budget_completion_whole_steps() -> None:
    # 2013.2: 100% full, −2 per WHOLE 5% below (steps = "whole").  3 points (of 5) allow
    # (5 − 3) / 2 = 1 whole step, so the shortfall must stay under 2 × 5% = 10%: > 90%
    # (90% itself is 2 whole steps → 1 point; 90.01% is 1 → 3; 96% is 0 → 5).
    rule = builtin("mof-2013-department").indicator("过程/预算执行/预算完成率").rule
    assert rule is not None
    assert rule.values_for(D(3)) == ValueRange((Interval(D("0.90"), False, None, False),))
    # Full 5 points allow no whole step: shortfall < 5%, i.e. > 95%.
    assert rule.values_for(D(5)) == ValueRange((Interval(D("0.95"), False, None, False),))
    assert rule.score(D("0.96")).score == 5 and rule.score(D("0.95")).score == 3


def test_started_steps_inverse() -> None:
    # The same criterion counting STARTED steps (2013.1's reading): 3 points allow 1
    # started step, so the shortfall must be at most 1 × 5%: ≥ 95% (95% is exactly one
    # step → 3; 94.99% starts a second → 1).
    rule = get_kind("step_deduction").from_params(
        {"limit": "100%", "direction": "below", "step": "5%", "deduct": 2,
         "steps": "started"}, D(5))
    assert rule.values_for(D(3)) == ValueRange((Interval(D("0.95"), True, None, False),))
    assert rule.score(D("0.95")).score == 3 and rule.score(D("0.9499")).score == 1
    # Full points: no step started at all, i.e. ≥ 100%.
    assert rule.values_for(D(5)) == ValueRange((Interval(D("1.00"), True, None, False),))


def test_bands_merge_touching_bands() -> None:
    # =0 → 5, (0,10%] → 4, (10%,20%] → 3: at least 3 points is (-∞, 20%] once merged.
    rule = builtin("mof-2013-department").indicator("过程/预算执行/预算调整率").rule
    assert rule is not None
    found = rule.values_for(D(3))
    assert isinstance(found, ValueRange)
    assert found.intervals[-1].high == D("0.2") and found.intervals[-1].high_inclusive


def test_per_event_max_events() -> None:
    rule = get_kind("per_event").from_params({"deduct": 1}, D(3))
    assert rule.max_events(D(1)) == 2  # 3 − 2 × 1 = 1
    assert rule.max_events(D(0)) is None
    assert rule.max_events(D(4)) == -1
