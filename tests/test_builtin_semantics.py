"""Step, edge and band semantics of the built-in ``mof-2013-department``, by hand.

Each expected score is worked out from the criterion's own wording (see the
comments in the TOML file and ../shared/domain.md): "每超过一个百分点扣0.5分"
and "每低于5%扣2分" count whole steps; "≤X" includes X; bands include the edge
their criterion marks (含).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import perfrubric as pr


def department(**changes: Any) -> dict[str, Any]:
    """A complete department; *changes* replace top-level tables' keys (``budget__final``)."""
    data: dict[str, Any] = {
        "department": {"name": "样例局", "year": 2022},
        "staffing": {"authorized": 1000, "on_post": 1000},
        "budget": {"initial": "1000万元", "adjusted": "1000万元", "final": "1000万元",
                   "carryover": "0万元", "public_funds_budget": "100万元",
                   "public_funds_actual": "100万元", "fixed_assets_total": "100万元",
                   "fixed_assets_in_use": "100万元",
                   "sangong": {"budget": "20万元", "previous_budget": "20万元"}},
        "target": [{"id": "a", "name": "甲", "target": 10, "actual": 10}],
        "facts": {"management_rules": ["已制定", "合法合规完整", "有效执行"],
                  "fund_violations": 0, "budget_disclosed": True, "key_tasks_done": 10,
                  "key_tasks_assigned": 10, "satisfaction": "95%"},
        "assessment": [
            {"indicator": "效果/履职效益/经济效益", "level": "好"},
            {"indicator": "效果/履职效益/社会效益", "level": "好"},
            {"indicator": "效果/履职效益/生态效益", "level": "好"},
        ],
    }
    for key, value in changes.items():
        table, _, field = key.partition("__")
        data[table][field] = value
    return data


def score(path: str, **changes: Any) -> Decimal:
    ev = pr.evaluate(pr.builtin("mof-2013-department"), department(**changes))
    return ev.results[path].score


BUDGET_COMPLETION = "过程/预算执行/预算完成率"


@pytest.mark.parametrize(("final", "expected"), [
    ("1000万元", 5),    # 100% → full
    ("1050万元", 5),    # above 100% → full (nothing below)
    ("960万元", 5),     # 96%: 4 points below, not yet one whole 5% step → full 5
    ("955.1万元", 5),   # 95.51%: 4.49 below, 0 whole steps → 5
    ("950万元", 3),     # 95%: exactly one step → 5 − 2 = 3
    ("905万元", 3),     # 90.5%: 9.5 below → 1 whole step → 3
    ("900万元", 1),     # 90%: 2 steps → 5 − 4 = 1
    ("850万元", 0),     # 85%: 3 steps → 5 − 6 < 0 → 0 (扣完为止)
])
def test_budget_completion_counts_whole_steps(final: str, expected: int) -> None:
    assert score(BUDGET_COMPLETION, budget__final=final) == expected


def test_budget_completion_trace_says_no_step_yet() -> None:
    ev = pr.evaluate(pr.builtin("mof-2013-department"), department(budget__final="960万元"))
    # 100% − 96% = 4% below, 4% / 5% = 0.8 → 0 whole steps
    assert ev.results[BUDGET_COMPLETION].detail["steps"] == 0
    assert ev.results[BUDGET_COMPLETION].detail["excess"] == Decimal("0.04")


@pytest.mark.parametrize(("on_post", "expected"), [
    (1000, Decimal(5)),     # 100%: ≤100% includes the edge → 5
    (1009, Decimal(5)),     # 100.9%: not yet 超过一个百分点 → 5
    (1010, Decimal("4.5")),  # 101%: one point over → 5 − 0.5
    (1025, Decimal(4)),     # 102.5%: 2 whole points → 5 − 1
    (1100, Decimal(0)),     # 110%: 10 points × 0.5 = 5 → 0
    (1200, Decimal(0)),     # 120%: 20 × 0.5 = 10 > 5 → 0 (扣完为止)
])
def test_staff_control_rate(on_post: int, expected: Decimal) -> None:
    assert score("投入/预算配置/在职人员控制率", staffing__on_post=on_post) == expected


@pytest.mark.parametrize(("carryover", "expected"), [
    ("50万元", Decimal(5)),      # 5%: ≤5% includes the edge → 5
    ("59.9万元", Decimal(5)),    # 5.99%: 0.99 over → 0 whole points → 5
    ("60万元", Decimal("4.5")),  # 6%: 1 point over → 4.5
    ("83万元", Decimal("3.5")),  # 8.3%: 3 whole points → 5 − 1.5
])
def test_carryover_rate(carryover: str, expected: Decimal) -> None:
    assert score("过程/预算执行/结转结余率", budget__carryover=carryover) == expected


@pytest.mark.parametrize(("adjusted", "expected"), [
    ("1000万元", 5),      # =0 → 5
    ("1000.1万元", 4),    # 0.01% → (0, 10%] → 4
    ("1100万元", 4),      # 10% (含) → 4
    ("1100.1万元", 3),    # 10.01% → (10%, 20%] → 3
    ("900万元", 4),       # |−10%| = 10% → 4 (the measure is an absolute change)
    ("1300万元", 2),      # 30% (含) → 2
    ("1300.1万元", 0),    # 30.01% → >30% → 0
])
def test_budget_adjustment_bands(adjusted: str, expected: int) -> None:
    # final follows adjusted so that 预算完成率 stays 100% and does not interfere
    assert score("过程/预算执行/预算调整率", budget__adjusted=adjusted,
                 budget__final=adjusted) == expected


@pytest.mark.parametrize(("budget", "expected"), [
    ("20万元", Decimal(5)),       # 0% change: ≤0 → 5
    ("20.19万元", Decimal(5)),    # +0.95%: not yet one point → 5
    ("20.2万元", Decimal("4.5")),  # +1% → 4.5
    ("18万元", Decimal(5)),       # −10% → ≤0 → 5
])
def test_sangong_change(budget: str, expected: Decimal) -> None:
    changes = {"sangong": {"budget": budget, "previous_budget": "20万元"}}
    data = department()
    data["budget"].update(changes)
    ev = pr.evaluate(pr.builtin("mof-2013-department"), data)
    assert ev.results["投入/预算配置/三公经费变动率"].score == expected


@pytest.mark.parametrize(("satisfaction", "expected"), [
    ("90%", Decimal(10)),   # ≥90% includes the edge → 10
    ("81%", Decimal(9)),    # 10 × 81 / 90 = 9
    ("45%", Decimal(5)),    # 10 × 45 / 90 = 5
])
def test_satisfaction_threshold(satisfaction: str, expected: Decimal) -> None:
    assert score("效果/履职效益/社会公众或服务对象满意度",
                 facts__satisfaction=satisfaction) == expected


def test_fixed_assets_and_violations() -> None:
    # 固定资产利用率 96 / 100 = 96% × 5 = 4.8
    assert score("过程/资产管理/固定资产利用率", budget__fixed_assets_in_use="96万元") \
        == Decimal("4.8")
    data = department()
    data["facts"]["fund_violations"] = 7  # 7 × 1 > 5 → 0 (扣完为止)
    ev = pr.evaluate(pr.builtin("mof-2013-department"), data)
    assert ev.results["过程/预算管理/资金使用合规性"].score == 0


def test_full_department_adds_up_to_100() -> None:
    ev = pr.evaluate(pr.builtin("mof-2013-department"), department())
    assert ev.total == 100 and ev.grade == "优" and not ev.rescaled


# -- not applicable (reported) vs not reported (absent) ---------------------------------

SANGONG = "投入/预算配置/三公经费变动率"


def test_sangong_none_last_year_is_not_applicable() -> None:
    # 上年无三公经费的按满分计算: a reported previous budget of 0 → not applicable → 5
    data = department()
    data["budget"]["sangong"] = {"budget": "3万元", "previous_budget": "0万元"}
    ev = pr.evaluate(pr.builtin("mof-2013-department"), data)
    result = ev.results[SANGONG]
    assert result.status == "not_applicable" and result.score == 5


def test_sangong_not_reported_earns_nothing() -> None:
    # no 三公 figures at all: not reported, so no points (2013.1 gave full 5)
    data = department()
    del data["budget"]["sangong"]
    with pytest.raises(pr.EvaluationError, match="三公经费变动率"):
        pr.evaluate(pr.builtin("mof-2013-department"), data)


def test_ecological_benefit_not_applicable_only_when_declared() -> None:
    data = department()
    data["assessment"] = data["assessment"][:2]  # no 生态效益 judgement
    with pytest.raises(pr.EvaluationError, match="生态效益"):
        pr.evaluate(pr.builtin("mof-2013-department"), data)
    data["facts"]["no_ecological_duty"] = True   # 不涉及: declared by the department
    ev = pr.evaluate(pr.builtin("mof-2013-department"), data)
    assert ev.results["效果/履职效益/生态效益"].status == "not_applicable"
    assert ev.total == 100


@pytest.mark.parametrize("rid", ["mof-2013-department", "mof-2020-project-self"])
def test_no_builtin_row_rewards_absent_data(rid: str) -> None:
    # not reported must never earn points: only `applicable` may give full points or rescale
    for ind in pr.builtin(rid).leaves():
        assert ind.missing not in ("full", "exclude"), ind.path


def test_a_target_without_its_result_earns_nothing() -> None:
    # 甲 reached (10 of 10), 乙 planned at 10 with no result reported. Before: the mean
    # over the reported target alone gave 15 of 15; now the mean cannot be computed.
    data = department()
    data["target"] = [{"id": "a", "name": "甲", "target": 10, "actual": 10},
                      {"id": "b", "name": "乙", "target": 10}]
    with pytest.raises(pr.EvaluationError, match="target 'b' is not reported"):
        pr.evaluate(pr.builtin("mof-2013-department"), data)
