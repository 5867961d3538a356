"""The quick department builder gives what structure_department gives: the same
department, or the same located problems."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.batch.tables import Plan, load_mapping, open_table
from perfrubric.data import quick as _quick_module
from perfrubric.data.quick import quick_department
from perfrubric.data.structure import structure_department
from perfrubric.testing import data_for, rubrics
from test_batch import HEADERS, MAPPING, county_rows


def _same(doc: Any) -> None:
    try:
        slow = structure_department(doc)
    except pr.DataError as exc:
        with pytest.raises(pr.DataError) as got:
            quick_department(doc)
        assert got.value.problems == exc.problems
        return
    quick = quick_department(doc)
    assert quick == slow
    # what eq leaves out: the printed values of targets
    assert [(t.printed_target, t.printed_actual) for t in quick.targets] == [
        (t.printed_target, t.printed_actual) for t in slow.targets]


def _county_documents(n: int) -> list[dict[str, Any]]:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(county_rows(n), columns=HEADERS).astype(object)
    table = open_table(frame)
    plan = Plan(table, load_mapping(MAPPING))
    return [plan.document(row).document for row in table.rows]


def test_every_row_of_the_county_table_gives_the_same_department_or_problems() -> None:
    docs = _county_documents(1000)  # four bad units among them (tests/test_batch.py)
    for doc in docs:
        _same(doc)


def test_ordinary_rows_take_the_quick_way(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _county_documents(40)
    slow: list[Any] = []
    real = _quick_module.structure_department

    def counting(doc: Any) -> pr.Department:
        slow.append(doc)
        return real(doc)

    monkeypatch.setattr(_quick_module, "structure_department", counting)
    for doc in docs:
        with contextlib.suppress(pr.DataError):
            quick_department(doc)
    assert slow == [docs[15]]  # 在职人数 21.5 (BAD_ON_POST): the general path locates it
    dept = quick_department(docs[0])
    # The first unit: 在职 21 of 20 posts, 950 of 1000万元 spent (tests/test_batch.py FIRST).
    assert (dept.staffing.on_post, dept.budget.final) == (21, pr.Money(Decimal(950), "万元"))


@pytest.mark.parametrize("doc", [
    {"department": {"name": "甲", "colour": "red"}},               # an unknown key
    {"department": {"name": "甲"}, "staffing": {"on_post": True}},  # yes/no for a count
    {"department": {"name": "甲"}, "staffing": {"on_post": -1}},    # refused by the model
    {"department": {"name": "甲"}, "budget": {"final": "十万元"}},   # not an amount
    {"department": {"name": "甲"}, "budget": {"final": "10万元", "sangong": 3}},
    {"department": {"name": "甲"}, "facts": {"a": {"b": {"c": 1}}}},  # nested facts
    {"department": {"name": "甲"}, "facts": {"items": list(range(10_001))}},  # too long
    {"department": {"name": "甲"}, "target": [{"name": "率", "target": "≥5个"}, 3]},
    {"department": {"name": "甲"}, "target": [{"id": "a", "name": "a"},
                                              {"id": "a", "name": "b"}]},  # same id twice
    {"department": {"name": "甲"}, "assessment": [{"indicator": "x", "value": ["是"]}]},
    {"department": {"name": 5}},
    {"department": {"name": "甲", "staffing": {}}},
    {"departement": {"name": "甲"}},
    {"staffing": {"on_post": 1}},
])
def test_unusual_documents_give_the_same_result(doc: dict[str, Any]) -> None:
    _same(doc)


_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_SETTINGS
@given(st.data())
def test_generated_documents(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    _same(data.draw(data_for(rubric)))


@pytest.mark.parametrize("rubric_id", pr.builtin_ids())
@_SETTINGS
@given(data=st.data())
def test_documents_for_the_builtins(rubric_id: str, data: st.DataObject) -> None:
    _same(data.draw(data_for(pr.builtin(rubric_id))))
