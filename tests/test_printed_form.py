"""The form as printed (issue 16, points 1–3 and the header block): ``[form]``, printed
scores reviewed against the rule, ``perfrubric review``, the header block in the views.

Every expected figure is worked by hand in a comment: the rule of the 2020 form is
actual / target × points for a missed ≥ row, target / actual × points for a missed ≤
row, full points for a reached row, 预算执行率 × 10 for the budget row, 2 places half up.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.testing import printed_forms
from perfrubric.views import form as form_view
from perfrubric.views import table as table_view

D = Decimal
ROOT = Path(__file__).parent.parent
WATER = ROOT / "examples" / "printed-forms" / "water-gauges-2021.toml"
THEATRE = ROOT / "examples" / "printed-forms" / "theatre-equipment-2022.toml"
RUBRIC = pr.builtin("mof-2020-project-self")


def _row(name: str, where: str, points: int, target: str | None = None,
         actual: str | None = None, score: Any = None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "indicator": where, "points": points}
    for key, value in (("target", target), ("actual", actual), ("score", score)):
        if value is not None:
            row[key] = value
    return {**row, **extra}


def _form(rows: list[dict[str, Any]], form: dict[str, Any] | None = None,
          budget: tuple[str, str] = ("100万元", "95万元")) -> dict[str, Any]:
    doc: dict[str, Any] = {"department": {"name": "某县某局", "year": 2021},
                           "budget": {"adjusted": budget[0], "final": budget[1]},
                           "target": rows}
    if form is not None:
        doc["form"] = form
    return doc


# 产出 40 / 效益 30 / 满意度 20 with a filled 得分 column (the "done when").
ROWS_40_30_20 = [
    _row("数量", "产出指标/数量指标", 20, "≥40处", "38处", 20),     # rule 38/40 × 20 = 19
    _row("质量", "产出指标/质量指标", 20, "=100%", "100%", 18),      # rule 20 (reached)
    _row("效益", "效益指标/社会效益指标", 30, "≥90%", "95%", 30),    # rule 30
    _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "88%", 19),  # 88/90 × 20 = 19.555…
]


# -- [form] in the data ------------------------------------------------------------------


def test_form_table_is_read_with_its_header_block_and_funds() -> None:
    dept = pr.load_data(WATER)
    assert dept.form is not None
    assert (dept.form.points, dept.form.total, dept.form.scores) == ("as_printed",
                                                                   "with_budget", "rule")
    assert dept.form.implementer == "某县水文水资源勘测站"
    assert dept.form.budget_score == D("9.5")
    assert str(dept.budget.fiscal.final) == "42.5万元"
    assert dept.budget.carried_over.is_empty


def test_form_defaults_and_round_trip() -> None:
    from perfrubric.data.structure import structure_department, unstructure_department

    dept = pr.load_data(WATER)
    assert structure_department(unstructure_department(dept)) == dept
    assert pr.Form() == pr.Form(points="official", total="with_budget", scores="rule")


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("points", "printed", '"official" | "as_printed"'),
    ("total", "budget", '"with_budget" | "indicators"'),
    ("scores", "as_printed", '"rule" | "printed"'),
    ("budget_score", -1, None),
])
def test_bad_form_values_are_located(key: str, value: Any, expected: str | None) -> None:
    with pytest.raises(pr.DataError) as info:
        pr.load_data(_form([], {key: value}))
    problem = info.value.problems[0]
    assert problem.path == f"form.{key}"
    if expected is not None:
        assert problem.expected == expected


def test_unknown_form_key_suggests_the_spelling() -> None:
    with pytest.raises(pr.DataError, match="did you mean 'scores'"):
        pr.load_data(_form([], {"score": "rule"}))


def test_data_schema_documents_the_form() -> None:
    schema = pr.data_schema()
    form = schema["definitions"]["Form"]["properties"]
    assert form["points"]["enum"] == ["official", "as_printed"]
    assert form["total"]["enum"] == ["with_budget", "indicators"]
    assert form["scores"]["enum"] == ["rule", "printed"]
    assert {"project", "code", "department", "implementer", "goal", "achieved"} <= set(form)
    budget = schema["definitions"]["Budget"]["properties"]
    assert {"fiscal", "carried_over", "other"} <= set(budget)


# -- points: official and as printed -------------------------------------------------------


def test_official_points_refuse_other_tier_points_and_name_as_printed() -> None:
    with pytest.raises(pr.DataError, match='points = "as_printed"') as info:
        pr.evaluate(RUBRIC, _form(ROWS_40_30_20))
    # 产出 rows 20 + 20 = 40, but the official tier has 50
    assert any(p.got == "40" and p.expected == "50" for p in info.value.problems)


def test_as_printed_scores_by_the_rule_with_deviations() -> None:
    ev = pr.evaluate(RUBRIC, _form(ROWS_40_30_20, {"points": "as_printed"}))
    # 预算执行率 95/100 × 10 = 9.5; 19 + 20 + 30 + 19.56 = 88.56; total 98.06
    assert ev.total == D("98.06") and ev.counted_points == 100
    assert {top.path: top.points for top in ev.rubric.indicators} == {
        "预算执行率": 10, "产出指标": 40, "效益指标": 30, "满意度指标": 20}
    got = [(d.name, d.kind, d.printed, d.rule, d.difference) for d in ev.deviations]
    assert got == [("数量", "differs", D(20), D(19), D(1)),        # 20 − 19
                   ("质量", "differs", D(18), D(20), D(-2)),       # 18 − 20
                   ("满意度", "differs", D(19), D("19.56"), D("-0.56"))]
    # printed: 9.5 (no budget_score: the rule's) + 20 + 18 + 30 + 19 = 96.5
    assert (ev.printed_total, ev.rule_total) == (D("96.5"), D("98.06"))


def test_as_printed_with_printed_scores_reproduces_the_printed_total() -> None:
    ev = pr.evaluate(RUBRIC, _form(ROWS_40_30_20, {"points": "as_printed",
                                                   "scores": "printed",
                                                   "budget_score": 9.5}))
    # 9.5 + 20 + 18 + 30 + 19 = 96.5, the form's own 总分
    assert ev.total == D("96.5") and ev.grade == "优"
    row = ev.results["产出指标/数量指标/数量"]
    assert (row.status, row.score, row.rule_score) == ("overridden", D(20), D(19))
    assert row.override is not None and row.override.assessor == "printed form (得分)"
    # the rule's total is still given, and the rows that depart are still listed
    assert ev.rule_total == D("98.06") and len(ev.deviations) == 3


def test_as_printed_drops_a_tier_without_rows() -> None:
    rows = [_row("数量", "产出指标/数量指标", 80, "≥10个", "10个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "90%")]
    # 80 + 20 = 100 over the indicator rows, the budget row beside: no 效益 row at all
    ev = pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed", "total": "indicators"}))
    assert "效益指标" not in ev.results
    assert ev.total == D(100) and not ev.rescaled


def test_as_printed_refuses_points_that_miss_the_total() -> None:
    rows = [_row("数量", "产出指标/数量指标", 80, "≥10个", "10个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "90%")]
    # 80 + 20 + 10 (budget) = 110, not 100: the message gives the sum and the way out
    with pytest.raises(pr.DataError, match=r"add up to 110 .*total = \"indicators\""):
        pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed"}))


def test_as_printed_needs_a_row() -> None:
    with pytest.raises(pr.DataError, match="no \\[\\[target\\]\\] row is placed"):
        pr.evaluate(RUBRIC, _form([], {"points": "as_printed"}))


# -- total: indicators ------------------------------------------------------------------


def test_total_over_indicators_scores_100_of_100_with_the_budget_row_beside() -> None:
    ev = pr.evaluate(RUBRIC, THEATRE)
    # every row reached: 30 + 20 + 10 + 10 + 20 + 10 = 100 of 100
    assert (ev.total, ev.counted_points, ev.grade) == (D(100), D(100), "优")
    budget = ev.results["预算执行率"]
    # 296.5 / 300 × 10 = 9.8833… → 9.88, shown, outside the total
    assert budget.score == D("9.88")
    assert budget.note is not None and "shown beside the total" in budget.note
    assert ev.beside_total == ("预算执行率",)


def test_a_poor_budget_row_leaves_an_indicators_total_alone() -> None:
    rows = [_row("数量", "产出指标/数量指标", 70, "≥10个", "10个"),
            _row("效益", "效益指标/社会效益指标", 20, "≥10个", "5个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 10, "≥90%", "90%")]
    form = {"points": "as_printed", "total": "indicators"}
    ev = pr.evaluate(RUBRIC, _form(rows, form, budget=("300万元", "150万元")))
    # budget 150/300 × 10 = 5, beside; total 70 + 5/10 × 20 + 10 = 90
    assert ev.results["预算执行率"].score == D(5)
    assert ev.total == D(90) and ev.raw_total == D(90)


# -- deviations of their own kinds ---------------------------------------------------------


def test_above_points_and_no_figures_are_named_apart() -> None:
    rows = [_row("数量", "产出指标/数量指标", 40, "≥40处", "40处", 42),   # above 40 points
            _row("空行", "效益指标/社会效益指标", 30, score=30),              # no target, no result
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "95%", 20)]
    ev = pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed"}))
    kinds = {d.name: (d.kind, d.printed, d.rule) for d in ev.deviations}
    assert kinds == {"数量": ("above_points", D(42), D(40)), "空行": ("no_figures", D(30), D(0))}
    assert ev.results["效益指标/社会效益指标/空行"].score == 0  # never full marks by the rule


def test_printed_score_above_the_points_cannot_count() -> None:
    rows = [_row("数量", "产出指标/数量指标", 40, "≥40处", "40处", 42),
            _row("效益", "效益指标/社会效益指标", 30, "≥1个", "1个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "95%")]
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed", "scores": "printed"}))
    assert [(p.path, p.expected, p.got) for p in info.value.problems] == [
        ("target[0].score", "0–40", "42")]


def test_printed_score_on_a_row_without_figures_counts_under_printed() -> None:
    rows = [_row("数量", "产出指标/数量指标", 40, "≥40处", "40处"),
            _row("空行", "效益指标/社会效益指标", 30, score=30),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "95%")]
    ev = pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed", "scores": "printed"}))
    row = ev.results["效益指标/社会效益指标/空行"]
    # the printed 30 counts; the trace keeps the rule's 0 (not reported) beside it
    assert (row.status, row.score, row.rule_score) == ("overridden", D(30), D(0))
    assert ev.total == D("99.5")  # 9.5 + 40 + 30 + 20
    assert [d.kind for d in ev.deviations] == ["no_figures"]


def test_qualitative_scores_are_the_evaluators_not_deviations() -> None:
    rows = [_row("数量", "产出指标/数量指标", 40, "≥40处", "40处", 40),
            _row("提升", "效益指标/社会效益指标", 30, "明显提升", level="达成预期指标",
                 score=27),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "95%", 20)]
    ev = pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed"}))
    assert ev.deviations == ()
    # 9.5 + 40 + 27 + 20 = 96.5 by the rule and as printed
    assert ev.total == ev.printed_total == D("96.5")


def test_a_form_without_printed_scores_has_nothing_to_review() -> None:
    ev = pr.evaluate(RUBRIC, ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml")
    assert (ev.deviations, ev.printed_total, ev.rule_total, ev.form) == ((), None, None, None)
    assert "复核" not in form_view.to_form_text(ev)


# -- the example, worked by hand -----------------------------------------------------------


def test_water_gauges_example() -> None:
    ev = pr.evaluate(RUBRIC, WATER)
    # 9.5 + (9.5 + 10 + 10 + 5 + 4.8) + (9.78 + 9 + 0) + 20 = 87.58
    assert (ev.total, ev.grade) == (D("87.58"), "良")
    # 9.5 + (10 + 10 + 7 + 5 + 4.8) + (9 + 9 + 10) + 20 = 94.3
    assert ev.printed_total == D("94.3")
    assert sum((d.difference for d in ev.deviations), D(0)) == D("94.3") - D("87.58")


def test_sichuan_layout_example() -> None:
    ev = pr.evaluate(RUBRIC, WATER.parent / "sichuan-layout-2022.toml")
    # 预算执行情况 76/80 = 95% × 10 = 9.5; 绩效指标 90 by 权重:
    # 20 + 93/95 × 15 = 14.684… → 14.68 + 10 + 10 (1500元 ≤ 1600元) + 20 + 15 = 89.68
    assert (ev.total, ev.grade) == (D("99.18"), "优")
    assert sum((top.points for top in ev.rubric.indicators), D(0)) == 100
    assert ev.rubric.indicator("产出指标").points == 55  # 20 + 15 + 10 + 10
    # the form prints 15 for 培训合格率: 0.32 above the rule; printed total 99.5
    assert [(d.name, d.difference) for d in ev.deviations] == [("培训合格率", D("0.32"))]
    assert ev.printed_total == D("99.5")


HUBEI = WATER.parent / "hubei"


def test_hubei_layout_example() -> None:
    rubric = pr.load_rubric(HUBEI / "rubric.toml")
    ev = pr.evaluate(rubric, HUBEI / "form.toml")
    # 预算执行 1188/1200 = 99% × 10 = 9.9; 产出 10 + 2940/3000 × 15 = 14.7 + 15;
    # 效益 10 + 10; 满意度 10; 过程 达成预期指标, no score given → band top 20
    # 9.9 + 39.7 + 20 + 10 + 20 = 99.6
    assert (ev.total, ev.grade) == (D("99.6"), "优")
    assert ev.rubric.indicator("过程指标").points == 20
    assert [(d.name, d.difference) for d in ev.deviations] == [("国家助学金人数", D("0.3"))]
    assert ev.printed_total == D("99.9")  # 9.9 + 40 + 20 + 10 + 20


def test_hubei_process_tier_needs_as_printed() -> None:
    data = pr.load_data(HUBEI / "form.toml")
    assert data.form is not None
    official = attrs.evolve(data, form=attrs.evolve(data.form, points="official"))
    with pytest.raises(pr.DataError, match='points = "as_printed"'):
        pr.evaluate(pr.load_rubric(HUBEI / "rubric.toml"), official)


# -- JSON, sentences, views ------------------------------------------------------------------


def test_json_has_deviations_totals_form_and_funds() -> None:
    doc = json.loads(json.dumps(pr.evaluate(RUBRIC, WATER).to_dict(), ensure_ascii=False))
    assert (doc["printed_total"], doc["rule_total"]) == ("94.3", "87.58")
    first = doc["deviations"][0]
    assert first == {"path": "产出指标/数量指标/新建水标尺数量", "name": "新建水标尺数量",
                     "kind": "differs", "points": "10", "printed": "10", "rule": "9.5",
                     "difference": "0.5", "reason": "2处因征地未完成，顺延至次年"}
    assert doc["form"]["points"] == "as_printed" and doc["form"]["project"] == "水标尺建设及维护项目"
    assert doc["funds"]["fiscal"]["final"] == {"amount": "42.5", "unit": "万元"}
    assert set(doc["funds"]) == {"fiscal", "other"}


def test_closing_sentence_gives_both_totals() -> None:
    ev = pr.evaluate(RUBRIC, WATER)
    assert pr.closing_sentence(ev).text == (
        "得分87.58分，绩效评价等级为“良”；自评得分94.30分，按规则复核87.58分")
    assert pr.closing_sentence(ev, locale="en").text == (
        "Score 87.58, grade: Good; self-evaluated 94.30, 87.58 by the rule on review")


def test_form_views_show_the_header_block_and_a_review_column() -> None:
    ev = pr.evaluate(RUBRIC, WATER)
    text = form_view.to_form_text(ev)
    assert "项目名称：水标尺建设及维护项目" in text and "实施单位：某县水文水资源勘测站" in text
    assert "其中财政拨款：年初预算数45万元，全年预算数45万元，全年执行数42.5万元" in text
    assert "年度总体目标：新建水标尺40处" in text
    md = form_view.to_form_markdown(ev, locale="en")
    assert "| Review |" in md and "printed 7, rule 10" in md
    assert "Implementing unit：" not in md and "Implementing unit: 某县水文水资源勘测站" in md
    html = form_view.to_form_html(ev)
    assert "<th>主管部门</th><td>某县水利局</td>" in html
    assert '<td class="review">自评10分，规则0分（无实际完成值仍计分）</td>' in html
    rows = {r.path: r.review for r in form_view.form_rows(ev)}
    assert rows["产出指标/质量指标/工程验收合格率"] == "自评7分，规则10分"
    assert rows["产出指标/数量指标/维护水标尺数量"] == ""


def test_form_xlsx_shows_the_header_block() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(form_view.to_form_xlsx(pr.evaluate(
        RUBRIC, WATER)))).active
    labels = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(2, 10)}
    assert labels["项目名称"] == "水标尺建设及维护项目"
    assert labels["主管部门"] == "某县水利局"
    assert labels["其中财政拨款"].startswith("年初预算数45万元")
    assert labels["实际完成情况"].startswith("新建水标尺38处")
    headers = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "一级指标")
    assert headers[-1] == "复核"


def test_table_view_has_a_review_column() -> None:
    ev = pr.evaluate(RUBRIC, WATER)
    table = table_view.scoring_table(ev)
    assert table.headers[-1] == "复核"
    reviewed = {r.path: r.review for r in table.rows if r.review}
    assert set(reviewed) == {d.path for d in ev.deviations}
    keys = [t.key for t in table.totals]
    assert keys[-2:] == ["printed_total", "rule_total"]
    csv_text = table_view.to_csv(ev)
    assert csv_text.splitlines()[0].endswith(",复核")


# -- perfrubric review --------------------------------------------------------------------


def _run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(args, out)
    return code, out.getvalue()


def test_review_ranks_the_deviating_rows() -> None:
    code, text = _run(["review", "mof-2020-project-self", str(WATER)])
    assert code == 0
    lines = text.splitlines()
    assert "自评得分 94.3, 复核得分 87.58, 差额 +6.72; 偏离规则的行 4" in lines[1]
    # ranked by the size of the departure: 10, 3, 0.78, 0.5
    assert [line.split()[0] for line in lines[2:]] == ["+10", "-3", "-0.78", "+0.5"]
    assert "(无实际完成值仍计分)" in lines[2]


def test_review_of_a_folder_gives_a_line_per_form() -> None:
    code, text = _run(["review", "mof-2020-project-self", str(WATER.parent),
                       "--format", "json"])
    assert code == 0
    forms = json.loads(text)["forms"]
    assert [Path(f["source"]).name for f in forms] == ["sichuan-layout-2022.toml",  # not hubei/
                                                     "theatre-equipment-2022.toml",
                                                     "water-gauges-2021.toml"]
    assert forms[1]["difference"] == "0" and forms[1]["deviations"] == []
    assert forms[2]["deviations"][0]["kind"] == "no_figures"


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_review_tables(fmt: str) -> None:
    code, text = _run(["review", "mof-2020-project-self", str(WATER), "--format", fmt,
                       "--locale", "en"])
    assert code == 0
    assert "Printed total" in text and "scored without figures" in text
    if fmt == "csv":
        # one line per deviating row, plus the header
        assert len(text.splitlines()) == 1 + 4


def test_review_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "review.xlsx"
    code, _ = _run(["review", "mof-2020-project-self", str(WATER), "--format", "xlsx",
                    "-o", str(target)])
    assert code == 0
    book = openpyxl.load_workbook(target)
    forms, rows = book.worksheets
    assert forms.cell(2, 5).value == 94.3 and forms.cell(2, 8).value == 4
    assert rows.max_row == 1 + 4


def test_review_exits_1_on_a_bad_form_and_reviews_the_others(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.toml").write_text(WATER.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.toml").write_text('[department]\nname = "x"\n[form]\npoints = "printed"\n',
                                     encoding="utf-8")
    code, text = _run(["review", "mof-2020-project-self", str(tmp_path)])
    assert code == 1
    assert "a.toml" in text and "b.toml" not in text
    assert "form.points" in capsys.readouterr().err


def test_review_exits_1_on_a_missing_path_and_2_on_usage() -> None:
    assert _run(["review", "mof-2020-project-self", "no/such/folder"])[0] == 1
    assert _run(["review", "mof-2020-project-self"])[0] == 2
    assert _run(["review", "mof-2020-project-self", str(WATER), "--format", "html"])[0] == 2


def test_score_command_scores_the_done_when_form(tmp_path: Path) -> None:
    code, text = _run(["score", "mof-2020-project-self", str(WATER)])
    assert code == 0 and "总分: 87.58" in text and "复核得分: 87.58" in text


# -- properties ------------------------------------------------------------------------------




@settings(max_examples=40, deadline=None)
@given(actuals=st.lists(st.integers(0, 120), min_size=3, max_size=3),
       printed=st.lists(st.integers(0, 30), min_size=3, max_size=3),
       mode=st.sampled_from(["rule", "printed"]))
def test_printed_and_rule_totals_differ_by_the_deviations(
        actuals: list[int], printed: list[int], mode: str) -> None:
    # three rows of 30 points each (产出 30 / 效益 30 / 满意度 30 + budget 10 = 100)
    rows = [_row("甲", "产出指标/数量指标", 30, "≥100个", f"{actuals[0]}个", printed[0]),
            _row("乙", "效益指标/社会效益指标", 30, "≥100个", f"{actuals[1]}个", printed[1]),
            _row("丙", "满意度指标/服务对象满意度指标", 30, "≥100%", f"{actuals[2]}%",
                 printed[2])]
    ev = pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed", "scores": mode,
                                          "budget_score": 9.5}))
    assert ev.printed_total is not None and ev.rule_total is not None
    # no rescaling: each total is its rows' sum, so they differ by the deviations exactly
    assert ev.printed_total - ev.rule_total == sum((d.difference for d in ev.deviations),
                                                   D(0))
    assert ev.printed_total == D("9.5") + sum(map(D, printed))
    assert ev.total == (ev.printed_total if mode == "printed" else ev.rule_total)
    for dev in ev.deviations:
        assert dev.printed != dev.rule and dev.difference == dev.printed - dev.rule


def test_form_without_target_rows_rubric_keeps_the_engine_result() -> None:
    # a department rubric ignores a [form]'s layout: nothing to lay out, nothing printed
    data = pr.load_data(ROOT / "examples" / "kaifu-commerce-2021" / "data.toml")
    rubric = pr.load_rubric(ROOT / "examples" / "kaifu-commerce-2021" / "rubric.toml")
    plain = pr.evaluate(rubric, data)
    with_form = pr.evaluate(rubric, attrs.evolve(data, form=pr.Form(points="as_printed")))
    assert with_form.total == plain.total and with_form.deviations == ()


def test_score_text_table_marks_the_review() -> None:
    code, text = _run(["score", "mof-2020-project-self", str(WATER), "--layout", "table"])
    assert code == 0
    assert "工程验收合格率: 10/10  value 100% [review: printed 7, rule 10]" in text.replace(
        "  [", " [")
    assert "printed total 94.3, by the rule 87.58" in text


def test_as_printed_row_without_points_is_named_not_summed() -> None:
    rows = [_row("数量", "产出指标/数量指标", 40, "≥1个", "1个"),
            {"name": "无分值", "indicator": "效益指标/社会效益指标", "target": "≥1个",
             "actual": "1个"}]
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed"}))
    assert [p.path for p in info.value.problems] == ["target[1].points"]


def test_official_points_refuse_an_indicators_total() -> None:
    rows = [_row("数量", "产出指标/数量指标", 50, "≥10个", "10个"),
            _row("效益", "效益指标/社会效益指标", 30, "≥10个", "10个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 10, "≥90%", "81%")]
    # the official indicator tiers carry 50 + 30 + 10 = 90, not the 总分's 100
    with pytest.raises(pr.DataError, match="carry 90, not the 100") as info:
        pr.evaluate(RUBRIC, _form(rows, {"total": "indicators"}))
    assert info.value.problems[0].path == "form.total"


def test_invariants_hold_on_every_example_form() -> None:
    from perfrubric.testing import INVARIANTS

    for file in sorted(WATER.parent.glob("*.toml")):
        ev = pr.evaluate(RUBRIC, file)
        for check in INVARIANTS.values():
            check(ev)
    theatre = pr.evaluate(RUBRIC, THEATRE)
    assert theatre.beside_total == ("预算执行率",)
    assert theatre.to_dict()["beside_total"] == ["预算执行率"]


def test_budget_score_needs_exactly_one_budget_row() -> None:
    # a rubric whose every top tier takes target rows has no budget row to score
    from perfrubric.rubrics.model import Indicator

    no_budget = attrs.evolve(RUBRIC, indicators=tuple(
        i for i in RUBRIC.indicators if i.path != "预算执行率"))
    assert isinstance(no_budget.indicators[0], Indicator)
    rows = [_row("数量", "产出指标/数量指标", 60, "≥1个", "1个"),
            _row("效益", "效益指标/社会效益指标", 30, "≥1个", "1个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 10, "≥1个", "1个")]
    with pytest.raises(pr.DataError, match="budget_score") as info:
        pr.evaluate(no_budget, _form(rows, {"points": "as_printed", "budget_score": 9}))
    assert info.value.problems[0].path == "form.budget_score"


def test_as_printed_row_under_an_unknown_tier_is_named() -> None:
    rows = [_row("数量", "产出指表/数量指标", 40, "≥1个", "1个"),  # 指表: a typo
            _row("效益", "效益指标/社会效益指标", 30, "≥1个", "1个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥1个", "1个")]
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed"}))
    # the misplaced row (and the 产出 tier it leaves empty), not a misleading sum of
    # the others (30 + 20 + 10)
    assert sorted(p.path for p in info.value.problems) == ["target", "target[0].indicator"]
    assert "did you mean '产出指标/数量指标'" in str(info.value)


def test_report_says_each_deviation_in_both_locales() -> None:
    ev = pr.evaluate(RUBRIC, WATER)
    found = {f.key: f.text for f in pr.fragments(ev) if f.kind == "deviation"}
    assert list(found) == [f"deviation:{d.path}" for d in ev.deviations]
    assert found["deviation:产出指标/质量指标/工程验收合格率"] == (
        "工程验收合格率自评7分，按规则复核10分（分值10分）")
    assert found["deviation:效益指标/可持续影响指标/设施持续发挥作用"] == (
        "设施持续发挥作用未报告实际完成值，自评10分，按规则复核0分")
    en = {f.key: f.text for f in pr.fragments(ev, locale="en") if f.kind == "deviation"}
    assert en["deviation:效益指标/社会效益指标/重点河段水位监测覆盖率"] == (
        "重点河段水位监测覆盖率: printed 9, 9.78 by the rule (10 points)")
    rows = [_row("数量", "产出指标/数量指标", 40, "≥40处", "40处", 42),
            _row("效益", "效益指标/社会效益指标", 30, "≥1个", "1个"),
            _row("满意度", "满意度指标/服务对象满意度指标", 20, "≥90%", "95%")]
    above = pr.evaluate(RUBRIC, _form(rows, {"points": "as_printed"}))
    assert [f.text for f in pr.fragments(above) if f.kind == "deviation"] == [
        "数量自评42分，超过分值40分，按规则复核40分"]


@settings(max_examples=60, deadline=None)
@given(doc=printed_forms())
def test_generated_printed_forms_keep_every_invariant(doc: dict[str, Any]) -> None:
    from perfrubric.testing import INVARIANTS

    ev = pr.evaluate(RUBRIC, doc)
    for check in INVARIANTS.values():
        check(ev)
    assert ev.printed_total is not None
    # under scores = "printed" the printed total is the total; the rule's is kept beside it
    if doc["form"]["scores"] == "printed":
        assert ev.total == ev.printed_total
    else:
        assert ev.total == ev.rule_total
