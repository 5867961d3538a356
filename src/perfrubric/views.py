"""Views of the scoring table (评分表): Markdown, CSV, HTML and Excel.

All four are rendered from one list of :class:`TableRow` built by
:func:`table_rows`, so they agree on every number.  Views read an
:class:`~perfrubric.evaluation.Evaluation`; they never recompute.
"""

from __future__ import annotations

import csv
import html
import io

import attrs

from ._serialize import decimal_text
from .errors import MissingDependencyError, PerfrubricError
from .evaluation import Evaluation
from .narrative import _name, _value_text, closing_sentence, translate

__all__ = ["FORMATS", "TableRow", "render", "table_rows"]

#: The formats :func:`render` produces.
FORMATS: tuple[str, ...] = ("markdown", "csv", "html", "xlsx")


@attrs.frozen
class TableRow:
    """One row of the table, values already formatted for display.

    ``points``, ``score`` and ``lost`` are plain decimal strings (``"0.5"``)
    so every format shows the same digits.
    """

    path: str
    depth: int
    name: str
    points: str
    criterion: str
    measured: str
    score: str
    lost: str
    status: str
    is_leaf: bool


def table_rows(ev: Evaluation, *, locale: str = "zh_CN") -> list[TableRow]:
    """The rows of the scoring table, parents before their children."""
    rows = []
    for path, result in ev.results.items():
        ind = ev.rubric.indicator(path)
        rows.append(TableRow(
            path=path, depth=result.depth, name=_name(ev, path, locale),
            points=decimal_text(result.points), criterion=ind.criterion or "",
            measured=(_value_text(ev, result, locale) or "") if result.is_leaf else "",
            score=decimal_text(result.score), lost=decimal_text(result.lost),
            status=translate(result.status, locale=locale), is_leaf=result.is_leaf,
        ))
    return rows


def _headers(locale: str) -> list[str]:
    return [translate(h, locale=locale) for h in
            ("Level", "Indicator", "Points", "Criterion", "Measured", "Score", "Lost", "Status")]


def _cells(row: TableRow) -> list[str]:
    return [str(row.depth), row.name, row.points, row.criterion, row.measured, row.score,
            row.lost, row.status]


def _footer(ev: Evaluation, locale: str) -> list[tuple[str, str]]:
    return [(translate("Total", locale=locale), decimal_text(ev.total)),
            (translate("Grade", locale=locale),
             ev.grade_label(locale) or translate("no grade", locale=locale))]


def _title(ev: Evaluation, locale: str) -> str:
    title = ev.rubric.title_in(locale)
    if ev.department:
        title = f"{ev.department} {ev.year or ''} — {title}".replace("  ", " ")
    return title


def to_markdown(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """A GitHub-flavoured Markdown table with the total and grade below."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {cell(_title(ev, locale))}", ""]
    headers = _headers(locale)
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "---|" * len(headers))
    for row in table_rows(ev, locale=locale):
        cells = _cells(row)
        cells[1] = "\u3000" * (row.depth - 1) + cells[1]
        if not row.is_leaf:
            cells[1] = f"**{cells[1]}**"
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    lines.append("")
    lines += [f"**{label}**: {value}" + "  " for label, value in _footer(ev, locale)]
    lines.append("")
    lines.append(closing_sentence(ev, locale=locale).text)
    return "\n".join(lines) + "\n"


def to_csv(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """CSV with a header row, one row per indicator, and total and grade rows.

    The ``path`` column comes first; leaf scores add up to the raw total
    (``Evaluation.raw_total``); the total row shows the final total, which
    differs only when excluded indicators made it a rescaled one.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([translate("Path", locale=locale), *_headers(locale)])
    for row in table_rows(ev, locale=locale):
        writer.writerow([row.path, *_cells(row)])
    for label, value in _footer(ev, locale):
        writer.writerow([label, "", "", "", "", "", value, "", ""])
    return out.getvalue()


_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .35rem .5rem; vertical-align: top; }
th { background: #eef2f7; white-space: nowrap; }
td:last-child { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.depth-1 td { background: #f6f8fa; font-weight: bold; }
tr.depth-2 td { background: #fbfcfd; font-weight: 600; }
tfoot td { font-weight: bold; }
p.closing { font-size: 1.1rem; margin-top: 1rem; }
"""


def to_html(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """A standalone HTML page: the table with tiers, totals, grade and closing line."""
    esc = html.escape
    lang = "zh-CN" if locale.startswith("zh") else locale.replace("_", "-")
    headers = "".join(f"<th>{esc(h)}</th>" for h in _headers(locale))
    body = []
    for row in table_rows(ev, locale=locale):
        cells = _cells(row)
        tds = [f"<td>{esc(cells[0])}</td>",
               f'<td style="padding-left:{0.5 + (row.depth - 1) * 1.5}rem">{esc(cells[1])}</td>',
               f'<td class="num">{esc(cells[2])}</td>', f"<td>{esc(cells[3])}</td>",
               f'<td class="num">{esc(cells[4])}</td>', f'<td class="num">{esc(cells[5])}</td>',
               f'<td class="num">{esc(cells[6])}</td>', f"<td>{esc(cells[7])}</td>"]
        body.append(f'<tr class="depth-{row.depth}" data-path="{esc(row.path)}">'
                    + "".join(tds) + "</tr>")
    foot = "".join(
        f'<tr><td colspan="5">{esc(label)}</td><td class="num" colspan="3">{esc(value)}</td></tr>'
        for label, value in _footer(ev, locale))
    title = esc(_title(ev, locale))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n<p>{esc(ev.rubric.id)} {esc(ev.rubric.version)} · sha256 "
        f"{esc(ev.rubric.sha256[:12])}</p>\n"
        f"<table>\n<thead><tr>{headers}</tr></thead>\n<tbody>\n" + "\n".join(body)
        + f"\n</tbody>\n<tfoot>{foot}</tfoot>\n</table>\n"
        f'<p class="closing">{esc(closing_sentence(ev, locale=locale).text)}</p>\n'
        "</body>\n</html>\n"
    )


def to_xlsx(ev: Evaluation, *, locale: str = "zh_CN") -> bytes:
    """An Excel workbook (needs the optional extra ``perfrubric[xlsx]``).

    Scores are written as numbers, so Excel can sum them.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise MissingDependencyError("Excel output", "perfrubric[xlsx]") from None
    from decimal import Decimal

    book = Workbook()
    sheet = book.active
    sheet.title = "评分表" if locale.startswith("zh") else "Scoring table"
    sheet.append([_title(ev, locale)])
    sheet.append([translate("Path", locale=locale), *_headers(locale)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table_rows(ev, locale=locale):
        cells: list[object] = [row.path, *_cells(row)]
        cells[1] = row.depth
        for i in (3, 6, 7):
            cells[i] = Decimal(str(cells[i]))
        sheet.append(cells)
        current = sheet.max_row
        sheet.cell(current, 3).alignment = Alignment(indent=row.depth - 1)
        if not row.is_leaf:
            for cell in sheet[current]:
                cell.font = Font(bold=True)
    for label, value in _footer(ev, locale):
        sheet.append([label, None, None, None, None, None, value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(ev: Evaluation, fmt: str, *, locale: str = "zh_CN") -> str | bytes:
    """Render *ev* as *fmt* (one of :data:`FORMATS`); ``xlsx`` gives bytes."""
    if fmt == "markdown":
        return to_markdown(ev, locale=locale)
    if fmt == "csv":
        return to_csv(ev, locale=locale)
    if fmt == "html":
        return to_html(ev, locale=locale)
    if fmt == "xlsx":
        return to_xlsx(ev, locale=locale)
    raise PerfrubricError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


