"""What an evaluation is: the total, the grade and one result per indicator.

:class:`Evaluation` and :class:`IndicatorResult` are what :func:`perfrubric.evaluate`
returns and what presentation (narrative, tables, JSON) reads; they never
recompute.  A kept evaluation holds each indicator's fields as a tuple and
builds its :class:`IndicatorResult` when first read (:class:`_Results`), so
that keeping many evaluations stays cheap.
"""

from __future__ import annotations

import operator
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..data.model import Form, FundSource, Target
from ..expr import Value
from ..rubrics.model import Rubric, _PathNamed
from .deviation import Deviation
from .serialize import SCHEMA_VERSION, decimal_text, plain, unstructure

__all__ = [
    "STATUSES",
    "Evaluation",
    "EvaluationWarning",
    "FigureResult",
    "IndicatorResult",
    "Override",
    "Rescaled",
    "Status",
    "VetoResult",
]

#: What happened to an indicator.
#:
#: ``scored``          the rule scored the measured value;
#: ``missing``         the measure could not be computed and the ``zero`` or
#:                     ``full`` policy gave the score;
#: ``excluded``        dropped by the ``exclude`` policy (total rescaled);
#: ``not_applicable``  its ``applicable`` condition was false;
#: ``not_chosen``      an either-or alternative that was not chosen;
#: ``overridden``      an evaluator's score replaced the rule's;
#: ``vetoed``          a triggered veto set it to 0;
#: ``cannot_rate``     missing under the ``cannot_rate`` policy: no grade.
Status = Literal["scored", "missing", "excluded", "not_applicable", "not_chosen",
                 "overridden", "vetoed", "cannot_rate"]
STATUSES: tuple[str, ...] = ("scored", "missing", "excluded", "not_applicable", "not_chosen",
                             "overridden", "vetoed", "cannot_rate")

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@attrs.frozen
class Override:
    """An evaluator's manual score that replaced the rule's result."""

    score: Decimal
    reason: str | None = None
    assessor: str | None = None


@attrs.frozen
class IndicatorResult(_PathNamed):
    """The trace of one indicator.

    ``points`` is the declared 分值; ``counted_points`` what it counts towards
    the total (0 when excluded or not chosen).  ``score`` is rounded as the
    rubric declares; ``lost`` is ``counted_points - score``.  For leaves,
    ``measured`` is the value the rule scored (Decimal, text, list of items,
    yes/no or money), ``shown`` the same rounded for display in ``unit``
    (``Decimal('117.14')`` with unit ``%``), and ``matched``, ``deducted``
    and ``detail`` come from the rule's :class:`~perfrubric.indicators.Outcome`.
    """

    path: str
    points: Decimal
    counted_points: Decimal
    score: Decimal
    status: Status
    kind: str | None = None
    measured: Value | None = None
    shown: Decimal | None = None
    unit: str | None = None
    matched: str | None = None
    deducted: Decimal | None = None
    detail: Mapping[str, Any] = attrs.field(factory=dict)
    rule_score: Decimal | None = None
    override: Override | None = None
    note: str | None = None
    children: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[IndicatorResult], tuple[Any, ...]]:
        # The fields in order, for the constructor: pickles in a third of the
        # time of attrs' state dict (a batch's worker sends one per indicator).
        return IndicatorResult, _FIELDS_OF_RESULT(self)

    @property
    def lost(self) -> Decimal:
        """Points lost: ``counted_points - score`` (0 for excluded indicators)."""
        return self.counted_points - self.score

    @property
    def is_leaf(self) -> bool:
        """Whether the indicator has no children."""
        return not self.children


_FIELDS_OF_RESULT = operator.attrgetter(*(f.name for f in attrs.fields(IndicatorResult)))

#: One indicator's trace as the :class:`IndicatorResult` fields in order, but
#: ``detail`` packed as a tuple: ``(keys, *values)`` (a built-in rule's detail,
#: see :data:`~perfrubric.indicators.base.OutcomeParts`), ``((),)`` for none,
#: or ``(None, detail)`` for any other mapping, kept as it is.  A tuple of
#: numbers and text is untracked by the garbage collector, a dict is not.
_Row = tuple[Any, ...]
_DETAIL = 11  # the position of ``detail`` in a row
_NO_DETAIL: tuple[Any, ...] = ((),)


def _row_of(result: IndicatorResult) -> _Row:
    """*result* as a row (its fields, ``detail`` packed)."""
    row: _Row = _FIELDS_OF_RESULT(result)
    detail = row[_DETAIL]
    packed = _NO_DETAIL if type(detail) is dict and not detail else (None, detail)
    return (*row[:_DETAIL], packed, *row[_DETAIL + 1:])


class _Results(Mapping[str, IndicatorResult]):
    """:attr:`Evaluation.results` as :func:`evaluate` makes it: path → result, in table order.

    Holds each indicator's trace as a tuple of its :class:`IndicatorResult`
    fields and builds the results on first read (all at once; the same
    objects afterwards).  A tuple of numbers and text is one object the
    cyclic garbage collector stops tracking at its first pass, where an
    ``IndicatorResult`` stays tracked and is walked again at every full
    collection: a batch that keeps ten thousand traces no longer pays for
    that until it reads them.  Reads, compares, prints and pickles as the
    dict it stands for.
    """

    __slots__ = ("_index", "_made", "_paths", "_rows")

    def __init__(self, paths: tuple[str, ...], rows: tuple[_Row, ...],
                 index: Mapping[str, int] | None = None) -> None:
        self._paths = paths
        self._rows: tuple[_Row, ...] | None = rows
        self._index = index if index is not None else {p: i for i, p in enumerate(paths)}
        self._made: dict[str, IndicatorResult] | None = None

    def _dict(self) -> dict[str, IndicatorResult]:
        made = self._made
        if made is None:
            rows = self._rows
            if rows is None:  # another thread built them meanwhile
                assert self._made is not None
                return self._made
            made = {}
            result = IndicatorResult
            for (path, points, counted, score, status, kind, measured, shown, unit, matched,
                 deducted, packed, rule_score, override, note, children) in rows:
                keys = packed[0]  # (keys, *values), or (None, a mapping)
                made[path] = result(
                    path, points, counted, score, status, kind, measured, shown, unit,
                    matched, deducted,
                    packed[1] if keys is None else dict(zip(keys, packed[1:], strict=True)),
                    rule_score, override, note, children)
            self._made = made  # complete before the rows are dropped
            self._rows = None
        return made

    def __getitem__(self, key: str) -> IndicatorResult:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def get(self, key: str, default: Any = None) -> Any:
        """The result of *key*, or *default*."""
        return self._dict().get(key, default)

    def keys(self) -> KeysView[str]:
        """The paths, in table order."""
        return self._dict().keys()

    def values(self) -> ValuesView[IndicatorResult]:
        """The results, in table order."""
        return self._dict().values()

    def items(self) -> ItemsView[str, IndicatorResult]:
        """The (path, result) pairs, in table order."""
        return self._dict().items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Results):
            other = other._dict()
        return self._dict() == other

    __hash__ = None  # type: ignore[assignment]  # unhashable, as a dict

    def __repr__(self) -> str:
        return repr(self._dict())

    def __reduce__(self) -> tuple[type[_Results], tuple[Any, ...]]:
        rows = self._rows
        if rows is None:
            rows = tuple(_row_of(r) for r in self._dict().values())
        return _Results, (self._paths, rows)


@attrs.frozen
class FigureResult:
    """A report figure's value: ``value`` exact, ``shown`` rounded as declared, in ``unit``.

    Both are ``None`` (with ``note`` saying why) when the data does not give it.
    """

    id: str
    name: str
    value: Value | None
    shown: Decimal | None
    unit: str | None
    note: str | None = None


@attrs.frozen
class Rescaled:
    """Points left out of the total, which was therefore rescaled to full marks (折算).

    ``reason`` is ``"not_applicable"`` (the indicator's declared
    ``applicable`` condition is false and ``not_applicable = "exclude"``:
    不适用，按适用指标折算) or ``"not_reported"`` (the data lacks the value and
    the legacy ``missing = "exclude"`` policy dropped it; such points are
    also in :attr:`Evaluation.warnings`).  ``note`` says what was absent or
    why the indicator did not apply.
    """

    path: str
    points: Decimal
    reason: Literal["not_applicable", "not_reported"]
    note: str


@attrs.frozen
class EvaluationWarning:
    """Something the evaluation did that a reader must know, though it is not an error.

    ``code`` is ``"unknown_indicator"`` (the data assesses an indicator the
    rubric does not have: one data file, several rubrics),
    ``"not_reported_rewarded"`` (a legacy ``missing = "full"`` or
    ``"exclude"`` gave points or rescaled for a value the data does not
    report) or ``"score_clamped"`` (a rule kind returned a score outside
    ``[0, points]``).  ``indicator`` is the path concerned.  With
    ``evaluate(..., strict=True)`` every warning is an error instead.
    """

    code: str
    indicator: str
    message: str

    def __str__(self) -> str:
        return f"{self.indicator}: {self.message}"


@attrs.frozen
class VetoResult:
    """A veto that was triggered, and what it did."""

    name: str
    reason: str
    grade_at_most: str | None
    total_at_most: Decimal | None
    indicator: str | None


@attrs.frozen
class Evaluation:
    """The result of scoring one department against one rubric.

    ``total`` is rounded with the rubric's total rounding, rescaled to the
    full marks when indicators were excluded (``rescaled``), and capped by
    triggered vetoes.  ``grade`` is ``None`` when an indicator could not be
    rated (``cannot_rate`` gives the reasons).  ``results`` maps every
    indicator path to its :class:`IndicatorResult`, in table order.

    A project form read from data with a ``[form]`` table also carries
    ``form`` (its layout and header block), ``funds`` (the funds block's
    其中 rows given: 财政拨款, 上年结转, 其他资金), ``deviations`` (each row
    whose printed 得分 departs from the rule, in table order), and, when
    the form prints scores, ``printed_total`` (自评得分: the total of the
    printed scores, the rule's where a row prints none) and ``rule_total``
    (the total by the rule: 复核得分).  ``beside_total`` names the top-tier
    rows scored and shown beside a total that leaves them out (the 预算执行率
    row of a form whose 总分 is its indicator rows': ``[form] total =
    "indicators"``); ``raw_total`` and ``counted_points`` leave them out too.
    """

    rubric: Rubric = attrs.field(repr=False)
    department: str | None
    year: int | None
    total: Decimal
    raw_total: Decimal
    counted_points: Decimal
    grade: str | None
    results: Mapping[str, IndicatorResult]
    vetoes: tuple[VetoResult, ...] = ()
    cannot_rate: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    figures: Mapping[str, FigureResult] = attrs.field(factory=dict)
    rescaling: tuple[Rescaled, ...] = ()
    warnings: tuple[EvaluationWarning, ...] = ()
    deviations: tuple[Deviation, ...] = ()
    printed_total: Decimal | None = None
    rule_total: Decimal | None = None
    form: Form | None = attrs.field(default=None, repr=False)
    funds: tuple[tuple[str, FundSource], ...] = attrs.field(default=(), repr=False)
    beside_total: tuple[str, ...] = ()

    @property
    def full_marks(self) -> Decimal:
        """The rubric's full marks (usually 100)."""
        return self.rubric.full_marks

    @property
    def rescaled(self) -> bool:
        """Whether excluded indicators made the total a rescaled one."""
        return self.counted_points != self.rubric.full_marks

    @property
    def rated(self) -> bool:
        """Whether the evaluation has a grade."""
        return self.grade is not None

    def grade_label(self, locale: str) -> str | None:
        """The grade's display name in *locale* (优 ↔ Excellent)."""
        if self.grade is None:
            return None
        return self.rubric.grades.get(self.grade).label(locale)

    def top(self) -> Iterator[IndicatorResult]:
        """Results of the top-tier (一级) indicators."""
        return (self.results[i.path] for i in self.rubric.indicators)

    def leaves(self) -> Iterator[IndicatorResult]:
        """Results of the leaf indicators, in table order."""
        return (r for r in self.results.values() if r.is_leaf)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (see ``docs/json.md``); Decimals as strings."""
        indicators = []
        for result in self.results.values():
            item = unstructure(result)
            item["name"] = result.name
            item["depth"] = result.depth
            item["lost"] = decimal_text(result.lost)
            item["measured"] = plain(result.measured)
            item["detail"] = plain(dict(result.detail))
            item["children"] = list(result.children)
            indicators.append(item)
        return {
            "schema": SCHEMA_VERSION,
            "rubric": {
                "id": self.rubric.id,
                "version": self.rubric.version,
                "sha256": self.rubric.sha256,
                "title": dict(self.rubric.title),
            },
            "department": self.department,
            "year": self.year,
            "total": decimal_text(self.total),
            "raw_total": decimal_text(self.raw_total),
            "full_marks": decimal_text(self.full_marks),
            "counted_points": decimal_text(self.counted_points),
            "rescaled": self.rescaled,
            "grade": self.grade,
            "rated": self.rated,
            "cannot_rate": list(self.cannot_rate),
            "rescaling": [unstructure(r) for r in self.rescaling],
            "warnings": [unstructure(w) for w in self.warnings],
            "vetoes": [unstructure(v) for v in self.vetoes],
            "figures": [{"id": f.id, "name": f.name, "value": plain(f.value),
                         "shown": None if f.shown is None else decimal_text(f.shown),
                         "unit": f.unit, "note": f.note} for f in self.figures.values()],
            "indicators": indicators,
            "printed_total": None if self.printed_total is None
            else decimal_text(self.printed_total),
            "rule_total": None if self.rule_total is None else decimal_text(self.rule_total),
            "deviations": [unstructure(d) for d in self.deviations],
            "form": None if self.form is None else unstructure(self.form),
            "funds": {name: unstructure(source) for name, source in self.funds},
            "beside_total": list(self.beside_total),
        }



def _leaf_scores(ev: Evaluation) -> tuple[dict[str, Decimal], dict[str, Value]]:
    """Each leaf's score, and its measured value where it has one, by path.

    What a batch keeps of a trace; read from the rows when the results were
    not built yet (see :class:`_Results`), so streaming a batch builds none.
    """
    results = ev.results
    rows = results._rows if type(results) is _Results else None
    if rows is None:
        leaves = [r for r in results.values() if r.is_leaf]
        return ({r.path: r.score for r in leaves},
                {r.path: r.measured for r in leaves if r.measured is not None})
    scores: dict[str, Decimal] = {}
    measured: dict[str, Value] = {}
    for row in rows:
        if not row[15]:  # no children: a leaf
            scores[row[0]] = row[3]
            if row[6] is not None:
                measured[row[0]] = row[6]
    return scores, measured
