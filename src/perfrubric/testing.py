"""Hypothesis strategies and invariants for property-testing rubrics and rule kinds.

Needs hypothesis (``pip install 'perfrubric[test]'``).  Three layers:

* **strategies** — :func:`rubrics` (valid rubrics of any depth with every
  built-in kind), :func:`rule_params` (parameters of one kind),
  :func:`data_for` (department data that fits a given rubric's measures,
  including values on band edges, zero denominators and missing values
  where the policy allows) and :func:`departments` (the domain model);
* **invariants** — small functions, each raising :class:`InvariantViolation`
  with the invariant's name and the indicator's path, usable in your own
  tests;
* :func:`check_rubric` — one call that runs every invariant over generated
  data for your rubric and fails with the smallest counterexample.

>>> from perfrubric.testing import check_rubric              # doctest: +SKIP
>>> check_rubric(pr.load_rubric("my-rubric.toml"))           # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .errors import EvaluationError, MissingDependencyError, PerfrubricError, RuleInputError

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - exercised only without hypothesis
    raise MissingDependencyError("perfrubric.testing", "perfrubric[test]") from None

from .evaluation import Evaluation, evaluate
from .indicators import (
    Bands,
    Checklist,
    Judged,
    Levels,
    PerEvent,
    Ratio,
    RuleKind,
    StepDeduction,
    Threshold,
    YesNo,
)
from .loading import rubric_from_dict
from .rubric import Indicator, Rubric

__all__ = [
    "INVARIANTS",
    "InvariantViolation",
    "check_rubric",
    "data_for",
    "departments",
    "grade_matches_scale",
    "monotone_rules",
    "order_invariant",
    "params_round_trip",
    "parents_are_sums",
    "reproducible",
    "rescaling_explained",
    "rounding_idempotent",
    "rubric_document",
    "rubric_test",
    "rubrics",
    "rule_params",
    "rule_scores_in_range",
    "scores_not_clamped",
    "scores_within_points",
    "to_dict_round_trips",
    "total_in_range",
    "vetoes_respected",
]

D = Decimal
_KINDS = ("ratio", "threshold", "step_deduction", "bands", "checklist", "levels", "yes_no",
          "per_event", "judged")


class InvariantViolation(AssertionError):
    """An invariant does not hold: ``invariant`` names it, ``path`` the indicator."""

    def __init__(self, invariant: str, message: str, path: str | None = None,
                 data: Mapping[str, Any] | None = None) -> None:
        self.invariant = invariant
        self.message = message
        self.path = path
        self.data = data
        where = f" at indicator '{path}'" if path else ""
        text = f"invariant '{invariant}' failed{where}: {message}"
        if data is not None:
            text += "\ncounterexample data: " + json.dumps(data, ensure_ascii=False,
                                                          sort_keys=True)
        super().__init__(text)


# -- strategies: parameters -----------------------------------------------------


def _pct(n: int) -> str:
    return f"{n}%"


def rule_params(kind: str, points: Decimal) -> st.SearchStrategy[dict[str, Any]]:
    """Valid TOML parameters for the built-in *kind* with *points*."""
    if kind == "ratio":
        return st.builds(lambda p: {"full_at": _pct(p)}, st.integers(50, 150))
    if kind == "threshold":
        return st.builds(lambda t, s: {"threshold": _pct(t), "full_when": s},
                         st.integers(1, 200), st.sampled_from(["at_least", "at_most"]))
    if kind == "step_deduction":
        return st.builds(
            lambda lim, d, step, ded, steps: {"limit": _pct(lim), "direction": d,
                                              "step": _pct(step), "deduct": str(D(ded) / 10),
                                              "steps": steps},
            st.integers(0, 150), st.sampled_from(["above", "below"]), st.integers(1, 10),
            st.integers(1, 20), st.sampled_from(["whole", "started", "fraction"]))
    if kind == "bands":
        return _band_params(points)
    if kind == "checklist":
        return st.integers(1, 5).map(lambda n: {
            "items": [{"item": f"第{i + 1}项", "points": str(p)}
                      for i, p in enumerate(_split(points, n))]})
    if kind == "levels":
        return st.just({"levels": [{"level": "好", "share": "100%"},
                                   {"level": "较好", "share": "80%"},
                                   {"level": "一般", "share": "60%"},
                                   {"level": "差", "share": "0%"}]})
    if kind == "per_event":
        return st.integers(1, 20).map(lambda d: {"deduct": str(D(d) / 10)})
    if kind in ("yes_no", "judged"):
        return st.just({})
    raise ValueError(f"no parameter strategy for kind {kind!r}; pass your own")


def _split(points: Decimal, n: int) -> list[Decimal]:
    base = (points / n).quantize(D("0.01"), rounding="ROUND_FLOOR")
    parts = [base] * n
    parts[-1] = points - base * (n - 1)
    return parts


@st.composite
def _band_params(draw: st.DrawFn, points: Decimal) -> dict[str, Any]:
    edges = sorted(set(draw(st.lists(st.integers(-50, 200), min_size=1, max_size=4))))
    better = draw(st.sampled_from(["higher", "lower"]))
    shares = sorted(draw(st.lists(st.integers(0, 100), min_size=len(edges) + 1,
                                  max_size=len(edges) + 1)))
    if better == "lower":
        shares.reverse()
    bands: list[dict[str, Any]] = []
    low: int | None = None
    for edge, share in zip([*edges, None], shares, strict=True):
        band: dict[str, Any] = {"share": _pct(share)}
        if low is not None:
            band["over"] = _pct(low)
        if edge is not None:
            band["upto"] = _pct(edge)
        bands.append(band)
        low = edge
    return {"better": better, "bands": bands}


# -- strategies: rubrics --------------------------------------------------------


@st.composite
def _tree(draw: st.DrawFn, depth: int, max_depth: int, max_children: int,
          counter: list[int]) -> dict[str, Any]:
    counter[0] += 1
    node: dict[str, Any] = {"name": f"指标{counter[0]}", "children": []}
    if depth < max_depth and draw(st.booleans()):
        for _ in range(draw(st.integers(1, max_children))):
            node["children"].append(draw(_tree(depth + 1, max_depth, max_children, counter)))
    return node


@st.composite
def rubrics(draw: st.DrawFn, *, max_depth: int = 3, max_children: int = 3,
            kinds: Sequence[str] = _KINDS, vetoes: bool = True) -> Rubric:
    """Valid rubrics: points that add up, gap-free bands, a grade scale.

    Leaves measure ``facts.m<n>`` (or take an assessment, for ``levels`` and
    ``judged``) with a kind drawn from *kinds*; missing policies and
    rounding vary, and some leaves may not apply (``applicable =
    "facts.a<n>"``, full points or rescaled).  Shrinks towards one leaf of
    kind ``ratio``.
    """
    counter = [0]
    tops = [draw(_tree(1, max_depth, max_children, counter))
            for _ in range(draw(st.integers(1, max_children)))]
    rows: list[dict[str, Any]] = []
    leaf_no = [0]

    def emit(node: dict[str, Any], prefix: str) -> Decimal:
        path = f"{prefix}/{node['name']}" if prefix else node["name"]
        row: dict[str, Any] = {"path": path}
        rows.append(row)
        if node["children"]:
            row["points"] = str(sum((emit(c, path) for c in node["children"]), D(0)))
            return D(row["points"])
        points = D(draw(st.integers(1, 20)))
        kind = draw(st.sampled_from(list(kinds)))
        row["points"] = str(points)
        row["rule"] = {"kind": kind, **draw(rule_params(kind, points))}
        if kind not in ("levels", "judged"):
            leaf_no[0] += 1
            row["measure"] = f"facts.m{leaf_no[0]}"
            if kind in ("ratio", "threshold", "step_deduction", "bands") and draw(st.booleans()):
                row["unit"] = "%"
            if draw(st.integers(0, 3)) == 0:  # may not apply: 不适用 (full or rescaled)
                row["applicable"] = f"facts.a{leaf_no[0]}"
                row["not_applicable"] = draw(st.sampled_from(["full", "exclude"]))
        row["missing"] = draw(st.sampled_from(["error", "zero", "full", "exclude",
                                               "cannot_rate"]))
        return points

    full = sum((emit(t, "") for t in tops), D(0))
    doc: dict[str, Any] = {
        "rubric": {"id": "generated", "version": "1", "title": "生成的评分表",
                   "full_marks": str(full),
                   "rounding": {"places": draw(st.integers(0, 3)),
                                "mode": draw(st.sampled_from(["half_up", "down"]))}},
        "indicator": rows,
    }
    cut = sorted(draw(st.lists(st.integers(1, 99), min_size=0, max_size=3, unique=True)),
                 reverse=True)
    if cut:
        doc["rubric"]["grades"] = [{"name": f"G{i}", "min": str(full * c / 100)}
                                   for i, c in enumerate(cut)] + [{"name": "G-", "min": 0}]
    if vetoes and draw(st.booleans()):
        grades = [g["name"] for g in doc["rubric"].get("grades", [])] or ["差"]
        doc["veto"] = [{"name": "否决", "when": "facts.veto", "reason": "一票否决",
                        "grade_at_most": draw(st.sampled_from(grades)), "missing": "pass"}]
    return rubric_from_dict(doc)


# -- strategies: data --------------------------------------------------------------


def _numbers(lo: int = -50, hi: int = 250, *, zero: bool = True) -> st.SearchStrategy[str]:
    values = st.integers(lo, hi)
    if not zero:
        values = values.filter(lambda v: v != 0)
    return values.map(lambda v: str(D(v) / 100))


def _edges(rule: RuleKind) -> list[Decimal]:
    if isinstance(rule, Bands):
        return [e for b in rule.bands for e in (b.low, b.high) if e is not None]
    if isinstance(rule, StepDeduction):
        return [rule.limit, rule.limit + rule.step, rule.limit - rule.step]
    if isinstance(rule, Threshold):
        return [rule.threshold]
    if isinstance(rule, Ratio):
        return [rule.full_at]
    return []


def _value_for(rule: RuleKind | None, points: Decimal, *, zero: bool) -> st.SearchStrategy[Any]:
    if isinstance(rule, YesNo):
        return st.booleans()
    if isinstance(rule, PerEvent):
        return st.integers(0, 10)
    if isinstance(rule, Checklist):
        return st.lists(st.sampled_from(list(rule.items)), unique=True)
    if isinstance(rule, Judged):
        return st.integers(0, int(points * 100)).map(lambda v: str(D(v) / 100))
    if isinstance(rule, Threshold) and rule.full_when == "at_most":
        return _numbers(1, 300)  # a ratio such as 支出/预算 is positive
    edges = [str(e) for e in (_edges(rule) if rule is not None else [])]
    plain = _numbers(zero=zero)
    return st.one_of(st.sampled_from(edges), plain) if edges else plain


def _assessment_for(ind: Indicator) -> st.SearchStrategy[dict[str, Any]]:
    rule = ind.rule
    if isinstance(rule, Levels):
        def pick(level_index: int, fraction: int) -> dict[str, Any]:
            level = rule.levels[level_index]
            out: dict[str, Any] = {"indicator": ind.path, "level": level.name}
            if level.is_range:
                low, high = ind.points * level.low, ind.points * level.high
                out["score"] = str(low + (high - low) * D(fraction) / 100)
            return out
        return st.builds(pick, st.integers(0, len(rule.levels) - 1), st.integers(0, 100))
    return _value_for(rule, ind.points, zero=True).map(
        lambda v: {"indicator": ind.path, "value": v} if not isinstance(rule, Judged)
        else {"indicator": ind.path, "score": v})


def _names(ind: Indicator) -> list[str]:
    names: set[str] = set()
    for expr in (ind.measure, ind.applicable):
        if expr is not None:
            names |= expr.names
    return sorted(names)


@st.composite
def data_for(draw: st.DrawFn, rubric: Rubric) -> dict[str, Any]:
    """Department data (a data document) that fits *rubric*'s measures.

    Free facts (``facts.*``) get values of the type their rule scores —
    numbers near band edges and limits, counts, yes/no, checklist items —
    and may be left out where the indicator's missing policy allows.
    Names of the typed model (``staffing.*``, ``budget.*``, ``targets.*``)
    get plausible values; a zero denominator is generated only where the
    policy does not demand data.  Leaves without a measure get an
    evaluator's assessment.
    """
    facts: dict[str, Any] = {}
    assessments: list[dict[str, Any]] = []
    staffing: dict[str, Any] = {}
    budget: dict[str, Any] = {}
    targets: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for ind in rubric.leaves():
        optional = ind.missing != "error"
        if ind.target_rows is not None:  # a tier whose rows come from targets
            rows += draw(_target_rows_for(ind, len(rows)))
            continue
        if ind.measure is None:
            if not (optional and draw(st.booleans())):
                assessments.append(draw(_assessment_for(ind)))
            continue
        single = ind.measure.source.strip()
        conditions = ind.applicable.names - ind.measure.names if ind.applicable else set()
        for name in _names(ind):
            if optional and draw(st.integers(0, 9)) == 0:
                continue  # missing, and the policy says what happens
            value: Any
            if name in conditions and name.startswith("facts."):
                value = draw(st.booleans())  # whether the indicator applies
            elif name == single and name.startswith("facts."):
                value = draw(_value_for(ind.rule, ind.points, zero=optional))
            else:
                value = draw(_numbers(1, 300) if not optional else _numbers(0, 300))
            _place(name, value, facts, staffing, budget, targets)
    for veto in rubric.vetoes:
        for name in veto.when.names:
            if name.startswith("facts."):
                facts.setdefault(name[6:], draw(st.booleans()))
    for fig in rubric.figures:
        for name in fig.measure.names:
            if draw(st.booleans()):
                _place(name, draw(_numbers(1, 300)), facts, staffing, budget, targets)
    doc: dict[str, Any] = {"department": {"name": "测试单位", "year": 2021}}
    if staffing:
        doc["staffing"] = staffing
    if budget:
        doc["budget"] = budget
    if targets:
        doc["target"] = [{"id": k, "name": k, **v} for k, v in targets.items()]
    if rows:
        doc["target"] = [*doc.get("target", []), *rows]
    if facts:
        doc["facts"] = facts
    if assessments:
        doc["assessment"] = assessments
    return doc


@st.composite
def _target_rows_for(draw: st.DrawFn, tier: Indicator, start: int) -> list[dict[str, Any]]:
    """0–3 ``[[target]]`` rows placed under *tier*, their points adding up to the tier's.

    Quantitative rows (≥ or ≤, reached or not), qualitative rows with a level
    and a score inside its band, and rows without a result.
    """
    spec = tier.target_rows
    assert spec is not None
    count = draw(st.integers(0 if spec.empty != "error" else 1, 3))
    if count == 0:
        return []
    cents = int(tier.points * 100)
    cuts = sorted(draw(st.lists(st.integers(0, cents), min_size=count - 1,
                                max_size=count - 1)))
    shares = [D(b - a) / 100 for a, b in itertools.pairwise([0, *cuts, cents])]
    out = []
    for i, points in enumerate(shares):
        sub = draw(st.sampled_from(spec.tiers)) if spec.tiers else None
        row: dict[str, Any] = {"id": f"row_{start + i}", "name": f"指标{start + i}",
                               "indicator": f"{tier.path}/{sub}" if sub else tier.path,
                               "points": format(points, "f")}
        kind = draw(st.sampled_from(["higher", "lower", "qualitative", "unreported"]))
        if kind == "higher":
            row.update(target="≥100个", actual=f"{draw(st.integers(0, 150))}个")
        elif kind == "lower":
            row.update(target="≤90万元", actual=f"{draw(st.integers(1, 200))}万元")
        elif kind == "qualitative":
            level = draw(st.sampled_from(["达成预期指标", "部分达成预期指标", "未达成预期指标"]))
            low, high = {"达成预期指标": (80, 100), "部分达成预期指标": (60, 80),
                         "未达成预期指标": (0, 60)}[level]
            row.update(target="效果明显", level=level)
            if draw(st.booleans()):
                row["score"] = format(points * draw(st.integers(low, high)) / 100, "f")
        else:
            row.update(target="≥100个")
        out.append(row)
    return out


def _place(name: str, value: Any, facts: dict[str, Any], staffing: dict[str, Any],
           budget: dict[str, Any], targets: dict[str, dict[str, Any]]) -> None:
    parts = name.split(".")
    amount = abs(D(str(value)) if not isinstance(value, (bool, list)) else D(1))
    if parts[0] == "facts":
        facts[".".join(parts[1:])] = value
    elif name == "budget.project_lines_total" or parts[:2] == ["budget", "lines"]:
        line_id = parts[2] if len(parts) == 3 else "line"
        lines = budget.setdefault("project_lines", [])
        if all(line["id"] != line_id for line in lines):
            lines.append({"id": line_id, "name": line_id, "amount": f"{amount * 100}万元"})
    elif name == "staffing.authorized_total" or parts[:2] == ["staffing", "authorized_by_kind"]:
        kind = parts[2] if len(parts) == 3 else "administrative"
        staffing.setdefault("authorized_by_kind", {})[kind] = int(amount * 10)
    elif parts[:2] == ["targets", "category"] and len(parts) == 4:
        targets.setdefault(f"c_{len(targets)}", {"category": parts[2], "target": "100",
                                                 "actual": str(amount * 100)})
    elif parts[0] == "targets" and len(parts) == 3 and parts[2] not in ("target", "actual",
                                                                      "previous"):
        entry = targets.setdefault(parts[1], {})
        entry.setdefault("target", "100")
        entry.setdefault("actual", str(amount * 100))
        entry.setdefault("previous", "90")
    elif parts[0] == "targets" and len(parts) == 2:
        # an aggregate over the targets (targets.completion): there must be a target
        if not targets:
            targets["t_0"] = {"target": "100", "actual": str(amount * 100)}
    elif parts[0] == "department" and len(parts) == 2:
        return  # derived from the rest of the data
    elif parts[0] == "staffing" and len(parts) == 2:
        count = abs(int(D(str(value)) * 10))
        # a non-zero value stays non-zero (0.01 would truncate to 0: a zero denominator
        # the indicator's policy did not ask for)
        staffing[parts[1]] = count if count or D(str(value)) == 0 else 1
    elif parts[0] == "budget" and len(parts) == 2 and not parts[1].startswith("payment"):
        budget[parts[1]] = f"{abs(D(str(value)) * 100)}万元"
    elif parts[0] == "budget" and parts[:2] == ["budget", "sangong"] and len(parts) == 3:
        budget.setdefault("sangong", {})[parts[2]] = f"{abs(D(str(value)) * 10)}万元"
    elif parts[0] == "targets" and len(parts) == 3 and parts[2] in ("target", "actual",
                                                                    "previous"):
        targets.setdefault(parts[1], {})[parts[2]] = str(abs(D(str(value))) * 100)
    elif parts[0] == "budget" and len(parts) == 2:
        budget[parts[1]] = str(abs(D(str(value))))


def departments() -> st.SearchStrategy[dict[str, Any]]:
    """Data documents for the domain model (staffing, budget, targets, facts)."""
    money = st.integers(0, 10**6).map(lambda v: f"{D(v) / 100}万元")
    counts = st.integers(0, 500)
    return st.fixed_dictionaries({
        "department": st.fixed_dictionaries({"name": st.just("单位"),
                                             "year": st.integers(2000, 2030)}),
        "staffing": st.fixed_dictionaries({}, optional={
            "authorized": counts, "on_post": counts, "on_post_established": counts,
            "on_post_contract": counts, "retired": counts}),
        "budget": st.fixed_dictionaries({}, optional={
            "initial": money, "adjusted": money, "final": money, "basic": money,
            "project": money, "carryover": money}),
        "target": st.lists(st.builds(
            lambda i, t, a, d: {"id": f"t{i}", "name": f"目标{i}", "target": t, "actual": a,
                                "direction": d},
            st.integers(0, 99), st.integers(1, 1000), st.integers(0, 2000),
            st.sampled_from(["higher", "lower"])), max_size=4, unique_by=lambda t: t["id"]),
        "facts": st.dictionaries(st.sampled_from(["a", "b", "c"]),
                                 st.one_of(st.booleans(), st.integers(0, 100)), max_size=3),
    })


# -- invariants ---------------------------------------------------------------------


def total_in_range(ev: Evaluation) -> None:
    """The total lies in [0, full marks]."""
    if not D(0) <= ev.total <= ev.full_marks:
        raise InvariantViolation("total_in_range",
                                 f"total {ev.total} outside [0, {ev.full_marks}]")


def scores_within_points(ev: Evaluation) -> None:
    """Each indicator's score lies in [0, its points]."""
    for path, r in ev.results.items():
        if not D(0) <= r.score <= r.points:
            raise InvariantViolation("scores_within_points",
                                     f"score {r.score} outside [0, {r.points}]", path)


def scores_not_clamped(ev: Evaluation) -> None:
    """No rule returned a score outside [0, its points] that the engine had to clamp.

    The engine clamps such a score (扣完为止 / 满分为止) and records it in
    ``detail["clamped_from"]``; a rule kind that relies on it hides a bug.
    """
    for path, r in ev.results.items():
        if "clamped_from" in r.detail:
            raise InvariantViolation(
                "scores_not_clamped", f"rule '{r.kind}' returned {r.detail['clamped_from']} "
                f"points, outside [0, {r.points}]; the engine clamped it", path)


def rescaling_explained(ev: Evaluation) -> None:
    """Every point missing from a rescaled total is listed, with why, in ``ev.rescaling``.

    The points left out (full marks − counted points) equal the sum of the
    :class:`~perfrubric.evaluation.Rescaled` entries, each of which is an
    excluded leaf.
    """
    listed = sum((r.points for r in ev.rescaling), D(0))
    if listed != ev.full_marks - ev.counted_points:
        raise InvariantViolation(
            "rescaling_explained", f"{ev.full_marks - ev.counted_points} points were left out "
            f"of the total but the rescaling lists {listed}")
    for entry in ev.rescaling:
        result = ev.results[entry.path]
        if result.status != "excluded" or not result.is_leaf:
            raise InvariantViolation("rescaling_explained",
                                     f"listed as rescaled but its status is {result.status}",
                                     entry.path)


def parents_are_sums(ev: Evaluation) -> None:
    """A parent's score is the sum of its children's; the raw total of the top tier's."""
    for path, r in ev.results.items():
        if r.children:
            total = sum((ev.results[c].score for c in r.children), D(0))
            if total != r.score:
                raise InvariantViolation("parents_are_sums",
                                         f"children add up to {total}, parent has {r.score}", path)
    top = sum((r.score for r in ev.top()), D(0))
    if top != ev.raw_total:
        raise InvariantViolation("parents_are_sums",
                                 f"top tier adds up to {top}, raw total is {ev.raw_total}")


def grade_matches_scale(ev: Evaluation) -> None:
    """The grade is the scale's grade for the total, lowered only by triggered vetoes."""
    if ev.grade is None:
        if not ev.cannot_rate:
            raise InvariantViolation("grade_matches_scale", "no grade and no reason given")
        return
    scale = ev.rubric.grades
    expected = scale.rank(scale.grade_for(ev.total).name)
    caps = [scale.rank(v.grade_at_most) for v in ev.vetoes if v.grade_at_most]
    expected = max([expected, *caps])
    if scale.rank(ev.grade) != expected:
        raise InvariantViolation("grade_matches_scale",
                                 f"grade {ev.grade} for total {ev.total}; the scale gives "
                                 f"{scale.grades[expected].name}")


def vetoes_respected(ev: Evaluation) -> None:
    """A triggered veto's caps hold: grade at most X, total at most T."""
    scale = ev.rubric.grades
    for veto in ev.vetoes:
        if veto.grade_at_most and ev.grade is not None and \
                scale.rank(ev.grade) < scale.rank(veto.grade_at_most):
            raise InvariantViolation("vetoes_respected",
                                     f"grade {ev.grade} above the veto's cap {veto.grade_at_most}")
        if veto.total_at_most is not None and ev.total > veto.total_at_most:
            raise InvariantViolation("vetoes_respected",
                                     f"total {ev.total} above the veto's cap {veto.total_at_most}")


def rounding_idempotent(ev: Evaluation) -> None:
    """Every leaf score and the total are already rounded as declared."""
    rubric = ev.rubric
    for ind in rubric.leaves():
        r = ev.results[ind.path]
        if r.status == "overridden":
            continue
        rounding = ind.rounding or rubric.rounding
        if rounding.apply(r.score) != r.score:
            raise InvariantViolation("rounding_idempotent",
                                     f"score {r.score} is not rounded to {rounding}", ind.path)
    if not any(v.total_at_most is not None for v in ev.vetoes) and \
            rubric.total_rounding.apply(ev.total) != ev.total:
        raise InvariantViolation("rounding_idempotent", f"total {ev.total} is not rounded")


def to_dict_round_trips(ev: Evaluation) -> None:
    """``to_dict`` survives JSON and keeps every number exactly."""
    out = ev.to_dict()
    again = json.loads(json.dumps(out, ensure_ascii=False))
    if again != out:
        raise InvariantViolation("to_dict_round_trips", "JSON changed the dict")
    if D(out["total"]) != ev.total:
        raise InvariantViolation("to_dict_round_trips", f"total {out['total']} != {ev.total}")
    for item in out["indicators"]:
        if D(item["score"]) != ev.results[item["path"]].score:
            raise InvariantViolation("to_dict_round_trips", "score changed", item["path"])


def monotone_rules(rubric: Rubric, values: Iterable[Decimal]) -> None:
    """Each ordered rule scores monotonically in its declared direction over *values*."""
    ordered = sorted(set(values))
    for ind in rubric.leaves():
        rule = ind.rule
        if rule is None or rule.direction not in ("higher", "lower"):
            continue
        previous: tuple[Decimal, Decimal] | None = None
        for x in ordered:
            probe = x
            if isinstance(rule, PerEvent):
                probe = abs(x).to_integral_value()
            try:
                score = rule.score(probe).score
            except Exception:  # outside the kind's domain (e.g. outside every band)
                continue
            if previous is not None:
                px, ps = previous
                worse = score < ps if rule.direction == "higher" else score > ps
                if probe >= px and worse:
                    raise InvariantViolation(
                        "monotone_rules",
                        f"direction '{rule.direction}' but {px} scores {ps} and {probe} scores "
                        f"{score}", ind.path)
            previous = (probe, score)


def _probe_inputs(rule: RuleKind) -> list[object]:
    numbers: list[object] = list(_probe_values())
    if isinstance(rule, PerEvent):
        numbers = [D(n) for n in range(0, 12)]
    return [*numbers, True, False, *_edges(rule)]


def rule_scores_in_range(rule: RuleKind, values: Iterable[object] | None = None,
                         path: str | None = None) -> None:
    """A kind's raw score lies in [0, its points] for every value it accepts.

    *values* defaults to a spread of numbers (negative, between 0 and 1,
    above 1), yes/no and the rule's own edges; a value the kind refuses with
    :class:`~perfrubric.errors.RuleInputError` is skipped.  The engine would
    clamp an out-of-range score (and record it), so without this check a
    faulty kind goes unnoticed.
    """
    points = getattr(rule, "points", None)
    if not isinstance(points, Decimal):
        return  # a kind without points cannot be checked here
    for x in (values if values is not None else _probe_inputs(rule)):
        try:
            score = rule.score(x).score
        except RuleInputError:
            continue
        if not D(0) <= score <= points:
            raise InvariantViolation(
                "rule_scores_in_range", f"rule '{rule.kind}' scores the value {x!r} as {score}, "
                f"outside [0, {points}] points", path)


def params_round_trip(rule: RuleKind, points: Decimal, path: str | None = None) -> None:
    """``from_params(params(), points)`` gives back an equal rule.

    Fails with a message naming ``params()`` of the kind's class, so that a
    kind author sees their method is at fault, not the rubric.
    """
    cls = type(rule)
    where = f"{cls.__name__}.params() (kind '{rule.kind}')"
    try:
        params = dict(rule.params())
    except Exception as exc:  # a user's kind: any failure is the finding
        raise InvariantViolation("params_round_trip", f"{where} raised {exc!r}", path) from None
    try:
        again = cls.from_params(params, points)
    except PerfrubricError as exc:
        raise InvariantViolation(
            "params_round_trip", f"{where} does not round-trip: from_params() refuses what "
            f"params() returned ({params!r}): {exc}", path) from None
    if again != rule:
        raise InvariantViolation(
            "params_round_trip", f"{where} does not round-trip: from_params(params()) gave "
            f"{again!r}, not {rule!r}; params() must return every parameter as from_params() "
            "reads it", path)


def rubric_document(rubric: Rubric) -> dict[str, Any]:
    """A rubric document (the dict a TOML file parses to) equivalent to *rubric*."""
    def num(v: Decimal) -> str:
        return format(v, "f")

    rows = []
    for ind in rubric.walk():
        row: dict[str, Any] = {"path": ind.path, "points": num(ind.points)}
        if ind.measure is not None:
            row["measure"] = ind.measure.source
        if ind.applicable is not None:
            row["applicable"] = ind.applicable.source
        if ind.unit:
            row["unit"] = ind.unit
        if ind.rule is not None:
            row["rule"] = {"kind": ind.rule.kind, **_plain(dict(ind.rule.params()))}
        if ind.target_rows is not None:
            spec = ind.target_rows
            row["target_rows"] = {"tiers": list(spec.tiers), "points": spec.points,
                                  "empty": spec.empty, "missing": spec.missing}
        elif ind.is_leaf:
            row["missing"] = ind.missing
            row["not_applicable"] = ind.not_applicable
        for key in ("rounding", "value_rounding"):
            value = getattr(ind, key)
            if value is not None:
                row[key] = {"places": value.places, "mode": value.mode}
        rows.append(row)
    doc: dict[str, Any] = {
        "rubric": {"id": rubric.id, "version": rubric.version, "title": dict(rubric.title),
                   "locale": rubric.locale, "full_marks": num(rubric.full_marks),
                   "rounding": {"places": rubric.rounding.places, "mode": rubric.rounding.mode},
                   "total_rounding": {"places": rubric.total_rounding.places,
                                      "mode": rubric.total_rounding.mode},
                   "grades": [{"name": g.name, "min": num(g.min)} for g in rubric.grades.grades]},
        "indicator": rows,
    }
    if rubric.either_or:
        doc["either_or"] = [{"name": g.name, "alternatives": [
            {"path": a.path, **({"when": a.when.source} if a.when else {})}
            for a in g.alternatives]} for g in rubric.either_or]
    if rubric.vetoes:
        doc["veto"] = [{k: v for k, v in {
            "name": v.name, "when": v.when.source, "reason": v.reason,
            "grade_at_most": v.grade_at_most,
            "total_at_most": None if v.total_at_most is None else num(v.total_at_most),
            "indicator": v.indicator, "missing": v.missing}.items() if v is not None}
            for v in rubric.vetoes]
    if rubric.figures:
        doc["figure"] = [{"id": f.id, "name": f.name, "measure": f.measure.source,
                          **({"unit": f.unit} if f.unit else {}),
                          **({"value_rounding": {"places": f.value_rounding.places,
                                                 "mode": f.value_rounding.mode}}
                             if f.value_rounding else {})} for f in rubric.figures]
    return doc


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _round_trip(rubric: Rubric, doc: Mapping[str, Any] | None = None) -> Rubric:
    """The rubric rebuilt from its document; a rule whose ``params()`` fails is named."""
    try:
        return rubric_from_dict(doc if doc is not None else rubric_document(rubric))
    except PerfrubricError:
        for ind in rubric.leaves():  # find the params() at fault rather than blame the rubric
            if ind.rule is not None:
                params_round_trip(ind.rule, ind.points, ind.path)
        raise


def order_invariant(rubric: Rubric, data: Mapping[str, Any], seed: int = 0) -> None:
    """Shuffling sibling rows in the file changes no score and not the total."""
    doc = rubric_document(rubric)
    rows = doc["indicator"]
    rng = random.Random(seed)
    rng.shuffle(rows)  # the loader builds the tree from paths, in any row order
    shuffled = _round_trip(rubric, doc)
    a, b = evaluate(rubric, data), evaluate(shuffled, data)
    if a.total != b.total or a.grade != b.grade:
        raise InvariantViolation("order_invariant",
                                 f"total {a.total}/{a.grade} became {b.total}/{b.grade}")
    for path, r in a.results.items():
        if b.results[path].score != r.score:
            raise InvariantViolation("order_invariant", "score changed with row order", path)


def reproducible(rubric: Rubric, data: Mapping[str, Any]) -> None:
    """Same rubric and data give the same result; the hash survives a round trip."""
    first, second = evaluate(rubric, data).to_dict(), evaluate(rubric, data).to_dict()
    if first != second:
        raise InvariantViolation("reproducible", "two evaluations differ")
    if _round_trip(rubric).sha256 != rubric.sha256:
        raise InvariantViolation("reproducible", "the rubric's hash changed on a round trip")


#: The invariants :func:`check_rubric` runs on each evaluation.
INVARIANTS: dict[str, Callable[[Evaluation], None]] = {
    "total_in_range": total_in_range,
    "scores_within_points": scores_within_points,
    "parents_are_sums": parents_are_sums,
    "grade_matches_scale": grade_matches_scale,
    "vetoes_respected": vetoes_respected,
    "rounding_idempotent": rounding_idempotent,
    "to_dict_round_trips": to_dict_round_trips,
    "scores_not_clamped": scores_not_clamped,
    "rescaling_explained": rescaling_explained,
}


def _probe_values() -> list[Decimal]:
    return [D(v) / 100 for v in range(-100, 301, 7)] + [D(0), D(1)]


def check_rubric(rubric: Rubric, *, data: st.SearchStrategy[dict[str, Any]] | None = None,
                 max_examples: int = 100, invariants: Iterable[str] | None = None,
                 deadline: int | None = None) -> None:
    """Run every invariant over generated data for *rubric*.

    Evaluates the rubric on data from :func:`data_for` (or your *data*
    strategy) and checks each invariant in :data:`INVARIANTS`, plus row-order
    invariance, reproducibility and, for every rule (built-in or registered
    by you), that ``params()`` round-trips (:func:`params_round_trip`), that
    raw scores lie in [0, points] (:func:`rule_scores_in_range`) and that
    ordered rules are monotone.  An evaluation may stop with an
    :class:`~perfrubric.errors.EvaluationError` only where the rubric says so
    (``missing = "error"`` on absent data); any other error is a failure
    too: a band table that does not cover a reachable value, say.

    Raises :class:`InvariantViolation` for the smallest failing example,
    naming the invariant, the indicator and the data (as JSON).
    """
    chosen = list(invariants) if invariants is not None else list(INVARIANTS)
    unknown = [name for name in chosen if name not in INVARIANTS]
    if unknown:
        raise ValueError(f"unknown invariants {unknown}; known: {', '.join(INVARIANTS)}")
    for ind in rubric.leaves():
        if ind.rule is not None:
            params_round_trip(ind.rule, ind.points, ind.path)
            rule_scores_in_range(ind.rule, path=ind.path)
    monotone_rules(rubric, _probe_values())
    strategy = data if data is not None else data_for(rubric)

    @settings(max_examples=max_examples, deadline=deadline, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(doc: dict[str, Any]) -> None:
        try:
            ev = evaluate(rubric, doc)
        except EvaluationError as exc:
            unexpected = [p for p in exc.problems
                          if "give the value in the data" not in p.message
                          and "no measure and no" not in p.message]
            if not unexpected:
                return  # the rubric's declared 'error' policy on absent data
            raise _with_data(InvariantViolation("evaluates", unexpected[0].message,
                                                unexpected[0].path), doc) from None
        try:
            for name in chosen:
                INVARIANTS[name](ev)
            reproducible(rubric, doc)
            order_invariant(rubric, doc)
        except InvariantViolation as exc:
            raise _with_data(exc, doc) from None

    run()


def _with_data(exc: InvariantViolation, doc: Mapping[str, Any]) -> InvariantViolation:
    return InvariantViolation(exc.invariant, exc.message, exc.path, doc)


def rubric_test(rubric: Rubric | Callable[[], Rubric], **kwargs: Any) -> Callable[[], None]:
    """A pytest test function that runs :func:`check_rubric`.

    ``test_my_rubric = rubric_test(lambda: pr.load_rubric("my.toml"))``
    """
    def test() -> None:
        check_rubric(rubric() if callable(rubric) else rubric, **kwargs)

    test.__doc__ = "perfrubric invariants hold for the rubric"
    return test
