"""Views of the scoring table: every format agrees with the evaluation and with the others.

Each view is parsed back (csv, html.parser, openpyxl, the Markdown table) and
compared with ``ev.results``: points, score, points lost and the measured
value of every indicator, the total and the grade.
"""

from __future__ import annotations

import csv
import html
import io
import subprocess
import sys
import textwrap
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric import narrative, views
from perfrubric.cli import main
from test_narrative import seed_evaluation, status_evaluation

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"

Numbers = dict[str, tuple[Decimal, Decimal, Decimal]]


def _seed(name: str) -> pr.Evaluation:
    return pr.evaluate(pr.load_rubric(EXAMPLE / name), EXAMPLE / "data.toml")


# rubric.toml: 100, 优, nothing excluded; national.toml: excluded rows, total rescaled
# 20 → 80; the status rubric: a veto, an override, either-or, not applicable, rescaled.
@pytest.fixture(scope="module", params=["rubric.toml", "national.toml", "statuses"])
def ev(request: pytest.FixtureRequest) -> pr.Evaluation:
    if request.param == "statuses":
        return status_evaluation()
    return _seed(request.param)


def expected(ev: pr.Evaluation) -> Numbers:
    return {path: (r.points, r.score, r.lost) for path, r in ev.results.items()}


def expected_measured(ev: pr.Evaluation, locale: str = "zh_CN") -> dict[str, str]:
    return {path: (narrative.value_text(ev, path, locale=locale) or "") if r.is_leaf else ""
            for path, r in ev.results.items()}


# -- CSV ------------------------------------------------------------------------------


def read_csv(ev: pr.Evaluation, locale: str = "zh_CN") -> tuple[list[str], list[list[str]],
                                                                dict[str, str]]:
    rows = list(csv.reader(io.StringIO(views.to_csv(ev, locale=locale))))
    header, body = rows[0], rows[1:]
    table = [r for r in body if r[0] in ev.results]
    score = header.index(narrative.translate("Score", locale=locale))
    footer = {r[0]: r[score] for r in body if r[0] not in ev.results}
    return header, table, footer


def test_csv_agrees_with_the_evaluation(ev: pr.Evaluation) -> None:
    header, table, footer = read_csv(ev)
    assert header == ["路径", "层级", "末级", "指标", "分值", "评分标准", "指标值", "得分", "扣分",
                      "状态"]
    assert [r[0] for r in table] == list(ev.results)  # table order, parents first
    assert {r[0]: (Decimal(r[4]), Decimal(r[7]), Decimal(r[8])) for r in table} == expected(ev)
    assert {r[0]: r[6] for r in table} == expected_measured(ev)
    assert Decimal(footer["总分"]) == ev.total
    assert footer["等级"] == (ev.grade or "无等级")


def test_csv_leaf_scores_add_up_to_the_total(ev: pr.Evaluation) -> None:
    _, table, footer = read_csv(ev)
    leaves = sum((Decimal(r[7]) for r in table if r[2] == "是"), Decimal(0))
    assert [r[0] for r in table if r[2] == "是"] == [r.path for r in ev.leaves()]
    if ev.total == ev.raw_total:
        assert "指标得分合计" not in footer
        assert leaves == Decimal(footer["总分"])
    else:  # rescaled or capped: the leaves add up to the sum row printed above the total
        assert leaves == Decimal(footer["指标得分合计"]) == ev.raw_total
        assert Decimal(footer["总分"]) == ev.total != leaves


def test_views_write_points_as_the_narrative_does() -> None:
    ev = seed_evaluation()
    # 预算完成率: 0.5 lost, written with the 2 places of the score rounding
    _, table, _ = read_csv(ev)
    row = next(r for r in table if r[0] == "过程/预算完成率")
    sentence = narrative.indicator_sentence(ev, "过程/预算完成率")
    assert (row[7], row[8]) == ("9.50", "0.50") == (sentence.parts["score"],
                                                    sentence.parts["lost"])
    assert row[6] == sentence.parts["value"] == "96.50%"
    html_row = parse_html(views.to_html(ev, layout="outline")).rows["过程/预算完成率"]
    assert html_row[5:7] == ["9.50", "0.50"]


def test_rescaled_csv_shows_both_sums_and_why() -> None:
    ev = status_evaluation()
    # the status rubric: 55 points earned of the 90 that counted (公用经费控制率's 10 left
    # out: not reported, legacy missing = "exclude") → 55 × 100 / 90 = 61.11
    _, table, footer = read_csv(ev)
    assert footer == {
        "指标得分合计": "55",
        "折算": "按适用指标折算：适用指标分值90分，得分55分，折算为100分制；"
                "不计分指标：公用经费控制率（10分，未报告）",
        "总分": "61.11", "等级": "中"}
    status = {r[0]: r[9] for r in table}
    assert status["过程/公用经费控制率"] == "未报告，不计分（折算）"
    assert status["过程/三公经费变动率"] == "未报告，按满分计"  # legacy missing = "full"


def test_english_csv() -> None:
    ev = _seed("rubric.toml")
    header, table, footer = read_csv(ev, locale="en")
    assert header[:4] == ["Path", "Level", "Leaf", "Indicator"]
    assert table[0][3] == "Inputs" and footer == {"Total": "100", "Grade": "Excellent"}


# -- HTML -----------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects the indicator rows (by data-path), the footer, the title and every tag."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.leaf: dict[str, bool] = {}
        self.totals: dict[str, list[str]] = {}
        self.headers: list[str] = []
        self.tags: list[str] = []
        self.title = ""
        self.closing = ""
        self._cells: list[str] | None = None
        self._text: list[str] | None = None
        self._where = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "tr" and a.get("data-path"):
            self._cells = self.rows[a["data-path"] or ""] = []
            self.leaf[a["data-path"] or ""] = a.get("data-leaf") == "true"
        elif tag == "tr" and a.get("data-total"):
            self._cells = self.totals[a["data-total"] or ""] = []
        elif tag in ("td", "th", "title") or (tag == "p" and a.get("class") == "closing"):
            self._text, self._where = [], tag

    def handle_endtag(self, tag: str) -> None:
        if self._text is None or tag != self._where:
            if tag == "tr":
                self._cells = None
            return
        text = "".join(self._text)
        if tag == "td" and self._cells is not None:
            self._cells.append(text)
        elif tag == "th":
            self.headers.append(text)
        elif tag == "title":
            self.title = text
        elif tag == "p":
            self.closing = text
        self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def parse_html(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def test_html_parses_and_agrees(ev: pr.Evaluation) -> None:
    page = views.to_html(ev, layout="outline")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parsed = parse_html(page)
    assert parsed.headers == ["层级", "指标", "分值", "评分标准", "指标值", "得分", "扣分", "状态"]
    assert list(parsed.rows) == list(ev.results)
    assert {p: (Decimal(c[2]), Decimal(c[5]), Decimal(c[6]))
            for p, c in parsed.rows.items()} == expected(ev)
    assert {p: c[4] for p, c in parsed.rows.items()} == expected_measured(ev)
    assert parsed.leaf == {p: r.is_leaf for p, r in ev.results.items()}
    assert Decimal(parsed.totals["total"][1]) == ev.total
    assert parsed.totals["grade"][1] == (ev.grade or "无等级")
    assert ev.rubric.title_in("zh_CN") in parsed.title
    assert parsed.closing == narrative.closing_sentence(ev).text
    assert "script" not in parsed.tags and "<style>" in page  # inline CSS, no scripts


def test_html_escapes_every_text() -> None:
    rubric = textwrap.dedent('''\
        [rubric]
        id = "esc"
        version = "1"
        title = "<script>alert(1)</script> & 表"
        full_marks = 10

        [[indicator]]
        path = "A<b>"
        points = 10

        [[indicator]]
        path = "A<b>/x\\"y&z"
        points = 10
        criterion = "≤100% <i>满分</i> | 否则 0"
        measure = "facts.ok"
        rule = { kind = "yes_no" }
        ''')
    ev = pr.evaluate(pr.loads_rubric(rubric), {"department": {"name": "d<e>"},
                                               "facts": {"ok": True}})
    page = views.to_html(ev, layout="outline")
    parsed = parse_html(page)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "p",
                                "table", "thead", "tbody", "tfoot", "tr", "th", "td"}
    assert "<script>alert(1)</script> & 表" in parsed.title
    assert parsed.rows['A<b>/x"y&z'][3] == "≤100% <i>满分</i> | 否则 0"
    # Markdown: the same texts, with HTML and the pipe escaped
    md = views.to_markdown(ev)
    assert "&lt;i&gt;满分&lt;/i&gt; \\| 否则 0" in md and "<i>" not in md


# -- Markdown ---------------------------------------------------------------------------


def parse_markdown(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("| "):
            cells = [c.strip(" ") for c in line.strip(" ")[2:-2].split(" | ")]
            rows.append([html.unescape(c.replace("\\|", "|")) for c in cells])
    return rows


def test_markdown_agrees(ev: pr.Evaluation) -> None:
    text = views.to_markdown(ev)
    header, *rows = parse_markdown(text)
    assert header == ["层级", "指标", "分值", "评分标准", "指标值", "得分", "扣分", "状态"]
    assert len(rows) == len(ev.results)
    got = {}
    for cells, (path, result) in zip(rows, ev.results.items(), strict=True):
        name = cells[1].strip("\u3000*")
        assert name == result.name
        assert cells[1].startswith("\u3000" * (result.depth - 1))
        got[path] = (Decimal(cells[2]), Decimal(cells[5]), Decimal(cells[6]))
        assert cells[4] == expected_measured(ev)[path]
    assert got == expected(ev)
    assert f"**总分**: {views.scoring_table(ev).totals[-2].text}" in text
    assert text.rstrip().endswith(narrative.closing_sentence(ev).text)


def test_english_markdown() -> None:
    text = views.to_markdown(_seed("rubric.toml"), locale="en")
    assert "| Level | Indicator | Points |" in text and "**Inputs**" in text
    assert text.rstrip().endswith("Score 100, grade: Excellent")


# -- Excel ------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> tuple[list[tuple[object, ...]], str]:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    return list(sheet.iter_rows(values_only=True)), sheet.title


def test_xlsx_reads_back(ev: pr.Evaluation) -> None:
    rows, title = read_xlsx(views.to_xlsx(ev, layout="outline"))
    assert title == "评分表"
    assert rows[1][:4] == ("路径", "层级", "末级", "指标")
    table = {r[0]: r for r in rows[2:] if r[0] in ev.results}
    assert list(table) == list(ev.results)
    for row in table.values():  # numbers are numeric cells, not text
        assert all(isinstance(row[i], (int, float)) for i in (1, 4, 7, 8))
    assert {p: (Decimal(str(r[4])), Decimal(str(r[7])), Decimal(str(r[8])))
            for p, r in table.items()} == expected(ev)
    assert {p: r[6] or "" for p, r in table.items()} == expected_measured(ev)
    footer = {r[0]: r[7] for r in rows[2:] if r[0] is not None and r[0] not in ev.results}
    assert Decimal(str(footer["总分"])) == ev.total
    leaves = sum((Decimal(str(r[7])) for r in table.values() if r[2] == "是"), Decimal(0))
    assert leaves == ev.raw_total


def test_xlsx_without_openpyxl_is_a_clear_error() -> None:
    # A fresh interpreter where openpyxl cannot be imported: perfrubric imports, and
    # only Excel output fails, saying what to install.
    code = textwrap.dedent(f'''\
        import sys
        sys.modules["openpyxl"] = None
        import perfrubric as pr
        from perfrubric import views
        ev = pr.evaluate(pr.load_rubric({str(EXAMPLE / "rubric.toml")!r}),
                         {str(EXAMPLE / "data.toml")!r})
        assert views.to_csv(ev)
        try:
            views.to_xlsx(ev, layout="outline")
        except pr.MissingDependencyError as exc:
            print(exc)
        ''')
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == \
        "Excel output needs an optional dependency: pip install 'perfrubric[excel]'"


# -- all views agree ---------------------------------------------------------------------


def test_all_views_agree_on_every_number(ev: pr.Evaluation) -> None:
    _, csv_rows, csv_footer = read_csv(ev)
    from_csv = {r[0]: (r[4], r[6], r[7], r[8]) for r in csv_rows}
    from_html = {p: (c[2], c[4], c[5], c[6]) for p, c in parse_html(views.to_html(ev, layout="outline")).rows.items()}
    md_rows = parse_markdown(views.to_markdown(ev))[1:]
    from_md = {p: (c[2], c[4], c[5], c[6]) for p, c in zip(ev.results, md_rows, strict=True)}
    xlsx_rows, _ = read_xlsx(views.to_xlsx(ev, layout="outline"))
    from_xlsx = {str(r[0]): (str(Decimal(str(r[4])).normalize()), str(r[6] or ""),
                             str(Decimal(str(r[7])).normalize()),
                             str(Decimal(str(r[8])).normalize()))
                 for r in xlsx_rows[2:] if r[0] in ev.results}

    def canon(table: dict[str, tuple[str, str, str, str]]) -> dict[str, tuple[object, ...]]:
        return {p: (Decimal(a), m, Decimal(s), Decimal(lost)) for p, (a, m, s, lost) in
                table.items()}

    assert canon(from_csv) == canon(from_html) == canon(from_md) == canon(from_xlsx)
    assert Decimal(csv_footer["总分"]) == ev.total


def test_render_dispatches_and_refuses_unknown_formats() -> None:
    ev = _seed("rubric.toml")
    assert views.render(ev, "csv") == views.to_csv(ev)
    assert isinstance(views.render(ev, "xlsx"), bytes)
    with pytest.raises(pr.PerfrubricError, match="unknown format 'pdf'"):
        views.render(ev, "pdf")


# -- the command line --------------------------------------------------------------------


def test_cli_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubric, data = str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml")
    for fmt in ("markdown", "csv", "html"):
        assert main(["score", rubric, data, "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "117.14%" in out
        assert ("等级,,,,,,,优,," if fmt == "csv" else "得分100分，绩效评价等级为“优”") in out
    assert main(["score", rubric, data, "--format", "csv", "--locale", "en"]) == 0
    assert capsys.readouterr().out.startswith("Path,Level,Leaf,Indicator,")
    page = tmp_path / "t.html"
    assert main(["score", rubric, data, "--format", "html", "-o", str(page)]) == 0
    assert parse_html(page.read_text(encoding="utf-8")).closing == "得分100分，绩效评价等级为“优”"
    assert capsys.readouterr().out == ""


def test_cli_xlsx_to_a_file_or_a_pipe(tmp_path: Path,
                                      capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rubric, data = str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml")
    out = tmp_path / "t.xlsx"
    assert main(["score", rubric, data, "--format", "xlsx", "-o", str(out)]) == 0
    rows, _ = read_xlsx(out.read_bytes())
    assert rows[0][0] and "评分表" in str(rows[0][0])
    assert main(["score", rubric, data, "--format", "xlsx"]) == 0  # stdout is not a terminal
    assert capsysbinary.readouterr().out[:2] == b"PK"


def test_cli_xlsx_refuses_a_text_stream(capsys: pytest.CaptureFixture[str]) -> None:
    rubric, data = str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml")
    assert main(["score", rubric, data, "--format", "xlsx"], out=io.StringIO()) == 1
    assert "xlsx output is binary" in capsys.readouterr().err
