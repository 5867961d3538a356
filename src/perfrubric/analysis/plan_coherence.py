"""What a plan may change, and the identities its data must keep (private to planning).

A plan is handed to a unit as 整改方向, so its figures must be ones the
unit could report next year:

* **kept facts** are never changed. :data:`DEFAULT_KEEP` holds the facts
  of the past year and of the budget as approved — the adjusted and
  initial budget, authorized staffing, last year's figures and the targets
  themselves; ``keep=`` replaces the set (``fnmatch`` patterns over data
  names: ``budget.sangong.*.previous_*``).
* **identities** the data kept before must still hold after: spending
  (``budget.final``) not above the adjusted budget; a share (a fact
  between 0 and 1 read as a percentage) within 0–100%; counts whole and
  not negative (the name's resolution, see ``_datanames``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from decimal import Decimal

from ..data.model import Department
from ..units import Money
from ._datanames import settable_value

__all__ = ["DEFAULT_KEEP", "broken_identities", "is_kept", "keep_patterns"]

#: Data names a plan leaves as they are unless ``keep=`` says otherwise: the
#: budget as approved, authorized staffing, the targets, and last year's figures.
DEFAULT_KEEP: tuple[str, ...] = (
    "budget.initial",
    "budget.adjusted",
    "budget.carryover_previous",
    "budget.sangong.previous_*",
    "budget.sangong.*.previous_*",
    "staffing.authorized",
    "staffing.authorized_by_kind.*",
    "targets.*.target",
    "targets.*.previous",
    "facts.previous_*",
    "facts.*.previous_*",
)


def keep_patterns(keep: Iterable[str] | None) -> tuple[str, ...]:
    """The patterns a plan keeps: :data:`DEFAULT_KEEP` for ``None``, else *keep* as given."""
    if keep is None:
        return DEFAULT_KEEP
    if isinstance(keep, str):
        return (keep,)
    return tuple(keep)


def is_kept(name: str, patterns: tuple[str, ...]) -> bool:
    """Whether the data name *name* matches one of the *patterns* (kept fixed)."""
    return any(name == p or fnmatch.fnmatchcase(name, p) for p in patterns)


def _amount(dept: Department, name: str) -> Decimal | None:
    value = settable_value(dept, name)
    if isinstance(value, Money):
        return value.amount if value.unit.symbol == "万元" else value.to("万元").amount
    return None


def broken_identities(before: Department, after: Department,
                      shares: Iterable[str] = ()) -> list[str]:
    """The identities *after* breaks that *before* kept, in words (empty: coherent).

    *shares* are the data names read as a share (0–100%).
    """
    out: list[str] = []
    spent, budget = _amount(after, "budget.final"), _amount(after, "budget.adjusted")
    was_spent, was_budget = _amount(before, "budget.final"), _amount(before, "budget.adjusted")
    if spent is not None and budget is not None and spent > budget and not (
            was_spent is not None and was_budget is not None and was_spent > was_budget):
        out.append("budget.final above budget.adjusted")
    for name in shares:
        old, new = settable_value(before, name), settable_value(after, name)
        if isinstance(new, Decimal) and not isinstance(new, bool) and not _ZERO <= new <= _ONE \
                and isinstance(old, Decimal) and _ZERO <= old <= _ONE:
            out.append(f"{name} outside 0–100%")
    return out


_ZERO = Decimal(0)
_ONE = Decimal(1)
