"""The printed form a project's data comes from: its layout and its header block.

A project self-evaluation form (项目支出绩效自评表) is published in many
layouts.  :class:`Form` (the data's ``[form]`` table) says how the form the
data was typed from counts its points and its total, whether its printed
得分 column counts, and carries the form's header block (项目名称, 主管部门,
实施单位, 年度总体目标 and 实际完成情况).  :class:`FundSource` is one of the
funds block's 其中 rows (财政拨款, 上年结转, 其他资金) in ``[budget]``.

>>> Form(points="as_printed", project="水标尺建设").points
'as_printed'
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import attrs

from ..units import Money
from .fields import (
    _fail,
    _non_negative,
    _non_negative_money,
    _opt_decimal,
    _opt_money,
    _opt_text,
)

__all__ = ["FORM_POINTS", "FORM_SCORES", "FORM_TOTALS", "FUND_SOURCES", "HEADER_FIELDS",
           "Form", "FundSource"]

#: ``points``: the official 10 / 50 / 30 / 10, or each tier's points as printed.
FORM_POINTS: tuple[str, ...] = ("official", "as_printed")
#: ``total``: whether the 总分 counts the 预算执行率 row.
FORM_TOTALS: tuple[str, ...] = ("with_budget", "indicators")
#: ``scores``: whether the rule's scores count or the printed 得分 column.
FORM_SCORES: tuple[str, ...] = ("rule", "printed")


def _one_of(options: tuple[str, ...], meaning: str) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in options:
            listing = " | ".join(f'"{o}"' for o in options)
            raise _fail(attribute.name, f"expected {listing} ({meaning}), got {value!r}",
                        listing, value)
    return check


@attrs.frozen
class FundSource:
    """One 其中 row of the form's funds block: 年初预算数, 全年预算数, 全年执行数.

    ``initial`` 年初预算数, ``adjusted`` 全年预算数, ``final`` 全年执行数, each
    money (``"80万元"``).  ``[budget.fiscal]`` is 财政拨款, ``[budget.carried_over]``
    上年结转, ``[budget.other]`` 其他资金.
    """

    initial: Money | None = attrs.field(default=None, converter=_opt_money,
                                        validator=_non_negative_money)
    adjusted: Money | None = attrs.field(default=None, converter=_opt_money,
                                         validator=_non_negative_money)
    final: Money | None = attrs.field(default=None, converter=_opt_money,
                                      validator=_non_negative_money)

    @property
    def is_empty(self) -> bool:
        """Whether the row gives no figure at all."""
        return self.initial is None and self.adjusted is None and self.final is None


#: The 其中 rows of the funds block, as fields of :class:`~perfrubric.model.Budget`:
#: 财政拨款, 上年结转, 其他资金.
FUND_SOURCES: tuple[str, ...] = ("fiscal", "carried_over", "other")


@attrs.frozen
class Form:
    """The printed form the data comes from (the data's ``[form]`` table).

    ``points``: ``"official"`` (default) checks the tiers' points of the
    2020 form (预算执行率 10, 产出 50, 效益 30, 满意度 10); ``"as_printed"``
    takes each tier's points from the sum of its printed rows (a tier with
    no row is left out).  ``total``: ``"with_budget"`` (default) — the
    总分 counts the 预算执行率 row; ``"indicators"`` — the 总分 is the
    indicator rows' sum, the budget row scored and shown beside it.
    ``scores``: ``"rule"`` (default) — the rule's scores count and each
    printed 得分 that differs is a deviation (复核); ``"printed"`` — the
    printed scores count, each an audited override.

    The header block: ``project`` 项目名称, ``code`` 项目编码, ``department``
    主管部门, ``implementer`` 实施单位, ``goal`` 年度总体目标, ``achieved``
    实际完成情况; ``budget_score`` is the 得分 printed in the funds block
    (the 预算执行率 row).
    """

    points: Literal["official", "as_printed"] = attrs.field(
        default="official", validator=_one_of(FORM_POINTS, "the tiers' points"))
    total: Literal["with_budget", "indicators"] = attrs.field(
        default="with_budget", validator=_one_of(FORM_TOTALS, "what the 总分 counts"))
    scores: Literal["rule", "printed"] = attrs.field(
        default="rule", validator=_one_of(FORM_SCORES, "which scores count"))
    project: str | None = attrs.field(default=None, validator=_opt_text)
    code: str | None = attrs.field(default=None, validator=_opt_text)
    department: str | None = attrs.field(default=None, validator=_opt_text)
    implementer: str | None = attrs.field(default=None, validator=_opt_text)
    goal: str | None = attrs.field(default=None, validator=_opt_text)
    achieved: str | None = attrs.field(default=None, validator=_opt_text)
    budget_score: Decimal | None = attrs.field(default=None, converter=_opt_decimal,
                                               validator=_non_negative)

    @property
    def header(self) -> tuple[tuple[str, str], ...]:
        """The header block's given fields as (field, text), in the form's order."""
        return tuple((name, getattr(self, name)) for name in HEADER_FIELDS
                     if getattr(self, name) is not None)


#: The header block's fields, in the printed form's order.
HEADER_FIELDS: tuple[str, ...] = ("project", "code", "department", "implementer", "goal",
                                  "achieved")
