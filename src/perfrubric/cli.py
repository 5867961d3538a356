"""The ``perfrubric`` command.

Commands::

    perfrubric list
    perfrubric validate RUBRIC... [--data DATA]
    perfrubric show RUBRIC
    perfrubric score RUBRIC DATA [--format text|json|markdown|csv|html|xlsx|docx]
                                 [--locale zh_CN|en] [-o FILE]
    perfrubric report RUBRIC DATA [--format text|docx] [--locale zh_CN|en] [--compact]
                                  [-o FILE]
    perfrubric schema rubric|data
    perfrubric next-grade RUBRIC DATA [--grade G] [--keep NAME…] [--prefer NAME…]
                          [--format text|json] [--locale]
    perfrubric compare A.json B.json | --rubric R [--rubric-b R2] A B
                       [--format text|markdown|csv|html|json] [--locale]
    perfrubric diff RUBRIC_A RUBRIC_B [--format text|markdown|json]
    perfrubric batch RUBRIC INPUT [--map MAP.toml] [-o OUT.xlsx|.csv|.parquet] [--workers N]

Every command takes ``--plugin MODULE`` (repeatable): the module is
imported first, so the rule kinds it registers can be used.  Kinds that
installed packages declare (entry-point group ``perfrubric.kinds``) load
by themselves when a rubric names them.

``RUBRIC`` is a TOML file or the id of a built-in rubric.  Exit codes:
0 success, 1 invalid rubric or data (messages on standard error, never a
traceback), 2 usage error, 3 internal error (a bug: a short message asks
for a report; still no traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from . import __version__
from .engine.datacheck import exact_names
from .engine.evaluation import Evaluation, evaluate
from .errors import EvaluationError, PerfrubricError, Problem, RubricError, did_you_mean
from .expr.template import LOCALES
from .files.output import emit
from .files.reading import read_text
from .files.tomlwrite import dump_toml
from .indicators import load_plugin
from .rubrics import builtin, builtin_ids
from .rubrics.loading import load_rubric
from .rubrics.model import Indicator, Rubric

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


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

    from .engine.serialize import decimal_text

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
            _print_error(exc)
            status = EXIT_INVALID
        else:
            leaves = sum(1 for _ in rubric.leaves())
            for warning in rubric.warnings:
                sys.stderr.write(f"warning: {warning}\n")
            if args.data is not None and not _check_data(ref, rubric, args.data, out):
                status = EXIT_INVALID
                continue  # "ok" only when it exits 0
            out.write(f"{ref}: ok ({rubric.id} {rubric.version}, {leaves} indicators, "
                      f"{_num(rubric.full_marks)} points)\n")
    return status


def _check_data(ref: str, rubric: Rubric, data: str, out: TextIO) -> bool:
    """``validate --data``: print every name the data lacks; ``True`` if none."""
    from .engine.datacheck import check_data

    problems = check_data(rubric, data)
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")
    if not problems:
        out.write(f"{ref}: every name it reads has a value in {data}\n")
    return not problems


def _show_row(ind: Indicator, out: TextIO) -> None:
    indent = "  " * (ind.depth - 1)
    kind = f"  [{ind.rule.kind}]" if ind.rule is not None else ""
    out.write(f"{indent}{ind.name}  {_num(ind.points)}分{kind}\n")
    rows = ind.target_rows
    for label, text in (("指标解释", ind.definition), ("评分标准", ind.criterion),
                        ("measure", ind.measure.source if ind.measure else None),
                        ("rows from targets", None if rows is None
                         else ", ".join(rows.tiers) or "any sub-tier")):
        if text:
            out.write(f"{indent}    {label}: {text}\n")
    for label, names in exact_names(ind.rule):  # what the data must spell exactly
        out.write(f"{indent}    {label}: {', '.join(names)}\n")
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
    from .rubrics import builtin_ids, builtin_text
    from .rubrics.loading import resolved_document

    if ref in builtin_ids() and not os.path.exists(ref):
        text, name = builtin_text(ref)
        file = f"<builtin>/{name}"
    else:
        text = read_text(ref, RubricError)
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
    review = {d.path: f"  [review: printed {_num(d.printed)}, rule {_num(d.rule)}]"
              for d in ev.deviations}  # 复核: a printed 得分 that departs from the rule
    for result in ev.results.values():
        indent = "  " * (result.depth - 1)
        shown = ""
        if result.shown is not None:
            shown = f"  value {_num(result.shown)}{result.unit or ''}"
        status = "" if result.status == "scored" else f"  ({result.status})"
        lines.append(f"{indent}{result.name}: {_num(result.score)}/{_num(result.points)}"
                     f"{shown}{status}{review.get(result.path, '')}")
    lines.append("")
    lines.append(f"total {_num(ev.total)} / {_num(ev.full_marks)}"
                 + ("  (rescaled)" if ev.rescaled else ""))
    for entry in ev.rescaling:
        lines.append(f"  rescaled: {entry.path} ({_num(entry.points)} points) left out, "
                     f"{entry.note}")
    lines.append(f"grade {ev.grade if ev.grade is not None else '— (cannot rate)'}")
    if ev.printed_total is not None and ev.rule_total is not None:
        lines.append(f"printed total {_num(ev.printed_total)}, by the rule "
                     f"{_num(ev.rule_total)}")
    for reason in ev.cannot_rate:
        lines.append(f"  cannot rate: {reason}")
    for veto in ev.vetoes:
        lines.append(f"  veto: {veto.reason}")
    return "\n".join(lines) + "\n"


def _evaluate(rubric: Rubric, args: argparse.Namespace) -> Evaluation:
    """Evaluate, honouring ``--strict``; print the evaluation's warnings on standard error."""
    ev = evaluate(rubric, args.data, strict=args.strict)
    for warning in ev.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    return ev


def cmd_score(args: argparse.Namespace, out: TextIO) -> int:
    """Score DATA against RUBRIC and print (or write, with -o) the result."""
    from .views.form import is_form, render_form
    from .views.table import render

    rubric = _rubric(args.rubric)
    ev = _evaluate(rubric, args)
    result: str | bytes
    if args.format == "docx":
        from .views.docx import to_docx

        emit(to_docx(ev, locale=args.locale), args.output, out)
        return EXIT_OK
    layout = getattr(args, "layout", "auto")
    form = layout == "form" or (layout == "auto" and args.format != "json" and is_form(ev))
    if form and args.format != "json":
        result = render_form(ev, args.format, locale=args.locale)
    elif args.format == "json":
        result = json.dumps(ev.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "text":
        result = render_text(ev)
    else:
        result = render(ev, args.format, locale=args.locale,
                        layout="outline" if layout == "outline" else "tiers")
    emit(result, args.output, out)
    return EXIT_OK


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Print the narrative: one sentence per target, tier and indicator, then the closing."""
    from .narrative import report_text

    ev = _evaluate(_rubric(args.rubric), args)
    if args.format == "docx":
        from .views.docx import to_docx

        emit(to_docx(ev, locale=args.locale, compact=args.compact), args.output, out)
    else:
        emit(report_text(ev, locale=args.locale, compact=args.compact), args.output, out)
    return EXIT_OK


def _add_strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="make the evaluation's warnings errors (e.g. an assessment for an "
                        "indicator the rubric does not have)")


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    """Print the JSON Schema of a rubric file or of a data file."""
    from .rubrics.schema import schema_json

    out.write(schema_json(args.which))
    return EXIT_OK


def _add_schema_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of rubric or data files "
                                      "(for editor completion)")
    p.add_argument("which", choices=("rubric", "data"), help="which file's schema")
    p.set_defaults(func=cmd_schema)
def cmd_next_grade(args: argparse.Namespace, out: TextIO) -> int:
    """Print the cheapest plan that lifts DATA's evaluation to the next (or --grade) grade."""
    from .analysis import DEFAULT_KEEP, next_grade

    keep = ([] if args.no_default_keep else list(DEFAULT_KEEP)) + list(args.keep or [])
    plan = next_grade(_rubric(args.rubric), args.data, grade=args.grade, keep=keep,
                      prefer=args.prefer or ())
    out.write(plan.render(args.format, locale=args.locale))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    """Compare two evaluations: JSON files, or two data files scored with --rubric."""
    from .analysis import compare
    from .analysis.comparison import load_evaluation_json

    if args.rubric is not None and _is_table(args.a) and _is_table(args.b):
        return _compare_tables(args, out)
    if args.mapping is not None or args.output is not None or args.format == "xlsx":
        raise PerfrubricError("--map, -o and --format xlsx compare two tables of units "
                              "(.csv, .xlsx, .parquet) scored with --rubric")
    if args.rubric is None:
        if args.rubric_b is not None:
            raise PerfrubricError("--rubric-b needs --rubric: give the rubric of A with "
                                  "--rubric and that of B with --rubric-b")
        a: Evaluation | dict[str, object] = load_evaluation_json(args.a)
        b: Evaluation | dict[str, object] = load_evaluation_json(args.b)
    else:
        rubric_a = _rubric(args.rubric)
        rubric_b = _rubric(args.rubric_b) if args.rubric_b else rubric_a
        a, b = evaluate(rubric_a, args.a), evaluate(rubric_b, args.b)
    out.write(compare(a, b).render(args.format, locale=args.locale))
    return EXIT_OK


def _is_table(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in (".csv", ".xlsx", ".xlsm", ".xls", ".parquet",
                                                 ".pq")


def _compare_tables(args: argparse.Namespace, out: TextIO) -> int:
    """A county's year over year: two tables of units scored with --rubric and matched."""
    from .batch.yearly import compare_tables

    rubric = _rubric(args.rubric)
    comparison = compare_tables(rubric, args.a, args.b, mapping=args.mapping,
                                rubric_b=_rubric(args.rubric_b) if args.rubric_b else None)
    if args.format == "xlsx" or (args.output or "").lower().endswith(".xlsx"):
        if not args.output:
            raise PerfrubricError("--format xlsx writes a workbook: give -o FILE.xlsx")
        comparison.write_xlsx(args.output)
        out.write(comparison.render("text", locale=args.locale))
        return EXIT_OK
    if args.format not in ("text", "csv"):
        raise PerfrubricError(f"two tables compare as text, csv or xlsx, not {args.format}")
    text = comparison.render(args.format, locale=args.locale)
    if args.output:
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        try:
            with open(args.output, "w", encoding=encoding, newline="") as handle:
                handle.write(text)
        except OSError as exc:
            raise PerfrubricError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        out.write(text)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    """Print what rubric B changed against rubric A (files or built-in ids)."""
    from .analysis import diff_rubrics

    out.write(diff_rubrics(_rubric(args.a), _rubric(args.b)).render(args.format))
    return EXIT_OK


def _add_analysis_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("next-grade", help="the cheapest changes that reach the next grade")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", help="department data, TOML or JSON")
    p.add_argument("--grade", help="the grade to reach (default: the next one up)")
    p.add_argument("--keep", nargs="+", metavar="NAME",
                   help="data names (or patterns: 'budget.*') the plan must not change, "
                        "added to the default set (the approved budget, authorized staffing, "
                        "targets, last year's figures)")
    p.add_argument("--no-default-keep", action="store_true",
                   help="let the plan change the default kept facts too")
    p.add_argument("--prefer", nargs="+", metavar="NAME",
                   help="indicators (names, paths or parts: 制度 公开 满意度) a unit can act on: "
                        "among plans changing as few indicators, those using them come first")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN")
    p.set_defaults(func=cmd_next_grade)

    p = sub.add_parser("compare", help="what changed between two evaluations, and why")
    p.add_argument("a", help="the earlier (reference) evaluation JSON, or data with --rubric")
    p.add_argument("b", help="the later evaluation JSON, or data with --rubric")
    p.add_argument("--rubric", help="score A and B (data files) with this rubric")
    p.add_argument("--rubric-b", help="score B with this rubric instead (with --rubric)")
    p.add_argument("--map", dest="mapping", metavar="MAP.toml",
                   help="two tables of units (.csv, .xlsx, .parquet): the column mapping that "
                        "reads both (see docs/batch.md)")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="two tables: write the comparison to OUT (.csv or .xlsx)")
    p.add_argument("--format", choices=("text", "markdown", "csv", "html", "json", "xlsx"),
                   default="text")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("diff", help="what rubric B changed against rubric A")
    p.add_argument("a", help="rubric TOML file or built-in id (the parent, or the old table)")
    p.add_argument("b", help="rubric TOML file or built-in id")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.set_defaults(func=cmd_diff)


def _add_plugin_option(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for command in sub.choices.values():
        command.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                             help="import MODULE first, so the rule kinds it registers can be "
                                  "used (repeatable; from the current directory or installed)")
def cmd_batch(args: argparse.Namespace, out: TextIO) -> int:
    """Score every unit of a table or folder; see :mod:`perfrubric._batchcli`."""
    from .batch.command import run

    return run(args, out, _rubric(args.rubric))


def _add_batch_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .batch.command import add_parser

    add_parser(sub).set_defaults(func=cmd_batch)


def cmd_review(args: argparse.Namespace, out: TextIO) -> int:
    """Review printed forms against the rule; see :mod:`perfrubric.batch.review_command`."""
    from .batch.review_command import run

    return run(args, out, _rubric(args.rubric))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfrubric",
        description="Score performance-evaluation rubrics (绩效评价指标评分表).",
    )
    parser.add_argument("--version", action="version", version=f"perfrubric {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="list the built-in rubrics")
    p.add_argument("--locale", choices=LOCALES, default="zh_CN")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("validate", help="check rubric files; print every problem")
    p.add_argument("rubric", nargs="+", help="rubric TOML file or built-in id")
    p.add_argument("--data", metavar="DATA",
                   help="also check this data file: every name the rubric reads, and "
                        "every value scoring would refuse")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("show", help="print the scoring table")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("--locale", choices=LOCALES, default="zh_CN")
    p.add_argument("--resolved", action="store_true",
                   help="print the rubric after merging its 'extends' parents, as TOML")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("score", help="score a department's data against a rubric")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", help="department data, TOML or JSON")
    p.add_argument("--format", choices=("text", "json", "markdown", "csv", "html", "xlsx",
                                        "docx"), default="text")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN",
                   help="language of the table views (markdown, csv, html, xlsx)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    _add_strict(p)
    p.add_argument("--layout", choices=("auto", "table", "form", "outline"), default="auto",
                   help="'form': the project self-evaluation form (年度指标值, 实际完成值); "
                        "'table': the scoring table as printed (一级/二级/三级 cells merged in "
                        "html and xlsx); 'outline': one row per indicator, parents included; "
                        "'auto' (default): the form for a rubric whose rows come from targets")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("report", help="print the narrative sentences of a scoring")
    p.add_argument("rubric", help="rubric TOML file or built-in id")
    p.add_argument("data", help="department data, TOML or JSON")
    p.add_argument("--locale", choices=("zh_CN", "en"), default="zh_CN")
    p.add_argument("--compact", action="store_true",
                   help="write money in babel's compact form (1.2147亿美元 for 12147万美元)")
    p.add_argument("--format", choices=("text", "docx"), default="text",
                   help="'docx': the whole report as a Word document (needs perfrubric[docx])")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    _add_strict(p)
    p.set_defaults(func=cmd_report)
    _add_schema_parser(sub)
    _add_analysis_parsers(sub)
    _add_batch_parser(sub)
    from .batch.review_command import add_parser as _add_review_parser

    _add_review_parser(sub).set_defaults(func=cmd_review)
    _add_plugin_option(sub)  # keep last: every command takes --plugin
    return parser


def _print_error(exc: PerfrubricError) -> None:
    problems = getattr(exc, "problems", None)
    for problem in problems or [exc]:
        sys.stderr.write(f"error: {problem}\n")


def _tolerant_streams() -> None:
    # A terminal or pipe that cannot encode 指标 (PYTHONIOENCODING=ascii, a C locale)
    # gets escapes instead of a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code.

    Never prints a traceback: invalid input exits 1, a usage error 2, and
    an internal error (a bug in perfrubric) 3 with a short message asking
    for a report.
    """
    _tolerant_streams()
    try:
        return _main(argv, out)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except Exception as exc:  # the one place a bug is turned into a report request
        sys.stderr.write(
            f"perfrubric {__version__}: internal error: {type(exc).__name__}: "
            f"{_short(exc)}\nThis is a bug in perfrubric, not a problem with your files. "
            "Please report it with the command line and the files used "
            f"(perfrubric {__version__}, Python {sys.version.split()[0]}).\n")
        return EXIT_INTERNAL


def _short(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # pragma: no cover - a broken __str__
        text = "?"
    return text if len(text) <= 300 else text[:300] + "…"


def _main(argv: Sequence[str] | None, out: TextIO | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace, TextIO], int] = args.func
    try:
        for module in getattr(args, "plugin", None) or ():
            load_plugin(module)
        return func(args, out or sys.stdout)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except EvaluationError as exc:  # one line per indicator, every one at once
        for problem in exc.problems:
            sys.stderr.write(f"error: {problem.path}: {problem.message}\n")
        return EXIT_INVALID
    except PerfrubricError as exc:
        _print_error(exc)
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
