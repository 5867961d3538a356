"""The scoring table laid out as the printed 评分表 (views/tiers.py): HTML and Excel."""

from __future__ import annotations

import io
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric import views
from perfrubric.views.tiers import tier_spans, tiered_rows
from test_narrative import status_evaluation

A0001 = Path(__file__).resolve().parent / "data" / "county-a0001.toml"
CARRY = "过程/预算执行/结转结余率"


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    # 75.25, 中: see tests/test_docx.py for the arithmetic
    return pr.evaluate(pr.builtin("mof-2013-department"), A0001)


def test_tiered_rows_name_each_leafs_tiers(ev: pr.Evaluation) -> None:
    rows = tiered_rows(views.scoring_table(ev))
    assert len(rows) == 16
    assert rows[0].tiers == ("投入", "预算配置", "在职人员控制率")
    assert [r.row.path for r in rows] == [p for p, r in ev.results.items() if r.is_leaf]


@given(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from(["x", "y", ""])),
                max_size=12))
def test_spans_cover_every_row_once(tiers: list[tuple[str, str]]) -> None:
    for level in (0, 1):
        spans = tier_spans(tiers, level)
        assert sum(spans) == len(tiers)
        covered = [i for i, span in enumerate(spans) for _ in range(span)]
        assert len(covered) == len(tiers)
        for i, span in enumerate(spans):
            group = tiers[i:i + span]
            assert all(t[:level + 1] == tiers[i][:level + 1] for t in group)
            if not tiers[i][level]:  # an empty tier name is never merged
                assert span == 1


class Page(HTMLParser):
    """Leaf rows by data-path (their cells), tier cells (path → rowspan, score), footer."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.tiers: dict[str, tuple[int, str]] = {}
        self.totals: dict[str, list[str]] = {}
        self.headers: list[str] = []
        self._cells: list[str] | None = None
        self._text: list[str] | None = None
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-path"):
            self._cells = self.rows[a["data-path"] or ""] = []
        elif tag == "tr" and a.get("data-total"):
            self._cells = self.totals[a["data-total"] or ""] = []
        elif tag == "td" and a.get("class") == "tier" and a.get("data-path"):
            self.tiers[a["data-path"] or ""] = (int(a.get("rowspan") or 1),
                                                a.get("data-score") or "")
        if tag in ("td", "th"):
            self._text, self._tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag and self._text is not None:
            text = "".join(self._text)
            if tag == "th":
                self.headers.append(text)
            elif self._cells is not None:
                self._cells.append(text)
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def test_html_is_laid_out_as_the_printed_table(ev: pr.Evaluation) -> None:
    page = parse(views.to_html(ev))
    assert page.headers == ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "指标值", "得分",
                            "扣分", "状态", "说明"]
    assert list(page.rows) == [p for p, r in ev.results.items() if r.is_leaf]
    # 投入 over 2 rows, 过程 over 8 (预算执行 4, 预算管理 3, 资产管理 1), 效果 over 4
    assert page.tiers["投入"] == (2, "2.50")
    assert page.tiers["过程"] == (8, "31.50")
    assert page.tiers["过程/预算执行"] == (4, "15")  # 3 + 2 + 5 + 5
    assert page.tiers["过程/资产管理"] == (1, "4.50")
    assert page.tiers["效果"] == (4, "22")
    # the first leaf of a tier carries the tier cells; the others start at 三级
    first, second = page.rows["投入/预算配置/在职人员控制率"], page.rows["投入/预算配置/三公经费变动率"]
    assert first[0].startswith("投入") and first[2] == "在职人员控制率"
    assert second[0] == "三公经费变动率" and second[1:4] == ["5", second[2], "20.00%"]
    leaf_scores = [Decimal(cells[-4]) for cells in page.rows.values()]
    assert sum(leaf_scores) == Decimal("75.25")
    assert page.totals["total"][1:] == ["100", "", "75.25", ""]
    assert page.totals["grade"][1] == "中"


def test_html_narrow_columns_never_wrap(ev: pr.Evaluation) -> None:
    page = views.to_html(ev)
    assert "td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }" \
        in page
    assert "td.status { white-space: nowrap;" in page
    row = page.split('data-path="投入/预算配置/在职人员控制率"', 1)[1].split("</tr>", 1)[0]
    assert row.count('class="num"') == 3 and row.count('class="status"') == 1


def test_criterion_holds_only_the_official_wording(ev: pr.Evaluation) -> None:
    page = parse(views.to_html(ev))
    cells = page.rows[CARRY]
    assert cells[2] == "≤5%计满分；每超过一个百分点扣0.5分，扣完为止"
    assert cells[-1].startswith("perfrubric allocation")
    assert all("perfrubric" not in c[-6] for c in page.rows.values())
    assert views.scoring_table(ev).rows[5].note == "" and ev.rubric.indicator(CARRY).note


def test_xlsx_status_column_fits_long_statuses() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ev = status_evaluation()
    sheet = openpyxl.load_workbook(io.BytesIO(views.to_xlsx(ev))).active
    statuses = [c.value for c in sheet["I"][2:] if c.value]
    # 未报告，不计分（折算）: 11 wide characters = 22 columns, + 2
    assert "未报告，不计分（折算）" in statuses
    assert sheet.column_dimensions["I"].width >= 24


def test_no_note_column_without_notes() -> None:
    ev = status_evaluation()
    page = parse(views.to_html(ev))
    assert page.headers[-1] == "状态"
    # every leaf is a row, and their scores add up to the sum of indicator scores
    assert list(page.rows) == [p for p, r in ev.results.items() if r.is_leaf]
    assert sum(Decimal(c[-3]) for c in page.rows.values()) == ev.raw_total


def test_english_tier_cells() -> None:
    page = views.to_html(pr.evaluate(pr.builtin("mof-2013-department"), A0001), locale="en")
    assert "<th>Tier 1</th>" in page and '<span class="points">10 points</span>' in page


def test_outline_layout_and_unknown_layouts(ev: pr.Evaluation) -> None:
    outline = views.to_html(ev, layout="outline")
    assert 'data-path="投入" data-leaf="false"' in outline
    with pytest.raises(pr.PerfrubricError, match="unknown layout 'grid'"):
        views.render(ev, "html", layout="grid")


def test_xlsx_is_laid_out_as_the_printed_table(ev: pr.Evaluation) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(views.to_xlsx(ev)))
    sheet = book.active
    assert [c.value for c in sheet[2]] == ["一级指标", "二级指标", "三级指标", "分值", "评分标准",
                                           "指标值", "得分", "扣分", "状态", "说明"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # rows 3–18 are the 16 leaves: 投入 3–4, 过程 5–12, 产出 13–14, 效果 15–18
    assert {"A3:A4", "A5:A12", "A13:A14", "A15:A18"} <= merged
    assert {"B3:B4", "B5:B8", "B9:B11", "B13:B14", "B15:B18"} <= merged
    assert "B12:B12" not in merged  # 资产管理 has one indicator
    assert (sheet["A5"].value, sheet["B5"].value, sheet["C5"].value) == ("过程", "预算执行",
                                                                        "预算完成率")
    scores = [sheet.cell(r, 7).value for r in range(3, 19)]
    assert all(isinstance(v, (int, float)) for v in scores)
    assert sum(Decimal(str(v)) for v in scores) == Decimal("75.25")
    # =0计5分…: text, never a formula
    adjust = sheet["E6"]
    assert adjust.value.startswith("=0计5分") and adjust.data_type == "s"
    for column in "DGHI":  # 分值, 得分, 扣分, 状态: no wrap, and wide enough not to need it
        assert not sheet[f"{column}3"].alignment.wrap_text
        longest = max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(c.value or ""))
                      for c in sheet[column][1:18])
        assert sheet.column_dimensions[column].width >= longest
    assert sheet["E3"].alignment.wrap_text is True
    assert sheet["E7"].value == "≤5%计满分；每超过一个百分点扣0.5分，扣完为止"
    assert str(sheet["J7"].value).startswith("perfrubric allocation")
    total = next(r for r in sheet.iter_rows(min_row=19) if r[0].value == "总分")
    assert (total[3].value, Decimal(str(total[6].value))) == (100, Decimal("75.25"))


def test_cli_layouts(tmp_path: Path) -> None:
    from perfrubric.cli import main

    for layout, leaf_only in (("auto", True), ("table", True), ("outline", False)):
        page = tmp_path / f"{layout}.html"
        assert main(["score", "mof-2013-department", str(A0001), "--format", "html",
                     "--layout", layout, "-o", str(page)]) == 0
        text = page.read_text("utf-8")
        assert ('data-leaf="false"' not in text) is leaf_only, layout
