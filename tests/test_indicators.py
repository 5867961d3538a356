"""Rule kinds as a family: registry, parameter round trips, your own kind, properties.

Worked examples per kind live in ``test_indicators_<kind>.py``.  Here
Hypothesis checks, for every built-in kind, that scores are Decimals within
``[0, points]``, that ordered kinds are monotone in their declared
direction, and that ``params()`` rebuilds an equal rule.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.errors import ParamError, RuleInputError
from perfrubric.indicators import (
    Bands,
    Checklist,
    Judged,
    Levels,
    Outcome,
    ParamReader,
    PerEvent,
    Ratio,
    RuleKind,
    StepDeduction,
    Threshold,
    YesNo,
    as_number,
    base,
    get_kind,
    kind_names,
    label_number,
    register_kind,
)

D = Decimal
BUILTIN = {"ratio": Ratio, "threshold": Threshold, "step_deduction": StepDeduction,
           "bands": Bands, "checklist": Checklist, "levels": Levels, "yes_no": YesNo,
           "per_event": PerEvent, "judged": Judged}
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rule-kinds.md"


# -- registry --------------------------------------------------------------------


def test_every_builtin_kind_is_registered_under_its_toml_name() -> None:
    assert set(kind_names()) >= set(BUILTIN)
    for name, cls in BUILTIN.items():
        assert get_kind(name) is cls and cls.kind == name
        assert cls.__doc__ and cls.from_params.__doc__ and cls.score.__doc__


def test_package_exports() -> None:
    import perfrubric.indicators as ind

    assert set(ind.__all__) >= {*(c.__name__ for c in BUILTIN.values()), "Band", "Level",
                                "RuleKind", "Outcome", "ParamReader", "register_kind"}
    for name in set(ind.__all__) - {"Direction"}:  # a type alias, documented with #:
        assert getattr(ind, name).__doc__, name


def test_kinds_do_not_import_the_engine() -> None:
    forbidden = {"evaluation", "model", "rubric", "loading", "narrative", "views"}
    for path in Path(base.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level else (
                    [node.module.removeprefix("perfrubric.")] if node.module else [])
                if node.level == 1:  # from .x: inside indicators
                    names = []
            elif isinstance(node, ast.Import):
                names = [a.name.removeprefix("perfrubric.") for a in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, (path.name, name)


def test_register_kind_refuses_clashes_and_non_kinds(registry: None) -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_kind(type("Other", (Ratio,), {"kind": "ratio"}))
    assert register_kind(Ratio) is Ratio  # the same class again is fine
    with pytest.raises(ValueError, match="must be an identifier"):
        register_kind(type("Bad", (Ratio,), {"kind": "two words"}))


def test_as_number() -> None:
    assert as_number(3) == 3 and as_number(D("0.5")) == D("0.5")
    assert as_number(0.1) == D("0.1")
    for bad in (True, "3", float("nan"), D("Infinity"), None):
        with pytest.raises(RuleInputError):
            as_number(bad)


def test_label_number() -> None:
    assert label_number(D("0.100"), percent=True) == "10%"
    assert label_number(D("-0.05"), percent=True) == "-5%"
    assert label_number(D("1E+2")) == "100" and label_number(D("0E-8")) == "0"


def test_a_param_error_lists_every_problem() -> None:
    with pytest.raises(ParamError) as info:
        StepDeduction.from_params({"limit": "百分百", "step": 0, "stpe": 1}, D(5))
    paths = [p.path for p in info.value.problems]
    assert sorted(paths) == ["deduct", "direction", "limit", "step", "steps", "stpe"]
    assert str(info.value).startswith("limit: expected a number")


# -- your own kind: the two published examples run as written -------------------------


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A scratch copy of the kind registry, so examples can register ``pass_mark``."""
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    yield


def _check_pass_mark(namespace: dict[str, Any]) -> None:
    cls = namespace["PassMark"]
    assert get_kind("pass_mark") is cls
    rule = cls.from_params({"mark": "60%"}, D(10))
    assert rule.score(D("0.7")).score == 10 and rule.score(D("0.5")).score == 0
    assert cls.from_params(rule.params(), D(10)) == rule
    with pytest.raises(ParamError, match="missing; expected a number for 'mark'"):
        cls.from_params({}, D(10))
    # and the loader and engine take it like a built-in
    text = ('[rubric]\nid="u"\nversion="1"\ntitle="t"\n'
            '[[indicator]]\npath="a"\npoints=100\nmeasure="facts.x"\n'
            'rule={kind="pass_mark", mark="60%"}\n')
    ev = pr.evaluate(pr.loads_rubric(text), {"department": {"name": "d"},
                                               "facts": {"x": "0.7"}})
    assert ev.total == 100
    with pytest.raises(pr.RubricError, match=r"indicator\[0\]\.rule\.mrak: unknown key 'mrak' "
                                             r"\(did you mean 'mark'\?\)"):
        pr.loads_rubric(text.replace("mark=", "mrak="))


def test_the_example_in_the_base_docstring_works(registry: None) -> None:
    doc = base.__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\nA registered kind", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(block), "base.__doc__", "exec"), namespace)
    _check_pass_mark(namespace)


def test_the_example_in_the_docs_works(registry: None) -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "class PassMark" in b]
    assert blocks, "docs/rule-kinds.md has no python example"
    namespace: dict[str, Any] = {}
    exec(compile(blocks[-1], "rule-kinds.md", "exec"), namespace)
    _check_pass_mark(namespace)


def test_docs_cover_every_kind() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in BUILTIN:
        assert f"## `{name}`" in text, name


def test_a_kind_with_an_instance_direction(registry: None) -> None:
    class Doubled(RuleKind):
        kind = "doubled_test"

        def __init__(self, points: Decimal) -> None:
            self.points = points

        @classmethod
        def from_params(cls, params: Any, points: Decimal) -> Doubled:
            ParamReader(params).done()
            return cls(points)

        def params(self) -> dict[str, Any]:
            return {}

        def score(self, value: object) -> Outcome:
            return Outcome(min(as_number(value) * 2, self.points))

    register_kind(Doubled)
    rule = get_kind("doubled_test").from_params({}, D(4))
    assert rule.direction is None and rule.score(D(1)).score == 2


# -- strategies: valid parameters and values for every kind ---------------------------

points_st = st.integers(min_value=1, max_value=20).map(D)
numbers = st.decimals(min_value=-3, max_value=3, places=4)


def pct(n: int) -> str:
    return f"{n}%"


@st.composite
def kind_params(draw: st.DrawFn, kind: str, points: Decimal) -> dict[str, Any]:
    """Arbitrary valid parameters for *kind*: every optional key and notation."""
    if kind == "ratio":
        return draw(st.sampled_from([{}, {"full_at": pct(draw(st.integers(1, 300)))},
                                     {"full_at": D(draw(st.integers(1, 300))) / 100}]))
    if kind == "threshold":
        t = draw(st.integers(1, 300))
        return {"threshold": draw(st.sampled_from([pct(t), D(t) / 100])),
                "full_when": draw(st.sampled_from(["at_least", "at_most"]))}
    if kind == "step_deduction":
        out: dict[str, Any] = {
            "limit": pct(draw(st.integers(-100, 150))),
            "direction": draw(st.sampled_from(["above", "below"])),
            "step": draw(st.sampled_from([pct(draw(st.integers(1, 20))), D("0.003")])),
            "deduct": D(draw(st.integers(1, 30))) / 10,
            "steps": draw(st.sampled_from(["whole", "started", "fraction"]))}
        if draw(st.booleans()):
            out["floor"] = points * draw(st.integers(0, 100)) / 100
        if draw(st.booleans()):
            out["notation"] = draw(st.sampled_from(["percent", "number"]))
        return out
    if kind == "bands":
        return draw(_band_params(points))
    if kind == "checklist":
        n = draw(st.integers(1, 6))
        names = [f"第{i + 1}项" for i in range(n)]
        if draw(st.booleans()):
            return {"items": names, "deduct": D(draw(st.integers(1, 40))) / 10}
        cuts = sorted(draw(st.lists(st.integers(0, int(points * 100)), min_size=n - 1,
                                    max_size=n - 1)))
        parts = [D(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, int(points * 100)],
                                                strict=True)]
        return {"items": [{"item": nm, "points": p} for nm, p in zip(names, parts, strict=True)]}
    if kind == "levels":
        levels: list[dict[str, Any]] = []
        for i in range(draw(st.integers(1, 5))):
            shape = draw(st.sampled_from(["share", "points", "range"]))
            a, b = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
            if shape == "share":
                levels.append({"level": f"L{i}", "share": pct(b)})
            elif shape == "points":
                levels.append({"level": f"L{i}", "points": points * b / 100})
            else:
                levels.append({"level": f"L{i}", "from": pct(a), "upto": pct(b)})
        return {"levels": levels}
    if kind == "yes_no":
        return draw(st.sampled_from([{}, {"no_points": points * draw(st.integers(0, 100)) / 100}]))
    if kind == "per_event":
        return {"deduct": D(draw(st.integers(1, 40))) / 10}
    return {}


@st.composite
def _band_params(draw: st.DrawFn, points: Decimal) -> dict[str, Any]:
    """A gap-free band table; points follow ``better`` (shares when there is no order)."""
    cuts = sorted(set(draw(st.lists(st.integers(-200, 200), min_size=1, max_size=5))))
    better = draw(st.sampled_from(["higher", "lower", "none"]))
    scores = sorted(draw(st.lists(st.integers(0, int(points)), min_size=len(cuts) + 1,
                                  max_size=len(cuts) + 1)))
    if better == "lower":
        scores.reverse()
    bands: list[dict[str, Any]] = []
    low: dict[str, Any] = {}
    for cut in [*cuts, None]:
        band = dict(low)
        if cut is not None:
            inclusive = draw(st.booleans())
            band["upto" if inclusive else "below"] = pct(cut)
            low = {"over" if inclusive else "from": pct(cut)}
        if better == "none":
            band["share"] = pct(draw(st.integers(0, 100)))
        else:
            band["points"] = scores[len(bands)]
        bands.append(band)
    return {"better": better, "bands": bands}


def values_for(rule: RuleKind) -> st.SearchStrategy[Any]:
    """Valid measured values for *rule*, with its edges and limits drawn often."""
    if isinstance(rule, YesNo):
        return st.booleans()
    if isinstance(rule, PerEvent):
        return st.integers(0, 40).map(D)
    if isinstance(rule, Judged):
        return st.integers(0, int(rule.points * 100)).map(lambda v: D(v) / 100)
    if isinstance(rule, Checklist):
        subsets = st.lists(st.sampled_from(rule.items), unique=True)
        return st.one_of(subsets, subsets.map(lambda met: {i: i in met for i in rule.items}))
    if isinstance(rule, Levels):
        def value(i: int, f: int) -> Any:
            lv = rule.levels[i]
            if not lv.is_range:
                return lv.name
            low, high = rule.points * lv.low, rule.points * lv.high
            return {"level": lv.name, "score": low + (high - low) * f / 100}
        return st.builds(value, st.integers(0, len(rule.levels) - 1), st.integers(0, 100))
    edges: list[Decimal] = []
    if isinstance(rule, Bands):
        edges = [e for b in rule.bands for e in (b.low, b.high) if e is not None]
    elif isinstance(rule, StepDeduction):
        edges = [rule.limit, rule.limit + rule.step, rule.limit - rule.step]
    elif isinstance(rule, Threshold):
        edges = [rule.threshold]
    elif isinstance(rule, Ratio):
        edges = [rule.full_at]
    return st.one_of(st.sampled_from(edges), numbers) if edges else numbers


@st.composite
def rules(draw: st.DrawFn, kinds: tuple[str, ...] = tuple(BUILTIN)) -> RuleKind:
    kind = draw(st.sampled_from(kinds))
    points = draw(points_st)
    return BUILTIN[kind].from_params(draw(kind_params(kind, points)), points)


ORDERED = ("ratio", "threshold", "step_deduction", "bands", "yes_no", "per_event", "judged")


# -- properties ------------------------------------------------------------------------


@given(st.data(), rules())
def test_score_is_a_decimal_within_the_points(data: st.DataObject, rule: Any) -> None:
    outcome = rule.score(data.draw(values_for(rule)))
    assert isinstance(outcome.score, Decimal)
    assert 0 <= outcome.score <= rule.points
    if outcome.deducted is not None:
        assert isinstance(outcome.deducted, Decimal)
        assert outcome.score + outcome.deducted == rule.points
    assert outcome.matched is None or isinstance(outcome.matched, str)


@given(st.data(), rules(ORDERED))
def test_score_is_monotone_in_the_declared_direction(data: st.DataObject, rule: Any) -> None:
    values = values_for(rule)
    x, y = sorted((data.draw(values), data.draw(values)))
    try:
        sx, sy = rule.score(x).score, rule.score(y).score
    except RuleInputError:  # a bounded band table
        assert isinstance(rule, Bands)
        return
    if rule.direction == "higher":
        assert sx <= sy
    elif rule.direction == "lower":
        assert sx >= sy
    else:
        assert isinstance(rule, Bands) and rule.better == "none"


@given(rules())
def test_params_rebuild_an_equal_rule(rule: Any) -> None:
    params = rule.params()
    again = type(rule).from_params(params, rule.points)
    assert again == rule
    assert again.params() == params

    def no_floats(value: Any) -> bool:
        if isinstance(value, dict):
            return all(no_floats(v) for v in value.values())
        if isinstance(value, list):
            return all(no_floats(v) for v in value)
        return not isinstance(value, float)

    assert no_floats(params)


@given(st.data(), st.sampled_from(sorted(BUILTIN)), points_st)
def test_perfrubric_testing_strategies_build_valid_rules(
        data: st.DataObject, kind: str, points: Decimal) -> None:
    from perfrubric.testing import rule_params

    rule = BUILTIN[kind].from_params(data.draw(rule_params(kind, points)), points)
    assert BUILTIN[kind].from_params(rule.params(), points) == rule


ROUND_TRIPS: list[tuple[type[RuleKind], dict[str, Any]]] = [
    (Ratio, {}), (Ratio, {"full_at": "95%"}),
    (Threshold, {"threshold": 1, "full_when": "at_most"}),
    (StepDeduction, {"limit": "100%", "direction": "above", "step": "1%", "deduct": 0.5,
                     "steps": "whole"}),
    (StepDeduction, {"limit": 1, "direction": "below", "step": "5%", "deduct": 2,
                     "steps": "started", "floor": 1, "notation": "number"}),
    (Bands, {"better": "lower", "bands": [{"equals": "0%", "points": 5},
                                          {"over": "0%", "upto": "10%", "share": "80%"},
                                          {"over": "10%", "points": 0}]}),
    (Bands, {"better": "higher", "bands": [{"from": 0, "below": 1, "points": 0},
                                           {"from": 1, "upto": 2, "points": 5}]}),
    (Checklist, {"items": ["a", "b"], "each": 2.5}),
    (Checklist, {"items": [{"item": "a", "points": 4}, "b"], "each": 1}),
    (Checklist, {"items": ["a", "b", "c"], "deduct": 2}),
    (Levels, {"levels": [{"level": "好", "share": "100%"}, {"level": "中", "points": 2},
                         {"level": "差", "from": 0, "upto": "40%"}]}),
    (YesNo, {}), (YesNo, {"no_points": 1}), (PerEvent, {"deduct": 1}), (Judged, {}),
]


@pytest.mark.parametrize(("kind", "params"), ROUND_TRIPS,
                         ids=[f"{k.kind}-{i}" for i, (k, _) in enumerate(ROUND_TRIPS)])
def test_params_round_trip(kind: type[RuleKind], params: dict[str, Any]) -> None:
    rule = kind.from_params(params, D(5))
    assert kind.from_params(rule.params(), D(5)) == rule
