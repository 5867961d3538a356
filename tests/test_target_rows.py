"""Targets written as a project form prints them: loading, located errors, issue 9 (1, 2)."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.data import load_data, structure_department, unstructure_department

D = Decimal


def dept(*targets: dict[str, object]) -> dict[str, object]:
    return {"department": {"name": "某镇人民政府", "year": 2022}, "target": list(targets)}


def problems(doc: dict[str, object]) -> list[str]:
    with pytest.raises(pr.DataError) as info:
        structure_department(doc)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


def test_printed_columns_load() -> None:
    d = structure_department(dept(
        {"name": "基建工程委托业务项目数量", "indicator": "产出指标/数量指标", "points": 8,
         "target": "≥50个", "actual": "50个"},
        {"name": "项目总成本", "indicator": "产出指标/成本指标", "points": 10,
         "target": "≤90万元", "actual": "900000元", "reason": "无偏差"},
        {"name": "群众满意度", "indicator": "满意度指标/服务对象满意度指标", "points": 10,
         "target": "≥90%", "actual": "96%"},
        {"name": "带动就业", "indicator": "效益指标/社会效益指标", "points": 10,
         "target": "效果明显", "actual": "部分达成", "score": 7},
    ))
    qty, cost, sat, job = d.targets
    assert qty.id == "基建工程委托业务项目数量"            # derived from the name
    assert (qty.target, qty.actual, qty.unit, qty.direction) == (D(50), D(50), "个", "higher")
    assert (cost.target, cost.actual, cost.unit, cost.direction) == (D(90), D(90), "万元",
                                                                      "lower")
    assert cost.reached and cost.reason == "无偏差"
    assert (sat.target, sat.actual, sat.unit) == (D("0.9"), D("0.96"), "%")
    assert job.is_qualitative and job.level == "部分达成预期指标" and job.score == 7
    assert job.target is None and job.actual is None


def test_round_trip_keeps_printed_values() -> None:
    d = structure_department(dept(
        {"name": "成本", "target": "≤90万元", "actual": "88万元", "points": 10},
        {"name": "效果", "target": "效果明显", "level": "达成", "score": 9, "points": 10},
    ))
    doc = unstructure_department(d)
    assert doc["target"][0]["target"] == "≤90万元"
    back = structure_department(doc)
    assert back == d
    assert back.targets[0].printed_target is not None
    assert back.targets[0].printed_target.text == "≤90万元"


def test_derived_ids_are_unique_and_identifiers() -> None:
    d = structure_department(dept({"name": "项目总成本（万元）"}, {"name": "项目总成本（万元）"},
                                  {"name": "2022年完工率"}))
    assert [t.id for t in d.targets] == ["项目总成本_万元", "项目总成本_万元_2", "t_2022年完工率"]


@pytest.mark.parametrize(("row", "where", "message"), [
    ({"name": "a", "target": "≥85%", "actual": "88"}, "target[0].actual",
     "'88' has no unit but the target '≥85%' is a percentage"),
    ({"name": "a", "target": 85, "actual": "88%"}, "target[0].actual",
     "'88%' is a percentage but the target '85' is a plain number"),
    ({"name": "a", "target": "85%", "actual": 88}, "target[0].actual",
     "'88' has no unit but the target '85%' is a percentage"),
    ({"name": "a", "target": 85, "actual": 88, "unit": "%"}, "target[0].target",
     'with unit = \'%\', write the value as a percentage, e.g. "85%"'),
    ({"name": "a", "target": "≥50个", "actual": "50人"}, "target[0].actual", "is in 人"),
    ({"name": "a", "target": "≥5O个"}, "target[0].target", "unknown unit 'O个'"),
    ({"name": "a", "target": "≥50个", "actual": "±5个"}, "target[0].actual",
     "an actual value is a result"),
    ({"name": "a", "target": "≥50个", "level": "达成"}, "target[0].level",
     "judges a qualitative target"),
    ({"name": "a", "level": "达成"}, "target[0].level", "give the target as printed too"),
    ({"name": "a", "target": "效果明显", "level": "很好"}, "target[0].level",
     "unknown level '很好'"),
    ({"name": "a", "target": "≤90万元", "direction": "lower", "unit": "个"}, "target[0].unit",
     "unit = '个' but the target '≤90万元' is written in 万元"),
    ({"name": "a", "target": "≥90%", "direction": "lower"}, "target[0].direction",
     "says more is better"),
    ({"name": "a", "target": ["≥50个"]}, "target[0].target", "got a list"),
])
def test_malformed_rows_are_located(row: dict[str, object], where: str, message: str) -> None:
    found = problems(dept(row))
    assert any(p.startswith(where + ":") and message in p for p in found), found


def test_error_has_file_line(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(textwrap.dedent('''\
        [department]
        name = "某镇"

        [[target]]
        name = "优良路率"
        target = "≥85%"
        actual = "88"
        '''), encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        load_data(path)
    (problem,) = info.value.problems
    assert problem.path == "target[0].actual" and problem.line == 7


# -- issue 9, items 1 and 2: percentages printed 100× too small, mixed notation ------


def percent_rubric() -> pr.Rubric:
    return pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [{"path": "优良路率", "points": 100,
                       "measure": "targets.road.actual / targets.road.target", "unit": "%",
                       "rule": {"kind": "ratio"}}]})


def test_percent_target_sentence_is_not_100_times_too_small() -> None:
    ev = pr.evaluate(percent_rubric(), dept(
        {"id": "road", "name": "优良路率", "target": "85%", "actual": "88%"}))
    zh = pr.target_sentence(ev, "road").text
    en = pr.target_sentence(ev, "road", locale="en").text
    assert "88%" in zh and "85%" in zh and "0.88" not in zh, zh
    assert "88%" in en and "85%" in en and "0.88" not in en, en


def test_docs_error_rate_reads_in_percent() -> None:
    # data.md: 数据差错率 target "1%", actual "1.25%" (was printed 0.0125% / 0.01%)
    ev = pr.evaluate(percent_rubric(), dept(
        {"id": "road", "name": "优良路率", "target": "85%", "actual": "88%"},
        {"id": "err", "name": "数据差错率", "unit": "%", "direction": "lower",
         "target": "1%", "actual": "1.25%"}))
    text = pr.target_sentence(ev, "err").text
    assert "1.25%" in text and "1%" in text and "0.0125" not in text, text


# -- rows generated from targets (the built-in mof-2020-project-self) -------------------

BUDGET = {"adjusted": "100万元", "final": "100万元"}  # 预算执行率 100% → 10 of 10


def form(*rows: dict[str, object]) -> dict[str, object]:
    return {"department": {"name": "某镇", "year": 2022}, "budget": BUDGET,
            "target": list(rows)}


def row(name: str, where: str, points: object, target: object, **more: object
        ) -> dict[str, object]:
    return {"name": name, "indicator": where, "points": points, "target": target, **more}


OUT, BEN, SAT = "产出指标/数量指标", "效益指标/社会效益指标", "满意度指标/服务对象满意度指标"


def full_form(*output: dict[str, object]) -> dict[str, object]:
    return form(*output, row("效果", BEN, 30, "效果明显", level="达成", score=30),
                row("满意度", SAT, 10, "≥90%", actual="95%"))


def score(doc: dict[str, object]) -> tuple[pr.Evaluation, dict[str, Decimal]]:
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), doc)
    return ev, {p: r.score for p, r in ev.results.items()}


def test_reached_is_full_and_short_is_proportional() -> None:
    ev, s = score(full_form(row("甲", OUT, 20, "≥50个", actual="60个"),
                            row("乙", OUT, 30, "≥50个", actual="40个")))
    assert s[f"{OUT}/甲"] == 20          # 60 ≥ 50: reached, full (not 24)
    assert s[f"{OUT}/乙"] == 24          # 40 / 50 × 30 = 24
    assert ev.total == Decimal(94)       # 10 + 44 + 30 + 10


def test_lower_is_better_uses_target_over_actual() -> None:
    _, s = score(full_form(row("成本", "产出指标/成本指标", 50, "≤90万元", actual="100万元")))
    assert s["产出指标/成本指标/成本"] == 45   # 90 / 100 × 50 = 45
    _, s = score(full_form(row("成本", "产出指标/成本指标", 50, "≤90万元",
                                actual="850000元")))
    assert s["产出指标/成本指标/成本"] == 50   # 85万元 ≤ 90万元: full


def test_zero_incidents_target() -> None:
    _, s = score(full_form(row("安全事故", "产出指标/质量指标", 50, "=0起", actual="2起")))
    assert s["产出指标/质量指标/安全事故"] == 0     # =0 is ≤ 0: 0 / 2 × 50 = 0
    _, s = score(full_form(row("安全事故", "产出指标/质量指标", 50, "=0起", actual="0起")))
    assert s["产出指标/质量指标/安全事故"] == 50


def test_qualitative_band_and_band_top() -> None:
    ev, s = score(form(row("产出", OUT, 50, "≥1个", actual="1个"),
                       row("甲", BEN, 10, "效果明显", level="部分达成", score=7),
                       row("乙", BEN, 10, "效果明显", actual="达成预期指标"),
                       row("丙", BEN, 10, "效果明显", level="未达成"),
                       row("满意度", SAT, 10, "≥90%", actual="95%")))
    assert s[f"{BEN}/甲"] == 7             # inside 60–80% of 10
    assert s[f"{BEN}/乙"] == 10            # 达成, no score: band top 100% of 10
    assert s[f"{BEN}/丙"] == 6             # 未达成, no score: band top 60% of 10
    note = ev.results[f"{BEN}/乙"].note or ""
    assert "no evaluator's score" in note and "top of the band" in note


def test_not_reported_never_earns_points() -> None:
    ev, s = score(form(row("产出", OUT, 50, "≥50个"),                  # no actual
                       row("效果", BEN, 30, "效果明显"),                # no judgement
                       row("满意度", SAT, 10, "≥90%", actual="95%")))
    assert s[f"{OUT}/产出"] == 0 and s[f"{BEN}/效果"] == 0
    assert ev.results[f"{OUT}/产出"].status == "missing"
    assert ev.total == Decimal(20) and not ev.rescaled     # 10 + 0 + 0 + 10, over 100


def test_not_applicable_tier_is_rescaled_and_says_so() -> None:
    # No benefit row at all: 效益指标 is not applicable; 70 points count.
    ev, _s = score(form(row("产出", OUT, 50, "≥50个", actual="45个"),
                       row("满意度", SAT, 10, "≥90%", actual="95%")))
    assert ev.results["效益指标"].status == "excluded"
    assert "不适用的指标不考核" in (ev.results["效益指标"].note or "")
    # raw 10 + 45 + 10 = 65 over 70 counted → 65 × 100 / 70 = 92.857… → 92.86
    assert ev.counted_points == 70 and ev.total == Decimal("92.86") and ev.rescaled
    assert "rescaled over 70" in pr.closing_sentence(ev, locale="en").text


def test_points_must_add_up_and_the_error_names_the_rows() -> None:
    with pytest.raises(pr.DataError) as info:
        score(full_form(row("甲", OUT, 20, "≥50个", actual="60个"),
                        row("乙", OUT, 28, "≥50个", actual="40个")))
    (problem,) = info.value.problems
    assert problem.path == "target[1].points"
    assert "add up to 48 points" in problem.message and "the tier has 50" in problem.message
    assert "target[0].points" in problem.message


def test_rescale_when_the_rubric_declares_it() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "r", "version": "1", "title": "r"},
        "indicator": [{"path": "产出指标", "points": 100,
                       "target_rows": {"tiers": ["数量指标"], "points": "rescale"}}]})
    ev = pr.evaluate(rubric, form(row("甲", OUT, 8, "≥50个", actual="50个"),
                                  row("乙", OUT, 16, "≥50个", actual="25个")))
    # 8 : 16 of 100 → 33.33 and 66.67 (largest remainder); 乙 25/50 × 66.67 = 33.335 → 33.34
    assert ev.results[f"{OUT}/甲"].points == Decimal("33.33")
    assert ev.results[f"{OUT}/乙"].points == Decimal("66.67")
    assert ev.results[f"{OUT}/乙"].score == Decimal("33.34")
    assert "分值 16 rescaled to 66.67" in (ev.results[f"{OUT}/乙"].note or "")


@pytest.mark.parametrize(("bad", "where", "message"), [
    (row("甲", "产出指标/数量", 50, "≥1个", actual="1个"), "target[0].indicator",
     "did you mean '产出指标/数量指标'"),
    (row("甲", "过程指标", 50, "≥1个", actual="1个"), "target[0].indicator",
     "no tier of this rubric takes target rows at '过程指标'"),
    ({"name": "甲", "indicator": OUT, "target": "≥1个", "actual": "1个"}, "target[0].points",
     "has no points"),
])
def test_misplaced_rows_are_located(bad: dict[str, object], where: str, message: str) -> None:
    with pytest.raises(pr.DataError) as info:
        score(form(bad))
    assert any(p.path == where and message in p.message for p in info.value.problems), \
        info.value.problems


@pytest.mark.parametrize(("tier", "message"), [
    ({"target_rows": {"missing": "full"}}, "must never earn points"),
    ({"target_rows": {"points": "round"}}, 'expected "exact" | "rescale"'),
    ({"target_rows": {}, "rule": {"kind": "ratio"}}, "it has no 'rule' of its own"),
    ({"target_rows": {"tiers": ["a/b"]}}, "names without '/'"),
    ({"target_rows": {"tier": []}}, "unknown key 'tier'"),
])
def test_rubric_declaration_is_validated(tier: dict[str, object], message: str) -> None:
    with pytest.raises(pr.RubricError, match=message):
        pr.rubric_from_dict({"rubric": {"id": "r", "version": "1", "title": "r"},
                             "indicator": [{"path": "产出指标", "points": 100, **tier}]})


def test_expanded_rubric_keeps_the_declared_hash() -> None:
    rubric = pr.builtin("mof-2020-project-self")
    ev, _ = score(full_form(row("甲", OUT, 50, "≥1个", actual="1个")))
    assert ev.rubric.sha256 == rubric.sha256 and ev.to_dict()["rubric"]["sha256"] == rubric.sha256


def test_zero_target_reached_is_full() -> None:
    # ≥0个 with 0: reached (a target of 0 has no proportion, but nothing is missed)
    _, s = score(full_form(row("新增投诉处理", OUT, 50, "≥0个", actual="0个")))
    assert s[f"{OUT}/新增投诉处理"] == 50


def test_a_qualitative_actual_repeating_the_target_reads_as_reached() -> None:
    from perfrubric.views import form as form_view

    ev, s = score(form(row("产出", OUT, 50, "≥1个", actual="1个"),
                       row("时限", BEN, 30, "按时完成", actual="按时 完成。"),
                       row("满意度", SAT, 10, "≥90%", actual="95%")))
    # the actual repeats the target (after spaces and punctuation): 达成预期指标, no score
    # given, so the band top: 100% × 30 = 30
    assert s[f"{BEN}/时限"] == 30
    assert "repeats the target's text" in ev.results[f"{BEN}/时限"].note
    (form_row,) = [r for r in form_view.form_rows(ev) if r.tiers[2] == "时限"]
    assert form_row.actual == "达成预期指标"          # the judgement it was read as


def test_any_other_qualitative_actual_asks_for_a_judgement() -> None:
    found = problems(form(row("时限", BEN, 30, "按时完成", actual="基本按时")))
    assert any(p.startswith("target[0].actual") and "'基本按时' is neither the target's text"
               in p and "level =" in p for p in found)


def test_lower_is_better_target_sentence_is_a_limit_not_a_task() -> None:
    ev = pr.evaluate(percent_rubric(), dept(
        {"id": "road", "name": "优良路率", "target": "85%", "actual": "88%"},
        {"id": "err", "name": "数据差错率", "target": "≤1%", "actual": "1.25%"},
        {"id": "cost", "name": "印制费", "target": "≤20万元", "actual": "18万元"}))
    # never 完成数据差错率…（年任务…）: a lower-is-better target is a limit
    assert pr.target_sentence(ev, "err").text == "数据差错率为1.25%（控制目标1%）"
    assert pr.target_sentence(ev, "cost").text == "印制费为18万元（控制目标20万元）"
    assert pr.target_sentence(ev, "cost", locale="en").text == \
        "印制费: 180,000 yuan, limit 200,000 yuan"
    assert "年任务" not in pr.report_text(ev).split("印制费")[1].split("\n")[0]


def test_evaluation_errors_name_the_data_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(textwrap.dedent('''\
        [department]
        name = "某镇"

        [[target]]
        name = "甲"
        indicator = "产出指标/数量指标"
        points = 20
        target = "≥50个"
        actual = "50个"

        [[target]]
        name = "乙"
        indicator = "产出指标/数量指"
        points = 28
        target = "≥50个"
        actual = "50个"
        '''), encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(pr.builtin("mof-2020-project-self"), path)
    found = {p.path: p for p in info.value.problems}
    problem = found["target[1].indicator"]
    assert (problem.file, problem.line) == (str(path), 13)
    assert "did you mean '产出指标/数量指标'" in problem.message
    # with 乙 misplaced, 产出指标 holds only 甲's 20 of its 50 points
    assert found["target[0].points"].line == 7


def test_rescaled_qualitative_score_scales_with_its_points() -> None:
    rubric = pr.rubric_from_dict({
        "rubric": {"id": "r", "version": "1", "title": "r"},
        "indicator": [{"path": "效益指标", "points": 100,
                       "target_rows": {"points": "rescale"}}]})
    ev = pr.evaluate(rubric, form(row("甲", "效益指标", 10, "效果明显", level="部分达成", score=7),
                                  row("乙", "效益指标", 10, "效果明显", level="达成")))
    # 10 + 10 declared → 50 + 50; 甲's 7 of 10 (inside 6–8) becomes 35 of 50; 乙 band top 50
    assert ev.results["效益指标/甲"].score == 35 and ev.results["效益指标/乙"].score == 50


def test_a_row_named_like_a_used_sub_tier_is_refused() -> None:
    with pytest.raises(pr.DataError, match="has the name of a sub-tier"):
        score(full_form(row("数量指标", "产出指标", 25, "≥1个", actual="1个"),
                        row("甲", OUT, 25, "≥1个", actual="1个")))


def test_extends_redeclares_a_tier_to_rescale(tmp_path: Path) -> None:
    child = tmp_path / "county.toml"
    child.write_text(textwrap.dedent('''\
        [rubric]
        extends = "mof-2020-project-self"
        id = "county-project"
        version = "1"
        title = "县级项目自评表"

        [[indicator]]
        path = "产出指标"
        points = 50
        target_rows = { tiers = ["数量指标", "质量指标"], points = "rescale" }
        '''), encoding="utf-8")
    rubric = pr.load_rubric(child)
    ev = pr.evaluate(rubric, full_form(row("甲", OUT, 8, "≥50个", actual="40个"),
                                      row("乙", "产出指标/质量指标", 12, "≥90%", actual="90%")))
    # 8 : 12 of 50 → 20 and 30; 甲 40/50 × 20 = 16, 乙 reached 30
    assert ev.results[f"{OUT}/甲"].score == 16 and ev.results["产出指标/质量指标/乙"].score == 30
    with pytest.raises(pr.DataError, match="did you mean"):
        pr.evaluate(rubric, full_form(row("丙", "产出指标/时效指标", 50, "≥1个", actual="1个")))


def test_a_row_of_zero_points_scores_zero() -> None:
    # found by tests/test_target_rows_properties.py: a 0-point qualitative row divided by 0
    ev, s = score(form(row("产出", OUT, 50, "≥1个", actual="1个"),
                       row("甲", BEN, 0, "效果明显", level="达成", score=0),
                       row("乙", BEN, 30, "效果明显", level="达成", score=30),
                       row("满意度", SAT, 10, "≥90%", actual="95%")))
    assert s[f"{BEN}/甲"] == 0 and ev.total == 100


def test_small_project_form_fixture_scores_as_worked_by_hand() -> None:
    # tests/data/mof-2020-project-self-data.toml: 9.5 + 30 + 90 / 99 × 20 (18.18) + 30 + 10
    path = Path(__file__).resolve().parent / "data" / "mof-2020-project-self-data.toml"
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), path)
    assert ev.total == Decimal("97.68") and ev.grade == "优" and not ev.rescaled


def test_a_project_form_without_output_rows_is_refused_not_rescaled() -> None:
    # Targets with no tier (the old category shape): before, every tier was "not applicable"
    # and 预算执行率 alone (10 of 10) was rescaled to 100/优. 产出指标 is required.
    data = {"department": {"name": "某单位", "year": 2021},
            "budget": {"adjusted": "100万元", "final": "100万元"},
            "target": [{"id": "c_0", "name": "c_0", "category": "数量", "target": 100,
                        "actual": 1}]}
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(pr.builtin("mof-2020-project-self"), data)
    (p,) = info.value.problems
    assert "no target row is placed under '产出指标'" in p.message
    assert "the data's targets 'c_0' name no tier" in p.message
    assert 'indicator = "产出指标/数量指标"' in p.message
