"""Rule kinds against worked examples from real scoring tables.

Each example quotes the table's wording and works the arithmetic in a
comment. Bad parameters are checked for message and path; Hypothesis
checks bounds, monotonicity and band coverage.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.errors import ParamError, RuleInputError
from perfrubric.indicators import (
    Bands,
    Checklist,
    Judged,
    Levels,
    Outcome,
    ParamReader,
    PerEvent,
    Ratio,
    RuleKind,
    StepDeduction,
    Threshold,
    YesNo,
    as_number,
    get_kind,
    kind_names,
    register_kind,
)

D = Decimal


def build(kind: type[RuleKind], points: int | str, **params: Any) -> Any:
    return kind.from_params(params, D(points))


def param_problems(kind: type[RuleKind], points: int, **params: Any) -> dict[str, str]:
    with pytest.raises(ParamError) as info:
        kind.from_params(params, D(points))
    return {p.path: p.message for p in info.value.problems}


# 预算调整率=0计5分；0–10%(含)计4分；10–20%(含)计3分；20–30%(含)计2分；>30%不得分
ADJUSTMENT_BANDS = [
    {"upto": "0%", "points": 5},
    {"over": "0%", "upto": "10%", "points": 4},
    {"over": "10%", "upto": "20%", "points": 3},
    {"over": "20%", "upto": "30%", "points": 2},
    {"over": "30%", "points": 0},
]


# -- ratio ---------------------------------------------------------------------


def test_ratio_caps_at_full_points() -> None:
    rule = build(Ratio, 10)
    # 跨境电商 8.39 / 7.5 = 1.1187 → capped at 10 (满分为止)
    assert rule.score(D("8.39") / D("7.5")).score == 10
    # 商超接种 1281 / 1358 = 0.943298… × 10 = 9.43298…
    assert rule.score(D(1281) / D(1358)).score == D(10) * D(1281) / D(1358)
    assert rule.score(D("-0.2")).score == 0


def test_ratio_full_at_another_ratio() -> None:
    # full at 95%: 0.76 / 0.95 = 0.8 × 5 = 4
    assert build(Ratio, 5, full_at="95%").score(D("0.76")).score == 4


# -- threshold -------------------------------------------------------------------


def test_threshold_at_most() -> None:
    # 小于或等于1计5分，否则按比例计分: 1.25 → 5 × 1 / 1.25 = 4
    rule = build(Threshold, 5, threshold=1, full_when="at_most")
    assert rule.score(D(1)).score == 5 and rule.score(D("1.25")).score == 4
    assert rule.direction == "lower"


def test_threshold_at_least() -> None:
    rule = build(Threshold, 10, threshold="90%", full_when="at_least")
    # 0.72 / 0.9 = 0.8 × 10 = 8
    assert rule.score(D("0.72")).score == 8 and rule.score(D("0.95")).score == 10


def test_threshold_needs_explicit_side() -> None:
    assert "full_when" in param_problems(Threshold, 5, threshold=1)


# -- step deduction --------------------------------------------------------------


def test_staffing_control_rate_over_100_percent() -> None:
    # 在职人员控制率≤100%计5分；每超过一个百分点扣0.5分，扣完为止
    rule = build(StepDeduction, 5, limit="100%", direction="above", step="1%", deduct=0.5,
                 steps="whole")
    assert rule.score(D(1)).score == 5
    # 102% → 2 steps × 0.5 = 1.0 → 4.0
    assert rule.score(D("1.02")).score == 4
    # 102.3%: whole steps 2 → 4.0 (the 0.3 of a step does not count)
    assert rule.score(D("1.023")).score == 4
    # 21 / 11 = 190.9%: 90 steps × 0.5 = 45 > 5 → 0 (扣完为止)
    assert rule.score(D(21) / D(11)).score == 0


def test_partial_steps_started_and_fraction() -> None:
    started = build(StepDeduction, 5, limit=1, direction="above", step="1%", deduct=0.5,
                    steps="started")
    fraction = build(StepDeduction, 5, limit=1, direction="above", step="1%", deduct=0.5,
                     steps="fraction")
    # 102.3%: started counts 3 steps → 5 − 1.5 = 3.5; fraction 2.3 × 0.5 = 1.15 → 3.85
    assert started.score(D("1.023")).score == D("3.5")
    assert fraction.score(D("1.023")).score == D("3.85")


def test_budget_completion_below_target() -> None:
    # 预算完成率100%计满分，每低于5%扣2分，扣完为止 (5 points)
    rule = build(StepDeduction, 5, limit="100%", direction="below", step="5%", deduct=2,
                 steps="started")
    assert rule.score(D(1)).score == 5
    # 96.5%: 3.5% below → 1 started step → 5 − 2 = 3
    assert rule.score(D("0.965")).score == 3
    # 88%: 12% below → 3 started steps → 6 > 5 → 0
    assert rule.score(D("0.88")).score == 0
    assert rule.direction == "higher"


def test_sangong_change_rate() -> None:
    # 三公经费变动率≤0计满分，每超过一个百分点扣0.3分 (3 points)
    rule = build(StepDeduction, 3, limit=0, direction="above", step="1%", deduct="0.3",
                 steps="whole")
    assert rule.score(D("-0.1")).score == 3
    # +5% → 5 × 0.3 = 1.5 → 1.5
    assert rule.score(D("0.05")).score == D("1.5")


def test_step_deduction_bad_params() -> None:
    found = param_problems(StepDeduction, 5, limit=1, direction="over", step=0, deduct=-1)
    assert "must be greater than 0" in found["step"]
    assert "must be greater than 0" in found["deduct"]
    assert "did you mean 'above'" in found["direction"]
    assert "steps" in found and '"whole"' in found["steps"]


def test_unknown_key_with_suggestion() -> None:
    found = param_problems(StepDeduction, 5, limit=1, direction="above", stpe="1%", deduct=1,
                           steps="whole")
    assert "unknown key 'stpe' (did you mean 'step'?)" in found["stpe"]


# -- bands -----------------------------------------------------------------------


def test_budget_adjustment_bands() -> None:
    rule = build(Bands, 5, better="lower", bands=ADJUSTMENT_BANDS)
    assert rule.score(D(0)).score == 5
    # 10% is in (0, 10%] (含) → 4; just above it is in (10%, 20%] → 3
    assert rule.score(D("0.10")).score == 4
    assert rule.score(D("0.1000001")).score == 3
    assert rule.score(D("0.30")).score == 2 and rule.score(D("0.31")).score == 0
    outcome = rule.score(D("0.15"))
    assert outcome.matched == "(10%, 20%]" and outcome.deducted == 2


def test_bands_gap_is_reported_with_its_path() -> None:
    bands = [dict(b) for b in ADJUSTMENT_BANDS]
    bands[2] = {"over": "12%", "upto": "20%", "points": 3}
    found = param_problems(Bands, 5, better="lower", bands=bands)
    assert "gap between bands (0%, 10%] and (12%, 20%]" in found["bands[2]"]


def test_bands_overlap_is_reported() -> None:
    bands = [dict(b) for b in ADJUSTMENT_BANDS]
    bands[2] = {"from": "10%", "upto": "20%", "points": 3}
    found = param_problems(Bands, 5, better="lower", bands=bands)
    assert "overlap" in found["bands[2]"]


def test_bands_non_monotone_points() -> None:
    bands = [dict(b) for b in ADJUSTMENT_BANDS]
    bands[3] = {"over": "20%", "upto": "30%", "points": 4}
    found = param_problems(Bands, 5, better="lower", bands=bands)
    assert "not monotone" in found["bands[3].points"]


def test_bands_points_above_indicator_and_double_edges() -> None:
    found = param_problems(Bands, 5, better="none",
                           bands=[{"upto": 1, "below": 2, "points": 6}, {"over": 1, "points": 0}])
    assert "give the upper edge once" in found["bands[0].below"]
    assert "exceed" in found["bands[0].points"]


def test_value_outside_every_band_is_an_input_error() -> None:
    rule = build(Bands, 5, better="higher",
                 bands=[{"from": 0, "below": "50%", "points": 0},
                        {"from": "50%", "upto": 1, "points": 5}])
    with pytest.raises(RuleInputError, match="outside every band"):
        rule.score(D("1.5"))


def test_bands_with_shares() -> None:
    rule = build(Bands, 10, better="higher",
                 bands=[{"below": "60%", "share": "0%"}, {"from": "60%", "below": "80%",
                                                         "share": "60%"},
                        {"from": "80%", "share": "100%"}])
    # 70% → 60% of 10 = 6
    assert rule.score(D("0.7")).score == 6


# -- checklist --------------------------------------------------------------------


def test_checklist_each_item() -> None:
    # ①已制定相关管理制度 1分 ②制度合法合规完整 1分 ③制度有效执行 1分
    rule = build(Checklist, 3, items=["已制定", "合法合规完整", "有效执行"], each=1)
    outcome = rule.score(("已制定", "有效执行"))
    assert outcome.score == 2 and outcome.detail["missing"] == ["合法合规完整"]
    assert rule.score({"已制定": True, "合法合规完整": False, "有效执行": True}).score == 2


def test_checklist_deduct_per_missing_item() -> None:
    # 每少一项扣1分，扣完为止: 4 items, 2 points, 3 missing → 2 − 3 → 0
    rule = build(Checklist, 2, items=["a", "b", "c", "d"], deduct=1)
    assert rule.score(("a",)).score == 0
    assert rule.score(("a", "b", "c")).score == 1


def test_checklist_sum_must_match_points() -> None:
    found = param_problems(Checklist, 3, items=["a", "b"], each=1)
    assert "add up to 2 points but the indicator has 3" in found["items"]


def test_checklist_unknown_item_in_data() -> None:
    rule = build(Checklist, 2, items=["a", "b"], each=1)
    with pytest.raises(RuleInputError, match="unknown items c"):
        rule.score(("a", "c"))


# -- levels ---------------------------------------------------------------------


LEVELS = [{"level": "好", "share": "100%"}, {"level": "较好", "share": "80%"},
          {"level": "一般", "share": "60%"}, {"level": "差", "share": "0%"}]


def test_levels_shares() -> None:
    rule = build(Levels, 5, levels=LEVELS)
    # 较好 = 80% × 5 = 4
    assert rule.score("较好").score == 4 and rule.score("差").score == 0
    with pytest.raises(RuleInputError, match="unknown level '优秀'"):
        rule.score("优秀")


def test_three_step_rule_for_qualitative_goals() -> None:
    # 达成 100–80%(含), 部分达成 80–60%(含), 未达成 60–0% of 5 points
    rule = build(Levels, 5, levels=[{"level": "达成", "from": "80%", "upto": "100%"},
                                    {"level": "部分达成", "from": "60%", "upto": "80%"},
                                    {"level": "未达成", "from": 0, "upto": "60%"}])
    assert rule.score({"level": "达成", "score": D("4.5")}).score == D("4.5")
    with pytest.raises(RuleInputError, match="give a score"):
        rule.score("达成")
    with pytest.raises(RuleInputError, match="outside"):
        rule.score({"level": "部分达成", "score": D("4.5")})


def test_levels_duplicates() -> None:
    found = param_problems(Levels, 5, levels=[*LEVELS, {"level": "好", "share": "90%"}])
    assert "duplicate level '好'" in found["levels[4].level"]


# -- yes/no, per event, judged ----------------------------------------------------


def test_yes_no() -> None:
    # 按时公开计满分，否则不得分
    rule = build(YesNo, 2)
    assert rule.score(True).score == 2 and rule.score(False).score == 0
    assert rule.score("是").score == 2
    with pytest.raises(RuleInputError):
        rule.score(D("0.5"))


def test_per_event() -> None:
    # 每发现一起违规扣1分，扣完为止 (3 points): 2 events → 1; 5 events → 0
    rule = build(PerEvent, 3, deduct=1)
    assert rule.score(D(2)).score == 1 and rule.score(D(5)).score == 0
    with pytest.raises(RuleInputError, match="whole number"):
        rule.score(D("1.5"))


def test_judged() -> None:
    rule = build(Judged, 5)
    assert rule.score(D("4.5")).score == D("4.5")
    with pytest.raises(RuleInputError, match="outside"):
        rule.score(D(6))
    assert "unknown key 'x'" in param_problems(Judged, 5, x=1)["x"]


# -- params round trip, registry ---------------------------------------------------


EXAMPLES: list[tuple[type[RuleKind], dict[str, Any]]] = [
    (Ratio, {}), (Threshold, {"threshold": 1, "full_when": "at_most"}),
    (StepDeduction, {"limit": 1, "direction": "above", "step": "1%", "deduct": 0.5,
                     "steps": "whole"}),
    (Bands, {"better": "lower", "bands": ADJUSTMENT_BANDS}),
    (Checklist, {"items": ["a", "b"], "each": 2.5}),
    (Levels, {"levels": LEVELS}), (YesNo, {}), (PerEvent, {"deduct": 1}), (Judged, {}),
]


@pytest.mark.parametrize(("kind", "params"), EXAMPLES, ids=lambda v: getattr(v, "kind", ""))
def test_params_round_trip(kind: type[RuleKind], params: dict[str, Any]) -> None:
    rule = kind.from_params(params, D(5))
    assert kind.from_params(rule.params(), D(5)) == rule


def test_every_builtin_kind_is_registered() -> None:
    assert set(kind_names()) >= {k.kind for k, _ in EXAMPLES}
    assert get_kind("bands") is Bands


def test_register_a_user_kind() -> None:
    @attrs.frozen
    class PassMark(RuleKind):
        kind = "pass_mark_test"
        points: Decimal
        mark: Decimal

        @property
        def direction(self) -> str:
            return "higher"

        @classmethod
        def from_params(cls, params: Mapping[str, Any], points: Decimal) -> PassMark:
            r = ParamReader(params)
            mark = r.decimal("mark")
            r.done()
            return cls(points, mark)

        def params(self) -> Mapping[str, Any]:
            return {"mark": self.mark}

        def score(self, value: object) -> Outcome:
            return Outcome(self.points if as_number(value) >= self.mark else D(0))

    register_kind(PassMark)
    assert get_kind("pass_mark_test") is PassMark
    with pytest.raises(ValueError, match="already registered"):
        register_kind(type("Other", (PassMark,), {"kind": "pass_mark_test"}))
    import perfrubric as pr

    rubric = pr.loads_rubric('[rubric]\nid="u"\nversion="1"\ntitle="t"\n'
                             '[[indicator]]\npath="a"\npoints=100\nmeasure="facts.x"\n'
                             'rule={kind="pass_mark_test", mark="60%"}\n')
    ev = pr.evaluate(rubric, {"department": {"name": "d"}, "facts": {"x": "0.7"}})
    assert ev.total == 100
    with pytest.raises(pr.RubricError, match="missing; expected a number for 'mark'"):
        pr.loads_rubric('[rubric]\nid="u"\nversion="1"\ntitle="t"\n'
                        '[[indicator]]\npath="a"\npoints=100\nmeasure="facts.x"\n'
                        'rule={kind="pass_mark_test"}\n')


# -- properties -------------------------------------------------------------------

numbers = st.decimals(min_value=-3, max_value=3, places=4, allow_nan=False,
                      allow_infinity=False)
points = st.integers(min_value=1, max_value=20).map(D)


@st.composite
def ordered_rules(draw: st.DrawFn) -> RuleKind:
    pts = draw(points)
    choice = draw(st.sampled_from(["ratio", "threshold", "step", "bands", "per_event"]))
    if choice == "ratio":
        return Ratio.from_params({"full_at": str(draw(st.integers(1, 200))) + "%"}, pts)
    if choice == "threshold":
        return Threshold.from_params({"threshold": str(draw(st.integers(1, 300)) / 100),
                                      "full_when": draw(st.sampled_from(["at_least",
                                                                         "at_most"]))}, pts)
    if choice == "step":
        return StepDeduction.from_params({
            "limit": str(draw(st.integers(-100, 100)) / 100),
            "direction": draw(st.sampled_from(["above", "below"])),
            "step": str(draw(st.integers(1, 50)) / 100), "deduct": str(draw(st.integers(1, 30)) / 10),
            "steps": draw(st.sampled_from(["whole", "started", "fraction"]))}, pts)
    if choice == "per_event":
        return PerEvent.from_params({"deduct": str(draw(st.integers(1, 30)) / 10)}, pts)
    edges = sorted(set(draw(st.lists(st.integers(-200, 200), min_size=1, max_size=5))))
    shares = sorted(draw(st.lists(st.integers(0, 100), min_size=len(edges) + 1,
                                  max_size=len(edges) + 1)))
    better = draw(st.sampled_from(["higher", "lower"]))
    if better == "lower":
        shares.reverse()
    bands: list[dict[str, Any]] = []
    low: int | None = None
    for edge, share in zip([*edges, None], shares, strict=True):
        band: dict[str, Any] = {"share": f"{share}%"}
        if low is not None:
            band["over"] = f"{low}%"
        if edge is not None:
            band["upto"] = f"{edge}%"
        bands.append(band)
        low = edge
    return Bands.from_params({"better": better, "bands": bands}, pts)


def _input(rule: RuleKind, x: Decimal) -> Decimal:
    return abs(x).to_integral_value() if isinstance(rule, PerEvent) else x


@given(ordered_rules(), numbers)
def test_score_lies_within_points(rule: Any, x: Decimal) -> None:
    if isinstance(rule, Threshold) and rule.full_when == "at_most" and x <= 0:
        x = abs(x) + D("0.01")
    score = rule.score(_input(rule, x)).score
    assert 0 <= score <= rule.points


@given(ordered_rules(), numbers, numbers)
def test_score_is_monotone_in_the_declared_direction(rule: Any, x: Decimal, y: Decimal) -> None:
    if isinstance(rule, Threshold) and rule.full_when == "at_most":
        x, y = abs(x) + D("0.01"), abs(y) + D("0.01")
    x, y = sorted((_input(rule, x), _input(rule, y)))
    sx, sy = rule.score(x).score, rule.score(y).score
    if rule.direction == "higher":
        assert sx <= sy
    else:
        assert sx >= sy


@given(ordered_rules(), numbers)
def test_every_value_lies_in_exactly_one_band(rule: Any, x: Decimal) -> None:
    if isinstance(rule, Bands):
        assert sum(band.contains(x) for band in rule.bands) == 1


# -- the same properties, driven by perfrubric.testing's own strategies -------------

from perfrubric.testing import rule_params  # noqa: E402


@given(st.data(), st.sampled_from(["ratio", "threshold", "step_deduction", "bands",
                                   "per_event"]), points, numbers, numbers)
def test_rule_params_strategy_builds_valid_monotone_rules(
        data: st.DataObject, kind: str, pts: Decimal, x: Decimal, y: Decimal) -> None:
    rule = get_kind(kind).from_params(data.draw(rule_params(kind, pts)), pts)
    if isinstance(rule, Threshold) and rule.full_when == "at_most":
        x, y = abs(x) + D("0.01"), abs(y) + D("0.01")
    x, y = sorted((_input(rule, x), _input(rule, y)))
    try:
        sx, sy = rule.score(x).score, rule.score(y).score
    except RuleInputError:
        return
    assert 0 <= sx <= pts and 0 <= sy <= pts
    assert (sx <= sy) if rule.direction == "higher" else (sx >= sy)
