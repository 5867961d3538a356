"""The domain model: a department's basic data table (基础数据表).

Frozen attrs classes for the department, its staffing, its budget and
final accounts, its targets with results, free-form facts, and evaluators'
assessments.  Money is :class:`~perfrubric.units.Money` (amount with unit);
counts are ``int``.  Every figure a department may not report is optional
and ``None`` by default, so missing data is never confused with zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from .decimals import to_decimal
from .units import UNITS, Money

__all__ = [
    "Assessment",
    "Budget",
    "BudgetLine",
    "Department",
    "OrgUnit",
    "Sangong",
    "Staffing",
    "Target",
]


def _count(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{attribute.name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _opt_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _opt_money(value: object) -> Money | None:
    if value is None or isinstance(value, Money):
        return value
    raise TypeError(f"expected money with a unit, got {value!r}")


@attrs.frozen
class OrgUnit:
    """A unit of the department (行政单位 or 二级机构)."""

    name: str
    kind: str | None = None


@attrs.frozen
class Staffing:
    """人员情况: authorized posts (编制), staff on post (在职) and retirees (离退休).

    ``authorized_by_kind`` maps kinds (``administrative`` 行政编制,
    ``institutional`` 事业编制, ``logistics`` 工勤编制) to posts.  The model
    keeps the figures as reported and does not force parts to add up to
    totals: a report may count a group twice (see the seed example's notes).
    """

    authorized: int | None = attrs.field(default=None, validator=_count)
    authorized_by_kind: Mapping[str, int] = attrs.field(factory=dict)
    on_post: int | None = attrs.field(default=None, validator=_count)
    on_post_established: int | None = attrs.field(default=None, validator=_count)
    government_employees: int | None = attrs.field(default=None, validator=_count)
    on_post_contract: int | None = attrs.field(default=None, validator=_count)
    retired: int | None = attrs.field(default=None, validator=_count)
    retired_lixiu: int | None = attrs.field(default=None, validator=_count)
    retired_tuixiu: int | None = attrs.field(default=None, validator=_count)


@attrs.frozen
class BudgetLine:
    """One named line of spending (e.g. 业务工作经费 → 招商工作经费), possibly nested."""

    name: str
    amount: Money
    id: str | None = None
    lines: tuple[BudgetLine, ...] = ()


@attrs.frozen
class Sangong:
    """三公经费: 因公出国(境), 公务用车购置及运行, 公务接待 — budgeted and spent."""

    budget: Money | None = attrs.field(default=None, converter=_opt_money)
    actual: Money | None = attrs.field(default=None, converter=_opt_money)
    previous_actual: Money | None = attrs.field(default=None, converter=_opt_money)
    previous_budget: Money | None = attrs.field(default=None, converter=_opt_money)


@attrs.frozen
class Budget:
    """预算与决算: budgets, final accounts (决算), spending lines and controls.

    ``basic`` is 基本支出 and ``project`` 项目支出 as spent (决算);
    ``project_lines`` break project spending down by name.
    """

    initial: Money | None = attrs.field(default=None, converter=_opt_money)
    adjusted: Money | None = attrs.field(default=None, converter=_opt_money)
    final: Money | None = attrs.field(default=None, converter=_opt_money)
    basic: Money | None = attrs.field(default=None, converter=_opt_money)
    project: Money | None = attrs.field(default=None, converter=_opt_money)
    project_lines: tuple[BudgetLine, ...] = ()
    key_project: Money | None = attrs.field(default=None, converter=_opt_money)
    carryover: Money | None = attrs.field(default=None, converter=_opt_money)
    carryover_previous: Money | None = attrs.field(default=None, converter=_opt_money)
    public_funds_budget: Money | None = attrs.field(default=None, converter=_opt_money)
    public_funds_actual: Money | None = attrs.field(default=None, converter=_opt_money)
    procurement_budget: Money | None = attrs.field(default=None, converter=_opt_money)
    procurement_actual: Money | None = attrs.field(default=None, converter=_opt_money)
    fixed_assets_total: Money | None = attrs.field(default=None, converter=_opt_money)
    fixed_assets_in_use: Money | None = attrs.field(default=None, converter=_opt_money)
    payment_planned: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    payment_actual: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    sangong: Sangong = attrs.field(factory=Sangong)


@attrs.frozen
class Target:
    """A target of the year with its result (年度目标与完成情况).

    ``id`` is the identifier measures use (``targets.<id>.actual``); ``unit``
    is a money unit (亿元, 亿美元) or free text (个, 座, 人, %).  ``direction``
    says whether more is better.  ``subject`` is who achieved it, as the
    report words it (全区).  ``category`` groups output targets as a
    project form does (数量, 质量, 时效, 成本, 效益).
    """

    id: str = attrs.field()
    name: str = attrs.field()
    target: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    actual: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    unit: str | None = None
    direction: Literal["higher", "lower"] = "higher"
    previous: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    subject: str | None = None
    source: str | None = None
    category: str | None = None

    @id.validator
    def _check_id(self, _attribute: object, value: str) -> None:
        if not value.isidentifier():
            raise ValueError(f"target id must be an identifier (letters, digits, _), got {value!r}")

    @property
    def is_money(self) -> bool:
        """Whether the unit is a money unit (so values are :class:`Money`)."""
        return self.unit in UNITS

    @property
    def ratio(self) -> Decimal | None:
        """Return actual / target, or ``None`` when either is missing or the target is 0."""
        if self.actual is None or self.target is None or self.target == 0:
            return None
        return self.actual / self.target

    @property
    def reached(self) -> bool | None:
        """Whether the target was reached in its direction; ``None`` if unknown."""
        if self.actual is None or self.target is None:
            return None
        if self.direction == "lower":
            return self.actual <= self.target
        return self.actual >= self.target

    @property
    def completion(self) -> Decimal | None:
        """Share of the target reached, capped at 1 (达到目标的计满分，否则按比例).

        actual / target for ``higher``, target / actual for ``lower``;
        ``None`` when a figure is missing or a divisor is 0.
        """
        if self.actual is None or self.target is None:
            return None
        if self.direction == "lower":
            if self.actual <= self.target:
                return Decimal(1)
            return None if self.actual == 0 else max(self.target, Decimal(0)) / self.actual
        if self.target == 0:
            return None
        return min(max(self.actual / self.target, Decimal(0)), Decimal(1))

    @property
    def growth(self) -> Decimal | None:
        """(actual − previous) / previous, or ``None``."""
        if self.actual is None or self.previous is None or self.previous == 0:
            return None
        return (self.actual - self.previous) / self.previous


@attrs.frozen
class Assessment:
    """An evaluator's judgement for one indicator (by path): a score, a level or a value."""

    indicator: str
    score: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    level: str | None = None
    value: Any = None
    reason: str | None = None
    assessor: str | None = None


@attrs.frozen
class Department:
    """A department's basic data for one year (部门整体支出绩效评价基础数据表).

    ``facts`` holds named values the typed model has no field for (a
    checklist's items met, a count of violations, a yes/no), each usable in
    measures as ``facts.<name>``.
    """

    name: str
    year: int | None = None
    code: str | None = None
    units: tuple[OrgUnit, ...] = ()
    duties: tuple[str, ...] = ()
    staffing: Staffing = attrs.field(factory=Staffing)
    budget: Budget = attrs.field(factory=Budget)
    targets: tuple[Target, ...] = ()
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    assessments: tuple[Assessment, ...] = ()

    def target(self, target_id: str) -> Target:
        """The target with *target_id*; :class:`KeyError` if none."""
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)
