"""Hypothesis strategies: rubrics, rule parameters, data that fits a rubric, departments."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from ..decimals import share_text
from ..engine.shares import SHARE_UNITS
from ..indicators import (
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
from ..rubrics.loading import rubric_from_dict
from ..rubrics.model import Indicator, Rubric

D = Decimal
_KINDS = ("ratio", "threshold", "step_deduction", "bands", "checklist", "levels", "yes_no",
          "per_event", "judged")


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


def _as_share(value: Any) -> Any:
    """A number (``"0.5"``) as the share it is (``"50%"``); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        return value
    try:
        return share_text(Decimal(value))
    except ArithmeticError:
        return value


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
            if name == single and name.startswith("facts.") and ind.unit in SHARE_UNITS:
                facts[name[6:]] = _as_share(value)  # a share is written with its sign: "50%"
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


#: Where a generated printed form's rows go in ``mof-2020-project-self``.
_FORM_TIERS = ("产出指标/数量指标", "产出指标/质量指标", "效益指标/社会效益指标",
               "满意度指标/服务对象满意度指标")


@st.composite
def printed_forms(draw: st.DrawFn, *, scores: Sequence[str] = ("rule", "printed")
                  ) -> dict[str, Any]:
    """Data documents of project forms as printed, for ``mof-2020-project-self``.

    Each has a ``[form]`` table with ``points = "as_printed"`` and the
    ``scores`` setting drawn from *scores*, a budget row with its printed
    ``budget_score``, and two to six rows (``≥N个``, a quarter of them
    qualitative, ``效果明显``, judged with a level or not) whose points add
    up to 90 and whose printed 得分 lies anywhere from 0 to the row's
    points — sometimes the rule's, sometimes not (outside a qualitative
    row's band included), sometimes missing.
    Under ``scores = "printed"`` the total is the printed total; under
    ``"rule"`` each printed score that differs is a deviation.
    """
    n = draw(st.integers(2, 6))
    tiers = [draw(st.sampled_from(_FORM_TIERS)) for _ in range(n)]
    weights = [draw(st.integers(1, 5)) for _ in range(n)]
    points = [D(90) * w // sum(weights) for w in weights]
    points[-1] = D(90) - sum(points[:-1], D(0))
    rows = []
    for i, (tier, share) in enumerate(zip(tiers, points, strict=True)):
        target = draw(st.integers(1, 200))
        row: dict[str, Any] = {"name": f"指标{i}", "indicator": tier, "points": int(share),
                               "target": f"≥{target}个"}
        if draw(st.integers(0, 3)) == 0:
            # a qualitative row: judged, or not (a printed score without a judgement)
            row["target"] = "效果明显"
            level = draw(st.none() | st.sampled_from(("达成预期指标", "部分达成预期指标",
                                                      "未达成预期指标")))
            if level is not None:
                row["level"] = level
        elif draw(st.booleans()) or share == 0:
            row["actual"] = f"{draw(st.integers(0, 2 * target))}个"
        printed = draw(st.none() | st.integers(0, int(share)))
        if printed is not None:
            row["score"] = printed
        rows.append(row)
    adjusted = draw(st.integers(1, 1000))
    return {
        "department": {"name": "单位", "year": 2022},
        "form": {"points": "as_printed", "scores": draw(st.sampled_from(list(scores))),
                 "budget_score": draw(st.integers(0, 10))},
        "budget": {"adjusted": f"{adjusted}万元",
                   "final": f"{draw(st.integers(0, adjusted))}万元"},
        "target": rows,
    }
