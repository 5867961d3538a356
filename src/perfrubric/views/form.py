"""The project self-evaluation form (项目支出绩效自评表) as a table, in five formats.

The printed form's columns: 一级指标 / 二级指标 / 三级指标 / 年度指标值 /
实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施.  One :class:`FormRow` per
leaf of the evaluation, in table order; a tier with no row (not applicable)
is one row saying so.  Tier cells are merged in Excel and HTML (``rowspan``)
and written once per group in Markdown and text; CSV repeats them on every
row so that it stays machine-readable.  Values are the target's own printed
text (``≥50个``, ``≤90万元``) and the actual as written, or the judgement of a
qualitative target.  Like every view this reads an
:class:`~perfrubric.evaluation.Evaluation` and never recomputes.

>>> from perfrubric import form_view                                 # doctest: +SKIP
>>> print(form_view.render_form(ev, "markdown"))                     # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..data.model import Target
from ..engine.evaluation import Evaluation, IndicatorResult
from ..errors import MissingDependencyError, PerfrubricError
from ..expr.template import fill
from ..narrative import (
    closing_sentence,
    figure_sentence,
    format_number,
    format_points,
    indicator_name,
    translate,
    value_text,
)
from ..narrative.target_sentences import reading_notes
from .cells import csv_row, set_xlsx, xlsx_row
from .header import header_lines, is_reviewed, review_cells

__all__ = ["FORM_COLUMNS", "FORM_FORMATS", "FormRow", "form_rows", "is_form", "render_form"]

#: Column keys (their English msgids); headers are their translations.
FORM_COLUMNS: tuple[str, ...] = (
    "Tier 1", "Tier 2", "Tier 3", "Annual target", "Actual", "Points", "Score",
    "Reasons for deviation and measures")

#: The formats :func:`render_form` produces.
FORM_FORMATS: tuple[str, ...] = ("text", "markdown", "csv", "html", "xlsx")


@attrs.frozen
class FormRow:
    """One row of the form.

    ``tiers`` are the 一级/二级/三级 names (empty where the row has no such
    tier); ``target`` and ``actual`` the 年度指标值 and 实际完成值 as
    written; ``points``/``score`` the evaluation's Decimals (``score`` is
    ``None`` for a tier left out as not applicable) and ``points_text``/
    ``score_text`` what the views print; ``reason`` the target's 偏差原因分析及
    改进措施; ``note`` the trace's note (band top used, points rescaled, not
    reported, not applicable); ``review`` the 复核 cell (the printed and the
    rule's score where the form's 得分 departs from the rule).
    """

    path: str
    tiers: tuple[str, str, str]
    target: str
    actual: str
    points: Decimal
    score: Decimal | None
    points_text: str
    score_text: str
    reason: str
    status: str
    note: str
    review: str = ""


def is_form(ev: Evaluation) -> bool:
    """Whether *ev* scored a rubric whose rows come from targets (``target_rows``)."""
    return any(ind.target_rows is not None or ind.target is not None
               for ind in ev.rubric.walk())


def _target_of(ev: Evaluation, path: str) -> Target | None:
    ident = ev.rubric.indicator(path).target
    return next((t for t in ev.targets if t.id == ident), None) if ident else None


def _actual_text(ev: Evaluation, result: IndicatorResult, target: Target | None,
                 locale: str) -> str:
    if target is None:
        return value_text(ev, result.path, locale=locale) or ""
    if target.is_qualitative:
        if target.level is not None:
            return translate(target.level, locale=locale)
        if target.printed_actual is not None:  # printed, but not judged
            return target.printed_actual.text.strip()
        return translate("not reported", locale=locale)
    printed = target.printed_actual
    if (printed is not None and printed.is_money and target.actual is not None
            and target.printed_target is not None and target.printed_target.is_money
            and printed.unit != target.printed_target.unit):
        # one money format in a row, as the form prints it: 1197000元 beside ≤126万元
        # is written 119.7万元 (in every locale, like the 年度指标值 beside it)
        return format_number(target.actual, locale=locale) + (target.printed_target.unit or "")
    if printed is not None:
        return printed.text.strip()
    return translate("not reported", locale=locale)


def form_rows(ev: Evaluation, *, locale: str = "zh_CN") -> list[FormRow]:
    """The rows of the form: one per leaf, in table order."""
    rows = []
    reviewed = review_cells(ev, locale=locale)
    for path, result in ev.results.items():
        if not result.is_leaf:
            continue
        ind = ev.rubric.indicator(path)
        names = [indicator_name(ev, p, locale=locale) for p in _prefixes(path)]
        target = _target_of(ev, path)
        rounding = ind.rounding or ev.rubric.rounding
        not_applicable = ind.target_rows is not None
        if not_applicable:
            names.append(translate("(no row: not applicable)", locale=locale))
        tiers = (names + ["", "", ""])[:3] if len(names) <= 3 else (
            names[0], names[1], "/".join(names[2:]))
        excluded = result.status == "excluded"
        rows.append(FormRow(
            path=path, tiers=(tiers[0], tiers[1], tiers[2]),
            target=(target.printed_target.text.strip()
                    if target is not None and target.printed_target is not None else ""),
            actual="" if not_applicable else _actual_text(ev, result, target, locale),
            points=result.points, score=None if excluded else result.score,
            points_text=format_points(result.points, rounding, locale=locale),
            score_text="—" if excluded else format_points(result.score, rounding,
                                                          locale=locale),
            reason=(target.reason or "") if target is not None else "",
            status=result.status, note=_note(result, target, not_applicable, locale),
            review=reviewed.get(path, ""),
        ))
    return rows


def _note(result: IndicatorResult, target: Target | None, not_applicable: bool,
          locale: str) -> str:
    """The row's note in *locale*: not applicable, not reported, band top, points rescaled."""
    if not_applicable:
        return translate("not applicable: no row; its points are left out and the total "
                         "is rescaled" if result.status == "excluded"
                         else "not applicable: no row; full points", locale=locale)
    if target is None:
        return result.note or ""
    notes = []
    if result.status in ("missing", "cannot_rate"):
        notes.append(translate(
            "not judged: give level (达成预期指标 / 部分达成预期指标 / 未达成预期指标)"
            if target.is_qualitative else "not reported: no points", locale=locale))
    elif target.is_qualitative and target.score is None and result.status == "scored":
        notes.append(translate("no evaluator's score: the top of the band", locale=locale))
    notes += reading_notes(target, locale=locale)
    if target.points is not None and target.points != result.points:
        notes.append(fill(translate("points rescaled from {given} to {points}",
                                    locale=locale),
                          {"given": format_number(target.points, locale=locale),
                           "points": format_number(result.points, locale=locale)}))
    return "; ".join(notes)


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i + 1]) for i in range(len(parts))]


def _headers(locale: str, ev: Evaluation | None = None) -> list[str]:
    extra = [translate("Review", locale=locale)] if ev is not None and is_reviewed(ev) else []
    return [translate(c, locale=locale) for c in FORM_COLUMNS] + extra


def _cells(row: FormRow, ev: Evaluation | None = None) -> list[str]:
    extra = [row.review] if ev is not None and is_reviewed(ev) else []
    return [*row.tiers, row.target, row.actual, row.points_text, row.score_text, row.reason,
            *extra]


def _header_text(ev: Evaluation, locale: str) -> list[str]:
    """The header block (项目名称, 主管部门, …) as ``label：text`` lines."""
    sep = "：" if locale.replace("-", "_").startswith("zh") else ": "
    return [f"{label}{sep}{text}" for label, text in header_lines(ev, locale=locale)]


def _footer(ev: Evaluation, locale: str) -> list[tuple[str, str]]:
    """(label, text) lines under the table: sum when rescaled, total, grade, notes."""
    total_rounding = ev.rubric.total_rounding
    out = []
    if ev.raw_total != ev.total:
        out.append((translate("Sum of indicator scores", locale=locale),
                    format_points(ev.raw_total, total_rounding, locale=locale)))
    out.append((translate("Total", locale=locale),
                format_points(ev.total, total_rounding, locale=locale)))
    out.append((translate("Grade", locale=locale),
                ev.grade_label(locale) or translate("no grade", locale=locale)))
    if ev.printed_total is not None and ev.rule_total is not None:
        out.append((translate("Printed total", locale=locale),
                    format_points(ev.printed_total, total_rounding, locale=locale)))
        out.append((translate("Total by the rule", locale=locale),
                    format_points(ev.rule_total, total_rounding, locale=locale)))
    return out


def _notes(rows: Sequence[FormRow]) -> list[str]:
    return [f"{row.path}: {row.note}" for row in rows if row.note]


def _figures(ev: Evaluation, locale: str) -> str:
    """The quoted figures (the form's budget block): ``年初预算数：120万元；全年预算数：…``."""
    parts = [figure_sentence(ev, fid, locale=locale).text for fid in ev.figures]
    return ("；" if locale.startswith("zh") else "; ").join(parts)


def _title(ev: Evaluation, locale: str) -> str:
    title = ev.rubric.title_in(locale)
    if ev.department:
        title = " ".join(x for x in (ev.department, str(ev.year or "")) if x) + " — " + title
    return title


# -- text and Markdown ------------------------------------------------------------


def _grouped(rows: Sequence[FormRow], ev: Evaluation | None = None) -> list[list[str]]:
    """Cells with a tier name written only on the first row of its group."""
    out: list[list[str]] = []
    previous: tuple[str, str] = ("", "")
    for row in rows:
        cells = _cells(row, ev)
        if row.tiers[0] == previous[0]:
            cells[0] = ""
            if row.tiers[1] == previous[1]:
                cells[1] = ""
        previous = (row.tiers[0], row.tiers[1])
        out.append(cells)
    return out


def to_form_text(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """Plain text: one line per row, ``|``-separated, tiers written once per group."""
    rows = form_rows(ev, locale=locale)
    lines = [_title(ev, locale), *_header_text(ev, locale),
             *[x for x in (_figures(ev, locale),) if x], " | ".join(_headers(locale, ev))]
    lines += [" | ".join(cells).rstrip(" |") for cells in _grouped(rows, ev)]
    lines.append("")
    lines += [f"{label}: {text}" for label, text in _footer(ev, locale)]
    lines += _notes(rows)
    lines += ["", closing_sentence(ev, locale=locale).text]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def to_form_markdown(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """A Markdown table shaped like the printed form; tiers written once per group."""
    rows = form_rows(ev, locale=locale)
    lines = [f"# {_md(_title(ev, locale))}", ""]
    header = _header_text(ev, locale)
    if header:
        lines += [*[f"{_md(line)}  " for line in header], ""]
    if ev.figures:
        lines += [_md(_figures(ev, locale)), ""]
    headers = _headers(locale, ev)
    lines.append("| " + " | ".join(_md(h) for h in headers) + " |")
    lines.append("|" + "|".join("---:" if c in ("Points", "Score") else "---"
                                for c in FORM_COLUMNS) + "|---" * (len(headers) - 8) + "|")
    lines += ["| " + " | ".join(_md(c) for c in cells) + " |"
              for cells in _grouped(rows, ev)]
    lines.append("")
    lines += [f"**{_md(label)}**: {_md(text)}  " for label, text in _footer(ev, locale)]
    notes = _notes(rows)
    if notes:
        lines += ["", *[f"- {_md(n)}" for n in notes]]
    lines += ["", _md(closing_sentence(ev, locale=locale).text)]
    return "\n".join(lines) + "\n"


def to_form_csv(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """CSV: path, the form's columns (tiers on every row), status and note; then the footer."""
    rows = form_rows(ev, locale=locale)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    headers = _headers(locale, ev)
    writer.writerow(csv_row([translate("Path", locale=locale), *headers,
                             translate("Status", locale=locale),
                             translate("Note", locale=locale)]))
    for row in rows:
        writer.writerow(csv_row([row.path, *_cells(row, ev),
                                 translate(row.status, locale=locale), row.note]))
    score_at = 1 + FORM_COLUMNS.index("Score")
    for label, text in _footer(ev, locale):
        line = [""] * (len(headers) + 3)
        line[0], line[score_at] = label, text
        writer.writerow(csv_row(line))
    return out.getvalue()


# -- HTML -------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.35rem; }
table { border-collapse: collapse; width: 100%; }
table.header { margin-bottom: 1rem; }
table.header th { text-align: left; width: 9rem; }
th, td { border: 1px solid #bbb; padding: .35rem .5rem; vertical-align: middle; }
th { background: #eef2f7; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.tier { font-weight: 600; background: #f6f8fa; }
tfoot td { font-weight: bold; background: #eef2f7; }
"""


def _spans(rows: Sequence[FormRow], level: int) -> list[int]:
    """Rowspan of each row's tier cell at *level* (0 where an earlier row covers it)."""
    spans = [0] * len(rows)
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].tiers[:level + 1] != rows[start].tiers[:level + 1] \
                or not rows[start].tiers[level]:
            spans[start] = i - start
            start = i
    return spans


def to_form_html(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """A standalone HTML page; tier cells merged with ``rowspan``, every text escaped."""
    esc = html.escape
    rows = form_rows(ev, locale=locale)
    reviewed = is_reviewed(ev)
    spans = [_spans(rows, 0), _spans(rows, 1)]
    body = []
    for i, row in enumerate(rows):
        tds = []
        cells = _cells(row)
        for level in (0, 1):
            if spans[level][i]:
                tds.append(f'<td class="tier" rowspan="{spans[level][i]}">'
                           f"{esc(cells[level])}</td>")
        tds.append(f"<td>{esc(cells[2])}</td>")
        tds += [f"<td>{esc(cells[3])}</td>", f"<td>{esc(cells[4])}</td>",
                f'<td class="num">{esc(cells[5])}</td>', f'<td class="num">{esc(cells[6])}</td>',
                f"<td>{esc(cells[7])}</td>"]
        if reviewed:
            tds.append(f'<td class="review">{esc(row.review)}</td>')
        body.append(f'<tr data-path="{esc(row.path)}" data-status="{esc(row.status)}">'
                    + "".join(tds) + "</tr>")
    score_at = FORM_COLUMNS.index("Score")
    foot = "".join(f'<tr><td colspan="{score_at}">{esc(label)}</td><td class="num">'
                   f'{esc(text)}</td><td></td>{"<td></td>" if reviewed else ""}</tr>'
                   for label, text in _footer(ev, locale))
    header = "".join(f"<tr><th>{esc(label)}</th><td>{esc(text)}</td></tr>"
                     for label, text in header_lines(ev, locale=locale))
    notes = "".join(f"<li>{esc(n)}</li>" for n in _notes(rows))
    title = esc(_title(ev, locale))
    lang = "zh-CN" if locale.replace("-", "_").startswith("zh") else locale.replace("_", "-")
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        + (f'<table class="header">\n{header}\n</table>\n' if header else "")
        + (f'<p class="figures">{esc(_figures(ev, locale))}</p>\n' if ev.figures else "")
        + "<table>\n<thead><tr>" + "".join(f"<th>{esc(h)}</th>"
                                           for h in _headers(locale, ev))
        + "</tr></thead>\n<tbody>\n" + "\n".join(body) + f"\n</tbody>\n<tfoot>{foot}</tfoot>\n"
        "</table>\n" + (f"<ul>{notes}</ul>\n" if notes else "")
        + f"<p>{esc(closing_sentence(ev, locale=locale).text)}</p>\n</body>\n</html>\n")


# -- Excel ------------------------------------------------------------------------


def to_form_xlsx(ev: Evaluation, *, locale: str = "zh_CN") -> bytes:
    """An Excel workbook shaped like the printed form, tier cells merged.

    Row 1 is the title, then the quoted figures (the budget block) when the
    rubric has any, then the headers; 分值 and 得分 are numeric cells.
    Needs ``perfrubric[excel]`` (raises
    :class:`~perfrubric.errors.MissingDependencyError` otherwise).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise MissingDependencyError("Excel output", "perfrubric[excel]") from None
    rows = form_rows(ev, locale=locale)
    book = Workbook()
    sheet = book.active
    sheet.title = translate("Self-evaluation form", locale=locale)
    sheet.append(xlsx_row(sheet, [_title(ev, locale)]))
    sheet["A1"].font = Font(bold=True, size=13)
    for label, text in header_lines(ev, locale=locale):
        sheet.append(xlsx_row(sheet, [label, text]))
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    if ev.figures:
        sheet.append(xlsx_row(sheet, [_figures(ev, locale)]))
    sheet.append(xlsx_row(sheet, _headers(locale, ev)))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = sheet.max_row + 1
    for row in rows:
        sheet.append(xlsx_row(sheet, [*row.tiers, row.target, row.actual, row.points,
                                      row.score if row.score is not None else "—",
                                      row.reason, *([row.review] if is_reviewed(ev) else [])]))
    middle = Alignment(vertical="center", wrap_text=True)
    for level in (0, 1):
        for i, span in enumerate(_spans(rows, level)):
            column = level + 1
            sheet.cell(first + i, column).alignment = middle
            if span > 1:
                sheet.merge_cells(start_row=first + i, start_column=column,
                                  end_row=first + i + span - 1, end_column=column)
    for label, text in _footer(ev, locale):
        sheet.append(xlsx_row(sheet, [label]))
        score_column = 1 + FORM_COLUMNS.index("Score")
        value: object = text
        if label == translate("Total", locale=locale):
            value = ev.total
        set_xlsx(sheet.cell(sheet.max_row, score_column), value)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for note in _notes(rows):
        sheet.append(xlsx_row(sheet, [note]))
    sheet.append([])
    sheet.append(xlsx_row(sheet, [closing_sentence(ev, locale=locale).text]))
    for letter, width in zip("ABCDEFGHI", (14, 16, 28, 14, 14, 8, 8, 30, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_form(ev: Evaluation, fmt: str, *, locale: str = "zh_CN") -> str | bytes:
    """Render *ev* as the form in *fmt*, one of :data:`FORM_FORMATS` (``xlsx`` gives bytes)."""
    if fmt == "text":
        return to_form_text(ev, locale=locale)
    if fmt == "markdown":
        return to_form_markdown(ev, locale=locale)
    if fmt == "csv":
        return to_form_csv(ev, locale=locale)
    if fmt == "html":
        return to_form_html(ev, locale=locale)
    if fmt == "xlsx":
        return to_form_xlsx(ev, locale=locale)
    raise PerfrubricError(f"unknown format {fmt!r}; expected one of {', '.join(FORM_FORMATS)}")
