"""Named facts: the department data as the dotted names measures use.

:class:`Facts` flattens a :class:`~perfrubric.model.Department` once per
evaluation into a dict from names (``staffing.on_post``,
``budget.sangong.actual``, ``targets.<id>.ratio``, ``facts.<name>``) to
values, so evaluating a measure is a dictionary lookup per name.  A name
whose figure the data does not give has no entry: :meth:`Facts.resolve`
raises :class:`~perfrubric.errors.MeasureUnavailable` for it, and the
indicator's missing-data policy decides what happens.

:func:`check_name` tells the rubric loader, before any data exists,
whether a name can ever have a value, and suggests the closest name when
it cannot.  The fixed names are generated from the model's attrs fields
(:func:`static_names`); the families with a part chosen by the data are
listed in :data:`NAME_PATTERNS`.  ``docs/data.md`` documents every name.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from types import UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from ..errors import MeasureUnavailable, did_you_mean
from ..expr import Value
from ..units import Money, UnitError
from .model import Budget, Department, Sangong, Staffing, Target

__all__ = [
    "CATEGORY_FIELDS",
    "NAME_PATTERNS",
    "SYNONYMS",
    "TARGET_FIELDS",
    "Facts",
    "check_name",
    "static_names",
    "synonym_for",
]

#: Fields of each target usable as ``targets.<id>.<field>``.
TARGET_FIELDS: tuple[str, ...] = ("target", "actual", "previous", "ratio", "reached",
                                  "completion", "growth")

#: Aggregates over all targets (``targets.<aggregate>``) and over the targets
#: of one category (``targets.category.<category>.<aggregate>``).
CATEGORY_FIELDS: tuple[str, ...] = ("count", "known_count", "reached_count", "reached_share",
                                    "completion")

#: The families of names whose middle part comes from the data.
NAME_PATTERNS: tuple[str, ...] = (
    "staffing.authorized_by_kind.<kind>",
    "budget.lines.<id>",
    *(f"targets.<id>.{field}" for field in TARGET_FIELDS),
    *(f"targets.category.<category>.{field}" for field in CATEGORY_FIELDS),
    "facts.<name>",
)

# Names computed from the data rather than read from one field.
_DERIVED: tuple[str, ...] = (
    "department.duties_count", "department.units_count", "staffing.authorized_total",
    "budget.project_lines_total", *(f"targets.{field}" for field in CATEGORY_FIELDS),
)

_SANGONG_FIELDS = ("budget", "actual", "previous_budget", "previous_actual")
_LEAF_TYPES = (Money, Decimal, int, str, bool)


def _is_leaf(tp: Any) -> bool:
    """Whether a field type is a scalar (``Money | None``, ``int``, ``str`` …)."""
    options = get_args(tp) if get_origin(tp) in (Union, UnionType) else (tp,)
    return all(t is type(None) or t in _LEAF_TYPES for t in options)


def _walk(cls: type, prefix: str, chain: str) -> Iterator[tuple[str, str]]:
    """(name, attribute chain) of every scalar field below *cls*."""
    for field in attrs.fields(attrs.resolve_types(cls)):
        name = f"{prefix}.{field.name}"
        path = f"{chain}.{field.name}" if chain else field.name
        if isinstance(field.type, type) and attrs.has(field.type):
            yield from _walk(field.type, name, path)
        elif _is_leaf(field.type):
            yield name, path


def _schema() -> tuple[tuple[str, str], ...]:
    """The fixed names read from one field, from the attrs classes of the model.

    The department's own scalars are ``department.<field>``; its nested
    objects (staffing, budget) are names of their own.
    """
    found: list[tuple[str, str]] = []
    for field in attrs.fields(attrs.resolve_types(Department)):
        if isinstance(field.type, type) and attrs.has(field.type):
            found += _walk(field.type, field.name, field.name)
        elif _is_leaf(field.type):
            found.append((f"department.{field.name}", field.name))
    return tuple(found)


_SCHEMA = _schema()
_GETTERS: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
    (name, operator.attrgetter(chain)) for name, chain in _SCHEMA)
_GETTER_MAP: dict[str, Callable[[Any], Any]] = dict(_GETTERS)
# 三公 totals Facts derives from the items when the data leaves them out.
_DERIVED_SANGONG = frozenset(f"budget.sangong.{f}" for f in _SANGONG_FIELDS)
#: The aggregates over all of a department's targets (what ``_aggregate`` gives).
_TARGET_AGGREGATES = frozenset(f"targets.{f}" for f in (
    "count", "known_count", "reached_count", "reached_share", "completion"))
_STATIC: tuple[str, ...] = tuple(sorted({name for name, _ in _SCHEMA} | set(_DERIVED)))
_STATIC_SET = frozenset(_STATIC)


def static_names() -> tuple[str, ...]:
    """Every fixed name (no part chosen by the data), sorted.

    Generated from the attrs fields of the model, plus the derived names
    (counts, totals and the aggregates over targets).
    """
    return _STATIC


def _hint(word: str, options: Any, cutoff: float = 0.6) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return close[0] if close else None


_SEE_DOCS = "see docs/data.md for the names a measure can use"


def _unknown(name: str, suggestion: str | None, detail: str = "") -> str:
    hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
    return f"unknown name '{name}'{hint}; {detail or _SEE_DOCS}"


#: Words a rubric author may write for a data name, mapped to the name
#: (looked up by the last part of an unknown name: ``budget.executed`` and
#: ``facts.执行数`` both suggest ``budget.final``).  Keys are lower case,
#: without underscores.
SYNONYMS: Mapping[str, str] = {
    # 决算数 / 全年支出: what was spent
    **dict.fromkeys(("executed", "execution", "spent", "spending", "expenditure",
                     "expenditures", "outturn", "finalaccounts", "actualspending",
                     "执行数", "决算数", "支出数", "全年支出", "实际支出", "预算执行数",
                     "预算完成数", "决算"), "budget.final"),
    # 调整预算数 / 全年预算数
    **dict.fromkeys(("budgeted", "adjustedbudget", "revisedbudget", "revised",
                     "预算数", "全年预算数", "调整预算数", "调整预算", "调整后预算"),
                    "budget.adjusted"),
    **dict.fromkeys(("initialbudget", "original", "originalbudget", "年初预算",
                     "年初预算数"), "budget.initial"),
    **dict.fromkeys(("carryforward", "carriedover", "balance", "结转结余", "结转结余数",
                     "结余"), "budget.carryover"),
    **dict.fromkeys(("basicspending", "基本支出"), "budget.basic"),
    **dict.fromkeys(("projectspending", "项目支出"), "budget.project"),
    **dict.fromkeys(("publicfunds", "公用经费", "实际公用经费"), "budget.public_funds_actual"),
    **dict.fromkeys(("procurement", "政府采购", "政府采购金额"), "budget.procurement_actual"),
    **dict.fromkeys(("fixedassets", "固定资产", "固定资产总额"), "budget.fixed_assets_total"),
    **dict.fromkeys(("sangong", "threepublic", "三公经费", "三公经费支出"),
                    "budget.sangong.actual"),
    **dict.fromkeys(("posts", "establishment", "quota", "编制", "编制数"),
                    "staffing.authorized"),
    **dict.fromkeys(("staff", "headcount", "onduty", "在职", "在职人数", "在职人员数"),
                    "staffing.on_post"),
    **dict.fromkeys(("retirees", "离退休", "离退休人数"), "staffing.retired"),
}


def _key(word: str) -> str:
    return word.lower().replace("_", "").replace("-", "")


_WRITTEN: Mapping[str, type] = {"staffing": Staffing, "budget": Budget,
                                 "budget.sangong": Sangong}


def _where_to_write(name: str) -> str:
    """Where a data file or a table gives *name*, for a name they write (not a derived one)."""
    table, _, leaf = name.rpartition(".")
    cls = _WRITTEN.get(table)
    if (cls is not None and leaf in attrs.fields_dict(cls)) or (table == "facts" and leaf):
        return (f" (a data file writes it [{table}] {leaf} = …; a table, in a column named "
                f"or mapped to {name})")
    return ""


def synonym_for(name: str) -> str | None:
    """The data name *name* probably means, by :data:`SYNONYMS` on its last part.

    >>> synonym_for("budget.executed"), synonym_for("facts.决算数"), synonym_for("budget.final")
    ('budget.final', 'budget.final', None)
    """
    synonym = SYNONYMS.get(_key(name.rsplit(".", 1)[-1]))
    return synonym if synonym is not None and synonym != name else None


def check_name(name: str) -> str | None:
    """Return ``None`` if *name* can be a data name, else a message with a suggestion.

    >>> check_name("staffing.on_post") is None
    True
    >>> check_name("targets.domestic_investment.ratio") is None
    True
    >>> check_name("staffing.onpost").split(";")[0]
    "unknown name 'staffing.onpost' (did you mean 'staffing.on_post'?)"
    """
    if name in _STATIC_SET:
        return None
    parts = name.split(".")
    head, n = parts[0], len(parts)
    if head == "facts":
        if n >= 2 and all(parts[1:]):
            return None
        return _unknown(name, None, "a free fact is named 'facts.<name>'")
    if parts[:2] == ["staffing", "authorized_by_kind"]:
        if n == 3:
            return None
        return _unknown(name, None, "编制 by kind is 'staffing.authorized_by_kind.<kind>', "
                        "e.g. 'staffing.authorized_by_kind.administrative'")
    if parts[:2] == ["budget", "lines"]:
        if n == 3:
            return None
        return _unknown(name, None, "a project line is 'budget.lines.<id>' with the line's id")
    if head == "targets":
        return _check_target_name(name, parts)
    options = [*_STATIC, *NAME_PATTERNS]
    return _unknown(name, synonym_for(name) or _hint(name, options))


def _check_target_name(name: str, parts: list[str]) -> str | None:
    n = len(parts)
    if n == 4 and parts[1] == "category":
        if parts[3] in CATEGORY_FIELDS:
            return None
        close = _hint(parts[3], CATEGORY_FIELDS)
        return _unknown(name, close and f"targets.category.{parts[2]}.{close}",
                        f"a category has {', '.join(CATEGORY_FIELDS)}")
    if n == 3:
        if parts[2] in TARGET_FIELDS:
            return None
        close = _hint(parts[2], TARGET_FIELDS)
        return (f"unknown target field '{parts[2]}' in '{name}'"
                + (f" (did you mean 'targets.{parts[1]}.{close}'?)" if close else "")
                + f"; a target has {', '.join(TARGET_FIELDS)}")
    if n == 2:
        close = _hint(name, [f"targets.{f}" for f in CATEGORY_FIELDS])
        return _unknown(name, close, "over all targets there are "
                        f"{', '.join('targets.' + f for f in CATEGORY_FIELDS)}; one target's "
                        "figures are 'targets.<id>.<field>'")
    return _unknown(name, None, "a target's figure is 'targets.<id>.<field>' with field one "
                    f"of {', '.join(TARGET_FIELDS)}")


# -- flattening ----------------------------------------------------------------------


def _plain(value: Any) -> Value | None:
    if value is None or isinstance(value, (bool, str, Decimal, Money, tuple)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return None  # pragma: no cover - the model holds no other scalar types


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    """Nested fact tables become dotted names: ``facts.audit.findings``."""
    for key, value in table.items():
        if isinstance(value, Mapping):
            _flatten(value, f"{prefix}.{key}", out)
        else:
            out[f"{prefix}.{key}"] = value


#: What the aggregates read of one target: (id, reached, completion, result pending).
TargetSummary = tuple[str, "bool | None", "Decimal | None", bool]


def target_summary(target: Target) -> TargetSummary:
    """The figures of *target* the aggregates over targets read (its properties, once)."""
    return (target.id, target.reached, target.completion,
            target.target is not None and target.actual is None)


def _aggregate(targets: tuple[Target, ...] | list[Target], prefix: str,
               out: dict[str, Any], why: dict[str, str]) -> None:
    aggregate_summaries([target_summary(t) for t in targets], prefix, out, why)


def aggregate_summaries(summaries: list[TargetSummary], prefix: str, out: dict[str, Any],
                        why: dict[str, str]) -> None:
    """The aggregates over targets (``<prefix>.count`` …) from their summaries, into *out*."""
    reached = [r for _, r, _, _ in summaries if r is not None]
    done = sum(reached)
    completions = [c for _, _, c, _ in summaries if c is not None]
    out[f"{prefix}.count"] = Decimal(len(summaries))
    out[f"{prefix}.known_count"] = Decimal(len(reached))
    out[f"{prefix}.reached_count"] = Decimal(done)
    # A target with a planned value and no result is not reported: a share or a
    # mean over the others would silently give it their average, so there is none.
    pending = [ident for ident, _, _, waiting in summaries if waiting]
    out[f"{prefix}.reached_share"] = (Decimal(done) / len(reached)
                                      if reached and not pending else None)
    out[f"{prefix}.completion"] = (sum(completions, Decimal(0)) / len(completions)
                                   if completions and not pending else None)
    if pending:
        listed = ", ".join(f"'{i}'" for i in pending)
        for field in ("reached_share", "completion"):
            why[f"{prefix}.{field}"] = (f"'{prefix}.{field}' cannot be computed: the "
                                        f"result of target {listed} is not reported")


#: A target's own values under ``targets.<id>.``: its amounts first, then what it derives.
_TARGET_FIELDS = ("target", "actual", "previous", "ratio", "reached", "completion", "growth")


def _target_value(target: Target, field: str) -> Any:
    """The value of ``targets.<id>.<field>`` (an amount in its money unit when it has one)."""
    value = getattr(target, field)
    unit = target.unit
    if field in _TARGET_AMOUNTS and value is not None and unit is not None and target.is_money:
        return Money(value, unit)
    return value


_TARGET_AMOUNTS = frozenset(_TARGET_FIELDS[:3])


def _sum(amounts: list[Money]) -> Money | None:
    try:
        total = amounts[0]
        for amount in amounts[1:]:
            total = total + amount
    except UnitError:
        return None  # mixed currencies: there is no total to give
    return total


@attrs.frozen
class Facts:
    """The values of one department under their dotted names (see ``docs/data.md``).

    Build it with :meth:`from_department`; read it with :meth:`resolve`
    (what measures use), :meth:`get` and :meth:`names`.  Only names with a
    value are present: missing data is absent, never zero.  ``absent`` says
    why a name that exists for this data has no value (a target aggregate
    over a target whose result is not reported).
    """

    values: Mapping[str, Value]
    absent: Mapping[str, str] = attrs.field(factory=dict)
    #: The ids of the data's targets, to explain a ``targets.<id>`` the data lacks.
    target_ids: tuple[str, ...] = ()

    @classmethod
    def from_department(cls, dept: Department) -> Facts:
        """Flatten *dept* (done once per evaluation).

        >>> from perfrubric.model import Staffing
        >>> facts = Facts.from_department(Department("x", staffing=Staffing(on_post=21)))
        >>> facts.resolve("staffing.on_post")
        Decimal('21')
        >>> facts.get("staffing.authorized") is None
        True
        """
        values: dict[str, Any] = {name: _plain(get(dept)) for name, get in _GETTERS}
        values["department.duties_count"] = Decimal(len(dept.duties))
        values["department.units_count"] = Decimal(len(dept.units))

        by_kind = dept.staffing.authorized_by_kind
        for kind, count in by_kind.items():
            values[f"staffing.authorized_by_kind.{kind}"] = Decimal(count)
        values["staffing.authorized_total"] = Decimal(sum(by_kind.values())) if by_kind else None

        budget = dept.budget
        if budget.project_lines:
            values["budget.project_lines_total"] = _sum([ln.amount for ln in budget.project_lines])
            for line in budget.lines():
                if line.id is not None:
                    values[f"budget.lines.{line.id}"] = line.amount
        sangong = budget.sangong
        for field in _SANGONG_FIELDS:
            name = f"budget.sangong.{field}"
            if values[name] is None:
                items = [getattr(item, field) for item in sangong.items]
                if None not in items:
                    values[name] = _sum(items)

        targets = dept.targets
        why: dict[str, str] = {}
        _aggregate(targets, "targets", values, why)
        categories: dict[str, list[Target]] = {}
        for target in targets:
            if target.category is not None:
                categories.setdefault(target.category, []).append(target)
            prefix = f"targets.{target.id}"
            unit = target.unit if target.is_money else None
            for field in _TARGET_FIELDS[:3]:
                number = getattr(target, field)
                values[f"{prefix}.{field}"] = (
                    Money(number, unit) if unit is not None and number is not None else number)
            for field in _TARGET_FIELDS[3:]:
                values[f"{prefix}.{field}"] = _target_value(target, field)
        for category, members in categories.items():
            _aggregate(members, f"targets.category.{category}", values, why)

        _flatten(dept.facts, "facts", values)
        return cls({k: v for k, v in values.items() if v is not None}, why,
                   tuple(t.id for t in targets))

    @classmethod
    def reader_for(cls, names: Iterable[str]) -> Callable[[Department], Facts]:
        """A function flattening a department into only *names* (those a rubric reads).

        Gives the same :meth:`resolve` as :meth:`from_department` for every
        name in *names*, reading each name straight from its field.  When a
        name needs a target's own values, a derived total or nested facts,
        the reader is :meth:`from_department`; 三公 totals from the items and
        the aggregates over all targets (``targets.completion`` …) are read
        by name as :meth:`from_department` computes them.
        """
        static: list[tuple[str, Callable[[Any], Any]]] = []
        free: list[tuple[str, str]] = []
        derived: list[tuple[str, Callable[[Any], Any], str]] = []
        aggregates: list[str] = []
        own: list[tuple[str, str, str]] = []  # targets.<id>.<field>
        for name in sorted(set(names)):
            if name in _DERIVED_SANGONG:
                derived.append((name, _GETTER_MAP[name], name.rsplit(".", 1)[1]))
            elif name in _GETTER_MAP:
                static.append((name, _GETTER_MAP[name]))
            elif name.startswith("facts.") and name.count(".") == 1 and len(name) > 6:
                free.append((name, name[6:]))
            elif name in _TARGET_AGGREGATES:
                aggregates.append(name)
            elif (parts := name.split("."))[0] == "targets" and len(parts) == 3 \
                    and parts[1] != "category" and parts[2] in _TARGET_FIELDS:
                own.append((name, parts[1], parts[2]))
            else:
                return cls.from_department
        absent: Mapping[str, str] = {}

        def read(dept: Department) -> Facts:
            values: dict[str, Any] = {}
            for name, get in static:
                value = _plain(get(dept))
                if value is not None:
                    values[name] = value
            why = absent
            for name, get, field in derived:  # as from_department: the items' sum
                value = _plain(get(dept))
                if value is None:
                    items = [getattr(item, field) for item in dept.budget.sangong.items]
                    if None not in items:
                        value = _sum(items)
                if value is not None:
                    values[name] = value
            if aggregates:
                found: dict[str, Any] = {}
                why = {}
                _aggregate(dept.targets, "targets", found, why)
                for name in aggregates:
                    if found[name] is not None:
                        values[name] = found[name]
            if own:
                by_id = {t.id: t for t in dept.targets}  # the last of an id, as flattened
                for name, tid, field in own:
                    target = by_id.get(tid)
                    if target is not None:
                        value = _target_value(target, field)
                        if value is not None:
                            values[name] = value
            facts = dept.facts
            facts = getattr(facts, "_data", facts)  # the model's frozen map: its dict
            # What _flatten keeps: a nested table is no value of its own (the type
            # test first, because isinstance against Mapping is slow).
            values.update({name: value for name, key in free
                           if type(value := facts.get(key)) is Decimal
                           or (value is not None and not isinstance(value, Mapping))})
            return cls(values, why, tuple(t.id for t in dept.targets))
        return read

    def resolve(self, name: str) -> Value:
        """The value of *name*; raise :class:`MeasureUnavailable` when it has none."""
        try:
            return self.values[name]
        except KeyError:
            detail = self.absent.get(name) or self._no_value(name)
            raise MeasureUnavailable("missing", detail) from None

    def resolve_quietly(self, name: str) -> Value:
        """:meth:`resolve` without the explanation of a missing name (built only for a message).

        For callers that never show it (the compiled totals path, which hands
        anything it cannot score to the engine, whose messages explain).
        """
        try:
            return self.values[name]
        except KeyError:
            raise MeasureUnavailable("missing", repr(name)) from None

    def _no_value(self, name: str) -> str:
        parts = name.split(".")
        if (len(parts) == 3 and parts[0] == "targets" and parts[1] != "category"
                and parts[1] not in self.target_ids and parts[2] in TARGET_FIELDS):
            known = ", ".join(repr(t) for t in self.target_ids) or "none"
            return (f"'{name}': the data has no target '{parts[1]}'"
                    f"{did_you_mean(parts[1], self.target_ids)} (its targets: {known}; a "
                    "target without an id takes its name as id)")
        return f"'{name}' has no value in the data{_where_to_write(name)}"

    def get(self, name: str) -> Value | None:
        """The value of *name*, or ``None`` when the data does not give it."""
        return self.values.get(name)

    def names(self) -> tuple[str, ...]:
        """The names that have a value, sorted."""
        return tuple(sorted(self.values))

    def __contains__(self, name: object) -> bool:
        return name in self.values
