"""The seed department (长沙市开福区商务局, 2021) reproduced end to end.

The report (shared/seed/) prints: 实际到位内资 252.94 亿元 for a task of
215.92 → 117.14%; 跨境电商 8.39 亿美元 for 7.5 → 111.8%; 商超 vaccination
1281 of 1358 → 94.3%; and the result 100 points, grade 优.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"
RUBRIC = EXAMPLE / "rubric.toml"
DATA = EXAMPLE / "data.toml"


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    return pr.evaluate(pr.load_rubric(RUBRIC), pr.load_data(DATA))


def test_scores_100_and_excellent(ev: pr.Evaluation) -> None:
    assert ev.total == Decimal(100) and ev.grade == "优"
    # every leaf earned by a rule on the data: no overrides, nothing missing
    assert {r.status for r in ev.leaves()} == {"scored"}
    assert all(r.kind != "judged" for r in ev.leaves())


def test_the_reports_percentages_with_declared_rounding(ev: pr.Evaluation) -> None:
    # 252.94 / 215.92 = 1.17145238… → 117.14 (2 places, truncated; half-up gives 117.15)
    assert ev.results["产出/数量/实际到位内资完成率"].shown == Decimal("117.14")
    # 8.39 / 7.5 = 1.118666… → 111.8 (1 place, truncated; half-up gives 111.9)
    assert ev.results["产出/数量/跨境电商完成率"].shown == Decimal("111.8")
    # 1281 / 1358 = 0.943298… → 94.3
    figure = ev.figures["mall_vaccination_rate"]
    assert figure.shown == Decimal("94.3") and figure.unit == "%"
    # 13 / 12 = 1.08333… → 108.3
    assert ev.results["效果/生态效益/加油站油气回收改造完成率"].shown == Decimal("108.3")


def test_the_basic_data_is_as_the_report_prints(ev: pr.Evaluation) -> None:
    dept = pr.load_data(DATA)
    staffing = dept.staffing
    assert (staffing.authorized, staffing.on_post, staffing.on_post_established,
            staffing.on_post_contract, staffing.retired) == (11, 21, 16, 7, 11)
    # 编制 11 = 行政 7 + 事业 3 + 工勤 1
    assert sum(staffing.authorized_by_kind.values()) == 11
    assert len(dept.duties) == 10 and len(dept.units) == 2
    assert dept.budget.basic == pr.Money("601.53", "万元")
    # 项目支出 5424.65 = 业务工作经费 51.3 (招商 25.65 + 商贸 25.65) + 专项经费 5373.35
    business, special = dept.budget.project_lines
    assert business.amount + special.amount == dept.budget.project
    assert business.lines[0].amount + business.lines[1].amount == business.amount


def test_contract_command_prints_100_and_excellent(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", str(RUBRIC), str(DATA), "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == "100" and out["grade"] == "优"
    assert out["rubric"]["id"] == "kaifu-commerce-2021" and len(out["rubric"]["sha256"]) == 64
    assert {"path", "points", "score"} <= set(out["indicators"][0])


def test_staffing_would_lose_points_under_a_national_style_rule() -> None:
    # 在职人员控制率 = 21 / 11 = 190.9%: 90.9 points over 100%, so at 0.5 per whole
    # point the 5 points are gone (扣完为止). The department's own table does not
    # score staffing; the national framework would.
    from perfrubric.indicators import StepDeduction

    rule = StepDeduction.from_params({"limit": "100%", "direction": "above", "step": "1%",
                                      "deduct": 0.5, "steps": "whole"}, Decimal(5))
    assert rule.score(Decimal(21) / Decimal(11)).score == 0
