"""Cells: where a cell is (``Sheet1!D17``) and what its value reads as.

Cell references in Excel's letters, a cell's value as a plain Python value
(``None`` for an empty cell), and the reading of numbers written in cells.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from typing import Any

import attrs

from ..decimals import from_float


@attrs.frozen
class BadCell:
    """A cell that holds no value a unit can be scored with, and why.

    Excel's error values (``#DIV/0!``, ``#N/A``), a formula saved without its
    computed value, an infinite number: each is refused at its cell
    (``Sheet1!C2: the cell holds #DIV/0!``), never read as an empty cell.
    """

    message: str


def column_letter(index: int) -> str:
    """Excel's letters for the 0-based column *index*: 0 → A, 25 → Z, 26 → AA.

    >>> column_letter(3), column_letter(27)
    ('D', 'AB')
    """
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str | None, row: int, index: int) -> str:
    """``Sheet1!D17`` (or ``D17`` without a sheet) for a 1-based *row* and 0-based *index*."""
    ref = f"{column_letter(index)}{row}"
    if sheet is None:
        return ref
    quoted = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{ref}"


# A float's shortest repr written as text (pandas' to_csv): 16 or 17 significant digits
# ending in a run of 0s or 9s and a digit or three, the mark of binary noise.
_FLOAT_NOISE = re.compile(r"[-+]?[0-9]+\.[0-9]*(?:0{5,}|9{5,})[0-9]{1,3}")


def float_text(text: str) -> Any:
    """A cell's text that is a binary float's noise, read as the float it shows (15 digits).

    ``"441.18000000000006"`` (what ``DataFrame.to_csv`` writes for the float
    441.18) reads as ``Decimal('441.18')``, as the same value does from an
    xlsx, pandas, polars or Arrow; text that is not exactly a float's
    ``repr`` (an exact amount with many digits) is kept as written.

    >>> float_text("96.89999999999999"), float_text("0.100000000000000005")
    (Decimal('96.9'), '0.100000000000000005')
    """
    number = float(text)
    digits = sum(ch.isdigit() for ch in text.lstrip("+-0."))
    if digits < 16 or repr(number) != text.lstrip("+") or not math.isfinite(number):
        return text
    return from_float(number)


def clean(value: Any) -> Any:
    """A cell as a plain Python value; ``None`` for an empty cell (missing, never 0)."""
    kind = type(value)
    if kind is int or value is None:
        return value
    if kind is str:
        text = value.strip()
        # float noise has 16 digits or more (float_text keeps anything shorter as written)
        if len(text) > 16 and _FLOAT_NOISE.match(text):
            return float_text(text)
        return text or None
    if kind is float:
        if math.isinf(value):
            return BadCell(f"the cell holds {value} (an infinite number); expected a number")
        if math.isnan(value):
            return None  # pandas' and Arrow's empty cell
        # A binary float at the 15 digits a spreadsheet shows (96.89999999999999 → 96.9).
        return int(value) if value.is_integer() and abs(value) < 1e15 else from_float(value)
    if kind is int or kind is bool or kind is Decimal:
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    name = kind.__name__
    if kind is BadCell:
        return value
    if name in ("NAType", "NaTType"):
        return None
    item = getattr(value, "item", None)  # numpy and pyarrow scalars
    if callable(item) and kind.__module__.split(".")[0] in ("numpy", "pyarrow"):
        return clean(item())
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    if isinstance(value, str):
        try:
            Decimal(value.replace(",", ""))
        except ArithmeticError:
            return False
        return True
    return False


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _number_text(value)


# \d: any decimal digit, so full-width ０-９ read the same in counts as in money.
_WHOLE = re.compile(r"[+-]?\d{1,18}(?:\.0*)?")  # 146.0: what pandas writes for a whole float
