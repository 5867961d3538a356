"""复核 of a long table: every project form of one table reviewed against the rule.

A budget system exports a county's self-evaluation forms as one table with
one row per indicator (a long table, see docs/batch.md).  :func:`review_table`
reads it with the batch's long-table reader (:mod:`perfrubric.batch.long`),
scores each form with :func:`~perfrubric.evaluate` and returns one
:class:`~perfrubric.engine.review.FormReview` per form, as
:func:`~perfrubric.engine.review.review_forms` does for a folder of forms.
A form that cannot be read or scored is returned with its error, its
problems moved to the cells they came from.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..engine.evaluation import evaluate
from ..engine.review import FormReview, review_evaluation
from ..errors import DataError, PerfrubricError
from ..rubrics.model import Rubric
from .mapping import ColumnMap, load_mapping
from .records import _long_items
from .scoring import Refused

__all__ = ["review_table"]


def _name(source: Any, key: str) -> str:
    """How a form of *source* is named in the review: ``forms.xlsx 2022-XM-017``."""
    if isinstance(source, (str, os.PathLike)):
        return f"{Path(source).name} {key}"
    return key


def review_table(rubric: Rubric, source: Any,
                 mapping: str | os.PathLike[str] | ColumnMap | Any
                 ) -> tuple[list[FormReview], list[tuple[str, PerfrubricError]]]:
    """Review every form of the long table *source* against *rubric*.

    *source* is a ``.xlsx``, ``.csv`` or ``.parquet`` file (or a DataFrame)
    with one row per indicator; *mapping* (a file, a dict or a
    :class:`ColumnMap`) declares ``layout = "long"`` and the key column.
    Returns the reviews of the forms that could be scored, in table order,
    each named ``<file> <key>``, and for each form that could not, its name
    and the error (a :class:`DataError` whose problems name the cells).
    Raises :class:`DataError` when the mapping is not a long table's or the
    table's headers do not fit it.
    """
    columns = load_mapping(mapping)
    if columns.layout != "long":
        raise DataError("perfrubric review reads a table of forms with one row per indicator: "
                        "its mapping declares layout = \"long\" and key = \"<the project's "
                        "code column>\" (see docs/batch.md)")
    reviews: list[FormReview] = []
    failed: list[tuple[str, PerfrubricError]] = []
    for item in _long_items(source, columns):
        name = _name(source, item.key)
        if isinstance(item.payload, Refused):
            failed.append((name, DataError(item.payload.problems)))
            continue
        try:
            evaluation = evaluate(rubric, item.payload)
        except PerfrubricError as exc:
            if isinstance(exc, DataError) and item.plan is not None and item.row is not None:
                located = item.plan.locate(item.row, exc.problems, item.cells)
                failed.append((name, DataError(located)))
            else:
                failed.append((name, exc))
            continue
        reviews.append(review_evaluation(evaluation, name))
    return reviews, failed
