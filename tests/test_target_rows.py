"""Targets written as a project form prints them: loading, located errors, issue 9 (1, 2)."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.data import load_data, structure_department, unstructure_department

D = Decimal


def dept(*targets: dict[str, object]) -> dict[str, object]:
    return {"department": {"name": "某镇人民政府", "year": 2022}, "target": list(targets)}


def problems(doc: dict[str, object]) -> list[str]:
    with pytest.raises(pr.DataError) as info:
        structure_department(doc)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


def test_printed_columns_load() -> None:
    d = structure_department(dept(
        {"name": "基建工程委托业务项目数量", "indicator": "产出指标/数量指标", "points": 8,
         "target": "≥50个", "actual": "50个"},
        {"name": "项目总成本", "indicator": "产出指标/成本指标", "points": 10,
         "target": "≤90万元", "actual": "900000元", "reason": "无偏差"},
        {"name": "群众满意度", "indicator": "满意度指标/服务对象满意度指标", "points": 10,
         "target": "≥90%", "actual": "96%"},
        {"name": "带动就业", "indicator": "效益指标/社会效益指标", "points": 10,
         "target": "效果明显", "actual": "部分达成", "score": 7},
    ))
    qty, cost, sat, job = d.targets
    assert qty.id == "基建工程委托业务项目数量"            # derived from the name
    assert (qty.target, qty.actual, qty.unit, qty.direction) == (D(50), D(50), "个", "higher")
    assert (cost.target, cost.actual, cost.unit, cost.direction) == (D(90), D(90), "万元",
                                                                      "lower")
    assert cost.reached and cost.reason == "无偏差"
    assert (sat.target, sat.actual, sat.unit) == (D("0.9"), D("0.96"), "%")
    assert job.is_qualitative and job.level == "部分达成预期指标" and job.score == 7
    assert job.target is None and job.actual is None


def test_round_trip_keeps_printed_values() -> None:
    d = structure_department(dept(
        {"name": "成本", "target": "≤90万元", "actual": "88万元", "points": 10},
        {"name": "效果", "target": "效果明显", "level": "达成", "score": 9, "points": 10},
    ))
    doc = unstructure_department(d)
    assert doc["target"][0]["target"] == "≤90万元"
    back = structure_department(doc)
    assert back == d
    assert back.targets[0].printed_target is not None
    assert back.targets[0].printed_target.text == "≤90万元"


def test_derived_ids_are_unique_and_identifiers() -> None:
    d = structure_department(dept({"name": "项目总成本（万元）"}, {"name": "项目总成本（万元）"},
                                  {"name": "2022年完工率"}))
    assert [t.id for t in d.targets] == ["项目总成本_万元", "项目总成本_万元_2", "t_2022年完工率"]


@pytest.mark.parametrize(("row", "where", "message"), [
    ({"name": "a", "target": "≥85%", "actual": "88"}, "target[0].actual",
     "'88' has no unit but the target '≥85%' is a percentage"),
    ({"name": "a", "target": 85, "actual": "88%"}, "target[0].actual",
     "'88%' is a percentage but the target '85' is a plain number"),
    ({"name": "a", "target": "85%", "actual": 88}, "target[0].actual",
     "'88' has no unit but the target '85%' is a percentage"),
    ({"name": "a", "target": 85, "actual": 88, "unit": "%"}, "target[0].target",
     'with unit = \'%\', write the value as a percentage, e.g. "85%"'),
    ({"name": "a", "target": "≥50个", "actual": "50人"}, "target[0].actual", "is in 人"),
    ({"name": "a", "target": "≥5O个"}, "target[0].target", "unknown unit 'O个'"),
    ({"name": "a", "target": "≥50个", "actual": "≥50个"}, "target[0].actual",
     "an actual value is a result"),
    ({"name": "a", "target": "≥50个", "level": "达成"}, "target[0].level",
     "judges a qualitative target"),
    ({"name": "a", "target": "效果明显", "level": "很好"}, "target[0].level",
     "unknown level '很好'"),
    ({"name": "a", "target": "效果明显", "level": "达成", "score": 12, "points": 10},
     "target[0].score", "above the row's 10 points"),
    ({"name": "a", "target": "≤90万元", "direction": "lower", "unit": "个"}, "target[0].unit",
     "unit = '个' but the target '≤90万元' is written in 万元"),
    ({"name": "a", "target": "≥90%", "direction": "lower"}, "target[0].direction",
     "says more is better"),
    ({"name": "a", "target": ["≥50个"]}, "target[0].target", "got a list"),
])
def test_malformed_rows_are_located(row: dict[str, object], where: str, message: str) -> None:
    found = problems(dept(row))
    assert any(p.startswith(where + ":") and message in p for p in found), found


def test_error_has_file_line(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(textwrap.dedent('''\
        [department]
        name = "某镇"

        [[target]]
        name = "优良路率"
        target = "≥85%"
        actual = "88"
        '''), encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        load_data(path)
    (problem,) = info.value.problems
    assert problem.path == "target[0].actual" and problem.line == 7


# -- issue 9, items 1 and 2: percentages printed 100× too small, mixed notation ------


def percent_rubric() -> pr.Rubric:
    return pr.rubric_from_dict({
        "rubric": {"id": "t", "version": "1", "title": "t"},
        "indicator": [{"path": "优良路率", "points": 100,
                       "measure": "targets.road.actual / targets.road.target", "unit": "%",
                       "rule": {"kind": "ratio"}}]})


def test_percent_target_sentence_is_not_100_times_too_small() -> None:
    ev = pr.evaluate(percent_rubric(), dept(
        {"id": "road", "name": "优良路率", "target": "85%", "actual": "88%"}))
    zh = pr.target_sentence(ev, "road").text
    en = pr.target_sentence(ev, "road", locale="en").text
    assert "88%" in zh and "85%" in zh and "0.88" not in zh, zh
    assert "88%" in en and "85%" in en and "0.88" not in en, en


def test_docs_error_rate_reads_in_percent() -> None:
    # data.md: 数据差错率 target "1%", actual "1.25%" (was printed 0.0125% / 0.01%)
    ev = pr.evaluate(percent_rubric(), dept(
        {"id": "road", "name": "优良路率", "target": "85%", "actual": "88%"},
        {"id": "err", "name": "数据差错率", "unit": "%", "direction": "lower",
         "target": "1%", "actual": "1.25%"}))
    text = pr.target_sentence(ev, "err").text
    assert "1.25%" in text and "1%" in text and "0.0125" not in text, text
