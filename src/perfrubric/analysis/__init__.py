"""Analysis of evaluations and rubrics: next-grade plans, comparisons, rubric diffs.

* :func:`next_grade` — the cheapest changes that lift an evaluation to the
  next grade (整改方向), as a :class:`Plan` that applies to the data;
* :func:`compare` — what changed between two evaluations and why (较上年);
* :func:`diff_rubrics` — what a new or local table changed.

See ``docs/analysis.md``.
"""

from __future__ import annotations

from .comparison import COMPARE_FORMATS, CompareError, Comparison, RowDelta, Side, compare
from .planning import DataChange, Plan, PlanError, PlanStep, next_grade

__all__ = [
    "COMPARE_FORMATS",
    "CompareError",
    "Comparison",
    "DataChange",
    "Plan",
    "PlanError",
    "PlanStep",
    "RowDelta",
    "Side",
    "compare",
    "next_grade",
]
