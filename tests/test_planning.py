"""Next-grade plans: the seed example, hand-worked cases, vetoes, and a property."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.analysis import Plan, PlanError, next_grade
from perfrubric.errors import EvaluationError
from perfrubric.testing import data_for, rubrics

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "kaifu-commerce-2021"
DATA = ROOT / "tests" / "data" / "analysis"


def _rescore(plan: Plan) -> pr.Evaluation:
    """Score the applied data again, with the rubric as loaded (nothing simulated)."""
    return pr.evaluate(plan.rubric, plan.apply())


def _reaches(plan: Plan) -> bool:
    ev = _rescore(plan)
    scale = plan.rubric.grades
    return ev.grade is not None and scale.rank(ev.grade) <= scale.rank(plan.target_grade)


# -- the seed: national framework, 75/中 -------------------------------------------------


def test_seed_national_plan_staffing_to_11() -> None:
    rubric = pr.load_rubric(SEED / "national.toml")
    plan = next_grade(rubric, SEED / "data.toml")
    # national.toml declares 14 rows outside the comparison (not applicable, excluded), so
    # the total is rescaled over 在职人员控制率 5 + 实际完成率 15 = 20 points.
    # 在职人员控制率 21/11 = 190.91% loses all 5: 15/20 → 75 (中); the next grade is 良.
    # 良 needs 80% of 20 = 16, i.e. ≥ 1 point on 在职人员控制率: at most 8 whole steps
    # (−0.5 each) over 100%, rate < 109%, on_post < 11.99; on_post = 12 is 109.09%
    # (9 steps, 0.5 point: 15.5/20 = 77.5, 中), so 11 people, where the rate is 100% and
    # all 5 points are kept (≤ 11.11 keeps them).  Then 20/20 → 100 (优).
    assert (plan.total_before, plan.grade_before, plan.target_grade) == (D(75), "中", "良")
    assert len(plan.steps) == 1
    step = plan.steps[0]
    assert step.indicator == "投入/预算配置/在职人员控制率"
    assert step.points_gained == 5
    assert [(c.name, c.before, c.after) for c in step.changes] == [
        ("staffing.on_post", D(21), D(11))]
    applied = plan.apply()
    assert applied.staffing.on_post == 11 and applied.staffing.authorized == 11
    ev = pr.evaluate(rubric, applied)
    assert (ev.total, ev.grade) == (D(100), "优")
    assert (plan.total_after, plan.grade_after) == (D(100), "优")
    assert plan.rescaled  # 14 indicators excluded: +5 of 20 points move the total by 25
    assert {r.reason for r in plan.rescaling} == {"not_applicable"}
    assert sum(r.points for r in plan.rescaling) == 80  # 100 − 20 counted


def test_seed_plan_narrative_both_locales() -> None:
    plan = next_grade(pr.load_rubric(SEED / "national.toml"), SEED / "data.toml")
    zh = plan.narrative()
    assert "若在职人员控制率降至100.00%（在职人数由21人减至11人），可增加5分，总分100分" in zh
    # 75 (中) → 100 (优): the step jumps a grade past the target 良.
    assert "等级由中升为优" in zh
    # The rows are excluded because they are declared not applicable, not for lack of data.
    assert "14项指标不适用，不计分，总分按其余指标折算为100分制" in zh
    assert "缺少数据" not in zh
    en = plan.narrative(locale="en")
    assert "staff on post down from 21 people to 11 people" in en
    assert "grade up from Fair to Excellent" in en
    assert "14 indicators that do not apply are left out" in en


def test_already_at_grade_gives_an_empty_plan() -> None:
    # 75 is 中 (60 ≤ 75 < 80): asking for 中 needs nothing.
    plan = next_grade(pr.load_rubric(SEED / "national.toml"), SEED / "data.toml", grade="中")
    assert plan.steps == () and plan.applicable
    assert plan.apply() == pr.load_data(SEED / "data.toml")
    assert "无需整改" in plan.narrative()


def test_unknown_grade_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="no grade 'A'"):
        next_grade(pr.load_rubric(SEED / "national.toml"), SEED / "data.toml", grade="A")


# -- the MOF framework with every figure -------------------------------------------------


def test_cheapest_single_change_is_budget_final() -> None:
    rubric = pr.builtin("mof-2013-department")
    plan = next_grade(rubric, DATA / "mof2013-2021.toml")
    # 88.5 (良); 优 needs 1.5 more.  One indicator suffices: 预算完成率 90% scores 1
    # (2013.2 counts WHOLE 5% steps: 10% below is 2 steps, −2 each); any rate above 90%
    # is 1 whole step: 3 points (+2).  final/adjusted > 0.90 → final > 0.90 × 5200 =
    # 4680万元: the next cent up, 4680.01万元 (a change of 0.01/4680 ≈ 0.0002%), far
    # cheaper than raising a level (生态效益 一般 → 好, +2, counted 100%).
    assert plan.total_before == D("88.5") and not plan.rescaled
    [step] = plan.steps
    assert step.indicator == "过程/预算执行/预算完成率"
    assert (step.score_before, step.score_after) == (D(1), D(3))
    [change] = step.changes
    assert (change.name, change.before, change.after, change.unit) == (
        "budget.final", D(4680), D("4680.01"), "万元")
    ev = _rescore(plan)
    assert (ev.total, ev.grade) == (D("90.5"), "优")  # 88.5 + 2


def test_two_grades_up_needs_more_indicators() -> None:
    rubric = pr.builtin("mof-2013-department")
    # 2020: 80 (良).  优 needs 10 more; the largest gains: 在职人员控制率 +4.5,
    # 预算完成率 +5, 资金使用合规性 +2, 重点工作办结率 +2, 生态效益 +2, 经济效益 +2 …:
    # no two reach 10 (5 + 4.5 = 9.5), so three indicators at least.
    plan = next_grade(rubric, DATA / "mof2013-2020.toml", grade="优")
    assert len([s for s in plan.steps if s.indicator]) == 3
    assert plan.applicable
    ev = _rescore(plan)
    assert ev.grade == "优" and ev.total >= 90
    # The steps come most points first, and their totals add up step by step.
    gains = [s.points_gained for s in plan.steps]
    assert gains == sorted(gains, reverse=True)
    assert plan.steps[-1].total_after == ev.total


def test_assessment_level_is_changed_on_the_assessment() -> None:
    doc = {"rubric": {"id": "t", "version": "1", "title": "t"},
           "indicator": [
               {"path": "效益", "points": "100", "rule": {"kind": "levels", "levels": [
                   {"level": "好", "share": "100%"}, {"level": "较好", "share": "85%"},
                   {"level": "一般", "share": "60%"}]}}]}
    rubric = pr.rubric_from_dict(doc)
    data = {"department": {"name": "x"},
            "assessment": [{"indicator": "效益", "level": "一般", "reason": "r"}]}
    plan = next_grade(rubric, data)
    # 60 (中) → 良 needs 80: 较好 gives 85, the least level that does.
    [change] = plan.steps[0].changes
    assert change.name == "assessment:效益"
    assert change.after.level == "较好"
    assert _rescore(plan).total == 85


def test_value_on_an_exclusive_edge_moves_one_step_past_it() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [{"path": "甲", "points": "100", "measure": "facts.x", "unit": "%",
                       "rule": {"kind": "bands", "better": "higher", "bands": [
                           {"upto": "5%", "points": 70}, {"over": "5%", "points": 100}]}}]})
    # x = 5% lies in the first band (upto 5%, 含): 70 (中).  More than 5% gives 100; the
    # value is written to 2 places, so the next one up is 0.06.
    plan = next_grade(rubric, {"department": {"name": "x"}, "facts": {"x": "5%"}})
    assert [(c.name, c.before, c.after) for c in plan.changes] == [
        ("facts.x", D("0.05"), D("0.06"))]
    assert _rescore(plan).total == 100


# -- vetoes and changes on the measure only ---------------------------------------------


def _veto_rubric() -> pr.Rubric:
    return pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [
            {"path": "甲", "points": "50", "measure": "facts.a", "rule": {"kind": "ratio"}},
            {"path": "乙", "points": "50", "measure": "targets.completion", "unit": "%",
             "rule": {"kind": "ratio"}}],
        "veto": [{"name": "违纪", "when": "facts.violation", "reason": "发生重大违纪",
                  "grade_at_most": "中"}]})


def test_capping_veto_is_the_first_step() -> None:
    rubric = _veto_rubric()
    data = {"department": {"name": "x"}, "facts": {"a": "0.9", "violation": True},
            "target": [{"id": "t", "name": "t", "target": "100", "actual": "100"}]}
    # 45 + 50 = 95, but the veto caps the grade at 中.  Lifting it gives 优 at once.
    plan = next_grade(rubric, data, grade="优")
    assert plan.grade_before == "中"
    assert plan.steps[0].veto == "违纪"
    assert [(c.name, c.after) for c in plan.steps[0].changes] == [("facts.violation", False)]
    assert len(plan.steps) == 1
    assert _rescore(plan).grade == "优"
    assert "首先须消除一票否决情形（发生重大违纪" in plan.narrative()


def test_total_cap_below_the_grade_is_lifted_first() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [{"path": "甲", "points": "100", "measure": "facts.a",
                       "rule": {"kind": "ratio"}}],
        "veto": [{"name": "超支", "when": "facts.overspent", "reason": "超预算支出",
                  "total_at_most": 70}]})
    # 甲 = 85 but the total is capped at 70 (中).  良 needs 80 > 70: the cap must go;
    # then 85 reaches 良 with no other change.
    plan = next_grade(rubric, {"department": {"name": "x"},
                               "facts": {"a": "0.85", "overspent": True}})
    assert (plan.total_before, plan.grade_before) == (D(70), "中")
    assert [s.veto for s in plan.steps] == ["超支"]
    ev = _rescore(plan)
    assert (ev.total, ev.grade) == (D(85), "良")


def test_veto_that_no_simple_change_lifts_is_stated_only() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [{"path": "甲", "points": "100", "measure": "facts.a",
                       "rule": {"kind": "ratio"}}],
        "veto": [{"name": "审计", "when": "facts.n >= 0", "reason": "审计发现问题",
                  "grade_at_most": "差", "indicator": "甲"}]})
    # n ≥ 0 holds for n = 3 and for 0 too: no yes/no to flip, zeroing does not lift it.
    # The veto also sets 甲 to 0; lifted (simulated), 甲 scores 95 → 优.
    plan = next_grade(rubric, {"department": {"name": "x"},
                               "facts": {"a": "0.95", "n": 3}}, grade="优")
    assert plan.grade_before == "差"
    [step] = plan.steps
    assert step.veto == "审计" and not step.changes and not plan.applicable
    assert (plan.total_after, plan.grade_after) == (D(95), "优")
    with pytest.raises(PlanError, match="veto 审计"):
        plan.apply()


def test_derived_measure_is_changed_on_its_source() -> None:
    rubric = _veto_rubric()
    # 甲 at full; 乙 measures targets.completion = min(actual / target, 1) = 60%: 30 points.
    # 50 + 30 = 80 (良); 优 needs 90, so 乙 ≥ 40 points, completion ≥ 80%: actual 60 → 80.
    data = {"department": {"name": "x"}, "facts": {"a": "1", "violation": False},
            "target": [{"id": "t", "name": "t", "target": "100", "actual": "60"}]}
    plan = next_grade(rubric, data)
    [step] = plan.steps
    assert step.indicator == "乙" and step.score_after == 40
    assert [(c.name, c.before, c.after) for c in step.changes] == [
        ("targets.t.actual", D(60), D(80))]
    assert _rescore(plan).total == 90


def test_nonlinear_measure_is_stated_on_the_measure_only() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [{"path": "乙", "points": "100", "measure": "facts.a * facts.a",
                       "unit": "%", "rule": {"kind": "ratio"}}]})
    # a² = 0.64 → 64 points (中); 良 needs 80: a² ≥ 80%, not linear in a, so the step is
    # "raise 乙 to at least 80%" with no data change.
    plan = next_grade(rubric, {"department": {"name": "x"}, "facts": {"a": "0.8"}})
    [step] = plan.steps
    assert step.indicator == "乙" and not step.changes and not plan.applicable
    assert step.score_after == 80
    assert "若乙提高至不低于80%，可增加16分，总分80分，等级由中升为良" in plan.narrative()
    assert "乙 rises to at least 80%" in plan.narrative(locale="en")
    with pytest.raises(PlanError, match="measure only"):
        plan.apply()


def _two_rows(missing: str) -> pr.Rubric:
    return pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [
            {"path": "甲", "points": "50", "measure": "facts.a", "missing": missing,
             "rule": {"kind": "ratio"}},
            {"path": "乙", "points": "50", "measure": "facts.b", "missing": missing,
             "rule": {"kind": "ratio"}}]})


def test_cannot_rate_evaluation_is_a_plan_error_naming_the_rows() -> None:
    # Neither figure is reported; under missing = "cannot_rate" both score 0 and the
    # evaluation has no grade: there is no grade to lift, and the error says which rows.
    with pytest.raises(PlanError, match=r"no grade \(甲: .*facts\.a.*; 乙: .*facts\.b"):
        next_grade(_two_rows("cannot_rate"), {"department": {"name": "x"}})


def test_refused_data_raise_every_problem_before_planning() -> None:
    # Under missing = "error" the absent figures are errors, collected one per indicator:
    # the planner does not hide them behind a PlanError.
    with pytest.raises(EvaluationError) as caught:
        next_grade(_two_rows("error"), {"department": {"name": "x"}})
    assert [p.path for p in caught.value.problems] == ["甲", "乙"]


def test_candidate_whose_rescoring_errors_is_dropped_not_raised() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [
            {"path": "甲", "points": "50", "measure": "facts.a", "rule": {"kind": "ratio"}},
            {"path": "乙", "points": "50", "measure": "facts.b / (1 - facts.a)",
             "rule": {"kind": "ratio"}}]})
    data = {"department": {"name": "x"}, "facts": {"a": "0.6", "b": "0.2"}}
    # 甲 0.6 × 50 = 30, 乙 0.2 / 0.4 = 50% → 25: 55 (差).  优 needs 35 more; 乙 alone gives
    # at most 25, so a plan changes 甲 (its fact a is read by 乙 too).  A candidate giving
    # 甲 its full 50 sets a = 1, where 乙's measure divides by zero: re-scoring it is an
    # EvaluationError (missing = "error"), which rules that candidate out instead of
    # escaping the planner.  Raising a moves both: a = 0.9 gives 甲 45 and 乙 0.2 / 0.1 =
    # 200% → 50, 95 (优) with one step, whose side effect on 乙 the step lists.
    plan = next_grade(rubric, data, grade="优")
    [step] = plan.steps
    assert step.indicator == "甲" and [c.name for c in step.changes] == ["facts.a"]
    assert [e.indicator for e in step.effects] == ["甲", "乙"]
    assert step.side_effects[0].score_after == 50
    # Its own points and its side effect add up to the step's move of the total.
    assert step.points_total == step.total_after - D(55)
    assert pr.evaluate(rubric, plan.apply()).total == plan.total_after


# -- properties ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_plan_rescored_reaches_its_grade(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    doc: dict[str, Any] = data.draw(data_for(rubric))
    try:
        ev = pr.evaluate(rubric, doc)
    except EvaluationError:
        return  # data the rubric refuses: nothing to plan
    target = data.draw(st.sampled_from([None, *[g.name for g in rubric.grades.grades]]))
    try:
        plan = next_grade(rubric, doc, grade=target)
    except PlanError:
        assert ev.grade is None or rubric.grades.rank(ev.grade) > 0
        return
    scale = rubric.grades
    assert plan.grade_after is not None
    assert scale.rank(plan.grade_after) <= scale.rank(plan.target_grade)
    if plan.applicable:
        after = _rescore(plan)
        assert after.total == plan.total_after
        assert _reaches(plan)
    # Changes only ever raise indicator scores.
    for step in plan.steps:
        if step.indicator is not None:
            assert step.points_gained > 0
