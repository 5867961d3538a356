"""Safe cells: text written to Excel or CSV stays text, never a formula.

Every writer of the library (the scoring table, the project form, the
batch result tables) passes each value through this module before a
spreadsheet sees it:

- :func:`xlsx_row` / :func:`set_xlsx` store a text as a text cell.  openpyxl
  stores a string that begins with ``=`` as a formula and ``#N/A`` as an
  error cell; the built-in criterion ``=0计5分`` or a department named
  ``=HYPERLINK(…)`` must not become one.  Control characters that the XML
  of a workbook cannot hold (NUL, U+0001 … U+001F except tab, newline and
  carriage return) are replaced by U+FFFD, so a stray NUL in a name is
  visible instead of crashing the writer.
- :func:`csv_cell` protects a CSV cell the way the OWASP CSV-injection
  guidance asks: a text beginning with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return gets a leading apostrophe (``'=0计5分``), which
  spreadsheet programs show as the text itself.  Numbers (``-3.5``,
  ``+2``, ``-12.5%``) are left alone: they cannot run anything, and an
  apostrophe would turn them into text.

Numbers (``int``, ``Decimal``) and ``None`` pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["CSV_TRIGGERS", "clean_text", "csv_cell", "csv_row", "set_xlsx", "xlsx_row"]

#: First characters that make a spreadsheet program read a CSV cell as a formula (OWASP).
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# C0 controls an XML 1.0 document cannot hold (tab, LF and CR can), DEL's
# neighbours are fine; U+FFFE/U+FFFF and lone surrogates are not characters.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NUMBER = re.compile(r"[+-]?(?:[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[%‰]?")


def clean_text(text: str) -> str:
    r"""*text* with characters a workbook cannot hold replaced by U+FFFD.

    >>> clean_text("财政局\x00") == "财政局\ufffd"
    True
    """
    return _ILLEGAL.sub("\ufffd", text)


def csv_cell(value: Any) -> Any:
    """*value* made safe for a CSV cell (OWASP: a formula-starting text gets a leading ``'``).

    >>> csv_cell("=0计5分"), csv_cell("-3.5"), csv_cell("@SUM(A1)"), csv_cell(7)
    ("'=0计5分", '-3.5', "'@SUM(A1)", 7)
    """
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if text.startswith(CSV_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a CSV row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def set_xlsx(cell: Any, value: Any) -> Any:
    """Put *value* in the openpyxl *cell*: a text as a text cell, never a formula; return *cell*.

    Works for the cells of an ordinary worksheet and for ``WriteOnlyCell``.
    """
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"  # openpyxl guessed "f" for "=…" and "e" for "#N/A"
    else:
        cell.value = value
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """*values* ready for ``sheet.append``: each text wrapped in a text cell of *sheet*.

    Numbers and empty cells pass as they are; a text becomes a cell whose
    type is fixed to text, for ordinary and write-only worksheets alike.
    """
    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            out.append(set_xlsx(_new_cell(sheet), value))
        else:
            out.append(value)
    return out


def _new_cell(sheet: Any) -> Any:
    from openpyxl.cell import Cell

    return Cell(sheet, row=1, column=1)  # as WriteOnlyCell makes it; append places it
