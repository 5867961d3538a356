"""The 复核 view: printed forms against the rule, as text, Markdown, CSV, Excel or JSON.

Two tables from one code path: one line per form (自评得分, 复核得分, their
difference, how many rows depart from the rule) and one line per deviating
row, ranked by the size of its departure within its form.  It reads
:class:`~perfrubric.engine.review.FormReview` objects and never recomputes.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from ..engine.deviation import Deviation
from ..engine.review import FormReview
from ..engine.serialize import SCHEMA_VERSION, decimal_text, unstructure
from ..errors import MissingDependencyError, PerfrubricError
from ..narrative import translate

__all__ = ["REVIEW_FORMATS", "render_review"]

#: The formats :func:`render_review` produces.
REVIEW_FORMATS: tuple[str, ...] = ("text", "markdown", "csv", "xlsx", "json")

_FORM_COLUMNS = ("Form", "Department", "Project", "Year", "Printed total",
                 "Total by the rule", "Difference", "Rows departing", "Grade")
_ROW_COLUMNS = ("Form", "Path", "Name", "Kind", "Points", "Printed", "Rule", "Difference",
                "Reason")
_KINDS = {"differs": "differs from the rule", "above_points": "above the row's points",
          "no_figures": "scored without figures",
          "outside_band": "outside the band of its level"}


def _num(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value)


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = decimal_text(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def _form_cells(review: FormReview) -> list[str]:
    return [review.source, review.department or "", review.project or "",
            "" if review.year is None else str(review.year), _num(review.printed_total),
            _num(review.rule_total), _signed(review.difference), str(len(review.deviations)),
            review.grade or ""]


def _row_cells(review: FormReview, dev: Deviation, locale: str) -> list[str]:
    return [review.source, dev.path, dev.name, translate(_KINDS[dev.kind], locale=locale),
            _num(dev.points), _num(dev.printed), _num(dev.rule), _signed(dev.difference),
            dev.reason or ""]


def _headers(columns: Sequence[str], locale: str) -> list[str]:
    return [translate(c, locale=locale) for c in columns]


def to_review_text(reviews: Sequence[FormReview], *, locale: str = "zh_CN") -> str:
    """Plain text: per form a summary line, then its deviating rows, largest first."""
    def t(message: str) -> str:
        return translate(message, locale=locale)

    lines = []
    for review in reviews:
        name = " ".join(x for x in (review.department, str(review.year or ""), review.project)
                        if x)
        lines.append(f"{review.source} — {name}" if name else review.source)
        if review.printed_total is None:
            lines.append(f"  {t('no printed score: nothing to review')}")
        else:
            lines.append(f"  {t('Printed total')} {_num(review.printed_total)}, "
                         f"{t('Total by the rule')} {_num(review.rule_total)}, "
                         f"{t('Difference')} {_signed(review.difference)}; "
                         f"{t('Rows departing')} {len(review.deviations)}")
        for dev in review.deviations:
            lines.append(f"  {_signed(dev.difference):>8}  {dev.path}  "
                         f"{t('Printed')} {_num(dev.printed)}, {t('Rule')} {_num(dev.rule)}"
                         f" ({t(_KINDS[dev.kind])})")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(_md(h) for h in headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
            *["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]]


def to_review_markdown(reviews: Sequence[FormReview], *, locale: str = "zh_CN") -> str:
    """Two Markdown tables: the forms, then the deviating rows."""
    lines = [f"# {_md(translate('Review', locale=locale))}", ""]
    lines += _md_table(_headers(_FORM_COLUMNS, locale), [_form_cells(r) for r in reviews])
    rows = [_row_cells(r, d, locale) for r in reviews for d in r.deviations]
    if rows:
        lines += ["", *_md_table(_headers(_ROW_COLUMNS, locale), rows)]
    return "\n".join(lines) + "\n"


def to_review_csv(reviews: Sequence[FormReview], *, locale: str = "zh_CN") -> str:
    """CSV: one line per deviating row, each with its form's summary.

    A form without deviations has one line: its summary, the row cells empty.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_headers(_FORM_COLUMNS, locale) + _headers(_ROW_COLUMNS[1:], locale))
    for review in reviews:
        summary = _form_cells(review)
        if not review.deviations:
            writer.writerow(summary + [""] * (len(_ROW_COLUMNS) - 1))
        for dev in review.deviations:
            writer.writerow(summary + _row_cells(review, dev, locale)[1:])
    return out.getvalue()


def to_review_json(reviews: Sequence[FormReview]) -> str:
    """JSON: ``{"schema": 1, "forms": [...]}``, each form with its ranked deviations."""
    forms = [{"source": r.source, "department": r.department, "project": r.project,
              "year": r.year, "total": decimal_text(r.total), "grade": r.grade,
              "printed_total": None if r.printed_total is None else _num(r.printed_total),
              "rule_total": None if r.rule_total is None else _num(r.rule_total),
              "difference": None if r.difference is None else _num(r.difference),
              "deviations": [unstructure(d) for d in r.deviations]} for r in reviews]
    return json.dumps({"schema": SCHEMA_VERSION, "forms": forms}, ensure_ascii=False,
                      indent=2) + "\n"


def to_review_xlsx(reviews: Sequence[FormReview], *, locale: str = "zh_CN") -> bytes:
    """An Excel workbook: a sheet of forms and a sheet of deviating rows; numbers numeric.

    Needs ``perfrubric[excel]`` (raises
    :class:`~perfrubric.errors.MissingDependencyError` otherwise).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise MissingDependencyError("Excel output", "perfrubric[excel]") from None
    book = Workbook()
    forms = book.active
    forms.title = translate("Forms", locale=locale)
    forms.append(_headers(_FORM_COLUMNS, locale))
    for r in reviews:
        forms.append([r.source, r.department, r.project, r.year, r.printed_total,
                      r.rule_total, r.difference, len(r.deviations), r.grade])
    rows = book.create_sheet(translate("Rows departing", locale=locale))
    rows.append(_headers(_ROW_COLUMNS, locale))
    for r in reviews:
        for d in r.deviations:
            rows.append([r.source, d.path, d.name, translate(_KINDS[d.kind], locale=locale),
                         d.points, d.printed, d.rule, d.difference, d.reason])
    for sheet in (forms, rows):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_review(reviews: Sequence[FormReview], fmt: str, *, locale: str = "zh_CN"
                  ) -> str | bytes:
    """Render *reviews* in *fmt*, one of :data:`REVIEW_FORMATS` (``xlsx`` gives bytes)."""
    if fmt == "text":
        return to_review_text(reviews, locale=locale)
    if fmt == "markdown":
        return to_review_markdown(reviews, locale=locale)
    if fmt == "csv":
        return to_review_csv(reviews, locale=locale)
    if fmt == "json":
        return to_review_json(reviews)
    if fmt == "xlsx":
        return to_review_xlsx(reviews, locale=locale)
    raise PerfrubricError(f"unknown format {fmt!r}; expected one of "
                          f"{', '.join(REVIEW_FORMATS)}")
