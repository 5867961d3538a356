"""The scoring table laid out as the printed 评分表: 一级 / 二级 / 三级 columns.

A printed scoring table gives each leaf indicator one row, with its tier
names in the first three columns and each tier's cell merged over the rows
of its leaves.  :func:`tiered_rows` turns a :class:`~perfrubric.views.Table`
(parents before their children) into those rows, and :func:`tier_spans`
says how far each tier cell reaches, for the views that merge cells (HTML
``rowspan``, Excel and Word merged cells).
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from ..engine.evaluation import Evaluation
from ..errors import MissingDependencyError
from ..narrative import format_points, translate
from ..narrative.catalogs import _say
from ..narrative.fragment import _Parts
from .cells import set_xlsx

if TYPE_CHECKING:  # table.py calls the writers below: no import back at run time
    from .table import Table, TableRow

__all__ = ["TIER_COLUMNS", "TieredRow", "tier_spans", "tiered_rows"]


@attrs.frozen
class TieredRow:
    """One leaf of the scoring table with the names of its tiers.

    ``tiers`` are the 一级 / 二级 / 三级 names, empty where the leaf sits
    higher (a leaf at depth 2 has no 三级 name: its own name is its 二级);
    deeper leaves join the names below the second tier with ``/``.
    ``row`` is the leaf's :class:`~perfrubric.views.TableRow`.
    """

    tiers: tuple[str, str, str]
    row: TableRow


def tiered_rows(table: Table) -> list[TieredRow]:
    """The leaves of *table*, in table order, each with its tier names.

    >>> [r.tiers for r in tiered_rows(scoring_table(ev))][:1]       # doctest: +SKIP
    [('投入', '预算配置', '在职人员控制率')]
    """
    out = []
    names: list[str] = []  # the name of the open parent at each depth
    for row in table.rows:
        del names[row.depth - 1:]
        names.append(row.name)
        if not row.is_leaf:
            continue
        if len(names) <= 3:
            tiers = (names + ["", "", ""])[:3]
        else:
            tiers = [names[0], names[1], "/".join(names[2:])]
        out.append(TieredRow((tiers[0], tiers[1], tiers[2]), row))
    return out


def tier_spans(tiers: Sequence[Sequence[str]], level: int) -> list[int]:
    """How many rows each row's tier cell at *level* (0 = 一级) covers.

    The first row of a run of rows that share the tiers up to *level* gets
    the length of the run; the rows it covers get 0.  An empty tier name is
    never merged (each such row spans 1).

    >>> tier_spans([("投入", "a"), ("投入", "b"), ("过程", "c")], 0)
    [2, 0, 1]
    """
    spans = [0] * len(tiers)
    start = 0
    for i in range(1, len(tiers) + 1):
        if (i == len(tiers) or tuple(tiers[i][:level + 1]) != tuple(tiers[start][:level + 1])
                or not tiers[start][level]):
            spans[start] = i - start
            start = i
    return spans


# -- HTML -------------------------------------------------------------------------

#: The printed table's columns (msgids): tiers, then the leaf's own cells.
TIER_COLUMNS: tuple[str, ...] = ("Tier 1", "Tier 2", "Tier 3", "Points", "Criterion",
                                 "Measured", "Score", "Lost", "Status")
#: Columns that never wrap: numbers and the short status.
_NARROW = frozenset({"Points", "Score", "Lost", "Status"})

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.35rem; margin-bottom: .2rem; }
p.meta { color: #666; font-size: .85rem; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .35rem .5rem; vertical-align: middle; }
th { background: #eef2f7; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.status { white-space: nowrap; color: #666; }
td.tier { font-weight: 600; background: #f6f8fa; }
td.tier span.points { display: block; font-weight: normal; color: #555; white-space: nowrap; }
td.note { color: #555; font-size: .9rem; }
tfoot td { font-weight: bold; background: #eef2f7; }
tfoot td.rescaled { font-weight: normal; }
p.closing { font-size: 1.1rem; margin-top: 1rem; }
"""


def _tier_parents(table: Table) -> dict[tuple[int, str], TableRow]:
    """Each leaf's tier rows, found by (depth, the leaf's path)."""
    out: dict[tuple[int, str], TableRow] = {}
    open_rows: list[TableRow] = []
    for row in table.rows:
        del open_rows[row.depth - 1:]
        open_rows.append(row)
        if row.is_leaf:
            for depth, parent in enumerate(open_rows[:-1], start=1):
                out[(depth, row.path)] = parent
    return out


def _columns(rows: Sequence[TieredRow]) -> tuple[str, ...]:
    return TIER_COLUMNS + (("Note",) if any(r.row.note for r in rows) else ())


def _points(text: str) -> _Parts:
    parts = _Parts()
    parts.put("points", text, text)
    return parts


def _marks(ev: Evaluation, locale: str) -> str:
    return format_points(ev.full_marks, ev.rubric.total_rounding, locale=locale)


def _leaf_cells(row: TableRow) -> dict[str, str]:
    return {"Points": row.points_text, "Criterion": row.criterion, "Measured": row.measured,
            "Score": row.score_text, "Lost": row.lost_text, "Status": row.status_text,
            "Note": row.note}


def _tiered_html(ev: Evaluation, table: Table, locale: str) -> str:
    """The scoring table as the printed 评分表, a standalone HTML page.

    One row per leaf indicator (``data-path``, ``data-leaf="true"``); the
    一级 / 二级 cells are merged with ``rowspan`` over the rows of their
    indicators and carry the tier's path and points (``data-path``,
    ``data-points``, ``data-score``); 分值, 得分, 扣分 and 状态 never wrap; a
    说明 (note) column appears when an indicator has a note; the footer rows
    (``data-total``) give the totals and the grade, and the closing sentence
    follows the table.  Every text is escaped.
    """
    esc = html.escape
    leaves = tiered_rows(table)
    columns = _columns(leaves)
    parents = _tier_parents(table)
    spans = [tier_spans([r.tiers for r in leaves], level) for level in (0, 1)]
    body = []
    for i, leaf in enumerate(leaves):
        row, tds = leaf.row, []
        for level in (0, 1):
            parent = parents.get((level + 1, row.path))
            if not spans[level][i]:
                continue
            if parent is None:  # the leaf itself sits at this tier
                tds.append(f'<td class="tier" rowspan="{spans[level][i]}">'
                           f"{esc(leaf.tiers[level])}</td>")
                continue
            points = _say("{points} points", _points(parent.points_text), locale)
            tds.append(f'<td class="tier" rowspan="{spans[level][i]}" '
                       f'data-path="{esc(parent.path)}" data-points="{esc(parent.points_text)}" '
                       f'data-score="{esc(parent.score_text)}">{esc(leaf.tiers[level])}'
                       f'<span class="points">{esc(points)}</span></td>')
        tds.append(f'<td class="name">{esc(leaf.tiers[2])}</td>')
        cells = _leaf_cells(row)
        for key in columns[3:]:
            css = "num" if key in ("Points", "Score", "Lost") else key.lower()
            tds.append(f'<td class="{css}">{esc(cells[key])}</td>')
        body.append(f'<tr class="status-{esc(row.status)}" data-path="{esc(row.path)}" '
                    f'data-leaf="true">' + "".join(tds) + "</tr>")
    foot = []
    points_at, score_at = columns.index("Points"), columns.index("Score")
    for total in table.totals:
        label = f'<td colspan="{points_at}">{esc(total.label)}</td>'
        if total.value is None:  # the grade, or a sentence: it takes the row's rest
            css = ' class="rescaled"' if total.key == "rescaled" else ""
            rest = f'<td{css} colspan="{len(columns) - points_at}">{esc(total.text)}</td>'
        else:  # the total row gives the full marks under 分值
            marks = _marks(ev, locale) if total.key == "total" else ""
            rest = (f'<td class="num">{esc(marks)}</td>'
                    f'<td colspan="{score_at - points_at - 1}"></td>'
                    f'<td class="num">{esc(total.text)}</td>'
                    f'<td colspan="{len(columns) - score_at - 1}"></td>')
        foot.append(f'<tr data-total="{esc(total.key)}">{label}{rest}</tr>')
    head = "".join(f"<th>{esc(translate(c, locale=locale))}</th>" for c in columns)
    title = esc(table.title)
    lang = "zh-CN" if locale.replace("-", "_").startswith("zh") else locale.replace("_", "-")
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<h1>{title}</h1>\n<p class="meta">{esc(table.subtitle)}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body)
        + "\n</tbody>\n<tfoot>" + "".join(foot) + "</tfoot>\n</table>\n"
        f'<p class="closing">{esc(table.closing)}</p>\n</body>\n</html>\n'
    )


# -- Excel ------------------------------------------------------------------------

#: Column widths (Excel's character units): tiers, 分值, 评分标准, 指标值, 得分, 扣分, 状态, 说明.
_WIDTHS = {"Tier 1": 10, "Tier 2": 14, "Tier 3": 24, "Points": 7, "Criterion": 46,
           "Measured": 14, "Score": 8, "Lost": 8, "Status": 12, "Note": 30}


def _display_width(text: str) -> int:
    """Excel's column units for *text*: a CJK character takes about two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _tiered_xlsx(ev: Evaluation, table: Table, locale: str) -> bytes:
    """The scoring table as the printed 评分表, an Excel workbook as bytes.

    Row 1 is the title, row 2 the headers (一级指标 / 二级指标 / 三级指标 / 分值 /
    评分标准 / 指标值 / 得分 / 扣分 / 状态, and 说明 when an indicator has a
    note), then one row per leaf; the 一级 and 二级 cells are merged over
    the rows of their indicators.  分值, 得分 and 扣分 are numeric cells
    (Excel can sum them); the narrow columns are wide enough never to wrap
    and do not wrap, 评分标准 and the tiers wrap.  Text is written as text,
    so a criterion such as ``=0计5分`` is never read as a formula.  Then the
    total (分值 and 得分), the grade and the closing sentence.  Needs
    ``perfrubric[excel]``.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise MissingDependencyError("Excel output", "perfrubric[excel]") from None
    leaves = tiered_rows(table)
    columns = _columns(leaves)
    book = Workbook()
    sheet = book.active
    sheet.title = translate("Scoring table", locale=locale)
    set_xlsx(sheet.cell(1, 1), table.title)
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for j, key in enumerate(columns, start=1):
        cell = sheet.cell(2, j)
        set_xlsx(cell, translate(key, locale=locale))
        cell.font, cell.alignment = Font(bold=True), center
    wrap = Alignment(vertical="center", wrap_text=True)
    nowrap = Alignment(vertical="center", wrap_text=False, shrink_to_fit=False)
    numbers = {"Points": "points", "Score": "score", "Lost": "lost"}
    first = 3
    for i, leaf in enumerate(leaves):
        row = leaf.row
        cells = _leaf_cells(row)
        for j, key in enumerate(columns, start=1):
            cell = sheet.cell(first + i, j)
            if key in numbers:
                cell.value = getattr(row, numbers[key])
                cell.alignment = nowrap
            elif key.startswith("Tier"):
                set_xlsx(cell, leaf.tiers[int(key[-1]) - 1])
                cell.alignment = wrap
            else:
                set_xlsx(cell, cells[key])
                cell.alignment = nowrap if key == "Status" else wrap
    for level in (0, 1):
        for i, span in enumerate(tier_spans([r.tiers for r in leaves], level)):
            if span:
                sheet.cell(first + i, level + 1).font = Font(bold=True)
            if span > 1:
                sheet.merge_cells(start_row=first + i, start_column=level + 1,
                                  end_row=first + i + span - 1, end_column=level + 1)
    points_at, score_at = columns.index("Points") + 1, columns.index("Score") + 1
    for total in table.totals:
        current = sheet.max_row + 1
        set_xlsx(sheet.cell(current, 1), total.label)
        sheet.merge_cells(start_row=current, start_column=1, end_row=current,
                          end_column=points_at - 1)
        if total.value is None:
            set_xlsx(sheet.cell(current, points_at), total.text)
            sheet.merge_cells(start_row=current, start_column=points_at, end_row=current,
                              end_column=len(columns))
            sheet.cell(current, points_at).alignment = wrap
        else:
            if total.key == "total":
                sheet.cell(current, points_at, ev.full_marks)
            sheet.cell(current, score_at, total.value)
        for j in range(1, len(columns) + 1):
            sheet.cell(current, j).font = Font(bold=True)
    set_xlsx(sheet.cell(sheet.max_row + 2, 1), table.closing)
    from openpyxl.utils import get_column_letter

    for j, key in enumerate(columns, start=1):
        width = _WIDTHS[key]
        if key in _NARROW:  # as wide as its longest text: these never wrap
            texts = [translate(key, locale=locale)] + [_leaf_cells(r.row)[key] for r in leaves]
            width = max(width, max(_display_width(t) for t in texts) + 2)
        sheet.column_dimensions[get_column_letter(j)].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
