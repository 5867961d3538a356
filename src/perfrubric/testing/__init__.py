"""Hypothesis strategies and invariants for property-testing rubrics and rule kinds.

Needs hypothesis (``pip install 'perfrubric[test]'``).  Three layers:

* **strategies** — :func:`rubrics` (valid rubrics of any depth with every
  built-in kind), :func:`rule_params` (parameters of one kind),
  :func:`data_for` (department data that fits a given rubric's measures,
  including values on band edges, zero denominators and missing values
  where the policy allows), :func:`departments` (the domain model) and
  :func:`printed_forms` (project forms as printed, with their 得分 column);
* **invariants** — small functions, each raising :class:`InvariantViolation`
  with the invariant's name and the indicator's path, usable in your own
  tests;
* :func:`check_rubric` — one call that runs every invariant over generated
  data for your rubric and fails with the smallest counterexample.

>>> from perfrubric.testing import check_rubric              # doctest: +SKIP
>>> check_rubric(pr.load_rubric("my-rubric.toml"))           # doctest: +SKIP
"""

from __future__ import annotations

from ..errors import MissingDependencyError

try:
    import hypothesis  # noqa: F401 - only to say what is missing
except ImportError:  # pragma: no cover - exercised only without hypothesis
    raise MissingDependencyError("perfrubric.testing", "perfrubric[test]") from None

from .invariants import (
    INVARIANTS,
    InvariantViolation,
    check_rubric,
    deviations_add_up,
    grade_matches_scale,
    monotone_rules,
    order_invariant,
    params_round_trip,
    parents_are_sums,
    reproducible,
    rescaling_explained,
    rounding_idempotent,
    rubric_document,
    rubric_test,
    rule_scores_in_range,
    scores_not_clamped,
    scores_within_points,
    to_dict_round_trips,
    total_in_range,
    vetoes_respected,
)
from .strategies import data_for, departments, printed_forms, rubrics, rule_params

__all__ = [
    "INVARIANTS",
    "InvariantViolation",
    "check_rubric",
    "data_for",
    "departments",
    "deviations_add_up",
    "grade_matches_scale",
    "monotone_rules",
    "order_invariant",
    "params_round_trip",
    "parents_are_sums",
    "printed_forms",
    "reproducible",
    "rescaling_explained",
    "rounding_idempotent",
    "rubric_document",
    "rubric_test",
    "rubrics",
    "rule_params",
    "rule_scores_in_range",
    "scores_not_clamped",
    "scores_within_points",
    "to_dict_round_trips",
    "total_in_range",
    "vetoes_respected",
]
