"""Thresholds, limits and band edges written as money ("600万元").

Allowed when the indicator's unit is a money unit; converted exactly into
that unit; money under a non-money unit, another currency, or a rule mixing
money and plain numbers is a located load error.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.indicators import ParamReader, RuleParams, Threshold


def rubric(rule: str, unit: str | None = "万元") -> str:
    unit_line = f'unit = "{unit}"\n' if unit else ""
    return textwrap.dedent('''\
        [rubric]
        id = "m"
        version = "1"
        title = "t"

        [[indicator]]
        path = "支出"
        points = 100
        measure = "budget.final"
        ''') + unit_line + f"rule = {rule}\n"


def load(rule: str, unit: str | None = "万元") -> pr.Rubric:
    return pr.loads_rubric(rubric(rule, unit), file="m.toml")


def only_problem(rule: str, unit: str | None = "万元") -> pr.Problem:
    with pytest.raises(pr.RubricError) as info:
        load(rule, unit)
    (p,) = info.value.problems
    return p


@pytest.mark.parametrize(("written", "unit", "expected"), [
    ('"600万元"', "万元", Decimal(600)),
    ('"600万元"', "元", Decimal(6_000_000)),          # 600 × 10⁴
    ('"0.06亿元"', "万元", Decimal(600)),             # 0.06 × 10⁸ / 10⁴
    ('"1,200.5万元"', "亿元", Decimal("0.120050")),   # 1200.5 × 10⁴ / 10⁸
])
def test_threshold_as_money_is_converted_exactly(written: str, unit: str,
                                                  expected: Decimal) -> None:
    rule = load(f'{{ kind = "threshold", threshold = {written}, full_when = "at_least" }}',
                unit).indicator("支出").rule
    assert isinstance(rule, Threshold) and rule.threshold == expected


def test_money_threshold_scores_the_amount() -> None:
    r = load('{ kind = "threshold", threshold = "600万元", full_when = "at_least" }')
    # 540万元 of 600万元 → share 0.9 → 100 × 0.9 = 90
    ev = pr.evaluate(r, {"department": {"name": "局"}, "budget": {"final": "540万元"}})
    assert ev.total == 90
    # 6,000,000元 = 600万元 → full
    ev = pr.evaluate(r, {"department": {"name": "局"}, "budget": {"final": "6000000元"}})
    assert ev.total == 100


def test_band_edges_and_steps_as_money() -> None:
    bands = load('{ kind = "bands", better = "higher", bands = ['
                 '{ from = 0, below = "100万元", points = 40 }, '
                 '{ from = "100万元", below = "0.02亿元", points = 70 }, '
                 '{ from = "200万元", points = 100 }] }')
    # 150万元 lies in [100, 200) 万元 → 70 (a plain 0 edge mixes with money: 0 is 0 in any unit)
    ev = pr.evaluate(bands, {"department": {"name": "局"}, "budget": {"final": "150万元"}})
    assert ev.total == 70
    steps = load('{ kind = "step_deduction", limit = "600万元", direction = "above", '
                 'step = "10万元", deduct = 5, steps = "started" }')
    # 625万元 is 25万元 over 600: 3 started steps of 10万元 × 5 = 15 → 85
    ev = pr.evaluate(steps, {"department": {"name": "局"}, "budget": {"final": "625万元"}})
    assert ev.total == 85


def test_mixing_money_and_plain_numbers_is_a_load_error() -> None:
    p = only_problem('{ kind = "step_deduction", limit = "600万元", direction = "above", '
                     'step = 10, deduct = 5, steps = "whole" }')
    assert (p.path, p.line) == ("indicator[0].rule.step", 11)   # the rule = line
    assert p.message == ("10 is a plain number but limit is money ('600万元'); write every "
                         "amount of this rule the same way, all as money or all as numbers in "
                         "万元")


def test_mixing_across_band_tables_is_found() -> None:
    p = only_problem('{ kind = "bands", better = "higher", bands = ['
                     '{ below = "100万元", points = 40 }, { from = 100, points = 100 }] }')
    assert p.path == "indicator[0].rule.bands[1].from"
    assert "is a plain number but bands[0].below is money ('100万元')" in p.message


@pytest.mark.parametrize(("unit", "says"), [
    ("%", "'600万元' is money, but the indicator's unit is '%', not a money unit: a "
          "threshold in money needs the measured value in money, unit = \"万元\""),
    (None, "'600万元' is money, but the indicator declares no unit: a threshold in money "
           "needs the measured value in money, unit = \"万元\""),
    ("万美元", "'600万元' is in CNY, but the indicator's unit '万美元' is in USD"),
])
def test_money_needs_a_money_unit_of_its_currency(unit: str | None, says: str) -> None:
    with pytest.raises(pr.RubricError) as info:
        load('{ kind = "threshold", threshold = "600万元", full_when = "at_least" }', unit)
    # Under unit = "%" or no unit the money measure itself is a second problem (at
    # indicator[0].unit or .measure: no data could be scored).
    (p,) = [p for p in info.value.problems if p.path == "indicator[0].rule.threshold"]
    assert p.message == says
    assert len(info.value.problems) == (2 if unit in ("%", None) else 1)


def test_unknown_money_unit_is_a_problem() -> None:
    p = only_problem('{ kind = "threshold", threshold = "600万块", full_when = "at_least" }')
    assert p.path == "indicator[0].rule.threshold" and "unknown money unit '万块'" in p.message


def test_only_measured_parameters_take_money() -> None:
    # deduct is points, not an amount: money there is not a number
    p = only_problem('{ kind = "step_deduction", limit = "600万元", direction = "above", '
                     'step = "10万元", deduct = "5万元", steps = "whole" }')
    assert p.path == "indicator[0].rule.deduct" and "expected a number" in p.message


@settings(max_examples=60, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False),
       written=st.sampled_from([("元", 0), ("万元", 4), ("亿元", 8)]),
       unit=st.sampled_from([("元", 0), ("万元", 4), ("亿元", 8)]))
def test_conversion_is_exact(amount: Decimal, written: tuple[str, int],
                             unit: tuple[str, int]) -> None:
    r = ParamReader(RuleParams({"limit": f"{amount}{written[0]}"}, unit[0]))
    value = r.decimal("limit", measured=True)
    r.done()
    # amount × 10^written / 10^unit, exactly (no rounding anywhere)
    assert value == amount * Decimal(10) ** (written[1] - unit[1])


def test_money_measure_under_percent_says_what_is_wrong() -> None:
    # budget.final is money; "%" is for a ratio: refused at load, at the unit key.
    with pytest.raises(pr.RubricError) as info:
        load('{ kind = "ratio" }', unit="%")
    (p,) = info.value.problems
    assert p.path == "indicator[0].unit"
    assert p.message == (
        "the measure 'budget.final' gives an amount of money, but unit = \"%\" is for a ratio: "
        "divide by another amount (e.g. budget.final / budget.adjusted) or give a money unit")


@pytest.mark.parametrize(("rule", "where", "says"), [
    # 90 meant as 90%: under unit = "%" the measure is a fraction, so 90 would be 9000%
    ('{ kind = "threshold", threshold = 90, full_when = "at_least" }',
     "indicator[0].rule.threshold", "write \"90%\" or 0.9"),
    ('{ kind = "step_deduction", limit = 100, direction = "above", step = "1%", deduct = 0.5, '
     'steps = "whole" }',
     "indicator[0].rule.limit", "write \"100%\" or 1"),
])
def test_a_percentage_written_without_its_sign_is_refused(rule: str, where: str,
                                                          says: str) -> None:
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(rubric(rule, "%").replace("budget.final", "facts.rate"), file="m.toml")
    (p,) = info.value.problems
    assert p.path == where and says in p.message and "reads as" in p.message


@pytest.mark.parametrize("written", ['"90%"', "0.9", "1.2", "10"])
def test_fractions_and_percent_text_under_percent_are_fine(written: str) -> None:
    # 10 (= 1000%) is the largest plain number taken as meant; "90%" and 0.9 are the same
    r = pr.loads_rubric(rubric(f'{{ kind = "threshold", threshold = {written}, '
                               'full_when = "at_least" }', "%").replace("budget.final",
                                                                       "facts.rate"),
                        file="m.toml")
    assert r.leaves()
