"""The department data model (:class:`Department`, :class:`Target`, …).

Its home is :mod:`perfrubric.data.model`; this path is kept and re-exports
every public name.
"""

from .data.model import (
    DIRECTIONS,
    Assessment,
    Budget,
    BudgetLine,
    Department,
    FactValue,
    FieldError,
    FieldIssue,
    OrgUnit,
    PathPart,
    Sangong,
    SangongItem,
    Staffing,
    Target,
)

__all__ = [
    "DIRECTIONS",
    "Assessment",
    "Budget",
    "BudgetLine",
    "Department",
    "FactValue",
    "FieldError",
    "FieldIssue",
    "OrgUnit",
    "PathPart",
    "Sangong",
    "SangongItem",
    "Staffing",
    "Target",
]
