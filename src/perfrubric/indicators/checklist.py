"""``checklist``: items each worth points (①…1分 ②…1分，每少一项扣1分)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError, did_you_mean
from .base import Outcome, ParamReader, RuleKind, as_bool, as_items, register_kind
from .inverse import ItemSets

__all__ = ["Checklist"]

_ZERO = Decimal(0)


@register_kind
@attrs.frozen
class Checklist(RuleKind):
    """Score the items met.

    ``mode = "each"``: every item met earns its points, and the items'
    points must add up to the indicator's (checked at load).
    ``mode = "deduct"``: every missing item costs its points, 扣完为止 (no
    sum check).  ``item_points`` holds, per item, what it earns or costs.
    In TOML, ``items`` lists names (with ``each = 1`` or ``deduct = 1``) or
    tables ``{ item = "…", points = 1 }``.  The measured value is the list
    of item names met, or a table of item = true/false.  Checklists have no
    order (``direction`` is ``None``).
    """

    kind: ClassVar[str] = "checklist"
    points: Decimal
    items: tuple[str, ...]
    item_points: tuple[Decimal, ...]
    mode: str = "each"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Checklist:
        """Read ``items`` with ``each`` (points per item met) or ``deduct`` (per item missing)."""
        r = ParamReader(params)
        raw = r.raw("items")
        names: list[str] = []
        own: list[Decimal | None] = []
        if not isinstance(raw, list) or not raw:
            r.problem("items", "expected a non-empty list of item names (or of tables "
                               "{ item = \"…\", points = 1 })", expected="array", got=raw)
            raw = []
        for i, item in enumerate(raw):
            if isinstance(item, str) and item.strip():
                names.append(item)
                own.append(None)
            elif isinstance(item, Mapping):
                sub = ParamReader(item, prefix=f"items[{i}].")
                names.append(sub.text("item"))
                own.append(sub.decimal("points", non_negative=True))
                r.adopt([sub])
            else:
                r.problem(f"items[{i}]", "expected an item name or { item = \"…\", points = 1 }, "
                                         f"got {item!r}", expected="string or table", got=item)
        items_ok = not r.problems
        dup = sorted({n for n in names if n and names.count(n) > 1})
        if dup:
            r.problem("items", "duplicate items: " + ", ".join(f"'{n}'" for n in dup))
        mode = "deduct" if r.has("deduct") else "each"
        if r.has("each") and r.has("deduct"):
            r.problem("deduct", "give either 'each' (points per item met) or 'deduct' "
                                "(points lost per missing item), not both")
        per_item: Decimal | None = None
        if r.has(mode):
            before = len(r.problems)
            per_item = r.decimal(mode, positive=True)
            items_ok = items_ok and len(r.problems) == before
        elif any(p is None for p in own):
            r.problem("each", "missing; say how many points each item earns (each = 1) or "
                              "what a missing item costs (deduct = 1)",
                      expected="each or deduct")
            items_ok = False
        item_points = [p if p is not None else per_item or _ZERO for p in own]
        total = sum(item_points, _ZERO)
        if mode == "each" and items_ok and total != points:
            r.problem("items", f"the items add up to {total} points but the indicator has "
                               f"{points}", expected=str(points), got=total)
        r.done()
        return cls(points, tuple(names), tuple(item_points), mode)

    def params(self) -> Mapping[str, Any]:
        """Return ``{"items": [names], "each" | "deduct": …}``, as a table would read.

        When the items are worth different points they come back as
        ``{ item, points }`` tables; in deduct mode ``deduct`` then gives
        the first item's cost (tables carry their own).
        """
        first = self.item_points[0]
        if first > 0 and all(p == first for p in self.item_points):
            return {"items": list(self.items), self.mode: first}
        items = [{"item": n, "points": p}
                 for n, p in zip(self.items, self.item_points, strict=True)]
        return {"items": items, "deduct": first} if self.mode == "deduct" else {"items": items}

    def score(self, value: object) -> Outcome:
        """Score the items met: a list of names, or a table of name = yes/no.

        ``matched`` is ``"2/3"`` (items met / items); ``detail`` holds the
        ``met`` and ``missing`` item names, in the rubric's order.  An item
        the rubric does not list is a :class:`RuleInputError`.
        """
        if isinstance(value, Mapping):
            flags: dict[str, bool] = {}
            for key, flag in value.items():
                try:
                    flags[str(key)] = as_bool(flag)
                except RuleInputError as exc:
                    raise RuleInputError(f"item '{key}': {exc}") from None
            given = list(flags)
            met_names = {k for k, v in flags.items() if v}
        else:
            given = list(as_items(value))
            met_names = set(given)
        unknown = [k for k in dict.fromkeys(given) if k not in self.items]
        if unknown:
            raise RuleInputError(
                "unknown " + ("item " if len(unknown) == 1 else "items ")
                + ", ".join(f"'{k}'{did_you_mean(k, self.items)}" for k in unknown)
                + "; the items are " + ", ".join(f"'{k}'" for k in self.items))
        met = [n for n in self.items if n in met_names]
        missing = [n for n in self.items if n not in met_names]
        lost = sum((p for n, p in zip(self.items, self.item_points, strict=True)
                    if n not in met_names), _ZERO)
        score = max(self.points - lost, _ZERO)
        return Outcome(score, deducted=self.points - score,
                       matched=f"{len(met)}/{len(self.items)}",
                       detail={"met": met, "missing": missing})

    def values_for(self, score: Decimal) -> ItemSets:
        """The sets of items met earning *score*: missing items cost ≤ points − score."""
        if score > self.points:
            return ItemSets(self.items, self.item_points, Decimal(-1))
        if score <= 0:
            return ItemSets(self.items, self.item_points, sum(self.item_points, _ZERO))
        return ItemSets(self.items, self.item_points, self.points - score)
