"""Project forms of a long table scored from their cells: the compiled row reader.

A long table (one row per indicator, see :mod:`perfrubric.batch.long`) is
read form by form.  The general way turns each form into a data document,
builds its :class:`~perfrubric.Department` and lets
:class:`~perfrubric.engine.compiled.CompiledRubric` generate and score its
rows.  :class:`FormScorer` reads the cells straight into what the form's
rule reads (:class:`~perfrubric.engine.compiled_forms.FormRow`, the funds as
:class:`~perfrubric.units.Money`) and scores them with
:class:`~perfrubric.engine.compiled_forms.CompiledForm`; the review (tier
scores, each row beside its printed score) is the one
:func:`~perfrubric.batch.forms.review_rows` gives on either way.

It takes a form only when it is ordinary: the project's cells agree from
row to row, every value is one the model accepts as it stands, the rows
place, add up and read.  Any other form — and every form of a table whose
mapping gives data the fast path does not read (a funds sheet, staffing,
facts, assessments) — is scored the general way, which reports every
problem exactly as before.  ``tests/test_formscore.py`` checks, over
generated and mutated long tables, that both ways give the same results.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from ..data.facts import _plain
from ..data.fields import _opt_money
from ..data.form import HEADER_FIELDS
from ..engine.compiled import CompiledRubric
from ..engine.compiled_forms import CompiledForm, FormRow, read_row
from ..engine.shares import share_reads
from ..units import Money
from .cells import BadCell, _text
from .forms import review_rows
from .long import LongPlan, _name_from_form, printed_cell
from .rows import Row
from .scoring import Scored, _is_form

__all__ = ["FormScorer"]

#: A switch for tests: ``False`` scores every form the general way.
ENABLED = True

#: The target columns the fast path reads (any other sends the table the general way).
_TARGET_FIELDS = frozenset({"name", "level1", "level2", "indicator", "comparison", "target",
                            "unit", "actual", "points", "score", "reason", "level"})
_PAD = (None,)


def _text_value(value: Any) -> str | None:
    """A text field of the model (``str``, non-empty): the value, or ``None`` if refused."""
    if type(value) is not str or not value.strip():
        return None
    return value


def _money(value: Any) -> Money | None:
    """A funds field of the model (money ≥ 0): the amount, or ``None`` if refused."""
    try:
        money = _opt_money(value)
    except Exception:  # the model's refusal, whatever its type: the general path says it
        return None
    if type(money) is not Money or money.amount < 0:
        return None
    return money


def _year(value: Any) -> int | None:
    if type(value) is not int or not 1000 <= value <= 9999:
        return None
    return value


def _nothing(cells: tuple[Any, ...]) -> None:
    """The project's cells of a table that has none."""
    return None


#: The project's data names the fast path reads: section → field → reader (None: refused).
_READERS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "department": {"name": _text_value, "code": _text_value, "year": _year},
    "budget": {"initial": _money, "adjusted": _money, "final": _money},
    "form": dict.fromkeys(HEADER_FIELDS, _text_value),  # the header block: text
}
_PROJECT_NAMES = frozenset(f"{s}.{f}" for s, fields in _READERS.items() for f in fields)


class FormScorer:
    """The forms of one long table scored from their cells, for one rubric.

    ``supported`` is false when the table or the rubric needs the general
    way for every form; :meth:`score` gives ``None`` for a form that needs it.
    """

    def __init__(self, plan: LongPlan, compiled: CompiledRubric) -> None:
        self.plan = plan
        self.compiled = compiled
        self.form = CompiledForm(compiled)
        names = set(plan.plan.names)
        readable = {"budget.initial", "budget.adjusted", "budget.final", "department.year",
                    "department.code", "department.name"}
        self.supported = (ENABLED and self.form.supported and _is_form(compiled.rubric)
                          and plan.funds is None and set(plan.targets) <= _TARGET_FIELDS
                          and names <= _PROJECT_NAMES and self.form.names <= readable
                          and not share_reads(compiled.rubric))
        headers = plan.plan.table.headers
        self._project = tuple(i for i in range(len(plan.table.headers)) if headers[i])
        self._width = plan.width
        self._project_cells: Callable[[tuple[Any, ...]], Any] = (
            operator.itemgetter(*self._project) if self._project else _nothing)
        t = plan.targets
        # A row's target cells in one call; an unmapped field reads the pad (None).
        pad = len(plan.table.headers)
        self._get = operator.itemgetter(*(t.get(f, pad) for f in (
            "name", "level1", "level2", "indicator", "comparison", "target", "unit", "actual",
            "points", "score", "reason", "level")))
        self._target_unit = plan.units.get("target")
        self._actual_unit = plan.units.get("actual")

    def score(self, key: str, rows: list[Row]) -> Scored | None:
        """Score the form *key* of *rows*, or ``None`` when it needs the general way."""
        values: list[Any] = [None] * self._width
        project, get = self._project, self._project_cells
        last: Any = _PAD  # the project's cells of the row above (an export repeats them)
        for row in rows:
            if row.issues:
                return None
            cells = row.values
            if BadCell in map(type, cells):
                return None
            here = get(cells)
            if here == last:
                continue  # the same cells as the row above: merged already
            last = here
            for i in project:
                value = cells[i]
                if value is None:
                    continue
                given = values[i]
                if given is None:
                    values[i] = value
                elif value != given:
                    return None  # rows that disagree: the general way locates both cells
        first = rows[0]
        doc = self.plan.plan.document(Row(first.position, first.number, tuple(values)))
        document = doc.document
        if ("department", "name") not in doc.cells:
            _name_from_form(document)
        read = self._project_values(document)
        if read is None:
            return None
        facts, head, form = read
        try:
            form_rows = self._rows(rows)
            totals = self.form.run(form_rows, facts) if form_rows is not None else None
        except ArithmeticError:  # a figure beyond the arithmetic: the general way says so
            return None
        if form_rows is None or totals is None:
            return None
        review = review_rows(self.compiled.rubric, form_rows, totals.scores,
                             form.get("project") or head["name"], form.get("department"),
                             [r.line for r in form_rows], [r.path for r in form_rows])
        code, name = head.get("code"), head.get("name")
        return Scored(("ok", totals, review), code, name)

    def _project_values(self, document: dict[str, Any]
                        ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
        """The facts the rubric reads, the department's and the form's header, or ``None``."""
        facts: dict[str, Any] = {}
        read: dict[str, dict[str, Any]] = {"department": {}, "form": {}}
        for section, fields in document.items():
            readers = _READERS.get(section)
            if readers is None or type(fields) is not dict:
                return None
            out = read.setdefault(section, {})
            for field, value in fields.items():
                reader = readers.get(field)
                if reader is None:
                    return None
                got = reader(value)
                if got is None:
                    return None
                out[field] = got
                facts[f"{section}.{field}"] = _plain(got)
        if "name" not in read["department"]:
            return None
        wanted = self.form.names
        return ({n: v for n, v in facts.items() if n in wanted}, read["department"],
                read["form"])

    def _rows(self, rows: list[Row]) -> list[FormRow] | None:
        """The form's indicator rows read, or ``None`` when one needs the general way."""
        get, target_unit, actual_unit = self._get, self._target_unit, self._actual_unit
        out: list[FormRow] = []
        for row in rows:
            fields = get(row.values + _PAD)
            if fields.count(None) == len(fields):
                continue  # no target on this row: only the project's cells
            (name, level1, level2, indicator, comparison, target, unit, actual, points, score,
             reason, level) = fields
            if indicator is not None:
                place: str | None = _text(indicator).replace("／", "/").replace("\\", "/")
            elif level1 is not None and level2 is not None:
                place = f"{_text(level1)}/{_text(level2)}"
            elif level1 is not None or level2 is not None:
                place = _text(level1 if level1 is not None else level2)
            else:
                place = None
            shown = _text(unit) if unit is not None else None
            found = read_row(
                _text(name) if name is not None else None, place,
                printed_cell(target, comparison, target_unit or shown)
                if target is not None else None,
                printed_cell(actual, None, actual_unit or shown)
                if actual is not None else None,
                points, score, _text(level) if level is not None else None,
                _text(reason) if reason is not None else None, row.number)
            if found is None:
                return None
            out.append(found)
        return out
