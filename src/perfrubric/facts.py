"""The names a rubric's measures read from a department (``facts``).

Its home is :mod:`perfrubric.data.facts`; this path is kept and re-exports
every public name.
"""

from .data.facts import (
    CATEGORY_FIELDS,
    NAME_PATTERNS,
    SYNONYMS,
    TARGET_FIELDS,
    Facts,
    check_name,
    static_names,
    synonym_for,
)

__all__ = [
    "CATEGORY_FIELDS",
    "NAME_PATTERNS",
    "SYNONYMS",
    "TARGET_FIELDS",
    "Facts",
    "check_name",
    "static_names",
    "synonym_for",
]
