"""Malformed evaluation JSON for compare, and diff_rubrics' words, renames and scale.

Every malformed input is a located ``CompareError`` (a ``DataError``), exit 1
from the CLI; never a TypeError, a recursion error or exit 3.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

import perfrubric as pr
from perfrubric.analysis import diff_rubrics
from perfrubric.analysis._rulewords import band_words, rule_changes
from perfrubric.analysis.comparison import CompareError, compare, load_evaluation_json
from perfrubric.analysis.rubric_diff import FieldChange
from perfrubric.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "analysis"


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    ev = pr.evaluate(pr.builtin("mof-2013-department"), DATA / "mof2013-2020.toml")
    doc: dict[str, Any] = json.loads(json.dumps(ev.to_dict()))
    return doc


def _run(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    return main([str(a) for a in argv], out=out), out.getvalue()


def _bad(doc: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node: Any = doc
    keys = where.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    last = keys[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(("where", "value", "path", "message"), [
    ("year", "2020", "year", "expected a whole number, got the text '2020'"),
    ("indicators.2.depth", "2", "indicators[2].depth", "expected a whole number"),
    ("grade", 3, "grade", "expected text, got the number 3"),
    ("indicators.2.depth", 10**39, "indicators[2].depth", "(a number of 40 digits)"),
    ("total", "9" * 5000, "total", "expected a number"),
    ("indicators.0.score", [1], "indicators[0].score", "expected a number, got a list"),
    ("indicators.1", "x", "indicators[1]", "expected an indicator"),
    ("indicators", {"a": 1}, "indicators", "expected a list"),
    ("rubric", 5, "rubric", "expected a table"),
    ("indicators.0.path", None, "indicators[0].path", "needs a 'path'"),
])
def test_malformed_fields_are_located(good: dict[str, Any], where: str, value: Any,
                                      path: str, message: str) -> None:
    with pytest.raises(CompareError) as info:
        compare(good, _bad(good, where, value))
    problem = info.value.problems[0]
    assert problem.path == path and message in problem.message
    assert isinstance(info.value, pr.DataError)


@pytest.mark.parametrize("case", ["year", "depth", "grade", "depth40", "nested", "digits"])
def test_malformed_files_exit_1_with_the_file_named(tmp_path: Path, good: dict[str, Any],
                                                    case: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = {
        "year": lambda: json.dumps(_bad(good, "year", "2020")),
        "depth": lambda: json.dumps(_bad(good, "indicators.2.depth", "two")),
        "grade": lambda: json.dumps(_bad(good, "grade", 1)),
        "depth40": lambda: json.dumps(_bad(good, "indicators.2.depth", 10**39)),
        "nested": lambda: "[" * 100_000 + "]" * 100_000,
        "digits": lambda: json.dumps(good).replace(f'"total": "{good["total"]}"',
                                                   '"total": ' + "9" * 5000),
    }[case]()
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    fine = tmp_path / "good.json"
    fine.write_text(json.dumps(good), encoding="utf-8")
    code, _ = _run("compare", fine, bad)
    err = capsys.readouterr().err
    assert code == 1, err
    assert str(bad) in err and "Traceback" not in err


def test_a_file_read_back_compares(tmp_path: Path, good: dict[str, Any]) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert compare(load_evaluation_json(str(path)), good).total_delta == 0


def test_counts_are_called_counts() -> None:
    rubric = pr.builtin("mof-2013-department")
    a = pr.evaluate(rubric, DATA / "mof2013-2020.toml")
    b = pr.evaluate(rubric, DATA / "mof2013-2021.toml")
    rows = {r.name: r for r in compare(a, b).rows}
    assert rows["资金使用合规性"].is_count
    zh, en = compare(a, b).narrative(), compare(a, b).narrative(locale="en")
    # 2020: 2 violations (5 − 2 × 1 = 3 points); 2021: 1 (4 points): +1.
    assert "资金使用合规性违规次数由2降至1（+1分）" in zh
    assert "violations down from 2 to 1 (+1 point)" in en
    # Read back from JSON, the rule kind still says it is a count.
    again = compare(json.loads(json.dumps(a.to_dict())), json.loads(json.dumps(b.to_dict())))
    assert "违规次数由2降至1" in again.narrative()


# -- diff_rubrics ----------------------------------------------------------------------


def _rubric(rows: list[dict[str, Any]]) -> pr.Rubric:
    return pr.rubric_from_dict({"rubric": {"id": "t", "version": "1", "title": "t",
                                           "full_marks": 5}, "indicator": rows})


def _bands(first: int) -> dict[str, Any]:
    return {"kind": "bands", "better": "lower", "bands": [
        {"equals": 0, "points": first}, {"over": 0, "upto": "0.1", "points": 3},
        {"over": "0.1", "points": 0}]}


def test_band_words_are_the_tables_own() -> None:
    assert band_words({"equals": "0", "points": "5"}, True) == "=0%计5分"
    assert band_words({"equals": "0", "points": "5"}, False) == "=0计5分"
    assert band_words({"over": "0", "upto": "0.1", "points": "4"}, True) == "0–10%(含)计4分"
    assert band_words({"over": "0.3", "points": "0"}, True) == ">30%不得分"
    assert band_words({"from": "90", "below": "100", "points": "2.5"}, False) == \
        "90(含)–100计2.5分"


def test_rule_changes_show_only_what_changed() -> None:
    a = _rubric([{"path": "调整率", "points": 5, "measure": "facts.a", "rule": _bands(5)}])
    b = _rubric([{"path": "调整率", "points": 5, "measure": "facts.a", "rule": _bands(4)}])
    [row] = diff_rubrics(a, b).indicators
    assert row.changes == (FieldChange("bands", "=0计5分", "=0计4分"),)
    assert "bands: =0计5分 → =0计4分" in diff_rubrics(a, b).render()
    # Another kind: both rules whole, in words.
    assert rule_changes({"kind": "per_event", "deduct": "1"}, {"kind": "yes_no"}) == [
        ("rule", "per_event（deduct: 1）", "yes_no")]
    levels = [{"level": "好", "share": "1"}, {"level": "较好", "share": "0.8"}]
    lower = [{"level": "好", "share": "1"}, {"level": "较好", "share": "0.7"}]
    assert rule_changes({"kind": "levels", "levels": levels},
                        {"kind": "levels", "levels": lower}) == [
        ("levels", "较好计80%", "较好计70%")]


def test_an_explicit_rename_is_a_rename(tmp_path: Path) -> None:
    child = tmp_path / "child.toml"
    # 资金使用合规性 → 违规资金 shares no name and, with its new rule, no rule either:
    # only the child's own `rename` says they are the same row.
    child.write_text('[rubric]\nid = "c"\nversion = "1"\ntitle = "c"\n'
                     'extends = "mof-2013-department"\n\n[[indicator]]\n'
                     'path = "过程/预算管理/资金使用合规性"\nrename = "违规资金"\n'
                     'rule = { kind = "per_event", event = "违规", event_en = "violations", '
                     'deduct = 2 }\n', encoding="utf-8")
    diff = diff_rubrics(pr.builtin("mof-2013-department"), pr.load_rubric(child))
    assert [(d.status, d.path_a, d.path_b, d.changes) for d in diff.indicators] == [
        ("renamed", "过程/预算管理/资金使用合规性", "过程/预算管理/违规资金",
         (FieldChange("deduct", "1", "2"),))]
    # Without the declaration the rows share nothing: a removal and an addition.
    plain = diff_rubrics(pr.builtin("mof-2013-department"), pr.load_rubric(child), renames={})
    assert {d.status for d in plain.indicators} == {"added", "removed"}


def _flat(n: int, tag: str) -> pr.Rubric:
    rows = [{"path": f"{tag}{i}号", "points": 1, "measure": f"facts.x{i % 9}",
             "rule": {"kind": "threshold", "threshold": i % 7 + 1, "full_when": "at_least"}}
            for i in range(n)]
    return pr.rubric_from_dict({"rubric": {"id": tag, "version": "1", "title": "t",
                                           "full_marks": n}, "indicator": rows})


def test_large_rubrics_match_by_name_through_the_index() -> None:
    # 600 × 600 unmatched rows (over the exhaustive limit): the index must still pair
    # 甲17号 with 甲17号了 (a close name) and leave unrelated rows apart.
    a = _flat(600, "甲")
    rows = [{"path": f"甲{i}号了", "points": 1, "measure": f"facts.x{i % 9}",
             "rule": {"kind": "ratio"}} for i in range(600)]
    b = pr.rubric_from_dict({"rubric": {"id": "b", "version": "1", "title": "t",
                                        "full_marks": 600}, "indicator": rows})
    diff = diff_rubrics(a, b)
    renamed = {d.path_a: d.path_b for d in diff.of("renamed")}
    # 甲1234号 vs 甲1234号了: ratio 2·6/13 ≈ 0.92 ≥ 0.8 for the 4-digit names; the
    # shortest (甲0号, 甲0号了: 2·3/7 ≈ 0.86) too.
    assert renamed["甲0号"] == "甲0号了" and renamed["甲517号"] == "甲517号了"
    assert len(renamed) == 600 and not diff.of("added")
