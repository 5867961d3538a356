"""perfrubric.testing catches out-of-range rule scores and a params() that does not round-trip."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

import perfrubric as pr
from perfrubric.indicators import (
    Direction,
    Outcome,
    ParamReader,
    RuleKind,
    as_number,
    register_kind,
)
from perfrubric.testing import (
    InvariantViolation,
    check_rubric,
    params_round_trip,
    reproducible,
    rule_scores_in_range,
    scores_not_clamped,
)


@register_kind
@attrs.frozen
class _Generous(RuleKind):
    """Faulty on purpose: 1.5 × points for a value of 1 or more (monotone, so only the range
    check can catch it)."""

    kind: ClassVar[str] = "generous_for_test"
    points: Decimal

    @property
    def direction(self) -> Direction:
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> _Generous:
        ParamReader(params).done()
        return cls(points)

    def params(self) -> Mapping[str, Any]:
        return {}

    def score(self, value: object) -> Outcome:
        x = as_number(value)
        return Outcome(self.points * Decimal("1.5") if x >= 1 else self.points * max(x, 0))


@register_kind
@attrs.frozen
class _Forgetful(RuleKind):
    """Faulty on purpose: params() forgets ``mark``, which from_params requires."""

    kind: ClassVar[str] = "forgetful_for_test"
    points: Decimal
    mark: Decimal

    @property
    def direction(self) -> Direction:
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> _Forgetful:
        r = ParamReader(params)
        mark = r.decimal("mark")
        r.done()
        return cls(points, mark)

    def params(self) -> Mapping[str, Any]:
        return {}

    def score(self, value: object) -> Outcome:
        return Outcome(self.points if as_number(value) >= self.mark else Decimal(0))


@register_kind
@attrs.frozen
class _Rounder(RuleKind):
    """Faulty on purpose: params() gives the mark rounded, so the rebuilt rule differs."""

    kind: ClassVar[str] = "rounder_for_test"
    points: Decimal
    mark: Decimal

    @property
    def direction(self) -> Direction:
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> _Rounder:
        r = ParamReader(params)
        mark = r.decimal("mark")
        r.done()
        return cls(points, mark)

    def params(self) -> Mapping[str, Any]:
        return {"mark": round(self.mark)}

    def score(self, value: object) -> Outcome:
        return Outcome(self.points if as_number(value) >= self.mark else Decimal(0))


ONE_ROW = '''[rubric]
id = "faulty"
version = "1"
title = "t"
[[indicator]]
path = "产出"
points = 100
[[indicator]]
path = "产出/完成率"
points = 100
measure = "facts.rate"
rule = {rule}
'''


def test_check_rubric_catches_a_score_above_the_points() -> None:
    rubric = pr.loads_rubric(ONE_ROW.format(rule='{ kind = "generous_for_test" }'))
    with pytest.raises(InvariantViolation) as info:
        check_rubric(rubric, max_examples=10)
    # value 1 → 1.5 × 100 = 150 > 100
    assert info.value.invariant == "rule_scores_in_range"
    assert info.value.path == "产出/完成率"
    assert "outside [0, 100] points" in str(info.value)


def test_rule_scores_in_range_direct_and_clamp_invariant() -> None:
    rule = _Generous(Decimal(10))
    rule_scores_in_range(rule, [Decimal("0.5")])  # 5 of 10: fine
    with pytest.raises(InvariantViolation, match=r"scores the value Decimal\('2'\) as 15"):
        rule_scores_in_range(rule, [Decimal(2)])  # 1.5 × 10 = 15
    rubric = pr.loads_rubric(ONE_ROW.format(rule='{ kind = "generous_for_test" }'))
    ev = pr.evaluate(rubric, {"department": {"name": "x"}, "facts": {"rate": 2}})
    assert ev.results["产出/完成率"].score == 100  # clamped from 150
    with pytest.raises(InvariantViolation) as info:
        scores_not_clamped(ev)
    assert info.value.invariant == "scores_not_clamped" and "returned 150" in str(info.value)


def test_builtin_kinds_stay_in_range_on_the_builtins() -> None:
    from perfrubric.engine import target_rows

    # The project form's rows come from the data: expand them from the worked example.
    project = Path(__file__).resolve().parent.parent / "examples" / \
        "rural-road-maintenance-2022" / "project.toml"
    form, _ = target_rows.expand(pr.builtin("mof-2020-project-self"), pr.load_data(project))
    checked = 0
    for rubric in (pr.builtin("mof-2013-department"), form):
        for ind in rubric.leaves():
            if ind.target_rows is not None:   # a tier whose rows the data gives, none here
                continue
            assert ind.rule is not None
            rule_scores_in_range(ind.rule, path=ind.path)
            params_round_trip(ind.rule, ind.points, ind.path)
            checked += 1
    assert checked > 16   # the 16 rows of mof-2013 and the example project's rows


def test_params_that_do_not_round_trip_name_params() -> None:
    rubric = pr.loads_rubric(ONE_ROW.format(rule='{ kind = "forgetful_for_test", mark = 0.5 }'))
    with pytest.raises(InvariantViolation) as info:
        check_rubric(rubric, max_examples=5)
    assert info.value.invariant == "params_round_trip"
    assert "_Forgetful.params() (kind 'forgetful_for_test') does not round-trip" \
        in str(info.value)
    assert "mark" in str(info.value)
    # reproducible() alone also blames params(), not the rubric
    with pytest.raises(InvariantViolation, match=r"_Forgetful\.params\(\)"):
        reproducible(rubric, {"department": {"name": "x"}, "facts": {"rate": 1}})


def test_params_that_change_the_rule_name_params() -> None:
    rule = _Rounder(Decimal(10), Decimal("0.6"))  # params() says mark = 1
    with pytest.raises(InvariantViolation) as info:
        params_round_trip(rule, Decimal(10), "产出/完成率")
    assert "_Rounder.params()" in str(info.value) and "gave" in str(info.value)
    assert info.value.path == "产出/完成率"
