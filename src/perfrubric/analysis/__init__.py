"""Analysis of evaluations and rubrics: next-grade plans, comparisons, rubric diffs.

* :func:`next_grade` — the cheapest changes that lift an evaluation to the
  next grade (整改方向), as a :class:`Plan` that applies to the data;
* :func:`compare` — what changed between two evaluations and why (较上年);
* :func:`diff_rubrics` — what a new or local table changed.

See ``docs/analysis.md``.
"""

from __future__ import annotations

from .comparison import COMPARE_FORMATS, CompareError, Comparison, RowDelta, Side, compare
from .plan_coherence import DEFAULT_KEEP
from .planning import DataChange, Effect, Plan, PlanError, PlanStep, next_grade
from .rubric_diff import DIFF_FORMATS, FieldChange, IndicatorDiff, RubricDiff, diff_rubrics

__all__ = [
    "COMPARE_FORMATS",
    "DEFAULT_KEEP",
    "DIFF_FORMATS",
    "CompareError",
    "Comparison",
    "DataChange",
    "Effect",
    "FieldChange",
    "IndicatorDiff",
    "Plan",
    "PlanError",
    "PlanStep",
    "RowDelta",
    "RubricDiff",
    "Side",
    "compare",
    "diff_rubrics",
    "next_grade",
]
