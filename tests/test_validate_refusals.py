"""``validate`` catches what ``score`` would refuse (issue 17, point 5).

A money measure without a unit is a rubric error at load (the engine could
never score it); with ``--data``, every value the rules would refuse (a
renamed level, a misspelt checklist item, a bare number where a share is
measured) is reported, located in the data and with the closest name.  A
property ties the two together: a rubric that loads, with data that
``check_data`` passes, always scores.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.testing import data_for, rubrics

MONEY = """
[rubric]
id = "m"
version = "1"
title = "结转结余"
full_marks = 10

[[indicator]]
path = "结转结余"
points = 10
measure = "budget.carryover"
{unit}rule = {{ kind = "threshold", threshold = 100, full_when = "at_most" }}
"""


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


@pytest.mark.parametrize("unit, path, words", [
    ("", "indicator[0].measure", 'declare the unit to score it in, unit = "万元"'),
    ('unit = "个"\n', "indicator[0].unit", "'个' is not a money unit"),
    ('unit = "%"\n', "indicator[0].unit", 'unit = "%" is for a ratio'),
])
def test_a_money_measure_needs_a_money_unit(unit: str, path: str, words: str) -> None:
    with pytest.raises(pr.RubricError) as caught:
        pr.loads_rubric(MONEY.format(unit=unit))
    # (under "%" the rule's plain 100 is refused as well: 10000%)
    problem = next(p for p in caught.value.problems if p.path == path)
    assert words in problem.message
    assert problem.line == 11 if path.endswith("measure") else problem.line == 12


def test_with_its_unit_the_money_measure_scores(tmp_path: Path) -> None:
    rubric = pr.loads_rubric(MONEY.format(unit='unit = "万元"\n'))
    # 50万元 ≤ 100万元: full marks.
    ev = pr.evaluate(rubric, {"department": {"name": "甲"}, "budget": {"carryover": "50万元"}})
    assert ev.total == 10
    (tmp_path / "r.toml").write_text(MONEY.format(unit=""), encoding="utf-8")
    code, _ = run("validate", str(tmp_path / "r.toml"))
    assert code == 1


DATA = """
[department]
name = "某局"
year = 2023

[facts]
management_rules = ["已制定", "有效执"]

[[assessment]]
indicator = "效果/履职效益/经济效益"
level = "较 好"
"""


def test_validate_data_names_every_value_score_would_refuse(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    data.write_text(DATA, encoding="utf-8")
    problems = pr.check_data(pr.builtin("mof-2013-department"), data)
    refused = {p.path: p for p in problems if "scoring would refuse" in p.message}
    assert set(refused) == {"facts.management_rules", "assessment[0].level"}
    item, level = refused["facts.management_rules"], refused["assessment[0].level"]
    assert "(did you mean '有效执行'?)" in item.message and item.line == 7
    assert "(did you mean '较好'?)" in level.message and level.line == 11
    assert item.file == level.file == str(data)


def test_validate_data_refuses_a_bare_share(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    data.write_text('[department]\nname = "某局"\n[facts]\nsatisfaction = 92.5\n',
                    encoding="utf-8")
    problems = pr.check_data(pr.builtin("mof-2013-department"), data)
    (problem,) = [p for p in problems if p.path == "facts.satisfaction"]
    assert problem.line == 4
    # and, in the same run, every name this nearly empty file does not give
    assert any("'staffing.on_post' is not reported" in p.message for p in problems)
    assert 'write "92.5%"' in problem.message
    code, _ = run("validate", "mof-2013-department", "--data", str(data))
    assert code == 1


def test_show_lists_the_names_the_data_must_spell() -> None:
    code, text = run("show", "mof-2013-department")
    assert code == 0
    assert 'checklist items: "已制定", "合法合规完整", "有效执行"' in text
    assert text.count('levels: "好", "较好", "一般", "差"') == 3


# -- the property: validate sees what score refuses ---------------------------------------


def _typo(text: str) -> str:
    return text[:-1] if len(text) > 1 else text + "了"


@st.composite
def spoilt(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """*doc* with, maybe, one value a rule refuses: a misspelt level, item or bare share."""
    facts = dict(doc.get("facts", {}))
    choice = draw(st.integers(0, 3))
    assessments = [dict(a) for a in doc.get("assessment", [])]
    if choice == 1 and assessments:
        i = draw(st.integers(0, len(assessments) - 1))
        if isinstance(assessments[i].get("level"), str):
            assessments[i]["level"] = _typo(assessments[i]["level"])
    elif choice == 2 and facts:
        key = draw(st.sampled_from(sorted(facts)))
        value = facts[key]
        if isinstance(value, list) and value:
            facts[key] = [_typo(value[0]), *value[1:]]
        elif isinstance(value, str) and value.endswith("%"):
            facts[key] = value[:-1]  # "50%" → "50": a bare number
    out = {**doc, "facts": facts} if facts else dict(doc)
    if assessments:
        out["assessment"] = assessments
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_data_that_validates_always_scores(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    doc = data.draw(spoilt(data.draw(data_for(rubric))))
    problems = pr.check_data(rubric, doc)
    if problems:
        return  # validate refused it: score may too
    pr.evaluate(rubric, doc)  # must not raise: validate saw nothing
