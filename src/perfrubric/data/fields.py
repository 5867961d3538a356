"""The edge of the domain model: its errors, converters and validators.

:mod:`perfrubric.model` declares the classes of the basic data table; this
module holds what their fields use: :class:`FieldError` (which field, what
was expected), the converters that turn what a data file writes into typed
values (``"601.53万元"`` → :class:`~perfrubric.units.Money`, ``0.1`` →
``Decimal("0.1")`` through :func:`str`, dicts → read-only mappings), and the
validators that refuse what cannot be true.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import ItemsView, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, Union

import attrs

from ..decimals import MAX_MAGNITUDE, NumberOutOfBounds, Share, check_bounds, to_decimal
from ..errors import PerfrubricError
from ..units import Money

#: One step of a path inside the model: a field name, a key, or a list index.
PathPart = Union[str, int]  # noqa: UP007 - a runtime alias

#: The directions a target may have: more is better, or less is better.
DIRECTIONS: tuple[str, ...] = ("higher", "lower")


# -- errors --------------------------------------------------------------------------


@attrs.frozen
class FieldIssue:
    """One reason a model object could not be built.

    ``path`` is relative to the object being built: ``("retired",)`` for a
    :class:`Staffing`, ``("targets", 2, "id")`` for a :class:`Department`.
    """

    path: tuple[PathPart, ...]
    message: str
    expected: str | None = None
    got: str | None = None

    @property
    def where(self) -> str:
        """The path as text: ``targets[2].id``."""
        return _format_path(self.path)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.path else self.message


class FieldError(PerfrubricError, ValueError):
    """A model object was given a value it cannot hold.

    ``issues`` lists each problem with its field path, what was expected
    and what was given.  :func:`perfrubric.data.load_data` turns these into
    located :class:`~perfrubric.errors.DataError` problems.
    """

    def __init__(self, issues: Sequence[FieldIssue] | FieldIssue) -> None:
        self.issues: tuple[FieldIssue, ...] = (
            (issues,) if isinstance(issues, FieldIssue) else tuple(issues))
        super().__init__("; ".join(str(issue) for issue in self.issues))


def _format_path(path: Sequence[PathPart]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def _fail(name: str | Sequence[PathPart], message: str, expected: str | None,
          got: object) -> FieldError:
    path = (name,) if isinstance(name, str) else tuple(name)
    shown = str(got) if isinstance(got, (Decimal, Money)) else repr(got)
    return FieldError(FieldIssue(path, message, expected, shown))


# -- converters (the edge) -----------------------------------------------------------

# An amount, then a unit that cannot begin with a digit ("601.53" has no unit).
_MONEY_TEXT = re.compile(r"^\s*([-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*"
                         r"([^\d\s.,+-]\S*)\s*$")
_MONEY_EXPECTED = 'money such as "601.53万元" or { amount = 601.53, unit = "万元" }'
_SHARE_SIGNS = ("%", "％", "‰")
_NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*[%％‰]?\s*$")  # ％: full-width


def _to_money(value: Money | str | Mapping[str, Any]) -> Money:
    """Read money given as :class:`Money`, ``"601.53万元"`` or ``{amount, unit}``.

    Raises :class:`ValueError` (an unknown unit: :class:`UnitError`) with a
    message that says what was expected.
    """
    if isinstance(value, Money):
        amount = check_bounds(value.amount, value, places=None)  # written out in full later
        return value if amount is value.amount else Money(amount, value.unit)
    if isinstance(value, str):
        match = _MONEY_TEXT.match(value)
        if not match:
            raise ValueError(f"expected {_MONEY_EXPECTED}, got {value!r}")
        return Money(to_decimal(match[1], percent=False), match[2])
    if isinstance(value, Mapping):
        keys = set(value)
        if keys != {"amount", "unit"}:
            raise ValueError(f"expected {_MONEY_EXPECTED}, got a table with "
                             f"{', '.join(sorted(map(str, keys))) or 'no keys'}")
        if isinstance(value["unit"], str):
            return Money(to_decimal(value["amount"], percent=False), value["unit"])
        raise ValueError(f"expected the unit as text such as \"万元\", got {value['unit']!r}")
    raise ValueError(f"expected {_MONEY_EXPECTED}, got {value!r}")


def _opt_money(value: Money | str | Mapping[str, Any] | None) -> Money | None:
    return None if value is None else _to_money(value)


def _opt_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value)


_T = TypeVar("_T")


def _as_tuple(value: Iterable[_T], what: str) -> tuple[_T, ...]:
    if isinstance(value, (str, bytes, Mapping)):
        raise ValueError(f"expected a list of {what}, got {value!r}")
    return tuple(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return _as_tuple(value, "text")


class _FrozenMap(Mapping[str, _T]):
    """A read-only, hashable, picklable mapping (what a frozen model holds)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, _T] | Iterable[tuple[str, _T]] = ()) -> None:
        self._data: dict[str, _T] = dict(data)

    def __getitem__(self, key: str) -> _T:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> ItemsView[str, _T]:
        """The (key, value) pairs (a view of the underlying dict)."""
        return self._data.items()

    def get(self, key: str, default: Any = None) -> Any:
        """The value of *key*, or *default* (the dict's own lookup, without Mapping's)."""
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[_FrozenMap[_T]], tuple[dict[str, _T]]]:
        return (type(self), (self._data,))


_MAX_INT = int(MAX_MAGNITUDE)


class _OutOfBounds:
    """A fact beyond the bounds of perfrubric.decimals; the validator reports it."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _fact_value(value: Any) -> Any:
    """Convert one free fact: numbers (and numeric text) to Decimal, lists to tuples."""
    kind = type(value)
    if kind is int and -_MAX_INT <= value <= _MAX_INT:
        return Decimal(value)
    if kind is str:
        if not _NUMBER_TEXT.match(value):
            return value
        try:
            number = to_decimal(value)
        except NumberOutOfBounds as exc:
            return _OutOfBounds(str(exc))
        # "87.5%" says it is a share; a measure in % reads it, and refuses a bare 87.5.
        return Share(number) if value.rstrip().endswith(_SHARE_SIGNS) else number
    if kind is Share:
        return value
    if value is None or kind is bool:
        return value
    if isinstance(value, (int, float, Decimal)):
        try:
            return to_decimal(value)
        except NumberOutOfBounds as exc:
            return _OutOfBounds(str(exc))
        except ValueError:
            return value  # NaN or infinity: the validator names it
    if isinstance(value, Mapping):
        return _FrozenMap({k: _fact_value(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def _facts(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of facts, got {value!r}")
    converted: Mapping[str, Any] = _fact_value(value)
    return converted


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of counts by kind, got {value!r}")
    return _FrozenMap(value)


def _opt_assessed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value  # refused by the validator, with its path
    return _fact_value(value)


# -- validators (on the field) -------------------------------------------------------

_COUNT = "a whole number ≥ 0"
#: The longest identifier (a target id, a category, a fact name): measures name it
#: (``targets.<id>.actual``), and expressions are bounded in length.
NAME_MAX = 64
_NAME_PART = (f"an identifier (letters, digits, _; not starting with a digit or __; at most "
              f"{NAME_MAX} characters)")


def _is_name_part(text: object) -> bool:
    return (isinstance(text, str) and text.isidentifier() and not text.startswith("__")
            and len(text) <= NAME_MAX)


def _count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(attribute.name, f"expected {_COUNT}, got {value!r}", _COUNT, value)
    if value < 0:
        raise _fail(attribute.name, f"must not be negative, got {value}", _COUNT, value)


def _text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail(attribute.name, f"expected non-empty text, got {value!r}",
                    "non-empty text", value)


def _opt_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _identifier(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not _is_name_part(value):
        raise _fail(attribute.name, f"must be {_NAME_PART} so that measures can name it, "
                    f"got {value!r}", _NAME_PART, value)


def _non_negative_money(_instance: object, attribute: attrs.Attribute[Any],
                        value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise _fail(attribute.name, f"expected {_MONEY_EXPECTED}, got {value!r}",
                    _MONEY_EXPECTED, value)
    if value.amount < 0:
        raise _fail(attribute.name, f"an amount in the basic data table must not be "
                    f"negative, got {value}", "an amount ≥ 0", value)


def _non_negative(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Decimal) and value < 0:
        raise _fail(attribute.name, f"must not be negative, got {value}", "a number ≥ 0", value)


def _items_of(cls: type, what: str) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise _fail((attribute.name, i), f"expected {what}, got {item!r}", what, item)
    return check


def _year(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        shown = value if not isinstance(value, int) or abs(value) < 10**20 else "a huge number"
        raise _fail(attribute.name, f"expected a year such as 2021, got {shown!r}",
                    "a four-digit year", shown)


def _direction(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in DIRECTIONS:
        raise _fail(attribute.name, f"expected \"higher\" (more is better) or \"lower\" "
                    f"(less is better), got {value!r}", '"higher" or "lower"', value)


def _by_kind(_instance: object, attribute: attrs.Attribute[Any],
             value: Mapping[str, int]) -> None:
    issues = []
    for kind, count in value.items():
        path = (attribute.name, kind)
        if not _is_name_part(kind):
            issues.append(FieldIssue(path, f"a kind must be {_NAME_PART}, got {kind!r}",
                                     _NAME_PART, repr(kind)))
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            issues.append(FieldIssue(path, f"expected {_COUNT}, got {count!r}", _COUNT,
                                     repr(count)))
    if issues:
        raise FieldError(issues)


@functools.lru_cache(maxsize=4096)
def _fact_key_ok(key: str) -> bool:
    return all(_is_name_part(part) for part in key.split("."))


def _is_fact_key(key: object) -> bool:
    return isinstance(key, str) and _fact_key_ok(key)


def _fact_issues(facts: Mapping[str, Any],
                prefix: tuple[PathPart, ...] = ()) -> list[FieldIssue]:
    """Every problem with a table of free facts, each with its path.

    A fact is a number, yes/no, text, a list of text (a checklist's items
    met), or a table of facts; its key (each dotted part of it) must be an
    identifier so that a measure can name it as ``facts.<key>``.
    """
    found: list[FieldIssue] = []
    for key, value in facts.items():
        kind = type(value)
        if (kind is str or kind is bool or value is None
                or (kind is Decimal and value.is_finite())) and _is_fact_key(key):
            continue  # the common case, checked fast
        path = (*prefix, key)
        if not _is_fact_key(key):
            found.append(FieldIssue(path, f"a fact's name must be {_NAME_PART} so that "
                                    f"'facts.<name>' can name it, got {key!r}", _NAME_PART,
                                    repr(key)))
        elif isinstance(value, Mapping):
            found += _fact_issues(value, path)
        elif isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                found.append(FieldIssue(path, "a list fact must hold text items only (the "
                                        "items of a checklist met)", "a list of text",
                                        repr(value)))
        elif isinstance(value, (float, Decimal)) and not _finite(value):
            found.append(FieldIssue(path, f"expected a finite number, got {value}",
                                    "a finite number", repr(value)))
        elif isinstance(value, _OutOfBounds):
            found.append(FieldIssue(path, value.message, "a number within ±1e15, at most 12 "
                                    "decimal places", "(out of bounds)"))
        elif value is not None and not isinstance(value, (bool, int, float, str, Decimal)):
            found.append(FieldIssue(path, "expected a number, yes/no, text or a list of "
                                    f"text, got {type(value).__name__}",
                                    "a number, yes/no, text or a list of text", repr(value)))
    return found


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _check_facts(_instance: object, attribute: attrs.Attribute[Any],
                 value: Mapping[str, Any]) -> None:
    issues = _fact_issues(value, (attribute.name,))
    if issues:
        raise FieldError(issues)


def _assessed_value(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    ok = value is None or isinstance(value, (bool, Decimal, str)) or (
        isinstance(value, tuple) and all(isinstance(v, str) for v in value))
    if not ok:
        raise _fail(attribute.name, f"expected a number, yes/no, text or a list of text, "
                    f"got {value!r}", "a number, yes/no, text or a list of text", value)
