"""The Word report (views/docx.py), read back with python-docx: total, grade, table, merges, fonts."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.views.docx import to_docx
from test_form_view import project

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
A0001 = DATA / "county-a0001.toml"


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    return pr.evaluate(pr.builtin("mof-2013-department"), A0001)


def read(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def grid(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_report_holds_title_facts_total_grade_and_closing(ev: pr.Evaluation) -> None:
    document = read(to_docx(ev, code="A0001"))
    paragraphs = texts(document)
    assert paragraphs[0].startswith("示例县财政局 2023")
    assert [p for p in paragraphs if p[:2] in ("一、", "二、", "三、", "四、")] == [
        "一、基本情况", "二、评分表", "三、绩效分析", "四、评价结论"]
    facts = dict((row[0], row[1]) for row in grid(document.tables[0]))
    # 2.50 + 0 (投入) + 3 + 2 + 5 + 5 + 3 + 4 + 5 + 4.50 (过程 31.50)
    # + 11.25 + 8 (产出 19.25) + 5 + 4 + 3 + 10 (效果 22) = 75.25 → 中 (60 ≤ 75.25 < 80)
    assert (facts["单位名称"], facts["单位编码"], facts["年度"]) == (
        "示例县财政局", "A0001", "2023")
    assert (facts["总分"], facts["等级"]) == ("75.25", "中")
    assert paragraphs[-1] == "得分75.25分，绩效评价等级为“中”。"
    assert document.paragraphs[-1].runs[0].bold


def test_scoring_table_is_laid_out_as_the_printed_table(ev: pr.Evaluation) -> None:
    table = read(to_docx(ev)).tables[1]
    rows = grid(table)
    assert rows[0] == ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "指标值", "得分",
                       "扣分", "说明"]
    leaves = {row[2]: row for row in rows[1:] if row[0] not in ("总分", "等级")}
    assert len(leaves) == 16  # the built-in's 16 三级指标
    # 21 on post / 20 authorized = 105%: 5 points over 100%, 0.5 each → 2.50 lost
    assert leaves["在职人员控制率"][:2] == ["投入", "预算配置"]
    assert leaves["在职人员控制率"][3:] == [
        "5", "在职人员控制率≤100%，计5分；每超过一个百分点扣0.5分，扣完为止", "105.00%", "2.50",
        "2.50", ""]
    # (12 − 10) / 10 = 20% rise: 20 × 0.5 = 10 ≥ 5 points → 0
    assert leaves["三公经费变动率"][5:8] == ["20.00%", "0", "5"]
    total = next(row for row in rows if row[0] == "总分")
    assert (total[3], total[6]) == ("100", "75.25")
    grade = next(row for row in rows if row[0] == "等级")
    assert grade[3:] == ["中"] * 6  # one cell merged over the rest of the row
    # the built-in's own allocation is said in 说明, never in 评分标准
    carry = leaves["结转结余率"]
    assert carry[4] == "≤5%计满分；每超过一个百分点扣0.5分，扣完为止"
    assert carry[8].startswith("perfrubric allocation")
    scores = [Decimal(row[6]) for row in leaves.values()]
    assert sum(scores) == Decimal("75.25")


def test_tier_cells_are_merged_vertically(ev: pr.Evaluation) -> None:
    table = read(to_docx(ev)).tables[1]
    trs = table._tbl.tr_lst
    column0 = [tr.tc_lst[0].vMerge for tr in trs[1:17]]
    # 投入 2 rows, 过程 8, 产出 2, 效果 4: a restart then continues for each
    assert column0 == (["restart", "continue"] + ["restart"] + ["continue"] * 7
                       + ["restart", "continue"] + ["restart"] + ["continue"] * 3)
    column1 = [tr.tc_lst[1].vMerge for tr in trs[1:17]]
    # 预算配置 2, 预算执行 4, 预算管理 3, 资产管理 1 (not merged), 职责履行 2, 履职效益 4
    assert column1 == (["restart", "continue"] + ["restart"] + ["continue"] * 3
                       + ["restart", "continue", "continue"] + [None]
                       + ["restart", "continue"] + ["restart"] + ["continue"] * 3)
    # a merged cell holds its name once, not once per row it covers
    assert trs[1].tc_lst[0].xpath("string(.)") == "投入"
    assert trs[2].tc_lst[0].xpath("string(.)") == ""


def test_narrow_columns_never_wrap_and_the_header_repeats(ev: pr.Evaluation) -> None:
    table = read(to_docx(ev)).tables[1]
    trs = table._tbl.tr_lst
    for tr in trs[1:17]:
        for column in (3, 6, 7):  # 分值, 得分, 扣分
            assert tr.tc_lst[column].tcPr.find(qn("w:noWrap")) is not None
        assert tr.tc_lst[4].tcPr.find(qn("w:noWrap")) is None  # 评分标准 wraps
    assert trs[0].trPr.find(qn("w:tblHeader")) is not None


def test_fonts_name_an_east_asian_font_and_no_theme_font(ev: pr.Evaluation) -> None:
    document = read(to_docx(ev, font="宋体", heading_font="黑体"))
    for name, east in (("Normal", "宋体"), ("Title", "黑体"), ("Heading 1", "黑体")):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == east, name
        assert fonts.get(qn("w:ascii")) == "Times New Roman", name
        # a theme font would win over the named one in Word
        assert not any(fonts.get(qn(a)) for a in ("w:asciiTheme", "w:eastAsiaTheme")), name
    # the document defaults every style inherits from name them too
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert not any(fonts.get(qn(a)) for a in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme"))


def test_narrative_paragraphs_group_each_tier(ev: pr.Evaluation) -> None:
    paragraphs = texts(read(to_docx(ev)))
    inputs = next(p for p in paragraphs if p.startswith("投入类指标"))
    assert inputs == ("投入类指标满分10分，得分2.50分，扣7.50分。其中，在职人员控制率为105.00%，"
                      "高于100%，扣2.50分；三公经费变动率为20.00%，高于0%，扣5分。")


def test_english_report(ev: pr.Evaluation) -> None:
    document = read(to_docx(ev, locale="en"))
    paragraphs = texts(document)
    assert "1. Basic facts" in paragraphs and "4. Conclusion" in paragraphs
    assert paragraphs[-1] == "Score 75.25, grade: Fair."
    assert grid(document.tables[1])[0][:3] == ["Tier 1", "Tier 2", "Tier 3"]


def test_project_form_with_budget_block_and_merged_tiers() -> None:
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), project())
    document = read(to_docx(ev))
    facts = dict((row[0], row[1]) for row in grid(document.tables[0]))
    assert facts["单位名称"] == "某镇人民政府"
    assert facts["总分"] == pr.views.table._number(ev.total, ev.rubric.total_rounding, "zh_CN")
    rows = grid(document.tables[1])
    assert rows[0][:3] == ["一级指标", "二级指标", "三级指标"]
    quantity = next(r for r in rows if r[2] == "基建工程委托业务项目数量")
    assert quantity[3:7] == ["≥50个", "50个", "8", "8"]
    rate = next(r for r in rows if r[2] == "委托业务完成率")
    # 90 / 95 × 8 = 7.578… → 7.58
    assert (rate[6], rate[7]) == ("7.58", "两个项目顺延至次年")
    trs = document.tables[1]._tbl.tr_lst
    first = next(i for i, r in enumerate(rows) if r[2] == "基建工程委托业务项目数量")
    # 数量指标 holds two targets: its 二级 cell is merged over both rows
    assert [trs[first + k].tc_lst[1].vMerge for k in (0, 1)] == ["restart", "continue"]


def test_cli_score_and_report_write_docx(tmp_path: Path) -> None:
    for command in ("score", "report"):
        out = tmp_path / f"{command}.docx"
        assert main([command, "mof-2013-department", str(A0001), "--format", "docx",
                     "-o", str(out)]) == 0
        document = read(out.read_bytes())
        facts = dict((row[0], row[1]) for row in grid(document.tables[0]))
        assert (facts["总分"], facts["等级"]) == ("75.25", "中")


def test_cli_docx_to_a_terminal_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["report", "mof-2013-department", str(A0001), "--format", "docx"], out) == 1
    assert "docx" in capsys.readouterr().err


def test_without_python_docx_is_a_clear_error(tmp_path: Path) -> None:
    # A fresh interpreter where docx cannot be imported.
    code = textwrap.dedent(f"""
        import sys
        sys.modules["docx"] = None
        import perfrubric as pr
        from perfrubric.views.docx import to_docx
        ev = pr.evaluate(pr.builtin("mof-2013-department"), {str(A0001)!r})
        try:
            to_docx(ev)
        except pr.MissingDependencyError as exc:
            print(exc)
    """)
    src = Path(pr.__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(src)}, check=True)
    assert "pip install 'perfrubric[docx]'" in result.stdout


def test_statuses_rescaling_and_vetoes_read_back() -> None:
    from test_narrative import status_evaluation

    ev = status_evaluation()
    document = read(to_docx(ev))
    rows = grid(document.tables[1])
    header = rows[0]
    assert header[-1] == "说明"  # some indicators were not simply scored
    leaves = [r for r in rows[1:] if r[0] not in ("指标得分合计", "折算", "总分", "等级")]
    assert len(leaves) == sum(1 for r in ev.results.values() if r.is_leaf)
    score_at = header.index("得分")
    assert sum(Decimal(r[score_at]) for r in leaves) == ev.raw_total
    notes = [r[-1] for r in leaves]  # the status rubric's leaves sit at depth 2: no 三级 name
    assert "未报告，不计分（折算）" in notes and "已评分" not in notes
    footer = {r[0]: r for r in rows if r[0] in ("指标得分合计", "折算", "总分", "等级")}
    assert Decimal(footer["总分"][score_at]) == ev.total
    if ev.rescaled:
        assert footer["折算"][3] == pr.narrative.rescaling_sentence(ev).text  # type: ignore[union-attr]
    paragraphs = texts(document)
    for veto in ev.vetoes:
        assert any(veto.reason in p for p in paragraphs)
    assert paragraphs[-1] == pr.closing_sentence(ev).text + "。"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_generated_rubric_gives_a_document_that_adds_up(data: st.DataObject) -> None:
    from perfrubric.testing import data_for, rubrics

    rubric = data.draw(rubrics())
    ev = pr.evaluate(rubric, data.draw(data_for(rubric)))
    document = read(to_docx(ev, locale=data.draw(st.sampled_from(["zh_CN", "en"]))))
    table = document.tables[1]
    rows = grid(table)
    leaves = sum(1 for r in ev.results.values() if r.is_leaf)
    score_at = 6  # 一级, 二级, 三级, 分值, 评分标准, 指标值, 得分
    scores = [Decimal(r[score_at]) for r in rows[1:1 + leaves]]
    assert sum(scores) == ev.raw_total
    facts = dict((r[0], r[1]) for r in grid(document.tables[0]))
    total_label = "总分" if "总分" in facts else "Total"
    assert Decimal(facts[total_label].replace(",", "")) == ev.total
