"""Batch scoring: a county's workbook of 1,000 units, tables in and out, located errors."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import perfrubric as pr
from perfrubric.batch import (
    BatchResult,
    evaluate_many,
    load_mapping,
    result_columns,
    score_table,
    write_results,
)
from perfrubric.cli import main
from perfrubric.testing import departments

MAPPING = Path(__file__).parent / "data" / "county_mapping.toml"
RUBRIC = pr.builtin("mof-2013-department")

HEADERS = ["序号", "单位编码", "单位名称", "年度", "编制数", "在职人数", "年初预算(万元)",
           "调整预算(万元)", "决算数(万元)", "结转结余(万元)", "公用经费预算(万元)",
           "实际公用经费(万元)", "三公经费预算数(万元)", "上年三公经费预算数(万元)",
           "固定资产总额(万元)", "在用固定资产(万元)", "管理制度", "违规次数", "预决算公开",
           "目标1计划", "目标1完成", "目标2计划", "目标2完成", "重点工作数", "重点工作办结数",
           "经济效益", "社会效益", "生态效益", "满意度(%)", "备注"]
COL = {h: i for i, h in enumerate(HEADERS)}
LEVELS = ["好", "较好", "一般", "差"]
RULES = ["已制定", "合法合规完整", "有效执行"]

# The first unit, scored by hand against the built-in MOF 2013 rubric:
#   在职人员控制率 21/20 = 105%: 5 whole steps over 100% × 0.5 = 2.5 off 5   → 2.50
#   三公经费变动率 (12 − 10)/10 = +20%: 20 steps × 0.5 = 10 > 5, 扣完为止    → 0.00
#   预算完成率 950/1000 = 95%: 5% below = 1 started step of 5% × 2        → 3.00
#   预算调整率 |1000 − 800|/800 = 25%: band (20%, 30%]                  → 2.00
#   结转结余率 50/1000 = 5% ≤ 5%                                          → 5.00
#   公用经费控制率 54/60 = 90% ≤ 100%                                     → 5.00
#   管理制度健全性 已制定 (2) + 有效执行 (1), 合法合规完整 (2) missing    → 3.00
#   资金使用合规性 1 violation × 1                                        → 4.00
#   预决算信息公开性 是                                                    → 5.00
#   固定资产利用率 180/200 = 0.9 × 5                                      → 4.50
#   实际完成率 mean completion (min(12/10, 1) + 3/6) / 2 = 0.75 × 15     → 11.25
#   重点工作办结率 8/10 × 10                                               → 8.00
#   经济/社会/生态效益 好 5 + 较好 4 + 一般 3                              → 12.00
#   满意度 92.5% ≥ 90%                                                     → 10.00
# total 2.5 + 0 + 3 + 2 + 5 + 5 + 3 + 4 + 5 + 4.5 + 11.25 + 8 + 12 + 10 = 75.25 → 中
FIRST = ["1", "A0001", "示例县财政局", 2023, 20, 21, 800, 1000, 950, 50, 60, 54, 12, 10,
         200, 180, "已制定、有效执行", 1, "是", 10, 12, 6, 3, 10, 8, "好", "较好", "一般",
         92.5, ""]

# Deliberately bad units: index in the data → what is wrong.
BAD_ON_POST = 15      # 在职人数 21.5: not a whole number       → Sheet1!F17
BAD_TWO = 100         # 编制数 -3 and 年初预算 "八百": both at once → Sheet1!E102, Sheet1!G102
BAD_MISSING = 500     # 编制数 left empty: 在职人员控制率 cannot be computed (row 502)
BAD_ITEM = 999        # 管理制度 names an item the checklist lacks (row 1001)


def _row(rng: random.Random, i: int) -> list[Any]:
    authorized = rng.randint(10, 200)
    adjusted = Decimal(rng.randint(5000, 200000)) / 10
    initial = (adjusted * Decimal(rng.randint(70, 110)) / 100).quantize(Decimal("0.01"))
    final = (adjusted * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.01"))
    assets = rng.randint(100, 5000)
    rules = [r for r in RULES if rng.random() < 0.8] or ["已制定"]  # an empty cell is missing
    return [str(i + 1), f"A{i + 1:04d}", f"单位{i + 1}", 2023, authorized,
            max(authorized + rng.randint(-10, 5), 0), float(initial), float(adjusted),
            float(final), rng.randint(0, 100), 60, rng.randint(40, 70), rng.randint(5, 20),
            rng.randint(5, 20), assets, rng.randint(assets // 2, assets), "、".join(rules),
            rng.randint(0, 3), rng.choice(["是", "否"]), rng.randint(1, 20),
            rng.randint(0, 25), rng.randint(1, 9), rng.randint(0, 12), 10, rng.randint(5, 10),
            rng.choice(LEVELS), rng.choice(LEVELS), rng.choice(LEVELS),
            rng.randint(700, 1000) / 10, rng.choice(["", "已核实"])]


def county_rows(n: int = 1000) -> list[list[Any]]:
    """A real-shaped county table: Chinese headers, money in 万元, four bad units."""
    rng = random.Random(2023)
    rows = [list(FIRST)] + [_row(rng, i) for i in range(1, n)]
    for index, header, value in ((BAD_ON_POST, "在职人数", 21.5), (BAD_TWO, "编制数", -3),
                                 (BAD_TWO, "年初预算(万元)", "八百"),
                                 (BAD_MISSING, "编制数", None),
                                 (BAD_ITEM, "管理制度", "已制定、乱写")):
        if index < n:
            rows[index][COL[header]] = value
    return rows


def document(row: list[Any]) -> dict[str, Any]:
    """The same unit written by hand as a data document (docs/data.md), not via the mapping."""
    c = {h: row[i] for i, h in enumerate(HEADERS)}

    def money(header: str) -> str:
        return f"{c[header]}万元"

    return {
        "department": {"name": c["单位名称"], "code": c["单位编码"], "year": c["年度"]},
        "staffing": {"authorized": c["编制数"], "on_post": c["在职人数"]},
        "budget": {
            "initial": money("年初预算(万元)"), "adjusted": money("调整预算(万元)"),
            "final": money("决算数(万元)"), "carryover": money("结转结余(万元)"),
            "public_funds_budget": money("公用经费预算(万元)"),
            "public_funds_actual": money("实际公用经费(万元)"),
            "fixed_assets_total": money("固定资产总额(万元)"),
            "fixed_assets_in_use": money("在用固定资产(万元)"),
            "sangong": {"budget": money("三公经费预算数(万元)"),
                        "previous_budget": money("上年三公经费预算数(万元)")},
        },
        "target": [{"id": "t1", "name": "t1", "target": c["目标1计划"], "actual": c["目标1完成"]},
                   {"id": "t2", "name": "t2", "target": c["目标2计划"], "actual": c["目标2完成"]}],
        "facts": {"management_rules": [r for r in c["管理制度"].split("、") if r],
                  "fund_violations": c["违规次数"], "budget_disclosed": c["预决算公开"],
                  "key_tasks_assigned": c["重点工作数"], "key_tasks_done": c["重点工作办结数"],
                  "satisfaction": f"{c['满意度(%)']}%"},
        "assessment": [{"indicator": f"效果/履职效益/{n}", "level": c[n]}
                       for n in ("经济效益", "社会效益", "生态效益")],
    }


@pytest.fixture(scope="module")
def rows() -> list[list[Any]]:
    return county_rows()


@pytest.fixture(scope="module")
def workbook(rows: list[list[Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path_factory.mktemp("county") / "county.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _expected(rows: list[list[Any]]) -> dict[str, pr.Evaluation]:
    bad = {BAD_ON_POST, BAD_TWO, BAD_MISSING, BAD_ITEM}
    return {row[COL["单位编码"]]: pr.evaluate(RUBRIC, document(row))
            for i, row in enumerate(rows) if i not in bad}


@pytest.fixture(scope="module")
def expected(rows: list[list[Any]]) -> dict[str, pr.Evaluation]:
    return _expected(rows)


def test_cli_scores_the_county_workbook_into_results_and_errors_sheets(
        workbook: Path, expected: dict[str, pr.Evaluation], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "scored.xlsx"
    code = main(["batch", "mof-2013-department", str(workbook), "--map", str(MAPPING),
                 "-o", str(out)])
    assert code == 1  # four units failed; the others are written all the same
    captured = capsys.readouterr()
    assert "1000 units: 996 scored, 4 failed" in captured.out
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["results", "errors", "汇总"]
    results = book["results"]
    assert results.freeze_panes == "C2"
    header = [c.value for c in results[1]]
    assert header == result_columns(RUBRIC)
    body = list(results.iter_rows(min_row=2, values_only=True))
    assert len(body) == 1000
    first = dict(zip(header, body[0], strict=True))
    assert (first["key"], first["row"], first["grade"]) == ("A0001", 2, "中")
    assert Decimal(str(first["total"])) == Decimal("75.25")
    assert Decimal(str(first["投入/预算配置/在职人员控制率"])) == Decimal("2.5")
    assert Decimal(str(first["产出/职责履行/实际完成率"])) == Decimal("11.25")
    for values in body:
        line = dict(zip(header, values, strict=True))
        if line["status"] == "failed":
            assert line["total"] is None and line["error"]
            continue
        ev = expected[line["key"]]
        assert Decimal(str(line["total"])) == ev.total
        assert line["grade"] == ev.grade
    failed = [dict(zip(header, v, strict=True)) for v in body if v[header.index("status")]
              == "failed"]
    assert [f["key"] for f in failed] == ["A0016", "A0101", "A0501", "A1000"]

    errors = list(book["errors"].iter_rows(min_row=2, values_only=True))
    cells = {(key, cell) for key, _row, cell, _message, _file in errors}
    assert ("A0016", "Sheet1!F17") in cells                 # 在职人数 21.5
    assert {("A0101", "Sheet1!E102"), ("A0101", "Sheet1!G102")} <= cells  # both at once
    by_key = {key: message for key, _r, _c, message, _f in errors}
    assert "whole number" in by_key["A0016"]
    assert "在职人数 → staffing.on_post" in by_key["A0016"]
    missing = [e for e in errors if e[0] == "A0501"]
    assert len(missing) == 1 and missing[0][2].startswith("Sheet1!row 502")
    assert "Sheet1!E502" in missing[0][2] and "staffing.authorized" in missing[0][3]
    assert "乱写" in by_key["A1000"]


def _frames(rows: list[list[Any]]) -> Any:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(rows, columns=HEADERS)
    return frame


def test_pandas_polars_and_arrow_give_identical_totals(rows: list[list[Any]],
                                                       expected: dict[str, pr.Evaluation]
                                                       ) -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    sample = rows[:60] + [rows[BAD_ON_POST]]  # 21.5 makes 在职人数 a float column
    pdf = _frames(sample)
    # Text columns stay text in every library (a mixed object column would not convert).
    pdf = pdf.astype({"序号": str, "备注": str})
    by_pandas = score_table(RUBRIC, pdf, mapping=MAPPING)
    by_polars = score_table(RUBRIC, pl.from_pandas(pdf), mapping=MAPPING)
    by_arrow = score_table(RUBRIC, pa.Table.from_pandas(pdf, preserve_index=False),
                           mapping=MAPPING)
    assert type(by_polars).__module__.startswith("polars")
    assert type(by_arrow).__module__.startswith("pyarrow")
    totals_pandas = list(by_pandas["total"])
    totals_polars = by_polars["total"].to_list()
    totals_arrow = by_arrow.column("total").to_pylist()
    assert totals_pandas == totals_polars == totals_arrow
    assert totals_pandas[0] == Decimal("75.25")
    for key, total in zip(by_pandas["key"], totals_pandas, strict=True):
        if key in expected:
            assert total == expected[key].total
    assert list(by_pandas["status"])[-1] == "failed"
    assert totals_pandas[-1] is None
    # every leaf has its column, named by its path, with Decimal scores
    leaf = "投入/预算配置/在职人员控制率"
    assert by_pandas[leaf].iloc[0] == Decimal("2.50")
    assert str(by_arrow.schema.field(leaf).type) == "decimal128(38, 2)"


def test_evaluate_many_streams_records_and_keeps_going_after_a_failure(
        rows: list[list[Any]]) -> None:
    docs = [document(rows[0]), {"department": {"name": "坏"}, "staffing": {"on_post": "x"}},
            document(rows[1])]
    results = evaluate_many(RUBRIC, iter(docs), trace=True)
    first = next(results)
    assert isinstance(first, BatchResult)
    assert (first.key, first.total, first.ok) == ("A0001", Decimal("75.25"), True)
    assert first.evaluation is not None and first.evaluation.total == first.total
    second = next(results)
    assert (second.index, second.key, second.status) == (1, "坏", "failed")
    assert isinstance(second.error, pr.DataError)
    assert second.error.problems[0].path == "staffing.on_post"
    third = next(results)
    assert third.ok and third.key == "A0002"


def test_flat_rows_with_dotted_names_need_no_mapping() -> None:
    # 在职人员控制率 on a 5-point indicator: 9/10 = 90% ≤ 100% → 5.00;
    # 19/10 = 190%: 90 steps × 0.5 = 45 > 5, 扣完为止 → 0.00
    rubric = pr.loads_rubric("""
[rubric]
id = "flat"
version = "1"
title = "flat"
full_marks = 5
[[indicator]]
path = "在职人员控制率"
points = 5
measure = "staffing.on_post / staffing.authorized"
rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.5, steps = "whole" }
""")
    rows = [{"department.code": "A", "staffing.authorized": 10, "staffing.on_post": 9},
            {"department.code": "B", "staffing.authorized": 10, "staffing.on_post": 19}]
    for trace in (False, True):
        got = [(r.key, r.total) for r in evaluate_many(rubric, rows, trace=trace)]
        assert got == [("A", Decimal("5.00")), ("B", Decimal("0.00"))]


def test_an_unknown_header_is_refused_at_its_cell_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("department.name,staffing.onpost\n甲,3\n", encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        list(evaluate_many(RUBRIC, path))
    problem = info.value.problems[0]
    assert problem.path == "B1"
    assert "did you mean 'staffing.on_post'" in problem.message


def test_a_column_every_row_needs_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("department.name,staffing.on_post\n甲,3\n", encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        list(evaluate_many(RUBRIC, path))
    messages = [p.message for p in info.value.problems]
    assert any("no column gives 'staffing.authorized'" in m for m in messages)


def test_mapping_errors_are_located_in_the_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text('[columns]\n"在职人数" = "staffing.onpost"\n'
                    '"年初预算" = { name = "budget.initial", unit = "斤" }\n', encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        load_mapping(path)
    problems = info.value.problems
    assert [p.line for p in problems] == [2, 3]
    assert "did you mean 'staffing.on_post'" in problems[0].message
    assert "neither a money unit" in problems[1].message


def test_csv_and_parquet_outputs_carry_the_error_column(rows: list[list[Any]],
                                                        tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = _frames([rows[0], rows[BAD_ON_POST]])
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"out{suffix}"
        done = write_results(evaluate_many(RUBRIC, frame, mapping=MAPPING, trace=False),
                             RUBRIC, out)
        assert [r.ok for r in done] == [True, False]
        back = pd.read_csv(out, dtype=str) if suffix == ".csv" else pd.read_parquet(out)
        assert str(back["total"][0]) == "75.25"
        assert "whole number" in back["error"][1]
        assert "column '在职人数'" in back["error"][1]


def test_workers_give_the_same_results_in_order(rows: list[list[Any]]) -> None:
    docs = [document(r) for r in rows[:40]]
    one = [(r.key, r.total, r.grade) for r in evaluate_many(RUBRIC, docs, trace=False)]
    two = [(r.key, r.total, r.grade)
           for r in evaluate_many(RUBRIC, docs, trace=False, workers=2, chunk_size=7)]
    assert one == two
    assert one[0] == ("A0001", Decimal("75.25"), "中")
    traced = list(evaluate_many(RUBRIC, docs[:5], trace=True, workers=2, chunk_size=2))
    assert [r.evaluation.total for r in traced if r.evaluation] == [t for _, t, _ in one[:5]]
    # a worker's trace is the whole evaluation, carrying the caller's own rubric
    here = list(evaluate_many(RUBRIC, docs[:5], trace=True))
    assert all(r.evaluation is not None and r.evaluation.rubric is RUBRIC for r in traced)
    assert [r.evaluation.to_dict() for r in traced if r.evaluation] == \
        [r.evaluation.to_dict() for r in here if r.evaluation]


def test_a_missing_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_polars(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "polars" or name.startswith("polars."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_polars)
    monkeypatch.delitem(__import__("sys").modules, "polars", raising=False)
    from perfrubric.batch.tables import require

    with pytest.raises(pr.MissingDependencyError) as info:
        require("polars", "polars result tables")
    assert "pip install 'perfrubric[polars]'" in str(info.value)


LAYOUT = """
direction = "right"
[labels]
"单位名称" = "department.name"
"单位编码" = "department.code"
"编制数" = "staffing.authorized"
"在职人数：" = "staffing.on_post"
"""

FLAT_TEXT = """
[rubric]
id = "flat"
version = "1"
title = "flat"
full_marks = 5
[[indicator]]
path = "在职人员控制率"
points = 5
measure = "staffing.on_post / staffing.authorized"
rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.5, steps = "whole" }
"""
FLAT = pr.loads_rubric(FLAT_TEXT)


def test_a_folder_of_filled_in_templates_is_a_batch(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("python_calamine")
    folder = tmp_path / "filled"
    folder.mkdir()
    (tmp_path / "layout.toml").write_text(LAYOUT, encoding="utf-8")
    # Two workbooks; the second has two units (two sheets) and the labels elsewhere.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "财政局"
    sheet["A1"] = "部门基础数据表"          # a title, not a label
    sheet["B3"], sheet["C3"] = "单位名称", "示例县财政局"
    sheet["B4"], sheet["C4"] = "单位编码", "A01"
    sheet["B5"], sheet["C5"] = "编制数", 20
    sheet["B6"], sheet["C6"] = "在职人数：", 21   # 21/20 = 105%: 5 steps × 0.5 → 2.50
    book.save(folder / "a.xlsx")
    book = openpyxl.Workbook()
    first = book.active
    first.title = "教育局"
    first["D2"], first["E2"] = "单位编码", "A02"
    first["D8"], first["E8"] = "编制数", 10
    first["D9"], first["E9"] = "在职人数", 9       # 90% ≤ 100% → 5.00
    second = book.create_sheet("卫健委")
    second["A1"], second["B1"] = "单位编码", "A03"
    second["A2"], second["B2"] = "编制数", 10
    second["A3"], second["B3"] = "在职人数", "十一"   # bad: located at B3
    book.create_sheet("填表说明")["A1"] = "请如实填写"  # no label: not a unit
    book.save(folder / "b.xlsx")

    results = list(evaluate_many(FLAT, folder, layout=tmp_path / "layout.toml"))
    assert [(r.key, r.total) for r in results] == [
        ("A01", Decimal("2.50")), ("A02", Decimal("5.00")), ("A03", None)]
    assert [r.row for r in results] == [None, None, None]  # a template has no table row
    bad = results[2].problems[0]
    assert (bad.path, bad.line, bad.column) == ("卫健委!B3", 3, 2)
    assert bad.file is not None and bad.file.endswith("b.xlsx")
    assert "在职人数 → staffing.on_post" in bad.message

    (tmp_path / "flat.toml").write_text(FLAT_TEXT, encoding="utf-8")
    out = tmp_path / "scored.csv"
    code = main(["batch", str(tmp_path / "flat.toml"), str(folder), "--layout",
                 str(tmp_path / "layout.toml"), "-o", str(out)])
    assert code == 1
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    # The default grades scale with the 5 full marks: 优 ≥ 4.5, 良 ≥ 4, 中 ≥ 3, 差 below.
    # key, code, name (the templates give a code and a name), total, grade
    assert [line.split(",")[1:2] + line.split(",")[4:6] for line in lines[1:]] == [
        ["A01", "2.50", "差"], ["A02", "5.00", "优"], ["A03", "", ""]]
    assert [line.split(",")[2] for line in lines[1:]] == ["A01", "A02", "A03"]


def test_every_extra_a_message_names_exists_in_pyproject() -> None:
    import re

    from perfrubric.batch.extras import _EXTRAS
    from perfrubric.files.reading import parse_toml

    root = Path(__file__).resolve().parent.parent
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    extras = parse_toml(text, "pyproject.toml", pr.DataError)["project"]["optional-dependencies"]
    for module, install in _EXTRAS.items():
        name = re.fullmatch(r"perfrubric\[(\w+)\]", install)
        assert name is not None and name[1] in extras, module
        # the extra installs the distribution that provides the module
        top = module.split(".")[0].replace("_", "-")
        assert any(req.lower().startswith(top) for req in extras[name[1]]), (module, install)


def test_cli_writes_csv_to_standard_output_and_the_summary_to_standard_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "county-2023"
    code = main(["batch", "mof-2013-department", str(root / "units.csv"), "--map",
                 str(root / "mapping.toml"), "--workers", "2"])
    assert code == 1  # A0004 gives 在职人数 as 二十
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("row,key,code,name,total,grade,status,error,"
                               "投入/预算配置/在职人员控制率")
    assert lines[1].startswith("2,A0001,A0001,示例县财政局,75.25,中,scored,,2.50,")  # worked out above
    assert lines[4].startswith("5,A0004,A0004,示例县农业农村局,,,failed,")
    # A0002: 预算完成率 17381.38 / 18892.8 = 92.00%, 8 points below 100%: one whole 5%
    # step (mof-2013 2013.2 counts whole steps), -2, 3 of 5 points; its total 81.37 is 良
    assert lines[2].startswith("3,A0002,A0002,示例县教育局,81.37,良,scored,")
    assert "6 units: 5 scored, 1 failed; grades: 良 1, 中 4" in captured.err
    assert "F5: 在职人数 → staffing.on_post: expected a whole number, got '二十'" in captured.err


def test_a_folder_of_data_files_is_a_batch(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    seed = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a_kaifu.toml").write_text((seed / "data.toml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (folder / "b_broken.toml").write_text('[department]\nname = "坏"\n\n[staffing]\n'
                                          'on_post = "21"\n', encoding="utf-8")
    (folder / "notes.txt").write_text("not data", encoding="utf-8")
    out = tmp_path / "scored.xlsx"
    code = main(["batch", str(seed / "rubric.toml"), str(folder), "-o", str(out)])
    assert code == 1
    book = openpyxl.load_workbook(out)
    rows = list(book["results"].iter_rows(min_row=2, values_only=True))
    # row, key, code, name (a data file gives its name only when traced), total, grade, status
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [
        ("a_kaifu", 100, "优", "scored"),           # the seed report's 100 points
        ("b_broken", None, None, "failed")]
    errors = list(book["errors"].iter_rows(min_row=2, values_only=True))
    assert len(errors) == 1
    key, _row, where, message, file = errors[0]
    assert (key, where) == ("b_broken", "staffing.on_post")
    assert "whole number" in message and file.endswith("b_broken.toml")


FLAT_RUBRIC = pr.loads_rubric("""
[rubric]
id = "flat-many"
version = "1"
title = "typed names from flat rows"
full_marks = 30

[[indicator]]
path = "在职人员控制率"
points = 10
measure = "staffing.on_post / staffing.authorized"
missing = "zero"
rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.5, steps = "whole" }

[[indicator]]
path = "预算完成率"
points = 10
measure = "budget.final / budget.adjusted"
missing = "full"
rule = { kind = "ratio" }

[[indicator]]
path = "目标完成"
points = 10
measure = "targets.completion"
missing = "exclude"
rule = { kind = "ratio" }
""")


def _flat(doc: dict[str, Any]) -> dict[str, Any]:
    """A data document as one spreadsheet row with dotted headers."""
    row: dict[str, Any] = {}
    for section in ("department", "staffing", "budget", "facts"):
        for key, value in doc.get(section, {}).items():
            row[f"{section}.{key}"] = value
    for target in doc.get("target", []):
        for key, value in target.items():
            if key != "id":
                row[f"targets.{target['id']}.{key}"] = value
    return row


@settings(max_examples=40, deadline=None)
@given(departments())
def test_flat_rows_score_as_their_data_documents(doc: dict[str, Any]) -> None:
    try:
        want = pr.evaluate(FLAT_RUBRIC, doc)
    except pr.PerfrubricError as exc:
        (got,) = evaluate_many(FLAT_RUBRIC, [_flat(doc)], trace=False)
        assert not got.ok and isinstance(got.error, type(exc))
        return
    for trace in (False, True):
        (got,) = evaluate_many(FLAT_RUBRIC, [_flat(doc)], trace=trace)
        assert (got.total, got.grade) == (want.total, want.grade)


def test_a_bare_number_in_a_money_column_without_a_unit_says_how_to_give_one() -> None:
    rows = [{"department.name": "甲", "budget.initial": 800}]
    (result,) = evaluate_many(RUBRIC, rows, trace=False)
    (problem,) = result.problems
    assert problem.path == "row 0, column 'budget.initial'"
    assert 'unit = "万元"' in problem.message and "budget.initial" in problem.message


def test_a_gb18030_csv_reads_and_a_broken_one_is_a_data_error(tmp_path: Path) -> None:
    # 5/5 = 100% ≤ 100% → 5.00
    good = tmp_path / "gb.csv"
    good.write_bytes("department.name,staffing.authorized,staffing.on_post\n甲,5,5\n"
                     .encode("gb18030"))
    (result,) = evaluate_many(FLAT, good, trace=False)
    assert (result.key, result.total, result.row) == ("甲", Decimal("5.00"), 2)
    bad = tmp_path / "bad.csv"
    # valid UTF-8 well past the first 64 KiB that decide the encoding, then a stray byte
    bad.write_bytes(b"department.name,staffing.authorized,staffing.on_post\n"
                    + "甲,5,5\n".encode() * 20000 + b"\xff\xfe,1,1\n")
    # The encoding is decided for the whole file before any unit: one located error,
    # at byte 53 (the header line) + 20,000 × 8 (甲 is 3 bytes in UTF-8, then ",5,5\n")
    # = 160,053, line 1 + 20,000 + 1 = 20,002.
    with pytest.raises(pr.DataError) as info:
        list(evaluate_many(FLAT, bad, trace=False))
    (problem,) = info.value.problems
    assert "save it as CSV UTF-8" in problem.message
    assert "at byte 160,053 (line 20002)" in problem.message and problem.line == 20002


def test_unreadable_tables_are_data_errors(tmp_path: Path) -> None:
    for name in ("broken.parquet", "broken.xlsx"):
        path = tmp_path / name
        path.write_bytes(b"not a table")
        with pytest.raises(pr.DataError) as info:
            list(evaluate_many(FLAT, path))
        assert info.value.problems[0].file == str(path)
        assert "cannot read" in info.value.problems[0].message
    with pytest.raises(pr.DataError, match="no such file"):
        list(evaluate_many(FLAT, tmp_path / "none.csv"))


def test_a_table_with_headers_only_is_not_a_success(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "county-2023"
    header = (root / "units.csv").read_text(encoding="utf-8").splitlines()[0]
    empty = tmp_path / "h.csv"
    empty.write_text(header + "\n", encoding="utf-8")
    code = main(["batch", "mof-2013-department", str(empty), "--map",
                 str(root / "mapping.toml"), "-o", str(tmp_path / "o.csv")])
    assert code == 1   # 0 units scored is not "every unit scored"
    assert "no unit to score" in capsys.readouterr().err
