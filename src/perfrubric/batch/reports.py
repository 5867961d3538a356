"""One report per unit: each scored unit's table and narrative in its own file.

:func:`write_reports` writes, for every unit of a batch that was scored, its
scoring table (or project form) and its narrative into one file in a
folder, named by the unit's code and name (``A0001-示例县财政局.docx``).
``perfrubric batch … --reports DIR [--report-format docx|xlsx|html|md]``
does the same as the batch runs.  :func:`report_file_name` makes the names
safe on every system: no path separators or characters Windows refuses, no
reserved device names (``CON``, ``NUL``, ``COM1`` …), no leading dot, at
most 180 bytes, and unique in the batch (case-insensitively, ``-2``,
``-3`` … added); a file of an earlier run with the same name is replaced.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..engine.evaluation import Evaluation
from ..errors import PerfrubricError
from ..narrative import fragments, translate
from ..views.form import is_form, render_form
from ..views.table import render
from .results import BatchResult

__all__ = ["REPORT_FORMATS", "report_bytes", "report_file_name", "write_reports"]

#: The formats of a unit's report, and their file extensions.
REPORT_FORMATS: tuple[str, ...] = ("docx", "xlsx", "html", "md")

#: Characters no file name may hold on Windows, macOS or Linux (and controls).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = frozenset({"con", "prn", "aux", "nul",
                       *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
#: The longest stem in UTF-8 bytes: 180 + a ``-99`` suffix + ``.docx`` stays
#: well under the 255 bytes of common file systems (a CJK character is 3 bytes).
_MAX_STEM_BYTES = 180


def report_file_name(code: str, name: str | None, fmt: str, taken: set[str]) -> str:
    """A safe, unique file name for a unit's report: ``A0001-示例县财政局.docx``.

    *code* is the unit's key (its code, else its name, else ``row 17``) and
    *name* its name, left out when it repeats the code.  Unsafe characters
    become ``_``; a reserved device name gets a leading ``_``; the stem is
    cut to 180 UTF-8 bytes at a character boundary; *taken* holds the names
    already used (compared case-insensitively) and receives the new one.

    >>> report_file_name("A0001", "示例县财政局", "docx", set())
    'A0001-示例县财政局.docx'
    >>> report_file_name("../etc", "CON", "md", set())
    '_etc-CON.md'
    """
    parts = [code] if not name or name == code else [code, name]
    stem = "-".join(_UNSAFE.sub("_", unicodedata.normalize("NFC", p)).strip() for p in parts)
    stem = re.sub(r"_+", "_", re.sub(r"\.{2,}", "_", stem)).strip(" .") or "unit"
    if stem.split(".")[0].strip().lower() in _RESERVED:
        stem = "_" + stem
    stem = _cut(stem, _MAX_STEM_BYTES)
    candidate, n = f"{stem}.{fmt}", 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}.{fmt}"
    taken.add(candidate.casefold())
    return candidate


def _cut(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore").rstrip(" .")


def report_bytes(ev: Evaluation, fmt: str, *, locale: str = "zh_CN",
                 code: str | None = None) -> bytes:
    """One unit's report in *fmt* (one of :data:`REPORT_FORMATS`), as bytes.

    ``docx``: the Word report (:func:`~perfrubric.views.docx.to_docx`).
    ``xlsx``: the scoring table (or project form) on the first sheet and the
    narrative, one sentence a row, on a second.  ``html`` and ``md``: the
    table's page or Markdown followed by the narrative.  Text formats are
    UTF-8.
    """
    if fmt == "docx":
        from ..views.docx import to_docx

        return to_docx(ev, locale=locale, code=code)
    sentences = [f.text for f in fragments(ev, locale=locale)]
    heading = translate("Findings", locale=locale)
    form = is_form(ev)
    if fmt == "md":
        table = (render_form(ev, "markdown", locale=locale) if form
                 else render(ev, "markdown", locale=locale))
        lines = [f"## {heading}", "", *[_md_line(s) for s in sentences]]
        return (str(table) + "\n" + "\n".join(lines) + "\n").encode("utf-8")
    if fmt == "html":
        page = str(render_form(ev, "html", locale=locale) if form
                   else render(ev, "html", locale=locale))
        section = (f'<section class="narrative">\n<h2>{html.escape(heading)}</h2>\n'
                   + "".join(f"<p>{html.escape(s)}</p>\n" for s in sentences) + "</section>\n")
        return page.replace("</body>", section + "</body>", 1).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(ev, sentences, heading, form, locale)
    raise PerfrubricError(f"unknown report format {fmt!r}; expected one of "
                          f"{', '.join(REPORT_FORMATS)}")


def _md_line(sentence: str) -> str:
    return html.escape(sentence, quote=False).replace("\n", " ") + "  "


def _xlsx(ev: Evaluation, sentences: list[str], heading: str, form: bool,
          locale: str) -> bytes:
    from .extras import require

    openpyxl = require("openpyxl", "Excel reports")
    table = render_form(ev, "xlsx", locale=locale) if form else render(ev, "xlsx",
                                                                       locale=locale)
    assert isinstance(table, bytes)
    book = openpyxl.load_workbook(io.BytesIO(table))
    sheet = book.create_sheet(heading[:31])
    for row, sentence in enumerate(sentences, start=1):
        cell = sheet.cell(row, 1, sentence)
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _unit_name(result: BatchResult) -> tuple[str, str | None]:
    """The (code, name) a unit's report is named and headed by."""
    name = result.evaluation.department if result.evaluation is not None else None
    return result.key, name


def write_reports(results: Iterable[BatchResult], directory: str | Path, *,
                  fmt: str = "docx", locale: str = "zh_CN") -> list[Path]:
    """Write one report per scored unit of *results* into *directory*; return the files.

    *results* come from :func:`~perfrubric.batch.evaluate_many` run with
    ``trace=True`` (a report needs the trace).  Units that failed are
    skipped: their errors are in the result table.  The folder is created
    when missing; files are named by :func:`report_file_name` in the order of
    the results.  *fmt* is one of :data:`REPORT_FORMATS`.

    >>> from perfrubric.batch import evaluate_many, write_reports     # doctest: +SKIP
    >>> write_reports(evaluate_many(rubric, "units.xlsx", trace=True), "units/")  # doctest: +SKIP
    [PosixPath('units/A0001-示例县财政局.docx'), …]

    Raises :class:`~perfrubric.PerfrubricError` for an unknown format, a
    scored result without its evaluation, or a folder that cannot be
    written.
    """
    written: list[Path] = []
    for _ in reporting(results, directory, fmt=fmt, locale=locale, written=written):
        pass
    return written


def reporting(results: Iterable[BatchResult], directory: str | Path, *, fmt: str,
              locale: str, written: list[Path] | None = None,
              ) -> Iterator[BatchResult]:
    """Pass *results* through, writing each scored unit's report on the way.

    Used by ``perfrubric batch --reports`` so that reports are written as the
    batch streams, in constant memory; the paths are appended to *written*.
    """
    if fmt not in REPORT_FORMATS:
        raise PerfrubricError(f"unknown report format {fmt!r}; expected one of "
                              f"{', '.join(REPORT_FORMATS)}")
    _check_extra(fmt)  # before the first unit is scored, not after
    folder = Path(directory)
    _make(folder)
    taken: set[str] = set()  # unique in this batch; a file of an earlier run is replaced
    for result in results:
        if result.ok:
            if result.evaluation is None:
                raise PerfrubricError(
                    f"{result.key}: a report needs the evaluation's trace; run the batch "
                    "with trace=True")
            code, name = _unit_name(result)
            path = folder / report_file_name(code, name, fmt, taken)
            # the key is the unit's code unless it is its name, a row or a file's name
            known = code if code != name and result.file is None else None
            _write(path, report_bytes(result.evaluation, fmt, locale=locale, code=known))
            if written is not None:
                written.append(path)
        yield result


def _check_extra(fmt: str) -> None:
    if fmt == "docx":
        from ..views.docx import _docx

        _docx()
    elif fmt == "xlsx":
        from .extras import require

        require("openpyxl", "Excel reports")


def _make(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PerfrubricError(f"cannot create the reports folder {folder}: "
                              f"{exc.strerror}") from None
    if not folder.is_dir():  # pragma: no cover - mkdir raises first
        raise PerfrubricError(f"{folder} is not a folder")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise PerfrubricError(f"cannot write {path}: {exc.strerror}") from None
