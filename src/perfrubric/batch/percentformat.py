"""Cells Excel shows as percentages: read as the shares they are.

A cell that shows ``94.5%`` holds the number ``0.945`` and a percent
number format.  Read as a bare number, a column mapped ``unit = "%"``
would make it 0.945%, and a unit would drop from 良 to 中.  The readers
(calamine, openpyxl) give values only, so this module reads the formats
from the workbook itself (an ``.xlsx`` is a zip of XML): the styles whose
number format shows a percentage, then the cells of one sheet that use
them.  :func:`with_percent_cells` turns each such number into the text
``"94.5%"``, which every later step reads as the share 0.945, whatever
the mapping says.

Cheap when there is nothing to find: a workbook without a percent style
is not scanned further.  Anything unreadable here (an ``.xls``, a broken
zip) leaves the values as the reader gave them: the reader itself reports
a broken workbook.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from ..decimals import from_float, share_text

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Excel's built-in percent formats: 9 is ``0%``, 10 is ``0.00%``.
_BUILTIN_PERCENT = frozenset({9, 10})
#: The most bytes of styles.xml or workbook.xml read (they are small in any real workbook).
_MAX_PART = 16 * 1024 * 1024
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, escapes, [colour]/[condition]


def is_percent_format(code: str) -> bool:
    r"""Whether a number format code shows a percentage (``0.0%``; not ``0"%"`` or ``0\%``).

    >>> is_percent_format("0.0%"), is_percent_format('0"%"'), is_percent_format("#,##0")
    (True, False, False)
    """
    return "%" in _QUOTED.sub("", code)


def _read(book: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        return None
    return book.read(info)


def _percent_styles(book: zipfile.ZipFile) -> frozenset[int]:
    """The indexes of the cell styles (``s="…"``) whose number format shows a percentage."""
    data = _read(book, "xl/styles.xml")
    if data is None or (b"%" not in data and b'numFmtId="9"' not in data \
            and b'numFmtId="10"' not in data):
        return frozenset()
    root = ElementTree.fromstring(data)
    percent = set(_BUILTIN_PERCENT)
    formats = root.find(f"{_MAIN}numFmts")
    for fmt in formats if formats is not None else ():
        code, ident = fmt.get("formatCode", ""), fmt.get("numFmtId", "")
        if ident.isdigit() and is_percent_format(code):
            percent.add(int(ident))
    xfs = root.find(f"{_MAIN}cellXfs")
    return frozenset(i for i, xf in enumerate(xfs if xfs is not None else ())
                     if xf.get("numFmtId", "0").isdigit()
                     and int(xf.get("numFmtId", "0")) in percent)


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of the sheet named *sheet*, through workbook.xml and its relations."""
    workbook, rels = _read(book, "xl/workbook.xml"), _read(book, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    rel_id = None
    for node in ElementTree.fromstring(workbook).iter(f"{_MAIN}sheet"):
        if node.get("name") == sheet:
            rel_id = node.get(f"{_REL}id")
    for rel in ElementTree.fromstring(rels).iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
    return None


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def percent_cells(path: str, sheet: str) -> frozenset[tuple[int, int]]:
    """(1-based row, 0-based column) of every cell of *sheet* shown as a percentage.

    Empty for a workbook that is not an ``.xlsx`` zip or has no percent style.
    """
    try:
        with zipfile.ZipFile(path) as book:
            styles = _percent_styles(book)
            part = _sheet_part(book, sheet) if styles else None
            if part is None:
                return frozenset()
            found: set[tuple[int, int]] = set()
            with book.open(part) as stream:
                _scan(stream, styles, found)
            return frozenset(found)
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError,
            RuntimeError, EOFError):  # not a zip, a broken part, an encrypted member
        return frozenset()


_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]+)"')
_CHUNK = 1 << 22


def _scan(stream: Any, styles: frozenset[int], found: set[tuple[int, int]]) -> None:
    """Add the (row, column) of every cell in *styles* from a sheet's XML *stream*.

    A regular expression over the bytes finds the start tags of the cells in
    those styles only (``<c r="B2" s="1" t="n">``, any namespace prefix, any
    attribute order), chunk by chunk (a tag cut at a chunk's end is read
    with the next): the sheet may be large, and nothing else in it matters.
    """
    numbers = b"|".join(str(style).encode() for style in sorted(styles))
    tags = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\ss="(?:' + numbers + rb')"[^>]*>')
    left = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = left + chunk
        cut = len(data) if not chunk else data.rfind(b">") + 1
        for tag in tags.finditer(data, 0, cut):
            ref = _REF.search(tag[0])
            if ref is not None:
                found.add((int(ref[2]), _column_index(ref[1].decode())))
        left = data[cut:]
        if not chunk:
            return


def _as_share(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value  # text or an empty cell in a percent style: as it is
    number = from_float(value) if isinstance(value, float) else Decimal(value)
    return share_text(number) if number.is_finite() else value


def with_percent_cells(rows: Iterable[Sequence[Any]],
                       cells: frozenset[tuple[int, int]]) -> Iterator[Sequence[Any]]:
    """*rows* (the sheet's rows from row 1) with each number in *cells* as share text.

    A cell that holds ``0.945`` shown as ``94.5%`` becomes ``"94.5%"``.
    """
    if not cells:
        yield from rows
        return
    by_row: dict[int, list[int]] = {}
    for row, column in cells:
        by_row.setdefault(row, []).append(column)
    for number, values in enumerate(rows, start=1):
        columns = by_row.get(number)
        if columns:
            values = list(values)
            for column in columns:
                if column < len(values):
                    values[column] = _as_share(values[column])
        yield values


def percent_rows(rows: Iterable[tuple[int, dict[int, Any]]],
                 cells: frozenset[tuple[int, int]]
                 ) -> Iterator[tuple[int, dict[int, Any]]]:
    """Sparse *rows* (1-based row number, {0-based column: value}) with shares as share text.

    The sparse reader's form of :func:`with_percent_cells`.
    """
    if not cells:
        yield from rows
        return
    for number, found in rows:
        if any((number, column) in cells for column in found):
            found = {c: _as_share(v) if (number, c) in cells else v for c, v in found.items()}
        yield number, found
