"""Project forms of a long table scored from their cells equal the general way, field by field.

:class:`perfrubric.batch.formscore.FormScorer` reads an ordinary form's cells
straight into the form's rule; anything unusual goes the general way (data
document, ``Department``, rows generated into a rubric).  The property here:
over generated long tables, with cells mutated into every kind of trouble,
both ways give the same results — totals, grades, statuses, leaf scores,
measured values, the review (tier scores, rows, printed scores, deviations,
lines) and the same located errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
import tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from longforms import HEADERS, MAPPING, forms, long_rows
from perfrubric.batch import evaluate_many, formscore, load_mapping, score_table
from perfrubric.batch.records import _long_items
from perfrubric.batch.results import BatchResult
from perfrubric.batch.scoring import Scored

pd = pytest.importorskip("pandas")

RUBRIC = pr.builtin("mof-2020-project-self")


def _variant(tier: Any) -> Any:
    """A tier's target_rows changed: points rescaled, rows without a result cannot be rated,
    满意度 given in full when empty, 效益 taking any sub-tier name."""
    spec = tier.target_rows
    if spec is None:
        return tier
    return attrs.evolve(tier, target_rows=attrs.evolve(
        spec, points="rescale", missing="cannot_rate",
        empty="full" if tier.path == "满意度指标" else spec.empty,
        tiers=() if tier.path == "效益指标" else spec.tiers))


#: The same form's rule with every other option of ``target_rows``.
VARIANT = attrs.evolve(RUBRIC, indicators=tuple(_variant(t) for t in RUBRIC.indicators))
SPLIT = load_mapping(tomllib.loads(MAPPING))
# The target printed in one cell (≥50个), as the 2020 national form's export has it.
PRINTED_HEADERS = ["项目编码", "实施单位", "全年预算数", "全年执行数", "一级指标", "二级指标",
                   "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因", "主管部门",
                   "项目名称"]
PRINTED = load_mapping({"layout": "long", "key": "项目编码", "columns": {
    "项目编码": "department.code", "实施单位": "department.name",
    "全年预算数": {"name": "budget.adjusted", "unit": "万元"},
    "全年执行数": {"name": "budget.final", "unit": "万元"},
    "一级指标": "target.level1", "二级指标": "target.level2", "三级指标": "target.name",
    "年度指标值": "target.target", "实际完成值": "target.actual", "分值": "target.points",
    "得分": "target.score", "偏差原因": "target.reason", "主管部门": "form.department",
    "项目名称": "form.project"}})


@contextlib.contextmanager
def _general() -> Iterator[None]:
    """Every form the general way (the fast path switched off)."""
    formscore.ENABLED = False
    try:
        yield
    finally:
        formscore.ENABLED = True


def _both(frame: Any, mapping: Any, rubric: Any = RUBRIC
          ) -> tuple[list[BatchResult], list[BatchResult]]:
    fast = list(evaluate_many(rubric, frame, mapping=mapping, trace=False))
    with _general():
        slow = list(evaluate_many(rubric, frame, mapping=mapping, trace=False))
    return fast, slow


def _same(fast: list[BatchResult], slow: list[BatchResult]) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        for field in attrs.fields(BatchResult):
            x, y = getattr(a, field.name), getattr(b, field.name)
            if field.name == "error":  # exceptions compare by identity: their type and text
                assert (type(x), str(x)) == (type(y), str(y)), a.key
            else:
                assert x == y, (a.key, field.name, x, y)
        assert list(a.scores) == list(b.scores), a.key  # in the table's order too


def _fast_count(frame: Any, mapping: Any, rubric: Any = RUBRIC) -> int:
    return sum(type(item.payload) is Scored for item in _long_items(frame, mapping, rubric))


def _printed_rows(drawn: list[dict[str, Any]]) -> list[list[Any]]:
    """The forms with each target printed in one cell (≥50个, 明显改善)."""
    out = []
    for form in drawn:
        for row in form["rows"]:
            if row["comparison"] == "定性":
                target, actual = row["target"], row["actual"]
            else:
                target = f"{row['comparison']}{row['target']}{row['unit']}"
                actual = f"{row['actual']}{row['unit']}"
            out.append([form["code"], form["unit"], str(form["adjusted"]), str(form["final"]),
                        row["level1"], row["level2"], row["name"], target, actual,
                        row["points"], row["score"], None, f"主管部门{form['code'][-1]}",
                        f"项目{form['code']}"])
    return out


# -- the plain tables: every form takes the fast path, with the general way's results ------


def test_generated_forms_take_the_fast_path_with_the_same_results() -> None:
    drawn = forms(40, seed=7)
    for frame, mapping in ((pd.DataFrame(long_rows(drawn), columns=HEADERS), SPLIT),
                           (pd.DataFrame(_printed_rows(drawn), columns=PRINTED_HEADERS),
                            PRINTED)):
        assert _fast_count(frame, mapping) == 40
        fast, slow = _both(frame, mapping)
        _same(fast, slow)
        assert all(r.status == "scored" for r in fast)


def test_a_form_worked_by_hand() -> None:
    # 预算执行率: 95 / 100 × 10 = 9.5.
    # 产出: 40 / 50 × 20 = 16; =100% reached: 10; ≤30天 with 40: 30 / 40 × 10 = 7.5;
    #       ≤90万元 with 900000元 (= 90万元) reached: 10 → 43.5.
    # 效益: 部分达成 (60–80% of 30 = 18–24), the evaluator's 20 inside the band → 20.
    # 满意度: 85% / 90% × 10 = 9.444… → 9.44.
    # Total 9.5 + 43.5 + 20 + 9.44 = 82.44 → 良 (80 ≤ total < 90).
    rows = [
        ["P1", "水务局", "100", "95", "产出指标", "数量指标", "建成泵站", "≥50个", "40个", 20, 16,
         None, "水利局", "泵站建设"],
        ["P1", "水务局", "100", "95", "产出指标", "质量指标", "验收合格率", "=100%", "100%", 10,
         None, None, "水利局", "泵站建设"],
        ["P1", "水务局", "100", "95", "产出指标", "时效指标", "完工天数", "≤30天", "40天", 10, 8,
         "雨季停工", "水利局", "泵站建设"],
        ["P1", "水务局", "100", "95", "产出指标", "成本指标", "建设成本", "≤90万元", "900000元",
         10, None, None, "水利局", "泵站建设"],
        ["P1", "水务局", "100", "95", "效益指标", "社会效益指标", "防洪能力", "明显改善",
         "部分达成预期指标", 30, 20, None, "水利局", "泵站建设"],
        ["P1", "水务局", "100", "95", "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%",
         "85%", 10, None, None, "水利局", "泵站建设"],
    ]
    frame = pd.DataFrame(rows, columns=PRINTED_HEADERS)
    assert _fast_count(frame, PRINTED) == 1
    (result,) = evaluate_many(RUBRIC, frame, mapping=PRINTED, trace=False)
    assert result.total == Decimal("82.44")
    assert result.grade == "良"
    assert result.scores["预算执行率"] == Decimal("9.50")
    assert result.scores["产出指标/时效指标/完工天数"] == Decimal("7.50")
    assert result.scores["满意度指标/服务对象满意度指标/群众满意度"] == Decimal("9.44")
    form = result.form
    assert form is not None
    assert form.tiers == {"产出指标": Decimal("43.50"), "效益指标": Decimal("20.00"),
                          "满意度指标": Decimal("9.44")}
    # Printed 16 (rule 16) and 8 (rule 7.5): one deviation of +0.5; printed total 16 + 8 + 20.
    assert (form.name, form.department) == ("泵站建设", "水利局")   # the form's header
    assert form.deviations == 1
    assert form.printed_total == Decimal(44)
    assert [r.deviation for r in form.rows if r.printed is not None] == [
        Decimal("0.00"), Decimal("0.50"), Decimal("0.00")]
    assert [r.line for r in form.rows] == [0, 1, 2, 3, 4, 5]
    with _general():
        (slow,) = evaluate_many(RUBRIC, frame, mapping=PRINTED, trace=False)
    _same([result], [slow])


def test_a_tier_without_rows_is_left_out_and_the_total_rescaled() -> None:
    # Without 满意度 rows: (9.5 + 43.5 + 20) / 90 × 100 = 81.111… → 81.11, 良.
    drawn = forms(1, seed=3)
    drawn[0]["rows"] = [r for r in drawn[0]["rows"] if r["level1"] != "满意度指标"]
    frame = pd.DataFrame(long_rows(drawn), columns=HEADERS)
    assert _fast_count(frame, SPLIT) == 1
    (result,) = evaluate_many(RUBRIC, frame, mapping=SPLIT, trace=False)
    assert result.form is not None and result.form.tiers["满意度指标"] is None
    raw = sum((s for p, s in result.scores.items()), Decimal(0))
    assert result.total == (raw * 100 / 90).quantize(Decimal("0.01"))
    fast, slow = _both(frame, SPLIT)
    _same(fast, slow)


# -- mutated tables: the fast path takes what it can, the rest goes the general way --------

_SPLIT_VALUES: dict[str, list[Any]] = {
    "项目编码": [None, "X1", "51000000"],
    "实施单位": [None, "另一单位", 12, "  "],
    "年度": [None, 2022, 99999, "二〇二三", 2023.0, True],
    "年初预算数": [None, -5, "abc", 0],
    "全年预算数": [None, -5, "abc", 0, Decimal("1e20"), 100.5, "100万元", float("inf")],
    "全年执行数": [None, -1, "x", 0, 250],
    "一级指标": [None, "产出指标", "效益指标", "满意度指标", "未知指标"],
    "二级指标": [None, "数量指标", "成本指标", "服务对象满意度指标", "其他指标", "a/b"],
    "三级指标": [None, "指标1", "数量指标", "x/y", "  ", "指标3"],
    "指标性质": [None, "≥", "≤", "=", "定性", "＞", "<", "不低于", "约", "±"],
    "指标值": [None, 0, 100, "100", "明显改善", "五十", "95%", "2023年12月31日前", "1e5", -3,
            1.5, "≥0"],
    "度量单位": [None, "%", "个", "万元", "万", "元", "公里", "km", "‰", "天", "台套"],
    "完成值": [None, 0, 95, "95%", "达成预期指标", "部分达成", "明显改善", "≥96", "abc", -2,
            "900000元", "0.5", float("nan")],
    "分值": [None, 0, 5, 10, 20, -1, "10", "abc", 1.5, 2_000_000, True],
    "得分": [None, 0, 5, 9.5, 10, 11, -1, "abc"],
}
_PRINTED_VALUES: dict[str, list[Any]] = {
    "项目编码": _SPLIT_VALUES["项目编码"], "实施单位": _SPLIT_VALUES["实施单位"],
    "全年预算数": _SPLIT_VALUES["全年预算数"], "全年执行数": _SPLIT_VALUES["全年执行数"],
    "一级指标": _SPLIT_VALUES["一级指标"], "二级指标": _SPLIT_VALUES["二级指标"],
    "三级指标": _SPLIT_VALUES["三级指标"],
    "年度指标值": [None, "≥50个", "=100%", "≤90万元", "≥0个", "=0起", "±5%", "＞10", "≥ 50 个",
              "不低于五十个", "≥50", "明显改善", "2022年底前完成", "≥50万", "≤-5%", "≧60%",
              "≥1,200元", "100%覆盖", "50个以上"],
    "实际完成值": [None, "48个", "100%", "900000元", "0个", "3起", "-3%", "12", "达成预期指标",
              "未达成", "明显改善", "效果一般", "≥55个", "48万", "96.5%", "0.5个", "1,100元"],
    "分值": _SPLIT_VALUES["分值"], "得分": _SPLIT_VALUES["得分"],
    "偏差原因": [None, "资金未到位", "  ", 3],
    "主管部门": [None, "另一部门", 12, "  "],
    "项目名称": [None, "另一项目", 7],
}


#: Target and actual printed together, each pair one that reads (or one the model refuses).
_PAIRS: list[tuple[Any, Any]] = [
    ("≥50个", "48个"), ("=0起", "3起"), ("±5%", "-3%"), ("不低于五十个", "48个"),
    ("100%覆盖", "96.5%"), ("50个以上", "55个"), ("≥ 50 个", "48个"), ("≧60%", "55%"),
    ("≥1,200元", "1,100元"), ("＞10", "12"), ("≤-5%", "-3%"), ("明显改善", "明显改善"),
    ("明显改善", "达成预期指标"), ("2022年底前完成", "部分达成"), ("≥50万", "48万"),
    ("≥0个", "0个"), ("=100%", "100%"), ("≤90万元", "900000元"), ("≥95%", "0.96"),
    ("≥50", "48"), (50, 48), ("≤30天", "40日"), ("≥2公里", "1500米"), ("≥10台套", "9台套"),
    ("≥50个", None), ("明显改善", None), ("≥0.000000000001%", "0%"), ("=0个", "0个"),
    ("≥123456789012345个", "1个"), ("50个", "48个"), ("90万元", "100万元"), ("0.5", "0.6"),
    ("30天", "40天"), ("≤90万元", "95万元"), ("≥80分", "79分"),
]


@st.composite
def _tables(draw: st.DrawFn) -> tuple[Any, Any, Any]:
    n = draw(st.integers(1, 5))
    drawn = forms(n, seed=draw(st.integers(0, 10_000)))
    printed = draw(st.booleans())
    rows = _printed_rows(drawn) if printed else long_rows(drawn)
    headers, values = (PRINTED_HEADERS, _PRINTED_VALUES) if printed else (HEADERS,
                                                                           _SPLIT_VALUES)
    rows = [list(r) for r in rows]
    shape = draw(st.integers(0, 9))
    if shape == 0:
        rows = draw(st.permutations(rows))
    elif shape == 1:
        rows = rows[:-1]  # the last form without its 满意度 row: the tier left out
    if printed:
        pairs = draw(st.lists(st.tuples(st.integers(0, len(rows) - 1),
                                        st.sampled_from(_PAIRS)), max_size=4))
        for at, (target, actual) in pairs:
            rows[at][7], rows[at][8] = target, actual
    changes = draw(st.lists(st.tuples(st.integers(0, len(rows) - 1),
                                      st.sampled_from(sorted(values)),
                                      st.integers(0, 100)), max_size=3))
    for at, header, pick in changes:
        choices = values[header]
        rows[at][headers.index(header)] = choices[pick % len(choices)]
    return (pd.DataFrame(rows, columns=headers, dtype=object), PRINTED if printed else SPLIT,
            draw(st.sampled_from([RUBRIC, VARIANT])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_mutated_tables_give_the_same_results_both_ways(table: tuple[Any, Any, Any]) -> None:
    frame, mapping, rubric = table
    fast, slow = _both(frame, mapping, rubric)
    _same(fast, slow)


def test_a_cost_without_a_sign_is_lower_is_better() -> None:
    # 成本指标 "90万元" with 100万元 spent: read as ≤90万元, 90 / 100 × 10 = 9 (not 10);
    # the same figures under 数量指标 are ≥: 100 / 90 ≥ 1, full 10 points.
    drawn = forms(1, seed=2)
    rows = _printed_rows(drawn)
    for row in rows:
        if row[5] in ("成本指标", "数量指标") and row[9] == 10:
            row[7], row[8] = "90万元", "100万元"
    frame = pd.DataFrame(rows, columns=PRINTED_HEADERS)
    assert _fast_count(frame, PRINTED) == 1
    (result,) = evaluate_many(RUBRIC, frame, mapping=PRINTED, trace=False)
    cost = next(p for p in result.scores if p.startswith("产出指标/成本指标/"))
    count = next(p for p in result.scores if p.startswith("产出指标/数量指标/"))
    assert (result.scores[cost], result.scores[count]) == (Decimal("9.00"), Decimal("10.00"))
    _same(*_both(frame, PRINTED))


def test_rows_that_do_not_add_up_are_rescaled_where_the_tier_says_so() -> None:
    # 产出 rows of 10 + 5 + 10 + 5 + 5 + 5 + 10 = 50; with one 10 made 20 they add up to 60,
    # each rescaled to 50 / 60 of its points by largest remainder (VARIANT), refused by RUBRIC.
    drawn = forms(1, seed=4)
    rows = long_rows(drawn)
    rows[0][13] = 20
    frame = pd.DataFrame(rows, columns=HEADERS)
    assert (_fast_count(frame, SPLIT), _fast_count(frame, SPLIT, VARIANT)) == (0, 1)
    fast, slow = _both(frame, SPLIT, VARIANT)
    _same(fast, slow)
    assert fast[0].status == "scored"
    assert sum((s for p, s in fast[0].scores.items() if p.startswith("产出指标/")),
               Decimal(0)) <= 50
    (refused,) = evaluate_many(RUBRIC, frame, mapping=SPLIT, trace=False)
    assert refused.status == "failed"


def test_score_table_is_the_same_both_ways_and_with_workers() -> None:
    drawn = forms(30, seed=11)
    frame = pd.DataFrame(long_rows(drawn), columns=HEADERS)
    fast = score_table(RUBRIC, frame, mapping=SPLIT)
    with _general():
        slow = score_table(RUBRIC, frame, mapping=SPLIT)
    assert fast.equals(slow)
    # Forms scored as they are read are not sent to workers; others are, with the same table.
    two = score_table(RUBRIC, frame, mapping=SPLIT, workers=2)
    assert two.equals(fast)
    with _general():
        pooled = score_table(RUBRIC, frame, mapping=SPLIT, workers=2)
    assert pooled.equals(fast)


def test_trace_takes_the_general_way() -> None:
    frame = pd.DataFrame(long_rows(forms(2, seed=5)), columns=HEADERS)
    results = list(evaluate_many(RUBRIC, frame, mapping=SPLIT, trace=True))
    assert all(r.evaluation is not None for r in results)


@pytest.mark.parametrize("form", [
    '[form]\nscores = "printed"\n',
    '[form]\ntotal = "indicators"\npoints = "as_printed"\n',
    '[form]\ntotal = "indicators"\n',
    '[form]\nbudget_score = 9\n',
    '[form]\ndepartment = "水利局"\n',
])
def test_the_totals_path_applies_the_printed_form_as_the_engine(form: str) -> None:
    # A form whose [form] table changes its points, its 总分 or which scores count is
    # scored by the engine (which applies it, or says what is wrong); a header alone is not.
    from longforms import project_toml
    from perfrubric.engine.compiled import CompiledRubric

    text = project_toml(forms(1, seed=5)[0]).replace("points = 10\n", "points = 10\nscore = 7\n",
                                                     1)
    dept = pr.load_data(tomllib.loads(text + "\n" + form))
    try:
        expected: Any = pr.evaluate(RUBRIC, dept).total
    except pr.DataError as exc:
        expected = str(exc)
    try:
        got: Any = CompiledRubric(RUBRIC).run(dept).total
    except pr.DataError as exc:
        got = str(exc)
    assert got == expected


def test_a_cell_without_a_value_fails_its_form_at_the_cell() -> None:
    # inf (or #DIV/0! in a workbook) in the funds of one row and in one row's name: the form
    # fails at those two cells, each said once; the other form is scored.
    rows = long_rows(forms(2, seed=1))
    rows[0][HEADERS.index("全年预算数")] = float("inf")
    rows[3][HEADERS.index("三级指标")] = float("inf")
    frame = pd.DataFrame(rows, columns=HEADERS, dtype=object)
    bad, good = evaluate_many(RUBRIC, frame, mapping=SPLIT, trace=False)
    assert [(p.path, p.message) for p in bad.problems] == [
        ("row 0, column '全年预算数'", "全年预算数 → budget.adjusted: the cell holds inf (an "
         "infinite number); expected a number"),
        ("row 3, column '三级指标'", "三级指标 → target.name: the cell holds inf (an infinite "
         "number); expected a number")]
    assert good.status == "scored"
    _same(*_both(frame, SPLIT))
