"""Inverse rules: which measured values earn at least a given score.

:meth:`RuleKind.values_for(score) <perfrubric.indicators.RuleKind.values_for>`
answers "which values earn at least *score* points?" with one of:

* :class:`ValueRange` — for ordered kinds (``ratio``, ``threshold``,
  ``step_deduction``, ``bands``, ``per_event``): a union of
  intervals (:class:`Interval`), each end open or closed, optionally whole numbers
  only (``per_event`` counts events);
* :class:`Choices` — for ``levels`` (the level names) and ``yes_no``
  (``True`` and/or ``False``);
* :class:`ItemSets` — for ``checklist``: every set of items met whose
  missing items cost at most :attr:`ItemSets.max_lost` points;
* ``None`` — the kind cannot answer (``judged``: the value *is* an
  evaluator's score; a plan never proposes changing a judgement).

"Earn" means the rule's own score (:attr:`Outcome.score`) before the
engine rounds it; the answers are exact under Decimal arithmetic: every
value returned scores at least *score*, and a value just outside scores
less.  This module knows nothing of the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

import attrs

__all__ = ["Choices", "Interval", "Inverse", "ItemSets", "ValueRange"]


def _show(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text


@attrs.frozen
class Interval:
    """Values from *low* to *high* (``None``: unbounded); the flags say whether the ends count."""

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool

    def contains(self, x: Decimal) -> bool:
        """Whether *x* lies in the interval."""
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None
                    and (x > self.high or (x == self.high and not self.high_inclusive)))

    @property
    def empty(self) -> bool:
        """Whether no value lies in the interval."""
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high
                                        and not (self.low_inclusive and self.high_inclusive))

    def __str__(self) -> str:
        left = "(-∞" if self.low is None else ("[" if self.low_inclusive else "(") + _show(self.low)
        right = "+∞)" if self.high is None else _show(self.high) + (
            "]" if self.high_inclusive else ")")
        return f"{left}, {right}"


@attrs.frozen
class ValueRange:
    """A union of intervals of numbers; with *whole*, only whole numbers count.

    An empty ``intervals`` means no value earns the score.
    """

    intervals: tuple[Interval, ...]
    whole: bool = False

    @classmethod
    def everything(cls, *, whole: bool = False) -> ValueRange:
        """Every number (every whole number ≥ 0 with *whole*)."""
        if whole:
            return cls((Interval(Decimal(0), True, None, False),), whole=True)
        return cls((Interval(None, False, None, False),))

    @classmethod
    def nothing(cls) -> ValueRange:
        """No value at all."""
        return cls(())

    @property
    def empty(self) -> bool:
        """Whether no value lies in the range."""
        return not self.intervals

    def contains(self, value: object) -> bool:
        """Whether *value* (a number) lies in the range."""
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return False
        x = Decimal(value)
        if self.whole and x != x.to_integral_value():
            return False
        return any(i.contains(x) for i in self.intervals)

    def __str__(self) -> str:
        return " ∪ ".join(str(i) for i in self.intervals) or "∅"


@attrs.frozen
class Choices:
    """A finite set of values: level names, or ``True``/``False`` for yes/no."""

    values: tuple[object, ...]

    @property
    def empty(self) -> bool:
        """Whether no value is allowed."""
        return not self.values

    def contains(self, value: object) -> bool:
        """Whether *value* is one of the choices."""
        return any(type(v) is type(value) and v == value for v in self.values)


@attrs.frozen
class ItemSets:
    """The checklists that earn the score: items met such that the missing ones cost ≤ *max_lost*.

    ``items`` and ``item_points`` are the rule's, in its order.  A negative
    ``max_lost`` means no set of items earns the score.
    """

    items: tuple[str, ...]
    item_points: tuple[Decimal, ...]
    max_lost: Decimal

    @property
    def empty(self) -> bool:
        """Whether no set of items earns the score."""
        return self.max_lost < 0

    def lost(self, met: Iterable[str]) -> Decimal:
        """The points the items not in *met* cost."""
        chosen = set(met)
        return sum((p for n, p in zip(self.items, self.item_points, strict=True)
                    if n not in chosen), Decimal(0))

    def contains(self, met: Iterable[str]) -> bool:
        """Whether meeting exactly the items *met* earns the score."""
        return not self.empty and self.lost(met) <= self.max_lost

    def to_add(self, met: Iterable[str]) -> tuple[str, ...] | None:
        """The fewest items to add to *met* so that the set earns the score.

        Adds the costliest missing items first (ties in the rule's order),
        which needs the fewest items; ``None`` when no set earns the score.
        """
        if self.empty:
            return None
        chosen = set(met)
        missing = sorted(((p, i, n) for i, (n, p) in enumerate(zip(self.items, self.item_points,
                                                                    strict=True))
                          if n not in chosen), key=lambda t: (-t[0], t[1]))
        lost = sum((p for p, _, _ in missing), Decimal(0))
        added: list[str] = []
        for points, _, name in missing:
            if lost <= self.max_lost:
                break
            added.append(name)
            lost -= points
        return tuple(n for n in self.items if n in added)


#: What :meth:`RuleKind.values_for` returns (``None`` when a kind cannot answer).
Inverse = ValueRange | Choices | ItemSets


# -- helpers for the kinds -----------------------------------------------------------


def at_least(edge: Decimal, earns: Callable[[Decimal], bool]) -> Decimal:
    """The smallest Decimal at or just above *edge* that *earns* (exact to the last digit).

    *edge* is computed with a division that may round; this steps it up by
    one unit in the last place at a time until the rule agrees.  (A value
    a unit in the last place below may still earn through the rule's own
    rounding; the edge stays the one arithmetic gives, which reads well.)
    """
    for _ in range(50):
        if earns(edge):
            break
        edge = edge.next_plus()
    return edge


def at_most(edge: Decimal, earns: Callable[[Decimal], bool]) -> Decimal:
    """The largest Decimal at or just below *edge* that *earns* (see :func:`at_least`)."""
    for _ in range(50):
        if earns(edge):
            break
        edge = edge.next_minus()
    return edge


def merge(intervals: Sequence[Interval]) -> tuple[Interval, ...]:
    """Sort *intervals* by their lower end and join those that touch or overlap."""
    def low_key(i: Interval) -> tuple[int, Decimal, int]:
        return (0, Decimal(0), 0) if i.low is None else (1, i.low, 0 if i.low_inclusive else 1)

    out: list[Interval] = []
    for cur in sorted((i for i in intervals if not i.empty), key=low_key):
        if out:
            prev = out[-1]
            touches = prev.high is None or cur.low is None or prev.high > cur.low or (
                prev.high == cur.low and (prev.high_inclusive or cur.low_inclusive))
            if touches:
                if prev.high is None or (cur.high is not None and (
                        prev.high > cur.high or (prev.high == cur.high and prev.high_inclusive))):
                    continue
                out[-1] = Interval(prev.low, prev.low_inclusive, cur.high, cur.high_inclusive)
                continue
        out.append(cur)
    return tuple(out)
