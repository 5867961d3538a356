"""Narrative fragments: the sentences a report builds around the figures.

Everything here reads an :class:`~perfrubric.evaluation.Evaluation` (and
the rubric it carries) and never recomputes a score.  Each function takes
``locale=`` like babel's formatting functions; numbers go through babel;
built-in sentences come from gettext catalogs (``locale/<lang>/LC_MESSAGES/
perfrubric.po``, compiled in memory at first use).

>>> import perfrubric as pr                                          # doctest: +SKIP
>>> ev = pr.evaluate(pr.load_rubric("rubric.toml"), "data.toml")     # doctest: +SKIP
>>> closing_sentence(ev).text                                        # doctest: +SKIP
'得分100分，绩效评价等级为“优”'
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources

import attrs
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from ._template import fill
from .decimals import Rounding
from .errors import PerfrubricError
from .evaluation import Evaluation, IndicatorResult
from .model import Target
from .units import UNITS, Money

__all__ = [
    "LOCALES",
    "Fragment",
    "closing_sentence",
    "format_money",
    "format_number",
    "format_percent_value",
    "fragments",
    "indicator_sentence",
    "report_text",
    "target_sentence",
    "tier_summary",
    "translate",
]

#: Locales with built-in catalogs.
LOCALES: tuple[str, ...] = ("zh_CN", "en")

_CURRENCY_WORDS = {"CNY": "yuan", "USD": "US dollars", "EUR": "euros", "HKD": "Hong Kong dollars"}


@attrs.frozen
class Fragment:
    """One sentence, with the values it was built from.

    ``key`` is the indicator path, ``target:<id>``, ``figure:<id>`` or
    ``closing``; ``kind`` is ``indicator``, ``tier``, ``target``, ``figure``
    or ``closing``.  ``values`` holds the formatted strings that filled the
    template, so a tool can lay them out differently.
    """

    key: str
    kind: str
    text: str
    values: Mapping[str, str]
    locale: str

    def __str__(self) -> str:
        return self.text


# -- catalogs -------------------------------------------------------------------


def _check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise PerfrubricError(f"no narrative catalog for locale {locale!r}; "
                              f"available: {', '.join(LOCALES)}")
    return locale


@functools.cache
def _catalog(locale: str) -> gettext.NullTranslations:
    source = resources.files("perfrubric").joinpath(
        f"locale/{locale}/LC_MESSAGES/perfrubric.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translate(message: str, *, locale: str = "zh_CN") -> str:
    """The built-in string *message* (an English msgid) in *locale*."""
    return _catalog(_check_locale(locale)).gettext(message)


def _say(message: str, values: Mapping[str, str], locale: str) -> str:
    return fill(translate(message, locale=locale), values)


# -- numbers --------------------------------------------------------------------


def _pattern(places: int, suffix: str = "") -> str:
    return ("0." + "0" * places if places else "0") + suffix


def format_number(value: Decimal, *, locale: str = "zh_CN", places: int | None = None) -> str:
    """A plain number: integers without decimals, otherwise *places* (or as given)."""
    if value == value.to_integral_value():
        return format_decimal(value.to_integral_value(), format="#,##0", locale=locale)
    if places is None:
        return format_decimal(value, format="#,##0.##########", locale=locale)
    return format_decimal(value, format="#,##0." + "0" * places, locale=locale)


def format_points(value: Decimal, rounding: Rounding, *, locale: str = "zh_CN") -> str:
    """Points as reports write them: ``100``, ``0.50`` (places of the score rounding)."""
    return format_number(value, locale=locale, places=rounding.places)


def format_percent_value(shown: Decimal, places: int, *, locale: str = "zh_CN") -> str:
    """A percentage already rounded in percent units: ``117.14`` → ``117.14%``."""
    return format_percent(shown / 100, format=_pattern(places, "%"), locale=locale)


def format_money(money: Money, *, locale: str = "zh_CN", compact: bool = False) -> str:
    """Money with its unit: zh_CN ``252.94亿元``; en ``25.294 billion yuan``.

    With *compact* (zh_CN), babel's compact form of the base amount:
    ``252.94亿`` followed by the currency name (元, 美元).
    """
    if locale.startswith("zh"):
        if compact:
            number = format_compact_decimal(money.base_amount, locale=locale, fraction_digits=4)
            base = next(u for u in UNITS.values()
                        if u.currency == money.currency and u.exponent == 0)
            return number + base.symbol
        return format_decimal(money.amount, format="0.##########", locale=locale) + \
            money.unit.symbol
    word = _CURRENCY_WORDS.get(money.currency, money.currency)
    number = format_compact_decimal(money.base_amount, format_type="long", locale=locale,
                                    fraction_digits=4)
    return f"{number} {word}"


def _quantity(value: Decimal, unit: str | None, locale: str) -> str:
    if unit in UNITS:
        return format_money(Money(value, unit or "元"), locale=locale)
    text = format_number(value, locale=locale)
    if not unit:
        return text
    return text + unit if locale.startswith("zh") else f"{text} {unit}"


def _value_text(ev: Evaluation, result: IndicatorResult, locale: str) -> str | None:
    if result.shown is not None:
        ind = ev.rubric.indicator(result.path)
        places = (ind.value_rounding or ev.rubric.rounding).places
        if result.unit in ("%", "％"):
            return format_percent_value(result.shown, places, locale=locale)
        return _quantity(result.shown, result.unit, locale)
    value = result.measured
    if isinstance(value, bool):
        return translate("yes" if value else "no", locale=locale)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "、".join(value) if locale.startswith("zh") else ", ".join(value)
    return None


# -- sentences ------------------------------------------------------------------


def _name(ev: Evaluation, path: str, locale: str) -> str:
    ind = ev.rubric.indicator(path)
    if not locale.startswith("zh") and ind.name_en:
        return ind.name_en
    return ind.name


def _limit_text(result: IndicatorResult, locale: str) -> str | None:
    limit = result.detail.get("limit")
    if not isinstance(limit, Decimal):
        return None
    if result.unit in ("%", "％"):
        shown = (limit * 100).normalize()
        places = max(0, -shown.as_tuple().exponent)  # type: ignore[operator]
        return format_percent_value(shown, places, locale=locale)
    return format_number(limit, locale=locale)


def _indicator_values(ev: Evaluation, result: IndicatorResult, locale: str) -> dict[str, str]:
    rounding = ev.rubric.indicator(result.path).rounding or ev.rubric.rounding
    values = {
        "name": _name(ev, result.path, locale),
        "path": result.path,
        "points": format_points(result.points, rounding, locale=locale),
        "score": format_points(result.score, rounding, locale=locale),
        "lost": format_points(result.lost, rounding, locale=locale),
        "status": translate(result.status, locale=locale),
        "note": result.note or "",
        "reason": (result.override.reason if result.override else None) or result.note or "",
        "rule_score": ("—" if result.rule_score is None
                       else format_points(result.rule_score, rounding, locale=locale)),
        "unit": result.unit or "",
        "matched": result.matched or "",
        "deducted": ("" if result.deducted is None
                     else format_points(result.deducted, rounding, locale=locale)),
    }
    value = _value_text(ev, result, locale)
    if value is not None:
        values["value"] = value
    limit = _limit_text(result, locale)
    if limit is not None:
        values["limit"] = limit
    return values


def indicator_sentence(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> Fragment:
    """The sentence for one indicator, from its trace.

    zh_CN ``预算完成率为96.50%，低于100%，扣0.50分``; en ``Budget completion
    rate 96.50%, below 100%: 0.50 points deducted``.  A rubric template for
    the indicator and locale, if given, is used instead.
    """
    _check_locale(locale)
    result = ev.results[path]
    values = _indicator_values(ev, result, locale)
    template = ev.rubric.indicator(path).templates.get(locale)
    if template is not None:
        return Fragment(path, "indicator", fill(template, values), values, locale)
    message = _indicator_message(result, values)
    return Fragment(path, "indicator", _say(message, values, locale), values, locale)


def _indicator_message(result: IndicatorResult, values: Mapping[str, str]) -> str:
    status = result.status
    if status == "missing":
        return "{name}: no data ({note}); {score} of {points} points"
    if status == "excluded":
        return "{name}: excluded from scoring ({note})"
    if status == "not_applicable":
        return "{name}: not applicable, full {points} points"
    if status == "not_chosen":
        return "{name}: not scored (the other alternative of an either-or pair was)"
    if status == "overridden":
        return ("{name}: assessed at {score} of {points} points (rule: {rule_score}); "
                "reason: {reason}")
    if status == "vetoed":
        return "{name}: 0 points by veto"
    if status == "cannot_rate":
        return "{name}: cannot be rated ({note})"
    full = result.lost == 0
    if "value" not in values:
        return ("{name}: full {points} points" if full
                else "{name}: {score} of {points} points, {lost} deducted")
    if result.kind == "step_deduction" and "limit" in values:
        below = result.detail.get("direction") == "below" or _is_below(result)
        if full:
            return ("{name} {value}, not below {limit}: full {points} points" if below
                    else "{name} {value}, within {limit}: full {points} points")
        return ("{name} {value}, below {limit}: {lost} points deducted" if below
                else "{name} {value}, above {limit}: {lost} points deducted")
    if not isinstance(result.measured, Decimal):  # yes/no, a level, a list of items
        return ("{name}: {value}; full {points} points" if full
                else "{name}: {value}; {score} of {points} points, {lost} deducted")
    return ("{name} {value}, full {points} points" if full
            else "{name} {value}: {score} of {points} points, {lost} deducted")


def _is_below(result: IndicatorResult) -> bool:
    limit = result.detail.get("limit")
    value = result.measured
    return isinstance(limit, Decimal) and isinstance(value, Decimal) and value < limit


def _target_indicator(ev: Evaluation, target: Target) -> IndicatorResult | None:
    prefix = f"targets.{target.id}."
    for ind in ev.rubric.leaves():
        if ind.measure is not None and ind.unit in ("%", "％") and any(
                n.startswith(prefix) for n in ind.measure.names):
            return ev.results[ind.path]
    return None


def target_sentence(ev: Evaluation, target_id: str, *, locale: str = "zh_CN") -> Fragment:
    """The report's sentence for one target with its result.

    ``全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%``.  The
    percentage is the one an indicator of the rubric computed from this
    target, with that indicator's declared rounding.
    """
    _check_locale(locale)
    target = next((t for t in ev.targets if t.id == target_id), None)
    if target is None:
        raise PerfrubricError(f"the evaluation has no target '{target_id}'")
    subject = target.subject or ""
    values = {
        "name": target.name,
        "subject": subject if locale.startswith("zh") else "",
        "actual": "" if target.actual is None else _quantity(target.actual, target.unit, locale),
        "target": "" if target.target is None else _quantity(target.target, target.unit, locale),
    }
    result = _target_indicator(ev, target)
    if result is not None and result.shown is not None:
        places = (ev.rubric.indicator(result.path).value_rounding or ev.rubric.rounding).places
        values["percent"] = format_percent_value(result.shown, places, locale=locale)
        message = "{subject}{name}: {actual}, {percent} of the annual target ({target})"
    else:
        message = "{subject}{name}: {actual} against a target of {target}"
    return Fragment(f"target:{target.id}", "target", _say(message, values, locale), values,
                    locale)


def figure_sentence(ev: Evaluation, figure_id: str, *, locale: str = "zh_CN") -> Fragment:
    """``商超从业人员疫苗接种率为94.3%`` for a report figure."""
    _check_locale(locale)
    figure = ev.figures[figure_id]
    rubric_figure = next(f for f in ev.rubric.figures if f.id == figure_id)
    places = (rubric_figure.value_rounding or ev.rubric.rounding).places
    if figure.shown is None:
        value = "—"
    elif figure.unit in ("%", "％"):
        value = format_percent_value(figure.shown, places, locale=locale)
    else:
        value = _quantity(figure.shown, figure.unit, locale)
    values = {"name": figure.name, "value": value}
    return Fragment(f"figure:{figure_id}", "figure", _say("{name}: {value}", values, locale),
                    values, locale)


def tier_summary(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> Fragment:
    """A summary of one tier: ``投入类指标满分10分，得分10分``."""
    _check_locale(locale)
    result = ev.results[path]
    values = _indicator_values(ev, result, locale)
    message = ("{name}: {score} of {points} points" if result.lost == 0
               else "{name}: {score} of {points} points, {lost} lost")
    return Fragment(path, "tier", _say(message, values, locale), values, locale)


def closing_sentence(ev: Evaluation, *, locale: str = "zh_CN") -> Fragment:
    """The closing line: ``得分100分，绩效评价等级为“优”`` / ``Score 100, grade: Excellent``."""
    _check_locale(locale)
    values = {
        "total": format_points(ev.total, ev.rubric.total_rounding, locale=locale),
        "grade": ev.grade_label(locale) or translate("no grade", locale=locale),
        "counted": format_number(ev.counted_points, locale=locale),
        "reasons": "；".join(ev.cannot_rate) if locale.startswith("zh")
        else "; ".join(ev.cannot_rate),
    }
    if ev.grade is None:
        message = "Score {total}; no grade: {reasons}"
    elif ev.rescaled:
        message = "Score {total} (rescaled over {counted} scorable points), grade: {grade}"
    else:
        message = "Score {total}, grade: {grade}"
    return Fragment("closing", "closing", _say(message, values, locale), values, locale)


def fragments(ev: Evaluation, *, locale: str = "zh_CN") -> list[Fragment]:
    """Every fragment in report order.

    Targets and figures, each tier with its indicators, vetoes, and the
    closing line.
    """
    out: list[Fragment] = []
    for target in ev.targets:
        if target.actual is not None:
            out.append(target_sentence(ev, target.id, locale=locale))
    out += [figure_sentence(ev, fid, locale=locale) for fid in ev.figures]
    for top in ev.rubric.indicators:
        out.append(tier_summary(ev, top.path, locale=locale))
        out += [indicator_sentence(ev, ind.path, locale=locale)
                for ind in top.walk() if ind.is_leaf]
    for veto in ev.vetoes:
        values = {"reason": veto.reason}
        out.append(Fragment(f"veto:{veto.name}", "veto", _say("Veto: {reason}", values, locale),
                            values, locale))
    out.append(closing_sentence(ev, locale=locale))
    return out


def report_text(ev: Evaluation, *, locale: str = "zh_CN") -> str:
    """All fragments as plain text, one per line (tiers flush, indicators indented)."""
    lines = []
    for fragment in fragments(ev, locale=locale):
        indent = "  " if fragment.kind == "indicator" else ""
        lines.append(indent + fragment.text)
    return "\n".join(lines) + "\n"

