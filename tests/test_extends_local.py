"""`extends` for real local tables: placing rows, leaves becoming parents, located sums.

The parent is the built-in national table mof-2013-department; its line
numbers cited below are those of src/perfrubric/rubrics/mof-2013-department.toml
(`[[indicator]]` of 投入/预算配置 at line 36, of 产出/职责履行/实际完成率 at
line 181).
"""

from __future__ import annotations

import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import main
from test_builtins_extends import builtin_row_line, hand_made

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BUILTIN = "<builtin>/mof-2013-department.toml"
HEAD = '''\
[rubric]
extends = "mof-2013-department"
id = "local"
version = "1"
title = "本地评分表"
'''  # 5 lines; the first [[indicator]] of a body starting with a blank line is line 7


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "local.toml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(path: Path) -> list[pr.Problem]:
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(path)
    return list(info.value.problems)


def kids(rubric: pr.Rubric, path: str) -> list[str]:
    return [c.path.rsplit("/", 1)[1] for c in rubric.indicator(path).children]


# 在职 5 → 3 makes room for a new 2-point row: 3 + 2 + 5 = 10 = 投入/预算配置.
NEW_ROW = '''
[[indicator]]
path = "投入/预算配置/在职人员控制率"
points = 3

[[indicator]]
path = "投入/预算配置/重点支出安排率"
points = 2
measure = "budget.key_project / budget.project"
rule = { kind = "ratio" }
'''


def test_new_row_lands_after_its_siblings_by_default(tmp_path: Path) -> None:
    rubric = pr.load_rubric(write(tmp_path, NEW_ROW))
    assert kids(rubric, "投入/预算配置") == ["在职人员控制率", "三公经费变动率", "重点支出安排率"]


@pytest.mark.parametrize(("place", "order"), [
    ('after = "在职人员控制率"', ["在职人员控制率", "重点支出安排率", "三公经费变动率"]),
    ('before = "投入/预算配置/在职人员控制率"', ["重点支出安排率", "在职人员控制率", "三公经费变动率"]),
    ('after = "三公经费变动率"', ["在职人员控制率", "三公经费变动率", "重点支出安排率"]),
])
def test_after_and_before_place_a_new_row(tmp_path: Path, place: str, order: list[str]) -> None:
    rubric = pr.load_rubric(write(tmp_path, NEW_ROW + place + "\n"))
    assert kids(rubric, "投入/预算配置") == order


def test_an_existing_row_moves_with_its_children(tmp_path: Path) -> None:
    rubric = pr.load_rubric(write(tmp_path, '''
    [[indicator]]
    path = "效果"
    before = "投入"
    '''))
    assert [i.path for i in rubric.indicators] == ["效果", "投入", "过程", "产出"]
    walk = [i.path for i in rubric.walk()]
    # the subtree moved whole: 效果's rows directly follow it
    assert walk[:3] == ["效果", "效果/履职效益", "效果/履职效益/经济效益"]


def test_show_resolved_keeps_the_placed_order(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, NEW_ROW + 'after = "在职人员控制率"\n')
    assert main(["show", "--resolved", str(path)]) == 0
    printed = capsys.readouterr().out
    doc = tomllib.loads(printed)
    paths = [row["path"] for row in doc["indicator"]]
    i = paths.index("投入/预算配置/在职人员控制率")
    assert paths[i:i + 3] == ["投入/预算配置/在职人员控制率", "投入/预算配置/重点支出安排率",
                              "投入/预算配置/三公经费变动率"]
    assert not any("after" in row for row in doc["indicator"])
    # the printed table loads on its own to the same rubric
    flat = tmp_path / "flat.toml"
    flat.write_text(printed, encoding="utf-8")
    assert pr.load_rubric(flat).sha256 == pr.load_rubric(path).sha256


def test_a_place_that_is_not_a_sibling_is_located(tmp_path: Path) -> None:
    # line 7 [[indicator]], 8 path, 9 points, 11 [[indicator]], 12 path … 15 rule, 16 after
    found = problems(write(tmp_path, NEW_ROW + 'after = "在职人员控制"\n'))
    (p,) = found
    assert (p.file, p.line, p.path) == (str(tmp_path / "local.toml"), 16, "indicator[1].after")
    assert p.message == ("cannot place '投入/预算配置/重点支出安排率' after '在职人员控制': no "
                         "sibling of that name under '投入/预算配置' (did you mean "
                         "'在职人员控制率'?); its siblings: 在职人员控制率, 三公经费变动率")


def test_after_and_before_together_is_an_error(tmp_path: Path) -> None:
    (p,) = problems(write(tmp_path, NEW_ROW + 'after = "在职人员控制率"\nbefore = "三公经费变动率"\n'))
    assert p.path == "indicator[1].before" and "either 'after' or 'before'" in p.message


# -- a leaf becomes a parent --------------------------------------------------------

# 实际完成率 (15 points, a ratio rule on targets.completion) split in two: 10 + 5.
SPLIT = '''
[[indicator]]
path = "产出/职责履行/实际完成率/数量"
points = 10
rule = { kind = "judged" }

[[indicator]]
path = "产出/职责履行/实际完成率/质量"
points = 5
rule = { kind = "judged" }
'''


def test_children_under_a_leaf_need_rule_false(tmp_path: Path) -> None:
    (p,) = problems(write(tmp_path, SPLIT))
    assert (p.line, p.path) == (8, "indicator[0].path")   # this file's first added child
    assert p.message == (
        "adding '产出/职责履行/实际完成率/数量' makes '产出/职责履行/实际完成率' a parent, and a "
        "parent is scored by its children: the 'rule' and 'measure' the parent rubric gives it "
        "would be dropped. Say so explicitly: add a row path = \"产出/职责履行/实际完成率\" with "
        f"rule = false (its row in the parent rubric: {BUILTIN}:"
        f"{builtin_row_line('产出/职责履行/实际完成率')})")


def test_rule_false_turns_the_leaf_into_a_parent(tmp_path: Path) -> None:
    rubric = pr.load_rubric(write(tmp_path, SPLIT + '''
    [[indicator]]
    path = "产出/职责履行/实际完成率"
    rule = false
    '''))
    node = rubric.indicator("产出/职责履行/实际完成率")
    # the national row had measure, unit = "%" and a ratio rule: all gone with rule = false
    assert node.rule is None and node.measure is None and node.unit is None
    assert node.points == 15 and node.criterion == "按完成比例计算得分，满分为止"
    assert kids(rubric, "产出/职责履行/实际完成率") == ["数量", "质量"]
    # judged leaves take the evaluator's score: 10 + 3 = 13 for the former leaf
    data = hand_made()
    data["assessment"] = [*data["assessment"],  # type: ignore[misc]
                          {"indicator": "产出/职责履行/实际完成率/数量", "score": 10},
                          {"indicator": "产出/职责履行/实际完成率/质量", "score": 3}]
    ev = pr.evaluate(rubric, data)
    assert ev.results["产出/职责履行/实际完成率"].score == 13


def test_rule_false_without_children_is_an_error(tmp_path: Path) -> None:
    (p,) = problems(write(tmp_path, '''
    [[indicator]]
    path = "产出/职责履行/实际完成率"
    rule = false
    '''))
    assert (p.line, p.path) == (9, "indicator[0].rule")
    assert "has no rows under it, so it stays a leaf and needs a rule" in p.message


def test_rule_false_on_a_new_row_or_without_extends(tmp_path: Path) -> None:
    found = problems(write(tmp_path, '''
    [[indicator]]
    path = "产出/职责履行/新指标"
    points = 1
    rule = false
    '''))
    new = [p for p in found if p.path == "indicator[0].rule"]
    assert len(new) == 1 and new[0].line == 10
    assert new[0].message == ("'rule = false' drops the rule of a row of the parent rubric, "
                              "but '产出/职责履行/新指标' is a new row")
    with pytest.raises(pr.RubricError, match="only for a rubric that extends another"):
        pr.loads_rubric('[rubric]\nid="x"\nversion="1"\ntitle="t"\n'
                        '[[indicator]]\npath="a"\npoints=100\nrule=false\n')


# -- sums located in the child --------------------------------------------------------


def test_a_sum_broken_by_an_added_row_is_located_at_that_row(tmp_path: Path) -> None:
    # 在职 5 + 三公 5 + new 2 = 12 ≠ 10
    (p,) = problems(write(tmp_path, '''
    [[indicator]]
    path = "投入/预算配置/重点支出安排率"
    points = 2
    measure = "budget.key_project / budget.project"
    rule = { kind = "ratio" }
    '''))
    assert (p.file, p.line, p.path) == (str(tmp_path / "local.toml"), 9, "indicator[0].points")
    assert p.message == ("the children of '投入/预算配置' add up to 12 points, but it has 10 "
                         f"(its row in the parent rubric: {BUILTIN}:"
                         f"{builtin_row_line('投入/预算配置')})")


def test_top_tier_sum_broken_by_the_child_is_located_in_it(tmp_path: Path) -> None:
    # 投入 10 → 15 (and 投入/预算配置 15: 在职 10 + 三公 5), so the top tier is 105
    found = problems(write(tmp_path, '''
    [[indicator]]
    path = "投入"
    points = 15

    [[indicator]]
    path = "投入/预算配置"
    points = 15

    [[indicator]]
    path = "投入/预算配置/在职人员控制率"
    points = 10
    '''))
    (p,) = found
    assert (p.line, p.path) == (9, "indicator[0].points")
    assert p.message.startswith("the top-tier indicators add up to 105 points, but the full "
                                "marks are 100 (its row in the parent rubric: "
                                f"{BUILTIN}:")


def test_either_or_points_changed_by_the_child_are_located_in_it(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text(textwrap.dedent('''\
        [rubric]
        id = "p"
        version = "1"
        title = "p"

        [[indicator]]
        path = "甲"
        points = 100

        [[indicator]]
        path = "甲/a"
        points = 50
        rule = { kind = "judged" }

        [[indicator]]
        path = "甲/b"
        points = 50
        rule = { kind = "judged" }

        [[indicator]]
        path = "甲/c"
        points = 50
        rule = { kind = "judged" }

        [[either_or]]
        alternatives = ["甲/a", "甲/b"]
        '''), encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text(textwrap.dedent('''\
        [rubric]
        extends = "parent.toml"
        id = "c"
        version = "1"
        title = "c"

        [[indicator]]
        path = "甲/b"
        points = 40
        '''), encoding="utf-8")
    # a|b count once (50) + c 50 = 100: the sums hold, the group's points differ (50 vs 40)
    (p,) = problems(child)
    assert (p.file, p.line, p.path) == (str(child), 9, "indicator[0].points")
    assert p.message == ("the alternatives of an either-or group must have equal points, got "
                         f"40, 50 (the group in the parent rubric: {tmp_path / 'parent.toml'}:25)")


def test_points_among_weighted_siblings_are_located_in_the_child(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text(textwrap.dedent('''\
        [rubric]
        id = "p"
        version = "1"
        title = "p"

        [[indicator]]
        path = "甲"
        points = 100

        [[indicator]]
        path = "甲/a"
        weight = 1
        rule = { kind = "judged" }

        [[indicator]]
        path = "甲/b"
        weight = 1
        rule = { kind = "judged" }
        '''), encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text(textwrap.dedent('''\
        [rubric]
        extends = "parent.toml"
        id = "c"
        version = "1"
        title = "c"

        [[indicator]]
        path = "甲/c"
        points = 10
        rule = { kind = "judged" }
        '''), encoding="utf-8")
    found = problems(child)
    mixing = [p for p in found if "mix 'points' and 'weight'" in p.message]
    assert len(mixing) == 1
    (p,) = mixing
    assert (p.file, p.line, p.path) == (str(child), 9, "indicator[0].points")
    assert p.message.endswith(f"(its weighted sibling in the parent rubric: "
                              f"{tmp_path / 'parent.toml'}:10)")


NAMES = ["a", "b", "c", "d", "e"]
FIVE = '[rubric]\nid = "p"\nversion = "1"\ntitle = "p"\n\n[[indicator]]\npath = "甲"\npoints = 100\n' \
    + "".join(f'\n[[indicator]]\npath = "甲/{n}"\npoints = 20\nrule = {{ kind = "judged" }}\n'
              for n in NAMES)


@settings(max_examples=30, deadline=None)
@given(moved=st.sampled_from(NAMES), target=st.sampled_from(NAMES),
       key=st.sampled_from(["after", "before"]))
def test_moving_a_row_places_it_next_to_its_sibling(moved: str, target: str, key: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "parent.toml").write_text(FIVE, encoding="utf-8")
        child = base / "child.toml"
        child.write_text('[rubric]\nextends = "parent.toml"\nid = "c"\nversion = "1"\n'
                         f'title = "c"\n\n[[indicator]]\npath = "甲/{moved}"\n'
                         f'{key} = "{target}"\n', encoding="utf-8")
        if moved == target:   # a row is not its own sibling: a located error
            (p,) = problems(child)
            assert p.path == f"indicator[0].{key}" and "no sibling of that name" in p.message
            return
        order = kids(pr.load_rubric(child), "甲")
    # the others keep their order; the moved row sits right after / before the target
    expected = [n for n in NAMES if n != moved]
    at = expected.index(target) + (1 if key == "after" else 0)
    expected.insert(at, moved)
    assert order == expected


def test_measure_false_keeps_a_leaf_scored_from_assessments(tmp_path: Path) -> None:
    rubric = pr.load_rubric(write(tmp_path, '''
    [[indicator]]
    path = "产出/职责履行/实际完成率"
    measure = false
    '''))
    node = rubric.indicator("产出/职责履行/实际完成率")
    assert node.measure is None and node.rule is not None and node.rule.kind == "ratio"
    # no measure: the evaluator's value is scored by the ratio rule, 90% × 15 = 13.5
    data = hand_made()
    data["assessment"] = [*data["assessment"],  # type: ignore[misc]
                          {"indicator": "产出/职责履行/实际完成率", "value": "90%"}]
    assert pr.evaluate(rubric, data).results["产出/职责履行/实际完成率"].score == \
        Decimal("13.5")
