"""Properties of rows generated from targets (the 2020 form's rule)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.testing import data_for
from perfrubric.views import form as form_view

D = Decimal
RUBRIC = pr.builtin("mof-2020-project-self")
PATH = "产出指标/数量指标/指标"

amounts = st.integers(0, 100_000).map(lambda n: D(n) / 100)      # 0.00 … 1000.00
positive = st.integers(1, 100_000).map(lambda n: D(n) / 100)
units = st.sampled_from(["个", "公里", "万元", "%", "天"])
points = st.integers(1, 50)


def text(number: Decimal, unit: str) -> str:
    return f"{number}{unit}"


def row_score(op: str, target: Decimal, actual: Decimal, unit: str, pts: int) -> Decimal:
    doc = {
        "department": {"name": "x"},
        "budget": {"adjusted": "100万元", "final": "100万元"},
        "target": [
            {"name": "指标", "indicator": "产出指标/数量指标", "points": pts,
             "target": f"{op}{text(target, unit)}", "actual": text(actual, unit)},
            {"name": "其他", "indicator": "产出指标/质量指标", "points": 50 - pts,
             "target": "≥1个", "actual": "1个"},
        ],
    }
    if pts == 50:
        doc["target"] = doc["target"][:1]  # type: ignore[index]
    return pr.evaluate(RUBRIC, doc).results[PATH].score


@settings(max_examples=60, deadline=None)
@given(target=positive, extra=amounts, unit=units, pts=points)
def test_reached_higher_target_earns_full_points(target: Decimal, extra: Decimal, unit: str,
                                                 pts: int) -> None:
    assert row_score("≥", target, target + extra, unit, pts) == pts


@settings(max_examples=60, deadline=None)
@given(target=positive, below=amounts, unit=units, pts=points)
def test_reached_lower_target_earns_full_points(target: Decimal, below: Decimal, unit: str,
                                                pts: int) -> None:
    actual = max(target - below, D(0))
    assert row_score("≤", target, actual, unit, pts) == pts


@settings(max_examples=60, deadline=None)
@given(target=positive, a=amounts, b=amounts, unit=units, pts=points,
       op=st.sampled_from(["≥", "≤"]))
def test_moving_the_actual_toward_the_target_never_lowers_the_score(
        target: Decimal, a: Decimal, b: Decimal, unit: str, pts: int, op: str) -> None:
    # Two actuals on the same side of the target; the nearer one scores at least as much.
    if op == "≥":  # short of the target: below it
        far, near = sorted((min(a, target), min(b, target)))
    else:          # over the limit: above it
        near, far = sorted((target + a, target + b))
    assert row_score(op, target, near, unit, pts) >= row_score(op, target, far, unit, pts)


@settings(max_examples=40, deadline=None)
@given(target=positive, actual=amounts, unit=units, pts=points,
       op=st.sampled_from(["≥", "≤"]))
def test_a_row_never_exceeds_its_points_nor_falls_below_zero(
        target: Decimal, actual: Decimal, unit: str, pts: int, op: str) -> None:
    assert D(0) <= row_score(op, target, actual, unit, pts) <= pts


@settings(max_examples=30, deadline=None)
@given(doc=data_for(RUBRIC))
def test_every_form_view_renders_generated_projects(doc: dict[str, object]) -> None:
    # Rows from testing.data_for: quantitative (reached or not), qualitative with or
    # without a score, unreported; tiers with no row. Views agree with the trace.
    ev = pr.evaluate(RUBRIC, doc)
    for locale in ("zh_CN", "en"):
        rows = form_view.form_rows(ev, locale=locale)
        scored = [r.score for r in rows if r.score is not None]
        assert sum(scored, D(0)) == ev.raw_total
        for fmt in form_view.FORM_FORMATS:
            assert form_view.render_form(ev, fmt, locale=locale)
        assert pr.report_text(ev, locale=locale)
