"""The domain model: a department's basic data table (基础数据表).

Frozen attrs classes for the department, its staffing, its budget and
final accounts, its targets with results, free-form facts, and evaluators'
assessments.  Money is :class:`~perfrubric.units.Money` (amount with unit);
counts are ``int``; rates and results are :class:`~decimal.Decimal`.

Every figure a department may not report is optional and ``None`` by
default, so missing data is never confused with zero.  Converters sit at
the edge (``"601.53万元"`` → :class:`Money`, ``0.1`` → ``Decimal("0.1")``
through :func:`str`, lists → tuples, dicts → read-only mappings), and
validators on the fields refuse what cannot be true (a negative count, a
target id that a measure could not name).  A bad value raises
:class:`FieldError`, which says which field and what was expected.

The model does **not** force parts to add up to totals: a report may count
a group twice, and the data must be representable as printed.
:meth:`Department.discrepancies` lists such disagreements without
rejecting anything.

:class:`Target` and its reading of printed values live in
:mod:`perfrubric.data.targets`; this module re-exports it.

>>> dept = Department(name="长沙市开福区商务局", year=2021,
...                   budget=Budget(basic="601.53万元"))
>>> dept.budget.basic
Money(amount=Decimal('601.53'), unit=Unit(currency='CNY', exponent=4, symbol='万元'))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Union

import attrs

from ..units import Money, UnitError
from .fields import (
    DIRECTIONS,
    FieldError,
    FieldIssue,
    PathPart,
    _as_tuple,
    _assessed_value,
    _by_kind,
    _check_facts,
    _count,
    _counts,
    _facts,
    _fail,
    _FrozenMap,
    _identifier,
    _items_of,
    _non_negative,
    _non_negative_money,
    _opt_assessed,
    _opt_decimal,
    _opt_money,
    _opt_text,
    _text,
    _texts,
    _to_money,
    _year,
)
from .form import Form, FundSource
from .targets import Target

__all__ = [
    "DIRECTIONS",
    "Assessment",
    "Budget",
    "BudgetLine",
    "Department",
    "FactValue",
    "FieldError",
    "FieldIssue",
    "Form",
    "FundSource",
    "OrgUnit",
    "PathPart",
    "Sangong",
    "SangongItem",
    "Staffing",
    "Target",
]

#: A free fact's value once converted: a number, yes/no, text or a list of text.
FactValue = Union[Decimal, bool, str, tuple[str, ...]]  # noqa: UP007 - a runtime alias




def _units(value: Iterable[OrgUnit]) -> tuple[OrgUnit, ...]:
    return _as_tuple(value, "units")


def _lines(value: Iterable[BudgetLine]) -> tuple[BudgetLine, ...]:
    return _as_tuple(value, "budget lines")


def _targets(value: Iterable[Target]) -> tuple[Target, ...]:
    return _as_tuple(value, "targets")


def _assessments(value: Iterable[Assessment]) -> tuple[Assessment, ...]:
    return _as_tuple(value, "assessments")


def _sub_lines(_instance: object, attribute: attrs.Attribute[Any],
               value: tuple[Any, ...]) -> None:
    for i, item in enumerate(value):
        if not isinstance(item, BudgetLine):
            raise _fail((attribute.name, i), f"expected a budget line, got {item!r}",
                        "a budget line", item)


# -- the classes ---------------------------------------------------------------------


@attrs.frozen
class OrgUnit:
    """A unit of the department: the 行政单位 itself or a 二级机构 (secondary unit).

    ``kind`` is free text as the report words it (``"行政单位"``,
    ``"二级机构"``, ``"事业单位"``).
    """

    name: str = attrs.field(validator=_text)
    kind: str | None = attrs.field(default=None, validator=_opt_text)


@attrs.frozen
class Staffing:
    """人员情况: authorized posts (编制), staff on post (在职) and retirees (离退休).

    - ``authorized`` 编制数 (total), ``authorized_by_kind`` 编制 by kind:
      ``administrative`` 行政编制, ``institutional`` 事业编制,
      ``logistics`` 工勤编制 (other identifiers are allowed);
    - ``on_post`` 在职人数, split into ``on_post_established`` 在职在编
      (which may include ``government_employees`` 政府雇员) and
      ``on_post_contract`` 编外(长期)聘用;
    - ``retired`` 离退休人数, split into ``retired_lixiu`` 离休 and
      ``retired_tuixiu`` 退休.

    Figures are kept as reported: parts are not forced to add up to totals
    (the seed report prints 在职 21 = 在编 16 (含政府雇员 2) + 编外 7, which
    adds up only if the 2 政府雇员 are counted in both groups).  See
    :meth:`Department.discrepancies`.
    """

    authorized: int | None = attrs.field(default=None, validator=_count)
    authorized_by_kind: Mapping[str, int] = attrs.field(factory=_FrozenMap, converter=_counts,
                                                        validator=_by_kind)
    on_post: int | None = attrs.field(default=None, validator=_count)
    on_post_established: int | None = attrs.field(default=None, validator=_count)
    government_employees: int | None = attrs.field(default=None, validator=_count)
    on_post_contract: int | None = attrs.field(default=None, validator=_count)
    retired: int | None = attrs.field(default=None, validator=_count)
    retired_lixiu: int | None = attrs.field(default=None, validator=_count)
    retired_tuixiu: int | None = attrs.field(default=None, validator=_count)


@attrs.frozen
class BudgetLine:
    """One named line of project spending (项目支出明细), possibly nested.

    For example 业务工作经费 51.3万元 with the lines 招商工作经费 25.65万元
    and 商贸工作经费 25.65万元.  ``id`` (optional) makes the line usable in
    measures as ``budget.lines.<id>``; ids are unique within a budget.
    """

    name: str = attrs.field(validator=_text)
    amount: Money = attrs.field(converter=_to_money, validator=_non_negative_money)
    id: str | None = attrs.field(default=None, validator=_identifier)
    lines: tuple[BudgetLine, ...] = attrs.field(default=(), converter=_lines,
                                                validator=_sub_lines)

    @property
    def lines_total(self) -> Money | None:
        """The sum of the sub-lines, or ``None`` without sub-lines.

        Raises :class:`~perfrubric.units.UnitError` if they mix currencies.
        """
        return _money_sum(line.amount for line in self.lines)

    def walk(self) -> Iterator[tuple[tuple[PathPart, ...], BudgetLine]]:
        """This line and every line below it, with paths relative to this line."""
        yield (), self
        for i, line in enumerate(self.lines):
            for path, sub in line.walk():
                yield ("lines", i, *path), sub


@attrs.frozen
class SangongItem:
    """One of the three public expenses (三公经费之一), budgeted and spent.

    Used for 因公出国(境)费 (``abroad``), 公务用车购置及运行费
    (``vehicles``) and 公务接待费 (``reception``).
    """

    budget: Money | None = attrs.field(default=None, converter=_opt_money,
                                       validator=_non_negative_money)
    actual: Money | None = attrs.field(default=None, converter=_opt_money,
                                       validator=_non_negative_money)
    previous_budget: Money | None = attrs.field(default=None, converter=_opt_money,
                                                validator=_non_negative_money)
    previous_actual: Money | None = attrs.field(default=None, converter=_opt_money,
                                                validator=_non_negative_money)


@attrs.frozen
class Sangong:
    """三公经费 (the three public expenses), budgeted and spent, this year and last.

    The totals (``budget`` 预算, ``actual`` 实际支出, ``previous_budget``
    上年预算, ``previous_actual`` 上年实际支出) are kept as reported; the
    three items 因公出国(境) ``abroad``, 公务用车购置及运行 ``vehicles`` and
    公务接待 ``reception`` may be given as well.  When a total is not given
    but all three items give that figure, :class:`~perfrubric.facts.Facts`
    uses their sum (三公经费 is by definition the sum of the three).
    """

    budget: Money | None = attrs.field(default=None, converter=_opt_money,
                                       validator=_non_negative_money)
    actual: Money | None = attrs.field(default=None, converter=_opt_money,
                                       validator=_non_negative_money)
    previous_actual: Money | None = attrs.field(default=None, converter=_opt_money,
                                                validator=_non_negative_money)
    previous_budget: Money | None = attrs.field(default=None, converter=_opt_money,
                                                validator=_non_negative_money)
    abroad: SangongItem = attrs.field(factory=SangongItem)
    vehicles: SangongItem = attrs.field(factory=SangongItem)
    reception: SangongItem = attrs.field(factory=SangongItem)

    @property
    def items(self) -> tuple[SangongItem, SangongItem, SangongItem]:
        """The three items: 因公出国(境), 公务用车购置及运行, 公务接待."""
        return (self.abroad, self.vehicles, self.reception)


def _unique_line_ids(_instance: object, attribute: attrs.Attribute[Any],
                     value: tuple[BudgetLine, ...]) -> None:
    seen: dict[str, BudgetLine] = {}
    for i, top in enumerate(value):
        if not isinstance(top, BudgetLine):
            raise _fail((attribute.name, i), f"expected a budget line, got {top!r}",
                        "a budget line", top)
        for sub, line in top.walk():
            if line.id is None:
                continue
            if line.id in seen:
                raise _fail((attribute.name, i, *sub, "id"), f"duplicate line id {line.id!r} "
                            f"(already the id of {seen[line.id].name})", "a unique id", line.id)
            seen[line.id] = line


@attrs.frozen
class Budget:
    """预算与决算: budget, final accounts, spending lines and controls.

    - ``initial`` 年初预算, ``adjusted`` 调整预算 (全年预算数), ``final``
      决算 / 全年支出;
    - ``basic`` 基本支出 and ``project`` 项目支出 as spent (决算), with
      ``project_lines`` breaking project spending down by name (nested);
      ``key_project`` 重点项目支出;
    - ``carryover`` 结转结余 this year, ``carryover_previous`` last year;
    - ``public_funds_budget`` / ``public_funds_actual`` 公用经费 预算/实际;
    - ``procurement_budget`` / ``procurement_actual`` 政府采购 预算/实际;
    - ``fixed_assets_total`` 固定资产总额, ``fixed_assets_in_use`` 在用固定资产;
    - ``payment_planned`` 既定支付进度 and ``payment_actual`` 实际支付进度,
      as rates (``"95%"`` is ``Decimal("0.95")``);
    - ``sangong`` 三公经费;
    - a project form's funds block (资金来源), its 其中 rows: ``fiscal``
      财政拨款, ``carried_over`` 上年结转, ``other`` 其他资金, each a
      :class:`FundSource` (年初预算数, 全年预算数, 全年执行数).
    """

    initial: Money | None = attrs.field(default=None, converter=_opt_money,
                                        validator=_non_negative_money)
    adjusted: Money | None = attrs.field(default=None, converter=_opt_money,
                                         validator=_non_negative_money)
    final: Money | None = attrs.field(default=None, converter=_opt_money,
                                      validator=_non_negative_money)
    basic: Money | None = attrs.field(default=None, converter=_opt_money,
                                      validator=_non_negative_money)
    project: Money | None = attrs.field(default=None, converter=_opt_money,
                                        validator=_non_negative_money)
    project_lines: tuple[BudgetLine, ...] = attrs.field(default=(), converter=_lines,
                                                        validator=_unique_line_ids)
    key_project: Money | None = attrs.field(default=None, converter=_opt_money,
                                            validator=_non_negative_money)
    carryover: Money | None = attrs.field(default=None, converter=_opt_money,
                                          validator=_non_negative_money)
    carryover_previous: Money | None = attrs.field(default=None, converter=_opt_money,
                                                   validator=_non_negative_money)
    public_funds_budget: Money | None = attrs.field(default=None, converter=_opt_money,
                                                    validator=_non_negative_money)
    public_funds_actual: Money | None = attrs.field(default=None, converter=_opt_money,
                                                    validator=_non_negative_money)
    procurement_budget: Money | None = attrs.field(default=None, converter=_opt_money,
                                                   validator=_non_negative_money)
    procurement_actual: Money | None = attrs.field(default=None, converter=_opt_money,
                                                   validator=_non_negative_money)
    fixed_assets_total: Money | None = attrs.field(default=None, converter=_opt_money,
                                                   validator=_non_negative_money)
    fixed_assets_in_use: Money | None = attrs.field(default=None, converter=_opt_money,
                                                    validator=_non_negative_money)
    payment_planned: Decimal | None = attrs.field(default=None, converter=_opt_decimal,
                                                  validator=_non_negative)
    payment_actual: Decimal | None = attrs.field(default=None, converter=_opt_decimal,
                                                 validator=_non_negative)
    sangong: Sangong = attrs.field(factory=Sangong)
    fiscal: FundSource = attrs.field(factory=FundSource)
    carried_over: FundSource = attrs.field(factory=FundSource)
    other: FundSource = attrs.field(factory=FundSource)

    @property
    def project_lines_total(self) -> Money | None:
        """The sum of the top-level project lines, or ``None`` without lines.

        Raises :class:`~perfrubric.units.UnitError` if they mix currencies.
        """
        return _money_sum(line.amount for line in self.project_lines)

    def lines(self) -> Iterator[BudgetLine]:
        """Every project line, depth first (parents before their sub-lines)."""
        for top in self.project_lines:
            for _path, line in top.walk():
                yield line


@attrs.frozen
class Assessment:
    """An evaluator's judgement for one indicator (评价人员打分 / 定性评价).

    ``indicator`` is the indicator's path in the rubric
    (``"投入/目标设定/绩效目标合理性"``).  Give a ``score`` (得分), a
    ``level`` (等级: 好/较好/一般/差), or a ``value`` the indicator's rule
    scores (a number, yes/no, text, or the items of a checklist met), with
    the ``reason`` (评分理由) and optionally the ``assessor`` (评价人).
    """

    indicator: str = attrs.field(validator=_text)
    score: Decimal | None = attrs.field(default=None, converter=_opt_decimal,
                                        validator=_non_negative)
    level: str | None = attrs.field(default=None, validator=_opt_text)
    value: FactValue | None = attrs.field(default=None, converter=_opt_assessed,
                                          validator=_assessed_value)
    reason: str | None = None
    assessor: str | None = None


def _unique(key: str, what: str) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            ident = getattr(item, key)
            if ident in seen:
                raise _fail((attribute.name, i, key), f"duplicate {what} {ident!r} (already "
                            f"given by item {seen[ident]}, counted from 0)", f"a unique {what}",
                            ident)
            seen[ident] = i
    return check


@attrs.frozen
class Department:
    """A department's basic data for one year (部门整体支出绩效评价基础数据表).

    ``name`` 部门名称, ``year`` 年度, ``code`` 部门编码; ``units`` 部门设置
    (the 行政单位 and its 二级机构), ``duties`` 职能职责; ``staffing``
    人员情况, ``budget`` 预算与决算, ``targets`` 年度目标与完成情况.

    ``facts`` holds named values the typed model has no field for (a
    checklist's items met, a count of violations, a yes/no), each usable in
    measures as ``facts.<name>``.  Numbers, and text that reads as a number
    (``"584"``, ``"14.2%"``), become :class:`~decimal.Decimal`; lists become
    tuples; tables nest (``facts.audit.findings``).

    ``assessments`` are evaluators' judgements, at most one per indicator.
    ``form`` describes the printed project form the data was typed from
    (its ``[form]`` table: layout and header block), ``None`` when not given.
    """

    name: str = attrs.field(validator=_text)
    year: int | None = attrs.field(default=None, validator=_year)
    code: str | None = attrs.field(default=None, validator=_opt_text)
    units: tuple[OrgUnit, ...] = attrs.field(default=(), converter=_units,
                                             validator=_items_of(OrgUnit, "a unit"))
    duties: tuple[str, ...] = attrs.field(default=(), converter=_texts,
                                          validator=_items_of(str, "text"))
    staffing: Staffing = attrs.field(factory=Staffing,
                                     validator=attrs.validators.instance_of(Staffing))
    budget: Budget = attrs.field(factory=Budget, validator=attrs.validators.instance_of(Budget))
    targets: tuple[Target, ...] = attrs.field(
        default=(), converter=_targets,
        validator=[_items_of(Target, "a target"), _unique("id", "target id")])
    facts: Mapping[str, Any] = attrs.field(factory=_FrozenMap, converter=_facts,
                                           validator=_check_facts)
    assessments: tuple[Assessment, ...] = attrs.field(
        default=(), converter=_assessments,
        validator=[_items_of(Assessment, "an assessment"),
                   _unique("indicator", "assessment of indicator")])
    form: Form | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Form)))

    def target(self, target_id: str) -> Target:
        """The target with *target_id*; :class:`KeyError` if none."""
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def discrepancies(self) -> tuple[str, ...]:
        """Where reported parts do not add up to reported totals (nothing is rejected).

        The basic data table is kept as printed; this lists, for an
        evaluator (基础信息完善性), each total that differs from the sum of
        its parts.  Only figures that are all given are compared.

        >>> Department("x", staffing=Staffing(on_post=21, on_post_established=16,
        ...            on_post_contract=7)).discrepancies()
        ('staffing: on_post 21 ≠ on_post_established 16 + on_post_contract 7 = 23',)
        """
        notes: list[str] = []
        s = self.staffing
        if s.authorized is not None and s.authorized_by_kind:
            parts = sum(s.authorized_by_kind.values())
            if parts != s.authorized:
                kinds = " + ".join(f"{k} {v}" for k, v in s.authorized_by_kind.items())
                notes.append(f"staffing: authorized {s.authorized} ≠ {kinds} = {parts}")
        if None not in (s.on_post, s.on_post_established, s.on_post_contract):
            parts = (s.on_post_established or 0) + (s.on_post_contract or 0)
            if parts != s.on_post:
                note = (f"staffing: on_post {s.on_post} ≠ on_post_established "
                        f"{s.on_post_established} + on_post_contract {s.on_post_contract} "
                        f"= {parts}")
                if s.government_employees and parts - s.government_employees == s.on_post:
                    note += (f" (= {s.on_post} if the {s.government_employees} "
                             "government_employees are counted in both groups)")
                notes.append(note)
        if (s.government_employees is not None and s.on_post_established is not None
                and s.government_employees > s.on_post_established):
            notes.append(f"staffing: government_employees {s.government_employees} > "
                         f"on_post_established {s.on_post_established} (which includes them)")
        if None not in (s.retired, s.retired_lixiu, s.retired_tuixiu):
            parts = (s.retired_lixiu or 0) + (s.retired_tuixiu or 0)
            if parts != s.retired:
                notes.append(f"staffing: retired {s.retired} ≠ retired_lixiu "
                             f"{s.retired_lixiu} + retired_tuixiu {s.retired_tuixiu} = {parts}")
        b = self.budget
        _compare(notes, "budget: project", b.project, "the project lines",
                 _sum_or_none(line.amount for line in b.project_lines))
        for line in b.lines():
            if line.lines:
                _compare(notes, f"budget: line {line.name}", line.amount, "its sub-lines",
                         _sum_or_none(sub.amount for sub in line.lines))
        for field in ("budget", "actual", "previous_budget", "previous_actual"):
            items = [getattr(item, field) for item in b.sangong.items]
            if None not in items:
                _compare(notes, f"budget: sangong.{field}", getattr(b.sangong, field),
                         "abroad + vehicles + reception", _sum_or_none(items))
        _compare(notes, "budget: fixed_assets_total", b.fixed_assets_total,
                 "fixed_assets_in_use", b.fixed_assets_in_use, at_least=True)
        return tuple(notes)


def _money_sum(amounts: Iterable[Money]) -> Money | None:
    total: Money | None = None
    for amount in amounts:
        total = amount if total is None else total + amount
    return total


def _sum_or_none(amounts: Iterable[Money]) -> Money | None:
    try:
        return _money_sum(amounts)
    except UnitError:
        return None


def _compare(notes: list[str], what: str, total: Money | None, parts_name: str,
             parts: Money | None, *, at_least: bool = False) -> None:
    """Note when *total* differs from *parts* (or, with *at_least*, is below them)."""
    if total is None or parts is None:
        return
    if total.currency != parts.currency:
        notes.append(f"{what} {total}: {parts_name} are in another currency ({parts})")
        return
    if at_least:
        if total < parts:
            notes.append(f"{what} {total} < {parts_name} {parts}")
    elif total.base_amount != parts.base_amount:
        notes.append(f"{what} {total} ≠ {parts_name} {parts}")
