"""The closing sentences (veto, rescaling, closing line) and the report's assembly."""

from __future__ import annotations

from ..engine.evaluation import Evaluation
from ..errors import PerfrubricError
from .catalogs import _join, _say, _zh
from .figure_sentences import figure_sentence
from .formatting import format_number, format_points
from .fragment import Fragment, _Parts
from .indicator_sentences import indicator_name, indicator_sentence, tier_summary
from .target_sentences import target_sentence

__all__ = ["closing_sentence", "fragments", "report_text", "rescaling_sentence", "veto_sentence"]


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
    no grade names the indicators that could not be rated.  A project form
    that prints its scores adds the printed total and the rule's:
    ``；自评得分99分，按规则复核97.44分`` / ``; self-evaluated 99, 97.44 by the
    rule on review``.
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
    text = _say(message, p, locale)
    if ev.printed_total is not None and ev.rule_total is not None:
        # a form that prints its scores: 自评得分99分，按规则复核97.44分
        rounding = ev.rubric.total_rounding
        p.put("printed", ev.printed_total, format_points(ev.printed_total, rounding,
                                                         locale=locale))
        p.put("rule", ev.rule_total, format_points(ev.rule_total, rounding, locale=locale))
        text += ("；" if _zh(locale) else "; ") + _say(
            "Self-evaluated {printed}, {rule} by the rule on review", p, locale)
    return Fragment("closing", "closing", text, p.values, locale, p.parts)


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


_DEVIATION_MESSAGES = {
    "differs": "{name}: printed {printed}, {rule} by the rule ({points} points)",
    "above_points": "{name}: printed {printed}, above its {points} points; {rule} by the rule",
    "no_figures": "{name}: printed {printed} without a result; {rule} by the rule",
    "outside_band": "{name}: printed {printed}, outside the band of its level; {rule} by the rule",
}


def _deviation_fragments(ev: Evaluation, locale: str) -> list[Fragment]:
    """One sentence per row whose printed 得分 departs from the rule (复核)."""
    out = []
    rounding = ev.rubric.rounding
    for dev in ev.deviations:
        p = _Parts()
        p.put("name", dev.name, dev.name)
        for key in ("printed", "rule", "points"):
            value = getattr(dev, key)
            p.put(key, value, format_points(value, rounding, locale=locale))
        out.append(Fragment(f"deviation:{dev.path}", "deviation",
                            _say(_DEVIATION_MESSAGES[dev.kind], p, locale), p.values, locale,
                            p.parts))
    return out


def fragments(ev: Evaluation, *, locale: str = "zh_CN", compact: bool = False) -> list[Fragment]:
    """Every fragment, in report order.

    Targets with a result, report figures, then each top tier's summary
    followed by its leaf indicators, triggered vetoes, how a rescaled total
    was computed (:func:`rescaling_sentence`), each row of a project form
    whose printed 得分 departs from the rule (kind ``"deviation"``), and the
    closing line.
    """
    rows = {ind.target for ind in ev.rubric.walk() if ind.target is not None}
    out = [target_sentence(ev, t.id, locale=locale, compact=compact)
           for t in ev.targets if t.actual is not None and t.id not in rows]
    out += [figure_sentence(ev, fid, locale=locale) for fid in ev.figures]
    for top in ev.rubric.indicators:
        if not top.is_leaf or ev.results[top.path].status == "excluded":
            out.append(tier_summary(ev, top.path, locale=locale))
        out += [indicator_sentence(ev, ind.path, locale=locale)
                for ind in top.walk() if ind.is_leaf]
    out += [veto_sentence(ev, veto.name, locale=locale) for veto in ev.vetoes]
    rescaling = rescaling_sentence(ev, locale=locale)
    if rescaling is not None:
        out.append(rescaling)
    out += _deviation_fragments(ev, locale)
    out.append(closing_sentence(ev, locale=locale))
    return out


def report_text(ev: Evaluation, *, locale: str = "zh_CN", compact: bool = False) -> str:
    """All fragments as plain text, one per line; indicator lines below a tier are indented.

    A top tier that is itself the indicator (预算执行率) is one unindented line.
    """
    parts = fragments(ev, locale=locale, compact=compact)
    lines = [("  " if f.kind == "indicator" and ("/" in f.key or (
        i and parts[i - 1].kind == "tier" and parts[i - 1].key == f.key)) else "") + f.text
             for i, f in enumerate(parts)]
    return "\n".join(lines) + "\n"
