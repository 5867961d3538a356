"""Narrative fragments: the seed report's wording, both locales, templates."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric import narrative as n
from perfrubric._template import fill, template_problems

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    return pr.evaluate(pr.load_rubric(EXAMPLE / "rubric.toml"), EXAMPLE / "data.toml")


def test_target_sentences_match_the_seed_report(ev: pr.Evaluation) -> None:
    # The report: 全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%
    assert n.target_sentence(ev, "domestic_investment").text == \
        "全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%"
    # The report: 全区预计完成跨境电商8.39亿美元，为年任务（7.5亿美元）的111.8%
    assert n.target_sentence(ev, "cross_border_ecommerce").text == \
        "全区完成跨境电商8.39亿美元，为年任务（7.5亿美元）的111.8%"
    fragment = n.target_sentence(ev, "domestic_investment")
    assert fragment.values["percent"] == "117.14%" and fragment.key == "target:domestic_investment"


def test_figure_sentence_prints_the_reports_rate(ev: pr.Evaluation) -> None:
    # The report: 疫苗接种人数1281人，接种率94.3%
    assert n.figure_sentence(ev, "mall_vaccination_rate").text == "商超从业人员疫苗接种率为94.3%"


def test_closing_line(ev: pr.Evaluation) -> None:
    assert n.closing_sentence(ev).text == "得分100分，绩效评价等级为“优”"
    assert n.closing_sentence(ev, locale="en").text == "Score 100, grade: Excellent"


def test_english_sentences(ev: pr.Evaluation) -> None:
    # 252.94 亿元 = 25 294 000 000 yuan
    assert n.target_sentence(ev, "domestic_investment", locale="en").text == (
        "实际到位内资: 25.294 billion yuan, 117.14% of the annual target (21.592 billion yuan)")
    assert n.indicator_sentence(ev, "产出/数量/跨境电商完成率", locale="en").text == (
        "Cross-border e-commerce vs target 111.8%, full 10 points")
    assert n.tier_summary(ev, "产出", locale="en").text == "Outputs: 45 of 45 points"


def test_indicator_and_tier_sentences(ev: pr.Evaluation) -> None:
    assert n.indicator_sentence(ev, "产出/数量/实际到位内资完成率").text == \
        "实际到位内资完成率为117.14%，得满分15分"
    assert n.tier_summary(ev, "效果").text == "效果类指标满分35分，得分35分"
    assert n.indicator_sentence(ev, "投入/预算配置/项目支出构成一致性").text == \
        "项目支出构成一致性：是，得满分5分"


def test_fragments_cover_every_leaf_and_end_with_closing(ev: pr.Evaluation) -> None:
    frags = n.fragments(ev)
    keys = [f.key for f in frags]
    assert all(leaf.path in keys for leaf in ev.leaves())
    assert frags[-1].kind == "closing"
    text = n.report_text(ev)
    assert "为年任务（215.92亿元）的117.14%" in text and text.rstrip().endswith("“优”")


HEAD = textwrap.dedent('''\
    [rubric]
    id = "n"
    version = "1"
    title = "叙述测试"
    [[indicator]]
    path = "过程"
    points = 5
    [[indicator]]
    path = "过程/预算完成率"
    points = 5
    measure = "budget.final / budget.adjusted"
    unit = "%"
    rule = { kind = "step_deduction", limit = "100%", direction = "below", step = "1%", deduct = "0.5", steps = "fraction" }
    ''')
# fill to 100
TAIL = '[[indicator]]\npath = "其他"\npoints = 95\nmeasure = "facts.x"\nrule = { kind = "judged" }\n'


def test_deduction_sentence_matches_the_design_example() -> None:
    # 预算完成率 965/1000 = 96.50%: 3.5 points below × 0.5 … capped by the data here:
    # fraction 3.5 steps × 0.5 = 1.75 deducted
    ev = pr.evaluate(pr.loads_rubric(HEAD + TAIL),
                     {"department": {"name": "d"}, "facts": {"x": 95},
                      "budget": {"adjusted": "1000万元", "final": "965万元"}})
    assert n.indicator_sentence(ev, "过程/预算完成率").text == \
        "预算完成率为96.50%，低于100%，扣1.75分"
    assert n.indicator_sentence(ev, "过程/预算完成率", locale="en").text == \
        "预算完成率 96.50%, below 100%: 1.75 points deducted"


def test_rubric_template_is_used_and_safe() -> None:
    text = HEAD.replace('steps = "fraction" }',
                        'steps = "fraction" }\ntemplates = { zh_CN = "{name}{value}，扣{lost}分（{{注}}）" }')
    ev = pr.evaluate(pr.loads_rubric(text + TAIL),
                     {"department": {"name": "d"}, "facts": {"x": 95},
                      "budget": {"adjusted": "1000万元", "final": "990万元"}})
    # 99% → 1 step × 0.5 = 0.5 → "0.50"
    assert n.indicator_sentence(ev, "过程/预算完成率").text == "预算完成率99.00%，扣0.50分（{注}）"


@pytest.mark.parametrize(("template", "fragment"), [
    ("{value.__class__}", "is not a placeholder"),
    ("{value[0]}", "is not a placeholder"),
    ("{value:>10}", "is not a placeholder"),
    ("{valeu}", "unknown placeholder {valeu}"),
    ("{value", "unclosed"),
    ("value}", "single '}'"),
])
def test_bad_template_is_a_located_load_error(template: str, fragment: str) -> None:
    text = HEAD.replace('steps = "fraction" }',
                        f'steps = "fraction" }}\ntemplates = {{ zh_CN = "{template}" }}')
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(text + TAIL, file="r.toml")
    (p,) = info.value.problems
    assert fragment in p.message
    assert p.path == "indicator[1].templates.zh_CN" and p.line == 14


def test_template_helpers() -> None:
    assert fill("{a}+{b}={{c}}", {"a": "1", "b": "2"}) == "1+2={c}"
    assert template_problems("{score} of {points}") == []


def test_money_formats() -> None:
    assert n.format_money(pr.Money("252.94", "亿元")) == "252.94亿元"
    assert n.format_money(pr.Money("12147", "万美元")) == "12147万美元"
    assert n.format_money(pr.Money("252.94", "亿元"), compact=True) == "252.94亿元"
    assert n.format_money(pr.Money("8.39", "亿美元"), locale="en") == "839 million US dollars"
    assert n.format_percent_value(Decimal("94.3"), 1) == "94.3%"


def test_unknown_locale() -> None:
    with pytest.raises(pr.PerfrubricError, match="no narrative catalog for locale 'fr'"):
        n.translate("Total", locale="fr")
