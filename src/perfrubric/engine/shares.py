"""Shares meet bare numbers: a measure in ``%`` or ``‰`` refuses a fact written without its sign.

A rubric's indicator in ``unit = "%"`` that reads one free fact
(``measure = "facts.satisfaction"``) scores a fraction: 87.5% is
``0.875``.  A data file that writes ``satisfaction = 87.5`` gives the
number 87.5, which the rule would read as 8750% and score full marks,
silently.  A bare number there is ambiguous (87.5 percent, or 0.875 as a
fraction?), so the data must say which: ``"87.5%"`` in a data file or a
dict (a :class:`~perfrubric.decimals.Share`), or, in a table, the
column's ``unit = "%"`` or ``unit = "fraction"``.

:func:`share_reads` finds, once per rubric, the facts read that way;
:func:`bare_shares` checks one department's data against them.  Both the
engine (:func:`perfrubric.evaluate`, the compiled fast path) and
``validate --data`` use them, so what one refuses the other reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..data.model import Department
from ..decimals import share_text
from ..errors import DataError, Problem
from ..files import tomlpos
from ..files.reading import read_text
from ..rubrics.model import Rubric

__all__ = ["SHARE_UNITS", "ShareRead", "bare_shares", "refuse_bare_shares", "share_reads"]

#: The units that make a measure a share, and the sign each is written with.
SHARE_UNITS: Mapping[str, str] = {"%": "%", "％": "%", "‰": "‰"}


@attrs.frozen
class ShareRead:
    """A free fact an indicator reads as a share: ``facts.satisfaction`` in ``%``."""

    name: str
    indicator: str
    unit: str

    @property
    def key(self) -> tuple[str, ...]:
        """The fact's path in the data: ``("facts", "satisfaction")``."""
        return tuple(self.name.split("."))


def share_reads(rubric: Rubric) -> tuple[ShareRead, ...]:
    """Every free fact a leaf of *rubric* reads, alone, as a share (one per fact, first leaf).

    Only a measure that *is* one ``facts.<name>`` counts: a ratio such as
    ``budget.final / budget.adjusted`` is a fraction by construction.
    """
    found: dict[str, ShareRead] = {}
    for ind in rubric.leaves():
        measure = ind.measure
        if measure is None or ind.unit is None or ind.unit not in SHARE_UNITS \
                or len(measure.names) != 1:
            continue
        (name,) = measure.names
        if name.startswith("facts.") and measure.source.strip() == name and name not in found:
            found[name] = ShareRead(name, ind.path, SHARE_UNITS[ind.unit])
    return tuple(found.values())


def _fact(facts: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    value: Any = facts
    for part in key:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def bare_shares(reads: tuple[ShareRead, ...], dept: Department, *, file: str | None = None,
                text: str | None = None) -> list[Problem]:
    """A located problem for each fact of *reads* that *dept* gives as a bare number.

    A number written with its sign (``"87.5%"``, a
    :class:`~perfrubric.decimals.Share`) passes; so does a fact the data
    does not give (the indicator's ``missing`` policy decides).  *file*
    and *text* (a TOML data file's text) only locate the problems.
    """
    problems: list[Problem] = []
    positions = None
    for read in reads:
        value = _fact(dept.facts, read.key[1:])
        if type(value) is not Decimal:  # a Share, text, a list, or nothing
            continue
        if positions is None and text is not None:
            positions = tomlpos.key_positions(text)
        at = tomlpos.locate(positions, read.key) if positions else None
        problems.append(_problem(read, value, file, at))
    return problems


def refuse_bare_shares(reads: tuple[ShareRead, ...], dept: Department,
                       file: str | None = None) -> None:
    """Raise :class:`DataError` with :func:`bare_shares`' problems, if any.

    With a TOML data *file*, it is read again to give each problem its line.
    """
    if not bare_shares(reads, dept):
        return
    text = None
    if file is not None and not file.lower().endswith(".json"):
        try:
            text = read_text(file, DataError)
        except DataError:
            text = None  # the file changed since: the problems keep their path
    raise DataError(bare_shares(reads, dept, file=file, text=text))


def _problem(read: ShareRead, value: Decimal, file: str | None,
             at: tuple[int, int] | None) -> Problem:
    sign = read.unit
    scale = 100 if sign == "%" else 1000
    # What the number most likely meant: 87.5 → "87.5%", 0.875 → "87.5%".
    meant = value if abs(value) > 1 else value * scale
    suggestion = share_text(meant / 100) if sign == "%" else f"{_plain(meant)}‰"
    shown = _plain(value)
    message = (f"a bare number {shown}, but indicator '{read.indicator}' measures a share in "
               f"{sign} (is it {shown}{sign} or {_plain(value * scale)}{sign}?): write "
               f"\"{suggestion}\" with its sign, or in a table declare the column's unit "
               f"(unit = \"{sign}\" reads {shown} as {shown}{sign}, unit = \"fraction\" reads "
               "0.875 as 87.5%)")
    return Problem(message, path=read.name, file=file, line=at[0] if at else None,
                   column=at[1] if at else None, expected=f'"{suggestion}"',
                   got=shown)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
