"""Built-in rubrics, shipped as TOML package data.

Each ``*.toml`` file in this package is a rubric; its ``[rubric] id`` is
the name :func:`builtin` takes.
"""

from __future__ import annotations

import functools

from .index import builtin_ids, builtin_text
from .loading import loads_rubric
from .model import Rubric

__all__ = ["builtin", "builtin_ids", "builtin_text"]


@functools.cache
def builtin(rubric_id: str) -> Rubric:
    """Load the built-in rubric *rubric_id* (cached; rubrics are immutable).

    Raises :class:`~perfrubric.errors.RubricError` for an unknown id, with
    a did-you-mean and the list of built-ins.
    """
    text, name = builtin_text(rubric_id)
    return loads_rubric(text, file=f"<builtin>/{name}")
