"""Long tables: one row per indicator of a project form, every form scored and reviewed."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrubric as pr
from longforms import HEADERS, MAPPING, forms, long_rows, project_toml
from perfrubric.batch import evaluate_many, load_mapping, score_dask, score_table
from perfrubric.cli import main
from perfrubric.errors import DataError

pd = pytest.importorskip("pandas")

RUBRIC = pr.builtin("mof-2020-project-self")
ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "examples" / "project-forms-2020"
SICHUAN = ROOT / "examples" / "project-forms-sichuan"


def _write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def _mapping(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- the examples, worked by hand ------------------------------------------------------------

def test_the_national_export_scores_each_form_as_its_own_data_file() -> None:
    results = list(evaluate_many(RUBRIC, NATIONAL / "forms.csv",
                                 mapping=NATIONAL / "forms-map.toml", trace=False))
    assert [r.key for r in results] == ["2022-XM-017", "2022-XM-031"]
    # The first form is examples/rural-road-maintenance-2022 row for row.
    own = pr.evaluate(RUBRIC, ROOT / "examples" / "rural-road-maintenance-2022" / "project.toml")
    assert results[0].total == own.total == Decimal("96.59")
    # The second: 预算执行率 7.2/8 = 90% × 10 = 9.00; 产出 20 + 286/300 × 15 = 14.30 + 15
    # = 49.30; 满意度 95% ≥ 90% → 10; no 效益 row: left out, 68.30 of 70 → × 100/70
    # = 97.571… → 97.57.
    second = results[1]
    assert second.total == Decimal("97.57")
    assert second.form is not None
    assert second.form.tiers == {"产出指标": Decimal("49.30"), "效益指标": None,
                                 "满意度指标": Decimal("10.00")}
    assert second.form.excluded == ("效益指标",)
    # the rows keep their spreadsheet rows: the second form starts on line 15
    assert [r.line for r in second.form.rows] == [15, 16, 17, 18]
    assert second.form.rows[1].score == Decimal("14.30")


def test_the_sichuan_workbook_joins_the_funds_sheet_and_splits_the_target(tmp_path: Path
                                                                          ) -> None:
    out = tmp_path / "scored.xlsx"
    code = main(["batch", "mof-2020-project-self", str(SICHUAN / "forms.xlsx"), "--map",
                 str(SICHUAN / "forms-map.toml"), "-o", str(out)])
    assert code == 0
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["results", "rows", "errors", "汇总"]
    results = list(book["results"].iter_rows(values_only=True))
    head = list(results[0])
    first = dict(zip(head, results[1], strict=True))
    # 预算执行率 1380/1500 = 92% → 9.20; 产出 20 + 4600/5000 × 15 = 13.80 + 10 + 5 = 48.80;
    # 效益 15 + 11 (部分达成, 11 of 15 inside 9–12) = 26; 满意度 92% ≥ 90% → 10;
    # total 9.2 + 48.8 + 26 + 10 = 94.00
    assert (first["key"], first["total"], first["grade"]) == ("5101-2023-017", 94, "优")
    assert first["产出指标"] == pytest.approx(48.8) and first["效益指标"] == 26
    # the form's header block, from the funds sheet: 项目名称 names the form, 主管部门
    assert first["name"] == "高标准农田建设及农民培训"
    assert first["department"] == "市农业农村局"
    assert first["printed_total"] == 11 and first["deviations"] == 0
    second = dict(zip(head, results[2], strict=True))
    # 车辆投入运营时间 ≤10月, 11月: 10/11 × 25 = 22.727… → 22.73; 产出 25 + 22.73 = 47.73;
    # 预算执行率 1650/1650 → 10; total 10 + 47.73 + 30 + 10 = 97.73
    assert second["total"] == pytest.approx(97.73)
    rows = list(book["rows"].iter_rows(values_only=True))
    assert rows[0] == ("key", "row", "indicator", "points", "target", "actual", "score",
                       "printed", "deviation")
    assert len(rows) == 1 + 7 + 4
    timing = next(r for r in rows if r[2] == "产出指标/时效指标/车辆投入运营时间")
    assert timing[:6] == ("5101-2023-042", 10, "产出指标/时效指标/车辆投入运营时间", 25, "≤10月",
                          "11月")
    assert timing[6] == pytest.approx(22.73)
    judged = next(r for r in rows if r[2].endswith("农田设施管护机制"))
    assert judged[4] == "健全" and judged[7] == 11 and judged[8] == 0


# -- the acceptance: 300 forms in one call, each equal to its own data file -------------

@pytest.fixture(scope="module")
def drawn() -> list[dict[str, Any]]:
    return forms(300)


def test_300_forms_in_one_batch_call_equal_each_projects_own_file(
        drawn: list[dict[str, Any]], tmp_path: Path) -> None:
    table = _write_csv(tmp_path / "forms.csv", HEADERS, long_rows(drawn))
    out = tmp_path / "scored.csv"
    code = main(["batch", "mof-2020-project-self", str(table), "--map", str(_mapping(tmp_path)),
                 "-o", str(out)])
    assert code == 0
    with open(out, encoding="utf-8-sig") as handle:
        got = list(csv.DictReader(handle))
    assert len(got) == 300
    files = tmp_path / "projects"
    files.mkdir()
    for form, row in zip(drawn, got, strict=True):
        path = files / f"{form['code']}.toml"
        path.write_text(project_toml(form), encoding="utf-8")
        own = pr.evaluate(RUBRIC, path)
        assert row["key"] == form["code"]
        assert Decimal(row["total"]) == own.total, form["code"]
        assert row["grade"] == own.grade
        if not any(r["level1"] == "效益指标" for r in form["rows"]):
            assert row["效益指标"] == "" and row["excluded"] == "效益指标"
        else:
            assert Decimal(row["效益指标"]) == own.results["效益指标"].score
    # a folder of the same forms as data files gives the same totals (and tier scores)
    folder = {r.key: r for r in evaluate_many(RUBRIC, files, trace=False)}
    for row in got:
        assert folder[row["key"]].total == Decimal(row["total"])


def test_dask_gives_the_same_table(drawn: list[dict[str, Any]]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame(long_rows(drawn[:120]), columns=HEADERS).astype(str)
    frame = frame.replace({"None": None})
    mapping = load_mapping(_mapping_dict())
    expected = score_table(RUBRIC, frame, mapping=mapping)
    lazy = score_dask("mof-2020-project-self", dd.from_pandas(frame, npartitions=4),
                      mapping=mapping)
    got = lazy.compute(scheduler="processes", num_workers=2)
    assert len(got) == 120
    ordered = got.sort_values("key").drop(columns=["row"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        ordered, expected.sort_values("key").drop(columns=["row"]).reset_index(drop=True))


def _mapping_dict() -> dict[str, Any]:
    import tomllib

    return tomllib.loads(MAPPING)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 6), workers=st.sampled_from([1, 2]))
def test_a_long_table_scores_as_the_forms_data_documents(seed: int, n: int,
                                                          workers: int) -> None:
    drawn = forms(n, seed)
    frame = pd.DataFrame(long_rows(drawn), columns=HEADERS)
    got = score_table(RUBRIC, frame, mapping=_mapping_dict(), workers=workers if n > 3 else 1)
    for form, total in zip(drawn, got["total"], strict=True):
        assert total == _own_total(form)


def _own_total(form: dict[str, Any]) -> Decimal:
    import tomllib

    return pr.evaluate(RUBRIC, tomllib.loads(project_toml(form))).total


# -- one form, many rows: values that must agree ----------------------------------------------

def _small(tmp_path: Path, edit: Any = None) -> tuple[Path, list[list[Any]]]:
    rows = long_rows(forms(3, 7))
    if edit is not None:
        edit(rows)
    return _write_csv(tmp_path / "forms.csv", HEADERS, rows), rows


def test_two_budgets_for_one_project_fail_that_form_at_both_cells(tmp_path: Path) -> None:
    def edit(rows: list[list[Any]]) -> None:
        rows[4][HEADERS.index("全年预算数")] = "999"   # the 5th row of the first form: E6

    table, _ = _small(tmp_path, edit)
    results = list(evaluate_many(RUBRIC, table, mapping=_mapping(tmp_path)))
    first = results[0]
    assert first.status == "failed"
    assert [r.status for r in results[1:]] == ["scored", "scored"]
    (problem,) = first.problems
    assert problem.path == "E2, E6" and problem.line == 2 and problem.column == 5
    assert "全年预算数" in problem.message and "999" in problem.message


def test_a_form_whose_rows_come_back_later_is_refused(tmp_path: Path) -> None:
    def edit(rows: list[list[Any]]) -> None:
        rows.append(list(rows[0]))   # the first form's first row again, at the end

    table, rows = _small(tmp_path, edit)
    results = list(evaluate_many(RUBRIC, table, mapping=_mapping(tmp_path)))
    assert [r.status for r in results] == ["scored", "scored", "scored", "failed"]
    assert "not together" in results[-1].problems[0].message
    assert results[-1].problems[0].path == f"A{len(rows) + 1}"


def test_a_blank_key_continues_the_form_above_as_merged_cells_read(tmp_path: Path) -> None:
    table, rows = _small(tmp_path)
    expected = [r.total for r in evaluate_many(RUBRIC, table, mapping=_mapping(tmp_path))]
    blanked = [list(r) for r in rows]
    for i in range(len(blanked) - 1, 0, -1):
        if blanked[i][0] == rows[i - 1][0]:
            blanked[i][0] = None
    merged = _write_csv(tmp_path / "merged.csv", HEADERS, blanked)
    got = [r.total for r in evaluate_many(RUBRIC, merged, mapping=_mapping(tmp_path))]
    assert got == expected and len(got) == 3


def test_a_bad_cell_is_located_at_its_row_and_column(tmp_path: Path) -> None:
    def edit(rows: list[list[Any]]) -> None:
        rows[2][HEADERS.index("分值")] = "十"

    table, _ = _small(tmp_path, edit)
    first = next(iter(evaluate_many(RUBRIC, table, mapping=_mapping(tmp_path))))
    assert first.status == "failed"
    (problem,) = first.problems
    # the third data row is spreadsheet row 4; 分值 is the 14th column, N
    assert (problem.path, problem.line, problem.column) == ("N4", 4, 14)
    assert problem.message.startswith("分值: ")


def test_points_that_do_not_add_up_point_at_the_rows_cell(tmp_path: Path) -> None:
    def edit(rows: list[list[Any]]) -> None:
        rows[0][HEADERS.index("分值")] = 9   # 产出 rows now add up to 49

    table, _ = _small(tmp_path, edit)
    first = next(iter(evaluate_many(RUBRIC, table, mapping=_mapping(tmp_path))))
    (problem,) = first.problems
    assert "add up to 49" in problem.message
    assert problem.path.startswith("N") and problem.column == 14   # the last 产出 row's 分值


def test_funds_that_disagree_between_sheets_fail_at_both_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(SICHUAN / "forms.xlsx")
    book["绩效指标"]["L1"] = "全年执行数（万元）"   # 度量单位 → a funds column on the rows
    for r in range(2, 13):
        book["绩效指标"].cell(r, 12).value = None
    book["绩效指标"]["L2"] = 1300                     # the funds sheet says 1380
    path = tmp_path / "forms.xlsx"
    book.save(path)
    results = list(evaluate_many(RUBRIC, path, mapping=SICHUAN / "forms-map.toml"))
    (problem,) = results[0].problems
    assert problem.path == "绩效指标!L2, 项目资金!G2"
    assert "1300" in problem.message and "1380" in problem.message


# -- the table and the mapping themselves -----------------------------------------------------

def test_a_missing_key_column_is_refused_at_the_header(tmp_path: Path) -> None:
    table, _ = _small(tmp_path)
    text = MAPPING.replace('key = "项目编码"', 'key = "项目代码"')
    with pytest.raises(DataError) as info:
        list(evaluate_many(RUBRIC, table, mapping=_mapping(tmp_path, text)))
    assert "key column '项目代码'" in str(info.value)
    assert info.value.problems[0].line == 1


@pytest.mark.parametrize(("text", "message"), [
    ('layout = "tall"\n', "layout is \"wide\""),
    ('key = "项目编码"\n[columns]\n', "add layout = \"long\""),
    ('layout = "long"\n', "needs key ="),
    ('[columns]\n"三级指标" = "target.name"\n', "declare layout = \"long\""),
    ('layout = "long"\nkey = "a"\n[columns]\n"三级指标" = "target.nmae"\n', "target.name"),
    ('layout = "long"\nkey = "a"\nfunds = { sheet = 3 }\n', "funds = { sheet"),
    ('[columns]\n"主管部门" = "form.departmnt"\n', "'department'"),
])
def test_mapping_mistakes_are_located(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError) as info:
        load_mapping(_mapping(tmp_path, text))
    assert message in str(info.value)
    assert all(p.line is not None for p in info.value.problems)


def test_form_columns_are_passed_to_the_data_by_name(tmp_path: Path) -> None:
    from perfrubric.batch.long import LongPlan
    from perfrubric.batch.tables import open_table

    table, _ = _small(tmp_path)
    text = MAPPING + '"实施单位" = "form.implementer"\n'
    text = text.replace('"实施单位" = "department.name"\n', "")
    plan = LongPlan(open_table(table), load_mapping(_mapping(tmp_path, text)))
    form = next(plan.forms())
    assert form.document is not None
    assert form.document["form"] == {"implementer": "项目实施单位0"}
    assert form.document["target"][0]["indicator"] == "产出指标/数量指标"


def test_a_batch_of_form_files_keeps_each_errors_file_line_and_column(tmp_path: Path) -> None:
    form = forms(1, 3)[0]
    form["rows"][0]["points"] = 9   # 产出 rows add up to 49
    path = tmp_path / "p.toml"
    path.write_text(project_toml(form), encoding="utf-8")
    (result,) = evaluate_many(RUBRIC, tmp_path)
    problem = result.problems[0]
    assert problem.file == str(path)
    assert problem.line is not None and problem.column is not None
    assert "add up to 49" in problem.message


def test_excluded_tiers_are_blank_in_pandas_polars_and_arrow() -> None:
    frame = pd.read_csv(NATIONAL / "forms.csv", dtype=str)
    for table in (frame, pytest.importorskip("pyarrow").Table.from_pandas(frame)):
        got = score_table(RUBRIC, table, mapping=NATIONAL / "forms-map.toml")
        if not hasattr(got, "to_pydict"):
            got = {c: list(got[c]) for c in got.columns}
        else:
            got = got.to_pydict()
        assert got["效益指标"] == [Decimal("27.50"), None]
        assert got["excluded"] == [None, "效益指标"]
        # the units' own 得分 depart from the rule on 路面坑槽修补面积 and 养护任务完成及时率
        # (5 and 5 against 4.75 and 4.84) and on 免费开放天数 (15 against 14.30)
        assert got["deviations"] == [2, 1]


def test_forms_scored_in_two_processes_keep_their_rows(tmp_path: Path) -> None:
    # A form's leaves are its generated rows, not the declared rubric's: a worker
    # sends them back by path (packing them against the declared leaves failed).
    for form in forms(4, 11):
        (tmp_path / f"{form['code']}.toml").write_text(project_toml(form), encoding="utf-8")
    one = list(evaluate_many(RUBRIC, tmp_path, trace=False))
    two = list(evaluate_many(RUBRIC, tmp_path, trace=False, workers=2, chunk_size=1))
    assert [(r.key, r.total, r.form) for r in two] == [(r.key, r.total, r.form) for r in one]
    assert all(r.form is not None and len(r.form.rows) >= 8 for r in two)


def test_one_indicator_cell_and_units_from_the_mapping_in_a_dataframe() -> None:
    # 产出指标/数量指标 in one cell; 指标值 and 完成值 columns in % by the mapping.
    mapping = {"layout": "long", "key": "code", "columns": {
        "code": "department.code", "budget": {"name": "budget.adjusted", "unit": "万元"},
        "spent": {"name": "budget.final", "unit": "万元"}, "indicator": "target.indicator",
        "name": "target.name", "target": {"name": "target.target", "unit": "%"},
        "actual": {"name": "target.actual", "unit": "%"}, "points": "target.points"}}
    frame = pd.DataFrame({
        "code": ["P1", "P1", "P1"], "budget": [100, 100, 100], "spent": [80, 80, 80],
        "indicator": ["产出指标/质量指标", "产出指标/质量指标", "满意度指标/服务对象满意度指标"],
        "name": ["合格率", "覆盖率", "满意度"], "target": ["≥95", "=100", "≥90"],
        "actual": [95, 90, "十"], "points": [25, 25, 10]})
    got = score_table(RUBRIC, frame, mapping=mapping)
    assert list(got["status"]) == ["failed"]
    # 十 is no number: the error names its row and column in the frame
    assert "row 2, column 'actual'" in got["error"].iloc[0]
    frame.loc[2, "actual"] = 92
    (result,) = evaluate_many(RUBRIC, frame, mapping=mapping)
    # 预算执行率 80/100 → 8.00; 合格率 95% ≥ 95% → 25; 覆盖率 90/100 × 25 = 22.50;
    # 满意度 92% ≥ 90% → 10; 效益 left out: 65.50 of 70 → × 100/70 = 93.571… → 93.57
    assert result.total == Decimal("93.57")
    assert result.form is not None
    assert [r.target for r in result.form.rows] == ["≥95%", "=100%", "≥90%"]
