"""``checklist`` and ``levels``: qualitative indicators from real tables."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from perfrubric.errors import ParamError, RuleInputError
from perfrubric.indicators import Checklist, Levels, RuleKind

D = Decimal

# 管理制度健全性: ①已制定相关管理制度 1分 ②制度合法合规完整 1分 ③制度有效执行 1分
RULES = ["已制定", "合法合规完整", "有效执行"]


def build(kind: type[RuleKind], points: int | str, **params: Any) -> Any:
    return kind.from_params(params, D(points))


def problems(kind: type[RuleKind], points: int, **params: Any) -> dict[str, str]:
    with pytest.raises(ParamError) as info:
        kind.from_params(params, D(points))
    return {p.path: p.message for p in info.value.problems}


# -- checklist -------------------------------------------------------------------


def test_checklist_each_item_earns_its_point() -> None:
    rule = build(Checklist, 3, items=RULES, each=1)
    assert rule.direction is None
    # ① and ③ met, ② missing → 1 + 1 = 2
    outcome = rule.score(["有效执行", "已制定"])
    assert outcome.score == 2 and outcome.deducted == 1 and outcome.matched == "2/3"
    assert outcome.detail == {"met": ["已制定", "有效执行"], "missing": ["合法合规完整"]}
    assert rule.score(RULES).score == 3 and rule.score([]).score == 0


def test_checklist_as_a_table_of_yes_no() -> None:
    rule = build(Checklist, 3, items=RULES, each=1)
    assert rule.score({"已制定": True, "合法合规完整": "否", "有效执行": "是"}).score == 2
    # an item left out of the table is not met
    assert rule.score({"已制定": True}).score == 1
    with pytest.raises(RuleInputError, match="item '已制定': expected yes or no"):
        rule.score({"已制定": "部分"})


def test_checklist_items_with_their_own_points() -> None:
    # ①制度健全 2分 ②执行有效 1分 (3 points)
    rule = build(Checklist, 3, items=[{"item": "制度健全", "points": 2},
                                      {"item": "执行有效", "points": 1}])
    assert rule.score(["执行有效"]).score == 1
    assert rule.score(["制度健全"]).score == 2


def test_checklist_deduct_per_missing_item() -> None:
    # 每少一项扣1分，扣完为止: 4 items on 2 points; 1 met, 3 missing → 2 − 3 → 0
    rule = build(Checklist, 2, items=["a", "b", "c", "d"], deduct=1)
    assert rule.score(["a"]).score == 0
    # 3 met, 1 missing → 2 − 1 = 1
    assert rule.score(["a", "b", "c"]).score == 1
    assert rule.score(["a", "b", "c", "d"]).score == 2


def test_checklist_unknown_items_in_the_data() -> None:
    rule = build(Checklist, 3, items=RULES, each=1)
    with pytest.raises(RuleInputError) as info:
        rule.score(["已制定", "已公开"])
    assert str(info.value) == ("unknown item '已公开'; the items are '已制定', '合法合规完整', "
                               "'有效执行'")
    with pytest.raises(RuleInputError, match="expected a list of item names"):
        rule.score(D(2))


def test_checklist_sum_must_match_points() -> None:
    found = problems(Checklist, 3, items=["a", "b"], each=1)
    assert found == {"items": "the items add up to 2 points but the indicator has 3"}


def test_checklist_bad_params_all_reported() -> None:
    found = problems(Checklist, 3, items=["a", "a", 3, {"item": "c", "pionts": 1}],
                     each=1, deduct=1)
    assert found["items"] == "duplicate items: 'a'"
    assert found["items[2]"].startswith("expected an item name or { item")
    assert found["items[3].pionts"] == "unknown key 'pionts' (did you mean 'points'?)"
    assert found["items[3].points"] == "missing; expected a number for 'points'"
    assert found["deduct"].startswith("give either 'each'")
    found = problems(Checklist, 3, items=["a", "b", "c"])
    assert found["each"].startswith("missing; say how many points each item earns")
    assert "items" in problems(Checklist, 3, items=[])


# -- levels -----------------------------------------------------------------------

# 好/较好/一般/差 → 100%/80%/60%/0%
LEVELS = [{"level": "好", "share": "100%"}, {"level": "较好", "share": "80%"},
          {"level": "一般", "share": "60%"}, {"level": "差", "share": "0%"}]
# 达成 100–80%(含), 部分达成 80–60%(含), 未达成 60–0%
THREE_STEP = [{"level": "达成", "from": "80%", "upto": "100%"},
              {"level": "部分达成", "from": "60%", "upto": "80%"},
              {"level": "未达成", "from": 0, "upto": "60%"}]


def test_levels_by_share() -> None:
    rule = build(Levels, 5, levels=LEVELS)
    assert rule.direction is None
    # 较好 = 80% × 5 = 4
    outcome = rule.score("较好")
    assert outcome.score == 4 and outcome.deducted == 1 and outcome.matched == "较好"
    assert rule.score("差").score == 0 and rule.score("好").score == 5


def test_levels_by_points_stay_exact() -> None:
    # 1 of 3 points is not 33.33…% of 3: the score is exactly 1
    rule = build(Levels, 3, levels=[{"level": "有", "points": 3}, {"level": "部分", "points": 1},
                                    {"level": "无", "points": 0}])
    assert rule.score("部分").score == 1


def test_unknown_level_lists_the_levels() -> None:
    with pytest.raises(RuleInputError) as info:
        build(Levels, 5, levels=LEVELS).score("优秀")
    assert str(info.value) == "unknown level '优秀'; the levels are '好', '较好', '一般', '差'"


def test_three_step_rule_for_qualitative_goals() -> None:
    rule = build(Levels, 5, levels=THREE_STEP)
    # 达成 on 5 points spans 4–5; the evaluator gives 4.5
    outcome = rule.score({"level": "达成", "score": D("4.5")})
    assert outcome.score == D("4.5") and outcome.matched == "达成"
    assert outcome.detail == {"level": "达成", "low": D("4.0"), "high": D("5.00")}
    # both ends of a range are allowed: 部分达成 3–4
    assert rule.score({"level": "部分达成", "score": 4}).score == 4
    with pytest.raises(RuleInputError) as info:
        rule.score("达成")
    assert str(info.value) == "level 达成 spans 80%–100% of the points: give a score"
    with pytest.raises(RuleInputError, match="lies outside 3–4 points"):
        rule.score({"level": "部分达成", "score": "4.5"})


def test_a_score_with_a_fixed_level_must_agree() -> None:
    rule = build(Levels, 5, levels=LEVELS)
    assert rule.score({"level": "较好", "score": 4}).score == 4
    with pytest.raises(RuleInputError, match=re.escape("level 较好 is worth 4.0 points")):
        rule.score({"level": "较好", "score": "4.5"})
    with pytest.raises(RuleInputError, match=re.escape("expected { level, score }")):
        rule.score({"level": "较好", "reason": "…"})


def test_levels_bad_params() -> None:
    found = problems(Levels, 5, levels=[*LEVELS, {"level": "好", "share": "90%"}])
    assert found == {"levels[4].level": "duplicate level '好'"}
    found = problems(Levels, 5, levels=[{"level": "超", "share": "120%"},
                                        {"level": "多", "points": 6},
                                        {"level": "反", "from": "80%", "upto": "60%"},
                                        {"level": "空"},
                                        {"share": "50%"}])
    assert found["levels[0].share"] == "a level cannot give more than 100% of the points, got 120%"
    assert found["levels[1].points"] == "6 exceeds the indicator's 5 points"
    assert found["levels[2].upto"] == "the range ends (60%) below where it starts (80%)"
    assert found["levels[3].share"].startswith("missing; give share")
    assert found["levels[4].level"] == "missing; expected a text value"
    assert problems(Levels, 5, levels=[]) == {"levels": "expected a non-empty list of tables"}
