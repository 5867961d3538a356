"""Narrative fragments: the seed report's wording, every status, both locales, templates.

The expected sentences are the seed report's own (shared/seed/): 全区完成实际
到位内资252.94亿元，为年任务（215.92亿元）的117.14%; 为年任务（7.5亿美元）的
111.8%; 接种率94.3%; 得分100分，绩效评价等级为“优”.  The arithmetic behind
every figure is in a comment next to it.
"""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric import narrative as n
from perfrubric.cli import main
from perfrubric.expr.template import placeholders

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"
LOCALE_DIR = Path(n.__file__).resolve().parent / "locale"
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")

# -- a small rubric with the seed's targets -------------------------------------------
#
# 过程 30 = 预算完成率 10 + 在职人员控制率 10 + 资金管理规范性 10
# 产出 40 = 实际到位内资完成率 25 + 跨境电商完成率 15
# 效果 30 = 满意度 10 + 违规 10 + 信息公开 5 + 社会效益 5

SEED_RUBRIC = textwrap.dedent('''\
    [rubric]
    id = "narrative-seed"
    version = "1"
    title = { zh_CN = "叙述测试评分表", en = "Narrative test table" }

    [[indicator]]
    path = "过程"
    name_en = "Process"
    points = 30

    [[indicator]]
    path = "过程/预算完成率"
    name_en = "Budget completion rate"
    points = 10
    measure = "budget.final / budget.adjusted"
    unit = "%"
    rule = { kind = "step_deduction", limit = "100%", direction = "below", step = "5%", deduct = 0.5, steps = "started" }

    [[indicator]]
    path = "过程/在职人员控制率"
    name_en = "Staff within quota"
    points = 10
    measure = "staffing.on_post / staffing.authorized"
    unit = "%"
    rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.5, steps = "whole" }

    [[indicator]]
    path = "过程/资金管理规范性"
    name_en = "Fund management"
    points = 10
    measure = "facts.fund_management"
    rule = { kind = "checklist", items = ["专款专用", "严格财务管理", "支出逐笔审批", "支付公开透明"], each = 2.5 }

    [[indicator]]
    path = "产出"
    name_en = "Outputs"
    points = 40

    [[indicator]]
    path = "产出/实际到位内资完成率"
    name_en = "Domestic investment vs target"
    points = 25
    measure = "targets.domestic_investment.actual / targets.domestic_investment.target"
    unit = "%"
    value_rounding = { places = 2, mode = "down" }
    rule = { kind = "ratio" }

    [[indicator]]
    path = "产出/跨境电商完成率"
    name_en = "Cross-border e-commerce vs target"
    points = 15
    measure = "targets.cross_border_ecommerce.actual / targets.cross_border_ecommerce.target"
    unit = "%"
    value_rounding = { places = 1, mode = "down" }
    rule = { kind = "ratio" }

    [[indicator]]
    path = "效果"
    name_en = "Effects"
    points = 30

    [[indicator]]
    path = "效果/满意度"
    name_en = "Satisfaction"
    points = 10
    rule = { kind = "levels", levels = [{ level = "好", share = "100%" }, { level = "较好", share = "80%" }, { level = "一般", share = "60%" }, { level = "差", share = "0%" }] }

    [[indicator]]
    path = "效果/违规"
    name_en = "Violations"
    points = 10
    measure = "facts.violations"
    rule = { kind = "per_event", deduct = 1 }

    [[indicator]]
    path = "效果/信息公开"
    name_en = "Disclosure"
    points = 5
    measure = "facts.disclosed"
    rule = { kind = "yes_no" }

    [[indicator]]
    path = "效果/社会效益"
    name_en = "Social benefit"
    points = 5
    rule = { kind = "judged" }

    [[figure]]
    id = "vaccination"
    name = "商超从业人员疫苗接种率"
    measure = "facts.vaccinated / facts.staff"
    unit = "%"
    value_rounding = { places = 1, mode = "down" }
    ''')


def seed_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "department": {"name": "长沙市开福区商务局", "year": 2021},
        "staffing": {"authorized": 11, "on_post": 10},
        "budget": {"adjusted": "1000万元", "final": "965万元"},
        "target": [
            {"id": "domestic_investment", "name": "实际到位内资", "unit": "亿元",
             "target": "215.92", "actual": "252.94", "subject": "全区"},
            {"id": "cross_border_ecommerce", "name": "跨境电商", "unit": "亿美元",
             "target": "7.5", "actual": "8.39", "subject": "全区"},
            {"id": "fdi", "name": "外商直接投资", "unit": "万美元",
             "target": "10000", "actual": "12147", "subject": "全区"},
            {"id": "refit", "name": "加油站改造", "unit": "座", "target": 12},
        ],
        "facts": {"fund_management": ["专款专用", "严格财务管理", "支出逐笔审批"],
                  "violations": 2, "disclosed": True, "vaccinated": 1281, "staff": 1358},
        "assessment": [
            {"indicator": "效果/满意度", "level": "较好", "reason": "问卷满意度85%"},
            {"indicator": "效果/社会效益", "score": "4.5"},
        ],
    }
    data.update(changes)
    return data


def seed_evaluation(rubric_text: str = SEED_RUBRIC, **changes: Any) -> pr.Evaluation:
    return pr.evaluate(pr.loads_rubric(rubric_text, file="seed.toml"), seed_data(**changes))


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    return seed_evaluation()


# -- a rubric where every status occurs ----------------------------------------------
#
# 过程 50 = 采购 10 (zero) + 三公 10 (full) + 公用 10 (exclude) + 楼堂馆所 10 (not applicable)
#          + 支付进度率 | 预算执行率 10 (either-or, counted once)
# 效果 50 = 社会效益 20 (measure 100%, evaluator says 15) + 合规 20 (vetoed) + 满意度 10

STATUS_RUBRIC = textwrap.dedent('''\
    [rubric]
    id = "narrative-status"
    version = "1"
    title = "状态测试"

    [[indicator]]
    path = "过程"
    name_en = "Process"
    points = 50

    [[indicator]]
    path = "过程/政府采购执行率"
    name_en = "Procurement"
    points = 10
    measure = "facts.procurement"
    missing = "zero"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "过程/三公经费变动率"
    name_en = "Three public expenses"
    points = 10
    measure = "facts.sangong"
    missing = "full"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "过程/公用经费控制率"
    name_en = "Public funds"
    points = 10
    measure = "facts.public_funds"
    missing = "exclude"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "过程/楼堂馆所控制率"
    name_en = "Buildings"
    points = 10
    measure = "facts.buildings"
    applicable = "facts.has_buildings"
    rule = { kind = "yes_no" }

    [[indicator]]
    path = "过程/支付进度率"
    name_en = "Payment progress"
    points = 10
    measure = "facts.payment"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "过程/预算执行率"
    name_en = "Budget execution"
    points = 10
    measure = "facts.execution"
    unit = "%"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "效果"
    name_en = "Effects"
    points = 50

    [[indicator]]
    path = "效果/社会效益"
    name_en = "Social benefit"
    points = 20
    measure = "facts.social"
    unit = "%"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "效果/资金使用合规性"
    name_en = "Compliance"
    points = 20
    measure = "facts.compliant"
    rule = { kind = "yes_no" }

    [[indicator]]
    path = "效果/满意度"
    name_en = "Satisfaction"
    points = 10
    measure = "facts.satisfied"
    missing = "cannot_rate"
    rule = { kind = "yes_no" }

    [[either_or]]
    name = "支付或执行"
    alternatives = [
      { path = "过程/支付进度率", when = "has(facts.payment)" },
      "过程/预算执行率",
    ]

    [[veto]]
    name = "重大违规"
    when = "facts.violation"
    reason = "发生重大违规"
    grade_at_most = "中"
    indicator = "效果/资金使用合规性"
    ''')

STATUS_FACTS = {"has_buildings": False, "execution": "100%", "social": "100%", "compliant": True,
                "violation": True, "satisfied": True}


def status_evaluation(**facts: Any) -> pr.Evaluation:
    data = {"department": {"name": "状态局", "year": 2021},
            "facts": {k: v for k, v in {**STATUS_FACTS, **facts}.items() if v is not None},
            "assessment": [{"indicator": "效果/社会效益", "score": 15,
                            "reason": "抽查发现问题"}]}
    return pr.evaluate(pr.loads_rubric(STATUS_RUBRIC, file="status.toml"), data)


@pytest.fixture(scope="module")
def sv() -> pr.Evaluation:
    return status_evaluation()


# -- the seed's figures ----------------------------------------------------------------


def test_target_sentences_match_the_seed_report(ev: pr.Evaluation) -> None:
    # 252.94 / 215.92 = 1.171452… → 117.14 with 2 places truncated (half-up would be 117.15)
    assert n.target_sentence(ev, "domestic_investment").text == \
        "全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%"
    # 8.39 / 7.5 = 1.118666… → 111.8 with 1 place truncated (half-up would be 111.9)
    assert n.target_sentence(ev, "cross_border_ecommerce").text.endswith(
        "为年任务（7.5亿美元）的111.8%")


def test_target_fragment_keeps_structured_values(ev: pr.Evaluation) -> None:
    fragment = n.target_sentence(ev, "domestic_investment")
    assert fragment.key == "target:domestic_investment" and fragment.kind == "target"
    assert fragment.values["percent"] == Decimal("117.14")
    assert fragment.parts["percent"] == "117.14%"
    assert fragment.values["actual"] == pr.Money("252.94", "亿元")
    assert fragment.values["indicator"] == "产出/实际到位内资完成率"
    assert fragment.locale == "zh_CN" and str(fragment) == fragment.text


def test_target_without_an_indicator_gets_no_invented_percentage(ev: pr.Evaluation) -> None:
    # No indicator measures fdi: 12147 / 10000 is not computed by presentation.
    fragment = n.target_sentence(ev, "fdi")
    assert fragment.text == "全区完成外商直接投资12147万美元（年任务10000万美元）"
    assert "percent" not in fragment.values
    # compact money through babel: 12147万美元 = 1.2147亿美元
    assert n.target_sentence(ev, "fdi", compact=True).text == \
        "全区完成外商直接投资1.2147亿美元（年任务1亿美元）"
    assert n.target_sentence(ev, "refit").text == "加油站改造：未给出完成情况（年任务12座）"
    with pytest.raises(pr.PerfrubricError, match="no target 'nope'"):
        n.target_sentence(ev, "nope")


def test_figure_sentence_prints_the_reports_rate(ev: pr.Evaluation) -> None:
    # 1281 / 1358 = 0.943298… → 94.3 (1 place, truncated)
    assert n.figure_sentence(ev, "vaccination").text == "商超从业人员疫苗接种率为94.3%"
    assert n.figure_sentence(ev, "vaccination", locale="en").text == "商超从业人员疫苗接种率: 94.3%"


def test_indicator_sentences_zh(ev: pr.Evaluation) -> None:
    s = {path: n.indicator_sentence(ev, path).text for path in ev.results}
    # 965 / 1000 = 96.50%: 3.5% below 100%, one started 5% step × 0.5 = 0.50 deducted
    assert s["过程/预算完成率"] == "预算完成率为96.50%，低于100%，扣0.50分"
    # 10 / 11 = 90.909…% → 90.91%, within the 100% limit
    assert s["过程/在职人员控制率"] == "在职人员控制率为90.91%，未超过100%，得满分10分"
    # 3 of 4 items, each 2.5 → 7.5, 2.5 lost
    assert s["过程/资金管理规范性"] == "资金管理规范性：4项中做到3项，缺少支付公开透明，扣2.50分"
    assert s["产出/实际到位内资完成率"] == "实际到位内资完成率为117.14%，得满分25分"
    # 较好 = 80% of 10 = 8
    assert s["效果/满意度"] == "满意度评定为“较好”，得8分（满分10分），理由：问卷满意度85%"
    # 2 events × 1 = 2 deducted
    assert s["效果/违规"] == "违规2起，扣2分"
    assert s["效果/信息公开"] == "信息公开：是，得满分5分"
    assert s["效果/社会效益"] == "社会效益经评定得4.50分（满分5分）"
    # a parent gets its tier summary: 9.5 + 10 + 7.5 = 27 of 30
    assert s["过程"] == "过程类指标满分30分，得分27分，扣3分"


def test_indicator_sentences_en(ev: pr.Evaluation) -> None:
    def s(path: str) -> str:
        return n.indicator_sentence(ev, path, locale="en").text

    assert s("过程/预算完成率") == "Budget completion rate 96.50%, below 100%: 0.50 points deducted"
    assert s("过程/在职人员控制率") == "Staff within quota 90.91%, not above 100%: full 10 points"
    assert s("过程/资金管理规范性") == \
        "Fund management: 3 of 4 items met, missing 支付公开透明; 2.50 points deducted"
    # 较好 has the built-in English name "Fairly good"
    assert s("效果/满意度") == \
        "Satisfaction rated “Fairly good”: 8 of 10 points; reason: 问卷满意度85%"
    assert s("效果/违规") == "Violations: 2 found; 2 points deducted"
    assert s("效果/信息公开") == "Disclosure: yes; full 5 points"


def test_step_deduction_sentence_follows_the_rules_direction() -> None:
    # 12 / 11 = 109.09%: 9 whole steps above 100% × 0.5 = 4.5 deducted
    ev = seed_evaluation(staffing={"authorized": 11, "on_post": 12})
    assert n.indicator_sentence(ev, "过程/在职人员控制率").text == \
        "在职人员控制率为109.09%，高于100%，扣4.50分"
    # 1000 / 1000 = 100%: not below the limit
    ev = seed_evaluation(budget={"adjusted": "1000万元", "final": "1000万元"})
    assert n.indicator_sentence(ev, "过程/预算完成率").text == \
        "预算完成率为100.00%，不低于100%，得满分10分"
    # 11.05 / 11 = 100.45%: above the limit, but not a whole step: full points, and the
    # sentence must not claim the value is within the limit
    ev = seed_evaluation(staffing={"authorized": 1100, "on_post": 1105})
    assert n.indicator_sentence(ev, "过程/在职人员控制率").text == \
        "在职人员控制率为100.45%，得满分10分"


def test_tier_summaries_and_closing(ev: pr.Evaluation) -> None:
    assert n.tier_summary(ev, "产出").text == "产出类指标满分40分，得分40分"
    assert n.tier_summary(ev, "产出", locale="en").text == "Outputs: 40 of 40 points"
    # 27 + 40 + (8 + 8 + 5 + 4.5) = 92.5 → 优
    assert ev.total == Decimal("92.50")
    assert n.closing_sentence(ev).text == "得分92.50分，绩效评价等级为“优”"
    assert n.closing_sentence(ev, locale="en").text == "Score 92.50, grade: Excellent"
    assert n.closing_sentence(ev).values["grade"] == "优"


# -- every status -----------------------------------------------------------------------


def test_every_status_has_its_sentence_zh(sv: pr.Evaluation) -> None:
    statuses = {r.status for r in sv.leaves()}
    assert statuses == {"missing", "excluded", "not_applicable", "not_chosen", "scored",
                        "overridden", "vetoed"}
    s = {path: n.indicator_sentence(sv, path).text for path in sv.results}
    assert s["过程/政府采购执行率"] == "政府采购执行率：无数据，按规定计0分"
    assert s["过程/三公经费变动率"] == "三公经费变动率：无数据，按规定计满分10分"
    assert s["过程/公用经费控制率"] == "公用经费控制率：未报告，10分不计入，按其余指标折算"
    assert s["过程/楼堂馆所控制率"] == "楼堂馆所控制率：不适用，按满分计10分"
    assert s["过程/支付进度率"] == "支付进度率：二者择其一，本项未选用"
    assert s["过程/预算执行率"] == "预算执行率为100.00%，得满分10分"
    assert s["效果/社会效益"] == \
        "社会效益：评价组评定15分（满分20分，按规则计20分），理由：抽查发现问题"
    assert s["效果/资金使用合规性"] == "资金使用合规性：因一票否决计0分"
    # 0 + 10 + 10 + 10 = 30 of the 40 scorable (公用 excluded)
    assert s["过程"] == "过程类指标满分50分，纳入评分40分，得分30分"


def test_every_status_has_its_sentence_en(sv: pr.Evaluation) -> None:
    s = {path: n.indicator_sentence(sv, path, locale="en").text for path in sv.results}
    assert s["过程/三公经费变动率"] == \
        "Three public expenses: no data; full 10 points under its missing-data rule"
    assert s["效果/社会效益"] == ("Social benefit: assessed at 15 of 20 points "
                                "(the rule gave 20); reason: 抽查发现问题")
    # Every indicator has an English name here: no Chinese may leak from the catalog.
    for path, text in s.items():
        if path != "效果/社会效益":  # the evaluator's reason is quoted as written
            assert not CJK.search(text), text


def test_zh_sentences_have_no_english_words(sv: pr.Evaluation, ev: pr.Evaluation) -> None:
    for evaluation in (sv, ev, status_evaluation(satisfied=None)):
        for fragment in n.fragments(evaluation):
            assert not LATIN.search(fragment.text), fragment.text


def test_rescaled_total_and_veto(sv: pr.Evaluation) -> None:
    # raw 30 + (15 + 0 + 10) = 55 over 90 counted points → 55 × 100 / 90 = 61.11 → 中
    assert sv.total == Decimal("61.11") and sv.grade == "中"
    assert n.closing_sentence(sv).text == "得分61.11分（按可评分的90分折算），绩效评价等级为“中”"
    assert n.closing_sentence(sv, locale="en").text == \
        "Score 61.11 (rescaled over 90 scorable points), grade: Fair"
    assert n.veto_sentence(sv, "重大违规").text == "一票否决：发生重大违规，绩效评价等级最高为“中”"
    assert n.veto_sentence(sv, "重大违规", locale="en").text == \
        "Veto: 发生重大违规; grade at most Fair"
    with pytest.raises(pr.PerfrubricError, match="no veto"):
        n.veto_sentence(sv, "其他")


def test_cannot_rate_names_the_indicator() -> None:
    ev = status_evaluation(satisfied=None)
    assert ev.grade is None
    assert n.indicator_sentence(ev, "效果/满意度").text == "满意度：无数据，无法评价"
    assert n.closing_sentence(ev).text.endswith("因满意度无法评价，不评定绩效评价等级")
    assert n.closing_sentence(ev, locale="en").text.endswith(
        "not graded: Satisfaction cannot be rated")


# -- fragments and the report -----------------------------------------------------------


def test_fragments_cover_everything_in_report_order(ev: pr.Evaluation) -> None:
    frags = n.fragments(ev)
    keys = [f.key for f in frags]
    assert keys[:3] == ["target:domestic_investment", "target:cross_border_ecommerce",
                        "target:fdi"]  # refit has no result: no sentence
    assert "figure:vaccination" in keys
    assert [f.key for f in frags if f.kind == "tier"] == ["过程", "产出", "效果"]
    assert [f.key for f in frags if f.kind == "indicator"] == [r.path for r in ev.leaves()]
    assert frags[-1].kind == "closing"
    for fragment in frags:  # each fragment is also available alone, identically
        if fragment.kind == "indicator":
            assert n.indicator_sentence(ev, fragment.key) == fragment
    text = n.report_text(ev)
    assert text.splitlines() == [("  " if f.kind == "indicator" else "") + f.text
                                 for f in frags]


def test_report_on_the_seed_example(capsys: pytest.CaptureFixture[str]) -> None:
    rubric, data = str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml")
    assert main(["report", rubric, data, "--locale", "zh_CN"]) == 0
    out = capsys.readouterr().out
    assert "全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%" in out
    assert "为年任务（7.5亿美元）的111.8%" in out
    assert "商超从业人员疫苗接种率为94.3%" in out
    assert out.splitlines()[-1] == "得分100分，绩效评价等级为“优”"
    assert main(["report", rubric, data, "--locale", "en"]) == 0
    out = capsys.readouterr().out
    assert "25.294 billion yuan, 117.14% of the annual target (21.592 billion yuan)" in out
    assert out.splitlines()[-1] == "Score 100, grade: Excellent"


# -- numbers ----------------------------------------------------------------------------


def test_money() -> None:
    assert n.format_money(pr.Money("252.94", "亿元")) == "252.94亿元"
    assert n.format_money(pr.Money("8.39", "亿美元")) == "8.39亿美元"
    assert n.format_money(pr.Money("12147", "万美元")) == "12147万美元"  # no separators in zh
    assert n.format_money(pr.Money("12147", "万美元"), compact=True) == "1.2147亿美元"
    assert n.format_money(pr.Money("601.53", "万元"), compact=True) == "601.53万元"
    assert n.format_money(pr.Money("252.94", "亿元"), locale="en") == "25.294 billion yuan"
    assert n.format_money(pr.Money("8.39", "亿美元"), locale="en") == "839 million US dollars"
    # below a million: digits with separators; every digit kept (babel's compact
    # form would otherwise round 1234.5678万元 to 2 decimals)
    assert n.format_money(pr.Money("60.1553", "万元"), locale="en") == "601,553 yuan"
    assert n.format_money(pr.Money("1234.5678", "万元"), locale="en") == \
        "12.345678 million yuan"


def test_percent_is_rounded_as_declared_before_babel_formats_it() -> None:
    # 94.35% with 1 place: truncation gives 94.3; babel's own half-even would give 94.4
    assert n.format_rate(Decimal("0.9435"), pr.Rounding(1, "down")) == "94.3%"
    assert n.format_rate(Decimal("0.9435"), pr.Rounding(1, "half_up")) == "94.4%"
    assert n.format_rate(Decimal("1.17145238"), pr.Rounding(2, "down")) == "117.14%"
    assert n.format_percent_value(Decimal("100"), 1) == "100.0%"
    assert n.format_percent_value(Decimal("96.5"), 2, locale="en") == "96.50%"


def test_numbers_per_locale() -> None:
    assert n.format_number(Decimal("1358")) == "1358"
    assert n.format_number(Decimal("1358"), locale="en") == "1,358"
    assert n.format_points(Decimal("0.5"), pr.Rounding(2)) == "0.50"
    assert n.format_points(Decimal("100.00"), pr.Rounding(2)) == "100"


@given(st.decimals(min_value=0, max_value=5, places=6),
       st.integers(min_value=0, max_value=4),
       st.sampled_from(["down", "half_up", "half_even", "up"]),
       st.sampled_from(["zh_CN", "en"]))
def test_format_rate_shows_exactly_the_declared_rounding(ratio: Decimal, places: int,
                                                         mode: str, locale: str) -> None:
    rounding = pr.Rounding(places, mode)
    text = n.format_rate(ratio, rounding, locale=locale)
    assert text.endswith("%")
    digits = text[:-1].replace(",", "")
    assert Decimal(digits) == rounding.apply(ratio * 100)
    assert len(digits.partition(".")[2]) == places


def test_locales() -> None:
    assert n.translate("Total", locale="en_GB") == "Total"
    assert n.translate("Total", locale="zh-CN") == "总分"
    with pytest.raises(pr.PerfrubricError, match="no narrative catalog for locale 'fr'"):
        n.translate("Total", locale="fr")


# -- catalogs ---------------------------------------------------------------------------


def _po(locale: str) -> dict[str, str]:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "perfrubric.po").open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _names(text: str) -> set[str]:
    return set(placeholders(text))


def test_catalogs_translate_every_message_with_known_placeholders() -> None:
    zh, en = _po("zh_CN"), _po("en")
    assert set(zh) == set(en)
    for msgid, text in zh.items():
        assert text, f"untranslated: {msgid}"
        # a translation may leave a value out (得{score}分 without 满分), never invent one
        assert _names(text) <= _names(msgid), msgid
    for msgid, text in en.items():
        assert _names(text or msgid) == _names(msgid), msgid


def test_every_message_the_code_asks_for_is_in_the_catalogs(
        monkeypatch: pytest.MonkeyPatch, ev: pr.Evaluation, sv: pr.Evaluation) -> None:
    from perfrubric.narrative import catalogs, indicator_sentences, target_sentences
    from perfrubric.views import table as views

    asked: set[str] = set()
    real = n.translate

    def spy(message: str, *, locale: str = "zh_CN") -> str:
        asked.add(message)
        return real(message, locale=locale)

    # patched where translate is looked up: the modules that call it
    for module in (catalogs, indicator_sentences, target_sentences, views):
        monkeypatch.setattr(module, "translate", spy)
    for evaluation in (ev, sv, status_evaluation(satisfied=None),
                       seed_evaluation(staffing={"authorized": 11, "on_post": 12})):
        for locale in n.LOCALES:
            n.report_text(evaluation, locale=locale)
            views.to_csv(evaluation, locale=locale)
    assert len(asked) > 40
    assert asked <= set(_po("zh_CN"))


def test_catalogs_load_through_importlib_resources() -> None:
    from importlib import resources

    for locale in n.LOCALES:
        po = resources.files("perfrubric.narrative") / "locale" / locale / "LC_MESSAGES" / "perfrubric.po"
        assert po.is_file()


# -- rubric templates -------------------------------------------------------------------

TEMPLATE_AT = 'steps = "started" }\n'  # the end of 预算完成率's rule line (indicator[1])


def with_template(template: str) -> str:
    assert SEED_RUBRIC.count(TEMPLATE_AT) == 1
    return SEED_RUBRIC.replace(TEMPLATE_AT, TEMPLATE_AT + f"templates = {template}\n")


def test_rubric_template_is_used_safely() -> None:
    ev = seed_evaluation(with_template(
        '{ zh_CN = "{name}{value}，扣{lost}分（{{注}}）", en = "{name}: {value}, -{lost}" }'))
    assert n.indicator_sentence(ev, "过程/预算完成率").text == "预算完成率96.50%，扣0.50分（{注}）"
    assert n.indicator_sentence(ev, "过程/预算完成率", locale="en").text == \
        "Budget completion rate: 96.50%, -0.50"


def test_template_gets_the_target_and_totals() -> None:
    text = SEED_RUBRIC.replace('mode = "down" }\nrule = { kind = "ratio" }\n\n[[indicator]]\n'
                               'path = "产出/跨境电商完成率"',
                               'mode = "down" }\nrule = { kind = "ratio" }\n'
                               'templates = { zh_CN = "完成{actual}，为年任务（{target}）的{value}；'
                               '总分{total}，{grade}" }\n\n[[indicator]]\n'
                               'path = "产出/跨境电商完成率"', 1)
    ev = seed_evaluation(text)
    assert n.indicator_sentence(ev, "产出/实际到位内资完成率").text == \
        "完成252.94亿元，为年任务（215.92亿元）的117.14%；总分92.50，优"


def test_template_is_not_used_for_an_unmeasured_status() -> None:
    # budget.final is absent: the zero policy gives 0 and the built-in sentence, since a
    # template written around {value} would read wrong
    text = with_template('{ zh_CN = "{name}为{value}" }').replace(
        'measure = "budget.final / budget.adjusted"',
        'measure = "budget.final / budget.adjusted"\nmissing = "zero"')
    ev = seed_evaluation(text, budget={"adjusted": "1000万元"})
    assert n.indicator_sentence(ev, "过程/预算完成率").text == "预算完成率：无数据，按规定计0分"


@pytest.mark.parametrize(("template", "message"), [
    ("{value.__class__}", "is not a placeholder"),
    ("{value[0]}", "is not a placeholder"),
    ("{value:>10}", "is not a placeholder"),
    ("{valeu}", "unknown placeholder {valeu}"),
    ("{value", "unclosed"),
    ("value}", "single '}'"),
])
def test_bad_template_is_a_located_load_error(template: str, message: str) -> None:
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(with_template(f'{{ zh_CN = "{template}" }}'), file="r.toml")
    (problem,) = info.value.problems
    assert message in problem.message
    assert problem.path == "indicator[1].templates.zh_CN"
    assert problem.file == "r.toml" and problem.line == 18  # the templates line
    assert str(problem).startswith("r.toml:18")


def test_template_for_an_unknown_locale_is_a_load_error() -> None:
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(with_template('{ zh-CN = "{value}" }'), file="r.toml")
    (problem,) = info.value.problems
    assert problem.path == "indicator[1].templates.zh-CN" and problem.line == 18
    assert "did you mean 'zh_CN'" in problem.message


def test_template_helpers() -> None:
    assert n.fill_template("{a}+{b}={{c}}", {"a": "1", "b": "2"}) == "1+2={c}"
    assert n.template_problems("{score} of {points}, {target}") == []
    assert n.template_problems("{value.__class__}")
    assert "value" in n.PLACEHOLDERS and "met" in n.PLACEHOLDERS


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40))
def test_fill_leaves_plain_text_and_escaped_braces_alone(text: str) -> None:
    assert n.fill_template(text, {"value": "x"}) == text
    braced = "{{" + text + "}}"
    assert n.fill_template(braced, {}) == "{" + text + "}"


def test_report_command_with_compact_money(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import json

    rubric, data = tmp_path / "r.toml", tmp_path / "d.json"
    rubric.write_text(SEED_RUBRIC, encoding="utf-8")
    data.write_text(json.dumps(seed_data(), ensure_ascii=False), encoding="utf-8")
    assert main(["report", str(rubric), str(data)]) == 0
    assert "全区完成外商直接投资12147万美元（年任务10000万美元）" in capsys.readouterr().out
    assert main(["report", str(rubric), str(data), "--compact"]) == 0
    assert "全区完成外商直接投资1.2147亿美元（年任务1亿美元）" in capsys.readouterr().out


@pytest.mark.parametrize(("value", "unit", "english"), [
    ("86.5", "公里", "86.5 km"), ("48", "小时", "48 hours"), ("1", "小时", "1 hour"),
    ("3000", "平方米", "3,000 m²"), ("21", "人", "21 people"), ("13", "座", "13"),
    ("50", "个", "50"), ("2", "万人", "2 万人"),   # 万 units: not in the table, as written
])
def test_english_units_and_classifiers(value: str, unit: str, english: str) -> None:
    from perfrubric.narrative.formatting import _quantity

    assert _quantity(Decimal(value), unit, "en")[1] == english
    assert _quantity(Decimal(value), unit, "zh_CN")[1].endswith(unit)  # 86.5公里, 13座


def test_figures_have_english_names() -> None:
    # the project form's budget block: 年初预算数 120万元 → "Initial budget: 1.2 million yuan"
    project = Path(__file__).resolve().parent.parent / "examples" / \
        "rural-road-maintenance-2022" / "project.toml"
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), project)
    assert n.figure_sentence(ev, "budget_initial", locale="en").text == \
        "Initial budget: 1.2 million yuan"
    assert n.figure_sentence(ev, "budget_initial", locale="zh_CN").text.startswith("年初预算数")
