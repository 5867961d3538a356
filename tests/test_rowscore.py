"""A wide table's rows scored from their cells (batch/rowscore.py) agree with the general path.

The general path builds a data document and a ``Department`` for every row;
the row scorer reads the cells straight into the facts the rubric reads.
For every row the two must give the same result: the same totals, grades,
leaf scores, measured values, keys, codes and names, and, for a row the
scorer hands back, the same located errors (the general path reports them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.batch import evaluate_many, load_mapping
from perfrubric.batch import records as _records
from perfrubric.batch.rowscore import RowScorer
from perfrubric.batch.tables import Plan, open_table
from perfrubric.engine.compiled import CompiledRubric
from perfrubric.testing.strategies import data_for, rubrics
from test_batch import COL, HEADERS, MAPPING, county_rows

RUBRIC = pr.builtin("mof-2013-department")


@contextmanager
def _general_path() -> Iterator[None]:
    """Every row scored the general way (data document, Department, compiled engine)."""
    with mock.patch.object(_records, "_fast", lambda *args: None):
        yield


def _fields(result: Any) -> tuple[Any, ...]:
    problems = tuple((p.path, p.message, p.line, p.column) for p in result.problems)
    return (result.index, result.key, result.status, result.total, result.grade,
            dict(result.scores), dict(result.measured), result.row, result.file,
            result.code, result.name, problems, type(result.error))


def _same_both_ways(rubric: pr.Rubric, table: Any, mapping: Any = None) -> list[Any]:
    """Score *table* both ways; assert every result agrees field by field; return them."""
    try:
        fast = list(evaluate_many(rubric, table, trace=False, mapping=mapping))
    except pr.PerfrubricError as exc:  # the table itself refused: the same either way
        with _general_path(), pytest.raises(type(exc)) as info:
            list(evaluate_many(rubric, table, trace=False, mapping=mapping))
        assert str(info.value) == str(exc)
        return []
    with _general_path():
        slow = list(evaluate_many(rubric, table, trace=False, mapping=mapping))
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert _fields(a) == _fields(b)
        for x, y in zip(a.scores.values(), b.scores.values(), strict=True):
            assert str(x) == str(y)  # the same digits, not only equal numbers
        assert str(a.total) == str(b.total)
    return fast


def _scorer(rubric: pr.Rubric, frame: pd.DataFrame, mapping: Any = None) -> RowScorer | None:
    table = open_table(frame)
    return RowScorer.build(Plan(table, load_mapping(mapping)), CompiledRubric(rubric))


# -- the county table of mof-2013-department -------------------------------------------------

def test_the_county_table_scores_from_its_cells_and_agrees_with_the_general_path() -> None:
    frame = pd.DataFrame(county_rows(300), columns=HEADERS).astype(object)
    scorer = _scorer(RUBRIC, frame, MAPPING)
    assert scorer is not None
    table = open_table(frame)
    taken = [scorer.score(row) is not None for row in table.rows]
    # 300 rows, of which the deliberately bad ones within 300 (BAD_ON_POST 15, BAD_TWO 100)
    # go the general way; every other row is scored from its cells.
    assert taken.count(False) == 2 and not taken[15] and not taken[100]
    results = _same_both_ways(RUBRIC, frame, MAPPING)
    # The first unit, worked by hand in test_batch.py: 75.25, 中.
    assert (results[0].key, results[0].total, results[0].grade) == ("A0001", Decimal("75.25"),
                                                                     "中")
    assert [r.key for r in results if r.status == "failed"] == ["A0016", "A0101"]


#: Cells a spreadsheet may hold, good and bad, for any column.
_ODD_CELLS = st.sampled_from([
    None, "", "  ", 0, -1, -3, 1, 21.5, 1e20, 10 ** 20, True, False, "八百", "12万元",
    "12.5%", "87.5", "0.875", Decimal("1.0"), Decimal("-0"), Decimal("0.123456789012345"),
    float("nan"), float("inf"), "已制定", "已制定、有效执行", "乱写", "是", "否", "好", "差",
    "无", "2023", 2023, 1999.0, "A0001", "#DIV/0!", "=1+1", "1e999999", "٣", "１２",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000),
       changes=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(HEADERS), _ODD_CELLS),
                        max_size=6))
def test_county_rows_with_odd_cells_agree_both_ways(
        seed: int, changes: list[tuple[int, str, Any]]) -> None:
    rng = random.Random(seed)
    rows = [list(r) for r in rng.sample(county_rows(40)[20:40], 3)]
    for index, header, value in changes:
        rows[index][COL[header]] = value
    frame = pd.DataFrame(rows, columns=HEADERS).astype(object)
    _same_both_ways(RUBRIC, frame, MAPPING)


# -- generated rubrics and data ----------------------------------------------------------------

def _flat(doc: dict[str, Any]) -> dict[str, Any]:
    """A data document as one row of dotted headers (targets and assessments included)."""
    row: dict[str, Any] = {}
    for section in ("department", "staffing", "budget", "facts"):
        for key, value in doc.get(section, {}).items():
            if isinstance(value, dict):
                return {}  # a nested section (三公, lines): not one row of cells
            row[f"{section}.{key}"] = "、".join(value) if isinstance(value, list) else value
    for target in doc.get("target", []):
        for key, value in target.items():
            if key != "id":
                row[f"targets.{target['id']}.{key}"] = value
    for assessment in doc.get("assessment", []):
        for key, value in assessment.items():
            if key != "indicator":
                if isinstance(value, list):
                    return {}
                row[f"assessment.{assessment['indicator']}.{key}"] = value
    return row


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_generated_rubrics_and_rows_agree_both_ways(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    docs = [data.draw(data_for(rubric)) for _ in range(data.draw(st.integers(1, 3)))]
    rows = [_flat(doc) for doc in docs]
    if not all(rows):
        return
    headers = sorted({h for row in rows for h in row})
    frame = pd.DataFrame([[row.get(h) for h in headers] for row in rows],
                         columns=headers).astype(object)
    if data.draw(st.booleans()):  # and some cells changed to anything
        for _ in range(data.draw(st.integers(1, 3))):
            frame.iat[data.draw(st.integers(0, len(rows) - 1)),
                      data.draw(st.integers(0, len(headers) - 1))] = data.draw(_ODD_CELLS)
    _same_both_ways(rubric, frame)


def test_a_table_beyond_plain_columns_is_not_compiled() -> None:
    # budget lines are a list of the model: such a table is scored the general way
    frame = pd.DataFrame({"department.name": ["甲"], "budget.lines.l1": ["5万元"]})
    assert _scorer(RUBRIC, frame) is None
    # a rubric with vetoes never takes the compiled path
    vetoed = pr.loads_rubric("""
[rubric]
id = "v"
version = "1"
title = "v"
full_marks = 10
[[indicator]]
path = "a"
points = 10
measure = "staffing.on_post / staffing.authorized"
rule = { kind = "ratio" }
[[veto]]
when = "facts.violations > 0"
grade_at_most = "差"
reason = "违规"
""")
    frame = pd.DataFrame({"department.name": ["甲"], "staffing.on_post": [1],
                          "staffing.authorized": [2]})
    assert _scorer(vetoed, frame) is None


@pytest.mark.parametrize("cell", [-5, "−5", "5万元", Decimal("5.000"), 5.0])
def test_a_money_cell_reads_the_same_either_way(cell: Any) -> None:
    # 决算数 / 调整预算: the money lane takes whole numbers and Decimals; text and the
    # rest take the field's whole reading; a negative amount is refused by the model.
    row = list(county_rows(1)[0])
    row[COL["决算数(万元)"]] = cell
    frame = pd.DataFrame([row], columns=HEADERS).astype(object)
    (result,) = _same_both_ways(RUBRIC, frame, MAPPING)
    if cell == -5:
        assert result.status == "failed" and "negative" in result.problems[0].message
    elif cell == "−5":  # a minus sign of print is no number of a money column
        assert result.status == "failed" and "expected money" in result.problems[0].message
    else:  # 5万元 of 950万元 adjusted: 预算完成率 5/1000 = 0.5% → 0 of 5 (75.25 − 3 = 72.25)
        assert result.scores["过程/预算执行/预算完成率"] == Decimal("0.00")
