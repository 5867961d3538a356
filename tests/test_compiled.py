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
from perfrubric.engine.compiled import CompiledRubric
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
    or both raise the same kind of error."""
    dept = pr.load_data(doc)
    compiled = CompiledRubric(rubric)
    try:
        ev = pr.evaluate(rubric, dept)
    except pr.PerfrubricError as exc:
        with pytest.raises(type(exc)):
            compiled.run(dept)
        return
    got = compiled.run(dept)
    assert str(got.total) == str(ev.total)
    assert got.grade == ev.grade
    assert got.status == ("scored" if ev.grade is not None else "cannot_rate")
    assert {p: str(s) for p, s in got.scores.items()} == {r.path: str(r.score)
                                                          for r in ev.leaves()}


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


def test_the_fast_path_is_taken_and_missing_data_goes_to_the_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = _compiled.evaluate

    def counting(rubric: pr.Rubric, dept: pr.Department) -> pr.Evaluation:
        calls.append(dept.name)
        return real(rubric, dept)

    monkeypatch.setattr(_compiled, "evaluate", counting)
    compiled = CompiledRubric(TYPED)
    assert compiled.supported
    # 21/20 = 105%: 5 steps × 0.5 → 7.50; |1000 − 800|/800 = 25% → 0; 三公 40万元 ≤ 50 → 10;
    # completion min(12/10, 1) = 1 → 10.  Total 27.50 of 40 = 68.75% → grade 中.
    full = {"department": {"name": "全"}, "staffing": {"authorized": 20, "on_post": 21},
            "budget": {"initial": "800万元", "adjusted": "1000万元",
                       "sangong": {"actual": "40万元"}},
            "target": [{"id": "a", "name": "a", "target": 10, "actual": 12}]}
    got = compiled.run(pr.load_data(full))
    assert (got.total, got.grade, calls) == (Decimal("27.50"), "中", [])
    # Without targets the 完成率 is excluded: the engine rescales 17.50 / 30 × 40 = 23.33.
    partial = {k: v for k, v in full.items() if k != "target"}
    partial["department"] = {"name": "缺"}
    got = compiled.run(pr.load_data(partial))
    assert (got.total, calls) == (Decimal("23.33"), ["缺"])


def test_unsupported_rubrics_always_use_the_engine() -> None:
    rubric = pr.builtin("mof-2013-department")  # levels without a measure, an applicable
    assert not CompiledRubric(rubric).supported
