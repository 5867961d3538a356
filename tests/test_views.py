"""Views of the scoring table agree with each other and with the evaluation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric import views
from perfrubric.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


@pytest.fixture(scope="module", params=["rubric.toml", "national.toml"])
def ev(request: pytest.FixtureRequest) -> pr.Evaluation:
    return pr.evaluate(pr.load_rubric(EXAMPLE / request.param), EXAMPLE / "data.toml")


def expected(ev: pr.Evaluation) -> dict[str, tuple[Decimal, Decimal]]:
    return {path: (r.points, r.score) for path, r in ev.results.items()}


def test_csv_agrees_and_leaves_sum_to_the_raw_total(ev: pr.Evaluation) -> None:
    rows = list(csv.reader(io.StringIO(views.to_csv(ev))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["路径", "层级", "指标", "分值"]
    table = {r[0]: r for r in body if r[0] in ev.results}
    assert {p: (Decimal(r[3]), Decimal(r[6])) for p, r in table.items()} == expected(ev)
    leaves = sum(Decimal(r[6]) for p, r in table.items() if ev.results[p].is_leaf)
    assert leaves == ev.raw_total
    total_row = next(r for r in body if r[0] == "合计")
    assert Decimal(total_row[6]) == ev.total


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._path: str | None = None
        self._cell: list[str] | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._path = dict(attrs).get("data-path")
            if self._path:
                self.rows[self._path] = []
        elif tag == "td" and self._path:
            self._cell = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._path and self._cell is not None:
            self.rows[self._path].append("".join(self._cell))
            self._cell = None
        elif tag == "tr":
            self._path = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_title:
            self.title += data


def test_html_parses_and_agrees(ev: pr.Evaluation) -> None:
    page = views.to_html(ev)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parser = _Cells()
    parser.feed(page)
    assert {p: (Decimal(c[2]), Decimal(c[5])) for p, c in parser.rows.items()} == expected(ev)
    assert ev.rubric.title_in("zh_CN") in parser.title
    assert "绩效评价等级为“" in page


def test_markdown_agrees(ev: pr.Evaluation) -> None:
    lines = [ln for ln in views.to_markdown(ev).splitlines() if ln.startswith("| ")][1:]
    assert len(lines) == len(ev.results)
    for line, result in zip(lines, ev.results.values(), strict=True):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert Decimal(cells[2]) == result.points and Decimal(cells[5]) == result.score


def test_xlsx_reads_back(ev: pr.Evaluation, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    path.write_bytes(views.to_xlsx(ev))
    sheet = openpyxl.load_workbook(path).active
    got = {}
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] in ev.results:
            got[row[0]] = (Decimal(str(row[3])), Decimal(str(row[6])))
    assert got == expected(ev)


def test_english_views_use_english_names(ev: pr.Evaluation) -> None:
    text = views.to_markdown(ev, locale="en")
    assert "| Level | Indicator | Points |" in text and "Inputs" in text


def test_xlsx_without_openpyxl_is_a_clear_error(ev: pr.Evaluation,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def fake(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("openpyxl"):
            raise ImportError(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(pr.MissingDependencyError, match=r"pip install 'perfrubric\[xlsx\]'"):
        views.to_xlsx(ev)


def test_cli_formats_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubric, data = str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml")
    for fmt in ("markdown", "csv", "html"):
        assert main(["score", rubric, data, "--format", fmt]) == 0
        assert "117.14%" in capsys.readouterr().out
    out = tmp_path / "t.xlsx"
    assert main(["score", rubric, data, "--format", "xlsx", "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert main(["report", rubric, data, "--locale", "zh_CN"]) == 0
    text = capsys.readouterr().out
    assert "为年任务（215.92亿元）的117.14%" in text and "得分100分，绩效评价等级为“优”" in text
    assert main(["report", rubric, data, "--locale", "en"]) == 0
    assert "Score 100, grade: Excellent" in capsys.readouterr().out
