"""The search behind next-grade plans (private): fewest indicators, then the least change.

:class:`_Search` receives, for each indicator a plan may change, its
options (:class:`~perfrubric.analysis.plan_options._Option`, one score
each) with a **gain**: the indicator's own points, or — for an option
whose data change is read by other indicators, conditions or vetoes
(*entangled*) — the change of the raw total measured by scoring it alone,
side effects included.  Candidates are ordered by the plan's key: the
number of indicators, then the steps stated on the measure only, then the
steps outside ``prefer``, then the total relative change (cost).

Level by level (1 indicator, 2, …), the cheapest candidate that the rubric,
scored again, confirms is the answer:

* **exhaustive** when a level has few combinations (``_EXACT`` at most):
  every combination is listed and sorted by key; one whose gains are
  additive (at most one entangled option) is decided by its gains, one
  with several entangled options by scoring it;
* **branch and bound** otherwise: indicators by largest gain first, a
  combination abandoned as soon as the gains left cannot cover the need
  or its key's lower bound (the cost so far plus the points still needed at
  the cheapest cost per point) is no better than the best found.

The search runs against a deadline; when it passes, the search stops and
says so (:attr:`_Search.complete` false) with the best plan found so far.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from .plan_options import _Option

_ZERO = Decimal(0)
_INF = Decimal("Infinity")
_EXACT = 6000  # combinations of one level listed exhaustively
_TICK = 64  # nodes of the branch and bound between two looks at the clock

Key = tuple[int, int, Decimal]


@attrs.frozen
class _Cand:
    """One option of one indicator, with its gain and its part of the plan's key."""

    group: int  # the indicator's index in the table order of the candidates
    option: _Option
    gain: Decimal
    entangled: bool
    off_data: int
    not_preferred: int
    names: frozenset[str] = frozenset()  # the data names it changes
    affected: frozenset[str] | None = None  # the indicators it may move (None: any)

    @property
    def cost(self) -> Decimal:
        return self.option.cost


class _Stopped(Exception):
    """The deadline passed."""


class _Search:
    """Finds the cheapest combination (one option per indicator) whose gains reach *need*.

    *verify* scores a combination again and says whether it reaches the
    grade (``None``: the changed data no longer score, or break an
    identity).  ``checked`` counts the combinations scored again,
    ``complete`` whether the search finished before the deadline.
    """

    def __init__(self, groups: Sequence[Sequence[_Cand]], need: Decimal,
                 verify: Callable[[tuple[_Cand, ...]], bool], deadline: float,
                 headroom: Mapping[str, Decimal] | None = None) -> None:
        self.groups = [sorted(g, key=lambda c: (c.off_data, c.not_preferred, c.cost))
                       for g in groups if g]
        self.need = need
        self._verify = verify
        self.deadline = deadline
        self.checked = 0
        self.complete = True
        self.verdicts: dict[tuple[int, ...], bool] = {}
        self.headroom = headroom or {}

    def _room(self, cands: Sequence[_Cand]) -> Decimal:
        """An upper bound on what *cands* together can gain.

        The points still missing on every indicator one of them may move
        (infinite when one may move any: a condition or a veto reads it).
        """
        paths: set[str] = set()
        for c in cands:
            if c.affected is None:
                return _INF
            paths |= c.affected
        return sum((self.headroom.get(p, _INF) for p in paths), _ZERO)

    @staticmethod
    def _overlap(combo: Sequence[_Cand]) -> bool:
        """Whether two candidates change the same data name (not one plan)."""
        seen: set[str] = set()
        for c in combo:
            if seen & c.names:
                return True
            seen |= c.names
        return False

    # -- helpers

    def _late(self) -> bool:
        return time.monotonic() > self.deadline

    def verify(self, combo: tuple[_Cand, ...]) -> bool:
        ident = tuple(id(c) for c in combo)
        if ident not in self.verdicts:
            if self._late():
                raise _Stopped
            self.checked += 1
            self.verdicts[ident] = self._verify(combo)
        return self.verdicts[ident]

    @staticmethod
    def key(combo: Sequence[_Cand]) -> tuple[int, int, Decimal, tuple[int, ...]]:
        return (sum(c.off_data for c in combo), sum(c.not_preferred for c in combo),
                sum((c.cost for c in combo), _ZERO), tuple(sorted(c.group for c in combo)))

    def _count(self, k: int) -> int:
        """How many combinations level *k* has (the elementary symmetric sum of sizes)."""
        e = [1] + [0] * k
        for g in self.groups:
            for j in range(k, 0, -1):
                e[j] += e[j - 1] * len(g)
                if e[j] > _EXACT:
                    e[j] = _EXACT + 1
        return e[k]

    # -- the search

    def run(self) -> tuple[_Cand, ...] | None:
        """The cheapest confirmed combination, or ``None`` (none found, or the deadline)."""
        n = len(self.groups)
        best_gain = sorted((max(c.gain for c in g) for g in self.groups), reverse=True)
        best_room = sorted((max(self._room((c,)) if c.entangled else c.gain for c in g)
                            for g in self.groups), reverse=True)
        entangled = sum(1 for g in self.groups if any(c.entangled for c in g))
        try:
            for k in range(1, n + 1):
                reachable = sum(best_gain[:k], _ZERO) >= self.need
                if not reachable and (entangled < 2
                                      or sum(best_room[:k], _ZERO) < self.need):
                    continue  # no k-combination can reach the need
                if self._count(k) <= _EXACT:
                    found = self._exhaustive(k)
                elif reachable:
                    found = self._branch_and_bound(k)
                else:
                    continue
                if found is not None:
                    return found
        except _Stopped:
            self.complete = False
        return None

    def _exhaustive(self, k: int) -> tuple[_Cand, ...] | None:
        combos: list[tuple[tuple[int, int, Decimal, tuple[int, ...]], tuple[_Cand, ...]]] = []
        for groups in itertools.combinations(self.groups, k):
            for combo in itertools.product(*groups):
                combos.append((self.key(combo), combo))
        combos.sort(key=lambda t: t[0])
        for n, (_, combo) in enumerate(combos):
            if n % _TICK == 0 and self._late():
                raise _Stopped
            if self._overlap(combo):
                continue
            gain = sum((c.gain for c in combo), _ZERO)
            if gain < self.need and (sum(1 for c in combo if c.entangled) < 2
                                     or self._room(combo) < self.need):
                continue  # additive, or bounded: decided without scoring
            if self.verify(combo):
                return combo
        return None

    def _branch_and_bound(self, k: int) -> tuple[_Cand, ...] | None:
        order = sorted(range(len(self.groups)),
                       key=lambda i: -max(c.gain for c in self.groups[i]))
        groups = [self.groups[i] for i in order]
        top = [max(c.gain for c in g) for g in groups]
        n = len(groups)
        # rate[i]: the least cost per point over the options of groups[i:].
        rate = [_ZERO] * (n + 1)
        least: Decimal | None = None
        for i in range(n - 1, -1, -1):
            for c in groups[i]:
                if c.gain > 0 and (least is None or c.cost / c.gain < least):
                    least = c.cost / c.gain
            rate[i] = least if least is not None else _ZERO
        best: list[tuple[tuple[int, int, Decimal], tuple[_Cand, ...]]] = []
        nodes = 0

        def upper(i: int, slots: int) -> Decimal:
            return sum(top[i:i + slots], _ZERO)  # groups sorted by top gain

        def visit(i: int, slots: int, gain: Decimal, off: int, pref: int, cost: Decimal,
                  chosen: tuple[_Cand, ...]) -> None:
            nonlocal nodes
            nodes += 1
            if nodes % _TICK == 0 and self._late():
                raise _Stopped
            if slots == 0:
                if gain >= self.need:
                    key = (off, pref, cost)
                    if (not best or key < best[0][0]) and self.verify(chosen):
                        best[:] = [(key, chosen)]
                return
            if n - i < slots or gain + upper(i, slots) < self.need:
                return
            if best:
                bound = (off, pref, cost + max(self.need - gain, _ZERO) * rate[i])
                if bound >= best[0][0]:
                    return
            for cand in groups[i]:
                if any(cand.names & c.names for c in chosen):
                    continue
                visit(i + 1, slots - 1, gain + cand.gain, off + cand.off_data,
                      pref + cand.not_preferred, cost + cand.cost, (*chosen, cand))
            visit(i + 1, slots, gain, off, pref, cost, chosen)

        visit(0, k, _ZERO, 0, 0, _ZERO, ())
        return best[0][1] if best else None

    def greedy(self) -> tuple[_Cand, ...] | None:
        """A plan found fast, for when the search stops: largest gains first, then pruned.

        Takes each indicator's largest gain until the need is covered (all of
        them if need be), confirms it by scoring, then drops every step the
        plan still reaches the grade without.
        """
        order = sorted(self.groups, key=lambda g: -max(c.gain for c in g))
        chosen: list[_Cand] = []
        gain = _ZERO
        for g in order:
            free = [c for c in g if not any(c.names & o.names for o in chosen)]
            if not free:
                continue
            pick = max(free, key=lambda c: (c.gain, -c.cost))
            chosen.append(pick)
            gain += pick.gain
            if gain >= self.need and self._check(tuple(chosen)):
                break
        else:
            if not chosen or not self._check(tuple(chosen)):
                return None
        return self.prune(tuple(chosen))

    def _check(self, combo: tuple[_Cand, ...]) -> bool:
        ident = tuple(id(c) for c in combo)
        if ident not in self.verdicts:
            self.checked += 1
            self.verdicts[ident] = self._verify(combo)
        return self.verdicts[ident]

    def prune(self, combo: tuple[_Cand, ...]) -> tuple[_Cand, ...]:
        """*combo* without the steps it reaches the grade without (dearest first)."""
        for cand in sorted(combo, key=lambda c: (-c.cost, -c.group)):
            rest = tuple(c for c in combo if c is not cand)
            if rest and self._check(rest):
                combo = rest
        return combo
