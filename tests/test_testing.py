"""perfrubric.testing: the strategies drive the library's own property tests,
and check_rubric catches broken kinds and broken rubrics."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.indicators import Outcome, ParamReader, RuleKind, as_number, register_kind
from perfrubric.testing import (
    INVARIANTS,
    InvariantViolation,
    check_rubric,
    data_for,
    departments,
    order_invariant,
    reproducible,
    rubric_document,
    rubric_test,
    rubrics,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


# -- the library's own properties, driven by the strategies -------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_rubrics_satisfy_every_invariant(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    doc = data.draw(data_for(rubric))
    try:
        ev = pr.evaluate(rubric, doc)
    except pr.EvaluationError as exc:
        # only the declared 'error' policy on absent data may stop an evaluation
        assert "give the value in the data" in exc.message or "no measure" in exc.message
        return
    for invariant in INVARIANTS.values():
        invariant(ev)
    order_invariant(rubric, doc)
    reproducible(rubric, doc)


@settings(max_examples=40, deadline=None)
@given(rubrics())
def test_generated_rubrics_round_trip_through_their_document(rubric: pr.Rubric) -> None:
    again = pr.rubric_from_dict(rubric_document(rubric))
    assert again.sha256 == rubric.sha256
    assert sum(i.points for i in rubric.indicators) == rubric.full_marks


@settings(max_examples=60, deadline=None)
@given(departments())
def test_generated_departments_load_and_flatten(doc: dict[str, Any]) -> None:
    from perfrubric.data import structure_department, unstructure_department
    from perfrubric.data.facts import Facts

    dept = pr.load_data(doc)
    assert structure_department(unstructure_department(dept)) == dept
    facts = Facts.from_department(dept)
    assert facts.resolve("targets.count") == len(dept.targets)


# -- check_rubric on real rubrics ----------------------------------------------------


@pytest.mark.parametrize("load", [
    lambda: pr.builtin("mof-2013-department"),
    lambda: pr.builtin("mof-2020-project-self"),
    lambda: pr.load_rubric(EXAMPLE / "rubric.toml"),
    lambda: pr.load_rubric(EXAMPLE / "national.toml"),
], ids=["mof-2013", "mof-2020", "seed", "seed-national"])
def test_check_rubric_passes_on_real_rubrics(load: Any) -> None:
    check_rubric(load(), max_examples=60)


test_seed_rubric_as_a_pytest_test = rubric_test(lambda: pr.load_rubric(EXAMPLE / "rubric.toml"),
                                                max_examples=30)


# -- check_rubric catches what is broken -----------------------------------------------


@register_kind
@attrs.frozen
class _Backwards(RuleKind):
    """A deliberately broken kind: says higher is better, scores the opposite."""

    kind = "backwards_for_test"
    points: Decimal

    @property
    def direction(self) -> str:
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> _Backwards:
        ParamReader(params).done()
        return cls(points)

    def params(self) -> Mapping[str, Any]:
        return {}

    def score(self, value: object) -> Outcome:
        x = as_number(value)
        return Outcome(self.points if x < Decimal("0.5") else Decimal(0))


ONE_ROW = '''[rubric]
id = "broken"
version = "1"
title = "t"
[[indicator]]
path = "产出"
points = 100
[[indicator]]
path = "产出/完成率"
points = 100
measure = "facts.rate"
{rule}
'''


def test_check_rubric_catches_a_non_monotone_kind() -> None:
    rubric = pr.loads_rubric(ONE_ROW.format(rule='rule = { kind = "backwards_for_test" }'))
    with pytest.raises(InvariantViolation) as info:
        check_rubric(rubric, max_examples=20)
    assert info.value.invariant == "monotone_rules"
    assert info.value.path == "产出/完成率"
    assert "direction 'higher'" in str(info.value)


def test_check_rubric_catches_a_band_table_that_misses_reachable_values() -> None:
    # bands cover [0, 100%] only; a completion rate can exceed 100% (117.14% in the seed)
    rule = ('rule = { kind = "bands", better = "higher", bands = [\n'
            '  { from = "0%", below = "60%", points = 0 },\n'
            '  { from = "60%", upto = "100%", points = 100 } ] }')
    rubric = pr.loads_rubric(ONE_ROW.format(rule=rule))
    with pytest.raises(InvariantViolation) as info:
        check_rubric(rubric, max_examples=200)
    assert info.value.invariant == "evaluates" and info.value.path == "产出/完成率"
    assert "outside every band" in str(info.value)
    assert info.value.data is not None and "rate" in info.value.data["facts"]
    assert "counterexample data:" in str(info.value)


def test_check_rubric_rejects_unknown_invariant_names() -> None:
    with pytest.raises(ValueError, match="unknown invariants"):
        check_rubric(pr.load_rubric(EXAMPLE / "rubric.toml"), invariants=["nope"])


def test_invariant_functions_catch_a_tampered_evaluation() -> None:
    ev = pr.evaluate(pr.load_rubric(EXAMPLE / "rubric.toml"), EXAMPLE / "data.toml")
    tampered = attrs.evolve(ev, total=Decimal(101))
    with pytest.raises(InvariantViolation, match="total_in_range"):
        INVARIANTS["total_in_range"](tampered)
    tampered = attrs.evolve(ev, grade="差")
    with pytest.raises(InvariantViolation, match="grade_matches_scale"):
        INVARIANTS["grade_matches_scale"](tampered)
    results = dict(ev.results)
    leaf = results["产出/数量/跨境电商完成率"]
    results[leaf.path] = attrs.evolve(leaf, score=Decimal("9.5"))
    with pytest.raises(InvariantViolation) as info:
        INVARIANTS["parents_are_sums"](attrs.evolve(ev, results=results))
    assert info.value.path == "产出/数量"


def test_testing_without_hypothesis_says_what_to_install() -> None:
    import subprocess
    import sys

    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "try:\n    import perfrubric.testing\n"
            "except ImportError as exc:\n    print(type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "MissingDependencyError" in out and "pip install 'perfrubric[test]'" in out


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_data_for_the_builtin_department_rubric_scores(data: st.DataObject) -> None:
    # data_for must give data a rubric can score: before, mof-2013-department got none
    # (no target behind targets.completion; 0.01 staff truncated to 0 authorized posts).
    rubric = pr.builtin("mof-2013-department")
    ev = pr.evaluate(rubric, data.draw(data_for(rubric)))
    assert 0 <= ev.total <= rubric.full_marks
