"""A rule's parameters in the scoring table's own words (private), for rubric diffs.

``bands`` read as the table writes them (``=0计5分``, ``0–10%(含)计4分``,
``>30%不得分``), ``levels`` as ``较好计80%``, checklist items as
``已制定2分``; other parameters as ``name: value``.  :func:`rule_changes`
lists only what changed between two rules: the bands, levels or items
that differ, or the parameters whose value differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ..indicators.base import label_number

__all__ = ["rule_changes", "rule_words"]

_PERCENT_KEYS = ("step", "limit", "threshold", "full_at", "zero_at")


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _n(value: Any, percent: bool) -> str:
    number = _dec(value)
    return str(value) if number is None else label_number(number, percent=percent)


def _points(value: Any) -> str:
    number = _dec(value)
    if number is not None and number == 0:
        return "不得分"
    return f"计{_n(value, False)}分"


def band_words(band: Mapping[str, Any], percent: bool) -> str:
    """One band as the table writes it: ``=0计5分``, ``0–10%(含)计4分``, ``>30%不得分``."""
    points = _points(band.get("points"))
    if "equals" in band:
        return f"={_n(band['equals'], percent)}{points}"
    low_key = "from" if "from" in band else "over" if "over" in band else None
    high_key = "upto" if "upto" in band else "below" if "below" in band else None
    if low_key and high_key:
        # 0–10%(含): the unit once, after the upper edge, as the tables write it
        low = _n(band[low_key], False if percent else percent)
        if percent and _dec(band[low_key]) is not None:
            low = label_number(Decimal(str(band[low_key])).scaleb(2))
        low += "(含)" if low_key == "from" else ""
        high = _n(band[high_key], percent) + ("(含)" if high_key == "upto" else "")
        return f"{low}–{high}{points}"
    if low_key:
        return f"{'≥' if low_key == 'from' else '>'}{_n(band[low_key], percent)}{points}"
    if high_key:
        return f"{'≤' if high_key == 'upto' else '<'}{_n(band[high_key], percent)}{points}"
    return f"其余{points}"


def _level_words(level: Mapping[str, Any]) -> str:
    name = str(level.get("level", "?"))
    if "points" in level and level["points"] is not None:
        return f"{name}{_points(level['points'])}"
    share = _dec(level.get("share"))
    if share is None:
        low, high = _dec(level.get("low")), _dec(level.get("high"))
        if low is not None and high is not None:
            return f"{name}计{label_number(low, percent=True)}–{label_number(high, percent=True)}"
        return name
    if share == 1:
        return f"{name}计满分"
    if share == 0:
        return f"{name}不得分"
    return f"{name}计{label_number(share, percent=True)}"


def _item_words(item: Any) -> str:
    if isinstance(item, Mapping):
        return f"{item.get('item', '?')}{_n(item.get('points'), False)}分"
    return str(item)


def _element(key: str, value: Any, percent: bool) -> str:
    if key == "bands" and isinstance(value, Mapping):
        return band_words(value, percent)
    if key == "levels" and isinstance(value, Mapping):
        return _level_words(value)
    if key == "items":
        return _item_words(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_scalar(k, v, percent)}" for k, v in value.items()) + "}"
    return _scalar(key, value, percent)


def _scalar(key: str, value: Any, percent: bool) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if key in _PERCENT_KEYS and percent:
        return _n(value, True)
    return str(value)


def _list(key: str, values: Sequence[Any], percent: bool) -> str:
    return "；".join(_element(key, v, percent) for v in values)


def _percent(rule: Mapping[str, Any]) -> bool:
    return rule.get("notation") == "percent"


def rule_words(rule: Mapping[str, Any] | None) -> str | None:
    """The whole rule in words: ``bands: =0计5分；0–10%(含)计4分`` (``None``: no rule)."""
    if rule is None:
        return None
    percent = _percent(rule)
    parts = [str(rule.get("kind", "?"))]
    for key, value in rule.items():
        if key == "kind":
            continue
        if isinstance(value, list):
            parts.append(f"{key}: {_list(key, value, percent)}")
        else:
            parts.append(f"{key}: {_scalar(key, value, percent)}")
    return parts[0] + "（" + "，".join(parts[1:]) + "）" if len(parts) > 1 else parts[0]


def rule_changes(a: Mapping[str, Any] | None,
                 b: Mapping[str, Any] | None) -> list[tuple[str, str | None, str | None]]:
    """What changed from rule *a* to rule *b*, as ``(field, before, after)`` in words.

    Another kind (or a rule added or dropped) is one ``rule`` change with
    both rules in words.  Within a kind, each parameter that differs is
    one change named after it; of a list (bands, levels, items) of the same
    length only the elements that differ are shown, in order.
    """
    if a == b:
        return []
    if a is None or b is None or a.get("kind") != b.get("kind"):
        return [("rule", rule_words(a), rule_words(b))]
    pa, pb = _percent(a), _percent(b)
    out: list[tuple[str, str | None, str | None]] = []
    for key in [*a, *(k for k in b if k not in a)]:
        if key == "kind":
            continue
        va, vb = a.get(key), b.get(key)
        if va == vb and (pa == pb or key not in ("bands", *_PERCENT_KEYS)):
            continue
        if isinstance(va, list) and isinstance(vb, list):
            if len(va) == len(vb):
                pairs = [(x, y) for x, y in zip(va, vb, strict=True)
                         if _element(key, x, pa) != _element(key, y, pb)]
                if not pairs:
                    continue
                out.append((key, "；".join(_element(key, x, pa) for x, _ in pairs),
                            "；".join(_element(key, y, pb) for _, y in pairs)))
            else:
                out.append((key, _list(key, va, pa), _list(key, vb, pb)))
            continue
        before = None if key not in a else (
            _list(key, va, pa) if isinstance(va, list) else _scalar(key, va, pa))
        after = None if key not in b else (
            _list(key, vb, pb) if isinstance(vb, list) else _scalar(key, vb, pb))
        if before != after:
            out.append((key, before, after))
    return out
