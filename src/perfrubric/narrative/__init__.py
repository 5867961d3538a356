"""Narrative fragments: the sentences a report builds around its figures.

Everything here reads an :class:`~perfrubric.evaluation.Evaluation` (and
the rubric it carries, ``ev.rubric``) and never recomputes a score.  Every
function takes ``locale=`` as a keyword with a default, like babel's
formatting functions; every number goes through babel; built-in sentences
come from gettext catalogs (``locale/<locale>/LC_MESSAGES/perfrubric.po``,
compiled in memory at first use).

>>> import perfrubric as pr                                          # doctest: +SKIP
>>> ev = pr.evaluate(pr.load_rubric("rubric.toml"), "data.toml")     # doctest: +SKIP
>>> target_sentence(ev, "domestic_investment").text                  # doctest: +SKIP
'全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%'
>>> closing_sentence(ev, locale="en").text                           # doctest: +SKIP
'Score 100, grade: Excellent'
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs

from ..data.model import Target
from ..decimals import Rounding
from ..engine.evaluation import Evaluation, IndicatorResult
from ..errors import PerfrubricError
from ..expr.template import LOCALES, PLACEHOLDERS, fill, template_problems
from ..units import UNITS, Money

__all__ = [
    "LOCALES",
    "PLACEHOLDERS",
    "Fragment",
    "closing_sentence",
    "figure_sentence",
    "fill_template",
    "format_money",
    "format_number",
    "format_percent_value",
    "format_points",
    "format_rate",
    "fragments",
    "indicator_name",
    "indicator_sentence",
    "report_text",
    "rescaling_sentence",
    "status_text",
    "target_row_sentence",
    "target_sentence",
    "template_problems",
    "tier_summary",
    "translate",
    "value_text",
    "veto_sentence",
]

_PERCENT_UNITS = ("%", "％")
_RATE_SCALE = {"%": Decimal(100), "％": Decimal(100), "‰": Decimal(1000)}
#: English words for currencies where babel's own name reads oddly in a report
#: ("Chinese yuan"); other currencies use babel's plural name ("US dollars").
_CURRENCY_WORDS = {"CNY": "yuan"}
#: babel's compact forms scale by at most 10**15; keep every digit below that.
_EXTRA_DIGITS = 15
_MILLION = Decimal(10) ** 6


@attrs.frozen
class Fragment:
    """One sentence, with the values it was built from.

    ``key`` is the indicator path, ``target:<id>``, ``figure:<id>``,
    ``veto:<name>``, ``rescaling`` or ``closing``; ``kind`` is ``indicator``,
    ``tier``, ``target``, ``figure``, ``veto``, ``rescaling`` or ``closing``.  ``values`` holds the
    structured values (``Decimal``, :class:`~perfrubric.Money`, ``str``,
    lists) and ``parts`` the formatted strings that filled the sentence's
    placeholders, under the same keys, so a tool can lay the figures out
    its own way:

    >>> f.values["percent"], f.parts["percent"]                      # doctest: +SKIP
    (Decimal('117.14'), '117.14%')
    """

    key: str
    kind: str
    text: str
    values: Mapping[str, Any]
    locale: str
    parts: Mapping[str, str] = attrs.field(factory=dict)

    def __str__(self) -> str:
        return self.text


class _Parts:
    """Collects each placeholder's structured value and its formatted text."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.parts: dict[str, str] = {}

    def put(self, key: str, value: Any, text: str) -> None:
        self.values[key] = value
        self.parts[key] = text

    def __contains__(self, key: str) -> bool:
        return key in self.parts


# -- locales and catalogs ---------------------------------------------------------


def _locale(locale: str) -> str:
    """The catalog for *locale*: ``zh_CN``, ``zh-CN``, ``zh`` → ``zh_CN``; ``en_*`` → ``en``."""
    name = locale.replace("-", "_")
    if name in LOCALES:
        return name
    if name in ("zh", "zh_Hans", "zh_Hans_CN"):
        return "zh_CN"
    if name.split("_", 1)[0] == "en":
        return "en"
    raise PerfrubricError(f"no narrative catalog for locale {locale!r}; "
                          f"available: {', '.join(LOCALES)}")


def _zh(locale: str) -> bool:
    return _locale(locale) == "zh_CN"


def _babel(locale: str) -> str:
    """The locale name babel formats with (``en_GB`` stays ``en_GB``)."""
    name = locale.replace("-", "_")
    return "zh_Hans_CN" if name in ("zh", "zh_Hans") else name


@functools.cache
def _catalog(locale: str) -> gettext.GNUTranslations:
    # babel is imported in the functions that use it (here, and where numbers
    # and lists are formatted): `import perfrubric` does not pay for it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    source = resources.files("perfrubric.narrative").joinpath(
        f"locale/{locale}/LC_MESSAGES/perfrubric.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain="perfrubric")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translate(message: str, *, locale: str = "zh_CN") -> str:
    """The built-in string *message* (its English msgid) in *locale*.

    >>> translate("Score {total}, grade: {grade}")
    '得分{total}分，绩效评价等级为“{grade}”'
    """
    return _catalog(_locale(locale)).gettext(message)


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """Fill the named placeholders of *text* from *values*; ``{{``/``}}`` are braces.

    The library's own filler: no attribute access, indexing or format specs
    (``str.format`` would allow ``{value.__class__}``).  A placeholder with
    no value becomes an empty string; a malformed template raises
    :class:`ValueError` (:func:`template_problems` says why beforehand).

    >>> fill_template("{name}为{value}（{{注}}）", {"name": "预算完成率", "value": "96.50%"})
    '预算完成率为96.50%（{注}）'
    """
    return fill(text, values)


def _say(message: str, parts: _Parts, locale: str) -> str:
    return fill(translate(message, locale=locale), parts.parts)


def _join(items: Sequence[str], locale: str) -> str:
    from babel.lists import format_list
    return format_list(list(items), locale=_babel(locale)) if items else ""


# -- numbers ----------------------------------------------------------------------


def _grouping(locale: str) -> str:
    # Chinese reports write 12147万美元 and 1358人 without group separators.
    return "0" if _zh(locale) else "#,##0"


def _exact_digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_number(value: Decimal, *, locale: str = "zh_CN", places: int | None = None) -> str:
    """A plain number as the locale writes it.

    A whole number has no decimals; otherwise exactly *places* decimals
    (the value is expected to be rounded already; babel does not round it
    again), or every digit of *value* when *places* is ``None``.  zh_CN
    writes no group separators (``12147``); en does (``12,147``).

    >>> format_number(Decimal("0.5"), places=2)
    '0.50'
    >>> format_number(Decimal("12147"), locale="en")
    '12,147'
    """
    from .numbers import format_decimal
    loc = _babel(locale)
    group = _grouping(locale)
    if value == value.to_integral_value():
        return format_decimal(value.to_integral_value(), format=group, locale=loc)
    pattern = group + "." + ("0" * places if places else "#")
    return format_decimal(value, format=pattern, locale=loc, decimal_quantization=False)


def format_points(value: Decimal, rounding: Rounding, *, locale: str = "zh_CN") -> str:
    """Points as reports write them: ``100``, ``0.50`` (the places of *rounding*)."""
    return format_number(value, locale=locale, places=rounding.places)


def format_percent_value(shown: Decimal, places: int, *, locale: str = "zh_CN") -> str:
    """A percentage already rounded in percent units, with exactly *places* decimals.

    >>> format_percent_value(Decimal("117.14"), 2)
    '117.14%'
    >>> format_percent_value(Decimal("100"), 1, locale="en")
    '100.0%'
    """
    from .numbers import format_percent
    pattern = "0" + ("." + "0" * places if places else "") + "%"
    return format_percent(shown.scaleb(-2), format=pattern, locale=_babel(locale),
                          decimal_quantization=False)


def format_rate(ratio: Decimal, rounding: Rounding, *, locale: str = "zh_CN") -> str:
    """A ratio as a percentage: rounded with the declared *rounding* first, then formatted.

    >>> format_rate(Decimal("8.39") / Decimal("7.5"), Rounding(1, "down"))
    '111.8%'
    """
    return format_percent_value(rounding.apply(ratio.scaleb(2)), rounding.places, locale=locale)


def _base_symbol(currency: str) -> str:
    return next(u.symbol for u in UNITS.values() if u.currency == currency and u.exponent == 0)


def format_money(money: Money, *, locale: str = "zh_CN", compact: bool = False) -> str:
    """Money with its unit, every digit kept.

    zh_CN writes the amount in its own unit, as reports do: ``252.94亿元``,
    ``12147万美元``; with *compact*, babel's compact form of the amount in
    元/美元 (``1.2147亿美元``).  en writes words: from a million up, babel's
    long compact form (``25.294 billion yuan``, ``839 million US dollars``),
    below it the amount with separators (``6,015.3 yuan``); *compact* does
    not change en.

    >>> format_money(Money("252.94", "亿元"))
    '252.94亿元'
    >>> format_money(Money("8.39", "亿美元"), locale="en")
    '839 million US dollars'
    """
    from .numbers import format_compact_decimal, get_currency_name
    loc = _babel(locale)
    base = money.base_amount
    if _zh(locale):
        if compact:
            number = format_compact_decimal(base, locale=loc,
                                            fraction_digits=_exact_digits(base) + _EXTRA_DIGITS)
            return number + _base_symbol(money.currency)
        return format_number(money.amount, locale=locale) + money.unit.symbol
    if abs(base) >= _MILLION:
        number = format_compact_decimal(base, format_type="long", locale=loc,
                                        fraction_digits=_exact_digits(base) + _EXTRA_DIGITS)
    else:
        number = format_number(base, locale=locale)
    word = _CURRENCY_WORDS.get(money.currency) or get_currency_name(
        money.currency, count=base, locale=loc)
    return f"{number} {word}"


def _quantity(value: Decimal, unit: str | None, locale: str,
              compact: bool = False) -> tuple[Any, str]:
    """(structured value, text) of an amount in *unit*: money, a count (13座) or a number."""
    if unit is not None and unit in UNITS:
        money = Money(value, unit)
        return money, format_money(money, locale=locale, compact=compact)
    if unit in _RATE_SCALE:  # kept as a fraction: 0.85 is written 85%
        shown = value * _RATE_SCALE[unit]
        if unit == "‰":
            return value, format_number(shown, locale=locale) + "‰"
        return value, format_percent_value(shown, _exact_digits(shown), locale=locale)
    text = format_number(value, locale=locale)
    if not unit:
        return value, text
    if _zh(locale):
        return value, text + unit
    english = _EN_UNITS.get(unit)
    if english is None:   # a unit the table does not know: as the data writes it
        return value, f"{text} {unit}"
    if isinstance(english, str):   # a classifier (个, 座, 项…): English counts need none
        return value, text
    singular, plural = english
    return value, f"{text} {singular if value == 1 else plural}"


#: English for the measure words and units a form prints (printed.COUNT_UNITS): a pair
#: (singular, plural), or "" for a classifier that English leaves out ("50 个" → "50").
#: Units in 万 (万人, 万吨 …) are not in the table and stay as written.
_EN_UNITS: dict[str, tuple[str, str] | str] = {
    **dict.fromkeys(("个", "项", "件", "份", "批", "场", "篇", "册", "本", "条", "处", "座",
                     "栋", "间", "张", "所", "家", "辆", "台", "套", "只", "头", "株", "棵",
                     "名", "位", "支", "队", "类", "宗", "例"), ""),
    "人": ("person", "people"), "人次": ("person-time", "person-times"),
    "户": ("household", "households"), "次": ("time", "times"), "起": ("case", "cases"),
    "期": ("session", "sessions"), "期次": ("session", "sessions"),
    "村": ("village", "villages"), "镇": ("town", "towns"),
    "课时": ("class hour", "class hours"), "学时": ("class hour", "class hours"),
    "天": ("day", "days"), "日": ("day", "days"),
    "工作日": ("working day", "working days"), "个工作日": ("working day", "working days"),
    "周": ("week", "weeks"), "月": ("month", "months"), "个月": ("month", "months"),
    "季度": ("quarter", "quarters"), "年": ("year", "years"),
    "小时": ("hour", "hours"), "分钟": ("minute", "minutes"),
    "公里": ("km", "km"), "千米": ("km", "km"), "km": ("km", "km"),
    "米": ("m", "m"), "m": ("m", "m"), "平方米": ("m²", "m²"), "m2": ("m²", "m²"),
    "平方公里": ("km²", "km²"), "km2": ("km²", "km²"), "亩": ("mu", "mu"),
    "公顷": ("ha", "ha"), "吨": ("t", "t"), "千克": ("kg", "kg"), "kg": ("kg", "kg"),
    "立方米": ("m³", "m³"), "m3": ("m³", "m³"), "分": ("point", "points"),
}


# -- reading the evaluation -------------------------------------------------------


def indicator_name(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> str:
    """The indicator's display name: ``name_en`` in English when the rubric gives one."""
    ind = ev.rubric.indicator(path)
    if not _zh(locale) and ind.name_en:
        return ind.name_en
    return ind.name


def _value(ev: Evaluation, result: IndicatorResult, locale: str) -> tuple[Any, str] | None:
    if result.shown is not None:
        ind = ev.rubric.indicator(result.path)
        if result.unit in _PERCENT_UNITS:
            places = (ind.value_rounding or ev.rubric.rounding).places
            return result.shown, format_percent_value(result.shown, places, locale=locale)
        return _quantity(result.shown, result.unit, locale)
    value = result.measured
    if isinstance(value, bool):
        return value, translate("yes" if value else "no", locale=locale)
    if isinstance(value, str):
        return value, _level_label(ev, result, value, locale)
    if isinstance(value, Mapping) and isinstance(value.get("level"), str):
        # a range level with its score
        return value["level"], _level_label(ev, result, value["level"], locale)
    if isinstance(value, Mapping):  # a checklist given as {item = true/false}
        met = [str(k) for k, v in value.items() if v is True]
        return met, _join(met, locale)
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
        return items, _join(items, locale)
    return None


def _level_label(ev: Evaluation, result: IndicatorResult, name: str, locale: str) -> str:
    """A level's name in *locale* (达成 → Achieved), from a rule that names its levels.

    Any rule kind with a ``label(name, locale)`` method (``levels`` has one)
    gives its levels' display names.
    """
    label = getattr(ev.rubric.indicator(result.path).rule, "label", None)
    return str(label(name, locale)) if callable(label) else name


def value_text(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> str | None:
    """The measured value of a leaf as the report writes it (``117.14%``, ``252.94亿元``, ``是``).

    ``None`` when nothing was measured (a parent, or an indicator that was
    missing, excluded, not applicable, not chosen or vetoed).
    """
    found = _value(ev, ev.results[path], locale)
    return None if found is None else found[1]


def _measured_target(ev: Evaluation, path: str) -> Target | None:
    """The target an indicator's measure compares (``targets.<id>.actual / …target``)."""
    ind = ev.rubric.indicator(path)
    if ind.measure is None:
        return None
    names = set(ind.measure.names)
    for target in ev.targets:
        if {f"targets.{target.id}.actual", f"targets.{target.id}.target"} <= names:
            return target
    return None


def _target_indicator(ev: Evaluation, target: Target) -> IndicatorResult | None:
    """The first leaf, in table order, that gives this target's completion percentage."""
    wanted = {f"targets.{target.id}.actual", f"targets.{target.id}.target"}
    for ind in ev.rubric.leaves():
        if (ind.measure is not None and ind.unit in _PERCENT_UNITS
                and wanted <= set(ind.measure.names)
                and ev.results[ind.path].shown is not None):
            return ev.results[ind.path]
    return None


def _limit(result: IndicatorResult, locale: str) -> tuple[Decimal, str] | None:
    limit = result.detail.get("limit")
    if not isinstance(limit, Decimal):
        return None
    if result.unit in _PERCENT_UNITS:
        shown = limit.scaleb(2)
        return limit, format_percent_value(shown, _exact_digits(shown), locale=locale)
    return limit, format_number(limit, locale=locale)


def _indicator_parts(ev: Evaluation, result: IndicatorResult, locale: str,
                     compact: bool = False) -> _Parts:
    ind = ev.rubric.indicator(result.path)
    rounding = ind.rounding or ev.rubric.rounding
    p = _Parts()
    name = indicator_name(ev, result.path, locale=locale)
    p.put("name", name, name)
    tier = name
    if _zh(locale) and result.depth == 1 and not name.endswith("指标"):
        tier = name + "类指标"  # 投入 → 投入类指标, as reports write it
    p.put("tier", tier, tier)
    p.put("path", result.path, result.path)
    p.put("status", result.status, translate(result.status, locale=locale))
    p.put("kind", result.kind, result.kind or "")
    for key, number in (("points", result.points), ("score", result.score),
                        ("lost", result.lost), ("counted", result.counted_points)):
        p.put(key, number, format_points(number, rounding, locale=locale))
    p.put("unit", result.unit, result.unit or "")
    p.put("matched", result.matched, _level_label(ev, result, result.matched or "", locale))
    if result.deducted is not None:
        p.put("deducted", result.deducted, format_points(result.deducted, rounding,
                                                         locale=locale))
    if result.rule_score is not None:
        p.put("rule_score", result.rule_score,
              format_points(result.rule_score, rounding, locale=locale))
    p.put("note", result.note, result.note or "")
    reason = (result.override.reason if result.override else None) or (
        result.note if result.status == "scored" else None)
    p.put("reason", reason, reason or "")
    total = format_points(ev.total, ev.rubric.total_rounding, locale=locale)
    p.put("total", ev.total, total)
    grade = ev.grade_label(locale)
    p.put("grade", grade, grade or translate("no grade", locale=locale))
    if result.is_leaf:
        found = _value(ev, result, locale)
        if found is not None:
            p.put("value", *found)
        limit = _limit(result, locale)
        if limit is not None:
            p.put("limit", *limit)
        met, missing = result.detail.get("met"), result.detail.get("missing")
        if isinstance(met, list) and isinstance(missing, list):
            p.put("met", met, _join([str(m) for m in met], locale))
            p.put("missing", missing, _join([str(m) for m in missing], locale))
            p.put("met_count", len(met), format_number(Decimal(len(met)), locale=locale))
            count = len(met) + len(missing)
            p.put("count", count, format_number(Decimal(count), locale=locale))
        events = result.detail.get("events")
        if isinstance(events, int):
            p.put("events", events, format_number(Decimal(events), locale=locale))
        target = _measured_target(ev, result.path)
        if target is not None:
            for key in ("target", "actual"):
                amount = getattr(target, key)
                if amount is not None:
                    p.put(key, *_quantity(amount, target.unit, locale, compact))
    return p


# -- sentences --------------------------------------------------------------------


def _scored_message(ev: Evaluation, result: IndicatorResult, p: _Parts) -> str:
    full = result.lost == 0
    kind = result.kind
    if "met" in p:
        return ("{name}: all {count} items met ({met}); full {points} points" if full
                else "{name}: {met_count} of {count} items met, missing {missing}; "
                     "{lost} points deducted")
    if "events" in p:
        return ("{name}: {events} found; full {points} points" if full
                else "{name}: {events} found; {lost} points deducted")
    if kind == "levels" and result.matched:
        return ("{name} rated “{matched}”: full {points} points" if full
                else "{name} rated “{matched}”: {score} of {points} points")
    if kind == "judged":
        return ("{name}: assessed at full {points} points" if full
                else "{name}: assessed at {score} of {points} points")
    if "value" not in p:
        return ("{name}: full {points} points" if full
                else "{name}: {score} of {points} points, {lost} deducted")
    if not isinstance(result.measured, Decimal):  # yes/no, a level, a list of items
        return ("{name}: {value}; full {points} points" if full
                else "{name}: {value}; {score} of {points} points, {lost} deducted")
    rule = ev.rubric.indicator(result.path).rule
    direction = None if rule is None else rule.direction
    limit = p.values.get("limit")
    if isinstance(limit, Decimal) and direction in ("lower", "higher"):
        # "lower" is better: points go when the value is above the limit.
        beyond = result.measured > limit if direction == "lower" else result.measured < limit
        if not beyond and full:
            return ("{name} {value}, not above {limit}: full {points} points"
                    if direction == "lower"
                    else "{name} {value}, not below {limit}: full {points} points")
        if beyond and not full:
            return ("{name} {value}, above {limit}: {lost} points deducted"
                    if direction == "lower"
                    else "{name} {value}, below {limit}: {lost} points deducted")
    return ("{name} {value}, full {points} points" if full
            else "{name} {value}: {score} of {points} points, {lost} deducted")


def _rescaled_reason(ev: Evaluation, path: str) -> str | None:
    return next((r.reason for r in ev.rescaling if r.path == path), None)


def status_text(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> str:
    """The status of one indicator as the table views write it.

    The translated status, except where points were left out or given
    without a measured value, which say why: ``不适用，不计分（折算）`` /
    ``excluded: not applicable (rescaled)``, ``未报告，不计分（折算）`` /
    ``excluded: not reported (rescaled)``, ``未报告，按满分计`` /
    ``not reported: full points``.
    """
    result = ev.results[path]
    reason = _rescaled_reason(ev, path) if result.status == "excluded" else None
    if reason == "not_applicable":
        return translate("excluded: not applicable (rescaled)", locale=locale)
    if reason == "not_reported":
        return translate("excluded: not reported (rescaled)", locale=locale)
    if result.status == "missing" and result.score == result.points and result.points > 0:
        return translate("not reported: full points", locale=locale)
    return translate(result.status, locale=locale)


def _indicator_message(ev: Evaluation, result: IndicatorResult, p: _Parts) -> str:
    status = result.status
    if status == "excluded" and result.is_leaf:
        reason = _rescaled_reason(ev, result.path)
        if reason == "not_applicable":
            return "{name}: not applicable; its {points} points are left out and the total rescaled"
        if reason == "not_reported":
            return "{name}: not reported; its {points} points are left out and the total rescaled"
    if status == "missing":
        return ("{name}: no data; full {points} points under its missing-data rule"
                if result.score == result.points and result.points > 0
                else "{name}: no data; 0 points under its missing-data rule")
    if status == "excluded":
        return "{name}: excluded from scoring"
    if status == "not_applicable":
        return "{name}: not applicable, full {points} points"
    if status == "not_chosen":
        return "{name}: not scored (the other alternative of an either-or pair was)"
    if status == "vetoed":
        return "{name}: 0 points by veto"
    if status == "cannot_rate":
        return "{name}: no data, cannot be rated"
    if status == "overridden":
        return ("{name}: assessed at {score} of {points} points (the rule gave {rule_score})"
                if result.rule_score is not None
                else "{name}: assessed at {score} of {points} points "
                     "(the rule could not be computed)")
    return _scored_message(ev, result, p)


def indicator_sentence(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> Fragment:
    """The sentence for one indicator, from its trace.

    zh_CN ``预算完成率为96.50%，低于100%，扣0.50分``; en ``预算完成率 96.50%,
    below 100%: 0.50 points deducted`` (the English name is the rubric's
    ``name_en`` when it gives one).  Every status has its own sentence
    (missing data, excluded, not applicable, not chosen, overridden with the
    evaluator's reason, vetoed, cannot rate).  The rubric's template for the
    indicator and locale, if any, is used for a measured value scored by
    the rule or an evaluator; the other statuses keep the built-in sentence.
    For a parent indicator this is :func:`tier_summary`.
    """
    result = ev.results[path]
    if not result.is_leaf:
        return tier_summary(ev, path, locale=locale)
    ind = ev.rubric.indicator(path)
    if ind.target is not None:
        return target_row_sentence(ev, path, locale=locale)
    if ind.target_rows is not None:
        return _empty_tier_sentence(ev, result, locale)
    p = _indicator_parts(ev, result, locale)
    template = ind.templates.get(locale) or ind.templates.get(_locale(locale))
    if template is not None and result.status in ("scored", "overridden") and "value" in p:
        return Fragment(path, "indicator", fill(template, p.parts), p.values, locale, p.parts)
    text = _say(_indicator_message(ev, result, p), p, locale)
    if p.parts.get("reason") and result.status in ("scored", "overridden"):
        p.put("sentence", text, text)
        text = _say("{sentence}; reason: {reason}", p, locale)
    return Fragment(path, "indicator", text, p.values, locale, p.parts)


# -- rows of a project form (generated from targets) --------------------------------


def _printed_quantity(target: Target, number: Decimal, locale: str, compact: bool = False
                      ) -> tuple[Any, str]:
    """A target row's value in the target's unit: ``50个``, ``90万元``, ``95%`` (en ``50 个``)."""
    return _quantity(number, target.unit, locale, compact)


def target_row_sentence(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> Fragment:
    """The sentence for a row generated from a target (a project form's 三级指标).

    Direction- and unit-aware: ``基建工程委托业务项目数量年度目标≥50个，实际完成50个，
    得满分8分``; a lower-is-better row reads ``项目总成本控制目标≤90万元，实际90万元，
    得满分10分``; a qualitative row gives its judgement (``评价为部分达成预期指标``);
    a row without a result says it was not reported.  en ``…: target ≥ 50 个,
    achieved 50 个: full 8 points``.  The target's 偏差原因 (``reason``) follows.
    """
    result = ev.results[path]
    ind = ev.rubric.indicator(path)
    target = next((t for t in ev.targets if t.id == ind.target), None)
    if target is None:  # pragma: no cover - the engine generates rows from its targets
        raise PerfrubricError(f"{path} is not a row generated from a target")
    rounding = ind.rounding or ev.rubric.rounding
    p = _Parts()
    p.put("name", target.name, target.name)
    p.put("path", path, path)
    for key, number in (("points", result.points), ("score", result.score),
                        ("lost", result.lost)):
        p.put(key, number, format_points(number, rounding, locale=locale))
    printed = target.printed_target
    symbol = printed.symbol if printed is not None else ""
    lower = target.direction == "lower"
    if target.is_qualitative:
        text = printed.qualitative if printed is not None and printed.qualitative else ""
        p.put("target", text, text)
    elif target.target is not None:
        value, text = _printed_quantity(target, target.target, locale)
        sep = "" if _zh(locale) or not symbol else " "
        p.put("target", value, symbol + sep + text)
    if target.actual is not None:
        p.put("actual", *_printed_quantity(target, target.actual, locale))
    full = result.lost == 0 and result.points > 0
    if result.status in ("missing", "cannot_rate"):
        message = ("{name}: target “{target}”, not judged: 0 of {points} points"
                   if target.is_qualitative
                   else "{name}: target {target}, no result reported: 0 of {points} points")
    elif result.status == "overridden":
        message = "{name}: assessed at {score} of {points} points"
    elif target.is_qualitative:
        level = result.matched or target.level or ""
        p.put("matched", level, translate(level, locale=locale))
        message = ("{name}: target “{target}”, judged “{matched}”: full {points} points"
                   if full else
                   "{name}: target “{target}”, judged “{matched}”: {score} of {points} points")
    elif lower:
        message = ("{name}: target {target}, actual {actual}: full {points} points" if full
                   else "{name}: target {target}, actual {actual}, above the target: "
                        "{score} of {points} points")
    else:
        message = ("{name}: target {target}, achieved {actual}: full {points} points" if full
                   else "{name}: target {target}, achieved {actual}, short of the target: "
                        "{score} of {points} points")
    text = _say(message, p, locale)
    if result.note and "no evaluator's score" in result.note:
        p.put("sentence", text, text)
        text = _say("{sentence} (no evaluator's score: the top of the band)", p, locale)
    if target.reason:
        p.put("sentence", text, text)
        p.put("reason", target.reason, target.reason)
        text = _say("{sentence}; reasons for deviation: {reason}", p, locale)
    return Fragment(path, "indicator", text, p.values, locale, p.parts)


def _empty_tier_sentence(ev: Evaluation, result: IndicatorResult, locale: str) -> Fragment:
    """A tier of target rows with no row: not applicable, left out or full."""
    p = _indicator_parts(ev, result, locale)
    message = ("{tier}: no row, not applicable; its {points} points are left out and the "
               "total is rescaled" if result.status == "excluded"
               else "{name}: not applicable, full {points} points")
    return Fragment(result.path, "indicator", _say(message, p, locale), p.values, locale,
                    p.parts)


def tier_summary(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> Fragment:
    """A summary of one parent indicator: ``投入类指标满分20分，得分20分``.

    en ``Inputs: 20 of 20 points``.  A tier whose indicators were partly
    excluded says how many of its points were scorable; a wholly excluded
    tier says so.
    """
    result = ev.results[path]
    p = _indicator_parts(ev, result, locale)
    if result.status == "excluded":
        message = "{tier}: excluded from scoring ({points} points in the table)"
    elif result.counted_points != result.points:
        message = "{tier}: {score} of {counted} scorable points ({points} in the table)"
    elif result.lost == 0:
        message = "{tier}: {score} of {points} points"
    else:
        message = "{tier}: {score} of {points} points, {lost} lost"
    return Fragment(path, "tier", _say(message, p, locale), p.values, locale, p.parts)


def target_sentence(ev: Evaluation, target_id: str, *, locale: str = "zh_CN",
                    compact: bool = False) -> Fragment:
    """The report's sentence for one target with its result.

    ``全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%``.  The
    percentage is the ``shown`` value of the first indicator whose measure
    compares this target (``targets.<id>.actual`` and ``targets.<id>.target``)
    in percent, so it carries that indicator's declared rounding (117.14%
    with 2 places, 111.8% with 1, both truncated as the seed report does).
    Without such an indicator the sentence gives the figures and no
    percentage: presentation does not compute one.  *compact* writes money
    in babel's compact form (see :func:`format_money`).
    """
    target = next((t for t in ev.targets if t.id == target_id), None)
    if target is None:
        known = ", ".join(t.id for t in ev.targets) or "none"
        raise PerfrubricError(f"the evaluation has no target {target_id!r}; targets: {known}")
    p = _Parts()
    p.put("name", target.name, target.name)
    # The subject (全区) is part of the Chinese sentence pattern only.
    subject = target.subject or ""
    p.put("subject", target.subject, subject if _zh(locale) else "")
    for key in ("actual", "target"):
        amount = getattr(target, key)
        if amount is not None:
            p.put(key, *_quantity(amount, target.unit, locale, compact))
    result = _target_indicator(ev, target)
    if target.direction == "lower" and "actual" in p:
        # A limit (成本, 差错率) is not a task to complete: never "完成…（年任务…）".
        message = ("{subject}{name}: {actual}, limit {target}" if "target" in p
                   else "{subject}{name} was {actual}")
    elif result is not None and result.shown is not None and "actual" in p and "target" in p:
        places = (ev.rubric.indicator(result.path).value_rounding or ev.rubric.rounding).places
        p.put("percent", result.shown, format_percent_value(result.shown, places, locale=locale))
        p.put("indicator", result.path, result.path)
        message = "{subject}{name}: {actual}, {percent} of the annual target ({target})"
    elif "actual" in p and "target" in p:
        message = "{subject}{name}: {actual} against a target of {target}"
    elif "actual" in p:
        message = "{subject}{name}: {actual}"
    else:
        message = "{subject}{name}: no result given (target {target})"
    return Fragment(f"target:{target.id}", "target", _say(message, p, locale), p.values,
                    locale, p.parts)


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


def veto_sentence(ev: Evaluation, name: str, *, locale: str = "zh_CN") -> Fragment:
    """The sentence for a triggered veto: ``一票否决：…，绩效评价等级最高为“中”``."""
    veto = next((v for v in ev.vetoes if v.name == name), None)
    if veto is None:
        raise PerfrubricError(f"no veto {name!r} was triggered in this evaluation")
    p = _Parts()
    p.put("reason", veto.reason, veto.reason)
    if veto.grade_at_most is not None:
        label = ev.rubric.grades.get(veto.grade_at_most).label(locale)
        p.put("grade", veto.grade_at_most, label)
    if veto.total_at_most is not None:
        p.put("cap", veto.total_at_most, format_points(veto.total_at_most,
                                                       ev.rubric.total_rounding, locale=locale))
    if "grade" in p and "cap" in p:
        message = "Veto: {reason}; grade at most {grade} and score at most {cap}"
    elif "grade" in p:
        message = "Veto: {reason}; grade at most {grade}"
    elif "cap" in p:
        message = "Veto: {reason}; score at most {cap}"
    else:
        message = "Veto: {reason}"
    return Fragment(f"veto:{name}", "veto", _say(message, p, locale), p.values, locale,
                    p.parts)


def closing_sentence(ev: Evaluation, *, locale: str = "zh_CN") -> Fragment:
    """The closing line: ``得分100分，绩效评价等级为“优”`` / ``Score 100, grade: Excellent``.

    A rescaled total says over how many scorable points; an evaluation with
    no grade names the indicators that could not be rated.
    """
    p = _Parts()
    p.put("total", ev.total, format_points(ev.total, ev.rubric.total_rounding, locale=locale))
    p.put("counted", ev.counted_points, format_number(ev.counted_points, locale=locale))
    p.put("full_marks", ev.full_marks, format_number(ev.full_marks, locale=locale))
    unrated = [r.path for r in ev.results.values() if r.status == "cannot_rate"]
    if ev.grade is None:
        names = [indicator_name(ev, path, locale=locale) for path in unrated]
        p.put("names", names, _join(names, locale))
        p.put("reasons", list(ev.cannot_rate), "; ".join(ev.cannot_rate))
        message = ("Score {total}; not graded: {names} cannot be rated" if names
                   else "Score {total}; not graded: no indicator could be scored")
    else:
        p.put("grade", ev.grade, ev.grade_label(locale) or ev.grade)
        message = ("Score {total} (rescaled over {counted} scorable points), grade: {grade}"
                   if ev.rescaled else "Score {total}, grade: {grade}")
    return Fragment("closing", "closing", _say(message, p, locale), p.values, locale, p.parts)


def rescaling_sentence(ev: Evaluation, *, locale: str = "zh_CN") -> Fragment | None:
    """Say how a rescaled total was computed and which points were left out, and why.

    ``按适用指标折算：适用指标分值25分，得分20分，折算为100分制；不计分指标：
    生态效益（5分，不适用）`` / ``Rescaled to 100: 20 points earned of 25
    applicable; left out: Ecological benefit (5 points, not applicable)``.
    ``None`` when the total was not rescaled.  ``values["left_out"]`` lists
    the :class:`~perfrubric.evaluation.Rescaled` entries.
    """
    if not ev.rescaled:
        return None
    rounding = ev.rubric.total_rounding
    p = _Parts()
    p.put("raw", ev.raw_total, format_points(ev.raw_total, rounding, locale=locale))
    p.put("counted", ev.counted_points, format_number(ev.counted_points, locale=locale))
    p.put("full_marks", ev.full_marks, format_number(ev.full_marks, locale=locale))
    items = []
    for entry in ev.rescaling:
        q = _Parts()
        name = indicator_name(ev, entry.path, locale=locale)
        q.put("name", name, name)
        q.put("points", entry.points, format_number(entry.points, locale=locale))
        items.append(_say("{name} ({points} points, not applicable)"
                          if entry.reason == "not_applicable"
                          else "{name} ({points} points, not reported)", q, locale))
    p.put("left_out", list(ev.rescaling), _join(items, locale))
    message = ("Rescaled to {full_marks}: {raw} points earned of {counted} applicable; "
               "left out: {left_out}" if items
               else "Rescaled to {full_marks}: {raw} points earned of {counted} applicable")
    return Fragment("rescaling", "rescaling", _say(message, p, locale), p.values, locale,
                    p.parts)


def fragments(ev: Evaluation, *, locale: str = "zh_CN", compact: bool = False) -> list[Fragment]:
    """Every fragment, in report order.

    Targets with a result, report figures, then each top tier's summary
    followed by its leaf indicators, triggered vetoes, how a rescaled total
    was computed (:func:`rescaling_sentence`), and the closing line.
    """
    rows = {ind.target for ind in ev.rubric.walk() if ind.target is not None}
    out = [target_sentence(ev, t.id, locale=locale, compact=compact)
           for t in ev.targets if t.actual is not None and t.id not in rows]
    out += [figure_sentence(ev, fid, locale=locale) for fid in ev.figures]
    for top in ev.rubric.indicators:
        out.append(tier_summary(ev, top.path, locale=locale))
        out += [indicator_sentence(ev, ind.path, locale=locale)
                for ind in top.walk() if ind.is_leaf]
    out += [veto_sentence(ev, veto.name, locale=locale) for veto in ev.vetoes]
    rescaling = rescaling_sentence(ev, locale=locale)
    if rescaling is not None:
        out.append(rescaling)
    out.append(closing_sentence(ev, locale=locale))
    return out


def report_text(ev: Evaluation, *, locale: str = "zh_CN", compact: bool = False) -> str:
    """All fragments as plain text, one per line; indicator lines are indented."""
    lines = [("  " if f.kind == "indicator" else "") + f.text
             for f in fragments(ev, locale=locale, compact=compact)]
    return "\n".join(lines) + "\n"
