"""``bands`` against real tables; load-time checks with their paths; coverage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrubric.errors import ParamError, RuleInputError
from perfrubric.indicators import Band, Bands

D = Decimal

# 预算调整率=0计5分；0–10%(含)计4分；10–20%(含)计3分；20–30%(含)计2分；>30%不得分
ADJUSTMENT = [
    {"equals": "0%", "points": 5},
    {"over": "0%", "upto": "10%", "points": 4},
    {"over": "10%", "upto": "20%", "points": 3},
    {"over": "20%", "upto": "30%", "points": 2},
    {"over": "30%", "points": 0},
]


def build(bands: list[dict[str, Any]], better: str = "lower", points: int = 5,
          **params: Any) -> Bands:
    return Bands.from_params({"better": better, "bands": bands, **params}, D(points))


def problems(bands: Any, better: str = "lower", points: int = 5,
             **params: Any) -> dict[str, str]:
    with pytest.raises(ParamError) as info:
        Bands.from_params({"better": better, "bands": bands, **params}, D(points))
    return {p.path: p.message for p in info.value.problems}


def replaced(index: int, band: dict[str, Any]) -> list[dict[str, Any]]:
    bands = [dict(b) for b in ADJUSTMENT]
    bands[index] = band
    return bands


def test_budget_adjustment_rate_edges() -> None:
    rule = build(ADJUSTMENT)
    # =0 → 5
    outcome = rule.score(D(0))
    assert outcome.score == 5 and outcome.matched == "=0%" and outcome.detail["band"] == 0
    # 10% is in 0–10%(含) → 4; anything above it is in (10%, 20%] → 3
    assert rule.score(D("0.10")).score == 4
    assert rule.score(D("0.1000001")).score == 3
    # 15% → (10%, 20%], 5 − 3 = 2 deducted
    outcome = rule.score(D("0.15"))
    assert outcome.matched == "(10%, 20%]" and outcome.deducted == 2
    assert outcome.detail == {"band": 2, "points": D(3)}
    # 30% (含) → 2; > 30% → 0
    assert rule.score(D("0.30")).score == 2
    assert rule.score(D("0.31")).score == 0 and rule.score(D("0.31")).matched == "(30%, +∞)"


def test_a_value_below_a_bounded_table_is_an_input_error() -> None:
    # the table starts at =0: a budget cut (−5%) is in no band
    with pytest.raises(RuleInputError) as info:
        build(ADJUSTMENT).score(D("-0.05"))
    assert str(info.value) == "value -5% lies outside every band (bands cover [0%, +∞))"


def test_a_value_above_a_bounded_table_is_an_input_error() -> None:
    rule = build([{"from": 0, "below": "50%", "points": 0},
                  {"from": "50%", "upto": 1, "points": 5}], better="higher")
    with pytest.raises(RuleInputError, match=r"value 150% lies outside every band "
                                             r"\(bands cover \[0%, 100%\]\)"):
        rule.score(D("1.5"))


def test_bands_in_the_order_written() -> None:
    # a "higher is better" table printed best first: ≥90% 5分; 80–90% 3分; <80% 0分
    rule = build([{"from": "90%", "points": 5}, {"from": "80%", "below": "90%", "points": 3},
                  {"below": "80%", "points": 0}], better="higher")
    outcome = rule.score(D("0.85"))
    assert outcome.score == 3 and outcome.matched == "[80%, 90%)"
    assert outcome.detail["band"] == 1  # the index as written in the table


def test_bands_with_shares() -> None:
    rule = build([{"below": "60%", "share": "0%"}, {"from": "60%", "below": "80%",
                                                    "share": "60%"},
                  {"from": "80%", "share": "100%"}], better="higher", points=10)
    # 70% → 60% of 10 = 6
    assert rule.score(D("0.7")).score == 6


def test_labels_show_numbers_as_the_author_wrote_them() -> None:
    # 违规次数: 0 → 5; 1–2 → 3; 3 or more → 0 (counts, not percentages). Written
    # from 1 / from 3 the table would leave gaps (0, 1) and (2, 3), so: over 0, over 2
    gappy = [{"equals": 0, "points": 5}, {"from": 1, "upto": 2, "points": 3},
             {"from": 3, "points": 0}]
    assert set(problems(gappy)) == {"bands[1]", "bands[2]"}
    rule = build([{"equals": 0, "points": 5}, {"over": 0, "upto": 2, "points": 3},
                  {"over": 2, "points": 0}], points=5)
    assert rule.score(D(2)).matched == "(0, 2]"
    with pytest.raises(RuleInputError, match=r"value -1 lies outside every band "
                                             r"\(bands cover \[0, \+∞\)\)"):
        rule.score(D(-1))
    # and a table can say which it wants
    shown = build([{"below": "0.5", "points": 5}, {"from": "0.5", "points": 0}],
                  notation="percent")
    assert shown.score(D("0.7")).matched == "[50%, +∞)"


# -- load-time checks ----------------------------------------------------------------


def test_gap_is_reported_with_its_path() -> None:
    # band ends upto 10% and the next starts over 12%: (10%, 12%] is in no band
    found = problems(replaced(2, {"over": "12%", "upto": "20%", "points": 3}))
    assert found == {"bands[2]": "gap between bands (0%, 10%] and (12%, 20%]: values in "
                                 "(10%, 12%] fall in no band"}


def test_a_single_value_gap() -> None:
    # below 10% then over 10%: 10% itself is in no band
    found = problems([{"below": "10%", "points": 5}, {"over": "10%", "points": 0}])
    assert found["bands[1]"].endswith("the value 10% falls in no band")


def test_overlap_at_a_shared_edge() -> None:
    # upto 10% (含) and from 10% (含) both contain 10%
    found = problems(replaced(2, {"from": "10%", "upto": "20%", "points": 3}))
    assert found == {"bands[2]": "bands (0%, 10%] and [10%, 20%] overlap: both contain 10%"}


def test_overlap_of_ranges_and_gap_after_a_wide_band() -> None:
    # [0, 100] holds [10, 20]; the gap is (100, 150], judged against the wide band
    found = problems([{"from": 0, "upto": 100, "points": 1},
                      {"from": 10, "upto": 20, "points": 1},
                      {"over": 150, "points": 1}], better="none")
    assert found["bands[1]"] == "bands [0, 100] and [10, 20] overlap: both contain [10, 20]"
    assert found["bands[2]"].endswith("values in (100, 150] fall in no band")


def test_two_unbounded_bands_overlap() -> None:
    found = problems([{"upto": 1, "points": 1}, {"upto": 2, "points": 1}], better="none")
    assert "overlap" in found["bands[1]"]


def test_non_monotone_points() -> None:
    # better = "lower", yet 20–30% gives 4 after 10–20% gives 3
    found = problems(replaced(3, {"over": "20%", "upto": "30%", "points": 4}))
    assert found == {"bands[3].points": 'points are not monotone: better = "lower" but band '
                                        "(20%, 30%] gives 4 after (10%, 20%] gives 3"}


def test_band_points_out_of_range_and_double_edges_all_reported() -> None:
    found = problems([{"upto": 1, "below": 2, "points": 6},
                      {"over": 1, "points": -1},
                      {"from": 3, "over": 4, "share": "120%"}], better="none")
    assert found["bands[0].below"].startswith("give the upper edge once")
    assert found["bands[0].points"] == "band points 6 exceed the indicator's 5"
    assert found["bands[1].points"] == "must not be negative, got -1"
    assert found["bands[2].over"].startswith("give the lower edge once")
    assert found["bands[2].share"] == ("a share above 100% (120%) is more than the "
                                       "indicator's points")


def test_gap_is_still_found_when_a_band_has_bad_points() -> None:
    found = problems([{"upto": "10%", "points": 7}, {"over": "12%", "points": 0}])
    assert set(found) == {"bands[0].points", "bands[1]"}


def test_empty_bands() -> None:
    found = problems([{"from": "20%", "upto": "10%", "points": 1},
                      {"over": "30%", "below": "30%", "points": 1}], better="none")
    assert found["bands[0].upto"].startswith("empty band [20%, 10%]: no value lies in it")
    assert found["bands[1].below"].startswith("empty band (30%, 30%)")


def test_points_or_share_but_not_both_nor_neither() -> None:
    found = problems([{"below": 0, "points": 1, "share": "10%"}, {"from": 0}], better="none")
    assert found["bands[0].share"] == "give either 'points' or 'share', not both"
    assert found["bands[1].points"].startswith("missing; give the band's points")


def test_at_least_one_band_and_better_is_required() -> None:
    found = problems([], better="best")
    assert found["bands"] == "expected a non-empty list of tables"
    assert found["better"].startswith('expected "higher" | "lower" | "none"')
    with pytest.raises(ParamError) as info:
        Bands.from_params({"bands": ADJUSTMENT}, D(5))
    assert info.value.problems[0].path == "better"


def test_equals_takes_no_other_edge_and_unknown_keys() -> None:
    found = problems([{"equals": 0, "upto": 1, "points": 5},
                      {"over": 1, "points": 0, "upot": 3}], better="none")
    assert found["bands[0].upto"] == "a band with 'equals' takes no other edge"
    assert found["bands[1].upot"] == "unknown key 'upot' (did you mean 'upto'?)"


def test_non_table_band() -> None:
    found = problems([{"upto": 0, "points": 5}, "over 0: 0"], better="none")
    assert found["bands[1]"].startswith("expected a table")


# -- every value in the covered range lies in exactly one band ----------------------


@st.composite
def band_tables(draw: st.DrawFn) -> tuple[list[dict[str, Any]], Decimal | None,
                                          Decimal | None]:
    """A gap-free table in random order, with its lowest and highest edge (None: open)."""
    cuts = sorted(set(draw(st.lists(st.integers(-300, 300), min_size=1, max_size=6))))
    percent = draw(st.booleans())

    def edge(c: int) -> str:
        return f"{c}%" if percent else str(D(c) / 100)

    bounded_low = len(cuts) >= 2 and draw(st.booleans())
    start = cuts.pop(0) if bounded_low else None
    bounded_high = bool(cuts) and draw(st.booleans())
    end = cuts.pop() if bounded_high else None
    bands: list[dict[str, Any]] = []
    low: dict[str, Any] = {} if start is None else {
        draw(st.sampled_from(["from", "over"])): edge(start)}
    for c in cuts:
        how = draw(st.sampled_from(["upto", "below", "point"]))
        bands.append({**low, ("upto" if how == "upto" else "below"): edge(c)})
        if how == "point":
            bands.append({"equals": edge(c)})
        low = {("from" if how == "below" else "over"): edge(c)}
    last = dict(low)
    if end is not None:
        last[draw(st.sampled_from(["upto", "below"]))] = edge(end)
    bands.append(last)
    for band in bands:
        band["points"] = draw(st.integers(0, 5))
    order = draw(st.permutations(range(len(bands))))
    return ([bands[i] for i in order],
            None if start is None else D(start) / 100, None if end is None else D(end) / 100)


values = st.decimals(min_value=-4, max_value=4, places=3)


@given(band_tables(), values)
def test_every_covered_value_lies_in_exactly_one_band(
        table: tuple[list[dict[str, Any]], Decimal | None, Decimal | None],
        x: Decimal) -> None:
    bands, low, high = table
    rule = build(bands, better="none")
    inside = sum(band.contains(x) for band in rule.bands)
    strictly_within = (low is None or x > low) and (high is None or x < high)
    if strictly_within:
        assert inside == 1
    assert inside <= 1
    if inside:
        outcome = rule.score(x)
        assert outcome.detail["band"] in range(len(bands))
        assert rule.bands[outcome.detail["band"]].contains(x)
    else:
        with pytest.raises(RuleInputError, match="lies outside every band"):
            rule.score(x)


@given(band_tables())
def test_edges_written_in_any_order_give_one_table(
        table: tuple[list[dict[str, Any]], Decimal | None, Decimal | None]) -> None:
    bands, _, _ = table
    rule = build(bands, better="none")
    again = build(list(reversed(bands)), better="none")
    assert set(rule.bands) == set(again.bands)
    assert Bands.from_params(rule.params(), D(5)) == rule


def test_band_contains_respects_each_side() -> None:
    band = Band(D(0), False, D("0.1"), True, D(4))
    assert not band.contains(D(0)) and band.contains(D("0.1"))
    assert band.label(percent=True) == "(0%, 10%]" and band.label() == "(0, 0.1]"
