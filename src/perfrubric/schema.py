"""JSON Schemas of the rubric and data files.

Its home is :mod:`perfrubric.rubrics.schema`; this path is kept and
re-exports every public name.
"""

from .rubrics.schema import (
    SCHEMA_DIALECT,
    data_schema,
    rubric_schema,
    rule_keys,
    schema_json,
)

__all__ = [
    "SCHEMA_DIALECT",
    "data_schema",
    "rubric_schema",
    "rule_keys",
    "schema_json",
]
