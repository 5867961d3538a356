"""The ``perfrubric`` command.

Commands::

    perfrubric list
    perfrubric validate RUBRIC...
    perfrubric show RUBRIC
    perfrubric score RUBRIC DATA [--format text|json|markdown|csv|html|xlsx]
                                 [--locale zh_CN|en] [-o FILE]
    perfrubric report RUBRIC DATA [--locale zh_CN|en] [--compact]
    perfrubric batch RUBRIC INPUT [--map MAP.toml] [-o OUT.xlsx|.csv|.parquet] [--workers N]

``RUBRIC`` is a TOML file or the id of a built-in rubric.  Exit codes:
0 success, 1 invalid rubric or data (messages on standard error, never a
traceback), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from ._tomlwrite import dump_toml
from .errors import PerfrubricError, Problem, RubricError, did_you_mean
from .evaluation import Evaluation, evaluate
from .loading import load_rubric
from .rubric import Indicator, Rubric
from .rubrics import builtin, builtin_ids

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _rubric(ref: str) -> Rubric:
    if os.path.exists(ref) or ref.endswith(".toml") or os.sep in ref:
        return load_rubric(ref)
    if ref not in builtin_ids():
        raise RubricError(Problem(
            "no such file, and no built-in rubric of that name"
            f"{did_you_mean(ref, builtin_ids())}; built-ins: {', '.join(builtin_ids())}",
            file=ref))
    return builtin(ref)


def _num(value: object) -> str:
    from decimal import Decimal

    from ._serialize import decimal_text

    return decimal_text(value) if isinstance(value, Decimal) else str(value)


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print the built-in rubrics: id, version, title."""
    for rid in builtin_ids():
        rubric = builtin(rid)
        out.write(f"{rid}\t{rubric.version}\t{rubric.title_in(args.locale)}\n")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Validate each rubric; print every problem; exit 1 if any."""
    status = EXIT_OK
    for ref in args.rubric:
        try:
            rubric = _rubric(ref)
        except PerfrubricError as exc:
            problems = getattr(exc, "problems", None)
            for problem in problems or [exc]:
                sys.stderr.write(f"{problem}\n")
            status = EXIT_INVALID
        else:
            leaves = sum(1 for _ in rubric.leaves())
            out.write(f"{ref}: ok ({rubric.id} {rubric.version}, {leaves} indicators, "
                      f"{_num(rubric.full_marks)} points)\n")
    return status


def _show_row(ind: Indicator, out: TextIO) -> None:
    indent = "  " * (ind.depth - 1)
    kind = f"  [{ind.rule.kind}]" if ind.rule is not None else ""
    out.write(f"{indent}{ind.name}  {_num(ind.points)}分{kind}\n")
    for label, text in (("指标解释", ind.definition), ("评分标准", ind.criterion),
                        ("measure", ind.measure.source if ind.measure else None)):
        if text:
            out.write(f"{indent}    {label}: {text}\n")
    for child in ind.children:
        _show_row(child, out)


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    """Print the scoring table (评分表) as indented text, or the merged TOML document."""
    if args.resolved:
        return _show_resolved(args.rubric, out)
    rubric = _rubric(args.rubric)
    out.write(f"{rubric.title_in(args.locale)}\n{rubric.id} {rubric.version}  "
              f"满分 {_num(rubric.full_marks)}  sha256 {rubric.sha256[:12]}\n\n")
    for top in rubric.indicators:
        _show_row(top, out)
    grades = ", ".join(f"{g.name} ≥ {_num(g.min)}" for g in rubric.grades.grades)
    out.write(f"\n等级 grades: {grades}\n")
    for group in rubric.either_or:
        out.write(f"二者择其一 either-or: {' | '.join(a.path for a in group.alternatives)}\n")
    for veto in rubric.vetoes:
        out.write(f"一票否决 veto: {veto.when.source} → {veto.reason}\n")
    return EXIT_OK


def _show_resolved(ref: str, out: TextIO) -> int:
    from .loading import resolved_document
    from .rubrics import builtin_ids, builtin_text

    if ref in builtin_ids() and not os.path.exists(ref):
        text, name = builtin_text(ref)
        file = f"<builtin>/{name}"
    else:
        try:
            text = Path(ref).read_text(encoding="utf-8")
        except OSError as exc:
            raise RubricError(Problem(f"cannot read the file: {exc.strerror}", file=ref)) from None
        file = ref
    _rubric(ref)  # validate the merged whole first: never print an invalid table
    out.write(dump_toml(resolved_document(text, file=file)))
    return EXIT_OK


def render_text(ev: Evaluation) -> str:
    """The plain-text score table printed by ``perfrubric score``."""
    lines = [f"{ev.rubric.title_in(ev.rubric.locale)} ({ev.rubric.id} {ev.rubric.version})"]
    if ev.department:
        lines.append(f"{ev.department}" + (f" {ev.year}" if ev.year else ""))
    lines.append("")
    for result in ev.results.values():
        indent = "  " * (result.depth - 1)
        shown = ""
        if result.shown is not None:
            shown = f"  value {_num(result.shown)}{result.unit or ''}"
        status = "" if result.status == "scored" else f"  ({result.status})"
        lines.append(f"{indent}{result.name}: {_num(result.score)}/{_num(result.points)}"
                     f"{shown}{status}")
    lines.append("")
    lines.append(f"total {_num(ev.total)} / {_num(ev.full_marks)}"
                 + ("  (rescaled)" if ev.rescaled else ""))
    lines.append(f"grade {ev.grade if ev.grade is not None else '— (cannot rate)'}")
    for reason in ev.cannot_rate:
        lines.append(f"  cannot rate: {reason}")
    for veto in ev.vetoes:
        lines.append(f"  veto: {veto.reason}")
    return "\n".join(lines) + "\n"


def cmd_score(args: argparse.Namespace, out: TextIO) -> int:
    """Score DATA against RUBRIC and print (or write, with -o) the result."""
    from .views import render

    rubric = _rubric(args.rubric)
    ev = evaluate(rubric, args.data)
    result: str | bytes
    if args.format == "json":
        result = json.dumps(ev.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "text":
        result = render_text(ev)
    else:
        result = render(ev, args.format, locale=args.locale)
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
            raise PerfrubricError("xlsx output is binary: give a file with -o report.xlsx, "
                                  "or redirect standard output to a file")
    else:
        out.write(result)
    return EXIT_OK


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Print the narrative: one sentence per target, tier and indicator, then the closing."""
    from .narrative import report_text

    ev = evaluate(_rubric(args.rubric), args.data)
    out.write(report_text(ev, locale=args.locale, compact=args.compact))
    return EXIT_OK


def cmd_batch(args: argparse.Namespace, out: TextIO) -> int:
    """Score every unit of a table or folder; see :mod:`perfrubric._batchcli`."""
    from ._batchcli import run

    return run(args, out, _rubric(args.rubric))


def _add_batch_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ._batchcli import add_parser

    add_parser(sub).set_defaults(func=cmd_batch)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfrubric",
        description="Score performance-evaluation rubrics (绩效评价指标评分表).",
    )
    parser.add_argument("--version", action="version", version=f"perfrubric {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="list the built-in rubrics")
    p.add_argument("--locale", default="zh_CN")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("validate", help="check rubric files; print every problem")
    p.add_argument("rubric", nargs="+", help="rubric TOML file or built-in id")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("show", help="print the scoring table")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("--locale", default="zh_CN")
    p.add_argument("--resolved", action="store_true",
                   help="print the rubric after merging its 'extends' parents, as TOML")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("score", help="score a department's data against a rubric")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", help="department data, TOML or JSON")
    p.add_argument("--format", choices=("text", "json", "markdown", "csv", "html", "xlsx"),
                   default="text")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN",
                   help="language of the table views (markdown, csv, html, xlsx)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("report", help="print the narrative sentences of a scoring")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", help="department data, TOML or JSON")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN")
    p.add_argument("--compact", action="store_true",
                   help="write money in babel's compact form (1.2147亿美元 for 12147万美元)")
    p.set_defaults(func=cmd_report)

    _add_batch_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace, TextIO], int] = args.func
    try:
        return func(args, out or sys.stdout)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except PerfrubricError as exc:
        problems = getattr(exc, "problems", None)
        for problem in problems or [exc]:
            sys.stderr.write(f"error: {problem}\n")
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
