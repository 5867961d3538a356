"""The form's header block and its 复核 (review) cells, shared by the form and table views.

The header block is what a printed 项目支出绩效自评表 shows above its rows:
项目名称, 主管部门, 实施单位, the funds block's 其中 rows (财政拨款, 上年结转,
其他资金) and 年度总体目标 / 实际完成情况 — read from the evaluation's
``form`` and ``funds`` (the data's ``[form]`` and ``[budget.fiscal]`` …).
The 复核 cell of a row says where its printed 得分 departs from the rule.
Like every view this reads an :class:`~perfrubric.evaluation.Evaluation`
and never recomputes.
"""

from __future__ import annotations

from ..decimals import Rounding
from ..engine.deviation import Deviation
from ..engine.evaluation import Evaluation
from ..expr.template import fill
from ..narrative import format_money, format_points, translate

__all__ = ["header_lines", "is_reviewed", "review_cells"]

_LABELS: dict[str, str] = {
    "project": "Project", "code": "Project code", "department": "Supervising department",
    "implementer": "Implementing unit", "goal": "Overall goal of the year",
    "achieved": "What was achieved",
}
_SOURCES: dict[str, str] = {
    "fiscal": "Fiscal appropriation", "carried_over": "Carried over from last year",
    "other": "Other funds",
}
_FIGURES: tuple[tuple[str, str], ...] = (
    ("initial", "Initial budget"), ("adjusted", "Budget for the year"),
    ("final", "Spent in the year"))
_BEFORE_FUNDS = ("project", "code", "department", "implementer")


def header_lines(ev: Evaluation, *, locale: str = "zh_CN") -> list[tuple[str, str]]:
    """The header block as (label, text) lines, in the printed form's order.

    项目名称, 项目编码, 主管部门, 实施单位, then the funds' 其中 rows, then
    年度总体目标 and 实际完成情况; only what the data gives.  Empty when the
    data has no ``[form]`` table and no 其中 rows.
    """
    given = dict(ev.form.header) if ev.form is not None else {}
    zh = locale.replace("-", "_").startswith("zh")
    sep = "，" if zh else ", "
    lines = [(translate(_LABELS[f], locale=locale), given[f]) for f in _BEFORE_FUNDS
             if f in given]
    for name, source in ev.funds:
        figures = []
        for field, label in _FIGURES:
            amount = getattr(source, field)
            if amount is not None:
                money = format_money(amount, locale=locale)
                figures.append(f"{translate(label, locale=locale)}{'' if zh else ' '}{money}")
        label = fill(translate("of which {source}", locale=locale),
                     {"source": translate(_SOURCES[name], locale=locale)})
        lines.append((label, sep.join(figures)))
    lines += [(translate(_LABELS[f], locale=locale), given[f]) for f in ("goal", "achieved")
              if f in given]
    return lines


def is_reviewed(ev: Evaluation) -> bool:
    """Whether the form prints scores, so that the views show a 复核 column."""
    return ev.printed_total is not None


def review_cells(ev: Evaluation, *, locale: str = "zh_CN") -> dict[str, str]:
    """Row path → its 复核 cell: the printed and the rule's score where they differ."""
    rounding = ev.rubric.rounding
    out: dict[str, str] = {}
    for dev in ev.deviations:
        out[dev.path] = _review_text(dev, rounding, locale)
    return out


def _review_text(dev: Deviation, rounding: Rounding, locale: str) -> str:
    text = fill(translate("printed {printed}, rule {rule}", locale=locale),
                {"printed": format_points(dev.printed, rounding, locale=locale),
                 "rule": format_points(dev.rule, rounding, locale=locale)})
    if dev.kind == "above_points":
        text += translate(" (above the row's points)", locale=locale)
    elif dev.kind == "no_figures":
        text += translate(" (scored without figures)", locale=locale)
    elif dev.kind == "outside_band":
        text += translate(" (outside the band of its level)", locale=locale)
    return text
