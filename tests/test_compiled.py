"""The compiled totals path gives exactly what the full engine gives, or hands over to it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.engine import compiled as _compiled
from perfrubric.engine.compiled import CompiledRubric, Totals
from perfrubric.testing import data_for, rubrics

SEED = Path(__file__).parent.parent / "examples" / "kaifu-commerce-2021"

# Measures over the typed model (staffing counts, money with and without a
# unit, 三公 totals derived from items, targets and their aggregates).
TYPED = pr.loads_rubric("""
[rubric]
id = "typed"
version = "1"
title = "typed names"
full_marks = 40

[[indicator]]
path = "在职人员控制率"
points = 10
measure = "staffing.on_post / staffing.authorized"
unit = "%"
rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.5, steps = "whole" }

[[indicator]]
path = "预算调整率"
points = 10
measure = "abs(budget.adjusted - budget.initial) / budget.initial"
missing = "zero"
rule = { kind = "bands", better = "lower", bands = [
  { upto = "0%", points = 10 }, { over = "0%", upto = "10%", points = 8 },
  { over = "10%", points = 0 } ] }

[[indicator]]
path = "三公经费"
points = 10
measure = "budget.sangong.actual"
unit = "万元"
missing = "full"
rule = { kind = "threshold", threshold = 50, full_when = "at_most" }

[[indicator]]
path = "完成率"
points = 10
measure = "targets.completion"
missing = "exclude"
rule = { kind = "ratio" }
""")


def _same(rubric: pr.Rubric, doc: dict[str, Any]) -> None:
    """Engine and compiled path agree on total, grade, status and every leaf score,
    or both raise the same kind of error; and when the engine scores the data
    (and the rubric has no veto), the compiled path scored it itself."""
    dept = pr.load_data(doc)
    compiled = CompiledRubric(rubric)
    try:
        ev = pr.evaluate(rubric, dept)
    except pr.PerfrubricError as exc:
        with pytest.raises(type(exc)):
            compiled.run(dept)
        return
    fast = compiled._fast(dept) if compiled.supported else None  # raises on a fallback
    got = compiled.run(dept)
    assert compiled.supported == (not rubric.vetoes)
    for totals in (got, fast):
        if totals is None:
            continue
        assert str(totals.total) == str(ev.total)
        assert totals.grade == ev.grade
        assert totals.status == ("scored" if ev.grade is not None else "cannot_rate")
        # every leaf, in table order (a batch sends the scores in that order)
        assert [(p, str(s)) for p, s in totals.scores.items()] == [
            (r.path, str(r.score)) for r in ev.leaves()]
        assert dict(totals.measured) == {r.path: r.measured for r in ev.leaves()
                                         if r.measured is not None}


_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_SETTINGS
@given(st.data())
def test_generated_rubrics_without_vetoes(data: st.DataObject) -> None:
    rubric = data.draw(rubrics(vetoes=False))
    _same(rubric, data.draw(data_for(rubric)))


@_SETTINGS
@given(st.data())
def test_generated_rubrics_of_the_compiled_kinds(data: st.DataObject) -> None:
    rubric = data.draw(rubrics(vetoes=False, kinds=("ratio", "threshold", "step_deduction",
                                                    "bands")))
    _same(rubric, data.draw(data_for(rubric)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_rubrics_with_vetoes_fall_back(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    _same(rubric, data.draw(data_for(rubric)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_typed_names(data: st.DataObject) -> None:
    _same(TYPED, data.draw(data_for(TYPED)))


@pytest.mark.parametrize("rubric_id", pr.builtin_ids())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_builtin_rubrics(rubric_id: str, data: st.DataObject) -> None:
    rubric = pr.builtin(rubric_id)
    _same(rubric, data.draw(data_for(rubric)))


def test_seed_example() -> None:
    rubric = pr.load_rubric(SEED / "rubric.toml")
    doc = pr.data.unstructure_department(pr.load_data(SEED / "data.toml"))
    _same(rubric, doc)
    assert CompiledRubric(rubric).run(pr.load_data(doc)).total == Decimal("100.00")


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The departments handed to the full engine (a fallback), by name."""
    calls: list[str] = []
    real = _compiled.evaluate

    def counting(rubric: pr.Rubric, dept: pr.Department) -> pr.Evaluation:
        calls.append(dept.name)
        return real(rubric, dept)

    monkeypatch.setattr(_compiled, "evaluate", counting)
    return calls


def test_missing_policies_are_compiled_and_missing_data_under_error_goes_to_the_engine(
        engine_calls: list[str]) -> None:
    compiled = CompiledRubric(TYPED)
    assert compiled.supported
    # 21/20 = 105%: 5 steps × 0.5 → 7.50; |1000 − 800|/800 = 25% → 0; 三公 40万元 ≤ 50 → 10;
    # completion min(12/10, 1) = 1 → 10.  Total 27.50 of 40 = 68.75% → grade 中.
    full = {"department": {"name": "全"}, "staffing": {"authorized": 20, "on_post": 21},
            "budget": {"initial": "800万元", "adjusted": "1000万元",
                       "sangong": {"actual": "40万元"}},
            "target": [{"id": "a", "name": "a", "target": 10, "actual": 12}]}
    got = compiled.run(pr.load_data(full))
    assert (got.total, got.grade, engine_calls) == (Decimal("27.50"), "中", [])
    # Without targets the 完成率 is excluded (missing = "exclude"), on the compiled path:
    # 17.50 of the 30 points counted, rescaled to 40: 17.50 / 30 × 40 = 23.333… → 23.33.
    partial = {k: v for k, v in full.items() if k != "target"}
    partial["department"] = {"name": "缺"}
    got = compiled.run(pr.load_data(partial))
    assert (got.total, engine_calls) == (Decimal("23.33"), [])
    # Without 在职人数 (missing = "error") the engine runs, and says what is missing.
    no_staff = {**full, "department": {"name": "无"}, "staffing": {"authorized": 20}}
    with pytest.raises(pr.EvaluationError, match=r"staffing\.on_post"):
        compiled.run(pr.load_data(no_staff))
    assert engine_calls == ["无"]


def test_rubrics_with_vetoes_always_use_the_engine(engine_calls: list[str]) -> None:
    rubric = pr.loads_rubric("""
[rubric]
id = "veto"
version = "1"
title = "veto"
full_marks = 10
[[indicator]]
path = "率"
points = 10
measure = "facts.rate"
rule = { kind = "ratio" }
[[veto]]
name = "违规"
when = "facts.violation"
reason = "违规"
total_at_most = 5
""")
    compiled = CompiledRubric(rubric)
    assert not compiled.supported
    # 0.8 × 10 = 8.00, capped at 5 by the veto.
    got = compiled.run(pr.load_data({"department": {"name": "否决"},
                                     "facts": {"rate": "0.8", "violation": True}}))
    assert (got.total, engine_calls) == (Decimal("5.00"), ["否决"])


def test_the_2013_county_unit_is_scored_on_the_compiled_path(engine_calls: list[str]) -> None:
    from test_batch import FIRST, document

    # Worked by hand in tests/test_batch.py (checklist, per-event, yes/no, levels from
    # assessments, the applicable 三公 row and the threshold): 75.25 → 中.
    got = CompiledRubric(pr.builtin("mof-2013-department")).run(pr.load_data(document(FIRST)))
    assert (got.total, got.grade, engine_calls) == (Decimal("75.25"), "中", [])
    assert got.scores["过程/预算管理/管理制度健全性"] == Decimal("3.00")  # 2 + 1
    assert got.scores["效果/履职效益/社会效益"] == Decimal("4.00")  # 较好: 80% of 5
    assert got.measured["效果/履职效益/经济效益"] == "好"


def test_a_project_form_is_scored_on_the_compiled_path(engine_calls: list[str]) -> None:
    form = {"department": {"name": "项目A"},
            "budget": {"adjusted": "100万元", "final": "90万元"},
            "target": [
                {"id": "n", "name": "培训人数", "indicator": "产出指标/数量指标", "points": 30,
                 "target": "≥50人", "actual": "40人"},
                {"id": "c", "name": "成本", "indicator": "产出指标/成本指标", "points": 20,
                 "target": "≤90万元", "actual": "100万元"},
                {"id": "s", "name": "社会效益", "indicator": "效益指标/社会效益指标",
                 "points": 30, "target": "效果明显", "level": "部分达成预期指标",
                 "score": 21},
                {"id": "m", "name": "满意度", "indicator": "满意度指标/服务对象满意度指标",
                 "points": 10, "target": "≥90%", "actual": "95%"}]}
    got = CompiledRubric(pr.builtin("mof-2020-project-self")).run(pr.load_data(form))
    # 预算执行率 90/100 × 10 = 9; 培训人数 40/50 × 30 = 24; 成本 (lower is better)
    # 90/100 × 20 = 18; 社会效益 部分达成 with the evaluator's 21 (60–80% of 30 = 18–24);
    # 满意度 reached → 10.  9 + 24 + 18 + 21 + 10 = 82.00 → 良.
    assert (got.total, got.grade, engine_calls) == (Decimal("82.00"), "良", [])
    assert got.scores["产出指标/成本指标/成本"] == Decimal("18.00")
    assert got.scores == dict(Totals.of(pr.evaluate(pr.builtin("mof-2020-project-self"),
                                                    pr.load_data(form)), keep=False).scores)


EITHER_OR = pr.loads_rubric("""
[rubric]
id = "either"
version = "1"
title = "either-or"
full_marks = 10

[[indicator]]
path = "执行"
points = 10

[[indicator]]
path = "执行/按率"
points = 10
measure = "facts.rate"
rule = { kind = "ratio" }

[[indicator]]
path = "执行/按次"
points = 10
measure = "facts.events"
rule = { kind = "per_event", deduct = 2 }

[[either_or]]
name = "执行方式"
alternatives = [{ path = "执行/按率", when = "has(facts.rate)" }, { path = "执行/按次" }]
""")


@pytest.mark.parametrize(("facts", "total", "scores"), [
    # has a rate: 0.75 × 10 = 7.50; 按次 not chosen → 0
    ({"rate": "0.75", "events": 1}, "7.50", ("7.50", "0")),
    # no rate: the second alternative, 10 − 2 × 2 = 6.00
    ({"events": 2}, "6.00", ("0", "6.00")),
])
def test_either_or_groups_are_compiled(facts: dict[str, Any], total: str,
                                       scores: tuple[str, str], engine_calls: list[str]) -> None:
    got = CompiledRubric(EITHER_OR).run(pr.load_data({"department": {"name": "择"},
                                                      "facts": facts}))
    assert (str(got.total), engine_calls) == (total, [])
    assert tuple(str(s) for s in got.scores.values()) == scores
    _same(EITHER_OR, {"department": {"name": "择"}, "facts": facts})


def test_overriding_assessments_are_compiled(engine_calls: list[str]) -> None:
    doc = {"department": {"name": "改"}, "facts": {"rate": "0.5"},
           "assessment": [{"indicator": "执行/按率", "score": 9, "reason": "复核"}]}
    got = CompiledRubric(EITHER_OR).run(pr.load_data(doc))
    # the rule gives 0.5 × 10 = 5.00; the evaluator's 9 replaces it
    assert (got.total, engine_calls) == (Decimal("9.00"), [])
    _same(EITHER_OR, doc)


@_SETTINGS
@given(st.data())
def test_generated_project_forms(data: st.DataObject) -> None:
    """Generated target rows (reached or not, higher or lower, qualitative, unreported)."""
    rubric = pr.builtin("mof-2020-project-self")
    _same(rubric, data.draw(data_for(rubric)))


def test_a_county_table_is_scored_without_the_engine(engine_calls: list[str]) -> None:
    pd = pytest.importorskip("pandas")
    from test_batch import HEADERS, MAPPING, county_rows, document

    rows = county_rows(60)  # unit 16 (index 15) has 21.5 people on post: a data error
    scored = pr.score_table(pr.builtin("mof-2013-department"),
                            pd.DataFrame(rows, columns=HEADERS).astype(object), mapping=MAPPING)
    assert list(scored["status"]).count("failed") == 1
    assert engine_calls == []  # 59 units, every one on the compiled path
    rubric = pr.builtin("mof-2013-department")
    for row, total, status in zip(rows, scored["total"], scored["status"], strict=True):
        if status != "failed":  # the same unit written as a data document, through the engine
            assert total == pr.evaluate(rubric, document(row)).total


def test_project_forms_in_a_batch_match_their_traces(engine_calls: list[str]) -> None:
    rubric = pr.builtin("mof-2020-project-self")
    forms = [{"department": {"name": f"项目{k}"},
              "budget": {"adjusted": "100万元", "final": f"{80 + k}万元"},
              "target": [{"id": "n", "name": "人数", "indicator": "产出指标/数量指标",
                          "points": 50, "target": "≥50人", "actual": f"{40 + k}人"},
                         {"id": "b", "name": "效益", "indicator": "效益指标/社会效益指标",
                          "points": 30, "target": "明显", "level": "达成预期指标"},
                         {"id": "m", "name": "满意度", "indicator": "满意度指标",
                          "points": 10, "target": "≥90%", "actual": "88%"}]}
             for k in range(5)]
    fast = list(pr.evaluate_many(rubric, forms, trace=False))
    assert engine_calls == []
    slow = list(pr.evaluate_many(rubric, forms, trace=True))
    assert [(r.total, r.grade, dict(r.scores)) for r in fast] == [
        (r.total, r.grade, dict(r.scores)) for r in slow]
    # form 0: 80/100 × 10 = 8; 40/50 × 50 = 40; 达成 without a score: the band's top, 30;
    # 88/90 × 10 = 9.777… → 9.78.  8 + 40 + 30 + 9.78 = 87.78 → 良.
    assert (fast[0].total, fast[0].grade) == (Decimal("87.78"), "良")
