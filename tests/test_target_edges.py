"""The rule's edges on a project form's rows, stated and kept (#16 points 4, 5, 7)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr

OUT, COST, BEN, SAT = ("产出指标/数量指标", "产出指标/成本指标", "效益指标/社会效益指标",
                       "满意度指标/服务对象满意度指标")


def form(*rows: dict[str, object]) -> dict[str, object]:
    return {"department": {"name": "某镇", "year": 2022},
            "budget": {"adjusted": "100万元", "final": "100万元"}, "target": list(rows)}


def row(name: str, where: str, points: object, target: object, **more: object
        ) -> dict[str, object]:
    return {"name": name, "indicator": where, "points": points, "target": target, **more}


def full(*cost: dict[str, object]) -> dict[str, object]:
    """A complete form: 数量 40 reached, the given rows (10 points of 产出), 效益 30, 满意度 10."""
    return form(row("数量", OUT, 40, "≥1个", actual="1个"), *cost,
                row("效果", BEN, 30, "效果明显", level="达成", score=30),
                row("满意度", SAT, 10, "≥90%", actual="95%"))


def scored(doc: dict[str, object]) -> pr.Evaluation:
    return pr.evaluate(pr.builtin("mof-2020-project-self"), doc)


def problems(doc: dict[str, object]) -> list[str]:
    with pytest.raises(pr.DataError) as info:
        scored(doc)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


# -- 5. the direction of an unsigned target --------------------------------------------


def test_an_unsigned_cost_target_is_lower_is_better() -> None:
    ev = scored(full(row("项目总成本", COST, 10, "100万元", actual="125万元")))
    result = ev.results[f"{COST}/项目总成本"]
    assert result.score == Decimal(8)          # 100 / 125 × 10 = 8 (not full points)
    assert "under 成本指标 it is read as lower-is-better" in result.note
    assert ev.total == Decimal(98)             # 10 + 40 + 8 + 30 + 10
    (target,) = [t for t in ev.targets if t.name == "项目总成本"]
    assert (target.direction, target.direction_from) == ("lower", "tier")


def test_spending_less_than_an_unsigned_cost_target_earns_full_points() -> None:
    ev = scored(full(row("项目总成本", COST, 10, "100万元", actual="80万元")))
    assert ev.results[f"{COST}/项目总成本"].score == 10   # 80 ≤ 100: reached (was 8 of 10)


def test_a_given_direction_overrides_the_tier() -> None:
    ev = scored(full(row("项目总成本", COST, 10, "100万元", actual="125万元",
                         direction="higher")))
    assert ev.results[f"{COST}/项目总成本"].score == 10   # 125 ≥ 100: reached
    (target,) = [t for t in ev.targets if t.name == "项目总成本"]
    assert target.direction_from == "given"


def test_an_unsigned_target_elsewhere_is_at_least() -> None:
    ev = scored(form(row("数量", OUT, 50, "50个", actual="40个")))
    assert ev.results[f"{OUT}/数量"].score == 40          # 40 / 50 × 50


@pytest.mark.parametrize(("target", "direction", "says"), [
    ("≤90万元", "higher", "says less is better"),
    ("≥50个", "lower", "says more is better"),
    ("<5%", "higher", "says less is better"),
    ("±10%", "higher", "says less is better"),
])
def test_a_direction_contradicting_the_sign_is_an_error(target: str, direction: str,
                                                        says: str) -> None:
    found = problems(form(row("甲", OUT, 50, target, direction=direction)))
    assert any(p.startswith("target[0].direction") and says in p for p in found)


# -- 6. spellings that need the row: 万, declared units, tolerance, signed actuals -------


def test_wan_is_wanyuan_in_a_money_row() -> None:
    ev = scored(full(row("项目总成本", COST, 10, "≤100万元", actual="125万")))
    assert ev.results[f"{COST}/项目总成本"].score == 8     # 125万 = 125万元: 100/125 × 10
    ev = scored(full(row("项目总成本", COST, 10, "≤100万", actual="1250000元")))
    assert ev.results[f"{COST}/项目总成本"].score == 8     # 1,250,000元 = 125万元


def test_wan_alone_is_refused_outside_a_money_row() -> None:
    found = problems(form(row("受益人口", OUT, 50, "≥10万", actual="12万")))
    assert any(p.startswith("target[0].target") and "'万' alone is ambiguous" in p
               for p in found)


def test_a_unit_declared_on_the_target_is_read() -> None:
    ev = scored(form(row("植树", OUT, 50, "≥50棵树", actual="40棵树", unit="棵树")))
    assert ev.results[f"{OUT}/植树"].score == 40          # 40 / 50 × 50


def test_a_tolerance_is_reached_within_it() -> None:
    ev = scored(form(row("预算调整率", OUT, 20, "±10%", actual="-8%"),
                     row("偏差率", OUT, 30, "±10%", actual="12%")))
    assert ev.results[f"{OUT}/预算调整率"].score == 20    # |−8%| ≤ 10%: reached
    assert ev.results[f"{OUT}/偏差率"].score == 25        # 10 / 12 × 30 = 25


def test_an_actual_printed_with_a_sign_is_read_as_its_number() -> None:
    ev = scored(form(row("堤防长度", OUT, 50, "≥250米", actual="≥266米")))
    result = ev.results[f"{OUT}/堤防长度"]
    assert result.score == 50 and "read as its number" in result.note


def test_a_converted_actual_scores() -> None:
    ev = scored(form(row("堤防长度", OUT, 50, "≥2公里", actual="1500米")))
    assert ev.results[f"{OUT}/堤防长度"].score == Decimal("37.5")   # 1.5 / 2 × 50


# -- 7. targets at or below zero, strict comparisons -------------------------------------


@pytest.mark.parametrize(("target", "actual"), [("≥0%", "-2%"), ("≤-5%", "-3%"),
                                                ("≤0起", "2起"), ("≤-5%", "0%")])
def test_a_missed_target_at_or_below_zero_earns_zero_and_says_so(target: str,
                                                                 actual: str) -> None:
    ev = scored(form(row("增长率", OUT, 50, target, actual=actual)))
    result = ev.results[f"{OUT}/增长率"]
    assert result.status == "scored" and result.score == 0
    assert "at or below zero and was missed: it earns 0 points" in result.note


@pytest.mark.parametrize(("target", "actual"), [("≥0%", "0%"), ("≤-5%", "-6%"), ("=0起", "0起")])
def test_a_reached_target_at_or_below_zero_earns_full_points(target: str, actual: str) -> None:
    ev = scored(form(row("增长率", OUT, 50, target, actual=actual)))
    assert ev.results[f"{OUT}/增长率"].score == 50


@pytest.mark.parametrize(("target", "actual", "symbol"), [("低于5%", "5%", "≤"),
                                                          (">90%", "90%", "≥")])
def test_a_strict_comparison_is_read_inclusive_and_the_sentence_says_so(
        target: str, actual: str, symbol: str) -> None:
    ev = scored(form(row("率", OUT, 50, target, actual=actual)))
    path = f"{OUT}/率"
    assert ev.results[path].score == 50
    assert f"is scored as {symbol}" in ev.results[path].note
    assert f"按{symbol}" in pr.indicator_sentence(ev, path).text
    assert f"scored as {symbol}" in pr.indicator_sentence(ev, path, locale="en").text


# -- 4. a qualitative actual is never dropped --------------------------------------------


@pytest.mark.parametrize("actual", ["有效", "有效。", " 有 效 ", "“有效”"])
def test_an_actual_repeating_the_target_reads_as_reached(actual: str) -> None:
    ev = scored(form(row("效果", OUT, 50, "有效", actual=actual)))
    result = ev.results[f"{OUT}/效果"]
    assert result.score == 50 and result.matched == "达成预期指标"   # band top: 100% × 50
    assert "repeats the target's text" in result.note
    text = pr.indicator_sentence(ev, f"{OUT}/效果").text
    assert "达成预期指标" in text and "未作出评价" not in text


def test_a_repeated_target_with_a_score_keeps_the_score() -> None:
    ev = scored(form(row("效果", OUT, 50, "显著提升", actual="显著提升", score=45)))
    assert ev.results[f"{OUT}/效果"].score == 45


def test_other_text_is_a_located_error_asking_for_a_level() -> None:
    found = problems(form(row("效果", OUT, 50, "显著提升", actual="有所提升")))
    assert found == ["target[0].actual: the actual '有所提升' is neither the target's text "
                     "'显著提升' nor a judgement; give the judgement as level = \"达成预期指标\" "
                     "| \"部分达成预期指标\" | \"未达成预期指标\""]


def test_text_with_a_level_is_a_description() -> None:
    ev = scored(form(row("效果", OUT, 50, "显著提升", actual="有所提升", level="部分达成")))
    assert ev.results[f"{OUT}/效果"].score == 40          # 部分达成 band top: 80% × 50


# -- 8. validate --data on a project form ----------------------------------------------


def test_check_data_understands_target_rows() -> None:
    rubric = pr.builtin("mof-2020-project-self")
    assert pr.check_data(rubric, "examples/rural-road-maintenance-2022/project.toml") == []
    found = pr.check_data(rubric, form(row("甲", "产出指标/数量指", 50, "≥1个", actual="1个")))
    assert "target[0].indicator" in [p.path for p in found]      # a misplaced row, located
    assert not any("no [[assessment]]" in p.message for p in found)


def test_validate_prints_ok_only_when_it_exits_0(tmp_path: object) -> None:
    import io
    from pathlib import Path

    from perfrubric.cli import main

    assert isinstance(tmp_path, Path)
    bad = tmp_path / "form.toml"
    bad.write_text('[department]\nname = "某镇"\n\n[[target]]\nname = "甲"\n'
                   'indicator = "产出指标/数量指标"\npoints = 40\ntarget = "≥1个"\n'
                   'actual = "1个"\n', encoding="utf-8")
    for data, code in (("examples/rural-road-maintenance-2022/project.toml", 0), (str(bad), 1)):
        out = io.StringIO()
        assert main(["validate", "mof-2020-project-self", "--data", data], out=out) == code
        assert (": ok (" in out.getvalue()) == (code == 0)


def test_the_form_typed_as_printed_scores_by_hand() -> None:
    data = "examples/water-gauge-2021/project.toml"
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), data)
    # 预算 96/100 × 10 = 9.6; 产出 15 + 10 + 98/100 × 10 + 5 + 10 = 49.8; 效益 15 + 15;
    # 满意度 10: 9.6 + 49.8 + 30 + 10 = 99.4 (examples/water-gauge-2021/README.md)
    assert ev.total == Decimal("99.40")
    assert pr.check_data(pr.builtin("mof-2020-project-self"), data) == []
    from perfrubric.views import form as form_view

    notes = {r.tiers[2]: r.note for r in form_view.form_rows(ev)}
    assert "形近符号" in notes["水位标尺安装数量"]
    assert "按不高于目标值计分" in notes["项目总成本"]
    assert "视为达成预期指标" in notes["防汛预警能力"]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=10**4), st.integers(min_value=1, max_value=10**4))
def test_an_unsigned_cost_row_scores_target_over_actual(target: int, actual: int) -> None:
    ev = scored(full(row("项目总成本", COST, 10, f"{target}万元", actual=f"{actual}万元")))
    # spent within the figure: 10; beyond it: target / actual × 10, rounded half up to 2 places
    expected = Decimal(10) if actual <= target else (Decimal(target) / actual * 10).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert ev.results[f"{COST}/项目总成本"].score == expected
