"""A batch's figures for a bureau: names in the results, the 汇总 sheet, the summary page,
a county's year over year (issue 20, points 1, 4 and 5)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.batch import BatchResult
from perfrubric.batch.summary import summarize
from perfrubric.cli import main

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "examples" / "county-2023"
MAP = str(COUNTY / "mapping.toml")
RUBRIC = pr.builtin("mof-2013-department")

# The five units of examples/county-2023 that score (A0004 writes 在职人数 as 二十 and
# fails); their totals are worked out in tests/test_batch.py and the example's README.
TOTALS = [Decimal("75.25"), Decimal("81.37"), Decimal("76.05"), Decimal("72.13"),
          Decimal("79.84")]


@pytest.fixture(scope="module")
def county() -> list[BatchResult]:
    return list(pr.evaluate_many(RUBRIC, str(COUNTY / "units.csv"), mapping=MAP, trace=False))


def test_results_carry_each_units_code_and_name(county: list[BatchResult]) -> None:
    assert [(r.code, r.name) for r in county[:2]] == [("A0001", "示例县财政局"),
                                                      ("A0002", "示例县教育局")]
    failed = county[3]
    assert (failed.status, failed.code, failed.name) == ("failed", "A0004", "示例县农业农村局")


def test_summary_of_the_county_worked_out_by_hand(county: list[BatchResult]) -> None:
    s = summarize(county, RUBRIC)
    assert (s.units, s.scored, s.failed) == (6, 5, 1)
    assert s.grades == (("优", 0), ("良", 1), ("中", 4), ("差", 0))
    # mean 384.64 / 5 = 76.928 → 76.93; sorted 72.13 75.25 76.05 79.84 81.37: median 76.05
    assert (s.mean, s.median) == (Decimal("76.93"), Decimal("76.05"))
    assert (s.minimum, s.maximum) == (Decimal("72.13"), Decimal("81.37"))
    # deviations -1.678 4.442 -0.878 -4.798 2.912; squares sum 54.81848; / 5 = 10.963696;
    # √ = 3.3112… → 3.31 (population standard deviation)
    assert s.stdev == Decimal("3.31")
    assert sorted(s.totals) == sorted(TOTALS)
    losses = {x.path.rsplit("/", 1)[-1]: x for x in s.losses}
    # 预决算信息公开性 (yes/no, 5 points): A0003, A0005, A0006 answer 否 → 3 units × 5 = 15
    disclosed = losses["预决算信息公开性"]
    assert (disclosed.lost, disclosed.units, disclosed.scored) == (Decimal(15), 3, 5)
    assert disclosed.mean_lost == Decimal("3.00")
    # 资金使用合规性 (1 point a violation): A0001, A0002, A0003 report one each → 3 points
    assert (losses["资金使用合规性"].lost, losses["资金使用合规性"].units) == (Decimal(3), 3)
    # ranked by points lost, most first
    lost = [x.lost for x in s.losses]
    assert lost == sorted(lost, reverse=True)
    assert all(x.lost > 0 for x in s.losses)


def _result(index: int, total: str | None, grade: str | None,
            scores: dict[str, str]) -> BatchResult:
    if total is None:
        return BatchResult(index, f"u{index}", "failed", error=pr.DataError("bad"))
    return BatchResult(index, f"u{index}", "scored" if grade else "cannot_rate",
                       Decimal(total), grade, {k: Decimal(v) for k, v in scores.items()})


def test_summary_ties_even_counts_and_units_without_a_grade() -> None:
    rubric = pr.loads_rubric("""
[rubric]
id = "two"
version = "1"
title = "两项"

[[indicator]]
path = "甲"
points = 50
measure = "facts.a"
rule = { kind = "ratio" }

[[indicator]]
path = "乙"
points = 50
measure = "facts.b"
rule = { kind = "ratio" }
""")
    results = [_result(0, "90", "优", {"甲": "45", "乙": "45"}),
               _result(1, "70", "中", {"甲": "50", "乙": "20"}),
               _result(2, "60", None, {"甲": "40", "乙": "20"}),
               _result(3, "80", "良", {"甲": "50", "乙": "30"}),
               _result(4, None, None, {})]
    s = summarize(results, rubric)
    assert (s.units, s.scored, s.failed) == (5, 4, 1)
    assert s.grades[-1] == (None, 1)               # the unit that could not be rated
    # totals 60 70 80 90: mean 75, median (70 + 80) / 2 = 75; variance (225+25+25+225)/4 = 125
    assert (s.mean, s.median, s.stdev) == (Decimal("75.00"), Decimal("75.00"), Decimal("11.18"))
    # 乙 loses 5 + 30 + 30 + 20 = 85 in 4 units; 甲 loses 5 + 10 = 15 in 2
    assert [(x.path, x.lost, x.units) for x in s.losses] == [
        ("乙", Decimal(85), 4), ("甲", Decimal(15), 2)]
    empty = summarize([], rubric)
    assert (empty.units, empty.mean, empty.stdev, empty.losses) == (0, None, None, ())


def test_excel_results_have_names_numbers_and_a_summary_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out.xlsx"
    assert main(["batch", "mof-2013-department", str(COUNTY / "units.csv"), "--map", MAP,
                 "-o", str(out), "--measured"]) == 1          # A0004 fails, as in the example
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["results", "errors", "汇总"]
    sheet = book["results"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["row", "key", "code", "name"]
    first = [c for c in sheet[2]]
    assert (first[2].value, first[3].value) == ("A0001", "示例县财政局")
    satisfaction = header.index("效果/履职效益/社会公众或服务对象满意度 [measured]")
    cell = first[satisfaction]
    # 满意度 92.5% is a number (0.925) shown as a percentage, not the text "0.925"
    assert cell.value == pytest.approx(0.925)
    assert cell.number_format == "0.00%"
    rows = {r[0]: r[1:] for r in book["汇总"].iter_rows(values_only=True) if r[0]}
    assert rows["参评单位"][0] == 6 and rows["评分失败"][0] == 1
    assert rows["良"][:2] == (1, pytest.approx(0.2))
    assert rows["平均分"][0] == pytest.approx(76.93)
    assert rows["标准差"][0] == pytest.approx(3.31)
    assert rows["过程/预算管理/预决算信息公开性"][:4] == (5, 15, 3, 5)


def test_summary_page_is_self_contained_with_three_charts(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    page = tmp_path / "summary.html"
    assert main(["batch", "mof-2013-department", str(COUNTY / "units.csv"), "--map", MAP,
                 "-o", str(tmp_path / "out.csv"), "--summary", str(page)]) == 1
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 3
    # nothing fetched at view time: no script, no stylesheet link, no remote or file source
    assert "<script" not in text and "<link" not in text
    assert not re.search(r"""(src|href)=["'](https?:|file:|//)""", text)
    assert "76.93" in text and "预决算信息公开性" in text
    # chart text stays text (the browser draws the Chinese), not glyph paths
    assert re.search(r"<text[^>]*>[^<]*单位数", text)


def test_summary_page_without_matplotlib_names_the_extra(
        monkeypatch: pytest.MonkeyPatch, county: list[BatchResult]) -> None:
    from perfrubric.batch.summary_page import summary_html

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(pr.MissingDependencyError, match=r"pip install 'perfrubric\[charts\]'"):
        summary_html(summarize(county, RUBRIC))


def _chromium() -> str | None:
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)


_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--hide-scrollbars"]


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium on this machine")
def test_summary_page_renders_in_headless_chromium_at_1200_px(
        tmp_path: Path, county: list[BatchResult]) -> None:
    pytest.importorskip("matplotlib")
    image = pytest.importorskip("matplotlib.image")
    from perfrubric.batch.summary_page import summary_html

    html = summary_html(summarize(county, RUBRIC))
    page = tmp_path / "summary.html"
    page.write_text(html, encoding="utf-8")
    browser = str(_chromium())
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                    "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    pixels = image.imread(str(shot))
    assert pixels.shape[1] == 1200
    assert pixels.std() > 0.05                     # drawn, not a blank page
    # the page fits 1200 px: no horizontal scrolling (measured by the browser itself)
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", "<script>document.body.dataset.width = "
                                  "document.documentElement.scrollWidth;</script></body>"),
                     encoding="utf-8")
    dom = subprocess.run([browser, *_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}",
                          "--window-size=1200,1600", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120, check=False).stdout
    width = re.search(r'data-width="(\d+)"', dom)
    assert width is not None and int(width.group(1)) <= 1200


# -- a county's year over year -----------------------------------------------------------------

YEARS = [str(ROOT / "examples" / "county-2022" / "units.csv"), str(COUNTY / "units.csv")]


def test_compare_two_county_tables_names_the_unit_that_changed(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--rubric", "mof-2013-department", "--map", MAP, *YEARS]) == 0
    out = capsys.readouterr().out
    # A0001 in 2022: 3 violations (5 − 3 = 2 points) and no disclosure (0 of 5);
    # in 2023: 1 violation (4) and disclosure (5): +2 + 5 = +7, 68.25 → 75.25
    assert ("A0001 示例县财政局：68.25→75.25分（+7），等级中；变化最大："
            "过程/预算管理/预决算信息公开性 0→5（+5）；过程/预算管理/资金使用合规性 2→4（+2）") in out
    assert "A0002 示例县教育局：81.37→81.37分（0）" in out          # the same row both years
    assert "A0004 示例县农业农村局：county-2023评分失败，未比较" in out
    assert "仅county-2022有：A0007 示例县文化旅游局" in out
    assert "仅county-2023有：A0006 示例县商务局" in out


def test_compare_tables_csv_and_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--rubric", "mof-2013-department", "--map", MAP, *YEARS,
                 "--format", "csv", "--locale", "en"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:7] == ["code", "name", "total county-2022", "grade county-2022",
                           "total county-2023", "grade county-2023", "change"]
    first = rows[1]                                   # the largest change comes first
    assert first[:7] == ["A0001", "示例县财政局", "68.25", "中", "75.25", "中", "7.00"]
    assert {r[0]: r[7] for r in rows[1:]}["A0007"] == "only county-2022"
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "yoy.xlsx"
    assert main(["compare", "--rubric", "mof-2013-department", "--map", MAP, *YEARS,
                 "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["比较"]
    values = next(iter(sheet.iter_rows(min_row=2, max_row=2, values_only=True)))
    assert values[:3] == ("A0001", "示例县财政局", pytest.approx(68.25))
    assert values[6] == pytest.approx(7)


def test_compare_tables_refuses_a_code_twice(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    lines = (COUNTY / "units.csv").read_text(encoding="utf-8").splitlines()
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join([*lines, lines[1].replace("1,A0001", "7,A0001", 1)]) + "\n",
                     encoding="utf-8")
    assert main(["compare", "--rubric", "mof-2013-department", "--map", MAP, YEARS[0],
                 str(twice)]) == 1
    assert "A0001 appears twice in twice" in capsys.readouterr().err


def test_compare_map_needs_two_tables(capsys: pytest.CaptureFixture[str]) -> None:
    seed = ROOT / "examples" / "kaifu-commerce-2021"
    code = main(["compare", "--rubric", str(seed / "rubric.toml"), "--map", MAP,
                 str(seed / "data.toml"), str(seed / "data.toml")])
    assert code == 1
    assert "compare two tables of units" in capsys.readouterr().err


def test_chart_svg_is_the_same_for_the_same_figures(county: list[BatchResult]) -> None:
    pytest.importorskip("matplotlib")
    from perfrubric.batch.summary_page import summary_html

    s = summarize(county, RUBRIC)
    assert summary_html(s) == summary_html(s)       # no dates or random ids in the page
