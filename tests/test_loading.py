"""Rubric loading: a valid rubric builds, and each bad rubric fails located.

Every bad case asserts the message and the location (TOML path and line),
and that the error is a RubricError (never a bare KeyError/TypeError).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.errors import RubricError

GOOD = textwrap.dedent('''\
    [rubric]
    id = "t"
    version = "1"
    title = "测试评分表"

    [[indicator]]
    path = "投入"
    points = 60

    [[indicator]]
    path = "投入/预算配置"
    points = 60

    [[indicator]]
    path = "投入/预算配置/在职人员控制率"
    points = 30
    measure = "staffing.on_post / staffing.authorized"
    unit = "%"
    rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.5, steps = "whole" }

    [[indicator]]
    path = "投入/预算配置/预决算公开"
    points = 30
    measure = "facts.published"
    rule = { kind = "yes_no" }

    [[indicator]]
    path = "效果"
    points = 40

    [[indicator]]
    path = "效果/满意度"
    points = 40
    rule = { kind = "judged" }
    ''')


def load(text: str) -> pr.Rubric:
    return pr.loads_rubric(text, file="r.toml")


def problems(text: str) -> list[pr.Problem]:
    with pytest.raises(RubricError) as info:
        load(text)
    assert str(info.value)  # a readable message
    return list(info.value.problems)


def only(text: str) -> pr.Problem:
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_good_rubric_loads() -> None:
    rubric = load(GOOD)
    assert rubric.id == "t"
    assert [i.path for i in rubric.indicators] == ["投入", "效果"]
    leaf = rubric.indicator("投入/预算配置/在职人员控制率")
    assert leaf.points == Decimal(30)
    assert leaf.depth == 3 and leaf.name == "在职人员控制率"
    assert leaf.rule is not None and leaf.rule.kind == "step_deduction"
    assert [g.name for g in rubric.grades.grades] == ["优", "良", "中", "差"]
    assert len(rubric.sha256) == 64


def test_hash_ignores_layout_and_comments() -> None:
    reformatted = "# a comment\n" + GOOD.replace('points = 60\n', 'points = 60  # 分值\n')
    assert load(reformatted).sha256 == load(GOOD).sha256
    changed = GOOD.replace("deduct = 0.5", "deduct = 0.3")
    assert load(changed).sha256 != load(GOOD).sha256


def test_weights_become_points_that_add_up() -> None:
    # weights 1:1:1 of 60 points -> 20 each; of 10 -> 3.34 + 3.33 + 3.33 (largest remainder)
    text = GOOD.replace('path = "投入/预算配置/在职人员控制率"\npoints = 30',
                        'path = "投入/预算配置/在职人员控制率"\nweight = 1')
    text = text.replace('path = "投入/预算配置/预决算公开"\npoints = 30',
                        'path = "投入/预算配置/预决算公开"\nweight = 1')
    rubric = load(text)
    assert rubric.indicator("投入/预算配置/在职人员控制率").points == Decimal(30)
    from perfrubric.decimals import apportion

    assert apportion(Decimal(10), [Decimal(1)] * 3) == [Decimal("3.34"), Decimal("3.33"),
                                                        Decimal("3.33")]


# -- bad rubrics: message and location ---------------------------------------


def test_toml_syntax_error_has_line_and_column() -> None:
    p = only(GOOD.replace('id = "t"', 'id = "t'))
    assert "TOML syntax error" in p.message
    assert p.line == 2 and p.column is not None and p.file == "r.toml"


def test_unknown_top_level_key_with_suggestion() -> None:
    p = only(GOOD + '\n[[indicators]]\npath = "x"\n')
    assert "unknown key 'indicators'" in p.message and "did you mean 'indicator'" in p.message
    assert p.path == "indicators"


def test_unknown_indicator_key_with_suggestion() -> None:
    p = only(GOOD.replace('path = "投入"\n', 'path = "投入"\nmesure = "x"\n', 1))
    assert p.message.startswith("unknown key 'mesure'") and "did you mean 'measure'" in p.message
    assert p.path == "indicator[0].mesure" and p.line == 8


def test_children_points_do_not_add_up() -> None:
    p = only(GOOD.replace("points = 30\nmeasure = \"facts.published\"",
                          "points = 20\nmeasure = \"facts.published\""))
    assert "add up to 50 points, but it has 60" in p.message
    assert p.path == "indicator[1].points" and p.line == 12


def test_total_not_equal_to_full_marks() -> None:
    p = only(GOOD.replace('title = "测试评分表"', 'title = "测试评分表"\nfull_marks = 90'))
    assert "add up to 100 points, but the full marks are 90" in p.message
    assert p.path == "rubric.full_marks" and p.line == 5


def test_negative_points() -> None:
    found = problems(GOOD.replace('path = "效果/满意度"\npoints = 40', 'path = "效果/满意度"\npoints = -40'))
    assert any(p.path == "indicator[5].points" and "0 or more" in p.message for p in found)


def test_unknown_rule_kind_with_suggestion() -> None:
    p = only(GOOD.replace('kind = "yes_no"', 'kind = "yesno"'))
    assert "unknown rule kind 'yesno'" in p.message and "did you mean 'yes_no'" in p.message
    assert p.path == "indicator[3].rule.kind" and p.line == 25


def test_deduction_step_of_zero() -> None:
    p = only(GOOD.replace('step = "1%"', 'step = 0'))
    assert p.path == "indicator[2].rule.step" and p.line == 19
    assert "greater than 0" in p.message


def test_missing_partial_step_policy_is_explicit() -> None:
    p = only(GOOD.replace(', steps = "whole"', ""))
    assert p.path == "indicator[2].rule.steps"
    assert "whole" in p.message and "started" in p.message


def test_expression_syntax_error_has_column() -> None:
    p = only(GOOD.replace("staffing.on_post / staffing.authorized",
                          "staffing.on_post / / staffing.authorized"))
    assert p.path == "indicator[2].measure" and p.line == 17
    assert "column 20" in p.message


def test_unknown_data_name_in_expression() -> None:
    p = only(GOOD.replace("staffing.on_post /", "staffing.onpost /"))
    assert "staffing.onpost" in p.message and "did you mean 'staffing.on_post'" in p.message
    assert p.path == "indicator[2].measure"


def test_duplicate_indicator_path() -> None:
    p = only(GOOD + '\n[[indicator]]\npath = "效果/满意度"\npoints = 40\nrule = { kind = "judged" }\n')
    assert "duplicate indicator '效果/满意度'" in p.message and "indicator[5]" in p.message
    assert p.path == "indicator[6].path"


def test_row_without_parent_row() -> None:
    found = problems(GOOD.replace('path = "效果/满意度"', 'path = "效果/服务/满意度"'))
    assert any("no parent row '效果/服务'" in p.message and p.path == "indicator[5].path"
               for p in found)


def test_leaf_without_rule() -> None:
    p = only(GOOD.replace('points = 40\nrule = { kind = "judged" }', 'points = 40'))
    assert "has no 'rule'" in p.message and p.path == "indicator[5]"


def test_parent_with_rule() -> None:
    p = only(GOOD.replace('path = "效果"\npoints = 40',
                          'path = "效果"\npoints = 40\nrule = { kind = "judged" }'))
    assert "only leaf indicators take a 'rule'" in p.message and p.path == "indicator[4].rule"


def test_grade_scale_overlap() -> None:
    p = only(GOOD.replace('title = "测试评分表"', 'title = "测试评分表"\ngrades = [\n'
                          '  { name = "优", min = 90 },\n  { name = "良", min = 90 },\n'
                          '  { name = "差", min = 0 },\n]'))
    assert "overlap" in p.message and p.path == "rubric.grades[1].min" and p.line == 7


def test_grade_scale_gap_at_the_bottom() -> None:
    p = only(GOOD.replace('title = "测试评分表"', 'title = "测试评分表"\ngrades = [\n'
                          '  { name = "优", min = 90 },\n  { name = "良", min = 60 },\n]'))
    assert "gap below grade '良'" in p.message and p.path == "rubric.grades[1].min"


def test_grade_scale_gap_between_bands() -> None:
    p = only(GOOD.replace('title = "测试评分表"', 'title = "测试评分表"\ngrades = [\n'
                          '  { name = "优", min = 90 },\n  { name = "良", min = 80, max = 85 },\n'
                          '  { name = "差", min = 0, max = 80 },\n]'))
    assert "gap between grades '良' (up to 85) and '优' (from 90)" in p.message
    assert p.path == "rubric.grades[1].max"


def test_bad_rounding_mode_and_places() -> None:
    found = problems(GOOD.replace('title = "测试评分表"',
                                  'title = "测试评分表"\nrounding = { places = -1, mode = "halfup" }'))
    assert {p.path for p in found} == {"rubric.rounding.places", "rubric.rounding.mode"}
    assert any("did you mean 'half_up'" in p.message for p in found)


def test_missing_policy_unknown() -> None:
    p = only(GOOD.replace('measure = "facts.published"',
                          'measure = "facts.published"\nmissing = "skip"'))
    assert p.path == "indicator[3].missing" and '"exclude"' in p.message


def test_either_or_with_unknown_path_and_unequal_points() -> None:
    text = GOOD + textwrap.dedent('''
        [[either_or]]
        alternatives = ["投入/预算配置/在职人员控制率", "投入/预算配置/预决算公开率"]
        ''')
    p = only(text)
    assert "no indicator '投入/预算配置/预决算公开率'" in p.message
    assert "did you mean '投入/预算配置/预决算公开'" in p.message
    assert p.path == "either_or[0].alternatives[1]"


def test_either_or_needs_one_parent() -> None:
    text = GOOD + textwrap.dedent('''
        [[either_or]]
        alternatives = ["投入/预算配置/在职人员控制率", "效果/满意度"]
        ''')
    found = problems(text)
    assert any("share one parent" in p.message and p.path == "either_or[0].alternatives"
               for p in found)


def test_either_or_single_alternative() -> None:
    p = only(GOOD + '\n[[either_or]]\nalternatives = ["效果/满意度"]\n')
    assert "at least two alternatives" in p.message


def test_veto_with_unknown_grade() -> None:
    p = only(GOOD + '\n[[veto]]\nwhen = "facts.violation"\nreason = "违规"\ngrade_at_most = "劣"\n')
    assert "no grade '劣'" in p.message and p.path == "veto[0].grade_at_most"


def test_veto_that_does_nothing() -> None:
    p = only(GOOD + '\n[[veto]]\nwhen = "facts.violation"\nreason = "违规"\n')
    assert "must say what it does" in p.message and p.path == "veto[0]"


def test_many_problems_reported_together_in_line_order() -> None:
    text = (GOOD.replace('kind = "yes_no"', 'kind = "yesno"')
                .replace('step = "1%"', 'step = 0')
                .replace("staffing.on_post /", "staffing.onpost /"))
    found = problems(text)
    assert len(found) == 3
    lines = [p.line for p in found]
    assert lines == sorted(lines)


def test_missing_rubric_table() -> None:
    found = problems(GOOD.replace('[rubric]\nid = "t"\nversion = "1"\ntitle = "测试评分表"\n', ""))
    assert any(p.path == "rubric" and "missing the [rubric] table" in p.message for p in found)


def test_missing_file_is_a_rubric_error(tmp_path: Path) -> None:
    with pytest.raises(RubricError) as info:
        pr.load_rubric(tmp_path / "nope.toml")
    assert info.value.file is not None and info.value.file.endswith("nope.toml")
    assert "no such file" in str(info.value)


def test_load_from_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('step = "1%"', "step = 0"), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        pr.load_rubric(path)
    assert str(info.value).startswith(f"{path}:19:")


def test_rubric_from_dict_has_paths_without_lines() -> None:
    with pytest.raises(RubricError) as info:
        pr.rubric_from_dict({"rubric": {"id": "x", "version": "1", "title": "t"},
                             "indicator": [{"path": "a", "points": 100,
                                            "rule": {"kind": "nope"}}]})
    (p,) = info.value.problems
    assert p.path == "indicator[0].rule.kind" and p.line is None


def test_default_grades_scale_with_full_marks() -> None:
    # Regression (found by perfrubric.testing): with full_marks = 50 and no grades,
    # the default scale used to start 优 at 90, unreachable. Now 90% of 50 = 45.
    text = GOOD.replace('title = "测试评分表"', 'title = "测试评分表"\nfull_marks = 50')
    text = text.replace("points = 60", "points = 30").replace("points = 30\nmeasure",
                                                              "points = 15\nmeasure")
    text = text.replace("points = 40", "points = 20")
    rubric = load(text)
    assert [(g.name, g.min) for g in rubric.grades.grades] == [
        ("优", Decimal(45)), ("良", Decimal(40)), ("中", Decimal(30)), ("差", Decimal(0))]


def test_band_gap_is_located_in_the_file() -> None:
    text = GOOD.replace(
        'rule = { kind = "yes_no" }',
        'rule = { kind = "bands", better = "lower", bands = [\n'
        '  { upto = "0%", points = 30 },\n'
        '  { over = "12%", points = 0 },\n'
        '] }')
    p = only(text)
    # the second band starts at line 27 of the file
    assert p.path == "indicator[3].rule.bands[1]" and p.line == 27
    assert "gap between bands (-∞, 0%] and (12%, +∞)" in p.message


def test_chinese_bare_key_gets_a_hint() -> None:
    p = only('[rubric]\nid = "x"\nversion = "1"\ntitle = "t"\n[[indicator]]\n投入 = 10\n')
    assert p.line == 6 and "TOML bare keys are ASCII only" in p.message
    assert '"投入" = …' in p.message
