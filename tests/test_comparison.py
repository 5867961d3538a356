"""Comparisons of two evaluations: deltas, drivers, narrative in both locales, formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.analysis import next_grade
from perfrubric.analysis.comparison import CompareError, compare

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "analysis"
SEED = ROOT / "examples" / "kaifu-commerce-2021"


@pytest.fixture(scope="module")
def pair() -> tuple[pr.Evaluation, pr.Evaluation]:
    rubric = pr.builtin("mof-2013-department")
    return (pr.evaluate(rubric, DATA / "mof2013-2020.toml"),
            pr.evaluate(rubric, DATA / "mof2013-2021.toml"))


def test_two_years_deltas_and_drivers(pair: tuple[pr.Evaluation, pr.Evaluation]) -> None:
    c = compare(*pair)
    # 2020: 80 (良); 2021: 88.5 (良).
    assert (c.a.total, c.b.total, c.total_delta, c.grade_change) == (D(80), D("88.5"),
                                                                     D("8.5"), "same")
    rows = {r.path: r for r in c.rows}
    staff = rows["投入/预算配置/在职人员控制率"]
    # 12/11 = 109.09%: 9 whole points over → 5 − 4.5 = 0.5; 11/11 = 100% → 5.
    assert (staff.score_a, staff.score_b, staff.score_delta) == (D("0.5"), D(5), D("4.5"))
    assert (staff.shown_a, staff.shown_b, staff.measured_delta) == (D("109.09"), D(100),
                                                                    D("-9.09"))
    drivers = [r.name for r in c.drivers()]
    # With the total (+): 4.5 first, then the +1s in table order; against it: −1 last.
    assert drivers == ["在职人员控制率", "预算完成率", "资金使用合规性", "重点工作办结率",
                       "经济效益", "社会公众或服务对象满意度", "管理制度健全性"]
    assert sum((r.score_delta for r in c.drivers()), D(0)) == c.total_delta
    assert not c.only_a and not c.only_b


def test_narrative_both_locales(pair: tuple[pr.Evaluation, pr.Evaluation]) -> None:
    c = compare(*pair)
    zh = c.narrative()
    assert zh.startswith("总分较上年提高8.5分（80→88.5），等级仍为良，主要因为"
                         "在职人员控制率由109.09%降至100%（+4.5分）、预算完成率由85%升至90%（+1分）")
    assert "管理制度健全性" in zh.split("；")[1] and zh.endswith("则相反。")
    en = c.narrative(locale="en")
    assert en.startswith("The total rose by 8.5 points compared with last year (80 → 88.5); "
                         "the grade stays Good, mainly because Staff on post vs authorized "
                         "posts fell from 109.09% to 100% (+4.5 points)")


def test_json_input_gives_the_same_comparison(pair: tuple[pr.Evaluation, pr.Evaluation]
                                              ) -> None:
    a, b = pair
    from_json = compare(json.loads(json.dumps(a.to_dict())), json.loads(json.dumps(b.to_dict())))
    direct = compare(a, b)
    assert from_json.total_delta == direct.total_delta
    assert [r.path for r in from_json.drivers()] == [r.path for r in direct.drivers()]
    assert [r.score_delta for r in from_json.rows] == [r.score_delta for r in direct.rows]


def test_grade_change_after_a_plan() -> None:
    rubric = pr.builtin("mof-2013-department")
    before = pr.evaluate(rubric, DATA / "mof2013-2021.toml")
    plan = next_grade(rubric, DATA / "mof2013-2021.toml")
    c = compare(before, pr.evaluate(rubric, plan.apply()))
    # The plan lifts 预算完成率 from 1 to 3 points: 88.5 → 90.5, 良 → 优.
    assert (c.total_delta, c.grade_change) == (D(2), "up")
    assert "等级由良升为优" in c.narrative()
    assert "the grade went up from Good to Excellent" in c.narrative(locale="en")
    assert [r.name for r in c.drivers()] == ["预算完成率"]


def test_local_table_against_national_rows_in_one_side_only() -> None:
    data = SEED / "data.toml"
    local = pr.evaluate(pr.load_rubric(SEED / "rubric.toml"), data)
    national = pr.evaluate(pr.load_rubric(SEED / "national.toml"), data)
    c = compare(local, national)
    # Own table 100 (优); national 15 of the 20 points counted → 75 (中).
    assert (c.a.total, c.b.total, c.grade_change) == (D(100), D(75), "down")
    only_b = {r.name for r in c.only_b}
    only_a = {r.name for r in c.only_a}
    assert "在职人员控制率" in only_b and "资金管理规范性" in only_a
    assert "两表指标不同" in c.narrative()
    # The national total is rescaled (14 rows excluded): 15 of 20 counted points → 75, so
    # the total falls 25 while the rows' own scores (face value) do not add up to that.
    assert (c.a.rescaled, c.b.rescaled) == (False, True)
    assert (c.b.counted_points, c.b.full_marks) == (D(20), D(100))
    assert "后者总分按计分指标20分折算为100分制，各指标分差为折算前的分数" in c.narrative()
    assert "the second total is rescaled to 100 from the 20 points counted" in c.narrative(
        locale="en")
    # The same from the two evaluations' JSON.
    from_json = compare(json.loads(json.dumps(local.to_dict())),
                        json.loads(json.dumps(national.to_dict())))
    assert (from_json.b.counted_points, from_json.b.rescaled) == (D(20), True)
    assert "后者总分按计分指标20分折算为100分制" in from_json.narrative()
    assert json.loads(c.render("json"))["b"]["rescaled"] is True


def test_formats(pair: tuple[pr.Evaluation, pr.Evaluation]) -> None:
    c = compare(*pair)
    rows = list(csv.reader(io.StringIO(c.render("csv", locale="en"))))
    assert rows[0][:5] == ["Indicator", "Points", "Score 2020", "Score 2021", "Change"]
    assert rows[-1][:5] == ["Total", "", "80", "88.5", "+8.5"]
    assert len(rows) == len(c.rows) + 2
    doc = json.loads(c.render("json"))
    assert doc["total_delta"] == "8.5" and doc["drivers"][0] == "投入/预算配置/在职人员控制率"
    assert c.render("markdown").startswith("| 指标 | 分值 | 得分 2020 | 得分 2021 |")
    page = c.render("html", locale="en")
    assert page.count("<tr>") == len(c.rows) + 2  # header, rows, total
    assert "<td>Total</td><td></td><td>80</td><td>88.5</td><td>+8.5</td>" in page
    with pytest.raises(pr.PerfrubricError, match="unknown format"):
        c.render("pdf")


def test_bad_input_is_a_compare_error() -> None:
    with pytest.raises(CompareError, match="needs 'rubric', 'total' and 'indicators'"):
        compare({"total": "1"}, {"total": "2"})
    with pytest.raises(CompareError, match="expected an Evaluation"):
        compare("a.json", "b.json")  # type: ignore[arg-type]
