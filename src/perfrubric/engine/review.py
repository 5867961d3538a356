"""复核: review printed project forms against the rule, one or a folder at a time.

A finance bureau reviewing units' self-evaluations wants, per form, the
printed total (自评得分) against the rule's (复核得分) and the rows where a
unit scored itself otherwise than the rule, largest departure first.
:func:`review_forms` scores each form with :func:`~perfrubric.evaluate`
and returns one :class:`FormReview` per form; ``views.review`` writes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from ..errors import DataError, PerfrubricError, Problem
from ..rubrics.model import Rubric
from .deviation import Deviation
from .evaluation import Evaluation, evaluate

__all__ = ["FormReview", "form_files", "review_evaluation", "review_forms"]

_SUFFIXES = (".toml", ".json")


@attrs.frozen
class FormReview:
    """The review of one printed form.

    ``source`` is the file it was read from; ``department``, ``project``
    and ``year`` name it; ``total`` and ``grade`` are the evaluation's (the
    rule's, or the printed scores' under ``[form] scores = "printed"``);
    ``printed_total`` (自评得分) and ``rule_total`` (复核得分) are ``None``
    when the form prints no score.  ``deviations`` are ranked by the size
    of the departure, largest first (then in table order).
    """

    source: str
    department: str | None
    project: str | None
    year: int | None
    total: Decimal
    grade: str | None
    printed_total: Decimal | None
    rule_total: Decimal | None
    deviations: tuple[Deviation, ...]

    @property
    def difference(self) -> Decimal | None:
        """自评得分 − 复核得分, or ``None`` when the form prints no score."""
        if self.printed_total is None or self.rule_total is None:
            return None
        return self.printed_total - self.rule_total

    @property
    def without_figures(self) -> tuple[Deviation, ...]:
        """The rows scored although they give no result to score."""
        return tuple(d for d in self.deviations if d.kind == "no_figures")


def review_evaluation(ev: Evaluation, source: str) -> FormReview:
    """The :class:`FormReview` of an evaluation already made (read from *source*)."""
    order = {d.path: i for i, d in enumerate(ev.deviations)}
    ranked = sorted(ev.deviations, key=lambda d: (-abs(d.difference), order[d.path]))
    form = ev.form
    return FormReview(source=source, department=ev.department,
                      project=form.project if form is not None else None, year=ev.year,
                      total=ev.total, grade=ev.grade, printed_total=ev.printed_total,
                      rule_total=ev.rule_total, deviations=tuple(ranked))


def form_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The data files named by *paths*: each file as given, each folder's ``*.toml``/``*.json``.

    A folder's files are taken in name order, not recursively.  Raises
    :class:`~perfrubric.errors.DataError` for a path that does not exist or
    a folder with no data file.
    """
    out: list[str] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in _SUFFIXES)
            if not found:
                problems.append(Problem("the folder holds no .toml or .json data file",
                                        file=str(path), expected="a folder of forms"))
            out += found
        elif path.is_file():
            out.append(str(path))
        else:
            problems.append(Problem("no such file or folder", file=str(path),
                                    expected="a data file or a folder of them"))
    if problems:
        raise DataError(problems)
    return out


def review_forms(rubric: Rubric, sources: Sequence[str | os.PathLike[str]]
                 ) -> tuple[list[FormReview], list[tuple[str, PerfrubricError]]]:
    """Review every form of *sources* (files, or folders of them) against *rubric*.

    Returns the reviews of the forms that could be scored, and for each
    form that could not, its file and the error.  Raises
    :class:`~perfrubric.errors.DataError` when a path does not exist.
    """
    reviews: list[FormReview] = []
    failed: list[tuple[str, PerfrubricError]] = []
    for file in form_files(sources):
        try:
            reviews.append(review_evaluation(evaluate(rubric, file), file))
        except PerfrubricError as exc:
            failed.append((file, exc))
    return reviews, failed
