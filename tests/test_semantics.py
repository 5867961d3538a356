"""Issue 9 semantics: not applicable vs not reported, every missing value at once,
warnings (one data file, several rubrics), clamped rule scores.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

import perfrubric as pr
from perfrubric import narrative, views
from perfrubric.cli import main
from perfrubric.indicators import (
    Direction,
    Outcome,
    ParamReader,
    RuleKind,
    as_number,
    register_kind,
)

HEAD = '[rubric]\nid = "s"\nversion = "1"\ntitle = "语义测试"\n'


def row(path: str, points: int, extra: str = "") -> str:
    return f'\n[[indicator]]\npath = "{path}"\npoints = {points}\n{extra}\n'


# 指标 100 = 执行率 40 + 楼堂馆所 30 (不适用 → exclude) + 满意度 30
RESCALING = (HEAD + row("指标", 100)
             + row("指标/执行率", 40, 'name_en = "Execution"\nmeasure = "facts.x"\n'
                   'rule = { kind = "ratio" }')
             + row("指标/楼堂馆所", 30, 'name_en = "Buildings"\nmeasure = "facts.b"\n'
                   'applicable = "facts.has_buildings"\nnot_applicable = "exclude"\n'
                   'rule = { kind = "ratio" }')
             + row("指标/满意度", 30, 'name_en = "Satisfaction"\nmeasure = "facts.c"\n'
                   'rule = { kind = "ratio" }'))

FACTS = {"x": 1, "c": "0.5", "has_buildings": False}
DEPT = {"name": "语义局", "year": 2022}


def data(facts: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    return {"department": DEPT, "facts": dict(facts), **more}


def rescaled() -> pr.Evaluation:
    return pr.evaluate(pr.loads_rubric(RESCALING), data(FACTS))


# -- not applicable: rescaled, said in the trace and every view -----------------------


def test_not_applicable_exclusion_is_in_the_trace() -> None:
    ev = rescaled()
    # 执行率 40 × 1 = 40; 满意度 30 × 0.5 = 15; 楼堂馆所 不适用 → left out
    # raw 55 over 70 counted → 55 × 100 / 70 = 78.5714… → 78.57 → 中
    assert (ev.raw_total, ev.counted_points, ev.total, ev.grade) == (
        Decimal(55), Decimal(70), Decimal("78.57"), "中")
    assert ev.rescaling == (pr.Rescaled("指标/楼堂馆所", Decimal(30), "not_applicable",
                                        "not applicable: 'facts.has_buildings' is false"),)
    assert ev.warnings == ()  # a declared not-applicable is no warning
    out = json.loads(json.dumps(ev.to_dict(), ensure_ascii=False))
    assert out["rescaling"] == [{"path": "指标/楼堂馆所", "points": "30",
                                 "reason": "not_applicable",
                                 "note": "not applicable: 'facts.has_buildings' is false"}]
    assert out["rescaled"] is True and out["warnings"] == []


ZH_RESCALING = ("按适用指标折算：适用指标分值70分，得分55分，折算为100分制；"
                "不计分指标：楼堂馆所（30分，不适用）")
EN_RESCALING = ("Rescaled to 100: 55 points earned of 70 applicable; "
                "left out: Buildings (30 points, not applicable)")


def test_rescaling_sentence_in_both_locales() -> None:
    ev = rescaled()
    zh = narrative.rescaling_sentence(ev)
    en = narrative.rescaling_sentence(ev, locale="en")
    assert zh is not None and en is not None
    assert zh.text == ZH_RESCALING and en.text == EN_RESCALING
    assert zh.values["left_out"] == list(ev.rescaling)
    assert narrative.indicator_sentence(ev, "指标/楼堂馆所").text == \
        "楼堂馆所：不适用，30分不计入，按适用指标折算"
    assert narrative.indicator_sentence(ev, "指标/楼堂馆所", locale="en").text == \
        "Buildings: not applicable; its 30 points are left out and the total rescaled"
    # the report says it, before the closing line
    kinds = [f.kind for f in narrative.fragments(ev)]
    assert kinds[-2:] == ["rescaling", "closing"]
    assert ZH_RESCALING in narrative.report_text(ev)
    assert EN_RESCALING in narrative.report_text(ev, locale="en")


def test_not_rescaled_has_no_rescaling_sentence() -> None:
    ev = pr.evaluate(pr.loads_rubric(RESCALING), data({**FACTS, "has_buildings": True, "b": 1}))
    assert not ev.rescaled and ev.rescaling == ()
    assert narrative.rescaling_sentence(ev) is None
    assert "rescaling" not in [f.kind for f in narrative.fragments(ev)]


@pytest.mark.parametrize("fmt", ["markdown", "csv", "html"])
def test_every_text_view_says_what_was_rescaled(fmt: str) -> None:
    ev = rescaled()
    zh = views.render(ev, fmt)
    en = views.render(ev, fmt, locale="en")
    assert isinstance(zh, str) and isinstance(en, str)
    assert ZH_RESCALING in zh and "不适用，不计分（折算）" in zh
    assert EN_RESCALING in en and "excluded: not applicable (rescaled)" in en


def test_html_marks_the_rescaled_footer_row() -> None:
    page = views.to_html(rescaled(), locale="en", layout="outline")
    # the sentence spans the Score, Lost and Status columns (8 columns, Score is the 6th)
    assert ('<tr data-total="rescaled"><td colspan="5">Rescaled</td>'
            f'<td class="rescaled" colspan="3">{EN_RESCALING}</td></tr>') in page


def test_xlsx_says_what_was_rescaled() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(views.to_xlsx(rescaled())))
    texts = [str(c.value) for r in book.active.iter_rows() for c in r if c.value is not None]
    assert ZH_RESCALING in texts and "不适用，不计分（折算）" in texts


def test_cli_text_and_json_say_what_was_rescaled(tmp_path: Any,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text(RESCALING, encoding="utf-8")
    file = tmp_path / "d.json"
    file.write_text(json.dumps(data(FACTS)), encoding="utf-8")
    assert main(["score", str(rubric), str(file)]) == 0
    out = capsys.readouterr().out
    assert ("rescaled: 指标/楼堂馆所 (30 points) left out, not applicable: "
            "'facts.has_buildings' is false") in out
    assert main(["score", str(rubric), str(file), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rescaling"][0]["reason"] == "not_applicable"


# -- not reported: never silently rewarded ----------------------------------------------

LEGACY = (HEAD + row("指标", 100)
          + row("指标/执行率", 40, 'measure = "facts.x"\nrule = { kind = "ratio" }')
          + row("指标/楼堂馆所", 30, 'measure = "facts.b"\nmissing = "exclude"\n'
                'rule = { kind = "ratio" }')
          + row("指标/满意度", 30, 'measure = "facts.c"\nmissing = "full"\n'
                'rule = { kind = "ratio" }'))


def test_legacy_policies_that_reward_absent_data_are_warned_and_strict_refuses() -> None:
    rubric = pr.loads_rubric(LEGACY)
    ev = pr.evaluate(rubric, data({"x": 1}))
    # 执行率 40; 满意度 not reported, missing = "full" → 30; 楼堂馆所 not reported → left out
    # raw 70 over 70 counted → 100: what the legacy policies give, now flagged
    assert ev.total == 100
    assert [(w.code, w.indicator) for w in ev.warnings] == [
        ("not_reported_rewarded", "指标/楼堂馆所"), ("not_reported_rewarded", "指标/满意度")]
    assert ev.rescaling[0].reason == "not_reported"
    assert narrative.status_text(ev, "指标/楼堂馆所") == "未报告，不计分（折算）"
    assert narrative.status_text(ev, "指标/满意度", locale="en") == "not reported: full points"
    with pytest.raises(pr.EvaluationError) as info:
        pr.evaluate(rubric, data({"x": 1}), strict=True)
    assert [p.path for p in info.value.problems] == ["指标/楼堂馆所", "指标/满意度"]


# -- every missing value at once --------------------------------------------------------

ALL_ERROR = (HEAD + row("指标", 100)
             + row("指标/执行率", 40, 'measure = "facts.x"\nrule = { kind = "ratio" }')
             + row("指标/楼堂馆所", 30, 'measure = "facts.b"\nrule = { kind = "ratio" }')
             + row("指标/满意度", 30, 'measure = "facts.c / facts.d"\n'
                   'rule = { kind = "ratio" }'))


def test_every_missing_value_is_reported_at_once() -> None:
    with pytest.raises(pr.EvaluationError) as info:
        pr.evaluate(pr.loads_rubric(ALL_ERROR), data({"c": 1, "d": 0}))
    error = info.value
    # 执行率: facts.x absent; 楼堂馆所: facts.b absent; 满意度: 1 / 0 → three problems
    assert [p.path for p in error.problems] == ["指标/执行率", "指标/楼堂馆所", "指标/满意度"]
    assert "'facts.x' has no value" in error.problems[0].message
    assert "'facts.b' has no value" in error.problems[1].message
    assert "division by zero" in error.problems[2].message
    assert error.indicator == "指标/执行率" and str(error).startswith("3 problems:")


def test_cli_prints_every_missing_value(tmp_path: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text(ALL_ERROR, encoding="utf-8")
    data = tmp_path / "d.toml"
    data.write_text("[department]\nname = \"语义局\"\n[facts]\nc = 1\nd = 0\n", encoding="utf-8")
    assert main(["score", str(rubric), str(data)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1].strip() for line in err] == ["指标/执行率", "指标/楼堂馆所",
                                                             "指标/满意度"]
    assert all(line.startswith("error: ") for line in err)


# -- one data file, several rubrics: warnings ---------------------------------------------


def test_cli_warns_on_unknown_assessment_and_strict_fails(
        tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text(RESCALING, encoding="utf-8")
    file = tmp_path / "d.json"
    file.write_text(json.dumps(data(FACTS, assessment=[
        {"indicator": "效益/经济效益", "level": "好"}])), encoding="utf-8")
    assert main(["score", str(rubric), str(file)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("warning: 效益/经济效益: the data gives an assessment")
    assert "78.57" in captured.out
    assert main(["score", str(rubric), str(file), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "error: 效益/经济效益:" in err and "strict" in err
    assert main(["report", str(rubric), str(file), "--strict"]) == 1


# -- out-of-range rule scores ---------------------------------------------------------


@register_kind
@attrs.frozen
class _Overshoot(RuleKind):
    """A faulty kind for the test: value × points, unbounded (1.5 → 1.5 × points)."""

    kind: ClassVar[str] = "test_overshoot"
    points: Decimal

    @property
    def direction(self) -> Direction:
        return "higher"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> _Overshoot:
        ParamReader(params).done()
        return cls(points)

    def params(self) -> Mapping[str, Any]:
        return {}

    def score(self, value: object) -> Outcome:
        return Outcome(as_number(value) * self.points)


OVERSHOOT = HEAD + row("指标", 100) + row("指标/甲", 100, 'measure = "facts.x"\n'
                                          'rule = { kind = "test_overshoot" }')


@pytest.mark.parametrize(("x", "raw", "clamped"), [
    ("1.5", Decimal(150), Decimal(100)),   # 1.5 × 100 = 150 > 100 → 100
    ("-0.2", Decimal(-20), Decimal(0)),    # −0.2 × 100 = −20 < 0 → 0
])
def test_clamped_score_is_recorded(x: str, raw: Decimal, clamped: Decimal) -> None:
    ev = pr.evaluate(pr.loads_rubric(OVERSHOOT), data({"x": x}))
    result = ev.results["指标/甲"]
    assert result.score == clamped
    assert result.detail["clamped_from"] == raw and result.detail["clamped_to"] == clamped
    assert [w.code for w in ev.warnings] == ["score_clamped"]
    assert "outside 0–100" in ev.warnings[0].message
    with pytest.raises(pr.EvaluationError, match="test_overshoot"):
        pr.evaluate(pr.loads_rubric(OVERSHOOT), data({"x": x}), strict=True)


def test_in_range_score_has_no_clamp_note() -> None:
    ev = pr.evaluate(pr.loads_rubric(OVERSHOOT), data({"x": "0.5"}))
    assert ev.results["指标/甲"].score == 50 and "clamped_from" not in ev.results["指标/甲"].detail
    assert ev.warnings == ()



# -- units: a money measure in % ----------------------------------------------------------


@pytest.mark.parametrize("measure", ["budget.final", "budget.final - budget.carryover",
                                     "budget.sangong.actual * 2"])
def test_money_measure_in_percent_is_a_load_error(measure: str) -> None:
    text = HEAD + row("指标", 100) + row("指标/执行数", 100, f'measure = "{measure}"\n'
                                        'unit = "%"\nrule = { kind = "ratio" }')
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(text, file="u.toml")
    problem = info.value.problems[0]
    # HEAD 4 lines, first row lines 5–9, second row: [[indicator]] 11 … measure 14, unit 15
    assert problem.path == "indicator[1].unit" and problem.line == 15
    assert "gives an amount of money" in problem.message
    assert 'unit = "%" is for a ratio' in problem.message


@pytest.mark.parametrize("measure", ["budget.final / budget.adjusted",  # money / money: ratio
                                     "staffing.on_post / staffing.authorized",
                                     "facts.rate"])                     # decided by the data
def test_ratio_or_unknown_measure_in_percent_loads(measure: str) -> None:
    text = HEAD + row("指标", 100) + row("指标/率", 100, f'measure = "{measure}"\n'
                                        'unit = "%"\nrule = { kind = "ratio" }')
    assert pr.loads_rubric(text).indicator("指标/率").unit == "%"


def test_veto_and_indicator_problems_come_together() -> None:
    text = ALL_ERROR + ('\n[[veto]]\nname = "重大违规"\nwhen = "facts.violation"\n'
                        'reason = "发生重大违规"\ngrade_at_most = "差"\n')
    with pytest.raises(pr.EvaluationError) as info:
        pr.evaluate(pr.loads_rubric(text), data({"c": 1, "d": 2}))
    # the veto's condition is absent (missing = "error" by default), and so are facts.x, facts.b
    assert [p.path for p in info.value.problems] == ["重大违规", "指标/执行率", "指标/楼堂馆所"]


def test_loader_warns_at_each_legacy_row(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    rubric = pr.loads_rubric(LEGACY, file="legacy.toml")
    # LEGACY: HEAD lines 1–4; each row is a blank line, [[indicator]], path, points, then
    # its extra lines: 指标 5–9, 执行率 10–15, 楼堂馆所 16–22 (missing on 21),
    # 满意度 23–29 (missing on 28)
    assert [(w.path, w.line) for w in rubric.warnings] == [("indicator[2].missing", 21),
                                                           ("indicator[3].missing", 28)]
    assert "rescales the total for a value that is not reported" in rubric.warnings[0].message
    assert "gives full points" in rubric.warnings[1].message
    assert pr.loads_rubric(RESCALING).warnings == ()  # a declared not-applicable: no warning
    path = tmp_path / "legacy.toml"
    path.write_text(LEGACY, encoding="utf-8")
    assert main(["validate", str(path)]) == 0  # a warning, not an error
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("warning: ") for line in err)
