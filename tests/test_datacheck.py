"""check_data / ``perfrubric validate RUBRIC --data DATA``: every name against one data file."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.data.facts import synonym_for

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"

HEAD = '[rubric]\nid = "d"\nversion = "1"\ntitle = "数据检查"\n'


def rubric(*rows: tuple[str, int, str]) -> pr.Rubric:
    text = HEAD + '\n[[indicator]]\npath = "指标"\npoints = 100\n'
    for path, points, extra in rows:
        text += f'\n[[indicator]]\npath = "指标/{path}"\npoints = {points}\n{extra}\n'
    return pr.loads_rubric(text, file="d.toml")


DATA = {
    "department": {"name": "检查局"},
    "budget": {"final": "90万元", "adjusted": "100万元"},
    "target": [{"id": "domestic_investment", "name": "内资", "target": 10, "actual": 12,
                "category": "数量"}],
    "facts": {"gamma_count": 3, "satisfaction": "92%"},
}


def test_typo_in_a_fact_name_suggests_the_real_fact() -> None:
    r = rubric(("伽马", 100, 'measure = "facts.gama_count"\nrule = { kind = "per_event", '
                            'deduct = 1 }'))
    [problem] = pr.check_data(r, DATA)
    assert problem.path == "指标/伽马" and problem.file == "d.toml" and problem.line == 10
    assert problem.got == "facts.gama_count" and problem.expected == "facts.gamma_count"
    assert "did you mean 'facts.gamma_count'" in problem.message


def test_synonym_suggests_the_model_field() -> None:
    # 决算数 is the model's budget.final; written as a free fact it has no value
    r = rubric(("执行率", 100, 'measure = "facts.决算数 / budget.adjusted"\nunit = "%"\n'
                             'rule = { kind = "ratio" }'))
    [problem] = pr.check_data(r, DATA)
    assert problem.expected == "budget.final"
    assert synonym_for("budget.executed") == synonym_for("facts.支出数") == "budget.final"


def test_synonym_at_load_for_a_model_name() -> None:
    with pytest.raises(pr.RubricError, match=r"did you mean 'budget\.final'"):
        rubric(("执行率", 100, 'measure = "budget.executed / budget.adjusted"\nunit = "%"\n'
                             'rule = { kind = "ratio" }'))


def test_target_id_and_category_typos_suggest_real_ones() -> None:
    r = rubric(("内资", 50, 'measure = "targets.domestic_investmnt.ratio"\n'
                          'rule = { kind = "ratio" }'),
               ("数量", 50, 'measure = "targets.category.数目.completion"\n'
                          'rule = { kind = "ratio" }'))
    problems = pr.check_data(r, DATA)
    # ids and categories are compared with the data's own: domestic_investmnt is close to
    # domestic_investment; 数目 shares one character of two with 数量 (ratio 0.5 < 0.6)
    assert [p.expected for p in problems] == ["targets.domestic_investment.ratio", None]
    r = rubric(("质量", 100, 'measure = "targets.category.质量.completion"\n'
                           'rule = { kind = "ratio" }'))
    [problem] = pr.check_data(r, DATA)  # a category the data does not have at all
    assert problem.expected is None and "is not in the data:" in problem.message


def test_a_model_field_not_reported_says_what_happens() -> None:
    r = rubric(("结转", 50, 'measure = "budget.carryover / budget.adjusted"\n'
                          'rule = { kind = "ratio" }'),
               ("满意度", 50, 'measure = "facts.satisfaction"\nmissing = "zero"\n'
                           'rule = { kind = "ratio" }'))
    [problem] = pr.check_data(r, DATA)
    assert problem.got == "budget.carryover" and problem.expected is None
    assert "is not reported in the data: scoring stops here" in problem.message


def test_has_guarded_names_and_present_names_are_fine() -> None:
    r = rubric(("执行率", 100, 'measure = "budget.final / budget.adjusted"\n'
                             'applicable = "not has(facts.exempt) or not facts.exempt"\n'
                             'rule = { kind = "ratio" }'))
    assert pr.check_data(r, DATA) == []


def test_assessments_missing_and_unknown() -> None:
    r = rubric(("效益", 100, 'rule = { kind = "judged" }'))
    problems = pr.check_data(r, {**DATA, "assessment": [{"indicator": "指标/效果",
                                                         "score": 5}]})
    assert [p.path for p in problems] == ["指标/效益", "assessment[0].indicator"]
    assert "no [[assessment]]" in problems[0].message
    assert problems[1].expected == "指标/效益" and problems[1].got == "指标/效果"
    assert "did you mean '指标/效益'" in problems[1].message


def test_unreadable_data_gives_its_own_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[department\n", encoding="utf-8")
    problems = pr.check_data(rubric(("甲", 100, 'rule = { kind = "judged" }')), bad)
    assert problems and problems[0].file == str(bad)


def test_cli_validate_with_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE / "rubric.toml"), "--data",
                 str(EXAMPLE / "data.toml")]) == 0
    assert "every name it reads has a value" in capsys.readouterr().out
    data = tmp_path / "d.toml"
    data.write_text('[department]\nname = "x"\n[facts]\ngamma_count = 1\n', encoding="utf-8")
    rub = tmp_path / "r.toml"
    rub.write_text(HEAD + '[[indicator]]\npath = "甲"\npoints = 100\nmeasure = '
                   '"facts.gama_count"\nrule = { kind = "per_event", deduct = 1 }\n',
                   encoding="utf-8")
    assert main(["validate", str(rub), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "did you mean 'facts.gamma_count'" in err


def test_budget_line_typo_suggests_the_real_line() -> None:
    data = {**DATA, "budget": {**DATA["budget"], "project_lines": [  # type: ignore[dict-item]
        {"id": "investment", "name": "招商工作经费", "amount": "25.65万元"}]}}
    r = rubric(("招商", 100, 'measure = "budget.lines.investmnt == budget.lines.investmnt"\n'
                           'rule = { kind = "yes_no" }'))
    [problem] = pr.check_data(r, data)
    assert problem.expected == "budget.lines.investment"
