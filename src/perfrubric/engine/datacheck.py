"""Check a rubric against one data file before scoring (``perfrubric validate --data``).

The loader checks every name a measure uses against the data *model*
(``staffing.onpost`` is refused at load).  Names whose middle part the data
chooses (``facts.<name>``, ``targets.<id>.<field>``) and values the data
simply does not give can only be checked against a real data file: that is
what :func:`check_data` does, with a did-you-mean over the data's real fact
names, target ids and model fields, and over a table of synonyms
(``budget.executed`` → ``budget.final``, ``facts.决算数`` → ``budget.final``).

>>> import perfrubric as pr                                       # doctest: +SKIP
>>> for problem in pr.check_data(pr.builtin("mof-2013-department"), "data.toml"):
...     print(problem)                                            # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ..data.facts import SYNONYMS, Facts, static_names, synonym_for
from ..data.model import Department
from ..errors import DataError, EvaluationError, PerfrubricError, Problem
from ..expr import Expression
from ..files import tomlpos
from ..files.reading import read_text
from ..indicators.checklist import Checklist
from ..indicators.levels import Levels
from ..rubrics.model import Rubric
from .evaluation import evaluate
from .printed_form import layout
from .shares import refuse_bare_shares, share_reads
from .target_rows import expand, has_target_rows

__all__ = ["SYNONYMS", "check_data", "exact_names"]

def _guarded(expr: Expression, name: str) -> bool:
    """Whether *expr* tests *name* with ``has(...)``: the author expects it may be absent."""
    return re.search(r"has\(\s*" + re.escape(name) + r"\s*\)", expr.source) is not None


def _suggest(name: str, facts: Facts, dept: Department) -> str | None:
    """The closest real name: a synonym, the same field of a real target, a close name."""
    parts = name.split(".")
    synonym = synonym_for(name)
    if synonym is not None:
        return synonym
    if name in _STATIC:
        return None  # a right name whose value is absent: nothing to correct
    ids = [t.id for t in dept.targets]
    if parts[0] == "targets" and len(parts) == 3 and parts[1] not in ids and parts[1] != "category":
        close = difflib.get_close_matches(parts[1], ids, n=1, cutoff=0.6)
        if close:
            return f"targets.{close[0]}.{parts[2]}"
    categories = sorted({t.category for t in dept.targets if t.category is not None})
    if parts[:2] == ["targets", "category"] and len(parts) == 4 and parts[2] not in categories:
        close = difflib.get_close_matches(parts[2], categories, n=1, cutoff=0.6)
        if close:
            return f"targets.category.{close[0]}.{parts[3]}"
    for prefix in ("facts.", "budget.lines."):  # compare the free part only: gama → gamma
        if name.startswith(prefix) and len(name) > len(prefix):
            free = [n[len(prefix):] for n in facts.names() if n.startswith(prefix)]
            close = difflib.get_close_matches(name[len(prefix):], free, n=1, cutoff=0.6)
            if close:
                return prefix + close[0]
    return None


_STATIC = frozenset(static_names())


def _expressions(rubric: Rubric) -> Iterator[tuple[str, str, int | None, Expression, str]]:
    """(where, key, line, expression, what absence does) for every expression evaluated."""
    for ind in rubric.walk():
        for key in ("measure", "applicable"):
            expr = getattr(ind, key)
            if expr is not None:
                effect = ("scoring stops here (missing = \"error\")" if ind.missing == "error"
                          else f"missing = \"{ind.missing}\" applies")
                yield ind.path, key, ind.line, expr, effect
    for group in rubric.either_or:
        for alt in group.alternatives:
            if alt.when is not None:
                yield (f"either_or '{group.name}' / {alt.path}", "when", None, alt.when,
                       "the alternative is not chosen")
    for veto in rubric.vetoes:
        effect = {"pass": "the veto is not triggered", "trigger": "the veto is triggered"}.get(
            veto.missing, "scoring stops here")
        yield f"veto '{veto.name}'", "when", None, veto.when, effect
    for fig in rubric.figures:
        yield f"figure '{fig.id}'", "measure", None, fig.measure, "the figure is not given"


def check_data(rubric: Rubric, data: Department | Mapping[str, Any] | str | os.PathLike[str],
               ) -> list[Problem]:
    """Every way *data* falls short of what *rubric* reads, as a list of problems.

    For each name a measure, condition or figure uses (except names the
    expression tests with ``has()``, whose absence is expected): a name
    without a value in the data, saying what its absence does, with a
    did-you-mean over the data's real names, its target ids and categories,
    the model's fields and :data:`SYNONYMS` (a model field that is simply
    not reported gets no suggestion, except from a synonym).
    A rubric whose rows come from targets (``target_rows``) is checked with
    its rows generated from the data: a misplaced row or points that do not
    add up are the problems, and a tier with no row is not applicable.
    Also: an indicator scored by an assessment that the data does not give,
    and an assessment for an indicator the rubric does not have.  A data
    file that cannot be loaded gives its own problems.  An empty list means
    every name the rubric reads has a value (the scores may still be
    anything).  Problems carry the rubric's file and the indicator's line;
    ``got`` is the name and ``expected`` the suggestion.

    Then every value the data gives that scoring would refuse, found by
    scoring it: a bare number where a share is measured (write ``"87.5%"``),
    an assessment level or a checklist item the rule does not know (with
    the closest name), a score outside a level's range — each located in
    the data (``assessment[0].level``, ``facts.management_rules``).  So a
    rubric that loads, with data that passes this check, scores.
    """
    file = os.fspath(data) if isinstance(data, (str, os.PathLike)) else None
    try:
        from ..data.structure import load_data

        dept = load_data(data)
    except DataError as exc:
        return list(exc.problems)
    shares: list[Problem] = []
    reads = share_reads(rubric)
    if reads:  # a bare number where a share is measured: located in the data file
        try:
            refuse_bare_shares(reads, dept, file)
        except DataError as exc:
            shares = list(exc.problems)
    scored = (rubric, dept)  # scoring takes the rubric as written (it expands a form itself)
    if has_target_rows(rubric):  # a project form: check the rows its targets generate
        try:
            # laid out as the form prints it ([form] points = "as_printed"), as evaluate does
            rubric = layout(rubric, dept, file=file)
            rubric, dept = expand(rubric, dept, file=file)
        except DataError as exc:
            return list(exc.problems)
    facts = Facts.from_department(dept)
    label = f"the data ({file})" if file else "the data"
    problems: list[Problem] = list(shares)
    seen: set[tuple[str, str]] = set()
    # A printed form's row that gives neither target nor result yet prints a 得分 is the
    # review's to report (a deviation "scored without figures"), not a missing value.
    unfigured = {f"targets.{t.id}.{field}" for t in dept.targets
                 if t.score is not None and t.target is None and t.actual is None
                 and t.level is None for field in ("completion", "actual", "target")}
    for where, key, line, expr, effect in _expressions(rubric):
        for name in sorted(expr.names):
            if name in facts or _guarded(expr, name) or (where, name) in seen \
                    or name in unfigured:
                continue
            seen.add((where, name))
            suggestion = _suggest(name, facts, dept)
            if suggestion is not None:
                text = f"'{name}' is not in {label} (did you mean '{suggestion}'?)"
            elif name in _STATIC:
                text = f"'{name}' is not reported in {label}: {effect}"
            else:
                text = f"'{name}' is not in {label}: {effect}"
            problems.append(Problem(f"{key}: {text}", where, rubric.file, line,
                                    expected=suggestion, got=name))
    if not shares:  # scoring stops at the bare shares: what else it refuses comes after
        problems += _refused(*scored, file, label)
    assessed = {a.indicator for a in dept.assessments}
    for ind in rubric.leaves():
        if ind.measure is None and ind.path not in assessed and ind.target_rows is None:
            problems.append(Problem(f"no [[assessment]] in {label} scores this indicator "
                                    "(it has no measure)", ind.path, rubric.file, ind.line,
                                    expected="an [[assessment]] with indicator = "
                                             f"\"{ind.path}\""))
    paths = [i.path for i in rubric.walk()]
    for index, assessment in enumerate(dept.assessments):
        path = assessment.indicator
        if path in rubric:
            continue
        close = difflib.get_close_matches(path, paths, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(Problem(f"an assessment for '{path}', an indicator this rubric does "
                                f"not have{hint}", f"assessment[{index}].indicator", file,
                                None, expected=close[0] if close else None, got=path))
    return problems


# The message of a value the data does not give (reported above, by name).
_ABSENT = "give the value in the data"


def _refused(rubric: Rubric, dept: Department, file: str | None, label: str) -> list[Problem]:
    """What scoring *dept* refuses, other than absent values, each located in the data."""
    try:
        evaluate(rubric, dept)
    except EvaluationError as exc:
        found = [_in_data(rubric, dept, p, file, label) for p in exc.problems
                 if _ABSENT not in p.message]
        return _with_lines(found, file)
    except DataError as exc:
        return list(exc.problems)
    except PerfrubricError as exc:  # anything else scoring refuses, said as it says it
        return [Problem(f"scoring would refuse {label}: {exc}", "", file)]
    return []


def _in_data(rubric: Rubric, dept: Department, problem: Problem, file: str | None,
             label: str) -> Problem:
    """*problem*, an indicator's, moved to the value of the data it is about."""
    path = problem.path
    ind = rubric.indicator(path) if path in rubric else None
    message = f"scoring would refuse {label}: {path}: {problem.message}"
    for index, assessment in enumerate(dept.assessments):
        if assessment.indicator == path:
            field = "level" if assessment.level is not None else "score"
            return Problem(message, f"assessment[{index}].{field}", file,
                           got=assessment.level)
    if ind is not None and ind.measure is not None and len(ind.measure.names) == 1 \
            and ind.measure.source.strip() in ind.measure.names:
        return Problem(message, ind.measure.source.strip(), file)
    return Problem(message, path, rubric.file, ind.line if ind is not None else None)


def _with_lines(problems: list[Problem], file: str | None) -> list[Problem]:
    """*problems* in the TOML data *file*, each with the line of its path."""
    if file is None or file.lower().endswith(".json") or \
            not any(p.file == file for p in problems):
        return problems
    try:
        positions = tomlpos.key_positions(read_text(file, DataError))
    except DataError:
        return problems
    out = []
    for p in problems:
        at = tomlpos.locate(positions, tomlpos.parse_path(p.path)) if p.file == file else None
        out.append(attrs.evolve(p, line=at[0], column=at[1]) if at else p)
    return out


def exact_names(rule: object) -> list[tuple[str, list[str]]]:
    """The names the data must spell exactly for *rule*: a checklist's items, the levels.

    ``[("checklist items", ['"已制定"', …])]``, each name quoted; empty for
    other rules.  ``perfrubric show`` prints them under each indicator.
    """
    if isinstance(rule, Checklist):
        return [("checklist items", [f'"{item}"' for item in rule.items])]
    if isinstance(rule, Levels):
        return [("levels", [f'"{level.name}"' for level in rule.levels])]
    return []
