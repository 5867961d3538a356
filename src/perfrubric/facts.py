"""Named facts: the department data as the dotted names measures use.

:class:`Facts` flattens a :class:`~perfrubric.model.Department` once per
evaluation into a dict from names (``staffing.on_post``,
``budget.sangong.actual``, ``targets.<id>.ratio``, ``facts.<name>``) to
values, so evaluating a measure is a dictionary lookup per name.
:func:`check_name` tells the rubric loader, before any data exists,
whether a name can ever have a value.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .decimals import to_decimal
from .errors import MeasureUnavailable
from .expr import Value
from .model import Budget, Department, Sangong, Staffing, Target
from .units import Money

__all__ = ["TARGET_FIELDS", "Facts", "check_name", "static_names"]

#: Fields of each target usable as ``targets.<id>.<field>``.
TARGET_FIELDS: tuple[str, ...] = ("target", "actual", "ratio", "reached", "previous", "growth",
                                  "completion")

#: Aggregates over all targets: ``targets.count`` and so on.
_TARGET_AGGREGATES: tuple[str, ...] = ("count", "reached_count", "reached_share",
                                       "completion")

#: Names derived from the model that are not plain fields.
_DERIVED: tuple[str, ...] = ("staffing.authorized_total", "budget.project_lines_total")

_SECTIONS: tuple[tuple[str, type], ...] = (
    ("staffing", Staffing), ("budget", Budget), ("budget.sangong", Sangong),
)


@functools.lru_cache(maxsize=1)
def static_names() -> tuple[str, ...]:
    """Every fixed name, generated from the model's attrs fields, sorted."""
    names = ["department.name", "department.year", "department.duties_count",
             "department.units_count", *_DERIVED]
    for prefix, cls in _SECTIONS:
        for field in attrs.fields(cls):
            if attrs.has(field.type) if isinstance(field.type, type) else False:
                continue
            if field.name in ("sangong", "project_lines", "authorized_by_kind"):
                continue
            names.append(f"{prefix}.{field.name}")
    names += [f"targets.{a}" for a in _TARGET_AGGREGATES]
    return tuple(sorted(names))


def check_name(name: str) -> str | None:
    """Return ``None`` if *name* can be a data name, else a message with a suggestion.

    >>> check_name("staffing.on_post") is None
    True
    >>> check_name("staffing.onpost")
    "unknown name 'staffing.onpost' (did you mean 'staffing.on_post'?)"
    """
    parts = name.split(".")
    if name in static_names():
        return None
    if parts[0] == "facts" and len(parts) >= 2:
        return None
    if parts[:2] == ["staffing", "authorized_by_kind"] and len(parts) == 3:
        return None
    if parts[:2] == ["budget", "lines"] and len(parts) == 3:
        return None
    if parts[:2] == ["targets", "category"] and len(parts) == 4 and parts[3] == "completion":
        return None
    if parts[0] == "targets" and len(parts) == 3:
        if parts[2] in TARGET_FIELDS:
            return None
        close = difflib.get_close_matches(parts[2], TARGET_FIELDS, n=1)
        hint = f" (did you mean 'targets.{parts[1]}.{close[0]}'?)" if close else ""
        return (f"unknown target field '{parts[2]}' in '{name}'{hint}; a target has "
                f"{', '.join(TARGET_FIELDS)}")
    options = [*static_names(), "facts.<name>", "targets.<id>.actual"]
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown name '{name}'{hint}; see docs/data.md for the names a measure can use"


def _plain(value: Any) -> Value | None:
    if value is None or isinstance(value, (bool, str, Decimal, Money)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return to_decimal(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


_NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*[%‰]?\s*$")


def _fact(value: Any) -> Value | None:
    """A free fact: text that reads as a number (``"584"``, ``"14.2%"``) is a number."""
    if isinstance(value, str) and _NUMBER_TEXT.match(value):
        return to_decimal(value)
    return _plain(value)


def _flatten(table: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """Nested fact tables become dotted names: ``facts.audit.findings``."""
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}.{key}")
        else:
            yield f"{prefix}.{key}", value


def _target_value(target: Target, field: str) -> Value | None:
    value = getattr(target, field)
    if value is None:
        return None
    if field in ("target", "actual", "previous") and target.is_money:
        return Money(value, target.unit or "元")
    return _plain(value)


def _lines(lines: tuple[Any, ...]) -> Iterator[Any]:
    for line in lines:
        yield line
        yield from _lines(line.lines)


def _mean(values: Iterator[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) / len(known) if known else None


@attrs.frozen
class Facts:
    """The values of one department under their dotted names."""

    values: Mapping[str, Value]

    @classmethod
    def from_department(cls, dept: Department) -> Facts:
        """Flatten *dept* (done once per evaluation)."""
        values: dict[str, Value | None] = {
            "department.name": dept.name,
            "department.year": None if dept.year is None else Decimal(dept.year),
            "department.duties_count": Decimal(len(dept.duties)),
            "department.units_count": Decimal(len(dept.units)),
        }
        for prefix, obj in (("staffing", dept.staffing), ("budget", dept.budget),
                            ("budget.sangong", dept.budget.sangong)):
            for field in attrs.fields(type(obj)):
                if field.name in ("sangong", "project_lines", "authorized_by_kind"):
                    continue
                values[f"{prefix}.{field.name}"] = _plain(getattr(obj, field.name))
        by_kind = dept.staffing.authorized_by_kind
        for kind, count in by_kind.items():
            values[f"staffing.authorized_by_kind.{kind}"] = Decimal(count)
        values["staffing.authorized_total"] = (
            Decimal(sum(by_kind.values())) if by_kind else None)
        lines = dept.budget.project_lines
        if lines:
            total = lines[0].amount
            for line in lines[1:]:
                total = total + line.amount
            values["budget.project_lines_total"] = total
        for line in _lines(lines):
            if line.id:
                values[f"budget.lines.{line.id}"] = line.amount
        reached = [t.reached for t in dept.targets if t.reached is not None]
        values["targets.count"] = Decimal(len(dept.targets))
        values["targets.reached_count"] = Decimal(sum(reached))
        values["targets.reached_share"] = (
            Decimal(sum(reached)) / Decimal(len(reached)) if reached else None)
        values["targets.completion"] = _mean(t.completion for t in dept.targets)
        categories = sorted({t.category for t in dept.targets if t.category})
        for category in categories:
            values[f"targets.category.{category}.completion"] = _mean(
                t.completion for t in dept.targets if t.category == category)
        for target in dept.targets:
            for field in TARGET_FIELDS:
                values[f"targets.{target.id}.{field}"] = _target_value(target, field)
        for key, value in _flatten(dept.facts, "facts"):
            values[key] = _fact(value)
        return cls({k: v for k, v in values.items() if v is not None})

    def resolve(self, name: str) -> Value:
        """The value of *name*; raise :class:`MeasureUnavailable` when it has none."""
        try:
            return self.values[name]
        except KeyError:
            raise MeasureUnavailable("missing", f"'{name}' has no value in the data") from None

    def get(self, name: str) -> Value | None:
        """The value of *name*, or ``None``."""
        return self.values.get(name)

    def names(self) -> tuple[str, ...]:
        """The names that have a value, sorted."""
        return tuple(sorted(self.values))
