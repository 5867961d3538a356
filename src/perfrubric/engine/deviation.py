"""A printed score that departs from the rule (复核): :class:`Deviation`."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

__all__ = ["DEVIATION_KINDS", "Deviation", "DeviationKind"]

#: How a printed 得分 departs from the rule:
#:
#: ``differs``       the printed score is not the rule's (at the printed precision);
#: ``above_points``  the printed score is above the row's points (分值);
#: ``no_figures``    the row is scored although it gives no result to score (a
#:                   qualitative row: no level and no actual to judge);
#: ``outside_band``  a qualitative row's printed score lies outside the band of its
#:                   level (10 of 10 for 部分达成预期指标, 60–80%): the rule's score is
#:                   the band's nearest bound.
DeviationKind = Literal["differs", "above_points", "no_figures", "outside_band"]
DEVIATION_KINDS: tuple[str, ...] = ("differs", "above_points", "no_figures", "outside_band")


@attrs.frozen
class Deviation:
    """One row whose printed 得分 is not the score the rule gives it.

    ``path`` is the row's indicator path, ``name`` its printed name,
    ``points`` its 分值; ``printed`` the form's 得分, ``rule`` the rule's
    score, ``difference`` printed − rule (positive: the form scored itself
    above the rule); ``reason`` the form's 偏差原因 for the row, if any.
    """

    path: str
    name: str
    kind: DeviationKind
    points: Decimal
    printed: Decimal
    rule: Decimal
    difference: Decimal
    reason: str | None = None
