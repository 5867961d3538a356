"""The JSON shape of an :class:`~perfrubric.evaluation.Evaluation` (via cattrs).

The shape is documented in ``docs/json.md`` and is part of the public
contract: keys are only ever added.  Decimals become strings without
trailing zeros (``"100"``, ``"94.33"``); money becomes
``{"amount": "601.53", "unit": "万元"}``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import cattrs

from .units import Money

if TYPE_CHECKING:
    from .evaluation import Evaluation

#: Version of the JSON shape; bumped only for incompatible changes.
SCHEMA_VERSION = 1


def decimal_text(value: Decimal) -> str:
    """Canonical text of a Decimal: plain notation, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _money(value: Money) -> dict[str, str]:
    return {"amount": decimal_text(value.amount), "unit": value.unit.symbol}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Money):
        return _money(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_unstructure_hook(Decimal, decimal_text)
    conv.register_unstructure_hook(Money, _money)
    return conv


_CONVERTER = _converter()


def evaluation_to_dict(ev: Evaluation) -> dict[str, Any]:
    """Build the documented dict for *ev* (all values JSON-ready)."""
    conv = _CONVERTER
    indicators = []
    for result in ev.results.values():
        item = conv.unstructure(result)
        item["name"] = result.name
        item["depth"] = result.depth
        item["lost"] = decimal_text(result.lost)
        item["measured"] = _plain(result.measured)
        item["detail"] = _plain(dict(result.detail))
        item["children"] = list(result.children)
        indicators.append(item)
    return {
        "schema": SCHEMA_VERSION,
        "rubric": {
            "id": ev.rubric.id,
            "version": ev.rubric.version,
            "sha256": ev.rubric.sha256,
            "title": dict(ev.rubric.title),
        },
        "department": ev.department,
        "year": ev.year,
        "total": decimal_text(ev.total),
        "raw_total": decimal_text(ev.raw_total),
        "full_marks": decimal_text(ev.full_marks),
        "counted_points": decimal_text(ev.counted_points),
        "rescaled": ev.rescaled,
        "grade": ev.grade,
        "rated": ev.rated,
        "cannot_rate": list(ev.cannot_rate),
        "vetoes": [conv.unstructure(v) for v in ev.vetoes],
        "figures": [{"id": f.id, "name": f.name, "value": _plain(f.value),
                     "shown": None if f.shown is None else decimal_text(f.shown),
                     "unit": f.unit, "note": f.note} for f in ev.figures.values()],
        "indicators": indicators,
    }
