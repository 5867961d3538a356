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


def clean(value: Any) -> Any:
    """A cell as a plain Python value; ``None`` for an empty cell (missing, never 0)."""
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        text = value.strip()
        return text or None
    if kind is float:
        if math.isinf(value):
            return BadCell(f"the cell holds {value} (an infinite number); expected a number")
        if math.isnan(value):
            return None  # pandas' and Arrow's empty cell
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
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


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")
