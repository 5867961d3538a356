"""The evaluation report as a Word document (.docx), shaped as the report people write.

A title; 一、基本情况 (the unit, its code, the year, the rubric, the total
and the grade; a project form adds its budget block); 二、评分表 (the
scoring table laid out as the printed 评分表, 一级 / 二级 / 三级 cells
merged, or the project form with its tier cells merged); 三、绩效分析 (the
narrative: targets and figures, then each top tier's summary with its
indicators' sentences); 四、评价结论 (vetoes, rescaling and the closing
sentence).

Fonts are set for Chinese documents: every style names an East Asian font
(``w:eastAsia``, 仿宋 for the text and 黑体 for the headings by default)
beside a Latin one, and the theme fonts Word's headings point to are
removed, so that WPS and Word show the document alike.  Needs the optional
extra ``perfrubric[docx]`` (python-docx); without it :func:`to_docx` raises
:class:`~perfrubric.errors.MissingDependencyError`.

>>> from perfrubric.views.docx import to_docx                       # doctest: +SKIP
>>> Path("report.docx").write_bytes(to_docx(ev))                    # doctest: +SKIP
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ..engine.evaluation import Evaluation
from ..errors import MissingDependencyError
from ..narrative import figure_sentence, fragments, translate
from ..narrative.catalogs import _zh
from ..narrative.fragment import Fragment
from .cells import clean_text
from .form import FORM_COLUMNS, _footer, form_rows, is_form
from .header import _BEFORE_FUNDS, header_lines
from .table import scoring_table
from .tiers import tier_spans, tiered_rows

__all__ = ["to_docx"]

#: Theme-font attributes that would override the fonts a style names.
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
#: tcPr children that come after ``w:noWrap`` in the schema's order.
_AFTER_NOWRAP = ("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                 "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_CHINESE_NUMERALS = "一二三四五六七八九十"

#: Department table columns (their msgids) and widths in centimetres (A4, 2.5 cm margins).
_TABLE_COLUMNS = ("Tier 1", "Tier 2", "Tier 3", "Points", "Criterion", "Measured", "Score",
                  "Lost")
_TABLE_WIDTHS = (1.5, 1.7, 2.4, 1.0, 4.6, 1.8, 1.0, 1.0)
_FORM_WIDTHS = (1.5, 1.7, 2.8, 1.8, 1.8, 1.0, 1.0, 3.4)
_NOTE_WIDTH = 2.2
_NARROW = frozenset({"Points", "Score", "Lost"})


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise MissingDependencyError("Word output", "perfrubric[docx]") from None
    return docx


def to_docx(ev: Evaluation, *, locale: str = "zh_CN", compact: bool = False,
            code: str | None = None, font: str = "仿宋", heading_font: str = "黑体",
            latin_font: str = "Times New Roman") -> bytes:
    """The report of *ev* as a Word document, as bytes.

    *code* is the unit's code (单位编码) for the basic facts, when known (a
    batch's key); *compact* writes money in babel's compact form, as
    :func:`~perfrubric.narrative.report_text` does.  *font* is the East
    Asian font of the text, *heading_font* that of the title and headings,
    *latin_font* the font of Latin letters and digits.  The scoring table is
    the project form for a rubric whose rows come from targets
    (:func:`~perfrubric.views.form.is_form`), else the department table.
    Raises :class:`~perfrubric.errors.MissingDependencyError` when
    python-docx is not installed (``pip install 'perfrubric[docx]'``).
    """
    docx = _docx()
    document = docx.Document()
    fonts = (font, heading_font, latin_font)
    _styles(document, fonts)
    _page(document)
    form = is_form(ev)
    table = scoring_table(ev, locale=locale)
    heading = translate("Self-evaluation form" if form else "Scoring table", locale=locale)
    title = document.add_paragraph(clean_text(table.title), style="Title")
    title.alignment = _enum("WD_ALIGN_PARAGRAPH").CENTER
    number = iter(range(1, 10))
    _heading(document, translate("Basic facts", locale=locale), next(number), locale)
    _facts(document, ev, table.subtitle, code, locale)
    _heading(document, heading, next(number), locale)
    if form:
        _form_table(document, ev, locale)
    else:
        _department_table(document, ev, locale)
    all_fragments = fragments(ev, locale=locale, compact=compact)
    _heading(document, translate("Findings", locale=locale), next(number), locale)
    for paragraph in _narrative(all_fragments, locale):
        _body(document, paragraph)
    _heading(document, translate("Conclusion", locale=locale), next(number), locale)
    for fragment in all_fragments:
        if fragment.kind in ("veto", "rescaling"):
            _body(document, _sentence(fragment.text, locale))
    closing = _body(document, _sentence(all_fragments[-1].text, locale))
    for run in closing.runs:
        run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _enum(name: str) -> Any:
    from docx import enum  # noqa: F401  (the subpackages below load through it)
    from docx.enum import section, table, text

    for module in (text, table, section):
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(name)  # pragma: no cover - a name this module does not use


# -- fonts and page ---------------------------------------------------------------


def _set_fonts(rpr_owner: Any, east_asia: str, latin: str) -> None:
    """Name *east_asia* and *latin* on an element with ``rPr`` (a style, a run)."""
    _name_fonts(rpr_owner.get_or_add_rPr().get_or_add_rFonts(), east_asia, latin)


def _name_fonts(fonts: Any, east_asia: str, latin: str) -> None:
    """Set a ``w:rFonts`` element's fonts and drop its theme fonts (they would win)."""
    from docx.oxml.ns import qn

    for attribute in _THEME_FONTS:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _styles(document: Any, fonts: tuple[str, str, str]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    body, heading, latin = fonts
    # The template's defaults point at theme fonts too, which Word would inherit
    # over the named ones: name the fonts there as well.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
    if rpr is not None:
        if rpr.find(qn("w:rFonts")) is None:
            rpr.insert(0, OxmlElement("w:rFonts"))
        _name_fonts(rpr.find(qn("w:rFonts")), body, latin)
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)  # 小四
    _set_fonts(normal.element, body, latin)
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    for name, size in (("Title", 18), ("Heading 1", 14)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element, heading, latin)
    # The template's Title has a rule under it and a spaced-out font: plain, as printed.
    title_ppr = document.styles["Title"].element.pPr
    if title_ppr is not None:
        border = title_ppr.find(qn("w:pBdr"))
        if border is not None:
            title_ppr.remove(border)
    document.styles["Title"].font.character_spacing = Pt(0)


def _page(document: Any) -> None:
    from docx.shared import Cm

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)


def _heading(document: Any, text: str, number: int, locale: str) -> None:
    prefix = f"{_CHINESE_NUMERALS[number - 1]}、" if _zh(locale) else f"{number}. "
    document.add_paragraph(clean_text(prefix + text), style="Heading 1")


def _body(document: Any, text: str) -> Any:
    from docx.shared import Pt

    paragraph = document.add_paragraph(clean_text(text))
    paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters of 小四
    return paragraph


def _sentence(text: str, locale: str) -> str:
    stop = "。" if _zh(locale) else "."
    return text if text.endswith(("。", ".", "!", "？", "?")) else text + stop


def _narrative(all_fragments: Sequence[Fragment], locale: str) -> list[str]:
    """Paragraphs: targets and figures in one; each top tier with its indicators in one."""
    join = "；" if _zh(locale) else "; "
    paragraphs: list[str] = []
    opening = [f.text for f in all_fragments if f.kind in ("target", "figure")]
    if opening:
        paragraphs.append(_sentence(join.join(opening), locale))
    tier: list[str] = []
    for fragment in all_fragments:
        if fragment.kind == "tier" and "/" not in fragment.key:
            if tier:
                paragraphs.append(_paragraph(tier, locale))
            tier = [fragment.text]
        elif fragment.kind in ("tier", "indicator") and tier:
            tier.append(fragment.text)
    if tier:
        paragraphs.append(_paragraph(tier, locale))
    return paragraphs


def _paragraph(sentences: list[str], locale: str) -> str:
    """A tier paragraph: ``投入类指标满分10分，得分8分。其中，a；b。``."""
    head, rest = sentences[0], sentences[1:]
    if not rest:
        return _sentence(head, locale)
    if _zh(locale):
        return _sentence(head, locale) + "其中，" + _sentence("；".join(rest), locale)
    return _sentence(head, locale) + " " + _sentence("; ".join(rest), locale)


# -- basic facts ------------------------------------------------------------------


def _facts(document: Any, ev: Evaluation, subtitle: str, code: str | None,
           locale: str) -> None:
    from .table import _number

    def t(message: str) -> str:
        return translate(message, locale=locale)

    # The printed form's header block: 项目名称 … 实施单位 above the funds, the funds'
    # 其中 rows and 年度总体目标 / 实际完成情况 below them (as the HTML and Excel forms).
    header = header_lines(ev, locale=locale)
    names = sum(1 for field, _ in (ev.form.header if ev.form is not None else ())
                if field in _BEFORE_FUNDS)
    rows = [(t("Unit"), ev.department or ""), *header[:names]]
    if code:
        rows.append((t("Code"), code))
    if ev.year is not None:
        rows.append((t("Year"), str(ev.year)))
    rows.append((t("Rubric"), f"{ev.rubric.title_in(locale)}（{subtitle}）" if _zh(locale)
                 else f"{ev.rubric.title_in(locale)} ({subtitle})"))
    for fid in ev.figures:  # a project form's budget block: 年初预算数, 全年执行数 …
        fragment = figure_sentence(ev, fid, locale=locale)
        rows.append((fragment.parts["name"], fragment.parts.get("value", "—")))
    rows += header[names:]
    rows.append((t("Total"), _number(ev.total, ev.rubric.total_rounding, locale)))
    rows.append((t("Grade"), ev.grade_label(locale) or t("no grade")))
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    grid = _grid(table)
    for i, (label, value) in enumerate(rows):
        _write(grid[i][0], label, bold=True, width=3.5)
        _write(grid[i][1], value, width=12.5)


# -- tables -----------------------------------------------------------------------


def _write(cell: Any, text: str, *, bold: bool = False, width: float | None = None,
           nowrap: bool = False, center: bool = False, size: float | None = None) -> None:
    from docx.shared import Cm, Pt

    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean_text(text))
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = _enum("WD_ALIGN_PARAGRAPH").CENTER
    if width is not None:
        cell.width = Cm(width)
    if nowrap:
        _no_wrap(cell)


def _no_wrap(cell: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    if tcpr.find(qn("w:noWrap")) is not None:
        return
    element = OxmlElement("w:noWrap")
    later = next((child for child in tcpr if child.tag in {qn(t) for t in _AFTER_NOWRAP}),
                 None)
    if later is None:
        tcpr.append(element)
    else:
        later.addprevious(element)


def _header_row(table: Any, headers: Sequence[str], widths: Sequence[float]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    row = table.rows[0]
    for cell, text, width in zip(row.cells, headers, widths, strict=True):
        _write(cell, text, bold=True, width=width, center=True, size=10.5)
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(repeat)


def _merge_tiers(grid: list[list[Any]], tiers: Sequence[Sequence[str]], first: int) -> None:
    """Write each tier name once and merge its cell over the rows of its leaves."""
    middle = _enum("WD_CELL_VERTICAL_ALIGNMENT").CENTER
    for level in (0, 1, 2):
        for i, span in enumerate(tier_spans(tiers, level)):
            if not span:
                continue
            top = grid[first + i][level]
            _write(top, tiers[i][level], bold=level < 2 and bool(tiers[i][level]), size=10.5)
            if span > 1:
                top = top.merge(grid[first + i + span - 1][level])
            top.vertical_alignment = middle


def _new_table(document: Any, rows: int, widths: Sequence[float]) -> Any:
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    return table


def _grid(table: Any) -> list[list[Any]]:
    """Every cell of a new table by row and column, taken once.

    python-docx's ``table.cell(r, c)`` walks the whole table on each call
    (a report took 1.5 s); a cell taken before merging stays valid after,
    since merging keeps the top-left cell of every span.
    """
    from docx.table import _Cell

    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def _department_table(document: Any, ev: Evaluation, locale: str) -> None:
    scoring = scoring_table(ev, locale=locale)
    leaves = tiered_rows(scoring)
    # 说明: why an indicator was not simply scored, and the rubric's note on the row
    notes = [("；" if _zh(locale) else "; ").join(
        x for x in (r.row.status_text if r.row.status != "scored" else "", r.row.note) if x)
        for r in leaves]
    keys = _TABLE_COLUMNS + (("Note",) if any(notes) else ())
    widths = _TABLE_WIDTHS + ((_NOTE_WIDTH,) if any(notes) else ())
    if any(notes):  # make room for the note: the criterion gives it up
        widths = tuple(w - _NOTE_WIDTH if k == "Criterion" else w
                       for k, w in zip(keys, widths, strict=True))
    footer = [t for t in scoring.totals]
    table = _new_table(document, 1 + len(leaves) + len(footer), widths)
    grid = _grid(table)
    _header_row(table, [translate(k, locale=locale) for k in keys], widths)
    for i, (leaf, note) in enumerate(zip(leaves, notes, strict=True)):
        row = leaf.row
        texts = {"Points": row.points_text, "Criterion": row.criterion,
                 "Measured": row.measured, "Score": row.score_text, "Lost": row.lost_text,
                 "Note": note}
        for column, (key, width) in enumerate(zip(keys, widths, strict=True)):
            cell = grid[1 + i][column]
            if key in texts:
                _write(cell, texts[key], nowrap=key in _NARROW, size=10.5,
                       center=key in _NARROW)
            cell.width = _cm(width)
    _merge_tiers(grid, [leaf.tiers for leaf in leaves], first=1)
    score_at = keys.index("Score")
    for j, total in enumerate(footer):
        row_index = 1 + len(leaves) + j
        label = grid[row_index][0].merge(grid[row_index][2])
        _write(label, total.label, bold=True, size=10.5)
        if total.value is not None:
            if total.key == "total":
                _write(grid[row_index][keys.index("Points")],
                       _full_marks(ev, locale), bold=True, nowrap=True, size=10.5,
                       center=True)
            _write(grid[row_index][score_at], total.text, bold=True, nowrap=True,
                   size=10.5, center=True)
        else:  # the grade, or how a rescaled total was computed: the rest of the row
            rest = grid[row_index][3].merge(grid[row_index][len(keys) - 1])
            _write(rest, total.text, bold=total.key == "grade", size=10.5)


def _full_marks(ev: Evaluation, locale: str) -> str:
    from .table import _number

    return _number(ev.full_marks, ev.rubric.total_rounding, locale)


def _cm(width: float) -> Any:
    from docx.shared import Cm

    return Cm(width)


def _form_table(document: Any, ev: Evaluation, locale: str) -> None:
    rows = form_rows(ev, locale=locale)
    footer = _footer(ev, locale)
    widths = _FORM_WIDTHS
    table = _new_table(document, 1 + len(rows) + len(footer), widths)
    grid = _grid(table)
    _header_row(table, [translate(c, locale=locale) for c in FORM_COLUMNS], widths)
    for i, row in enumerate(rows):
        texts = (row.target, row.actual, row.points_text, row.score_text, row.reason)
        for offset, text in enumerate(texts):
            column = 3 + offset
            narrow = FORM_COLUMNS[column] in _NARROW
            _write(grid[1 + i][column], text, nowrap=narrow, center=narrow, size=10.5)
        for column, width in enumerate(widths):
            grid[1 + i][column].width = _cm(width)
    _merge_tiers(grid, [row.tiers for row in rows], first=1)
    score_at = FORM_COLUMNS.index("Score")
    for j, (label, text) in enumerate(footer):
        row_index = 1 + len(rows) + j
        merged = grid[row_index][0].merge(grid[row_index][score_at - 1])
        _write(merged, label, bold=True, size=10.5)
        _write(grid[row_index][score_at], text, bold=True, nowrap=True, center=True,
               size=10.5)
    notes = [f"{row.tiers[2] or row.path}：{row.note}" if _zh(locale)
             else f"{row.tiers[2] or row.path}: {row.note}" for row in rows if row.note]
    for note in notes:
        paragraph = document.add_paragraph(clean_text(note))
        for run in paragraph.runs:
            run.italic = True
