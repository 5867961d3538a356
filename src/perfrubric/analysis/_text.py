"""Words and JSON for plans (private): narrative in zh_CN and en, plain text, ``to_dict``.

The sentences are built here from a few fixed phrases per locale; every
number goes through babel (:mod:`perfrubric.narrative`'s formatters).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from ..data.model import Assessment
from ..decimals import Rounding
from ..engine.serialize import decimal_text
from ..indicators.inverse import Choices, ItemSets, ValueRange
from ..narrative import format_money, format_number, format_percent_value, format_rate
from ..narrative.catalogs import _join, _locale, _zh
from ..narrative.formatting import _exact_digits
from ..rubrics.model import Rubric
from ..units import UNITS, Money

if TYPE_CHECKING:
    from ..engine.evaluation import Rescaled
    from .plan_steps import DataChange, PlanStep

__all__ = ["grade_label", "indicator_label", "jsonable", "measured_text", "plan_text",
           "plan_to_dict", "points_text"]

_PERCENT = ("%", "％")

#: Display names of common data names: (zh_CN, en, zh unit, en unit).
_LABELS: Mapping[str, tuple[str, str, str, str]] = {
    "staffing.on_post": ("在职人数", "staff on post", "人", " people"),
    "staffing.authorized": ("编制数", "authorized posts", "人", " posts"),
    "staffing.on_post_established": ("在职在编人数", "established staff on post", "人",
                                     " people"),
    "staffing.on_post_contract": ("编外聘用人数", "contract staff", "人", " people"),
    "budget.initial": ("年初预算", "initial budget", "", ""),
    "budget.adjusted": ("调整预算", "adjusted budget", "", ""),
    "budget.final": ("全年支出（决算）", "final spending", "", ""),
    "budget.carryover": ("结转结余", "carry-over", "", ""),
    "budget.public_funds_budget": ("公用经费预算", "public funds budget", "", ""),
    "budget.public_funds_actual": ("公用经费实际支出", "public funds spent", "", ""),
    "budget.fixed_assets_total": ("固定资产总额", "total fixed assets", "", ""),
    "budget.fixed_assets_in_use": ("在用固定资产", "fixed assets in use", "", ""),
    "budget.sangong.budget": ("三公经费预算", "three public expenses budget", "", ""),
    "budget.sangong.actual": ("三公经费支出", "three public expenses spent", "", ""),
}


def jsonable(value: Any) -> Any:
    """*value* as JSON: Decimals as strings, money as ``{amount, unit}``, assessments as tables."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Money):
        return {"amount": decimal_text(value.amount), "unit": value.unit.symbol}
    if isinstance(value, Assessment):
        out = {"indicator": value.indicator, "level": value.level,
               "score": jsonable(value.score), "value": jsonable(value.value)}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def grade_label(rubric: Rubric, grade: str | None, locale: str) -> str:
    """The grade's name in *locale* (优 ↔ Excellent), or a dash for none."""
    if grade is None:
        return "—"
    return rubric.grades.get(grade).label(_locale(locale))


def indicator_label(rubric: Rubric, path: str, locale: str) -> str:
    """The indicator's display name: ``name_en`` in English when given."""
    if path not in rubric:
        return path.rsplit("/", 1)[-1]
    ind = rubric.indicator(path)
    return ind.name_en if not _zh(locale) and ind.name_en else ind.name


def points_text(value: Decimal, locale: str) -> str:
    """Points as reports write them (``5``, ``2.5``)."""
    return format_number(value, locale=locale, places=_exact_digits(value))


def measured_text(rubric: Rubric, path: str, value: Any, locale: str, *,
                  exact: bool = False) -> str:
    """A measured value as the report writes it: ``190.91%``, ``5424.65万元``, ``是``.

    With *exact*, a percentage keeps every digit (for a rule's edge)
    instead of the indicator's display rounding.
    """
    ind = rubric.indicator(path) if path in rubric else None
    unit = ind.unit if ind is not None else None
    if isinstance(value, bool):
        return ("是" if value else "否") if _zh(locale) else ("yes" if value else "no")
    if isinstance(value, Decimal):
        if unit in _PERCENT:
            if exact:
                shown = value.scaleb(2)
                return format_percent_value(shown, _exact_digits(shown), locale=locale)
            rounding = (ind.value_rounding if ind is not None and ind.value_rounding
                        else rubric.rounding)
            return format_rate(value, rounding, locale=locale)
        if unit is not None and unit in UNITS:
            return format_money(Money(value, unit), locale=locale)
        text = format_number(Rounding(4).apply(value).normalize() if not exact else value,
                             locale=locale)
        return text + (unit or "") if _zh(locale) else text + (f" {unit}" if unit else "")
    if isinstance(value, Mapping) and isinstance(value.get("level"), str):
        return str(value["level"])
    if isinstance(value, Mapping):
        return _join([str(k) for k, v in value.items() if v is True], locale)
    if isinstance(value, (list, tuple)):
        return _join([str(v) for v in value], locale) or ("无" if _zh(locale) else "none")
    return "—" if value is None else str(value)


# -- plans ----------------------------------------------------------------------------


class _PlanView(Protocol):
    """What the words read of a :class:`~perfrubric.analysis.Plan` (typing only).

    Stated here so that this module needs nothing from the module defining
    the plan, which imports this one: imports run one way.
    """

    @property
    def rubric(self) -> Rubric: ...
    @property
    def total_before(self) -> Decimal: ...
    @property
    def grade_before(self) -> str | None: ...
    @property
    def target_grade(self) -> str: ...
    @property
    def total_after(self) -> Decimal: ...
    @property
    def grade_after(self) -> str | None: ...
    @property
    def steps(self) -> tuple[PlanStep, ...]: ...
    @property
    def rescaled(self) -> bool: ...
    @property
    def rescaling(self) -> tuple[Rescaled, ...]: ...
    @property
    def applicable(self) -> bool: ...
    @property
    def complete(self) -> bool: ...
    @property
    def checked(self) -> int: ...
    @property
    def keep(self) -> tuple[str, ...]: ...
    @property
    def prefer(self) -> tuple[str, ...]: ...


def _data_value(change: DataChange, value: Any, locale: str) -> str:
    label = _LABELS.get(change.name)
    if isinstance(value, Assessment):
        if value.level is not None:
            return value.level
        value = value.value
    if isinstance(value, Decimal):
        if change.unit is not None and change.unit in UNITS:
            return format_money(Money(value, change.unit), locale=locale)
        text = format_number(value, locale=locale)
        if label is not None:
            return text + (label[2] if _zh(locale) else label[3])
        return text
    if isinstance(value, bool):
        return ("是" if value else "否") if _zh(locale) else ("yes" if value else "no")
    if isinstance(value, (tuple, list)):
        return _join([str(v) for v in value], locale) or ("无" if _zh(locale) else "none")
    if isinstance(value, Mapping):
        return _join([str(k) for k, v in value.items() if v is True], locale)
    return "—" if value is None else str(value)


def _data_name(change: DataChange, plan: _PlanView, locale: str) -> str:
    if change.name.startswith("assessment:"):
        path = change.name.split(":", 1)[1]
        name = indicator_label(plan.rubric, path, locale)
        return f"{name}的评价" if _zh(locale) else f"the assessment of {name}"
    label = _LABELS.get(change.name)
    if label is None:
        return change.name
    return label[0] if _zh(locale) else label[1]


def _change_text(change: DataChange, plan: _PlanView, locale: str) -> str:
    name = _data_name(change, plan, locale)
    before = _data_value(change, change.before, locale)
    after = _data_value(change, change.after, locale)
    if isinstance(change.before, Decimal) and isinstance(change.after, Decimal):
        down = change.after < change.before
        if _zh(locale):
            return f"{name}由{before}{'减至' if down else '增至'}{after}"
        return f"{name} {'down' if down else 'up'} from {before} to {after}"
    if _zh(locale):
        return f"{name}由{before}改为{after}"
    return f"{name} from {before} to {after}"


def _goal_text(step: PlanStep, plan: _PlanView, locale: str) -> str:
    """What the measure must reach, for a step stated on the measure only."""
    zh = _zh(locale)
    path = step.indicator or ""
    goal = step.goal
    before = step.measured_before
    if isinstance(goal, ValueRange) and isinstance(before, Decimal):
        best: tuple[Decimal, Decimal, bool, bool] | None = None
        for interval in goal.intervals:
            for edge, inclusive, is_low in ((interval.low, interval.low_inclusive, True),
                                            (interval.high, interval.high_inclusive, False)):
                if edge is not None and (best is None or abs(edge - before) < best[0]):
                    best = (abs(edge - before), edge, inclusive, is_low)
        if best is not None:
            _, edge, inclusive, is_low = best
            shown = measured_text(plan.rubric, path, edge, locale, exact=True)
            if zh:
                word = ("提高至不低于" if inclusive else "提高至高于") if is_low else (
                    "降至不高于" if inclusive else "降至低于")
                return word + shown
            word = ("rises to at least " if inclusive else "rises above ") if is_low else (
                "falls to at most " if inclusive else "falls below ")
            return word + shown
    if isinstance(goal, Choices) and goal.values:
        shown = ", ".join("是" if v is True and zh else "yes" if v is True
                          else "否" if v is False and zh else "no" if v is False else str(v)
                          for v in goal.values)
        return f"达到{shown}" if zh else f"reaches {shown}"
    if isinstance(goal, ItemSets):
        return (f"缺项扣分不超过{points_text(goal.max_lost, locale)}分" if zh
                else f"loses at most {points_text(goal.max_lost, locale)} points for missing "
                "items")
    return "达到要求" if zh else "meets the criterion"


def _step_clause(step: PlanStep, plan: _PlanView, locale: str, first: bool,
                 grade_before: str | None) -> str:
    zh = _zh(locale)
    total = points_text(step.total_after, locale)
    grade = grade_label(plan.rubric, step.grade_after, locale)
    if step.grade_after == grade_before:
        grade_part = f"等级仍为{grade}" if zh else f"grade still {grade}"
    else:
        old = grade_label(plan.rubric, grade_before, locale)
        grade_part = f"等级由{old}升为{grade}" if zh else f"grade up from {old} to {grade}"
    if step.veto is not None:
        veto = next((v for v in plan.rubric.vetoes if v.name == step.veto), None)
        reason = veto.reason if veto is not None else step.veto
        how = "；".join(_change_text(c, plan, locale) for c in step.changes) if zh else \
            "; ".join(_change_text(c, plan, locale) for c in step.changes)
        if zh:
            lead = "首先须消除一票否决情形" if first else "另需消除一票否决情形"
            return f"{lead}（{reason}{'：' + how if how else ''}），总分{total}分，{grade_part}"
        lead = "First the veto must be lifted" if first else "In addition the veto must be lifted"
        return f"{lead} ({reason}{': ' + how if how else ''}): total {total}, {grade_part}"
    name = indicator_label(plan.rubric, step.indicator or "", locale)
    if step.changes and isinstance(step.measured_after, Decimal) \
            and isinstance(step.measured_before, Decimal):
        shown = measured_text(plan.rubric, step.indicator or "", step.measured_after, locale)
        down = step.measured_after < step.measured_before
        what = (f"{name}{'降至' if down else '提高至'}{shown}" if zh
                else f"{name} {'falls' if down else 'rises'} to {shown}")
    elif step.changes:
        what = (f"{name}达到要求" if zh else f"{name} meets the criterion")
    else:
        what = f"{name}{_goal_text(step, plan, locale)}" if zh else \
            f"{name} {_goal_text(step, plan, locale)}"
    sep = "；" if zh else "; "
    how = sep.join(_change_text(c, plan, locale) for c in step.changes)
    gained = points_text(step.points_gained, locale)
    others = _side_text(step, plan, locale)
    if zh:
        lead = "若" if first else "另需"
        more = "可增加" if first else "可再增加"
        detail = f"（{how}）" if how else ""
        return f"{lead}{what}{detail}，{more}{gained}分{others}，总分{total}分，{grade_part}"
    lead = "If" if first else "In addition, if"
    return (f"{lead} {what}{' (' + how + ')' if how else ''}, it gains {gained} points"
            f"{others}: total {total}, {grade_part}")


def _side_text(step: PlanStep, plan: _PlanView, locale: str) -> str:
    """What the step's change does to other indicators: ``，但结转结余率减少0.5分``."""
    zh = _zh(locale)
    parts = []
    for effect in step.effects:
        if effect.indicator == step.indicator or not effect.points:
            continue
        name = indicator_label(plan.rubric, effect.indicator, locale)
        amount = points_text(abs(effect.points), locale)
        if zh:
            parts.append(f"{name}{'减少' if effect.points < 0 else '增加'}{amount}分")
        else:
            parts.append(f"{name} {'loses' if effect.points < 0 else 'gains'} {amount} "
                         f"point{'s' if abs(effect.points) != 1 else ''}")
    if not parts:
        return ""
    lost = any(e.points < 0 for e in step.effects if e.indicator != step.indicator)
    if zh:
        return ("，但" if lost else "，同时") + "、".join(parts)
    return (", but " if lost else ", and ") + ", ".join(parts)


def plan_text(plan: _PlanView, *, locale: str = "zh_CN") -> str:
    """The plan as one paragraph (see :meth:`Plan.narrative`)."""
    zh = _zh(locale)
    target = grade_label(plan.rubric, plan.target_grade, locale)
    now = grade_label(plan.rubric, plan.grade_before, locale)
    total = points_text(plan.total_before, locale)
    if not plan.steps:
        if zh:
            return f"现得分{total}分，等级为{now}，已达到{target}，无需整改。"
        return f"The score is {total}, grade {now}: it already reaches {target}."
    clauses = []
    grade_before = plan.grade_before
    for i, step in enumerate(plan.steps):
        clauses.append(_step_clause(step, plan, locale, i == 0, grade_before))
        grade_before = step.grade_after
    after = grade_label(plan.rubric, plan.grade_after, locale)
    if zh:
        text = "；".join(clauses) + "。"
        if plan.rescaled:
            text += _rescaled_note(plan, locale)
        if not plan.applicable:
            text += "（部分措施只能以指标值表述，需据实落实到基础数据。）"
        if not plan.complete:
            text += (f"（搜索在核验{plan.checked}个候选方案后因时限停止，以上为已找到的最佳方案，"
                     f"可达到{after}；可能存在改动更少的方案。）")
        return f"现得分{total}分，等级为{now}。" + text
    text = "; ".join(clauses) + "."
    if plan.rescaled:
        text += " " + _rescaled_note(plan, locale)
    if not plan.applicable:
        text += " (Some steps are stated on the measure only; the data change is yours to find.)"
    if not plan.complete:
        text += (f" (The search stopped after {plan.checked} candidates at its time limit; "
                 f"the best plan found reaches {after}; a smaller one may exist.)")
    return f"The score is {total}, grade {now}. " + text


def _rescaled_note(plan: _PlanView, locale: str) -> str:
    """Why the totals are rescaled: the rows left out as not applicable / not reported."""
    full = points_text(plan.rubric.full_marks, locale)
    na = sum(1 for r in plan.rescaling if r.reason == "not_applicable")
    nr = sum(1 for r in plan.rescaling if r.reason == "not_reported")
    if _zh(locale):
        parts = ([f"{na}项指标不适用"] if na else []) + ([f"{nr}项指标未报告"] if nr else [])
        why = "、".join(parts) + "，不计分，" if parts else ""
        return f"（{why}总分按其余指标折算为{full}分制。）"
    parts = ([f"{na} indicator{'s' if na != 1 else ''} that do{'es' if na == 1 else ''} "
              "not apply"] if na else [])
    parts += [f"{nr} indicator{'s' if nr != 1 else ''} not reported"] if nr else []
    if not parts:
        return f"(The total is rescaled to {full} over the indicators counted.)"
    verb = "is" if na + nr == 1 else "are"
    return (f"({' and '.join(parts)} {verb} left out; the total is rescaled to {full} "
            "over the rest.)")


def plan_lines(plan: _PlanView, *, locale: str = "zh_CN") -> str:
    """The plan as plain text: a heading, one block per step, the result, the narrative."""
    zh = _zh(locale)
    rubric = plan.rubric
    head = (f"{points_text(plan.total_before, locale)} "
            f"({grade_label(rubric, plan.grade_before, locale)}) → "
            f"{grade_label(rubric, plan.target_grade, locale)}")
    lines = [("整改方向（下一等级）：" if zh else "Next-grade plan: ") + head, ""]
    for i, step in enumerate(plan.steps, 1):
        if step.veto is not None:
            lines.append(f"{i}. {'一票否决' if zh else 'veto'}: {step.veto}")
        else:
            path = step.indicator or ""
            gained = points_text(step.points_gained, locale)
            lines.append(f"{i}. {path}: +{gained} ({points_text(step.score_before, locale)} → "
                         f"{points_text(step.score_after, locale)})")
            if step.measured_after is not None and step.measured_before is not None:
                lines.append("   " + ("指标值" if zh else "measured") + ": "
                             + measured_text(rubric, path, step.measured_before, locale) + " → "
                             + measured_text(rubric, path, step.measured_after, locale))
            elif not step.changes:
                lines.append("   " + ("仅能以指标值表述" if zh else "on the measure only")
                             + ": " + _goal_text(step, plan, locale))
            for effect in step.side_effects:
                lines.append("   " + ("连带" if zh else "also") + ": " + effect.indicator + " "
                             + ("+" if effect.points > 0 else "−")
                             + points_text(abs(effect.points), locale) + " ("
                             + points_text(effect.score_before, locale) + " → "
                             + points_text(effect.score_after, locale) + ")")
        for change in step.changes:
            before, after = change.before, change.after
            if isinstance(before, Assessment) and isinstance(after, Assessment):
                before = before.level if before.level is not None else before.value
                after = after.level if after.level is not None else after.value
            unit = f" {change.unit}" if change.unit else ""
            lines.append(f"   {change.name}: {_plain(before)} → {_plain(after)}{unit}")
        lines.append("   " + ("之后" if zh else "then") + ": "
                     + points_text(step.total_after, locale) + " ("
                     + grade_label(rubric, step.grade_after, locale) + ")")
    if not plan.complete:
        lines.append("")
        lines.append(("搜索因时限停止（已核验{n}个候选方案）：以下为已找到的最佳方案" if zh else
                      "the search stopped at its time limit after {n} candidates: the best "
                      "plan found").format(n=plan.checked))
    lines.append("")
    lines.append(("整改后" if zh else "After the plan") + ": "
                 + points_text(plan.total_after, locale) + " ("
                 + grade_label(rubric, plan.grade_after, locale) + ")")
    lines.append("")
    lines.append(plan_text(plan, locale=locale))
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_plain(v)}" for k, v in value.items()) + "}"
    return "—" if value is None else str(value)


def plan_to_dict(plan: _PlanView) -> dict[str, Any]:
    """The plan as JSON-ready data (see ``docs/analysis.md``)."""
    return {
        "rubric": {"id": plan.rubric.id, "version": plan.rubric.version,
                   "sha256": plan.rubric.sha256},
        "total_before": jsonable(plan.total_before),
        "grade_before": plan.grade_before,
        "target_grade": plan.target_grade,
        "total_after": jsonable(plan.total_after),
        "grade_after": plan.grade_after,
        "applicable": plan.applicable,
        "complete": plan.complete,
        "checked": plan.checked,
        "keep": list(plan.keep),
        "prefer": list(plan.prefer),
        "rescaled": plan.rescaled,
        "rescaling": [{"path": r.path, "points": jsonable(r.points), "reason": r.reason,
                       "note": r.note} for r in plan.rescaling],
        "steps": [{
            "indicator": step.indicator,
            "veto": step.veto,
            "score_before": jsonable(step.score_before),
            "score_after": jsonable(step.score_after),
            "points_gained": jsonable(step.points_gained),
            "goal": None if step.goal is None else str(step.goal)
            if isinstance(step.goal, ValueRange) else jsonable(
                step.goal.values if isinstance(step.goal, Choices)
                else {"max_lost": step.goal.max_lost}),
            "measured_before": jsonable(step.measured_before),
            "measured_after": jsonable(step.measured_after),
            "changes": [{"name": c.name, "before": jsonable(c.before),
                         "after": jsonable(c.after), "unit": c.unit,
                         "relative": jsonable(c.relative)} for c in step.changes],
            "cost": jsonable(step.cost),
            "total_before": jsonable(step.total_before),
            "total_after": jsonable(step.total_after),
            "grade_after": step.grade_after,
            "effects": [{"indicator": e.indicator, "score_before": jsonable(e.score_before),
                         "score_after": jsonable(e.score_after), "points": jsonable(e.points),
                         "measured_before": jsonable(e.measured_before),
                         "measured_after": jsonable(e.measured_after)}
                        for e in step.effects],
        } for step in plan.steps],
    }
