"""Follow-ups of issues 16, 18 and 20 once merged: the long-table examples name the form's
header, ``review`` reads a table of forms, the 汇总 compares printed with rule totals,
the batch counts forms, ``validate --data`` passes every example form, the Word form
shows its header block."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.batch import BatchResult
from perfrubric.batch.review_table import review_table
from perfrubric.batch.summary import summarize
from perfrubric.cli import main
from perfrubric.errors import DataError

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "examples" / "project-forms-2020"
SICHUAN = ROOT / "examples" / "project-forms-sichuan"
RUBRIC = pr.builtin("mof-2020-project-self")

# examples/project-forms-2020/forms.csv, the units' own 得分 against the rule:
# 2022-XM-017 路面坑槽修补面积 5 against 2850/3000 × 5 = 4.75 (+0.25),
#             养护任务完成及时率 5 against 92/95 × 5 = 4.842… → 4.84 (+0.16);
#             every other row printed as the rule scores it.
#   printed rows: 10+5+10+5+5+5+5+5 + 3.5+9+5+10 + 10 = 87.5
#   rule, same rows: 10+4.75+10+5+4.84+5+5+5 + 3.5+9+5+10 + 10 = 87.09
# 2022-XM-031 免费开放天数 15 against 286/300 × 15 = 14.30 (+0.7);
#   printed 20+15+15+10 = 60, rule 20+14.3+15+10 = 59.3


@pytest.fixture(scope="module")
def national() -> list[BatchResult]:
    return list(pr.evaluate_many(RUBRIC, NATIONAL / "forms.csv",
                                 mapping=NATIONAL / "forms-map.toml", trace=False))


# -- 1. the long-table examples map the form's header block and every row's 得分 ----------

def test_the_national_results_name_the_project_its_department_and_its_review(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["batch", "mof-2020-project-self", str(NATIONAL / "forms.csv"), "--map",
                 str(NATIONAL / "forms-map.toml")])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    got = [(r["name"], r["department"], r["printed_total"], r["deviations"]) for r in rows]
    assert got == [("农村公路日常养护", "县交通运输局", "87.5", "2"),
                   ("乡镇综合文化站免费开放", "县文化和旅游局", "60", "1")]


def test_a_form_without_a_name_column_is_named_by_its_implementer(
        national: list[BatchResult]) -> None:
    # 实施单位 is mapped to form.implementer; no column gives department.name
    assert [r.evaluation.department if r.evaluation else None for r in national] == [None, None]
    first = pr.evaluate(RUBRIC, {**_document(0)})
    assert first.department == "青石镇人民政府"
    assert first.form is not None and first.form.project == "农村公路日常养护"


def _document(index: int) -> dict[str, object]:
    from perfrubric.batch.mapping import load_mapping
    from perfrubric.batch.records import _long_items

    items = list(_long_items(str(NATIONAL / "forms.csv"),
                             load_mapping(NATIONAL / "forms-map.toml")))
    payload = items[index].payload
    assert isinstance(payload, dict)
    return payload


def test_the_review_of_each_form_compares_the_same_rows(national: list[BatchResult]) -> None:
    first, second = (r.form for r in national)
    assert first is not None and second is not None
    assert (first.printed_total, first.rule_total, first.difference) == (
        Decimal("87.5"), Decimal("87.09"), Decimal("0.41"))
    assert (second.printed_total, second.rule_total, second.difference) == (
        Decimal("60"), Decimal("59.30"), Decimal("0.70"))
    departing = [(r.name, r.deviation) for r in first.rows if r.deviation]
    assert departing == [("路面坑槽修补面积", Decimal("0.25")),
                         ("养护任务完成及时率", Decimal("0.16"))]


def test_the_sichuan_funds_sheet_gives_the_header_block(tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    assert main(["batch", "mof-2020-project-self", str(SICHUAN / "forms.xlsx"), "--map",
                 str(SICHUAN / "forms-map.toml"), "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["name"], r["department"]) for r in rows] == [
        ("高标准农田建设及农民培训", "市农业农村局"), ("新能源公交车辆更新", "市交通运输局")]
    # 5101-2023-017 prints only 农田设施管护机制's 11 (部分达成, the evaluator's own);
    # 5101-2023-042 prints no 得分: no printed total, nothing departs
    assert [(r["printed_total"], r["deviations"]) for r in rows] == [("11", "0"), ("", "0")]


# -- 2. perfrubric review of a long table ------------------------------------------------

def test_review_of_a_table_gives_one_line_per_form_and_its_departing_rows(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["review", "mof-2020-project-self", str(NATIONAL / "forms.csv"), "--map",
                 str(NATIONAL / "forms-map.toml"), "--format", "csv"])
    assert code == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))[1:]
    # one line per departing row, its form's figures repeated: 自评 97 = 96.59 + 0.41;
    # 2022-XM-031 is rescaled (no 效益 row, 70 points counted): +0.7 × 100/70 = +1
    got = [(r[0], r[1], r[4], r[5], r[6], r[10], r[15]) for r in rows]
    assert got == [
        ("forms.csv 2022-XM-017", "青石镇人民政府", "97", "96.59", "+0.41", "路面坑槽修补面积", "+0.25"),
        ("forms.csv 2022-XM-017", "青石镇人民政府", "97", "96.59", "+0.41", "养护任务完成及时率",
         "+0.16"),
        ("forms.csv 2022-XM-031", "青石镇综合文化站", "98.57", "97.57", "+1", "免费开放天数",
         "+0.7")]


def test_review_table_in_python_matches_a_folder_review_of_the_same_form() -> None:
    reviews, failed = review_table(RUBRIC, NATIONAL / "forms.csv", NATIONAL / "forms-map.toml")
    assert failed == []
    assert [r.project for r in reviews] == ["农村公路日常养护", "乡镇综合文化站免费开放"]
    # the first form is examples/rural-road-maintenance-2022 row for row: the same rule total
    own = pr.evaluate(RUBRIC, ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml")
    assert reviews[0].rule_total == own.total == Decimal("96.59")


def test_review_of_a_table_with_a_bad_cell_fails_that_form_at_its_cell(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (NATIONAL / "forms.csv").read_text(encoding="utf-8")
    bad = tmp_path / "forms.csv"
    # the second form's 分值 of 免费开放天数 (row 16 of the sheet) unreadable
    bad.write_text(text.replace("≥300天,286天,15,15", "≥300天,286天,十五,15"),
                   encoding="utf-8")
    code = main(["review", "mof-2020-project-self", str(bad), "--map",
                 str(NATIONAL / "forms-map.toml")])
    captured = capsys.readouterr()
    assert code == 1
    assert "2022-XM-017" in captured.out and "2022-XM-031" not in captured.out
    # at the cell: the file, line 16, column 14 (分值, N)
    assert "forms.csv:16:14: N16: 分值: expected a number" in captured.err


def test_review_map_needs_a_long_mapping_and_one_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flat = tmp_path / "map.toml"
    flat.write_text('[columns]\n"项目编码" = "department.code"\n', encoding="utf-8")
    with pytest.raises(DataError, match='layout = "long"'):
        review_table(RUBRIC, NATIONAL / "forms.csv", flat)
    assert main(["review", "mof-2020-project-self", str(NATIONAL / "forms.csv"),
                 str(NATIONAL / "forms.csv"), "--map", str(NATIONAL / "forms-map.toml")]) == 1
    assert "one table" in capsys.readouterr().err


# -- 3. the 汇总 sheet and page compare printed with rule totals -------------------------

def test_the_summary_compares_printed_and_rule_totals(national: list[BatchResult]) -> None:
    s = summarize(national, RUBRIC)
    printed = s.printed
    assert printed is not None and s.noun == "form"
    assert [(t.key, t.printed, t.rule) for t in printed.totals] == [
        ("2022-XM-017", Decimal("87.5"), Decimal("87.09")),
        ("2022-XM-031", Decimal("60"), Decimal("59.30"))]
    # both printed above the rule; 0.41 + 0.70 = 1.11
    assert (printed.above, printed.below, printed.difference) == (2, 0, Decimal("1.11"))
    # each departing row departs on one form: ranked by the size of the difference
    assert [(r.path.rsplit("/", 1)[-1], r.forms, r.printed, r.difference)
            for r in printed.rows] == [("免费开放天数", 1, 1, Decimal("0.70")),
                                       ("路面坑槽修补面积", 1, 1, Decimal("0.25")),
                                       ("养护任务完成及时率", 1, 1, Decimal("0.16"))]
    assert s.to_dict()["printed"] == {
        "forms": 2, "above": 2, "below": 0, "difference": "1.11",
        "rows": [{"path": "产出指标/数量指标/免费开放天数", "forms": 1, "printed": 1,
                  "difference": "0.70"},
                 {"path": "产出指标/数量指标/路面坑槽修补面积", "forms": 1, "printed": 1,
                  "difference": "0.25"},
                 {"path": "产出指标/时效指标/养护任务完成及时率", "forms": 1, "printed": 1,
                  "difference": "0.16"}]}


def test_a_row_departing_on_two_forms_ranks_first() -> None:
    # the same form twice: every departing row departs on 2 forms; the sums double
    results = list(pr.evaluate_many(RUBRIC, NATIONAL / "forms.csv",
                                    mapping=NATIONAL / "forms-map.toml", trace=False))
    first = results[0]
    s = summarize([first, first, results[1]], RUBRIC)
    assert s.printed is not None
    assert [(r.path.rsplit("/", 1)[-1], r.forms, r.difference) for r in s.printed.rows] == [
        ("路面坑槽修补面积", 2, Decimal("0.50")), ("养护任务完成及时率", 2, Decimal("0.32")),
        ("免费开放天数", 1, Decimal("0.70"))]
    # 0.41 × 2 + 0.70
    assert s.printed.difference == Decimal("1.52")


def test_a_batch_of_departments_has_no_printed_review() -> None:
    county = ROOT / "examples" / "county-2023"
    rubric = pr.builtin("mof-2013-department")
    results = pr.evaluate_many(rubric, str(county / "units.csv"),
                               mapping=str(county / "mapping.toml"), trace=False)
    s = summarize(results, rubric)
    assert (s.printed, s.noun) == (None, "unit")
    assert s.to_dict()["printed"] is None


def test_the_summary_sheet_has_the_review_block(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "forms.xlsx"
    assert main(["batch", "mof-2020-project-self", str(NATIONAL / "forms.csv"), "--map",
                 str(NATIONAL / "forms-map.toml"), "-o", str(out)]) == 0
    rows = [r for r in openpyxl.load_workbook(out)["汇总"].iter_rows(values_only=True)]
    assert rows[1][:2] == ("参评项目", 2)
    labels = {r[0]: r[1] for r in rows if r[0]}
    assert (labels["填写得分的项目"], labels["自评高于复核"], labels["自评低于复核"]) == (2, 2, 0)
    assert labels["差额合计（自评 − 复核）"] == pytest.approx(1.11)
    at = [r[0] for r in rows].index("偏离规则最多的行")
    assert rows[at + 1][:4] == ("产出指标/数量指标/免费开放天数", 1, 1, pytest.approx(0.7))


def test_the_summary_page_plots_printed_against_rule_totals(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    page = tmp_path / "summary.html"
    assert main(["batch", "mof-2020-project-self", str(NATIONAL / "forms.csv"), "--map",
                 str(NATIONAL / "forms-map.toml"), "-o", str(tmp_path / "forms.csv"),
                 "--summary", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    section = text[text.index("<h2>自评与复核</h2>"):]
    assert "<svg" in section.split("</section>")[0]
    assert "复核得分（按规则）" in section and "自评得分（填写）" in section
    assert "<td>自评高于复核</td><td>2</td>" in section
    assert "<td>产出指标/数量指标/免费开放天数</td><td>1/1</td><td>0.7</td>" in section
    assert "<span>参评项目</span><b>2</b>" in text


# -- 4. the batch counts forms, and 1 in the singular --------------------------------------

def test_the_summary_line_counts_forms(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "mof-2020-project-self", str(NATIONAL / "forms.csv"), "--map",
                 str(NATIONAL / "forms-map.toml"), "-o", str(tmp_path / "a.csv")]) == 0
    assert capsys.readouterr().out == "2 forms: 2 scored, 0 failed; grades: 优 2\n"
    lines = (NATIONAL / "forms.csv").read_text(encoding="utf-8").splitlines()
    one = tmp_path / "one.csv"
    one.write_text("\n".join(lines[:14]) + "\n", encoding="utf-8")  # the header, 2022-XM-017
    assert main(["batch", "mof-2020-project-self", str(one), "--map",
                 str(NATIONAL / "forms-map.toml"), "-o", str(tmp_path / "b.csv")]) == 0
    assert capsys.readouterr().out.startswith("1 form: 1 scored, 0 failed")


def test_one_department_is_one_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ROOT / "tests" / "data" / "county-a0001.toml"
    assert main(["batch", "mof-2013-department", str(data), "-o",
                 str(tmp_path / "a.csv")]) == 0
    assert capsys.readouterr().out.startswith("1 unit: 1 scored, 0 failed")


# -- 5. validate --data passes every example form -----------------------------------------

EXAMPLE_FORMS = [
    ("mof-2020-project-self", "examples/printed-forms/sichuan-layout-2022.toml"),
    ("mof-2020-project-self", "examples/printed-forms/theatre-equipment-2022.toml"),
    ("mof-2020-project-self", "examples/printed-forms/water-gauges-2021.toml"),
    ("examples/printed-forms/hubei/rubric.toml", "examples/printed-forms/hubei/form.toml"),
    ("mof-2020-project-self", "examples/water-gauge-2021/project.toml"),
    ("mof-2020-project-self", "examples/rural-road-maintenance-2022/project.toml"),
]


@pytest.mark.parametrize(("rubric", "data"), EXAMPLE_FORMS)
def test_validate_data_passes_every_example_form(rubric: str, data: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    ref = str(ROOT / rubric) if rubric.endswith(".toml") else rubric
    assert main(["validate", ref, "--data", str(ROOT / data)]) == 0, capsys.readouterr().err
    assert "every name it reads has a value" in capsys.readouterr().out


def test_validate_data_still_reports_a_row_without_figures_and_without_a_score(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # water-gauges-2021's 设施持续发挥作用 prints 10 with no figures: the review reports it.
    # Without its printed score nothing would: validate names the missing value.
    text = (ROOT / "examples/printed-forms/water-gauges-2021.toml").read_text(encoding="utf-8")
    marker = 'name = "设施持续发挥作用"'
    head, tail = text.split(marker)
    tail = tail.replace("score = 10\n", "", 1)
    data = tmp_path / "form.toml"
    data.write_text(head + marker + tail, encoding="utf-8")
    assert main(["validate", "mof-2020-project-self", "--data", str(data)]) == 1
    assert "targets.设施持续发挥作用.completion" in capsys.readouterr().err


# -- 6. the Word form shows the header block ----------------------------------------------

def test_the_word_form_shows_the_header_block() -> None:
    docx = pytest.importorskip("docx")
    from perfrubric.views.docx import to_docx

    ev = pr.evaluate(RUBRIC, ROOT / "examples/printed-forms/theatre-equipment-2022.toml")
    document = docx.Document(io.BytesIO(to_docx(ev)))
    facts = [tuple(c.text for c in row.cells) for row in document.tables[0].rows]
    labels = [label for label, _ in facts]
    assert ("项目名称", "演出设备更新项目") in facts
    assert ("主管部门", "某市文化和旅游局") in facts
    assert ("实施单位", "某市歌舞剧团") in facts
    assert ("其中财政拨款", "年初预算数300万元，全年预算数300万元，全年执行数296.5万元") in facts
    assert ("年度总体目标", "更新舞台灯光音响设备，保障全年演出") in facts
    assert ("实际完成情况", "设备全部到位并验收合格，全年演出86场") in facts
    # in the printed form's order: names, the funds, their 其中 rows, then the goal
    assert labels.index("项目名称") < labels.index("年初预算数") < labels.index("其中财政拨款") \
        < labels.index("年度总体目标") < labels.index("实际完成情况") < labels.index("总分")


def test_a_word_report_without_a_form_table_has_no_header_lines() -> None:
    docx = pytest.importorskip("docx")
    from perfrubric.views.docx import to_docx

    ev = pr.evaluate(RUBRIC, ROOT / "examples/water-gauge-2021/project.toml")
    document = docx.Document(io.BytesIO(to_docx(ev)))
    labels = [row.cells[0].text for row in document.tables[0].rows]
    assert "项目名称" not in labels and "年度总体目标" not in labels


def test_the_printed_review_adds_up_over_any_batch_of_forms(
        national: list[BatchResult]) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sampled_from(national), max_size=8))
    def check(batch: list[BatchResult]) -> None:
        printed = summarize(batch, RUBRIC).printed
        if not batch:
            assert printed is None
            return
        assert printed is not None and len(printed.totals) == len(batch)
        # 0.41 per 2022-XM-017 and 0.70 per 2022-XM-031, every form above the rule
        first = sum(1 for r in batch if r.key == "2022-XM-017")
        assert printed.difference == Decimal("0.41") * first + \
            Decimal("0.70") * (len(batch) - first)
        assert (printed.above, printed.below) == (len(batch), 0)
        assert sum(r.forms for r in printed.rows) == 2 * first + (len(batch) - first)
    check()
