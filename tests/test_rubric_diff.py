"""Rubric diffs: a child against its parent, the seed table against a built-in, renames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import perfrubric as pr
from perfrubric.analysis.rubric_diff import FieldChange, diff_rubrics

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "kaifu-commerce-2021"


def test_child_against_parent_shows_exactly_the_local_changes() -> None:
    parent = pr.builtin("mof-2013-department")
    child = pr.load_rubric(SEED / "national.toml")
    diff = diff_rubrics(parent, child)
    # national.toml overrides 14 indicators, each only declaring it outside the comparison:
    # applicable = "false" and not_applicable = "exclude" (the built-in's default is
    # "full" where it declares no condition; two rows had a condition of their own).
    assert len(diff.indicators) == 14
    assert {d.status for d in diff.indicators} == {"changed"}
    declared = FieldChange("not_applicable", "full", "exclude")
    conditions = {d.path: d.changes for d in diff.indicators}
    assert conditions.pop("投入/预算配置/三公经费变动率") == (
        FieldChange("applicable", "budget.sangong.previous_budget > 0", "false"), declared)
    assert conditions.pop("效果/履职效益/生态效益") == (
        FieldChange("applicable",
                    "not has(facts.no_ecological_duty) or not facts.no_ecological_duty",
                    "false"), declared)
    assert set(conditions.values()) == {(FieldChange("applicable", None, "false"), declared)}
    assert diff.settings == ()
    # In table order: 三公经费变动率 is the first row national.toml overrides.
    assert diff.indicators[0].path == "投入/预算配置/三公经费变动率"


def test_seed_rubric_against_builtin() -> None:
    diff = diff_rubrics(pr.builtin("mof-2013-department"), pr.load_rubric(SEED / "rubric.toml"))
    changed = {d.path: d.changes for d in diff.of("changed")}
    # The seed table gives 过程 10 points (资金管理规范性 only) where the framework gives 40.
    assert changed["过程"] == (FieldChange("points", "40", "10"),)
    assert "投入/预算配置/在职人员控制率" in {d.path_a for d in diff.of("removed")}
    assert "产出/数量/实际到位内资完成率" in {d.path_b for d in diff.of("added")}
    text = diff.render()
    # The built-in is version 2013.2 (whole steps in 预算完成率, declared applicability).
    assert text.startswith("--- mof-2013-department 2013.2\n+++ kaifu-commerce-2021 2021.1\n")
    assert "- removed  投入/预算配置/在职人员控制率" in text


def _rubric(rows: list[dict[str, Any]], **extra: Any) -> pr.Rubric:
    head = {"id": "t", "version": "1", "title": "t", **extra.pop("head", {})}
    return pr.rubric_from_dict({"rubric": head, "indicator": rows, **extra})


def _leaf(path: str, points: str = "50", measure: str = "facts.a",
          kind: str = "yes_no") -> dict[str, Any]:
    return {"path": path, "points": points, "measure": measure, "rule": {"kind": kind}}


def test_rename_by_measure_and_rule_and_points_change() -> None:
    a = _rubric([_leaf("预算执行率"), _leaf("公开", measure="facts.b")])
    b = _rubric([_leaf("全年预算执行率"), _leaf("公开", points="50", measure="facts.c")])
    diff = diff_rubrics(a, b)
    renamed, changed = diff.of("renamed"), diff.of("changed")
    assert [(d.path_a, d.path_b, d.changes) for d in renamed] == [
        ("预算执行率", "全年预算执行率", ())]
    assert [d.changes for d in changed] == [(FieldChange("measure", "facts.b", "facts.c"),)]
    assert not diff.of("added") and not diff.of("removed")


def test_unrelated_rows_are_added_and_removed() -> None:
    a = _rubric([_leaf("甲"), _leaf("乙", measure="facts.b")])
    b = _rubric([_leaf("甲"), _leaf("丙", measure="facts.c", kind="ratio")])
    diff = diff_rubrics(a, b)
    assert [(d.status, d.path) for d in diff.indicators] == [("added", "丙"),
                                                             ("removed", "乙")]


def test_grades_and_vetoes_are_compared() -> None:
    rows = [_leaf("甲", points="100")]
    a = _rubric(rows)
    grades = [{"name": "优", "min": 85}, {"name": "良", "min": 70}, {"name": "中", "min": 60},
              {"name": "差", "min": 0}]
    b = _rubric(rows, head={"grades": grades},
                veto=[{"name": "违纪", "when": "facts.v", "reason": "r", "grade_at_most": "中",
                       "missing": "pass"}])
    diff = diff_rubrics(a, b)
    fields = {c.field: c for c in diff.settings}
    assert fields["grades"].before == "优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 ≥ 0"
    assert fields["grades"].after == "优 ≥ 85, 良 ≥ 70, 中 ≥ 60, 差 ≥ 0"
    assert fields["veto 违纪"].before is None
    assert fields["veto 违纪"].after == "facts.v → grade ≤ 中"


def test_same_rubric_and_formats() -> None:
    r = pr.builtin("mof-2013-department")
    assert diff_rubrics(r, r).same
    diff = diff_rubrics(r, pr.load_rubric(SEED / "national.toml"))
    doc = json.loads(diff.render("json"))
    assert doc["same"] is False and len(doc["indicators"]) == 14  # as above
    md = diff.render("markdown")
    assert "| changed | 过程/预算执行/预算完成率 | applicable | — | false |" in md
    assert "| changed | 过程/预算执行/预算完成率 | not_applicable | full | exclude |" in md
    with pytest.raises(pr.PerfrubricError, match="unknown format"):
        diff.render("html")
