"""Department scoring-table sentences: an indicator's sentence, status and value; tiers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..data.model import Target
from ..engine.evaluation import Evaluation, IndicatorResult
from ..expr.template import fill
from .catalogs import _join, _locale, _say, _zh, translate
from .formatting import (
    _PERCENT_UNITS,
    _exact_digits,
    _quantity,
    format_number,
    format_percent_value,
    format_points,
)
from .fragment import Fragment, _Parts
from .target_sentences import target_row_sentence

__all__ = ["indicator_name", "indicator_sentence", "status_text", "tier_summary", "value_text"]


def indicator_name(ev: Evaluation, path: str, *, locale: str = "zh_CN") -> str:
    """The indicator's display name: ``name_en`` in English when the rubric gives one.

    A row generated from a target is named as the target is, ``/`` included
    (its path writes ``／``, since ``/`` separates tiers there).
    """
    ind = ev.rubric.indicator(path)
    if not _zh(locale) and ind.name_en:
        return ind.name_en
    if ind.target is not None:
        target = next((t for t in ev.targets if t.id == ind.target), None)
        if target is not None:
            return target.name
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
        # 投入 → 投入类指标, as reports write a category; 预算执行率 → 预算执行率指标,
        # never 预算执行率类指标 (an indicator's name is not a category).
        tier = name + ("类指标" if len(name) <= 2 else "指标")
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
            # what is counted (违规 / violations), when the rule names it
            noun = getattr(ind.rule, "event" if _zh(locale) else "event_en", None)
            if isinstance(noun, str):
                p.put("event", noun, noun)
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
    if "events" in p and "event" in p:
        return ("{name}: no {event} found; full {points} points" if p.values["events"] == 0
                else "{name}: {event} found: {events}; {lost} points deducted")
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
