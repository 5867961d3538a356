"""The engine: totals, grades, missing-data policies, either-or, vetoes, overrides.

Expected values are worked out by hand; the arithmetic is in the comments.
"""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from typing import Any

import pytest

import perfrubric as pr

HEAD = textwrap.dedent('''\
    [rubric]
    id = "e"
    version = "1"
    title = "引擎测试"
    ''')


def row(path: str, points: int | str, extra: str = "") -> str:
    return f'\n[[indicator]]\npath = "{path}"\npoints = {points}\n{extra}\n'


# 投入 40 = 在职人员控制率 20 + 三公经费变动率 20; 产出 60 = 完成率 30 + 安全 30
BASE = (HEAD
        + row("投入", 40) + row("投入/预算配置", 40)
        + row("投入/预算配置/在职人员控制率", 20,
              'measure = "staffing.on_post / staffing.authorized"\nunit = "%"\n'
              'rule = { kind = "step_deduction", limit = "100%", direction = "above", '
              'step = "1%", deduct = 0.5, steps = "whole" }')
        + row("投入/预算配置/三公经费变动率", 20,
              'measure = "(budget.sangong.actual - budget.sangong.previous_actual) / '
              'budget.sangong.previous_actual"\nunit = "%"\nmissing = "full"\n'
              'rule = { kind = "step_deduction", limit = "0%", direction = "above", '
              'step = "1%", deduct = 0.3, steps = "fraction" }')
        + row("产出", 60) + row("产出/数量", 60)
        + row("产出/数量/实际到位内资完成率", 30,
              'measure = "targets.investment.actual / targets.investment.target"\n'
              'unit = "%"\nvalue_rounding = { places = 2, mode = "down" }\n'
              'rule = { kind = "ratio" }')
        + row("产出/数量/安全事故", 30,
              'measure = "facts.incidents"\nrule = { kind = "per_event", deduct = 10 }'))


def dept(**sections: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "department": {"name": "测试局", "year": 2021},
        "staffing": {"authorized": 20, "on_post": 20},
        "budget": {"sangong": {"actual": "9万元", "previous_actual": "10万元"}},
        "target": [{"id": "investment", "name": "实际到位内资", "unit": "亿元",
                    "target": "215.92", "actual": "252.94"}],
        "facts": {"incidents": 0},
    }
    doc.update(sections)
    return doc


def evaluate(rubric_text: str, data: dict[str, Any]) -> pr.Evaluation:
    return pr.evaluate(pr.loads_rubric(rubric_text, file="e.toml"), data)


def test_all_full_scores_100_and_excellent() -> None:
    ev = evaluate(BASE, dept())
    assert ev.total == Decimal(100) and ev.grade == "优"
    assert ev.to_dict()["total"] == "100"
    # 252.94 / 215.92 = 1.171452… -> shown 117.14 (truncated to 2 places)
    result = ev.results["产出/数量/实际到位内资完成率"]
    assert result.shown == Decimal("117.14") and result.unit == "%"
    assert result.score == Decimal(30) and result.status == "scored"


def test_step_deduction_whole_steps_and_fraction() -> None:
    # on_post 21 / authorized 20 = 105% -> 5 whole steps over 100% × 0.5 = 2.5 lost -> 17.5
    # sangong (10.5 - 10) / 10 = 5% over 0% -> 5 steps × 0.3 = 1.5 lost -> 18.5
    data = dept(staffing={"authorized": 20, "on_post": 21},
                budget={"sangong": {"actual": "10.5万元", "previous_actual": "10万元"}})
    ev = evaluate(BASE, data)
    assert ev.results["投入/预算配置/在职人员控制率"].score == Decimal("17.5")
    assert ev.results["投入/预算配置/在职人员控制率"].deducted == Decimal("2.5")
    assert ev.results["投入/预算配置/三公经费变动率"].score == Decimal("18.5")
    # parent = 17.5 + 18.5 = 36; total = 36 + 60 = 96 -> 优
    assert ev.results["投入"].score == Decimal(36)
    assert ev.total == Decimal(96) and ev.grade == "优"


def test_deductions_stop_at_zero() -> None:
    # 3 incidents × 10 = 30 = all points; 5 incidents would be 50 but 扣完为止 -> 0
    ev = evaluate(BASE, dept(facts={"incidents": 5}))
    assert ev.results["产出/数量/安全事故"].score == 0
    assert ev.total == Decimal(70) and ev.grade == "中"


def test_ratio_below_target_is_proportional() -> None:
    # 1281 / 1358 = 0.943298… × 30 = 28.2989… -> 28.30 (half-up, 2 places)
    data = dept(target=[{"id": "investment", "name": "接种", "unit": "人",
                         "target": 1358, "actual": 1281}])
    ev = evaluate(BASE, data)
    assert ev.results["产出/数量/实际到位内资完成率"].score == Decimal("28.30")
    assert ev.results["产出/数量/实际到位内资完成率"].shown == Decimal("94.32")
    assert ev.total == Decimal("98.30")


def test_missing_full_policy_gives_full_points() -> None:
    # 上年无三公经费 -> missing = "full" gives the 20 points, status missing
    data = dept(budget={"sangong": {"actual": "9万元"}})
    ev = evaluate(BASE, data)
    result = ev.results["投入/预算配置/三公经费变动率"]
    assert result.status == "missing" and result.score == 20
    assert "budget.sangong.previous_actual" in (result.note or "")


def test_missing_under_error_policy_names_the_indicator() -> None:
    data = dept(staffing={"on_post": 20})
    with pytest.raises(pr.EvaluationError) as info:
        evaluate(BASE, data)
    assert info.value.indicator == "投入/预算配置/在职人员控制率"
    assert "staffing.authorized" in str(info.value) and "missing =" in str(info.value)


def test_division_by_zero_falls_under_the_missing_policy() -> None:
    # previous 0 -> division by zero -> missing = "full"
    data = dept(budget={"sangong": {"actual": "9万元", "previous_actual": "0万元"}})
    result = evaluate(BASE, data).results["投入/预算配置/三公经费变动率"]
    assert result.status == "missing" and "division by zero" in (result.note or "")


def test_exclude_rescales_to_full_marks() -> None:
    # Exclude 安全事故 (30) when missing: counted 70; the rest scores 20 + 20 + 30 = 70
    # -> total = 70 × 100 / 70 = 100. With 21/20 on post: 17.5 + 20 + 30 = 67.5
    # -> 67.5 × 100 / 70 = 96.428… -> 96.43
    text = BASE.replace('measure = "facts.incidents"', 'measure = "facts.incidents"\n'
                        'missing = "exclude"')
    data = dept(facts={}, staffing={"authorized": 20, "on_post": 21})
    ev = evaluate(text, data)
    assert ev.results["产出/数量/安全事故"].status == "excluded"
    assert ev.counted_points == Decimal(70) and ev.rescaled
    assert ev.raw_total == Decimal("67.5")
    assert ev.total == Decimal("96.43")


def test_cannot_rate_gives_no_grade() -> None:
    text = BASE.replace('measure = "facts.incidents"', 'measure = "facts.incidents"\n'
                        'missing = "cannot_rate"')
    ev = evaluate(text, dept(facts={}))
    assert ev.grade is None and not ev.rated
    assert ev.cannot_rate and "产出/数量/安全事故" in ev.cannot_rate[0]
    assert ev.to_dict()["grade"] is None


def test_not_applicable_gives_full_points() -> None:
    # 没有该类项目的按满分计算
    text = BASE.replace('measure = "facts.incidents"', 'measure = "facts.incidents"\n'
                        'applicable = "facts.has_sites"')
    ev = evaluate(text, dept(facts={"has_sites": False, "incidents": 3}))
    result = ev.results["产出/数量/安全事故"]
    assert result.status == "not_applicable" and result.score == 30


def test_override_keeps_the_rule_score() -> None:
    # rule: 2 incidents × 10 = 20 lost -> 10; the evaluator overrides with 25
    data = dept(facts={"incidents": 2},
                assessment=[{"indicator": "产出/数量/安全事故", "score": 25,
                             "reason": "一起事故经核实不属监管责任", "assessor": "评价组"}])
    ev = evaluate(BASE, data)
    result = ev.results["产出/数量/安全事故"]
    assert result.status == "overridden"
    assert result.rule_score == Decimal(10) and result.score == Decimal(25)
    assert result.override is not None and result.override.assessor == "评价组"
    assert ev.total == Decimal(95)


def test_override_outside_points_is_an_error() -> None:
    data = dept(assessment=[{"indicator": "产出/数量/安全事故", "score": 31}])
    with pytest.raises(pr.EvaluationError, match="outside 0–30"):
        evaluate(BASE, data)


def test_assessment_for_unknown_indicator_is_a_warning_or_strict_error() -> None:
    # one data file, several rubrics: an assessment this rubric lacks is ignored, with a warning
    data = dept(assessment=[{"indicator": "产出/数量/安全事", "score": 1}])
    ev = evaluate(BASE, data)
    assert ev.total == 100
    assert [(w.code, w.indicator) for w in ev.warnings] == [("unknown_indicator", "产出/数量/安全事")]
    assert "did you mean '产出/数量/安全事故'" in ev.warnings[0].message
    assert ev.to_dict()["warnings"][0]["code"] == "unknown_indicator"
    with pytest.raises(pr.EvaluationError, match="did you mean '产出/数量/安全事故'"):
        pr.evaluate(pr.loads_rubric(BASE), data, strict=True)


def test_veto_caps_the_grade() -> None:
    text = BASE + textwrap.dedent('''
        [[veto]]
        name = "重大违规"
        when = "facts.major_violation"
        reason = "发生重大违规违纪问题，一票否决"
        grade_at_most = "差"
        ''')
    ev = evaluate(text, dept(facts={"incidents": 0, "major_violation": True}))
    assert ev.total == Decimal(100) and ev.grade == "差"
    assert [v.name for v in ev.vetoes] == ["重大违规"]
    clean = evaluate(text, dept(facts={"incidents": 0, "major_violation": False}))
    assert clean.grade == "优" and not clean.vetoes
    with pytest.raises(pr.EvaluationError, match="missing = \"pass\""):
        evaluate(text, dept())


def test_veto_caps_the_total_and_zeroes_an_indicator() -> None:
    text = BASE + textwrap.dedent('''
        [[veto]]
        when = "facts.incidents >= 1"
        reason = "发生安全事故"
        total_at_most = 59
        indicator = "产出/数量/安全事故"
        ''')
    ev = evaluate(text, dept(facts={"incidents": 1}))
    assert ev.results["产出/数量/安全事故"].status == "vetoed"
    assert ev.results["产出/数量/安全事故"].score == 0
    assert ev.total == Decimal(59) and ev.grade == "差"


def test_either_or_scores_one_alternative() -> None:
    # 安全事故 and 安全检查 share 30 points; only one is scored.
    text = (BASE
            + row("产出/数量/安全检查", 30,
                  'measure = "facts.checks_done / facts.checks_planned"\n'
                  'rule = { kind = "ratio" }')
            + textwrap.dedent('''
                [[either_or]]
                name = "安全"
                alternatives = [
                  { path = "产出/数量/安全检查", when = "has(facts.checks_planned)" },
                  "产出/数量/安全事故",
                ]
                '''))
    with_checks = evaluate(text, dept(facts={"incidents": 3, "checks_done": 9,
                                             "checks_planned": 12}))
    # chosen: 安全检查 9/12 × 30 = 22.5; 安全事故 not chosen -> total 40 + 30 + 22.5
    assert with_checks.results["产出/数量/安全事故"].status == "not_chosen"
    assert with_checks.results["产出/数量/安全检查"].score == Decimal("22.5")
    assert with_checks.total == Decimal("92.5")
    without = evaluate(text, dept(facts={"incidents": 1}))
    assert without.results["产出/数量/安全检查"].status == "not_chosen"
    assert without.total == Decimal(90)


def test_judged_indicator_takes_the_assessment() -> None:
    text = BASE.replace('measure = "facts.incidents"\nrule = { kind = "per_event", deduct = 10 }',
                        'rule = { kind = "levels", levels = [\n'
                        '  { level = "好", share = "100%" }, { level = "较好", share = "80%" },\n'
                        '  { level = "一般", share = "60%" }, { level = "差", share = "0%" } ] }')
    data = dept(assessment=[{"indicator": "产出/数量/安全事故", "level": "较好",
                             "reason": "检查覆盖率较高"}])
    ev = evaluate(text, data)
    # 较好 = 80% × 30 = 24
    assert ev.results["产出/数量/安全事故"].score == Decimal(24)
    assert ev.results["产出/数量/安全事故"].matched == "较好"
    with pytest.raises(pr.EvaluationError, match="no measure and no assessment"):
        evaluate(text, dept())


def test_rule_input_error_names_indicator() -> None:
    with pytest.raises(pr.EvaluationError) as info:
        evaluate(BASE, dept(facts={"incidents": "两起"}))
    assert info.value.indicator == "产出/数量/安全事故"


def test_custom_grade_scale_and_total_rounding() -> None:
    text = BASE.replace('title = "引擎测试"', 'title = "引擎测试"\n'
                        'total_rounding = { places = 0, mode = "half_up" }\n'
                        'grades = [{ name = "A", min = 95 }, { name = "B", min = 0 }]')
    # 1281/1358 case: 98.30 -> 98 with 0 places
    data = dept(target=[{"id": "investment", "name": "x", "target": 1358, "actual": 1281}])
    ev = evaluate(text, data)
    assert ev.total == Decimal(98) and ev.grade == "A"


def test_to_dict_is_json_ready_and_stable() -> None:
    ev = evaluate(BASE, dept())
    first = json.dumps(ev.to_dict(), ensure_ascii=False, sort_keys=True)
    second = json.dumps(evaluate(BASE, dept()).to_dict(), ensure_ascii=False, sort_keys=True)
    assert first == second
    out = ev.to_dict()
    assert out["rubric"]["sha256"] == ev.rubric.sha256
    paths = [i["path"] for i in out["indicators"]]
    assert paths[0] == "投入" and paths.index("投入") < paths.index("投入/预算配置")
    leaf = next(i for i in out["indicators"] if i["path"] == "产出/数量/实际到位内资完成率")
    assert leaf["shown"] == "117.14" and leaf["score"] == "30" and leaf["kind"] == "ratio"


def test_money_measure_needs_a_unit() -> None:
    text = BASE.replace('measure = "facts.incidents"\nrule = { kind = "per_event", deduct = 10 }',
                        'measure = "budget.sangong.actual"\n'
                        'rule = { kind = "threshold", threshold = 10, full_when = "at_most" }')
    # refused at load (issue 17): no data could ever be scored without the unit
    with pytest.raises(pr.RubricError, match="declare the unit"):
        evaluate(text, dept())
    # 9万元 ≤ 10 -> full
    ev = evaluate(text.replace('measure = "budget.sangong.actual"',
                               'measure = "budget.sangong.actual"\nunit = "万元"'), dept())
    assert ev.results["产出/数量/安全事故"].score == 30


def test_not_chosen_alternative_subtree_is_not_evaluated() -> None:
    # Two sub-trees as alternatives; the unchosen one lacks data but must not fail.
    text = (HEAD + row("甲", 100) + row("甲/A", 50) + row("甲/A/a1", 50,
                                                        'measure = "facts.a"\nrule = { kind = "ratio" }')
            + row("甲/B", 50) + row("甲/B/b1", 50, 'measure = "facts.b"\nrule = { kind = "ratio" }')
            + row("甲/C", 50) + row("甲/C/c1", 50, 'measure = "facts.c"\nrule = { kind = "ratio" }')
            + '\n[[either_or]]\nalternatives = [{ path = "甲/A", when = "has(facts.a)" }, "甲/B"]\n')
    ev = evaluate(text, {"department": {"name": "d"}, "facts": {"a": "0.5", "c": 1}})
    # A chosen: 0.5 × 50 = 25; B and b1 not chosen; C 50 → total 75
    assert ev.results["甲/B"].status == ev.results["甲/B/b1"].status == "not_chosen"
    assert ev.total == Decimal(75)


def test_veto_on_a_parent_zeroes_every_leaf_below() -> None:
    text = BASE + textwrap.dedent('''
        [[veto]]
        when = "facts.incidents >= 1"
        reason = "安全事故"
        indicator = "产出/数量"
        ''')
    ev = evaluate(text, dept(facts={"incidents": 1}))
    assert ev.results["产出/数量/实际到位内资完成率"].status == "vetoed"
    assert ev.results["产出"].score == 0 and ev.total == Decimal(40)


def test_assessed_score_without_measure_is_an_override() -> None:
    # A ratio row with no measure: the evaluator's score replaces the rule.
    text = BASE.replace('measure = "facts.incidents"\nrule = { kind = "per_event", deduct = 10 }',
                        'rule = { kind = "ratio" }')
    data = dept(assessment=[{"indicator": "产出/数量/安全事故", "score": 12, "reason": "抽查"}])
    result = evaluate(text, data).results["产出/数量/安全事故"]
    assert result.status == "overridden" and result.score == 12 and result.rule_score is None


def test_nested_facts_become_dotted_names() -> None:
    text = BASE.replace('measure = "facts.incidents"', 'measure = "facts.safety.incidents"')
    ev = evaluate(text, dept(facts={"safety": {"incidents": 1}}))
    assert ev.results["产出/数量/安全事故"].score == 20


def test_facts_of_an_unusable_type_are_data_errors() -> None:
    with pytest.raises(pr.DataError) as info:
        pr.load_data(dept(facts={"counts": [1, 2]}))
    assert info.value.path == "facts.counts" and "text items only" in str(info.value)
