"""A department built quickly from a data document of ordinary values.

:func:`perfrubric.data.structure_department` goes through cattrs: every
value's type is dispatched, every failure collected with its path, so
that a bad document gets one located problem per mistake.  A batch of a
county's table builds one department per row, and nearly every row is
fine; :func:`quick_department` builds those with one constructor call per
class, each field converted by the very hook cattrs would use for its type
(the same checks, the same conversions, the model's own validators), from
closures built once per class, not per row.

Anything it does not take the simple way — a key the class does not have,
a type it does not handle, a value a hook or a validator refuses, a nested
table or a long list among the facts — hands the whole document to
:func:`~perfrubric.data.structure_department`, which reports every problem
at its path exactly as before.  So a document gives the same
:class:`~perfrubric.Department` (or the same :class:`~perfrubric.DataError`)
either way; ``tests/test_quick.py`` checks it over generated documents.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..files.reading import _HUGE_INT_BITS, MAX_ITEMS
from ..units import Money
from .fields import _fact_issues, _fact_key_ok, _fact_value, _opt_money
from .model import Assessment, Budget, Department, Sangong, SangongItem, Staffing, Target
from .structure import (
    _DEPARTMENT_KEYS,
    _SECTION_FIELDS,
    _as_printed,
    _structure_decimal,
    _structure_int,
    _structure_money,
    _structure_str,
    _with_ids,
    structure_department,
)

__all__ = ["build", "fact_reader", "field_reader", "quick_department"]

_Hook = Callable[[Any], Any]


class _Slow(Exception):
    """This document takes the general path."""


def _scalar_hook(tp: Any) -> _Hook | None:
    """The hook cattrs applies to a value of *tp* (without ``None``), or ``None`` if unknown."""
    for kind, hook in ((Decimal, _structure_decimal), (Money, _structure_money),
                       (int, _structure_int), (str, _structure_str)):
        if tp is kind:
            def convert(value: Any, _hook: Any = hook, _tp: Any = kind) -> Any:
                return _hook(value, _tp)
            return convert
    if tp is Any or typing.get_origin(tp) is Literal:
        return _given
    return None


def _given(value: Any) -> Any:
    return value


def _hook_for(tp: Any) -> _Hook:
    """A converter for a field of type *tp*; raises :class:`_Slow` for what it does not know."""
    optional = False
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        if len(args) == 1:
            tp = args[0]
            origin = typing.get_origin(tp)
        else:
            return _slow_field
    inner: _Hook | None = _scalar_hook(tp)
    if inner is None and attrs.has(tp) and tp in _BUILDERS:
        inner = _BUILDERS[tp]
    if inner is None and origin is tuple:
        item = typing.get_args(tp)
        if len(item) == 2 and item[1] is Ellipsis and item[0] in _BUILDERS:
            inner = _tuple_of(item[0])
    if inner is None:
        return _slow_field
    if not optional:
        return inner
    hook = inner

    def maybe(value: Any) -> Any:
        return None if value is None else hook(value)
    return maybe


def _slow_field(value: Any) -> Any:
    raise _Slow


def _tuple_of(cls: type) -> _Hook:
    def items(value: Any) -> tuple[Any, ...]:
        if type(value) is not list or len(value) > MAX_ITEMS:
            raise _Slow
        build = _BUILDERS[cls]
        return tuple([build(item) for item in value])
    return items


def _builder(cls: type, special: Mapping[str, _Hook] | None = None) -> _Hook:
    """``dict → cls(**converted)`` for the fields of *cls* given in the dict.

    The fields' hooks are filled in by :func:`_bind` once every builder
    exists (a field's hook may be another class's builder).
    """
    hooks: dict[str, tuple[str, _Hook]] = {}
    _PENDING.append((cls, hooks, dict(special or {})))
    _HOOKS[cls] = hooks

    def build(value: Any) -> Any:
        if type(value) is not dict:
            raise _Slow
        kwargs = {}
        for key, item in value.items():
            found = hooks.get(key)
            if found is None:
                raise _Slow  # an unknown key: the general path names it
            kwargs[found[0]] = found[1](item)
        return cls(**kwargs)
    return build


def _bind() -> None:
    """Give every builder's fields their hooks (the type hints read in each class's module)."""
    for cls, hooks, special in _PENDING:
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            if not field.init:
                continue
            hook = special.get(field.name)
            if hook is None and field.converter in _CONVERTS_FULLY:
                # The field's own converter reads the value exactly as the hook would
                # (the same function, and no looser): the hook would convert twice.
                hook = _given
            hooks[field.name] = (field.alias,
                                 hook if hook is not None else _hook_for(hints[field.name]))
    _PENDING.clear()


#: Field converters that do all a cattrs hook does for their type: ``_opt_money``
#: is ``_to_money`` (what ``_structure_money`` calls) and lets ``None`` through.
_CONVERTS_FULLY: frozenset[Any] = frozenset({_opt_money})


def _printed(value: Any) -> Any:
    return _as_printed(value, None)


def _facts(value: Any) -> Any:
    """The facts table, when it holds only plain values and short lists of them."""
    if type(value) is not dict:
        raise _Slow
    for key, item in value.items():
        if type(key) is not str:
            raise _Slow
        _plain_fact(item)
    return value


def _plain_fact(item: Any) -> None:
    """Raise :class:`_Slow` unless *item* is a plain value or a short list of them."""
    kind = type(item)
    if kind is list:
        if len(item) > MAX_ITEMS or any(type(x) not in _PLAIN for x in item):
            raise _Slow
    elif kind is int:
        if item.bit_length() > _HUGE_INT_BITS:
            raise _Slow
    elif kind not in _PLAIN:
        raise _Slow  # nested tables, and anything else: the general path


_PLAIN = frozenset({str, bool, float, Decimal})
_BUILDERS: dict[type, _Hook] = {}
_HOOKS: dict[type, dict[str, tuple[str, _Hook]]] = {}
_PENDING: list[tuple[type, dict[str, tuple[str, _Hook]], dict[str, _Hook]]] = []
for _cls in (SangongItem, Sangong, Staffing, Budget, Assessment):
    _BUILDERS[_cls] = _builder(_cls)
_BUILDERS[Target] = _builder(Target, {"target": _printed, "actual": _printed})
_BUILDERS[Department] = _builder(Department, {"facts": _facts})
_DEPARTMENT = _BUILDERS[Department]
_bind()
_SECTIONS = frozenset(("department", *_SECTION_FIELDS))
_HEAD_KEYS = frozenset(_DEPARTMENT_KEYS)


def quick_department(document: Mapping[str, Any]) -> Department:
    """The :class:`Department` of *document*, the quick way when its values are ordinary.

    Gives what :func:`~perfrubric.data.structure_department` gives (the same
    department, or the same :class:`~perfrubric.DataError` with every problem
    located), faster for a document of plain values such as a table's row.
    """
    try:
        return _quick(document)
    except Exception:  # anything unusual: the general path says what is wrong, if anything
        return structure_department(document)


def _quick(document: Mapping[str, Any]) -> Department:
    if type(document) is not dict:
        raise _Slow
    head = document.get("department")
    if type(head) is not dict or not _HEAD_KEYS.issuperset(head):
        raise _Slow
    fields = dict(head)
    for section, value in document.items():
        if section == "department":
            continue
        if section not in _SECTIONS:
            raise _Slow
        fields[_SECTION_FIELDS[section]] = value
    targets = fields.get("targets")
    if type(targets) is list:
        fields["targets"] = _with_ids(targets)
    dept: Department = _DEPARTMENT(fields)
    return dept


def field_reader(cls: type, name: str) -> _Hook | None:
    """One field of *cls* read alone: a document's value → the value ``cls(...)`` would hold.

    Applies what building *cls* from a document applies to that field — the
    hook of its type, the field's converter and its validator — and raises
    (any exception) where the document would be refused.  ``None`` when the
    field is not a plain one this module builds (the caller takes the
    general path).  Validators that look at other fields are not run: the
    model has none on the fields this gives a reader for.
    """
    hooks = _HOOKS.get(cls)
    found = hooks.get(name) if hooks is not None else None
    if found is None or found[1] is _slow_field:
        return None
    hook = found[1]
    attribute = attrs.fields_dict(cls)[name]
    converter = attribute.converter
    validator = attribute.validator
    if converter is not None and not callable(converter):
        return None  # an attrs Converter taking the instance: not read alone

    def read(value: Any) -> Any:
        value = hook(value)
        if converter is not None:
            value = converter(value)
        if validator is not None:
            validator(None, attribute, value)
        return value
    return read


def build(cls: type, fields: dict[str, Any]) -> Any:
    """``cls`` built from a document's *fields* the quick way; raises where it would be refused.

    For the classes this module builds (targets, assessments, the sections);
    a refusal is any exception: the caller takes the general path, which
    says what is wrong.
    """
    return _BUILDERS[cls](fields)


def fact_reader(key: str) -> _Hook | None:
    """One free fact read alone: a document's value → the value ``Department.facts[key]`` holds.

    Raises (any exception) where building the department would refuse the
    value or take the general path; ``None`` when *key* is not a plain
    fact name (the caller takes the general path).
    """
    if "." in key or not _fact_key_ok(key):
        return None

    def read(value: Any) -> Any:
        _plain_fact(value)
        value = _fact_value(value)
        if _fact_issues({key: value}):
            raise _Slow
        return value
    return read
