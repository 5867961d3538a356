"""One report per unit (batch/reports.py): file names, formats, the batch command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.batch import evaluate_many, write_reports
from perfrubric.batch.reports import REPORT_FORMATS, report_bytes, report_file_name
from perfrubric.cli import main

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "examples" / "county-2023"
RUBRIC = pr.builtin("mof-2013-department")
# units.csv: 6 units; A0004 writes 在职人数 as 二十 and fails; 5 are scored.
SCORED = ["A0001-示例县财政局", "A0002-示例县教育局", "A0003-示例县卫生健康委员会",
          "A0005-示例县统计局", "A0006-示例县商务局"]


def county(trace: bool = True) -> list[pr.BatchResult]:
    return list(evaluate_many(RUBRIC, COUNTY / "units.csv", mapping=COUNTY / "mapping.toml",
                              trace=trace))


# -- names --------------------------------------------------------------------------


def test_names_join_code_and_name() -> None:
    assert report_file_name("A0001", "示例县财政局", "docx", set()) == "A0001-示例县财政局.docx"
    assert report_file_name("示例县财政局", "示例县财政局", "md", set()) == "示例县财政局.md"
    assert report_file_name("row 7", None, "html", set()) == "row 7.html"


def test_names_are_safe() -> None:
    assert report_file_name("../../etc/passwd", None, "md", set()) == "_etc_passwd.md"
    assert report_file_name("a\\b:c*d?e\"f<g>h|i", None, "md", set()) == "a_b_c_d_e_f_g_h_i.md"
    assert report_file_name("CON", None, "docx", set()) == "_CON.docx"
    assert report_file_name("nul.txt", None, "docx", set()) == "_nul.txt.docx"
    assert report_file_name("  . ", None, "md", set()) == "unit.md"
    assert report_file_name(".hidden", None, "md", set()) == "hidden.md"


def test_names_are_unique_case_insensitively() -> None:
    taken: set[str] = set()
    names = [report_file_name(code, "局", "md", taken) for code in ("A1", "a1", "A1")]
    assert names == ["A1-局.md", "a1-局-2.md", "A1-局-3.md"]


def test_long_names_are_cut_at_a_character() -> None:
    name = report_file_name("A0001", "长" * 200, "docx", set())
    stem = name.removesuffix(".docx")
    # 180 bytes: "A0001-" is 6, each 长 is 3 → 58 whole characters (174 bytes), 180 − 6 = 174
    assert stem == "A0001-" + "长" * 58
    assert len(name.encode("utf-8")) <= 255


@given(st.text(min_size=0, max_size=300), st.one_of(st.none(), st.text(max_size=300)))
def test_any_key_gives_one_plain_file_name(code: str, name: str | None) -> None:
    file = report_file_name(code, name, "docx", set())
    assert file.endswith(".docx")
    assert not set(file) & set('/\\:*?"<>|\x00')
    assert not file.startswith(".")
    assert len(file.encode("utf-8")) <= 255 - len("-99")
    assert Path(file).name == file
    assert file.split(".")[0].lower() not in ("con", "prn", "aux", "nul", "com1", "lpt1")


# -- writing --------------------------------------------------------------------------


def test_one_report_per_scored_unit(tmp_path: Path) -> None:
    written = write_reports(county(), tmp_path / "units", fmt="md")
    assert [p.name for p in written] == [f"{s}.md" for s in SCORED]
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == sorted(
        f"{s}.md" for s in SCORED)
    text = (tmp_path / "units" / "A0001-示例县财政局.md").read_text("utf-8")
    # A0001 is tests/data/county-a0001.toml: 75.25, 中
    assert "**总分**: 75.25" in text and "**等级**: 中" in text
    assert "## 绩效分析" in text and "得分75.25分，绩效评价等级为“中”" in text


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_every_format_holds_the_total_and_grade(fmt: str) -> None:
    ev = pr.evaluate(RUBRIC, ROOT / "tests" / "data" / "county-a0001.toml")
    data = report_bytes(ev, fmt, code="A0001")
    if fmt == "docx":
        docx = pytest.importorskip("docx")
        document = docx.Document(io.BytesIO(data))
        facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
        assert (facts["总分"], facts["等级"]) == ("75.25", "中")
    elif fmt == "xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["评分表", "绩效分析"]
        sentences = [c.value for c in book["绩效分析"]["A"]]
        assert sentences[-1] == "得分75.25分，绩效评价等级为“中”"
    else:
        text = data.decode("utf-8")
        assert "75.25" in text and "得分75.25分，绩效评价等级为“中”" in text
        if fmt == "html":
            assert text.count("<section class=\"narrative\">") == 1
            assert text.index("narrative") < text.index("</body>")


def test_results_without_trace_are_refused(tmp_path: Path) -> None:
    with pytest.raises(pr.PerfrubricError, match="trace=True"):
        write_reports(county(trace=False), tmp_path, fmt="md")


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(pr.PerfrubricError, match="unknown report format 'pdf'"):
        write_reports([], tmp_path, fmt="pdf")


def test_a_file_in_place_of_the_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "units"
    blocker.write_text("x")
    with pytest.raises(pr.PerfrubricError, match="cannot create the reports folder"):
        write_reports(county(), blocker, fmt="md")


# -- the command ----------------------------------------------------------------------


def test_batch_reports_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("docx")
    units = tmp_path / "units"
    code = main(["batch", "mof-2013-department", str(COUNTY / "units.csv"), "--map",
                 str(COUNTY / "mapping.toml"), "-o", str(tmp_path / "out.csv"),
                 "--reports", str(units)])
    assert code == 1  # A0004 failed; the others are still scored and reported
    assert sorted(p.name for p in units.iterdir()) == sorted(f"{s}.docx" for s in SCORED)
    assert "5 reports written to" in capsys.readouterr().out


def test_batch_report_format_is_checked() -> None:
    assert main(["batch", "mof-2013-department", str(COUNTY / "units.csv"), "--reports",
                 "x", "--report-format", "pdf"]) == 2


def test_a_folder_of_data_files_names_reports_by_file_and_unit(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    import docx

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a0001.toml").write_text((ROOT / "tests" / "data" / "county-a0001.toml")
                                       .read_text("utf-8"), encoding="utf-8")
    [written] = write_reports(evaluate_many(RUBRIC, folder, trace=True), tmp_path / "out")
    # a data file's key is its file name: the report says so, and claims no 单位编码
    assert written.name == "a0001-示例县财政局.docx"
    facts = {r.cells[0].text: r.cells[1].text
             for r in docx.Document(str(written)).tables[0].rows}
    assert "单位编码" not in facts and facts["单位名称"] == "示例县财政局"


def test_one_report_is_one_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml"
    assert main(["batch", "mof-2020-project-self", str(project), "--reports",
                 str(tmp_path), "--report-format", "html"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["project-青石镇人民政府.html"]
    assert "1 report written to" in capsys.readouterr().err
    page = (tmp_path / "project-青石镇人民政府.html").read_text("utf-8")
    assert "119.7万元" in page and "1197000元" not in page  # one money format
