"""Reading and changing one data name of a :class:`Department` (private).

Planning proposes changes to the data a measure reads (``staffing.on_post``,
``budget.final``, ``facts.satisfaction``, ``targets.<id>.actual``).  This
module knows which names can be set (those read from one field; derived
names such as ``targets.completion`` cannot), what values they take (whole
counts, money in its unit, plain numbers), and builds the changed
department with :func:`attrs.evolve`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..data.facts import _SCHEMA
from ..data.model import Assessment, Department, Staffing
from ..decimals import Share
from ..units import Money

__all__ = ["ASSESSMENT", "Slot", "set_assessment", "set_value", "slot"]

#: Prefix of the pseudo data name of an indicator's assessment: ``assessment:<path>``.
ASSESSMENT = "assessment:"

_CHAINS = dict(_SCHEMA)
_TARGET_FIELDS = ("target", "actual", "previous")
_CENT = Decimal("0.01")


@attrs.frozen
class Slot:
    """What a settable name holds now and what it may hold.

    ``value`` is the current number (an amount in ``unit`` for money),
    ``unit`` the money unit (``None`` otherwise), ``step`` the resolution a
    proposed value is rounded to (1 for counts), ``minimum`` the lowest
    value allowed (``None``: any).
    """

    name: str
    value: Decimal
    unit: str | None
    step: Decimal
    minimum: Decimal | None


def _resolution(value: Decimal, *, whole_if_integral: bool) -> Decimal:
    if whole_if_integral and value == value.to_integral_value():
        return Decimal(1)
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return Decimal(1).scaleb(-places)


def _fact(dept: Department, name: str) -> Any:
    node: Any = dept.facts
    for key in name.split(".")[1:]:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def slot(dept: Department, name: str) -> Slot | None:
    """The numeric slot behind *name*, or ``None`` when it cannot be set to a number."""
    parts = name.split(".")
    if name in _CHAINS:
        current = _get_chain(dept, _CHAINS[name])
        if isinstance(current, bool) or current is None:
            return None
        if isinstance(current, int):
            return Slot(name, Decimal(current), None, Decimal(1), Decimal(0))
        if isinstance(current, Money):
            step = min(_resolution(current.amount, whole_if_integral=False), _CENT)
            return Slot(name, current.amount, current.unit.symbol, step, Decimal(0))
        if isinstance(current, Decimal):
            return Slot(name, current, None, _resolution(current, whole_if_integral=False),
                        Decimal(0))
        return None
    if parts[0] == "facts" and len(parts) >= 2:
        current = _fact(dept, name)
        if isinstance(current, bool) or not isinstance(current, Decimal):
            return None
        return Slot(name, current, None, _resolution(current, whole_if_integral=True),
                    Decimal(0) if current >= 0 else None)
    if parts[0] == "targets" and len(parts) == 3 and parts[2] in _TARGET_FIELDS:
        try:
            target = dept.target(parts[1])
        except KeyError:
            return None
        number = getattr(target, parts[2])
        if number is None:
            return None
        unit = target.unit if target.is_money else None
        return Slot(name, number, unit, _resolution(number, whole_if_integral=False),
                    Decimal(0) if number >= 0 else None)
    if parts[:2] == ["staffing", "authorized_by_kind"] and len(parts) == 3:
        count = dept.staffing.authorized_by_kind.get(parts[2])
        if count is None:
            return None
        return Slot(name, Decimal(count), None, Decimal(1), Decimal(0))
    return None


def settable_value(dept: Department, name: str) -> Any:
    """The raw value of a directly settable name (bool, text, items …) or ``None``."""
    if name.startswith("facts."):
        return _fact(dept, name)
    if name in _CHAINS:
        return _get_chain(dept, _CHAINS[name])
    return None


def _get_chain(obj: Any, chain: str) -> Any:
    for attr in chain.split("."):
        obj = getattr(obj, attr)
    return obj


def _set_chain(obj: Any, chain: list[str], value: Any) -> Any:
    head = chain[0]
    if len(chain) == 1:
        return attrs.evolve(obj, **{head: value})
    return attrs.evolve(obj, **{head: _set_chain(getattr(obj, head), chain[1:], value)})


def _set_fact(facts: Mapping[str, Any], keys: list[str], value: Any) -> dict[str, Any]:
    out = dict(facts)
    if len(keys) == 1:
        out[keys[0]] = value
    else:
        inner = facts.get(keys[0])
        out[keys[0]] = _set_fact(inner if isinstance(inner, Mapping) else {}, keys[1:], value)
    return out


def _plain_fact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain_fact(v) for k, v in value.items()}
    return value


def set_value(dept: Department, name: str, value: Any) -> Department:
    """A copy of *dept* with *name* set to *value*.

    *value* is a number (Decimal; an int field gets an int, a money field
    money in the field's unit) or, for a free fact or a yes/no field, the
    value itself (``True``, a level name, a tuple of items).
    """
    parts = name.split(".")
    if name in _CHAINS:
        chain = _CHAINS[name].split(".")
        current = _get_chain(dept, _CHAINS[name])
        if isinstance(current, Money) and isinstance(value, Decimal):
            value = Money(value, current.unit)
        elif isinstance(current, int) and not isinstance(current, bool) \
                and isinstance(value, Decimal):
            value = int(value)
        changed: Department = _set_chain(dept, chain, value)
        return changed
    if parts[0] == "facts":
        if isinstance(_fact(dept, name), Share) and type(value) is Decimal:
            value = Share(value)  # a share stays a share (a measure in % refuses a bare number)
        facts = _set_fact(_plain_fact(dept.facts), parts[1:], value)
        return attrs.evolve(dept, facts=facts)
    if parts[0] == "targets" and len(parts) == 3:
        targets = tuple(attrs.evolve(t, **{parts[2]: value}) if t.id == parts[1] else t
                        for t in dept.targets)
        return attrs.evolve(dept, targets=targets)
    if parts[:2] == ["staffing", "authorized_by_kind"] and len(parts) == 3:
        counts = dict(dept.staffing.authorized_by_kind)
        counts[parts[2]] = int(value)
        staffing: Staffing = attrs.evolve(dept.staffing, authorized_by_kind=counts)
        return attrs.evolve(dept, staffing=staffing)
    raise KeyError(name)  # pragma: no cover - callers check slot()/settable first


def set_assessment(dept: Department, assessment: Assessment) -> Department:
    """A copy of *dept* whose assessment of ``assessment.indicator`` is *assessment*."""
    others = tuple(a for a in dept.assessments if a.indicator != assessment.indicator)
    return attrs.evolve(dept, assessments=(*others, assessment))


def assessment_of(dept: Department, path: str) -> Assessment | None:
    """The assessment of the indicator at *path*, if the data gives one."""
    return next((a for a in dept.assessments if a.indicator == path), None)
