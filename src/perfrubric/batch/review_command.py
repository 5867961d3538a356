"""``perfrubric review``: printed forms against the rule (复核).

::

    perfrubric review RUBRIC DATA... [--format text|markdown|csv|xlsx|json]
                                     [--locale zh_CN|en] [-o FILE]
    perfrubric review RUBRIC forms.xlsx --map forms-map.toml [...]

DATA are form data files or folders of them; with ``--map`` (a long
table's mapping, ``layout = "long"``) DATA is one table of forms, one row
per indicator, read as ``perfrubric batch`` reads it.  Prints per form the printed
total against the rule's and the deviating rows, ranked by the size of
their departure.  Exit code 0 when every form could be reviewed, 1 when a
form could not be read or scored (the others are still reviewed, and each
problem is printed on standard error).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ..engine.review import review_forms
from ..errors import EvaluationError, PerfrubricError
from ..files.output import emit
from ..rubrics.model import Rubric
from ..views.review import REVIEW_FORMATS, render_review
from .review_table import review_table

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register the ``review`` sub-command on *sub* (argparse sub-parsers)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "review", help="review printed project forms against the rule (复核)")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", nargs="+", help="form data files (TOML or JSON), or folders of "
                   "them; with --map, one table of forms (.xlsx, .csv, .parquet)")
    p.add_argument("--map", dest="mapping", metavar="MAP.toml",
                   help="read DATA as a long table of forms (one row per indicator) with this "
                        "mapping (layout = \"long\"; see docs/batch.md)")
    p.add_argument("--format", choices=REVIEW_FORMATS, default="text")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    return p


def _problems(file: str, exc: PerfrubricError) -> list[str]:
    if isinstance(exc, EvaluationError):
        return [f"{file}: {p.path}: {p.message}" for p in exc.problems]
    problems = getattr(exc, "problems", None)
    return [str(p) for p in problems] if problems else [f"{file}: {exc}"]


def run(args: argparse.Namespace, out: TextIO, rubric: Rubric) -> int:
    """Review every form of ``args.data`` against *rubric*; return the exit code."""
    if args.mapping is not None:
        if len(args.data) != 1:
            raise PerfrubricError("--map reads one table of forms; give one file, not "
                                  f"{len(args.data)}")
        reviews, failed = review_table(rubric, args.data[0], args.mapping)
    else:
        reviews, failed = review_forms(rubric, args.data)
    result = render_review(reviews, args.format, locale=args.locale)
    emit(result, args.output, out)
    for file, error in failed:
        for line in _problems(file, error):
            sys.stderr.write(f"error: {line}\n")
    return 1 if failed else 0
