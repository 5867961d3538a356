"""The loaded rubric: an immutable, validated indicator tree.

A :class:`Rubric` is what :func:`perfrubric.load_rubric` returns.  Every
object here is frozen and already checked: points add up, grade bands
cover every total, rules are built and expressions compiled.  Build one
from TOML with the loader; constructing these classes by hand is possible
but skips the checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..decimals import Rounding
from ..errors import Problem
from ..expr import Expression
from ..indicators.base import RuleKind

__all__ = [
    "MISSING_POLICIES",
    "NOT_APPLICABLE_POLICIES",
    "Alternative",
    "EitherOr",
    "Figure",
    "Grade",
    "GradeScale",
    "Indicator",
    "MissingPolicy",
    "Rubric",
    "TargetRows",
    "Veto",
]

#: What to do when a value an indicator needs is not reported (absent, or a
#: division by zero).  Not reported is not the same as not applicable: an
#: indicator that may not apply declares an ``applicable`` condition on
#: reported data, and :data:`NOT_APPLICABLE_POLICIES` says what it earns.
#:
#: ``error``
#:     stop with an :class:`~perfrubric.errors.EvaluationError` (the default);
#: ``zero``
#:     score 0;
#: ``cannot_rate``
#:     score 0 and give the evaluation no grade, saying why;
#: ``full`` (legacy)
#:     full points, with a ``not_reported_rewarded`` warning (refused with
#:     ``strict=True``): absent data should earn nothing;
#: ``exclude`` (legacy)
#:     drop the indicator and rescale the total to the rubric's full marks,
#:     with the same warning.
MissingPolicy = Literal["error", "zero", "full", "exclude", "cannot_rate"]
MISSING_POLICIES: tuple[str, ...] = ("error", "zero", "full", "exclude", "cannot_rate")

#: What a not-applicable indicator (its ``applicable`` condition false) earns:
#: ``full`` points (没有该类项目的按满分计算) or ``exclude`` (不适用，按适用指标折算:
#: its points are left out and the total rescaled, listed in
#: :attr:`~perfrubric.evaluation.Evaluation.rescaling`).
NOT_APPLICABLE_POLICIES: tuple[str, ...] = ("full", "exclude")


@attrs.frozen
class Grade:
    """One band of a grade scale: totals from *min* (inclusive) up to the next band.

    *labels* maps locales to display names (``{"en": "Excellent"}``); *name*
    is the name the rubric uses (优).
    """

    name: str
    min: Decimal
    labels: Mapping[str, str] = attrs.field(factory=dict)

    def label(self, locale: str) -> str:
        """The display name in *locale*, falling back to :attr:`name`."""
        language = locale.split("_", maxsplit=1)[0]
        return self.labels.get(locale) or self.labels.get(language) or self.name


_DEFAULT_LABELS = {"优": "Excellent", "良": "Good", "中": "Fair", "差": "Poor"}


@attrs.frozen
class GradeScale:
    """Grade bands ordered from best (highest *min*) to worst.

    Lower bounds are inclusive; the worst band starts at or below 0, so
    every total has exactly one grade.

    >>> GradeScale.default().grade_for(Decimal("89.99")).name
    '良'
    """

    grades: tuple[Grade, ...]

    @classmethod
    def default(cls, full_marks: Decimal = Decimal(100)) -> GradeScale:
        """The Ministry of Finance scale: 优 ≥ 90%, 良 ≥ 80%, 中 ≥ 60% of full marks, 差 below.

        With the usual 100 full marks: 优 90, 良 80, 中 60.
        """
        return cls(tuple(
            Grade(name, full_marks * share / 100, {"en": _DEFAULT_LABELS[name]})
            for name, share in (("优", 90), ("良", 80), ("中", 60), ("差", 0))
        ))

    def grade_for(self, total: Decimal) -> Grade:
        """The grade whose band contains *total*."""
        for grade in self.grades:
            if total >= grade.min:
                return grade
        return self.grades[-1]

    def rank(self, name: str) -> int:
        """Position of grade *name*, 0 for the best; :class:`KeyError` if unknown."""
        for i, grade in enumerate(self.grades):
            if grade.name == name:
                return i
        raise KeyError(name)

    def get(self, name: str) -> Grade:
        """The grade called *name*; :class:`KeyError` if unknown."""
        return self.grades[self.rank(name)]


class _PathNamed:
    """``name`` and ``depth`` derived from a ``/``-separated ``path``."""

    __slots__ = ()
    path: str

    @property
    def name(self) -> str:
        """The indicator's own name, the last segment of its path."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        """1 for a top-tier (一级) indicator, 2 for 二级, and so on."""
        return self.path.count("/") + 1


#: How a tier whose rows come from targets treats rows whose points do not
#: add up to its own: ``exact`` (a data error) or ``rescale`` (in proportion).
TARGET_ROW_POINTS: tuple[str, ...] = ("exact", "rescale")
#: What a tier with no target row placed under it does: ``exclude`` (不适用的指标
#: 不考核，按适用指标得分折算百分制), ``full`` or ``error``.
TARGET_ROW_EMPTY: tuple[str, ...] = ("exclude", "full", "error")
#: What a row without a result (no actual, no judgement) earns; never ``full``.
TARGET_ROW_MISSING: tuple[str, ...] = ("zero", "cannot_rate", "error")


@attrs.frozen
class TargetRows:
    """A tier whose leaf rows come from the data's ``[[target]]`` rows placed there.

    Declared on an indicator as ``target_rows = { tiers = [...], points = …,
    empty = …, missing = … }`` (see ``docs/projects.md``).  ``tiers`` lists
    the sub-tier names a row may name (``产出指标/数量指标``), empty for any;
    ``points`` is one of :data:`TARGET_ROW_POINTS`, ``empty`` one of
    :data:`TARGET_ROW_EMPTY`, ``missing`` one of :data:`TARGET_ROW_MISSING`.
    """

    tiers: tuple[str, ...] = ()
    points: str = "exact"
    empty: str = "exclude"
    missing: str = "zero"


@attrs.frozen
class Indicator(_PathNamed):
    """One row of the scoring table (一级/二级/三级指标…).

    ``path`` joins the names from the top tier with ``/``
    (``"投入/预算配置/在职人员控制率"``).  A leaf has a ``rule`` (or is
    scored by an evaluator's assessment); a parent's points equal the sum of
    its children's, counting an either-or group once.

    ``target_rows`` marks a tier whose rows come from the data's targets
    (:class:`TargetRows`); ``target`` is the id of the target a generated
    row scores.  ``note`` is the row's note (its source, a local choice),
    which tables print in a column of its own, apart from ``criterion``.
    """

    path: str
    points: Decimal
    children: tuple[Indicator, ...] = ()
    name_en: str | None = None
    definition: str | None = None
    criterion: str | None = None
    measure: Expression | None = None
    unit: str | None = None
    value_rounding: Rounding | None = None
    rule: RuleKind | None = None
    missing: MissingPolicy = "error"
    rounding: Rounding | None = None
    applicable: Expression | None = None
    not_applicable: str = "full"
    templates: Mapping[str, str] = attrs.field(factory=dict)
    line: int | None = attrs.field(default=None, eq=False)
    target_rows: TargetRows | None = None
    target: str | None = None
    note: str | None = None

    @property
    def is_leaf(self) -> bool:
        """Whether the indicator has no children."""
        return not self.children

    def walk(self) -> Iterator[Indicator]:
        """This indicator and all below it, depth first, in table order."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class Alternative:
    """One alternative of an either-or group; *when* (if given) must hold for it to be chosen."""

    path: str
    when: Expression | None = None


@attrs.frozen
class EitherOr:
    """二者择其一: of the alternatives, exactly one is scored.

    The first alternative whose ``when`` holds (an alternative without
    ``when`` always holds) is scored; the others get status ``not_chosen``
    and count neither points nor score.  All alternatives share one parent
    and have equal points.
    """

    name: str
    alternatives: tuple[Alternative, ...]


@attrs.frozen
class Veto:
    """一票否决: when *when* holds, cap the grade and/or the total.

    ``missing`` says what happens when the condition cannot be computed:
    ``error`` (default), ``pass`` (not triggered) or ``trigger``.
    ``indicator`` optionally names an indicator that then scores 0 with
    status ``vetoed``.
    """

    name: str
    when: Expression
    reason: str
    grade_at_most: str | None = None
    total_at_most: Decimal | None = None
    indicator: str | None = None
    missing: str = "error"


@attrs.frozen
class Figure:
    """A figure the report quotes but the table does not score (报告数据).

    For example the seed's 接种率 94.3% (1281 / 1358): computed from the data
    with a declared rounding, carried in the evaluation, never scored.
    """

    id: str
    name: str
    measure: Expression
    unit: str | None = None
    value_rounding: Rounding | None = None
    #: English name, for English reports (``name`` otherwise).
    name_en: str | None = None


def _by_path(top: tuple[Indicator, ...]) -> dict[str, Indicator]:
    return {ind.path: ind for root in top for ind in root.walk()}


@attrs.frozen
class Rubric:
    """A validated, immutable scoring table.

    ``sha256`` is the SHA-256 of the canonical form (:meth:`canonical`), so
    two rubrics that score alike hash alike whatever their file layout,
    comments or key order.  ``warnings`` lists located problems that do not
    stop the load (a legacy ``missing = "full"`` or ``"exclude"``, which
    rewards a value that is not reported); ``perfrubric validate`` prints
    them.
    """

    id: str
    version: str
    title: Mapping[str, str]
    indicators: tuple[Indicator, ...]
    full_marks: Decimal = Decimal(100)
    locale: str = "zh_CN"
    source: str | None = None
    description: str | None = None
    rounding: Rounding = Rounding(2, "half_up")
    total_rounding: Rounding = Rounding(2, "half_up")
    grades: GradeScale = attrs.field(factory=GradeScale.default)
    either_or: tuple[EitherOr, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    figures: tuple[Figure, ...] = ()
    file: str | None = attrs.field(default=None, eq=False)
    warnings: tuple[Problem, ...] = attrs.field(default=(), eq=False, repr=False)
    _index: dict[str, Indicator] = attrs.field(init=False, eq=False, repr=False)
    _sha256: str | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _by_path(self.indicators))

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the canonical form; stable across runs and machines.

        Computed on first use (a project form's rubric, expanded for every
        form, keeps the declared rubric's hash and never computes its own).
        """
        if self._sha256 is None:
            text = json.dumps(self.canonical(), ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))
            import hashlib  # loads OpenSSL: when a hash is asked for, not at import

            object.__setattr__(self, "_sha256",
                               hashlib.sha256(text.encode("utf-8")).hexdigest())
        assert self._sha256 is not None
        return self._sha256

    def title_in(self, locale: str) -> str:
        """The title in *locale*, falling back to the rubric's own locale."""
        return (self.title.get(locale) or self.title.get(self.locale)
                or next(iter(self.title.values()), self.id))

    def indicator(self, path: str) -> Indicator:
        """The indicator at *path*; :class:`KeyError` if there is none."""
        return self._index[path]

    def __contains__(self, path: object) -> bool:
        return path in self._index

    def walk(self) -> Iterator[Indicator]:
        """Every indicator, depth first, in table order."""
        for root in self.indicators:
            yield from root.walk()

    def leaves(self) -> Iterator[Indicator]:
        """Every leaf indicator, in table order."""
        return (ind for ind in self.walk() if ind.is_leaf)

    def canonical(self) -> dict[str, Any]:
        """A JSON-ready canonical form: what the rubric scores, not how it was written."""
        return {
            "id": self.id,
            "version": self.version,
            "title": dict(sorted(self.title.items())),
            "full_marks": _num(self.full_marks),
            "locale": self.locale,
            "rounding": [self.rounding.places, self.rounding.mode],
            "total_rounding": [self.total_rounding.places, self.total_rounding.mode],
            "grades": [[g.name, _num(g.min)] for g in self.grades.grades],
            "indicators": [_canonical_indicator(i) for i in self.walk()],
            "either_or": [[g.name, [[a.path, _src(a.when)] for a in g.alternatives]]
                          for g in self.either_or],
            "vetoes": [[v.name, v.when.source, v.reason, v.grade_at_most,
                        None if v.total_at_most is None else _num(v.total_at_most),
                        v.indicator, v.missing] for v in self.vetoes],
            "figures": [[f.id, f.measure.source, f.unit,
                         None if f.value_rounding is None
                         else [f.value_rounding.places, f.value_rounding.mode]]
                        for f in self.figures],
        }


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _src(expr: Expression | None) -> str | None:
    return None if expr is None else expr.source


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _canonical_indicator(ind: Indicator) -> dict[str, Any]:
    rule = None
    if ind.rule is not None:
        rule = {"kind": ind.rule.kind, **_jsonable(dict(ind.rule.params()))}
    extra: dict[str, Any] = {}
    if ind.target_rows is not None:  # only then, so other rubrics keep their hash
        rows = ind.target_rows
        extra["target_rows"] = [list(rows.tiers), rows.points, rows.empty, rows.missing]
    return {
        **extra,
        "path": ind.path,
        "points": _num(ind.points),
        "measure": _src(ind.measure),
        "rule": rule,
        "missing": ind.missing,
        "rounding": None if ind.rounding is None else [ind.rounding.places, ind.rounding.mode],
        "applicable": _src(ind.applicable),
        "not_applicable": ind.not_applicable,
        "unit": ind.unit,
        "value_rounding": (None if ind.value_rounding is None
                           else [ind.value_rounding.places, ind.value_rounding.mode]),
    }
