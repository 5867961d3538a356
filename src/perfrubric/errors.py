"""The exception family of perfrubric.

Every error a user can cause is a :class:`PerfrubricError`.  Errors about a
rubric or a data file carry one or more :class:`Problem` objects, each with
the file, the path inside the document (``indicator[3].rule.step`` for a
rubric, ``budget.project.lines[1].amount`` for data), and, where known, the
line and column, so that tools need not parse messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "DataError",
    "EvaluationError",
    "ExpressionError",
    "MeasureUnavailable",
    "MissingDependencyError",
    "ParamError",
    "PerfrubricError",
    "PluginError",
    "Problem",
    "RubricError",
    "RuleInputError",
    "did_you_mean",
]


@attrs.frozen
class Problem:
    """One located problem in a rubric or data document.

    ``path`` uses dots for tables and ``[i]`` for array items, counted from
    0 (``indicator[3].rule.bands[1].points``).  ``line`` and ``column`` are
    1-based and ``None`` when unknown.
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    got: str | None = None

    def location(self) -> str:
        """Return ``file:line:column`` (the parts that are known)."""
        parts = [self.file or "<string>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.path:
            text += f"{self.path}: "
        text += self.message
        return text


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest of *options*, or ``""``."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    return (
        problem.file or "",
        problem.line if problem.line is not None else 1 << 30,
        problem.column or 0,
        problem.path,
    )


class PerfrubricError(Exception):
    """Base class of every error perfrubric raises for bad input."""


class _LocatedError(PerfrubricError):
    """An error made of one or more located :class:`Problem` objects."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = tuple(sorted(problems, key=_sort_key))
        if not self.problems:
            raise ValueError("an error needs at least one problem")
        super().__init__(self._summary())

    def _summary(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems:\n" + "\n".join(f"  {line}" for line in lines)

    # Convenience accessors for the first (earliest) problem, so that the
    # common single-problem case reads like tomllib's TOMLDecodeError.
    @property
    def file(self) -> str | None:
        """The file of the first problem."""
        return self.problems[0].file

    @property
    def path(self) -> str:
        """The document path of the first problem."""
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        """The line of the first problem (1-based), if known."""
        return self.problems[0].line

    @property
    def column(self) -> int | None:
        """The column of the first problem (1-based), if known."""
        return self.problems[0].column


class RubricError(_LocatedError):
    """A rubric could not be loaded: syntax, structure, sums, rules, names.

    ``problems`` lists every problem found, sorted by position.
    """


class DataError(_LocatedError):
    """Department data could not be loaded or does not fit the model."""


class ExpressionError(PerfrubricError):
    """A measure expression is not valid.

    Carries the expression ``source`` and the 1-based ``column`` where the
    problem starts, so the rubric loader can point at it.
    """

    def __init__(self, message: str, source: str, column: int) -> None:
        self.message = message
        self.source = source
        self.column = column
        super().__init__(f"{message} (at column {column} of {source!r})")


class ParamError(PerfrubricError):
    """A rule kind's parameters are not valid.

    ``problems`` is a sequence of :class:`Problem` whose ``path`` is relative
    to the rule table (``bands[1].upto``); the rubric loader prefixes it with
    the indicator's location.
    """

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message
                                   for p in self.problems))


class MeasureUnavailable(PerfrubricError):
    """A measure could not be computed from the data.

    Raised while evaluating a measure when a name has no value in the data
    (``reason == "missing"``) or a division by zero occurs
    (``reason == "division_by_zero"``).  The engine applies the indicator's
    missing-data policy; under the ``error`` policy it becomes an
    :class:`EvaluationError`.
    """

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(detail)


class RuleInputError(PerfrubricError):
    """A rule kind was given a measured value it cannot score.

    For example a checklist given a number.  The engine re-raises it as an
    :class:`EvaluationError` naming the indicator.
    """


class EvaluationError(PerfrubricError):
    """Scoring failed; ``indicator`` names the (first) indicator's path.

    ``problems`` holds one :class:`Problem` per indicator that failed, its
    ``path`` the indicator path, in table order: scoring with several
    missing values reports every one at once.  ``indicator`` and
    ``message`` are the first problem's.
    """

    def __init__(self, indicator: str, message: str, *,
                 more: Sequence[Problem] = ()) -> None:
        self.indicator = indicator
        self.message = message
        self.problems: tuple[Problem, ...] = (Problem(message, indicator), *more)
        if more:
            text = f"{len(self.problems)} problems:\n" + "\n".join(
                f"  {p.path}: {p.message}" if p.path else f"  {p.message}"
                for p in self.problems)
        else:
            text = f"{indicator}: {message}"
        super().__init__(text)

    @classmethod
    def collect(cls, errors: Sequence[EvaluationError]) -> EvaluationError:
        """One error carrying every problem of *errors* (at least one), in their order."""
        problems = [p for e in errors for p in e.problems]
        first = problems[0]
        return cls(first.path, first.message, more=problems[1:])


class PluginError(PerfrubricError):
    """A plugin (a ``--plugin`` module or a ``perfrubric.kinds`` entry point) failed to load."""


class MissingDependencyError(PerfrubricError, ImportError):
    """An optional dependency is needed for this feature and is not installed."""

    def __init__(self, feature: str, install: str) -> None:
        self.feature = feature
        self.install = install
        super().__init__(f"{feature} needs an optional dependency: pip install '{install}'")
