"""A table's columns of shares: each needs its unit before any unit is scored.

A column mapped to a fact that an indicator measures in ``%`` or ``‰``
(:func:`perfrubric.engine.shares.share_reads`) holds shares, written in
one of two ways no cell can tell apart: ``87.5`` (percent) or ``0.875``
(a fraction).  The mapping must say which, ``unit = "%"`` or
``unit = "fraction"`` (or ``"‰"``); without it the whole table is refused
with one error per such column, at the mapping, before any row is read.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from ..engine.shares import share_reads
from ..errors import DataError, Problem
from ..files import tomlpos
from ..files.reading import read_text
from ..rubrics.model import Rubric
from .cells import cell_ref
from .documents import Plan
from .mapping import SHARE_COLUMN_UNITS, ColumnMap


def check_share_columns(rubric: Rubric, plan: Plan, mapping: ColumnMap) -> None:
    """Raise one :class:`DataError` naming every share column of *plan* without a share unit."""
    problems: list[Problem] = []
    positions = None
    for read in share_reads(rubric):
        index = plan.names.get(read.name)
        if index is None:
            continue
        column = dict(plan.columns)[index]
        if column.unit in SHARE_COLUMN_UNITS:
            continue
        header = plan.table.headers[index]
        has = f" (unit = \"{column.unit}\" is money)" if column.unit else ""
        message = (f"column '{header}' gives '{read.name}', which indicator '{read.indicator}' "
                   f"measures as a share in {read.unit}, but the mapping does not say how its "
                   f"numbers are written{has}: declare \"{header}\" = {{ name = \"{read.name}\", "
                   f"unit = \"{read.unit}\" }} when 87.5 means 87.5{read.unit}, or unit = "
                   "\"fraction\" when 0.875 means 87.5%")
        if header in mapping.columns and mapping.file is not None:
            if positions is None:
                try:
                    positions = tomlpos.key_positions(read_text(mapping.file, DataError))
                except DataError:
                    positions = {}
            # a mapping's [columns], or a layout's [labels]
            key = ("labels", header) if ("labels", header) in positions else ("columns", header)
            at = tomlpos.locate(positions, key)
            problems.append(Problem(message, path=tomlpos.format_path(key),
                                    file=mapping.file, line=at[0] if at else None,
                                    column=at[1] if at else None))
        elif plan.table.frame:
            problems.append(Problem(message, path=f"column {header!r}", file=plan.table.file))
        else:
            problems.append(Problem(message, path=cell_ref(plan.table.sheet,
                                                           plan.table.header_row, index),
                                    file=plan.table.file, line=plan.table.header_row,
                                    column=index + 1))
    if problems:
        raise DataError(problems)
