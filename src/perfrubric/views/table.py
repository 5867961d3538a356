"""Views of the scoring table (评分表): Markdown, CSV, HTML and Excel.

All four render one :class:`Table` built by :func:`scoring_table`: the
rows (:class:`TableRow`, one per indicator, parents before their children)
and the footer (:class:`TotalRow`: total, grade, and the sum of the
indicator scores when the total differs from it), so they agree on every
number.  Views read an :class:`~perfrubric.evaluation.Evaluation`; they
never recompute.

>>> from perfrubric import views                                     # doctest: +SKIP
>>> print(views.render(ev, "markdown", locale="en"))                 # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..decimals import Rounding
from ..engine.evaluation import Evaluation
from ..errors import MissingDependencyError, PerfrubricError
from ..narrative import (
    closing_sentence,
    indicator_name,
    rescaling_sentence,
    status_text,
    translate,
    value_text,
)
from ..narrative.catalogs import _babel
from .cells import csv_row, set_xlsx, xlsx_row
from .header import is_reviewed, review_cells

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "Table",
    "TableRow",
    "TotalRow",
    "render",
    "scoring_table",
    "table_rows",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_xlsx",
]

#: The formats :func:`render` produces.
FORMATS: tuple[str, ...] = ("markdown", "csv", "html", "xlsx")

#: Column keys in display order; headers are their translations.
_COLUMNS = ("Level", "Indicator", "Points", "Criterion", "Measured", "Score", "Lost", "Status")


@attrs.frozen
class TableRow:
    """One indicator's row.

    ``points``, ``score`` and ``lost`` (points lost, 扣分) are the
    evaluation's Decimals, and ``points_text``, ``score_text`` and
    ``lost_text`` the text every view writes for them: through babel, whole
    numbers without decimals (``100``), others with the places of the
    indicator's score rounding (``0.50``), never with group separators so
    that CSV stays machine-readable.  ``measured`` is the value as the
    report writes it (``117.14%``), empty for parents and for indicators
    with nothing measured; ``status`` is the
    :data:`~perfrubric.evaluation.Status` key and ``status_text`` its
    translation, which says why for points left out by rescaling (不适用 or
    未报告) or given for an unreported value
    (:func:`~perfrubric.narrative.status_text`).  ``review`` is the 复核
    cell of a project form that prints its scores: the printed and the
    rule's score where they differ (a column of its own when the form
    prints any score).  ``note`` is the rubric's note on the row (its
    source, a local choice), kept out of ``criterion``.
    """

    path: str
    depth: int
    name: str
    is_leaf: bool
    points: Decimal
    criterion: str
    measured: str
    score: Decimal
    lost: Decimal
    status: str
    status_text: str
    points_text: str
    score_text: str
    lost_text: str
    review: str = ""
    note: str = ""


@attrs.frozen
class TotalRow:
    """A footer line: ``key`` is ``sum``, ``rescaled``, ``total`` or ``grade``.

    ``sum`` is the sum of the indicator scores.  ``rescaled`` is present
    when the total was rescaled (折算): its text says over how many
    applicable points and which points were left out, and why
    (:func:`~perfrubric.narrative.rescaling_sentence`).  ``value`` is the
    Decimal for ``sum`` and ``total``, ``None`` for ``rescaled`` and
    ``grade``; ``text`` is what the views print.
    """

    key: str
    label: str
    value: Decimal | None
    text: str


@attrs.frozen
class Table:
    """The scoring table of one evaluation, ready for any view."""

    title: str
    subtitle: str
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    totals: tuple[TotalRow, ...]
    closing: str
    locale: str


def _number(value: Decimal, rounding: Rounding, locale: str) -> str:
    from babel.numbers import format_decimal  # loaded on first use, not at import

    pattern = "0." + "0" * rounding.places if rounding.places else "0"
    if value == value.to_integral_value():
        value, pattern = value.to_integral_value(), "0"
    return format_decimal(value, format=pattern, locale=_babel(locale),
                          decimal_quantization=False)


def table_rows(ev: Evaluation, *, locale: str = "zh_CN") -> list[TableRow]:
    """The rows of the scoring table, parents before their children, in table order."""
    rows = []
    reviewed = review_cells(ev, locale=locale)
    for path, result in ev.results.items():
        ind = ev.rubric.indicator(path)
        rounding = ind.rounding or ev.rubric.rounding
        rows.append(TableRow(
            path=path, depth=result.depth, name=indicator_name(ev, path, locale=locale),
            is_leaf=result.is_leaf, points=result.points, criterion=ind.criterion or "",
            measured=(value_text(ev, path, locale=locale) or "") if result.is_leaf else "",
            score=result.score, lost=result.lost, status=result.status,
            status_text=status_text(ev, path, locale=locale),
            points_text=_number(result.points, rounding, locale),
            score_text=_number(result.score, rounding, locale),
            lost_text=_number(result.lost, rounding, locale),
            review=reviewed.get(path, ""), note=ind.note or "",
        ))
    return rows


def _totals(ev: Evaluation, locale: str) -> tuple[TotalRow, ...]:
    out = []
    raw = ev.raw_total
    rounding = ev.rubric.total_rounding
    if raw != ev.total:  # rescaled (excluded indicators) or capped by a veto
        out.append(TotalRow("sum", translate("Sum of indicator scores", locale=locale), raw,
                            _number(raw, rounding, locale)))
    rescaling = rescaling_sentence(ev, locale=locale)
    if rescaling is not None:
        out.append(TotalRow("rescaled", translate("Rescaled", locale=locale), None,
                            rescaling.text))
    out.append(TotalRow("total", translate("Total", locale=locale), ev.total,
                        _number(ev.total, rounding, locale)))
    grade = ev.grade_label(locale) or translate("no grade", locale=locale)
    out.append(TotalRow("grade", translate("Grade", locale=locale), None, grade))
    if ev.printed_total is not None and ev.rule_total is not None:
        out.append(TotalRow("printed_total", translate("Printed total", locale=locale),
                            ev.printed_total, _number(ev.printed_total, rounding, locale)))
        out.append(TotalRow("rule_total", translate("Total by the rule", locale=locale),
                            ev.rule_total, _number(ev.rule_total, rounding, locale)))
    return tuple(out)


def scoring_table(ev: Evaluation, *, locale: str = "zh_CN") -> Table:
    """Build the :class:`Table` every view renders."""
    title = ev.rubric.title_in(locale)
    if ev.department:
        title = " ".join(x for x in (ev.department, str(ev.year or "")) if x) + " — " + title
    subtitle = f"{ev.rubric.id} {ev.rubric.version} · sha256 {ev.rubric.sha256[:12]}"
    return Table(
        title=title, subtitle=subtitle,
        headers=tuple(translate(h, locale=locale) for h in _columns(ev)),
        rows=tuple(table_rows(ev, locale=locale)), totals=_totals(ev, locale),
        closing=closing_sentence(ev, locale=locale).text, locale=locale,
    )


def _columns(ev: Evaluation) -> tuple[str, ...]:
    """The table's columns: a 复核 column is added when the form prints its scores."""
    return (*_COLUMNS, "Review") if is_reviewed(ev) else _COLUMNS


def _cells(row: TableRow, reviewed: bool = False) -> list[str]:
    return [str(row.depth), row.name, row.points_text, row.criterion, row.measured,
            row.score_text, row.lost_text, row.status_text, *([row.review] if reviewed else [])]


# -- Markdown ---------------------------------------------------------------------


def _md(text: str) -> str:
    # Escape HTML (Markdown renderers pass it through) and the table syntax.
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def to_markdown(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """A GitHub-flavoured Markdown table, then the totals, grade and closing line.

    Parents are bold and indented with ideographic spaces (U+3000).
    """
    table = scoring_table(ev, locale=locale)
    lines = [f"# {_md(table.title)}", "", _md(table.subtitle), ""]
    lines.append("| " + " | ".join(_md(h) for h in table.headers) + " |")
    columns = _columns(ev)
    lines.append("|" + "|".join("---:" if h in ("Points", "Score", "Lost") else "---"
                                for h in columns) + "|")
    for row in table.rows:
        cells = [_md(c) for c in _cells(row, len(columns) > len(_COLUMNS))]
        cells[1] = "\u3000" * (row.depth - 1) + (cells[1] if row.is_leaf else f"**{cells[1]}**")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"**{_md(t.label)}**: {_md(t.text)}  " for t in table.totals]
    lines += ["", _md(table.closing)]
    return "\n".join(lines) + "\n"


# -- CSV --------------------------------------------------------------------------


def to_csv(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """CSV: a header row, one row per indicator, then the footer rows.

    Columns: path, level (1 = 一级), leaf (是/否, yes/no), then the table's
    columns.  The leaf rows' scores add up to the total; when the total is
    rescaled (excluded indicators) or capped by a veto, they add up to the
    ``指标得分合计`` / ``Sum of indicator scores`` row printed above the
    total instead.  Footer rows carry their label in the path column and
    their value in the score column.
    """
    table = scoring_table(ev, locale=locale)
    yes, no = translate("yes", locale=locale), translate("no", locale=locale)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row([translate("Path", locale=locale), table.headers[0],
                             translate("Leaf", locale=locale), *table.headers[1:]]))
    columns = _columns(ev)
    for row in table.rows:
        cells = _cells(row, len(columns) > len(_COLUMNS))
        writer.writerow(csv_row([row.path, cells[0], yes if row.is_leaf else no, *cells[1:]]))
    score_column = 2 + _COLUMNS.index("Score")
    for total in table.totals:
        line = [""] * (len(columns) + 2)
        line[0], line[score_column] = total.label, total.text
        writer.writerow(csv_row(line))
    return out.getvalue()


# -- HTML -------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.35rem; margin-bottom: .2rem; }
p.meta { color: #666; font-size: .85rem; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .35rem .5rem; vertical-align: top; }
th { background: #eef2f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.depth-1 td { background: #f3f6f9; font-weight: bold; }
tr.depth-2 td { background: #fafbfc; font-weight: 600; }
tr.status-scored td.status { color: #666; }
tfoot td { font-weight: bold; background: #eef2f7; }
tfoot td.rescaled { font-weight: normal; }
p.closing { font-size: 1.1rem; margin-top: 1rem; }
"""

_NUMERIC = frozenset({"Points", "Score", "Lost"})


#: The layouts of the HTML and Excel scoring table.
LAYOUTS: tuple[str, ...] = ("tiers", "outline")


def _layout(layout: str) -> bool:
    """Whether *layout* is the printed 评分表 (``tiers``); refuse an unknown one."""
    if layout not in LAYOUTS:
        raise PerfrubricError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    return layout == "tiers"


def to_html(ev: Evaluation, *, locale: str = "zh_CN", layout: str = "tiers") -> str:
    """A standalone HTML page: inline CSS, no scripts, every text escaped.

    *layout* ``"tiers"`` (the default) lays the table out as the printed
    评分表: 一级 / 二级 / 三级 columns, tier cells merged
    (:mod:`perfrubric.views.tiers`).  ``"outline"`` gives
    one row per indicator, parents included: each row carries ``data-path``
    and ``data-leaf``; tiers are indented and shaded.  Either way the footer
    gives the totals and the grade, and the closing sentence follows.
    """
    if _layout(layout):
        from .tiers import _tiered_html

        return _tiered_html(ev, scoring_table(ev, locale=locale), locale)
    esc = html.escape
    table = scoring_table(ev, locale=locale)
    lang = "zh-CN" if locale.replace("-", "_").startswith("zh") else locale.replace("_", "-")
    head = "".join(f"<th>{esc(h)}</th>" for h in table.headers)
    body = []
    columns = _columns(ev)
    for row in table.rows:
        tds = []
        for key, text in zip(columns, _cells(row, len(columns) > len(_COLUMNS)), strict=True):
            if key == "Indicator":
                pad = 0.5 + (row.depth - 1) * 1.5
                tds.append(f'<td style="padding-left:{pad}rem">{esc(text)}</td>')
            else:
                css = "num" if key in _NUMERIC else key.lower()
                tds.append(f'<td class="{css}">{esc(text)}</td>')
        body.append(f'<tr class="depth-{row.depth} status-{esc(row.status)}" '
                    f'data-path="{esc(row.path)}" data-leaf="{str(row.is_leaf).lower()}">'
                    + "".join(tds) + "</tr>")
    score_at = _COLUMNS.index("Score")
    foot = "".join(
        f'<tr data-total="{esc(t.key)}"><td colspan="{score_at}">{esc(t.label)}</td>'
        + (f'<td class="rescaled" colspan="{len(columns) - score_at}">{esc(t.text)}</td>'
           if t.key == "rescaled" else  # a sentence, not a number: it takes the row's rest
           f'<td class="num">{esc(t.text)}</td>'
           f'<td colspan="{len(columns) - score_at - 1}"></td>')
        + "</tr>" for t in table.totals)
    title = esc(table.title)
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<h1>{title}</h1>\n<p class="meta">{esc(table.subtitle)}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body)
        + f"\n</tbody>\n<tfoot>{foot}</tfoot>\n</table>\n"
        f'<p class="closing">{esc(table.closing)}</p>\n</body>\n</html>\n'
    )


# -- Excel ------------------------------------------------------------------------


def to_xlsx(ev: Evaluation, *, locale: str = "zh_CN", layout: str = "tiers") -> bytes:
    """An Excel workbook as bytes (needs the optional extra ``perfrubric[excel]``).

    *layout* ``"tiers"`` (the default) is the printed 评分表, tier cells
    merged (:mod:`perfrubric.views.tiers`).  ``"outline"``:
    row 1 is the title, row 2 the headers (path, level, leaf, then the
    table's columns), one row per indicator, parents included; level,
    points, score and points lost are numeric cells, so Excel can sum them.
    The footer rows follow, value in the score column.  Raises
    :class:`~perfrubric.errors.MissingDependencyError` when openpyxl is not
    installed.
    """
    if _layout(layout):
        from .tiers import _tiered_xlsx

        return _tiered_xlsx(ev, scoring_table(ev, locale=locale), locale)
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise MissingDependencyError("Excel output", "perfrubric[excel]") from None

    table = scoring_table(ev, locale=locale)
    yes, no = translate("yes", locale=locale), translate("no", locale=locale)
    book = Workbook()
    sheet = book.active
    sheet.title = translate("Scoring table", locale=locale)
    sheet.append(xlsx_row(sheet, [table.title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [translate("Path", locale=locale), table.headers[0],
                                  translate("Leaf", locale=locale), *table.headers[1:]]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values: list[object] = [row.path, row.depth, yes if row.is_leaf else no, row.name,
                                row.points, row.criterion, row.measured, row.score, row.lost,
                                row.status_text, *([row.review] if is_reviewed(ev) else [])]
        sheet.append(xlsx_row(sheet, values))
        current = sheet.max_row
        sheet.cell(current, 4).alignment = Alignment(indent=row.depth - 1)
        if not row.is_leaf:
            for cell in sheet[current]:
                cell.font = Font(bold=True)
    score_column = 3 + _COLUMNS.index("Score")
    for total in table.totals:
        sheet.append(xlsx_row(sheet, [total.label]))
        set_xlsx(sheet.cell(sheet.max_row, score_column),
                 total.value if total.value is not None else total.text)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.append([])
    sheet.append(xlsx_row(sheet, [table.closing]))
    for letter, width in zip("ABCDEFGHIJK", _widths(table.rows), strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(rows: Sequence[TableRow]) -> list[int]:
    def width(texts: list[str], low: int, high: int) -> int:
        # CJK characters are about two columns wide in Excel.
        longest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in t) for t in texts), default=0)
        return min(max(longest + 2, low), high)  # Excel column width, not a score

    return [width([r.path for r in rows], 12, 40), 6, 6,
            width([r.name for r in rows], 12, 40), 8,
            width([r.criterion for r in rows], 12, 50),
            width([r.measured for r in rows], 10, 30), 8, 8,
            width([r.status_text for r in rows], 8, 20)]


def render(ev: Evaluation, fmt: str, *, locale: str = "zh_CN",
           layout: str = "tiers") -> str | bytes:
    """Render *ev* as *fmt*, one of :data:`FORMATS`; ``xlsx`` gives bytes, the others text.

    *layout* (``tiers`` or ``outline``) is that of HTML and Excel; Markdown
    and CSV are always one row per indicator.
    """
    _layout(layout)
    if fmt == "markdown":
        return to_markdown(ev, locale=locale)
    if fmt == "csv":
        return to_csv(ev, locale=locale)
    if fmt == "html":
        return to_html(ev, locale=locale, layout=layout)
    if fmt == "xlsx":
        return to_xlsx(ev, locale=locale, layout=layout)
    raise PerfrubricError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
