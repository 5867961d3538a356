"""Printed target values (``≥50个``, ``≤90万元``) read as comparisons.

Its home is :mod:`perfrubric.data.printed`; this path is kept and
re-exports every public name.
"""

from .data.printed import (
    COUNT_UNITS,
    LEVELS,
    OPERATORS,
    Printed,
    PrintedValueError,
    level_name,
    parse_printed,
    reconcile,
)

__all__ = [
    "COUNT_UNITS",
    "LEVELS",
    "OPERATORS",
    "Printed",
    "PrintedValueError",
    "level_name",
    "parse_printed",
    "reconcile",
]
