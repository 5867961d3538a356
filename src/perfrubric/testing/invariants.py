"""Invariants of an evaluation and of rule kinds, and :func:`check_rubric` running them all."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..engine.evaluation import Evaluation, evaluate
from ..errors import EvaluationError, PerfrubricError, RuleInputError
from ..indicators import PerEvent, RuleKind
from ..rubrics.loading import rubric_from_dict
from ..rubrics.model import Rubric
from .strategies import _edges, data_for

D = Decimal


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
    """A parent's score is the sum of its children's; the raw total of the top tier's.

    Top-tier rows shown beside the total (``ev.beside_total``) are not in it.
    """
    for path, r in ev.results.items():
        if r.children:
            total = sum((ev.results[c].score for c in r.children), D(0))
            if total != r.score:
                raise InvariantViolation("parents_are_sums",
                                         f"children add up to {total}, parent has {r.score}", path)
    top = sum((r.score for r in ev.top() if r.path not in ev.beside_total), D(0))
    if top != ev.raw_total:
        raise InvariantViolation("parents_are_sums",
                                 f"top tier adds up to {top}, raw total is {ev.raw_total}")


def deviations_add_up(ev: Evaluation) -> None:
    """Each deviation is printed − rule ≠ 0; the two totals differ by their sum.

    The sum is compared when the total was neither rescaled nor capped and
    is rounded to at least the rows' places (then no rounding intervenes).
    """
    for dev in ev.deviations:
        if dev.printed == dev.rule or dev.difference != dev.printed - dev.rule:
            raise InvariantViolation("deviations_add_up", f"printed {dev.printed}, rule "
                                     f"{dev.rule}, difference {dev.difference}", dev.path)
    if ev.printed_total is None or ev.rule_total is None:
        return
    exact = (not ev.rescaled and not ev.vetoes
             and ev.rubric.total_rounding.places >= ev.rubric.rounding.places)
    counted = [d for d in ev.deviations if d.path not in ev.beside_total]
    gap = sum((d.difference for d in counted), D(0))
    if exact and ev.printed_total - ev.rule_total != gap:
        raise InvariantViolation("deviations_add_up",
                                 f"printed total {ev.printed_total} − rule total "
                                 f"{ev.rule_total} ≠ the deviations' sum {gap}")


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
    "deviations_add_up": deviations_add_up,
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
