"""Numbers as people meant them: the number boundary (issue 17, point 7).

A zero written with a huge exponent passes every bound (it is zero), so it
must be normalized where it enters: written out in full it would be a
billion characters.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.data import structure_department, unstructure_department
from perfrubric.decimals import MAX_PLACES, check_bounds, to_decimal
from perfrubric.units import Money

HUGE_ZEROS = ["-0E-999999999", "0E-999999999", "0E+999999999", "-0E+425000000", "0e-99999"]


@pytest.mark.parametrize("text", HUGE_ZEROS)
def test_a_zero_with_a_huge_exponent_is_plain_zero(text: str) -> None:
    value = to_decimal(text)
    assert value == 0
    assert value.as_tuple().exponent == 0 and not value.is_signed()
    assert format(value, "f") == "0"


@pytest.mark.parametrize("text", HUGE_ZEROS)
def test_a_huge_zero_costs_nothing_when_written_out(text: str) -> None:
    # The target, the actual value and the money of one department: before the fix,
    # unstructure_department wrote "-0E-999999999" as a string of 10**9 characters.
    dept = structure_department({
        "department": {"name": "某局", "year": 2023},
        "budget": {"initial": {"amount": text, "unit": "万元"}, "final": Money(Decimal(text),
                                                                             "万元")},
        "target": [{"id": "a", "name": "甲", "target": "0", "actual": Decimal(text)}],
    })
    doc = unstructure_department(dept)
    assert len(repr(doc)) < 1000
    assert dept.budget.initial is not None and dept.budget.initial.amount == 0
    assert structure_department(doc) == dept


@pytest.mark.parametrize("text", HUGE_ZEROS)
def test_a_printed_target_with_an_exponent_is_refused_at_its_place(text: str) -> None:
    # A printed value is read as printed: it has no exponents ("≥5e1个" is refused too),
    # so the huge zero never enters as a target.
    with pytest.raises(pr.DataError, match=r"target\[0\]\.target: .*no exponents"):
        structure_department({"department": {"name": "某局", "year": 2023},
                              "target": [{"id": "a", "name": "甲", "target": text}]})


def test_a_written_zero_keeps_its_places() -> None:
    # 0.00 as written (two places) is left alone: only an exponent no number needs is reset.
    assert str(to_decimal("0.00")) == "0.00"
    assert str(check_bounds(Decimal("0E-15"), "0E-15")) == "0E-15"  # 15 = 12 + 3 (a ‰ share)
    assert str(check_bounds(Decimal("0E-16"), "0E-16")) == "0"


@given(st.integers(min_value=-(10**9), max_value=10**9), st.booleans())
def test_every_zero_is_short(exponent: int, negative: bool) -> None:
    value = check_bounds(Decimal((int(negative), (0,), exponent)), "zero", MAX_PLACES)
    assert value == 0 and len(format(value, "f")) <= 2 + MAX_PLACES + 3
