"""A wide table's rows scored straight from their cells: no data document, no Department.

A county's table has one row per unit and every row has the same columns.
The general path turns each row into a data document, the document into a
:class:`~perfrubric.Department` (every field checked), the department into
its named facts, and scores those.  :class:`RowScorer` is compiled once per
table and rubric and goes from the cells to the facts directly:

* each column gets, once, its whole reading: the cell as the document
  would hold it (:func:`~perfrubric.batch.documents.cell_reader`: money
  with its unit, a split list, text), then the field as the model would
  hold it — the same hook, converter and validator the department's class
  applies (:func:`~perfrubric.data.quick.field_reader`,
  :func:`~perfrubric.data.quick.fact_reader`); targets and assessments are
  built as the model's own objects (their parsing is not repeated here);
* the facts the rubric reads are put together as
  :meth:`~perfrubric.data.facts.Facts.from_department` would give them
  (absent stays absent; the aggregates over targets by the same function);
* the compiled leaves score them
  (:meth:`~perfrubric.engine.compiled.CompiledRubric.score_facts`).

Whatever is not ordinary — a cell a field refuses, a bad cell, a row with
issues, a bare number under a share, anything the compiled path hands to
the engine — returns ``None``, and the batch scores that row the general
way, which reports what is wrong exactly as before.  A table whose columns
hold anything beyond the department's head, its staffing and budget
figures, free facts, targets and assessments (budget lines, 三公 items,
staffing by kind, a form's fields, templates) is not compiled at all
(:meth:`RowScorer.build` gives ``None``).  ``tests/test_rowscore.py``
checks that both paths agree, over generated rows with good and bad cells.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..data.facts import (
    _GETTER_MAP,
    _TARGET_AGGREGATES,
    _TARGET_FIELDS,
    Facts,
    TargetSummary,
    _plain,
    _target_value,
    aggregate_summaries,
    target_summary,
)
from ..data.fields import _count, _fact_value, _non_negative_money, _opt_money
from ..data.model import Assessment, Budget, Department, Sangong, Staffing, Target
from ..data.quick import build, fact_reader, field_reader
from ..decimals import _MAX_INT, to_decimal
from ..engine.compiled import CompiledRubric, Totals
from ..engine.target_rows import has_target_rows
from ..units import UNITS, Money
from .cells import BadCell
from .documents import Plan, cell_reader
from .mapping import Column
from .rows import Row

__all__ = ["RowScored", "RowScorer"]

_Read = Callable[[Any], Any]
_SECTIONS: dict[tuple[str, ...], type] = {("staffing",): Staffing, ("budget",): Budget,
                                          ("budget", "sangong"): Sangong}
_HEAD = ("name", "year", "code")
#: Targets and assessments built, kept by their cells (levels and plans repeat).
_CACHE = 4096


class _Unsupported(Exception):
    """The table's columns are not all plain ones: it is scored the general way."""


@attrs.frozen
class RowScored:
    """A row scored from its cells: its totals, key, and the department's code and name."""

    totals: Totals
    key: str
    code: str | None
    name: str


class _Group:
    """The columns of one target (or assessment) of the table, and its built objects."""

    __slots__ = ("built", "cls", "columns", "ident", "key")

    def __init__(self, cls: type, key: str, ident: str) -> None:
        self.cls = cls
        self.key = key  # "id" or "indicator"
        self.ident = ident
        self.columns: list[tuple[int, str, _Read]] = []
        self.built: dict[tuple[Any, ...], Any] = {}

    def read(self, values: tuple[Any, ...]) -> Any:
        """The group's object from the row's cells; ``None`` when all its cells are empty.

        A target comes with its :func:`~perfrubric.data.facts.target_summary`.

        Kept by its cells when they are text, whole numbers or empty (cells
        equal only when they are the same value); others are built each time.
        """
        cells = tuple([values[index] for index, _, _ in self.columns])
        if _plain_cells(cells):
            found = self.built.get(cells, _NOT_BUILT)
            if found is _NOT_BUILT:
                found = self._build(cells)
                if len(self.built) >= _CACHE:
                    self.built.clear()
                self.built[cells] = found
            return found
        return self._build(cells)

    def _build(self, cells: tuple[Any, ...]) -> Any:
        fields: dict[str, Any] = {}
        for (_, field, convert), cell in zip(self.columns, cells, strict=True):
            if cell is not None:
                if type(cell) is BadCell:
                    raise _Unsupported
                fields[field] = convert(cell)
        if not fields:
            return None
        item = {self.key: self.ident, **fields}
        if self.cls is Target:
            item.setdefault("name", self.ident)
            target = build(Target, item)
            return target, target_summary(target)  # what the aggregates read, once
        return build(self.cls, item)


_NOT_BUILT = object()


def _plain_cells(cells: tuple[Any, ...]) -> bool:
    """Whether *cells* are all text, whole numbers (not yes/no) or empty."""
    for cell in cells:
        kind = type(cell)
        if kind is not str and kind is not int and cell is not None:
            return False
    return True


class RowScorer:
    """A table's rows scored from their cells for totals; see the module's text.

    Build it with :meth:`build` (``None`` when the table or the rubric is
    not one it compiles); :meth:`score` gives a row's :class:`RowScored`, or
    ``None`` for a row the general path must score.
    """

    def __init__(self, plan: Plan, compiled: CompiledRubric, *, measured: bool = True) -> None:
        if not compiled.supported or has_target_rows(compiled.rubric):
            raise _Unsupported
        needed = compiled.names
        self._compiled = compiled
        self._measured = measured
        self._shares = tuple(compiled.share_names)
        self._head: list[tuple[int, str, _Read, _Read]] = []
        #: (column, fact name or None, reader, the reader's values of text cells kept)
        self._fields: list[tuple[int, str | None, _Read, dict[str, Any]]] = []
        groups: dict[tuple[str, str], _Group] = {}
        seen: set[tuple[str, ...]] = set()
        given: set[str] = set()
        for index, column in plan.columns:
            assert column.name is not None
            name = column.name
            parts = tuple(name.split("."))
            convert = cell_reader(column)
            if parts[0] == "department" and len(parts) == 2 and parts[1] in _HEAD:
                read = field_reader(Department, parts[1])
                if read is None:
                    raise _Unsupported
                self._head.append((index, parts[1], convert, read))
                place: tuple[str, ...] = parts
            elif parts[:-1] in _SECTIONS and name in _GETTER_MAP:
                cls = _SECTIONS[parts[:-1]]
                read = field_reader(cls, parts[-1])
                if read is None:
                    raise _Unsupported
                read = _lane(cls, parts[-1], column, convert, _plain_of(read))
                self._fields.append((index, name if name in needed else None, read, {}))
                given.add(name)
                place = parts
            elif parts[0] == "facts" and len(parts) == 2:
                read = fact_reader(parts[1])
                if read is None:
                    raise _Unsupported
                if column.unit is None and column.split is None:
                    read = _whole_lane(convert, read, _fact_value)
                else:
                    read = _composed(convert, read)
                self._fields.append((index, name if name in needed else None, read, {}))
                given.add(name)
                place = parts
            elif parts[0] in ("target", "targets") and len(parts) == 3 \
                    and parts[2] in _FIELDS[Target]:
                group = groups.setdefault(("t", parts[1]), _Group(Target, "id", parts[1]))
                group.columns.append((index, parts[2], convert))
                place = ("target", parts[1], parts[2])
            elif parts[0] in ("assessment", "assessments") and len(parts) >= 3 \
                    and parts[-1] in _FIELDS[Assessment]:
                ident = ".".join(parts[1:-1])
                group = groups.setdefault(("a", ident), _Group(Assessment, "indicator", ident))
                group.columns.append((index, parts[-1], convert))
                place = ("assessment", ident, parts[-1])
            else:
                raise _Unsupported  # lines, 三公 items, by kind, a form's fields …
            if place in seen:
                raise _Unsupported  # two columns for one field: the document's order decides
            seen.add(place)
        # A group is read in the order its first column comes (the document's order).
        self._groups = list(groups.values())
        self._constants, self._targets_own, self._aggregates = self._facts_plan(needed, given)
        self._categories = any(n.startswith("targets.category.") for n in self._aggregates)

    @classmethod
    def build(cls, plan: Plan, compiled: CompiledRubric, *,
              measured: bool = True) -> RowScorer | None:
        """The scorer of *plan*'s rows for *compiled*, or ``None`` when it does not compile.

        Without *measured* the results' measured values are left empty.
        """
        try:
            return cls(plan, compiled, measured=measured)
        except _Unsupported:
            return None

    @staticmethod
    def _facts_plan(needed: frozenset[str], given: set[str]) -> tuple[
            dict[str, Any], list[tuple[str, str, str]], list[str]]:
        """How each needed name not read from a column gets its value.

        A name of the model no column gives keeps the value an empty
        department has (mostly none); target aggregates and a target's own
        values come from the targets; anything else is not compiled.
        """
        empty = Facts.from_department(Department("x")).values
        constants: dict[str, Any] = {}
        own: list[tuple[str, str, str]] = []
        aggregates: list[str] = []
        for name in sorted(needed - given):
            parts = name.split(".")
            if name in _TARGET_AGGREGATES or (parts[:2] == ["targets", "category"]
                                              and len(parts) == 4):
                aggregates.append(name)
            elif parts[0] == "targets" and len(parts) == 3 and parts[2] in _TARGET_FIELDS:
                own.append((name, parts[1], parts[2]))
            elif parts[0] == "facts" and len(parts) == 2:
                continue  # a free fact no column gives: absent
            elif name in _GETTER_MAP or name in empty:
                if name in empty:
                    constants[name] = empty[name]
            else:
                raise _Unsupported
        return constants, own, aggregates

    def score(self, row: Row) -> RowScored | None:
        """*row* scored from its cells, or ``None`` when the general path must score it."""
        return self.score_many([row])[0]

    def score_many(self, rows: list[Row]) -> list[RowScored | None]:
        """Each of *rows* scored from its cells (``None``: the general path scores it).

        All the rows are read first, then all are scored: each stage's code
        and data stay in the processor's caches (a tenth quicker than row by
        row, measured on the county table).
        """
        figures = self._figures(rows)
        heads = self._heads(rows, figures)
        built = self._built(rows, figures)
        read: list[Any] = []
        for j, (row, facts) in enumerate(zip(rows, figures, strict=True)):
            if facts is None:
                read.append(None)
                continue
            try:
                read.append(self._read(row, heads[j], facts, [b[j] for b in built]))
            except Exception:  # a cell a field refuses, anything unusual: the general path
                read.append(None)
        shares = self._shares
        items: list[tuple[Facts, Mapping[str, Assessment]]] = []
        where: list[int] = []
        for j, found in enumerate(read):
            if found is None:
                continue
            facts, assessed, targets = found[0], found[1], found[2]
            if shares and any(type(facts.get(share)) is Decimal for share in shares):
                continue  # a bare number under a share: the general path refuses it
            items.append((Facts(facts, _NO_REASONS, tuple(t.id for t in targets)), assessed))
            where.append(j)
        out: list[RowScored | None] = [None] * len(rows)
        scored = self._compiled.score_facts_many(items, measured=self._measured)
        for j, totals in zip(where, scored, strict=True):
            if totals is not None:
                key, code, name = read[j][3:]
                out[j] = RowScored(totals, key, code, name)
        return out

    def _figures(self, rows: list[Row]) -> list[dict[str, Any] | None]:
        """The facts the figure columns give, for each of *rows* (``None``: not from cells).

        Column by column: a column's reader runs down the rows, its texts read
        once each (是, 好, 已制定、… repeat down a column).
        """
        out: list[dict[str, Any] | None] = [
            None if row.issues or row.places is not None else dict(self._constants)
            for row in rows]
        for index, fact, read, kept in self._fields:
            for j, row in enumerate(rows):
                facts = out[j]
                if facts is None:
                    continue
                cell = row.values[index]
                if cell is None:
                    continue
                try:
                    kind = type(cell)
                    if kind is str:
                        value = kept.get(cell, _NOT_BUILT)
                        if value is _NOT_BUILT:
                            value = read(cell)
                            if len(kept) >= _CACHE:
                                kept.clear()
                            kept[cell] = value
                    elif kind is BadCell:
                        raise _Unsupported
                    else:
                        value = read(cell)
                except Exception:  # a cell its field refuses: the general path says why
                    out[j] = None
                    continue
                if fact is not None and value is not None:
                    facts[fact] = value
        return out

    def _built(self, rows: list[Row], figures: list[dict[str, Any] | None]) -> list[list[Any]]:
        """Each group's object (target, assessment) for each of *rows*, group by group.

        A row whose group its cells cannot build is marked in *figures* (``None``).
        """
        out: list[list[Any]] = []
        for group in self._groups:
            column: list[Any] = []
            for j, row in enumerate(rows):
                if figures[j] is None:
                    column.append(None)
                    continue
                try:
                    column.append(group.read(row.values))
                except Exception:  # refused by the model: the general path says why
                    figures[j] = None
                    column.append(None)
            out.append(column)
        return out

    def _heads(self, rows: list[Row], figures: list[dict[str, Any] | None],
               ) -> list[dict[str, Any]]:
        """Each row's head (code, name, year) as its document holds it, column by column.

        Each is checked as the model checks the field; a row it refuses is
        marked in *figures* (``None``).
        """
        out: list[dict[str, Any]] = [{} for _ in rows]
        for index, field, convert, read in self._head:
            for j, row in enumerate(rows):
                cell = row.values[index]
                if cell is None or figures[j] is None:
                    continue
                try:
                    if type(cell) is BadCell:
                        raise _Unsupported
                    out[j][field] = value = convert(cell)
                    read(value)  # the model's check of the field (the document keeps the text)
                except Exception:  # refused: the general path says why
                    figures[j] = None
        return out

    def _read(self, row: Row, head: dict[str, Any], facts: dict[str, Any],
              built: list[Any]) -> tuple[
            dict[str, Any], dict[str, Assessment], list[Target], str, str | None, str]:
        key = head.get("code") or head.get("name") or \
            f"row {row.label if row.label is not None else row.number}"
        name = head.get("name")
        if name is None:
            name = key  # as the document: a unit without a name is named by its key
            _read_name(name)
        targets: list[Target] = []
        summaries: list[TargetSummary] = []
        assessed: dict[str, Assessment] = {}
        for group, item in zip(self._groups, built, strict=True):
            if item is None:
                continue
            if group.cls is Target:
                targets.append(item[0])
                summaries.append(item[1])
            else:
                assessed[group.ident] = item
        if self._aggregates:
            self._aggregate(targets, summaries, facts)
        if self._targets_own:
            by_id = {t.id: t for t in targets}
            for fact, tid, field in self._targets_own:
                target = by_id.get(tid)
                if target is not None:
                    value = _target_value(target, field)
                    if value is not None:
                        facts[fact] = value
        code = head.get("code")
        return (facts, assessed, targets, str(key),
                str(code) if isinstance(code, (str, int)) and str(code) else None,
                name if isinstance(name, str) and name else str(key))

    def _aggregate(self, targets: list[Target], summaries: list[TargetSummary],
                   facts: dict[str, Any]) -> None:
        found: dict[str, Any] = {}
        why: dict[str, str] = {}
        aggregate_summaries(summaries, "targets", found, why)
        if self._categories:
            by_category: dict[str, list[TargetSummary]] = {}
            for target, summary in zip(targets, summaries, strict=True):
                if target.category is not None:
                    by_category.setdefault(target.category, []).append(summary)
            for category, members in by_category.items():
                aggregate_summaries(members, f"targets.category.{category}", found, why)
        for fact in self._aggregates:
            value = found.get(fact)
            if value is not None:
                facts[fact] = value


def _composed(convert: _Read, read: _Read) -> _Read:
    def both(cell: Any) -> Any:
        return read(convert(cell))
    return both


def _whole_lane(convert: _Read, read: _Read, plain: _Read) -> _Read:
    """*read* of *convert*, with a whole number's cell taken the short way.

    For a column whose whole-number cell the document keeps as it is (no
    unit, no split) and whose field takes it as ``Decimal(cell)``.
    """
    def whole(cell: Any) -> Any:
        if type(cell) is int and -_MAX_INT <= cell <= _MAX_INT:
            return plain(cell)
        return read(convert(cell))
    return whole


def _lane(cls: type, field: str, column: Column, convert: _Read, read: _Read) -> _Read:
    """The reader of a staffing or budget field, with a short lane for its ordinary cells.

    Money in a column with its unit: a number (int or Decimal cell) is
    ``Money(amount, unit)``, refused below zero, as the field's converter
    and validator take ``{amount, unit}``.  A count: a whole number ≥ 0 is
    its Decimal.  Anything else takes the field's whole reading.
    """
    attribute = attrs.fields_dict(cls)[field]
    slow = _composed(convert, read)
    if column.split is not None:
        return slow
    converter: Any = attribute.converter
    if converter is _opt_money and attribute.validator is _non_negative_money \
            and column.unit in UNITS:
        unit = UNITS[str(column.unit)]

        def money(cell: Any) -> Any:
            kind = type(cell)
            if kind is int and 0 <= cell <= _MAX_INT:
                return Money._checked(Decimal(cell), unit)  # as to_decimal reads an int
            if kind is Decimal:
                amount = to_decimal(cell, percent=False)  # finite, within the bounds
                if amount < 0:
                    raise _Unsupported  # refused: the general path says so
                return Money._checked(amount, unit)
            return slow(cell)
        return money
    if attribute.validator is _count and column.unit is None:
        def count(cell: Any) -> Any:
            if type(cell) is int and 0 <= cell <= _MAX_INT:
                return Decimal(cell)
            return slow(cell)
        return count
    return slow


def _plain_of(read: _Read) -> _Read:
    def plain(value: Any) -> Any:
        return _plain(read(value))
    return plain


#: The fields a table's column may give a target or an assessment (their id aside).
_FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in attrs.fields(cls) if f.init) - {"id", "indicator"}
    for cls in (Target, Assessment)}
#: Why an absent name has no value: only an error says it, and the general path reports errors.
_NO_REASONS: Mapping[str, str] = {}


def _name_reader() -> _Read:
    """The model's check of a department's name (raises where it refuses it)."""
    read = field_reader(Department, "name")
    assert read is not None
    return read


_read_name = _name_reader()
