"""The scoring table laid out as the printed 评分表: 一级 / 二级 / 三级 columns.

A printed scoring table gives each leaf indicator one row, with its tier
names in the first three columns and each tier's cell merged over the rows
of its leaves.  :func:`tiered_rows` turns a :class:`~perfrubric.views.Table`
(parents before their children) into those rows, and :func:`tier_spans`
says how far each tier cell reaches, for the views that merge cells (HTML
``rowspan``, Excel and Word merged cells).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .table import Table, TableRow

__all__ = ["TieredRow", "tier_spans", "tiered_rows"]


@attrs.frozen
class TieredRow:
    """One leaf of the scoring table with the names of its tiers.

    ``tiers`` are the 一级 / 二级 / 三级 names, empty where the leaf sits
    higher (a leaf at depth 2 has no 三级 name: its own name is its 二级);
    deeper leaves join the names below the second tier with ``/``.
    ``row`` is the leaf's :class:`~perfrubric.views.TableRow`.
    """

    tiers: tuple[str, str, str]
    row: TableRow


def tiered_rows(table: Table) -> list[TieredRow]:
    """The leaves of *table*, in table order, each with its tier names.

    >>> [r.tiers for r in tiered_rows(scoring_table(ev))][:1]       # doctest: +SKIP
    [('投入', '预算配置', '在职人员控制率')]
    """
    out = []
    names: list[str] = []  # the name of the open parent at each depth
    for row in table.rows:
        del names[row.depth - 1:]
        names.append(row.name)
        if not row.is_leaf:
            continue
        if len(names) <= 3:
            tiers = (names + ["", "", ""])[:3]
        else:
            tiers = [names[0], names[1], "/".join(names[2:])]
        out.append(TieredRow((tiers[0], tiers[1], tiers[2]), row))
    return out


def tier_spans(tiers: Sequence[Sequence[str]], level: int) -> list[int]:
    """How many rows each row's tier cell at *level* (0 = 一级) covers.

    The first row of a run of rows that share the tiers up to *level* gets
    the length of the run; the rows it covers get 0.  An empty tier name is
    never merged (each such row spans 1).

    >>> tier_spans([("投入", "a"), ("投入", "b"), ("过程", "c")], 0)
    [2, 0, 1]
    """
    spans = [0] * len(tiers)
    start = 0
    for i in range(1, len(tiers) + 1):
        if (i == len(tiers) or tuple(tiers[i][:level + 1]) != tuple(tiers[start][:level + 1])
                or not tiers[start][level]):
            spans[start] = i - start
            start = i
    return spans
