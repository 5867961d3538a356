"""Project-form sentences: a target with its result, and the rows generated from targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..data.model import Target
from ..engine.evaluation import Evaluation, IndicatorResult
from ..errors import PerfrubricError
from .catalogs import _say, _zh, translate
from .formatting import _PERCENT_UNITS, _quantity, format_percent_value, format_points
from .fragment import Fragment, _Parts

__all__ = ["reading_notes", "target_row_sentence", "target_sentence"]


def reading_notes(target: Target, *, locale: str = "zh_CN") -> list[str]:
    """How a form row's printed values were read, in *locale*, for the form's notes.

    A look-alike sign, an actual printed with a sign, ``万`` read as 万元, a
    cost without a sign read as a ceiling, a strict comparison read as
    at-least / at-most, a tolerance, a missed target at or below zero, an
    actual that repeats its target (``Target.notes`` has the details).
    """
    said: list[str] = []

    def note(message: str) -> None:
        said.append(translate(message, locale=locale))

    printed, actual = target.printed_target, target.printed_actual
    notes = (*target.notes, *(printed.notes if printed else ()))
    if any("U+" in n for n in notes):
        note("a look-alike sign is read as the comparison it stands for")
    if actual is not None and actual.operator is not None:
        note("the actual is printed with a sign: read as its number")
    if any("'万' read as 万元" in n for n in notes):
        note("万 is read as 万元 in a money row")
    if target.direction_from == "tier":
        note("a cost without a sign is a ceiling: lower is better")
    if printed is not None and printed.is_strict:
        note("a strict comparison is scored as at-least / at-most")
    if printed is not None and printed.is_tolerance:
        note("a tolerance: reached when the actual lies within it")
    if (not target.is_qualitative and target.reached is False and target.target is not None
            and target.target <= 0):
        note("a missed target at or below zero earns 0 points")
    if any("repeats the target's text" in n for n in notes):
        note("the actual repeats the target: read as 达成预期指标")
    return said


def _target_indicator(ev: Evaluation, target: Target) -> IndicatorResult | None:
    """The first leaf, in table order, that gives this target's completion percentage."""
    wanted = {f"targets.{target.id}.actual", f"targets.{target.id}.target"}
    for ind in ev.rubric.leaves():
        if (ind.measure is not None and ind.unit in _PERCENT_UNITS
                and wanted <= set(ind.measure.names)
                and ev.results[ind.path].shown is not None):
            return ev.results[ind.path]
    return None


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
    if result.status in ("missing", "cannot_rate") and "target" not in p:
        message = ("{name}: no target given, achieved {actual}: 0 of {points} points"
                   if "actual" in p
                   else "{name}: no target and no result reported: 0 of {points} points")
    elif result.status in ("missing", "cannot_rate"):
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
    if printed is not None and printed.is_strict and result.status == "scored":
        p.put("sentence", text, text)
        p.put("symbol", "≥" if printed.operator == ">" else "≤",
              "≥" if printed.operator == ">" else "≤")
        p.put("figure", p.values["target"], p.parts["target"][len(symbol):].strip())
        text = _say("{sentence} (scored as {symbol} {figure}: the rule has no strict step)",
                    p, locale)
    if result.note and "repeats the target's text" in result.note:
        p.put("sentence", text, text)
        text = _say("{sentence} (the actual repeats the target: read as reached)", p, locale)
    if result.note and "no evaluator's score" in result.note:
        p.put("sentence", text, text)
        text = _say("{sentence} (no evaluator's score: the top of the band)", p, locale)
    if target.reason:
        p.put("sentence", text, text)
        p.put("reason", target.reason, target.reason)
        text = _say("{sentence}; reasons for deviation: {reason}", p, locale)
    return Fragment(path, "indicator", text, p.values, locale, p.parts)


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
        message = ("{subject}{name}: {actual}, {percent} of the annual target ({target})"
                   if target.unit else  # 完成目标112: a bare count would run into the name
                   "{subject}{name}, a count: {actual}, {percent} of the annual target "
                   "({target})")
    elif "actual" in p and "target" in p:
        message = ("{subject}{name}: {actual} against a target of {target}" if target.unit
                   else "{subject}{name}, a count: {actual} against a target of {target}")
    elif "actual" in p:
        message = "{subject}{name}: {actual}"
    else:
        message = "{subject}{name}: no result given (target {target})"
    return Fragment(f"target:{target.id}", "target", _say(message, p, locale), p.values,
                    locale, p.parts)
