"""The project form as a table (年度指标值 / 实际完成值 …) and its sentences, zh_CN and en."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.views import form as form_view

D = Decimal
OUT = "产出指标"


def project() -> dict[str, object]:
    return {
        "department": {"name": "某镇人民政府", "year": 2022},
        "budget": {"initial": "100万元", "adjusted": "100万元", "final": "95万元"},
        "target": [
            {"name": "基建工程委托业务项目数量", "indicator": "产出指标/数量指标", "points": 8,
             "target": "≥50个", "actual": "50个"},
            {"name": "委托业务完成率", "indicator": "产出指标/数量指标", "points": 8,
             "target": "≥95%", "actual": "90%", "reason": "两个项目顺延至次年"},
            {"name": "审核质量", "indicator": "产出指标/质量指标", "points": 8,
             "target": "≥98%", "actual": "99%"},
            {"name": "完成时限", "indicator": "产出指标/时效指标", "points": 8,
             "target": "按时完成", "actual": "达成预期指标"},
            {"name": "项目总成本", "indicator": "产出指标/成本指标", "points": 10,
             "target": "≤90万元", "actual": "90万元"},
            {"name": "单项委托费用", "indicator": "产出指标/成本指标", "points": 8,
             "target": "≤2万元", "actual": "2.5万元"},
            {"name": "节约政府投资", "indicator": "效益指标/经济效益指标", "points": 15,
             "target": "效果明显", "level": "部分达成", "score": 10},
            {"name": "工程质量提升", "indicator": "效益指标/社会效益指标", "points": 15,
             "target": "有效提升"},
            {"name": "服务对象满意度", "indicator": "满意度指标/服务对象满意度指标",
             "points": 10, "target": "≥90%", "actual": "92%"},
        ],
    }


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    return pr.evaluate(pr.builtin("mof-2020-project-self"), project())


def test_rows_show_target_and_actual_as_printed(ev: pr.Evaluation) -> None:
    rows = {r.tiers[2]: r for r in form_view.form_rows(ev)}
    qty = rows["基建工程委托业务项目数量"]
    assert (qty.tiers[:2], qty.target, qty.actual, qty.points, qty.score) == (
        ("产出指标", "数量指标"), "≥50个", "50个", D(8), D(8))
    rate = rows["委托业务完成率"]
    # 90 / 95 × 8 = 7.578… → 7.58
    assert (rate.target, rate.actual, rate.score, rate.reason) == (
        "≥95%", "90%", D("7.58"), "两个项目顺延至次年")
    fee = rows["单项委托费用"]
    assert (fee.target, fee.actual, fee.score) == ("≤2万元", "2.5万元", D("6.4"))  # 2/2.5 × 8
    assert rows["完成时限"].actual == "达成预期指标"
    assert rows["工程质量提升"].actual == "未报告" and rows["工程质量提升"].score == 0


def test_total_by_hand(ev: pr.Evaluation) -> None:
    # 预算执行率 95/100 × 10 = 9.5
    # 产出 8 + 7.58 + 8 + 8 + 10 + 6.4 = 47.98; 效益 10 + 0 (not judged) = 10; 满意度 10
    # 9.5 + 47.98 + 10 + 10 = 77.48 → 中
    assert ev.total == D("77.48") and ev.grade == "中" and not ev.rescaled


def test_markdown_has_the_form_columns_and_tiers_once(ev: pr.Evaluation) -> None:
    md = form_view.to_form_markdown(ev)
    header = next(line for line in md.splitlines() if line.startswith("| 一级指标"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
        "偏差原因分析及改进措施"]
    # 产出指标 has six rows but is written once, on the first
    assert sum(1 for line in md.splitlines() if line.startswith("| 产出指标 |")) == 1
    assert sum(1 for line in md.splitlines() if line.startswith("|  | ")) == 5 + 1


def test_csv_repeats_tiers_and_adds_up(ev: pr.Evaluation) -> None:
    rows = list(csv.reader(io.StringIO(form_view.to_form_csv(ev, locale="en"))))
    head, body = rows[0], [r for r in rows[1:] if (r[0] and "/" in r[0]) or r[0] == "预算执行率"]
    assert head[1:9] == ["Tier 1", "Tier 2", "Tier 3", "Annual target", "Actual", "Points",
                         "Score", "Reasons for deviation and measures"]
    assert all(r[1] for r in body)                  # every row names its 一级指标
    assert sum(D(r[7]) for r in body) == ev.total   # leaves add up to the total (not rescaled)


class _Spans(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.spans: list[tuple[str, int]] = []
        self._span: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "td" and found.get("class") == "tier":
            self._span = int(found.get("rowspan") or 1)

    def handle_data(self, data: str) -> None:
        if self._span is not None:
            self.spans.append((data, self._span))
            self._span = None


def test_html_merges_tier_cells(ev: pr.Evaluation) -> None:
    parser = _Spans()
    parser.feed(form_view.to_form_html(ev))
    spans = dict(parser.spans)
    # 产出指标 covers its 6 rows; 数量指标 and 成本指标 2 each; 效益指标 2
    assert (spans["产出指标"], spans["数量指标"], spans["成本指标"], spans["效益指标"]) == (6, 2, 2, 2)


def test_xlsx_merges_tier_cells(ev: pr.Evaluation) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(form_view.to_form_xlsx(ev)))
    sheet = book.active
    # row 1 title, row 2 the budget block quoted by the built-in's figures, row 3 headers
    assert sheet["A2"].value == "年初预算数为100万元；全年预算数为100万元；全年执行数为95万元"
    assert [c.value for c in sheet[3]] == ["一级指标", "二级指标", "三级指标", "年度指标值",
                                           "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # rows 4 预算执行率, 5–10 产出 (6 rows), 11–12 效益, 13 满意度
    assert {"A5:A10", "B5:B6", "B9:B10", "A11:A12"} <= merged
    assert sheet["G5"].value == 8 and sheet["D5"].value == "≥50个"


@pytest.mark.parametrize(("path", "zh", "en"), [
    ("产出指标/数量指标/基建工程委托业务项目数量",
     "基建工程委托业务项目数量年度目标≥50个，实际完成50个，得满分8分",
     "基建工程委托业务项目数量: target ≥ 50, achieved 50: full 8 points"),
    ("产出指标/成本指标/项目总成本",
     "项目总成本控制目标≤90万元，实际90万元，得满分10分",
     "项目总成本: target ≤ 900,000 yuan, actual 900,000 yuan: full 10 points"),
    ("产出指标/成本指标/单项委托费用",
     "单项委托费用控制目标≤2万元，实际2.5万元，超出目标，得6.40分（分值8分）",
     "单项委托费用: target ≤ 20,000 yuan, actual 25,000 yuan, above the target: "
     "6.40 of 8 points"),
    ("产出指标/数量指标/委托业务完成率",
     "委托业务完成率年度目标≥95%，实际完成90%，未达到目标，得7.58分（分值8分），"
     "偏差原因：两个项目顺延至次年",
     "委托业务完成率: target ≥ 95%, achieved 90%, short of the target: 7.58 of 8 points; "
     "reasons for deviation: 两个项目顺延至次年"),
    ("效益指标/经济效益指标/节约政府投资",
     "节约政府投资年度目标“效果明显”，评价为“部分达成预期指标”，得10分（分值15分）",
     "节约政府投资: target “效果明显”, judged “target partly met”: 10 of 15 points"),
    ("效益指标/社会效益指标/工程质量提升",
     "工程质量提升年度目标“有效提升”，未作出评价，不得分（分值15分）",
     "工程质量提升: target “有效提升”, not judged: 0 of 15 points"),
])
def test_row_sentences(ev: pr.Evaluation, path: str, zh: str, en: str) -> None:
    assert pr.indicator_sentence(ev, path).text == zh
    assert pr.indicator_sentence(ev, path, locale="en").text == en


def test_lower_is_better_never_reads_as_completed(ev: pr.Evaluation) -> None:
    text = pr.report_text(ev)
    assert "完成项目总成本" not in text and "年任务" not in text
    assert "项目总成本控制目标≤90万元，实际90万元" in text


def test_band_top_is_said(ev: pr.Evaluation) -> None:
    text = pr.indicator_sentence(ev, "产出指标/时效指标/完成时限").text
    assert text.endswith("（未给出评价人打分，按该等级区间上限计分）")


def test_cli_scores_a_form_given_only_as_data(tmp_path: pytest.TempPathFactory,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from perfrubric.data import structure_department as load
    from perfrubric.data import unstructure_department

    doc = unstructure_department(load(project()))
    lines = ["[department]", 'name = "某镇人民政府"', "year = 2022", "", "[budget]",
             'adjusted = "100万元"', 'final = "95万元"']
    for t in doc["target"]:
        lines += ["", "[[target]]"] + [f"{k} = {v!r}".replace("'", '"') for k, v in t.items()]
    path = Path(str(tmp_path)) / "project.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["score", "mof-2020-project-self", str(path)]) == 0
    out = capsys.readouterr().out
    assert "年度指标值" in out and "实际完成值" in out and "≥50个" in out
    assert "总分: 77.48" in out


def test_money_figures_are_quoted_with_their_unit(ev: pr.Evaluation) -> None:
    from perfrubric import narrative

    # the built-in quotes the budget block: 全年执行数 95万元 (was "not available")
    assert narrative.figure_sentence(ev, "budget_final").text == "全年执行数为95万元"
    assert narrative.figure_sentence(ev, "budget_final", locale="en").text == \
        "Spent in the year: 950,000 yuan"  # name_en
