"""``perfrubric review``: printed forms against the rule (复核).

::

    perfrubric review RUBRIC DATA... [--format text|markdown|csv|xlsx|json]
                                     [--locale zh_CN|en] [-o FILE]

DATA are form data files or folders of them.  Prints per form the printed
total against the rule's and the deviating rows, ranked by the size of
their departure.  Exit code 0 when every form could be reviewed, 1 when a
form could not be read or scored (the others are still reviewed, and each
problem is printed on standard error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ..engine.review import review_forms
from ..errors import EvaluationError, PerfrubricError
from ..rubrics.model import Rubric
from .review import REVIEW_FORMATS, render_review

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register the ``review`` sub-command on *sub* (argparse sub-parsers)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "review", help="review printed project forms against the rule (复核)")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", nargs="+", help="form data files (TOML or JSON), or folders of them")
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
    reviews, failed = review_forms(rubric, args.data)
    result = render_review(reviews, args.format, locale=args.locale)
    if args.output:
        try:
            if isinstance(result, bytes):
                Path(args.output).write_bytes(result)
            else:
                Path(args.output).write_text(result, encoding="utf-8")
        except OSError as exc:
            raise PerfrubricError(f"cannot write {args.output}: {exc.strerror}") from None
    elif isinstance(result, bytes):
        if out is sys.stdout and not sys.stdout.isatty():
            sys.stdout.flush()
            sys.stdout.buffer.write(result)
        else:
            raise PerfrubricError("xlsx output is binary: give a file with -o review.xlsx, "
                                  "or redirect standard output to a file")
    else:
        out.write(result)
    for file, error in failed:
        for line in _problems(file, error):
            sys.stderr.write(f"error: {line}\n")
    return 1 if failed else 0
