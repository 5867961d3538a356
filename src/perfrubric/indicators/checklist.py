"""``checklist``: items each worth points (①…1分 ②…1分，每少一项扣1分)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..errors import RuleInputError
from .base import Outcome, ParamReader, RuleKind, register_kind

_ZERO = Decimal(0)


@register_kind
@attrs.frozen
class Checklist(RuleKind):
    """Score the items met.

    With ``each``, every item met earns its points (and the items' points
    must add up to the indicator's).  With ``deduct``, every missing item
    deducts that many points, 扣完为止.  Items may also be tables
    ``{ item = "…", points = 1 }``.  The measured value is the list of item
    names met, or a table of item = true/false.
    """

    kind: ClassVar[str] = "checklist"
    points: Decimal
    items: tuple[str, ...]
    item_points: tuple[Decimal, ...]
    mode: str  # "each" or "deduct"
    deduct: Decimal = _ZERO

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> Checklist:
        """Read ``items`` with ``each`` or ``deduct``."""
        r = ParamReader(params)
        raw = r.raw("items")
        names: list[str] = []
        item_points: list[Decimal | None] = []
        if not isinstance(raw, list) or not raw:
            r.problem("items", "expected a non-empty list of item names", got=raw)
            raw = []
        for i, item in enumerate(raw):
            if isinstance(item, str):
                names.append(item)
                item_points.append(None)
            elif isinstance(item, Mapping):
                sub = ParamReader(item, prefix=f"items[{i}].")
                names.append(sub.text("item"))
                item_points.append(sub.decimal("points", non_negative=True))
                r.adopt([sub])
            else:
                r.problem(f"items[{i}]", f"expected an item name or {{ item, points }}, "
                                         f"got {item!r}")
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            r.problem("items", f"duplicate items: {', '.join(dup)}")
        has_each, has_deduct = r.has("each"), r.has("deduct")
        mode, deduct = "each", _ZERO
        if has_each and has_deduct:
            r.problem("deduct", "give either 'each' (points per item met) or 'deduct' "
                                "(points lost per missing item), not both")
        if has_deduct:
            mode = "deduct"
            deduct = r.decimal("deduct", positive=True)
            item_points = [p if p is not None else deduct for p in item_points]
        else:
            each = r.decimal("each", positive=True) if has_each else None
            if each is None and any(p is None for p in item_points):
                r.problem("each", "missing; say how many points each item earns "
                                  "(each = 1) or what a missing item costs (deduct = 1)")
                each = Decimal(1)
            item_points = [p if p is not None else each for p in item_points]
            total = sum((p for p in item_points if p is not None), _ZERO)
            if not r.problems and total != points:
                r.problem("items", f"the items add up to {total} points but the indicator "
                                   f"has {points}")
        r.done()
        return cls(points, tuple(names), tuple(p or _ZERO for p in item_points), mode, deduct)

    def params(self) -> Mapping[str, Any]:
        """Return the items with their points and the mode."""
        items = [{"item": n, "points": p} for n, p in zip(self.items, self.item_points,
                                                           strict=True)]
        if self.mode == "deduct":
            return {"items": items, "deduct": self.deduct}
        return {"items": items}

    def score(self, value: object) -> Outcome:
        """Score the items met (a list of names or a table of name = yes/no)."""
        if isinstance(value, Mapping):
            met_names = [k for k, v in value.items() if v is True]
            unknown = [k for k in value if k not in self.items]
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            met_names = list(value)
            unknown = [k for k in value if k not in self.items]
        else:
            raise RuleInputError(f"expected a list of the items met, got {value!r}")
        if unknown:
            raise RuleInputError(f"unknown items {', '.join(unknown)}; the items are "
                                 f"{', '.join(self.items)}")
        met = [n for n in self.items if n in met_names]
        missing = [n for n in self.items if n not in met_names]
        lost = sum((p for n, p in zip(self.items, self.item_points, strict=True)
                    if n in missing), _ZERO)
        score = max(self.points - lost, _ZERO)
        return Outcome(score, deducted=self.points - score,
                       matched=f"{len(met)}/{len(self.items)}",
                       detail={"met": met, "missing": missing})
