"""Issue 16 follow-up: a qualitative row's printed 得分 is reviewed, never refused;
an ``extends`` row at a mistyped path names the parent's row.

The 2020 form's rule for a qualitative row (财预〔2020〕10号): 达成预期指标 80–100%
of the row's points, 部分达成预期指标 60–80%, 未达成预期指标 0–60%, the evaluator
scoring inside the band.  Under ``[form] scores = "rule"`` a printed score inside
the band is the evaluator's score and counts; outside it, the rule's score is the
band's nearest bound and the row is an ``outside_band`` deviation; a printed score
with no judgement (no level, no actual) is a ``no_figures`` deviation against the
rule's 0.  Under ``scores = "printed"`` the printed score counts.  The budget row
is 95 / 100 = 95% × 10 = 9.5 throughout.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.testing import printed_forms

D = Decimal
RUBRIC = pr.builtin("mof-2020-project-self")
OUT, SOC, SAT = "产出指标/数量指标", "效益指标/社会效益指标", "满意度指标/服务对象满意度指标"


def _row(name: str, where: str, points: int, target: str | None = None, **extra: Any
         ) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "indicator": where, "points": points}
    if target is not None:
        row["target"] = target
    return {**row, **extra}


def _form(rows: list[dict[str, Any]], scores: str = "rule") -> dict[str, Any]:
    return {"department": {"name": "某县某局", "year": 2021},
            "budget": {"adjusted": "100万元", "final": "95万元"},
            "form": {"points": "as_printed", "scores": scores}, "target": rows}


def _rows(qualitative: dict[str, Any]) -> list[dict[str, Any]]:
    """产出 40 (reached) / 效益: one qualitative row of 10 + a reached row of 20 / 满意度 20."""
    return [_row("数量", OUT, 40, "≥40处", actual="40处", score=40),
            {**_row("提升", SOC, 10, "明显提升"), **qualitative},
            _row("覆盖率", SOC, 20, "≥90%", actual="95%", score=20),
            _row("满意度", SAT, 20, "≥90%", actual="95%", score=20)]


QUAL = f"{SOC}/提升"


def _kinds(ev: pr.Evaluation) -> list[tuple[str, str, str, str, str]]:
    return [(d.name, d.kind, str(d.printed), str(d.rule), str(d.difference))
            for d in ev.deviations]


# -- scores = "rule" ------------------------------------------------------------------------


def test_inside_the_band_the_evaluators_score_counts_as_before() -> None:
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "部分达成预期指标", "score": 7})))
    # 部分达成 60–80% of 10 = 6–8: 7 is inside, it counts; no deviation.
    # 9.5 + 40 + 7 + 20 + 20 = 96.5
    assert ev.results[QUAL].score == D(7)
    assert ev.deviations == ()
    assert ev.total == ev.printed_total == ev.rule_total == D("96.5")


def test_above_the_band_is_a_deviation_against_the_bands_top() -> None:
    # The case: 10 of 10 printed for 部分达成预期指标 (band 60–80% = 6–8).
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "部分达成预期指标", "score": 10})))
    assert ev.results[QUAL].score == D(8)
    assert _kinds(ev) == [("提升", "outside_band", "10", "8.00", "2.00")]
    # rule 9.5 + 40 + 8 + 20 + 20 = 97.5; printed 9.5 + 40 + 10 + 20 + 20 = 99.5
    assert (ev.total, ev.rule_total, ev.printed_total) == (D("97.5"), D("97.5"), D("99.5"))
    note = ev.results[QUAL].note or ""
    assert "outside the band of 部分达成预期指标" in note and "band's top, 8" in note


def test_below_the_band_is_a_deviation_against_the_bands_bottom() -> None:
    # 达成预期指标 is 80–100% of 10 = 8–10; 5 printed is below: the rule's score is 8.
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "达成预期指标", "score": 5})))
    assert _kinds(ev) == [("提升", "outside_band", "5", "8.00", "-3.00")]
    assert "band's bottom, 8" in (ev.results[QUAL].note or "")


def test_a_repeated_target_with_a_score_outside_the_band() -> None:
    # 有效 → 有效 reads as 达成预期指标 (8–10 of 10); 6 printed: the rule gives 8.
    ev = pr.evaluate(RUBRIC, _form(_rows({"target": "有效", "actual": "有效", "score": 6})))
    assert _kinds(ev) == [("提升", "outside_band", "6", "8.00", "-2.00")]
    note = ev.results[QUAL].note or ""
    assert "repeats the target's text" in note and "outside the band" in note


def test_a_repeated_target_with_a_score_inside_the_band_counts() -> None:
    # 9 lies in 8–10: the evaluator's score, as docs/projects.md says (band top unless
    # a score is given); the note still says how the actual was read.
    ev = pr.evaluate(RUBRIC, _form(_rows({"target": "有效", "actual": "有效", "score": 9})))
    assert ev.results[QUAL].score == D(9) and ev.deviations == ()
    assert "repeats the target's text" in (ev.results[QUAL].note or "")


def test_a_score_without_a_judgement_is_scored_without_figures() -> None:
    # No level, no actual: the rule has nothing to judge, the row earns 0 (not
    # reported) and the printed 9 is a no_figures deviation — not a refusal.
    ev = pr.evaluate(RUBRIC, _form(_rows({"score": 9})))
    assert (ev.results[QUAL].status, ev.results[QUAL].score) == ("missing", D(0))
    assert _kinds(ev) == [("提升", "no_figures", "9", "0", "9")]
    # rule 9.5 + 40 + 0 + 20 + 20 = 89.5; printed 98.5
    assert (ev.total, ev.printed_total) == (D("89.5"), D("98.5"))


def test_above_the_rows_points_is_its_own_kind() -> None:
    # 12 on a row of 10: above its points (it is outside the band too; the graver kind
    # is named).  The rule: 部分达成 top, 8.
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "部分达成预期指标", "score": 12})))
    assert _kinds(ev) == [("提升", "above_points", "12", "8.00", "4.00")]


def test_a_description_without_a_level_is_still_refused() -> None:
    # A printed score does not judge a description: the actual needs its level.
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(RUBRIC, _form(_rows({"actual": "有所提升", "score": 7})))
    assert any(p.path == "target[1].actual" and "give the judgement as level" in p.message
               for p in info.value.problems), info.value.problems


# -- scores = "printed" ---------------------------------------------------------------------


def test_printed_outside_the_band_counts_with_the_rule_beside_it() -> None:
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "部分达成预期指标", "score": 10}),
                                   scores="printed"))
    row = ev.results[QUAL]
    # the printed 10 counts; the trace keeps the rule's 8 (the band's top) beside it
    assert (row.status, row.score, row.rule_score) == ("overridden", D(10), D(8))
    assert row.override is not None and row.override.assessor == "printed form (得分)"
    # 9.5 + 40 + 10 + 20 + 20 = 99.5, the form's own total; by the rule 97.5
    assert (ev.total, ev.rule_total) == (D("99.5"), D("97.5"))
    assert _kinds(ev) == [("提升", "outside_band", "10", "8.00", "2.00")]


def test_printed_without_a_judgement_counts() -> None:
    ev = pr.evaluate(RUBRIC, _form(_rows({"score": 9}), scores="printed"))
    row = ev.results[QUAL]
    assert (row.status, row.score, row.rule_score) == ("overridden", D(9), D(0))
    assert ev.total == D("98.5")  # 9.5 + 40 + 9 + 20 + 20
    assert _kinds(ev) == [("提升", "no_figures", "9", "0", "9")]


def test_printed_inside_the_band_is_the_evaluators_score() -> None:
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "未达成预期指标", "score": 5}),
                                   scores="printed"))
    # 未达成 0–60% of 10 = 0–6: 5 counts as the evaluator's score, not an override
    assert (ev.results[QUAL].status, ev.results[QUAL].score) == ("scored", D(5))
    assert ev.deviations == () and ev.total == D("94.5")  # 9.5 + 40 + 5 + 20 + 20


def test_printed_above_the_points_cannot_count() -> None:
    with pytest.raises(pr.DataError) as info:
        pr.evaluate(RUBRIC, _form(_rows({"level": "达成预期指标", "score": 11}),
                                  scores="printed"))
    assert any(p.path == "target[1].score" and "above the row's 10 points" in p.message
               for p in info.value.problems)


BANDS = {"达成预期指标": (D("0.8"), D(1)), "部分达成预期指标": (D("0.6"), D("0.8")),
         "未达成预期指标": (D(0), D("0.6"))}


@settings(max_examples=60, deadline=None)
@given(level=st.sampled_from(sorted(BANDS)),
       tenths=st.integers(min_value=0, max_value=100))
def test_any_printed_score_is_reviewed_against_the_clamped_band(level: str, tenths: int
                                                                 ) -> None:
    printed = D(tenths) / 10  # 0.0 … 10.0 on a row of 10 points
    low, high = (10 * b for b in BANDS[level])
    rule = min(max(printed, low), high)
    for scores in ("rule", "printed"):
        ev = pr.evaluate(RUBRIC, _form(_rows({"level": level, "score": str(printed)}),
                                       scores=scores))
        expected = [] if printed == rule else [("outside_band", printed - rule)]
        assert [(d.kind, d.difference) for d in ev.deviations] == expected
        assert ev.rule_total == D("89.5") + rule  # 9.5 + 40 + 20 + 20 + the row
        assert ev.total == (ev.rule_total if scores == "rule" else D("89.5") + printed)


# -- extends: a row at a path the parent does not have ---------------------------------------

HEAD = '''\
[rubric]
extends = "mof-2013-department"
id = "local"
version = "1"
title = "本地评分表"

[[indicator]]
path = "投入/预算配置/预算调整率"
rule = { kind = "bands", better = "lower", bands = [{ upto = "0%", points = 5 }, { over = "0%", points = 0 }] }
'''


@pytest.mark.parametrize(("extra", "why"), [
    # without points the row would be a new indicator that needs them
    ("", "which needs 'points'"),
    # with points, 在职人员控制率 5 + 三公经费变动率 5 + 5 = 15 under 投入/预算配置 (10)
    ("points = 5\n", "the children of '投入/预算配置' then add up to 15 points, not its 10"),
])
def test_a_mistyped_path_names_the_parents_row(tmp_path: Path, extra: str, why: str) -> None:
    path = tmp_path / "local.toml"
    path.write_text(HEAD + extra, encoding="utf-8")
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(path)
    [problem] = info.value.problems
    assert (problem.file, problem.path, problem.line) == (str(path), "indicator[0].path", 8)
    assert "the parent rubric has no row '投入/预算配置/预算调整率'" in problem.message
    assert why in problem.message
    assert "did you mean the parent's row '过程/预算执行/预算调整率'" in problem.message


def test_the_right_path_changes_the_parents_row(tmp_path: Path) -> None:
    path = tmp_path / "local.toml"
    path.write_text(HEAD.replace("投入/预算配置/预算调整率", "过程/预算执行/预算调整率"),
                    encoding="utf-8")
    rubric = pr.load_rubric(path)
    row = rubric.indicator("过程/预算执行/预算调整率")
    assert row.points == 5 and row.rule is not None and row.rule.kind == "bands"
    assert rubric.indicator("投入/预算配置").points == 10


def test_a_new_row_that_fits_is_still_added(tmp_path: Path) -> None:
    # A new row of the same name whose tier still adds up is an addition, not a mistake:
    # 投入 and 投入/预算配置 raised to 15 (5 + 5 + 5), 过程 and 过程/预算执行 lowered by 5
    # with the parent's 预算调整率 removed, so the total stays 100.
    body = textwrap.dedent('''\
        [rubric]
        extends = "mof-2013-department"
        id = "local"
        version = "1"
        title = "本地评分表"

        [[indicator]]
        path = "过程/预算执行/预算调整率"
        remove = true

        [[indicator]]
        path = "过程/预算执行"
        points = 15

        [[indicator]]
        path = "过程"
        points = 35

        [[indicator]]
        path = "投入"
        points = 15

        [[indicator]]
        path = "投入/预算配置"
        points = 15

        [[indicator]]
        path = "投入/预算配置/预算调整率"
        points = 5
        rule = { kind = "bands", better = "lower", bands = [{ upto = "0%", points = 5 }, { over = "0%", points = 0 }] }
        ''')
    path = tmp_path / "local.toml"
    path.write_text(body, encoding="utf-8")
    rubric = pr.load_rubric(path)
    assert rubric.indicator("投入/预算配置/预算调整率").points == 5
    assert rubric.indicator("投入/预算配置").points == 15


def test_a_mistyped_name_names_the_parents_row(tmp_path: Path) -> None:
    # 预算调正率 (a typo) has no points: the parent's 预算调整率 is the close name.
    path = tmp_path / "local.toml"
    path.write_text(HEAD.replace("投入/预算配置/预算调整率", "过程/预算执行/预算调正率"),
                    encoding="utf-8")
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(path)
    [problem] = info.value.problems
    assert "did you mean the parent's row '过程/预算执行/预算调整率'" in problem.message


def test_every_view_names_the_outside_band_kind() -> None:
    from perfrubric.engine.review import review_evaluation
    from perfrubric.views import form as form_view

    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "部分达成预期指标", "score": 10})))
    assert "提升自评10分，超出所评等级的分值区间，按规则复核8分" in pr.report_text(ev)
    assert "outside the band of its level" in pr.report_text(ev, locale="en")
    assert "(outside the band of its level)" in form_view.to_form_text(ev, locale="en")
    assert [d["kind"] for d in ev.to_dict()["deviations"]] == ["outside_band"]
    assert "超出等级区间" in pr.render_review([review_evaluation(ev, "f.toml")], "text",
                                         locale="zh_CN")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_message_catalogs_parse_cleanly(locale: str) -> None:
    # Every msgid of the catalog has its msgstr: a merge once left three without one,
    # and English output printed babel's warnings.
    from babel.messages.pofile import read_po

    path = (Path(pr.__file__).parent / "narrative" / "locale" / locale / "LC_MESSAGES"
            / "perfrubric.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    assert "{name}: printed {printed}, outside the band of its level; {rule} by the rule" \
        in catalog


@settings(max_examples=80, deadline=None)
@given(doc=printed_forms())
def test_generated_forms_review_every_qualitative_row(doc: dict[str, Any]) -> None:
    # Each printed score departs from the rule exactly when it is a deviation, and the
    # printed total is the rule's total plus the departures (outside the budget row,
    # whose printed score is reviewed the same way).
    ev = pr.evaluate(RUBRIC, doc)
    assert ev.printed_total is not None and ev.rule_total is not None
    assert ev.printed_total - ev.rule_total == sum((d.difference for d in ev.deviations), D(0))
    by_name = {d.name: d for d in ev.deviations}
    for row in doc["target"]:
        if row["target"] != "效果明显" or "score" not in row:
            continue
        found = by_name.get(row["name"])
        if "level" not in row:
            assert (found is None) == (row["score"] == 0)
            assert found is None or found.kind == "no_figures"
        else:
            low, high = (row["points"] * b for b in BANDS[row["level"]])
            assert (found is not None) == (not low <= row["score"] <= high)


def test_check_data_reads_the_printed_forms_own_points() -> None:
    # validate --data applies [form] points = "as_printed" as evaluate() does: the
    # theatre form (产出 70 / 效益 20 / 满意度 10) was refused as "add up to 70, but the
    # tier has 50" before.
    theatre = Path(__file__).parent.parent / "examples" / "printed-forms" \
        / "theatre-equipment-2022.toml"
    assert pr.check_data(RUBRIC, theatre) == []
    ev = pr.evaluate(RUBRIC, _form(_rows({"level": "部分达成预期指标", "score": 10})))
    assert ev.rubric.indicator("产出指标").points == 40  # as printed, not the official 50
    doc = _form(_rows({"level": "部分达成预期指标", "score": 10}))
    doc["budget"]["initial"] = "100万元"  # the figure 年初预算数 the rubric reads
    assert pr.check_data(RUBRIC, doc) == []
    doc["form"]["points"] = "official"  # 40 of 50 under 产出指标: refused, naming as_printed
    assert any("as_printed" in p.message for p in pr.check_data(RUBRIC, doc))
