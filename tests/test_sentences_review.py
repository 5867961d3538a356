"""Sentences a reviewer would not rewrite (issue 20, point 7).

English counts agree with their number, a count of events reads as a count
(资金使用合规性：发现违规1起，扣1分), a target with no unit never runs its count
into its name, and a tier named like an indicator is not called a category.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric import narrative as n
from perfrubric.narrative.catalogs import _singular

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent
COMPLIANCE = "过程/预算管理/资金使用合规性"


def a0001(**facts: object) -> pr.Evaluation:
    """tests/data/county-a0001.toml (75.25, 中) with some facts changed."""
    raw = tomllib.loads((DATA / "county-a0001.toml").read_text("utf-8"))
    raw["facts"].update(facts)
    return pr.evaluate(pr.builtin("mof-2013-department"), raw)


def test_count_wording_names_what_was_found() -> None:
    ev = a0001()
    # one violation × 1 point = 1 deducted of 5
    assert n.indicator_sentence(ev, COMPLIANCE).text == "资金使用合规性：发现违规1起，扣1分"
    assert n.indicator_sentence(ev, COMPLIANCE, locale="en").text == (
        "Compliant use of funds: violations found: 1; 1 point deducted")
    clean = a0001(fund_violations=0)
    assert n.indicator_sentence(clean, COMPLIANCE).text == "资金使用合规性：未发现违规，得满分5分"
    assert n.indicator_sentence(clean, COMPLIANCE, locale="en").text == (
        "Compliant use of funds: no violations found; full 5 points")


@given(st.integers(min_value=0, max_value=12))
def test_any_count_of_violations(count: int) -> None:
    ev = a0001(fund_violations=count)
    lost = min(count, 5)  # 1 point each, 扣完为止 at 5
    zh = n.indicator_sentence(ev, COMPLIANCE).text
    en = n.indicator_sentence(ev, COMPLIANCE, locale="en").text
    if count == 0:
        assert zh == "资金使用合规性：未发现违规，得满分5分"
    else:
        assert zh == f"资金使用合规性：发现违规{count}起，扣{lost}分"
        noun = "point" if lost == 1 else "points"
        assert en == f"Compliant use of funds: violations found: {count}; {lost} {noun} deducted"


def test_no_english_sentence_says_1_points() -> None:
    for ev in (a0001(), a0001(fund_violations=0),
               pr.evaluate(pr.builtin("mof-2020-project-self"),
                           ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml")):
        text = n.report_text(ev, locale="en")
        assert " 1 points" not in text and " 1 items" not in text


@pytest.mark.parametrize(("parts", "expected"), [
    ({"lost": "1"}, "{lost} point deducted"),
    ({"lost": "1.50"}, "{lost} points deducted"),
    ({"lost": "0"}, "{lost} points deducted"),
    ({"lost": "11"}, "{lost} points deducted"),
])
def test_singular_only_for_exactly_one(parts: dict[str, str], expected: str) -> None:
    assert _singular("{lost} points deducted", parts) == expected


def test_singular_follows_the_number_it_counts() -> None:
    # "{score} of {points} points": the noun counts {points}, not {score}
    template = "{score} of {points} points, {lost} deducted"
    assert _singular(template, {"score": "1", "points": "5", "lost": "4"}) == template
    assert _singular(template, {"score": "0", "points": "1", "lost": "1"}) == (
        "{score} of {points} point, {lost} deducted")
    assert _singular("{score} of {counted} scorable points", {"counted": "1"}) == (
        "{score} of {counted} scorable point")
    assert _singular("all {count} items met", {"count": "1"}) == "all {count} item met"


def test_a_target_without_a_unit_keeps_its_count_apart() -> None:
    ev = a0001()
    # 目标1: target 10, actual 12, no unit: never 完成目标112
    assert n.target_sentence(ev, "t1").text == "目标1完成12（年任务10）"
    assert n.target_sentence(ev, "t1", locale="en").text == "目标1: 12 against a target of 10"


def test_a_target_with_a_unit_keeps_the_report_wording() -> None:
    ev = pr.evaluate(pr.load_rubric(ROOT / "examples" / "kaifu-commerce-2021" / "rubric.toml"),
                     ROOT / "examples" / "kaifu-commerce-2021" / "data.toml")
    assert n.target_sentence(ev, "domestic_investment").text == (
        "全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%")


def test_tier_named_like_an_indicator_is_not_a_category() -> None:
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"),
                     ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml")
    top = ev.rubric.indicators[0]
    assert top.name == "预算执行率"
    # 9.50 of 10: 95% executed
    assert n.tier_summary(ev, top.path).text == "预算执行率指标满分10分，得分9.50分，扣0.50分"
    assert ev.results[top.path].score == Decimal("9.50")


def test_event_nouns_are_read_and_checked() -> None:
    rubric = pr.builtin("mof-2013-department")
    rule = rubric.indicator(COMPLIANCE).rule
    assert rule is not None and rule.params() == {
        "deduct": Decimal(1), "event": "违规", "event_en": "violations"}
    bad = """
[rubric]
id = "t"
version = "1"
title = "t"
full_marks = 5
grades = [{ name = "合格", min = 0 }]

[[indicator]]
path = "违规"
points = 5
measure = "facts.fund_violations"
rule = { kind = "per_event", deduct = 1, event = "" }
"""
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(bad, file="bad.toml")
    [problem] = info.value.problems
    assert problem.path is not None and problem.path.endswith("event")
    assert (problem.file, problem.line) == ("bad.toml", 13)  # the rule line (line 1 is empty)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_a_form_row_writes_money_in_its_targets_unit(locale: str) -> None:
    from perfrubric.views.form import form_rows

    ev = pr.evaluate(pr.builtin("mof-2020-project-self"),
                     ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml")
    rows = {r.tiers[2]: r for r in form_rows(ev, locale=locale)}
    # actual = "1197000元" beside target "≤126万元": 1197000 ÷ 10000 = 119.7万元
    assert (rows["项目总成本"].target, rows["项目总成本"].actual) == ("≤126万元", "119.7万元")
    # already in the target's unit: as printed
    assert rows["每公里年养护成本"].actual == "1.38万元"
