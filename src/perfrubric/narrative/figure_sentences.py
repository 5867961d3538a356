"""Report figure sentences: a ``[[figure]]`` such as a project form's budget block."""

from __future__ import annotations

from ..engine.evaluation import Evaluation
from ..units import Money
from .catalogs import _say, _zh
from .formatting import _PERCENT_UNITS, _quantity, format_money, format_percent_value
from .fragment import Fragment, _Parts

__all__ = ["figure_sentence"]


def figure_sentence(ev: Evaluation, figure_id: str, *, locale: str = "zh_CN") -> Fragment:
    """A report figure (``[[figure]]``): ``商超从业人员疫苗接种率为94.3%``."""
    figure = ev.figures[figure_id]
    declared = next(f for f in ev.rubric.figures if f.id == figure_id)
    p = _Parts()
    name = declared.name_en if declared.name_en and not _zh(locale) else figure.name
    p.put("name", name, name)
    if isinstance(figure.value, Money):  # money is quoted in its own unit
        message = "{name}: {value}"
        p.put("value", figure.value, format_money(figure.value, locale=locale))
    elif figure.shown is None:
        message = "{name}: not available"
    else:
        message = "{name}: {value}"
        if figure.unit in _PERCENT_UNITS:
            places = (declared.value_rounding or ev.rubric.rounding).places
            p.put("value", figure.shown, format_percent_value(figure.shown, places,
                                                              locale=locale))
        else:
            p.put("value", *_quantity(figure.shown, figure.unit, locale))
    return Fragment(f"figure:{figure_id}", "figure", _say(message, p, locale), p.values,
                    locale, p.parts)
