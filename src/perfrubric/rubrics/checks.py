"""Reading the values of a rubric document, and reporting located problems.

:class:`_Checker` is the base of the rubric builder: typed readers
(strings, numbers, choices, roundings, expressions, arrays of tables) that
record a :class:`~perfrubric.errors.Problem` with file, TOML path, line and
column instead of raising, so one load reports every mistake; and the
location of any part of a merged (``extends``) document in the file that
wrote it.  The builder itself is split by concern:
:mod:`perfrubric._building_parts` (grades, either-or groups, vetoes,
figures) and :mod:`perfrubric.building` (the document and its indicator
tree).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..data.facts import check_name
from ..decimals import ROUNDING_MODES, NumberOutOfBounds, Rounding, to_decimal
from ..errors import ExpressionError, Problem, did_you_mean
from ..expr import Expression, parse_expression
from ..files import tomlpos as _tomlpos
from ..files.settings import Origins, PathTuple, Source, origin, place_text
from . import keys

__all__: list[str] = []


class _Checker:
    """One load: the document's sources, and the problems found so far."""

    def __init__(self, source: Source, origins: Origins) -> None:
        self.file = source.file
        self.source = source
        self.origins = origins
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- problems -------------------------------------------------------------

    def where(self, path: PathTuple) -> tuple[str | None, int | None, int | None]:
        """File, line and column of *path* in the document it came from."""
        source, original = origin(self.origins, self.source, path)
        pos = _tomlpos.locate(source.positions, original) if source.positions else None
        return source.file, (pos[0] if pos else None), (pos[1] if pos else None)

    def problem(self, path: PathTuple, message: str, *, expected: str | None = None,
                got: object = None) -> None:
        file, line, column = self.where(path)
        self.problems.append(Problem(
            message,
            path=_tomlpos.format_path(origin(self.origins, self.source, path)[1]),
            file=file,
            line=line,
            column=column,
            expected=expected,
            got=None if got is None else repr(got),
        ))

    def written_here(self, path: PathTuple) -> bool:
        """Whether *path* was written in the loaded file itself (not in a parent rubric)."""
        return origin(self.origins, self.source, path)[0] is self.source

    def blame(self, total: PathTuple, parts: Sequence[_Row], whole: PathTuple,
              what: str = "its row") -> tuple[PathTuple, str]:
        """Where a sum problem is reported, and the second place it cites.

        A sum that a rubric extending another breaks is reported at the row
        of the loaded file that changed it (the *total* itself, or the first
        part it added or changed), and the message cites *whole* (the row of
        the parent rubric) second.  Without ``extends`` it is the *total*.
        """
        candidates = [total] + [("indicator", r.index, "weight" if "weight" in r.table
                                 else "points") for r in parts]
        at = next((c for c in candidates if self.written_here(c)), total)
        source, original = origin(self.origins, self.source, whole)
        if source is self.source:
            return at, ""
        return at, f" ({what} in the parent rubric: {place_text(source, original)})"

    def unknown_keys(self, table: Mapping[str, Any], allowed: Sequence[str],
                     path: PathTuple) -> None:
        for key in table:
            if key not in allowed:
                self.problem(path + (key,),
                             f"unknown key '{key}'{did_you_mean(key, allowed)}",
                             expected=", ".join(allowed), got=key)

    def table(self, value: Any, path: PathTuple, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problem(path, f"expected {what} (a table), got {_kind_of(value)}",
                     expected="table", got=value)
        return None

    def string(self, table: Mapping[str, Any], key: str, path: PathTuple, *,
               required: bool = False) -> str | None:
        if key not in table:
            if required:
                self.problem(path + (key,), f"missing; '{key}' is required", expected="string")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(path + (key,), f"expected a non-empty string, got {_kind_of(value)}",
                         expected="string", got=value)
            return None
        return value

    def number(self, table: Mapping[str, Any], key: str, path: PathTuple, *,
               positive: bool = False) -> Decimal | None:
        if key not in table:
            return None
        value = table[key]
        try:
            number = to_decimal(value)
        except ValueError as exc:
            lead = re.match(r"\s*([+-]?\d+(?:\.\d+)?)\s*分\s*$", value) \
                if isinstance(value, str) else None
            hint = f"; write the bare number: {key} = {lead[1]}" if lead else ""
            self.problem(path + (key,), str(exc) if isinstance(exc, NumberOutOfBounds) else
                         f"expected a number, got {_kind_of(value)}{hint}", expected="number",
                         got=value if isinstance(value, str) else None)
            return None
        if number < 0 or (positive and number == 0):
            bound = "greater than 0" if positive else "0 or more"
            self.problem(path + (key,), f"must be {bound}, got {value!r}",
                         expected=f"number {bound}", got=value)
            return None
        return number

    def choice(self, table: Mapping[str, Any], key: str, path: PathTuple,
               choices: Sequence[str], default: str) -> str:
        value = table.get(key, default)
        if value not in choices:
            options = " | ".join(f'"{c}"' for c in choices)
            self.problem(path + (key,),
                         f"expected {options}, got {value!r}{did_you_mean(str(value), choices)}",
                         expected=options, got=value)
            return default
        return str(value)

    def rounding(self, table: Mapping[str, Any], key: str, path: PathTuple) -> Rounding | None:
        if key not in table:
            return None
        value = self.table(table[key], path + (key,),
                           "a rounding { places = 2, mode = \"half_up\" }")
        if value is None:
            return None
        self.unknown_keys(value, keys.ROUNDING.names, path + (key,))
        places = value.get("places", 2)
        mode = value.get("mode", "half_up")
        ok = True
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 12:
            self.problem(path + (key, "places"),
                         f"expected a whole number from 0 to 12, got {places!r}",
                         expected="0..12", got=places)
            ok = False
        if not isinstance(mode, str) or mode not in ROUNDING_MODES:
            options = ", ".join(ROUNDING_MODES)
            self.problem(path + (key, "mode"),
                         f"unknown rounding mode {mode!r}{did_you_mean(str(mode), ROUNDING_MODES)};"
                         f" expected one of {options}", expected=options, got=mode)
            ok = False
        return Rounding(places, mode) if ok else None

    def expression(self, table: Mapping[str, Any], key: str, path: PathTuple) -> Expression | None:
        source = self.string(table, key, path)
        if source is None:
            return None
        try:
            expr = parse_expression(source)
        except ExpressionError as exc:
            self.problem(path + (key,),
                         f"{exc.message} (at column {exc.column} of the expression {source!r})",
                         expected="an expression", got=source)
            return None
        for name in sorted(expr.names):
            message = check_name(name)
            if message is not None:
                self.problem(path + (key,), f"{message} in the expression {source!r}", got=name)
        return expr

    def entries(self, raw: Any, top: str, what: str, keys: Sequence[str]
                ) -> Iterator[tuple[int, PathTuple, Mapping[str, Any]]]:
        """The tables of an array of tables ``[[top]]``, each checked for unknown keys."""
        if raw is None:
            return
        if not isinstance(raw, list):
            self.problem((top,), f"expected [[{top}]] entries (an array of tables)", got=raw)
            return
        for i, item in enumerate(raw):
            path: PathTuple = (top, i)
            table = self.table(item, path, what)
            if table is not None:
                self.unknown_keys(table, keys, path)
                yield i, path, table


class _Row:
    """One [[indicator]] row while loading (mutable scratch)."""

    __slots__ = ("index", "path", "points", "table", "weight")

    def __init__(self, index: int, path: str, table: Mapping[str, Any]) -> None:
        self.index = index
        self.path = path
        self.table = table
        self.points: Decimal | None = None
        self.weight: Decimal | None = None

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


def _relocate(builder: _Checker, problem: Problem, path: PathTuple) -> Problem:
    file, line, column = builder.where(path)
    original = origin(builder.origins, builder.source, path)[1]
    return Problem(
        problem.message, path=_tomlpos.format_path(original), file=file,
        line=line, column=column, expected=problem.expected, got=problem.got,
    )


def _is_number(value: object) -> bool:
    try:
        to_decimal(value)
    except ValueError:
        return False
    return True


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "?"
    text = format(value.normalize(), "f")
    return text


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float, Decimal)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__

