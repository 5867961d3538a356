"""Scoring one record of a batch, in this process or in a worker process.

A record's payload (a data dict, a :class:`~perfrubric.Department` or a data
file) becomes an *outcome*: the totals, or the problems that stopped it.
Outcomes cross process boundaries packed cheaply (:func:`_pack`,
:func:`_unpack`); :mod:`perfrubric.batch.records` turns them into results.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..data.model import Department
from ..engine.compiled import CompiledRubric, Totals
from ..errors import DataError, EvaluationError, PerfrubricError, Problem
from ..rubrics.model import Rubric
from .forms import form_review

# What a worker sends back: ("ok", Totals, FormReview | None) | ("data", problems) |
# ("eval", indicator, message) | ("error", message).  Exceptions are not sent
# as such: a located error does not survive pickling with its problems.
_Outcome = tuple[Any, ...]

_COMPILED: dict[str, CompiledRubric] = {}
_FORMS: dict[str, bool] = {}


def _is_form(rubric: Rubric) -> bool:
    """Whether *rubric* scores project forms (tiers of rows from targets), once per rubric."""
    found = _FORMS.get(rubric.sha256)
    if found is None:
        from ..engine.target_rows import has_target_rows

        found = _FORMS[rubric.sha256] = has_target_rows(rubric)
    return found


@attrs.frozen
class Refused:
    """A record refused before scoring (a long table's form with conflicting cells)."""

    problems: tuple[Problem, ...]


@attrs.frozen
class Scored:
    """A record scored while it was read (a long table's form, from its cells).

    ``outcome`` is what :func:`_score` would give for it; ``code`` and
    ``name`` are the department's, as its data document gives them.
    """

    outcome: _Outcome
    code: str | None = None
    name: str | None = None


def _compiled(rubric: Rubric) -> CompiledRubric:
    """The compiled form of *rubric*, built once per process."""
    found = _COMPILED.get(rubric.sha256)
    if found is None or found.rubric is not rubric:
        found = _COMPILED[rubric.sha256] = CompiledRubric(rubric)
    return found


def _score(compiled: CompiledRubric, payload: Any, trace: bool) -> _Outcome:
    from ..data.quick import quick_department
    from ..data.structure import load_data

    if type(payload) is Scored:
        return payload.outcome
    if isinstance(payload, Refused):
        return ("data", payload.problems)
    if payload is None:  # a row refused before scoring: its problems are already known
        return ("error", "not read")
    try:
        if isinstance(payload, Department):
            dept = payload
        elif isinstance(payload, Mapping):
            dept = quick_department(payload)  # structure_department, quicker
        else:
            dept = load_data(payload)
        totals = compiled.run(dept, trace=trace)
        review = form_review(compiled.rubric, dept, totals.scores) if _is_form(compiled.rubric) \
            else None
        return ("ok", totals, review)
    except DataError as exc:
        if isinstance(payload, (str, os.PathLike)):
            # the rows of a form file are checked after it is read: give them its lines
            from ..engine.target_rows import _located

            return ("data", tuple(_located([p for p in exc.problems if p.file is None],
                                           os.fspath(payload))
                                  + [p for p in exc.problems if p.file is not None]))
        return ("data", exc.problems)
    except EvaluationError as exc:
        return ("eval", exc.indicator, exc.message)
    except PerfrubricError as exc:
        return ("error", str(exc))


_WORKER: dict[str, Any] = {}


def _worker_init(rubric: Rubric, trace: bool, measured: bool) -> None:
    _WORKER["compiled"] = _compiled(rubric)
    _WORKER["trace"] = trace
    _WORKER["measured"] = measured


def _worker_chunk(payloads: list[Any]) -> list[_Outcome]:
    compiled, trace, measured = _WORKER["compiled"], _WORKER["trace"], _WORKER["measured"]
    return [_pack(_score(compiled, p, trace), trace, measured, compiled.rubric)
            for p in payloads]


_RS = "\x1e"  # ASCII record separator: never part of a number


def _pack(outcome: _Outcome, trace: bool, measured: bool, rubric: Rubric) -> _Outcome:
    """A worker's outcome made cheap to send: the leaf scores as one text, in leaf order.

    Pickling thirty Decimals (and their paths) per unit costs more than
    scoring the unit; one string costs little.  A traced evaluation is sent
    without its rubric, which the parent has (the whole rubric, pickled with
    every unit, cost four times the scoring); a project form's evaluation
    keeps the rubric its rows were generated into.
    """
    if outcome[0] != "ok":
        return outcome
    review = outcome[2]
    if trace:
        traced: Totals = outcome[1]
        ev = traced.evaluation
        if ev is not None and ev.rubric is rubric:
            # the parent puts its rubric back (_unpack) before anyone sees it
            bare = attrs.evolve(ev, rubric=None)  # type: ignore[arg-type]
            return ("traced", attrs.evolve(traced, evaluation=bare), review)
        return outcome
    totals: Totals = outcome[1]
    if review is not None:
        # a form's leaves are its own generated rows: send their paths along
        return ("ok", attrs.evolve(totals, measured=dict(totals.measured) if measured else {}),
                review)
    return ("packed", str(totals.total), totals.grade, totals.status,
            _RS.join(map(str, totals.scores.values())),
            dict(totals.measured) if measured else None)


def _unpack(outcome: _Outcome, leaves: Sequence[str], rubric: Rubric) -> _Outcome:
    if outcome[0] == "traced":
        traced: Totals = outcome[1]
        assert traced.evaluation is not None
        return ("ok", attrs.evolve(traced, evaluation=attrs.evolve(traced.evaluation,
                                                                   rubric=rubric)),
                outcome[2])
    if outcome[0] != "packed":
        return outcome
    _, total, grade, status, scores, measured = outcome
    values = map(Decimal, scores.split(_RS)) if scores else ()
    return ("ok", Totals(Decimal(total), grade, status, dict(zip(leaves, values, strict=True)),
                         measured or {}), None)
