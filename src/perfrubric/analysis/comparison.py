"""Comparisons of two evaluations (较上年): what changed, and which indicators explain it.

:func:`compare` takes two :class:`~perfrubric.evaluation.Evaluation`
objects, or their ``to_dict()`` JSON (``perfrubric score --format json``),
typically the same department in two years, or the same data under two
rubrics (a local table and the national framework).  Rows are matched by
indicator path; a row in one side only is reported as such.

The **drivers** of the change are the leaf indicators whose score changed,
those moving with the total first (largest change first), then those
against it; ties in table order.  Scores are compared as each evaluation
gives them (a rescaled total is not split back onto the indicators).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..decimals import to_decimal
from ..engine.evaluation import Evaluation
from ..engine.serialize import decimal_text
from ..errors import DataError, PerfrubricError, Problem
from ..files.reading import check_structure, parse_json, read_text
from ..narrative import format_number, format_percent_value
from ..narrative.catalogs import _join, _zh
from ..narrative.formatting import _exact_digits
from ..units import UNITS, Money
from ..views.cells import csv_row
from ._text import points_text

__all__ = ["COMPARE_FORMATS", "CompareError", "Comparison", "RowDelta", "Side", "compare",
           "load_evaluation_json"]

#: The formats :meth:`Comparison.render` produces.
COMPARE_FORMATS: tuple[str, ...] = ("text", "markdown", "csv", "html", "json")

_ZERO = Decimal(0)
_DEFAULT_ORDER = ("优", "良", "中", "差")
_DEFAULT_EN = {"优": "Excellent", "良": "Good", "中": "Fair", "差": "Poor"}
_PERCENT = ("%", "％")


class CompareError(DataError):
    """An input to :func:`compare` is neither an evaluation nor its ``to_dict()`` JSON.

    A :class:`~perfrubric.errors.DataError`: its ``problems`` locate each
    fault (the file, the JSON path such as ``indicators[3].depth``, the
    line and column of a syntax error) and the CLI exits 1.
    """


@attrs.frozen
class Side:
    """One evaluation as compared: who, when, under which rubric, total and grade.

    ``grades`` are the grade names best first, ``labels`` their English names.
    ``counted_points`` and ``full_marks`` say over how many points the total
    was counted (``None`` when a JSON input lacks them): a total rescaled
    over fewer points than the full marks (excluded rows) moves by more than
    the indicators' own score changes.
    """

    department: str | None
    year: int | None
    rubric_id: str
    rubric_version: str
    total: Decimal
    grade: str | None
    grades: tuple[str, ...]
    labels: Mapping[str, str]
    counted_points: Decimal | None = None
    full_marks: Decimal | None = None

    @property
    def rescaled(self) -> bool:
        """Whether the total was rescaled from fewer counted points to the full marks."""
        return (self.counted_points is not None and self.full_marks is not None
                and self.counted_points != self.full_marks)


@attrs.frozen
class RowDelta:
    """One indicator in the comparison.

    ``side`` is ``"both"``, ``"a"`` (only in the first) or ``"b"`` (only in
    the second).  ``score_a``/``score_b`` and ``shown_a``/``shown_b`` (the
    measured value as displayed, e.g. ``Decimal('109.09')`` with unit
    ``%``) are ``None`` where the side lacks them; ``measured_a``/
    ``measured_b`` are the raw measured values (a level name, items, yes/no).
    ``kind`` is the rule kind (``per_event``: the measured value is a count
    of events, and the words call it one), ``None`` when unknown.
    """

    path: str
    name: str
    name_en: str | None
    depth: int
    is_leaf: bool
    side: Literal["both", "a", "b"]
    points_a: Decimal | None
    points_b: Decimal | None
    score_a: Decimal | None
    score_b: Decimal | None
    status_a: str | None
    status_b: str | None
    unit: str | None
    shown_a: Decimal | None
    shown_b: Decimal | None
    measured_a: Any = None
    measured_b: Any = None
    kind: str | None = None

    @property
    def is_count(self) -> bool:
        """Whether the measured value is a count of events (a ``per_event`` rule)."""
        return self.kind == "per_event"

    @property
    def score_delta(self) -> Decimal:
        """``score_b − score_a``, a missing side counting 0."""
        return (self.score_b or _ZERO) - (self.score_a or _ZERO)

    @property
    def measured_delta(self) -> Decimal | None:
        """``shown_b − shown_a`` when both sides show a number, else ``None``."""
        if self.shown_a is None or self.shown_b is None:
            return None
        return self.shown_b - self.shown_a

    def label(self, locale: str) -> str:
        """The name to show: ``name_en`` in English when known."""
        return self.name_en if not _zh(locale) and self.name_en else self.name


@attrs.frozen
class Comparison:
    """What changed from evaluation ``a`` to evaluation ``b`` (see :func:`compare`)."""

    a: Side
    b: Side
    rows: tuple[RowDelta, ...]

    @property
    def total_delta(self) -> Decimal:
        """``b.total − a.total``."""
        return self.b.total - self.a.total

    @property
    def grade_change(self) -> Literal["up", "down", "same"] | None:
        """Whether the grade went ``up``, ``down`` or stayed the ``same`` (``None``: unrated)."""
        if self.a.grade is None or self.b.grade is None:
            return None
        if self.a.grade == self.b.grade:
            return "same"
        order = self.b.grades
        if self.a.grade in order and self.b.grade in order:
            return "up" if order.index(self.b.grade) < order.index(self.a.grade) else "down"
        return None

    @property
    def only_a(self) -> tuple[RowDelta, ...]:
        """Rows only in the first evaluation (its rubric has them, the other's not)."""
        return tuple(r for r in self.rows if r.side == "a")

    @property
    def only_b(self) -> tuple[RowDelta, ...]:
        """Rows only in the second evaluation."""
        return tuple(r for r in self.rows if r.side == "b")

    def drivers(self, limit: int | None = None) -> tuple[RowDelta, ...]:
        """Leaf rows whose score changed: with the total's direction first, largest first."""
        sign = 1 if self.total_delta >= 0 else -1
        changed = [(i, r) for i, r in enumerate(self.rows) if r.is_leaf and r.score_delta]
        changed.sort(key=lambda ir: (ir[1].score_delta * sign < 0,
                                     -abs(ir[1].score_delta), ir[0]))
        found = tuple(r for _, r in changed)
        return found if limit is None else found[:limit]

    def narrative(self, *, locale: str = "zh_CN", top: int = 3) -> str:
        """The change in words, naming the *top* drivers (zh_CN or en)."""
        return _narrative(self, locale, top)

    def render(self, fmt: str = "text", *, locale: str = "zh_CN") -> str:
        """The comparison table as ``text``, ``markdown``, ``csv``, ``html`` or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt not in COMPARE_FORMATS:
            raise PerfrubricError(f"unknown format {fmt!r}; expected one of "
                                  + ", ".join(COMPARE_FORMATS))
        headers, cells = _table(self, locale)
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(csv_row(headers))
            writer.writerows(csv_row(row) for row in cells)
            return buffer.getvalue()
        if fmt == "html":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                           + "</tr>\n" for row in cells)
            return (f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n"
                    f"</table>\n<p>{html.escape(self.narrative(locale=locale))}</p>\n")
        if fmt == "markdown":
            lines = ["| " + " | ".join(headers) + " |",
                     "|" + "|".join("---" for _ in headers) + "|"]
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                      for row in cells]
            return "\n".join(lines) + "\n\n" + self.narrative(locale=locale) + "\n"
        widths = [max(_width(h), *(_width(r[i]) for r in cells)) for i, h in enumerate(headers)]
        lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
        lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
                  for row in cells]
        return "\n".join(lines) + "\n\n" + self.narrative(locale=locale) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: both sides, every row with its deltas, the drivers in order."""
        def side(s: Side) -> dict[str, Any]:
            return {"department": s.department, "year": s.year,
                    "rubric": {"id": s.rubric_id, "version": s.rubric_version},
                    "total": decimal_text(s.total), "grade": s.grade,
                    "counted_points": num(s.counted_points), "full_marks": num(s.full_marks),
                    "rescaled": s.rescaled}

        def num(v: Decimal | None) -> str | None:
            return None if v is None else decimal_text(v)

        return {
            "a": side(self.a), "b": side(self.b),
            "total_delta": decimal_text(self.total_delta),
            "grade_change": self.grade_change,
            "rows": [{"path": r.path, "side": r.side, "points_a": num(r.points_a),
                      "points_b": num(r.points_b), "score_a": num(r.score_a),
                      "score_b": num(r.score_b), "score_delta": decimal_text(r.score_delta),
                      "status_a": r.status_a, "status_b": r.status_b, "unit": r.unit,
                      "shown_a": num(r.shown_a), "shown_b": num(r.shown_b),
                      "measured_delta": num(r.measured_delta)} for r in self.rows],
            "drivers": [r.path for r in self.drivers()],
        }


# -- reading the two sides -----------------------------------------------------------

_MAX_DEPTH = 32  # an indicator tree is at most this deep (a deeper 'depth' is malformed)


class _Reader:
    """Reads one evaluation JSON document; every problem is a located :class:`CompareError`."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def fail(self, message: str, path: str = "", expected: str | None = None,
             got: Any = None) -> CompareError:
        shown = None if got is None else _short(got)
        return CompareError(Problem(message, path=path, file=self.file, expected=expected,
                                    got=shown))

    def number(self, value: Any, path: str, *, required: bool = False) -> Decimal | None:
        if value is None:
            if required:
                raise self.fail("expected a number, got nothing", path, "a number")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float, str)):
            raise self.fail(f"expected a number, got {_kind(value)} {_short(value)}", path,
                            "a number", value)
        try:
            return to_decimal(value)
        except ValueError as exc:
            raise self.fail(f"expected a number: {exc}", path, "a number", value) from None

    def text(self, value: Any, path: str) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raise self.fail(f"expected text, got {_kind(value)} {_short(value)}", path, "text",
                        value)

    def whole(self, value: Any, path: str, low: int, high: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"expected a whole number, got {_kind(value)} {_short(value)}",
                            path, "a whole number", value)
        if not low <= value <= high:
            raise self.fail(f"expected a whole number from {low} to {high}, got "
                            f"{_short(value)}", path, f"{low}–{high}", value)
        return value

    def side(self, doc: Mapping[str, Any]) -> tuple[Side, list[RowDelta]]:
        missing = [k for k in ("rubric", "total", "indicators") if k not in doc]
        if missing:
            raise self.fail("expected an evaluation's JSON (perfrubric score --format json): "
                            "it needs 'rubric', 'total' and 'indicators'; missing "
                            + ", ".join(repr(k) for k in missing), "",
                            "an evaluation's JSON")
        rubric, items = doc["rubric"], doc["indicators"]
        if not isinstance(rubric, Mapping):
            raise self.fail(f"expected a table (id, version), got {_kind(rubric)}", "rubric",
                            "a table", rubric)
        if not isinstance(items, list):
            raise self.fail(f"expected a list of indicators, got {_kind(items)}",
                            "indicators", "a list", items)
        total = self.number(doc["total"], "total", required=True)
        assert total is not None
        grade = self.text(doc.get("grade"), "grade")
        order = tuple(_DEFAULT_ORDER)
        if grade is not None and grade not in order:
            order = (grade,)
        year = self.whole(doc.get("year"), "year", 1, 9999)
        side = Side(self.text(doc.get("department"), "department"), year,
                    str(self.text(rubric.get("id"), "rubric.id") or "?"),
                    str(self.text(_version(rubric.get("version")), "rubric.version") or "?"),
                    total, grade, order, dict(_DEFAULT_EN),
                    self.number(doc.get("counted_points"), "counted_points"),
                    self.number(doc.get("full_marks"), "full_marks"))
        rows = []
        for i, item in enumerate(items):
            at = f"indicators[{i}]"
            if not isinstance(item, Mapping):
                raise self.fail(f"expected an indicator (a table), got {_kind(item)}", at,
                                "a table", item)
            path = item.get("path")
            if not isinstance(path, str) or not path:
                raise self.fail("each indicator needs a 'path' (text)", at + ".path", "text",
                                path)
            children = item.get("children") or []
            if not isinstance(children, list):
                raise self.fail(f"expected a list, got {_kind(children)}", at + ".children",
                                "a list", children)
            depth = self.whole(item.get("depth"), at + ".depth", 1, _MAX_DEPTH)
            rows.append(RowDelta(
                path, self.text(item.get("name"), at + ".name") or path.rsplit("/", 1)[-1],
                None, depth if depth is not None else min(path.count("/") + 1, _MAX_DEPTH),
                not children, "a", self.number(item.get("points"), at + ".points"), None,
                self.number(item.get("score"), at + ".score"), None,
                self.text(item.get("status"), at + ".status"), None,
                self.text(item.get("unit"), at + ".unit"),
                self.number(item.get("shown"), at + ".shown"), None,
                _measured(item.get("measured")), None,
                self.text(item.get("kind"), at + ".kind")))
        return side, rows


def _version(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) \
        and abs(value) < 10**9 else value


def _measured(value: Any) -> Any:
    """A measured value as the JSON gives it, if it is one the words can show; else ``None``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items() if isinstance(v, (bool, str))}
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return None  # a number: shown through 'shown'


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float, Decimal)):
        return "the number"
    if isinstance(value, str):
        return "the text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


def _short(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        digits = str(len(str(abs(value)))) if value.bit_length() < 14000 else "thousands of"
        return f"(a number of {digits} digits)"
    if isinstance(value, (list, Mapping)):
        return ""
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:20] + "…" + text[-8:]


def _from_evaluation(ev: Evaluation) -> tuple[Side, list[RowDelta]]:
    scale = ev.rubric.grades.grades
    side = Side(ev.department, ev.year, ev.rubric.id, ev.rubric.version, ev.total, ev.grade,
                tuple(g.name for g in scale), {g.name: g.label("en") for g in scale},
                ev.counted_points, ev.full_marks)
    rows = []
    for r in ev.results.values():
        ind = ev.rubric.indicator(r.path)
        rows.append(RowDelta(r.path, r.name, ind.name_en, r.depth, r.is_leaf, "a", r.points,
                             None, r.score, None, r.status, None, r.unit, r.shown, None,
                             r.measured, None, ind.rule.kind if ind.rule is not None else None))
    return side, rows


def _read(value: Evaluation | Mapping[str, Any], file: str | None = None,
          ) -> tuple[Side, list[RowDelta]]:
    if isinstance(value, Evaluation):
        return _from_evaluation(value)
    if isinstance(value, Mapping):
        check_structure(value, file, CompareError)
        return _Reader(file).side(value)
    raise CompareError(f"expected an Evaluation or its to_dict() JSON, got "
                       f"{type(value).__name__}")


def load_evaluation_json(path: str) -> dict[str, Any]:
    """Read an evaluation's JSON file (``perfrubric score --format json``) for :func:`compare`.

    The file is read with the library's caps (size, nesting, number sizes);
    any problem raises :class:`CompareError` (a :class:`~perfrubric.errors.DataError`)
    located at the file, line and column or the JSON path.
    """
    text = read_text(path, CompareError)
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head and head != "{":
        what = "an array" if head == "[" else "a single value"
        raise CompareError(Problem(f"expected a JSON object (an evaluation), got {what}",
                                   file=path, line=1, expected="a JSON object"))
    doc = parse_json(text, path, CompareError)
    if not isinstance(doc, dict):  # pragma: no cover - check_structure refuses it first
        raise CompareError(Problem("expected a JSON object (an evaluation)", file=path))
    _Reader(path).side(doc)  # every problem now, located at this file
    return doc


def compare(a: Evaluation | Mapping[str, Any], b: Evaluation | Mapping[str, Any]) -> Comparison:
    """Compare evaluation *a* (earlier, or the reference) with *b*.

    Each is an :class:`~perfrubric.evaluation.Evaluation` or its
    ``to_dict()`` JSON.  Rows are matched by path and listed in *b*'s table
    order, then *a*'s rows that *b* lacks.  Raises :class:`CompareError`
    for anything else.
    """
    side_a, rows_a = _read(a)
    side_b, rows_b = _read(b)
    by_path = {r.path: r for r in rows_a}
    rows: list[RowDelta] = []
    for rb in rows_b:
        ra = by_path.pop(rb.path, None)
        if ra is None:
            rows.append(attrs.evolve(rb, side="b", points_a=None, points_b=rb.points_a,
                                     score_a=None, score_b=rb.score_a, status_a=None,
                                     status_b=rb.status_a, shown_a=None, shown_b=rb.shown_a,
                                     measured_a=None, measured_b=rb.measured_a))
            continue
        same_unit = ra.unit == rb.unit
        rows.append(attrs.evolve(
            rb, side="both", name_en=rb.name_en or ra.name_en, kind=rb.kind or ra.kind,
            points_a=ra.points_a,
            points_b=rb.points_a, score_a=ra.score_a, score_b=rb.score_a,
            status_a=ra.status_a, status_b=rb.status_a,
            shown_a=ra.shown_a if same_unit else None, shown_b=rb.shown_a if same_unit else None,
            measured_a=ra.measured_a, measured_b=rb.measured_a))
    rows.extend(by_path.values())  # only in a: side stays "a"
    return Comparison(side_a, side_b, tuple(rows))


# -- words ----------------------------------------------------------------------------


def _grade(side: Side, grade: str | None, locale: str) -> str:
    if grade is None:
        return "—"
    return grade if _zh(locale) else side.labels.get(grade, grade)


def _shown(row: RowDelta, which: str, locale: str) -> str:
    shown = row.shown_a if which == "a" else row.shown_b
    raw = row.measured_a if which == "a" else row.measured_b
    if shown is not None:
        if row.unit in _PERCENT:
            return format_percent_value(shown, _exact_digits(shown), locale=locale)
        if row.unit is not None and row.unit in UNITS:
            from ..narrative import format_money

            return format_money(Money(shown, row.unit), locale=locale)
        text = format_number(shown, locale=locale)
        unit = row.unit or ""
        return text + unit if _zh(locale) or not unit else f"{text} {unit}"
    if isinstance(raw, bool):
        return ("是" if raw else "否") if _zh(locale) else ("yes" if raw else "no")
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Mapping) and isinstance(raw.get("level"), str):
        return str(raw["level"])
    if isinstance(raw, Mapping):
        return _join([str(k) for k, v in raw.items() if v is True], locale)
    if isinstance(raw, (list, tuple)):
        return _join([str(v) for v in raw], locale) or ("无" if _zh(locale) else "none")
    return ""


def _signed(value: Decimal, locale: str) -> str:
    text = points_text(abs(value), locale)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _reference(c: Comparison, locale: str) -> str:
    zh = _zh(locale)
    a, b = c.a, c.b
    if a.year is not None and b.year is not None and a.year != b.year:
        if b.year - a.year == 1:
            return "上年" if zh else "last year"
        return f"{a.year}年" if zh else f"in {a.year}"
    if a.rubric_id != b.rubric_id:
        return f"按{a.rubric_id}评分" if zh else f"under {a.rubric_id}"
    return "对照评价" if zh else "the other evaluation"


def _driver_text(row: RowDelta, locale: str) -> str:
    zh = _zh(locale)
    name = row.label(locale)
    delta = _signed(row.score_delta, locale)
    unit = "分" if zh else (" points" if abs(row.score_delta) != 1 else " point")
    if row.side != "both":
        if zh:
            return f"{name}{'仅本次评价有' if row.side == 'b' else '本次评价已无'}（{delta}{unit}）"
        return f"{name} {'is new' if row.side == 'b' else 'is gone'} ({delta}{unit})"
    before, after = _shown(row, "a", locale), _shown(row, "b", locale)
    if row.is_count and before and after and before != after:
        # A count of events (违规次数), not a score: say so, the points in brackets.
        moved = row.measured_delta
        up = moved is not None and moved > 0
        if zh:
            return f"{name}违规次数由{before}{'增至' if up else '降至'}{after}（{delta}{unit}）"
        return (f"{name}: violations {'up' if up else 'down'} from {before} to {after} "
                f"({delta}{unit})")
    if before and after and before != after:
        moved = row.measured_delta
        if zh:
            verb = "变为" if moved is None else "升至" if moved > 0 else "降至"
            return f"{name}由{before}{verb}{after}（{delta}{unit}）"
        verb = "changed" if moved is None else "rose" if moved > 0 else "fell"
        return f"{name} {verb} from {before} to {after} ({delta}{unit})"
    return f"{name}（{delta}{unit}）" if zh else f"{name} ({delta}{unit})"


def _narrative(c: Comparison, locale: str, top: int) -> str:
    zh = _zh(locale)
    ref = _reference(c, locale)
    delta = c.total_delta
    a_total, b_total = points_text(c.a.total, locale), points_text(c.b.total, locale)
    amount = points_text(abs(delta), locale)
    ga, gb = _grade(c.a, c.a.grade, locale), _grade(c.b, c.b.grade, locale)
    change = c.grade_change
    if zh:
        head = (f"总分较{ref}{'提高' if delta > 0 else '降低'}{amount}分（{a_total}→{b_total}）"
                if delta else f"总分与{ref}持平（{b_total}分）")
        grade = (f"等级仍为{gb}" if change == "same" else
                 f"等级由{ga}{'升为' if change == 'up' else '降为'}{gb}")
    else:
        head = (f"The total {'rose' if delta > 0 else 'fell'} by {amount} points compared with "
                f"{ref} ({a_total} → {b_total})" if delta else
                f"The total is unchanged compared with {ref} ({b_total})")
        grade = (f"the grade stays {gb}" if change == "same" else
                 f"the grade went {'up' if change == 'up' else 'down'} from {ga} to {gb}")
    drivers = c.drivers()
    sign = 1 if delta >= 0 else -1
    main = [r for r in drivers if r.score_delta * sign > 0][:top]
    against = [r for r in drivers if r.score_delta * sign < 0][:top]
    sep = "、" if zh else ", "
    text = f"{head}，{grade}" if zh else f"{head}; {grade}"
    if main:
        parts = sep.join(_driver_text(r, locale) for r in main)
        text += f"，主要因为{parts}" if zh else f", mainly because {parts}"
    if against:
        parts = sep.join(_driver_text(r, locale) for r in against)
        text += f"；{parts}则相反" if zh else f"; against this, {parts}"
    if c.only_a or c.only_b:
        text += (f"；两表指标不同：仅前者有{len(c.only_a)}项，仅后者有{len(c.only_b)}项" if zh
                 else f"; the tables differ: {len(c.only_a)} rows only in the first, "
                      f"{len(c.only_b)} only in the second")
    rescaled = [(which, s) for which, s in (("a", c.a), ("b", c.b)) if s.rescaled]
    if rescaled:
        notes = []
        for which, s in rescaled:
            assert s.counted_points is not None and s.full_marks is not None
            counted, full = points_text(s.counted_points, locale), points_text(s.full_marks,
                                                                                locale)
            notes.append(f"{'前者' if which == 'a' else '后者'}总分按计分指标{counted}分折算为"
                         f"{full}分制" if zh else
                         f"the {'first' if which == 'a' else 'second'} total is rescaled to "
                         f"{full} from the {counted} points counted")
        text += ("；" + "，".join(notes) + "，各指标分差为折算前的分数" if zh
                 else "; " + " and ".join(notes) + " (the indicators' changes are before "
                 "rescaling)")
    return text + ("。" if zh else ".")


def _table(c: Comparison, locale: str) -> tuple[list[str], list[list[str]]]:
    zh = _zh(locale)
    la = str(c.a.year) if c.a.year and c.a.year != c.b.year else c.a.rubric_id
    lb = str(c.b.year) if c.b.year and c.a.year != c.b.year else c.b.rubric_id
    if la == lb:
        la, lb = "A", "B"
    if zh:
        headers = ["指标", "分值", f"得分 {la}", f"得分 {lb}", "分差", f"指标值 {la}",
                   f"指标值 {lb}", "备注"]
    else:
        headers = ["Indicator", "Points", f"Score {la}", f"Score {lb}", "Change",
                   f"Measured {la}", f"Measured {lb}", "Note"]
    cells: list[list[str]] = []
    for r in c.rows:
        points = r.points_b if r.points_b is not None else r.points_a
        note = ""
        if r.side == "a":
            note = f"仅{la}" if zh else f"only in {la}"
        elif r.side == "b":
            note = f"仅{lb}" if zh else f"only in {lb}"
        elif r.status_b not in (None, "scored") or r.status_a not in (None, "scored"):
            note = f"{r.status_a or '—'} → {r.status_b or '—'}"
        elif r.points_a != r.points_b:
            note = (f"分值 {points_text(r.points_a or _ZERO, locale)}→"
                    f"{points_text(r.points_b or _ZERO, locale)}" if zh else
                    f"points {points_text(r.points_a or _ZERO, locale)}→"
                    f"{points_text(r.points_b or _ZERO, locale)}")
        cells.append([
            "  " * (r.depth - 1) + r.label(locale),
            "" if points is None else points_text(points, locale),
            "" if r.score_a is None else points_text(r.score_a, locale),
            "" if r.score_b is None else points_text(r.score_b, locale),
            _signed(r.score_delta, locale) if r.score_delta else "",
            _shown(r, "a", locale) if r.is_leaf else "",
            _shown(r, "b", locale) if r.is_leaf else "",
            note,
        ])
    total = "总分" if zh else "Total"
    cells.append([total, "", points_text(c.a.total, locale), points_text(c.b.total, locale),
                  _signed(c.total_delta, locale) if c.total_delta else "",
                  _grade(c.a, c.a.grade, locale), _grade(c.b, c.b.grade, locale), ""])
    return headers, cells


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
