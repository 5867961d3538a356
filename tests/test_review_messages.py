"""Mistakes a new user makes, and what the messages say (found in the review)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.batch import evaluate_many, load_mapping
from perfrubric.cli import main

ROOT = Path(__file__).parent.parent
SEED = ROOT / "examples" / "kaifu-commerce-2021"
COUNTY = ROOT / "examples" / "county-2023"


@pytest.mark.parametrize("text, expected", [
    ("1,234.5", Decimal("1234.5")),          # thousands separator
    ("1,000,000", Decimal("1000000")),
    ("-12,345", Decimal("-12345")),
    ("1,234.5%", Decimal("12.345")),         # 1234.5 / 100
])
def test_a_comma_between_groups_of_three_is_a_thousands_separator(
        text: str, expected: Decimal) -> None:
    assert pr.to_decimal(text) == expected


@pytest.mark.parametrize("text", ["601,53", "1,2345", "12,5%", ",123", "1,23,456"])
def test_a_comma_anywhere_else_is_refused_not_read_100_times_too_large(text: str) -> None:
    # "601,53" (a decimal comma) used to become 60153: 100 times 601.53.
    with pytest.raises(ValueError, match="a comma only between groups of three digits"):
        pr.to_decimal(text)


def test_a_decimal_comma_in_money_is_a_located_data_error(tmp_path: Path) -> None:
    text = (SEED / "data.toml").read_text(encoding="utf-8")
    assert 'basic = "601.53万元"' in text
    bad = tmp_path / "data.toml"
    bad.write_text(text.replace('basic = "601.53万元"', 'basic = "601,53万元"'),
                   encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        pr.load_data(bad)
    (problem,) = info.value.problems
    assert problem.path == "budget.basic" and problem.line == 45
    assert "'601,53'" in problem.message


def test_a_decimal_comma_in_a_money_column_of_a_table_fails_that_unit() -> None:
    rows = [{"department.name": "甲", "budget.initial": "1,2345"}]
    mapping = load_mapping({"columns": {"budget.initial": {"name": "budget.initial",
                                                           "unit": "万元"}}})
    (result,) = evaluate_many(pr.builtin("mof-2013-department"), rows, mapping=mapping,
                              trace=False)
    assert not result.ok
    assert any("1,2345" in p.message for p in result.problems)


def test_a_money_threshold_with_a_decimal_comma_is_a_rubric_error() -> None:
    doc = """
[rubric]
id = "t"
version = "1"
title = "t"

[[indicator]]
path = "成本"
points = 100
measure = "budget.final"
unit = "万元"
rule = { kind = "threshold", threshold = "6,00万元", direction = "at_most" }
"""
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(doc)
    assert any("6,00" in p.message and "threshold" in p.path for p in info.value.problems)


def test_a_data_file_given_as_the_rubric_says_so_once(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", str(SEED / "data.toml"), str(SEED / "rubric.toml")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("error:") == 1
    assert "it is a data file, not a rubric" in err and "RUBRIC DATA" in err


def test_points_written_with_fen_name_the_bare_number_and_nothing_else(tmp_path: Path) -> None:
    text = (SEED / "rubric.toml").read_text(encoding="utf-8")
    # the two 5-point rows under 投入/预算配置 (10 points) written "5分"
    bad = tmp_path / "rubric.toml"
    bad.write_text(text.replace('points = 5\ndefinition = "各项目', 'points = "5分"\n'
                                'definition = "各项目', 1), encoding="utf-8")
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(bad)
    (problem,) = info.value.problems  # not also "leaf '投入/预算配置' has no 'rule'"
    assert problem.path == "indicator[2].points"
    assert "write the bare number: points = 5" in problem.message


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_bad_workers_count_is_a_usage_error(value: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["batch", "mof-2013-department", str(COUNTY / "units.csv"),
                 "--map", str(COUNTY / "mapping.toml"), "--workers", value])
    assert code == 2
    assert "--workers" in capsys.readouterr().err


def test_a_header_misspelt_in_the_mapping_names_the_mapping_and_its_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text((COUNTY / "mapping.toml").read_text(encoding="utf-8")
                       .replace('"在职人数"', '"在职人员数"'), encoding="utf-8")
    code = main(["batch", "mof-2013-department", str(COUNTY / "units.csv"),
                 "--map", str(mapping), "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert "F1: column '在职人数' is not in the mapping" in err
    assert str(mapping) in err and "it maps '在职人员数': a typo?" in err


def test_a_judged_row_without_its_assessment_says_which_assessment_to_add() -> None:
    # The seed's data has no [[assessment]] for the national framework's 经济效益 row.
    with pytest.raises(pr.EvaluationError) as info:
        pr.evaluate(pr.builtin("mof-2013-department"), SEED / "data.toml")
    (problem,) = [p for p in info.value.problems if p.path == "效果/履职效益/经济效益"]
    assert 'an [[assessment]] with indicator = "效果/履职效益/经济效益"' in problem.message


def test_a_chinese_label_as_a_data_key_names_the_key_to_write(tmp_path: Path) -> None:
    data = tmp_path / "dept.toml"
    data.write_text('[department]\nname = "某局"\nyear = 2023\n\n[staffing]\n"编制数" = 11\n'
                    '\n[budget]\n"决算数" = "100万元"\n', encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        pr.load_data(data)
    got = {(p.path, p.line): p.message for p in info.value.problems}
    assert got == {
        ('staffing."编制数"', 6): "unknown key '编制数' ('编制数' is staffing.authorized: "
                                  "write authorized = … under [staffing])",
        ('budget."决算数"', 9): "unknown key '决算数' ('决算数' is budget.final: "
                                "write final = … under [budget])",
    }


def test_an_unknown_data_key_without_a_near_name_lists_the_keys() -> None:
    with pytest.raises(pr.DataError) as info:
        pr.load_data({"department": {"name": "x", "year": 2023}, "staffing": {"foo": 1}})
    (problem,) = info.value.problems
    assert "expected one of authorized, authorized_by_kind, on_post" in problem.message


def test_a_full_width_percent_sign_reads_like_the_half_width_one() -> None:
    # ％ (U+FF05) is what a Chinese input method types: 90％ = 0.9, as 90% is.
    assert pr.to_decimal("90％") == pr.to_decimal("90%") == Decimal("0.9")
    dept = pr.load_data({"department": {"name": "x", "year": 2023},
                         "facts": {"satisfaction": "92.5％"}})
    assert dept.facts["satisfaction"] == Decimal("0.925")


def test_an_empty_csv_is_one_error_not_one_per_missing_column(tmp_path: Path) -> None:
    empty = tmp_path / "units.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        list(evaluate_many(pr.builtin("mof-2013-department"), empty,
                           mapping=COUNTY / "mapping.toml"))
    (problem,) = info.value.problems
    assert problem.message.startswith("the table is empty: expected a header row")


def test_a_missing_column_suggests_only_policies_that_do_not_reward_absence(
        tmp_path: Path) -> None:
    table = tmp_path / "units.csv"
    table.write_text("department.name,staffing.authorized\n甲,5\n", encoding="utf-8")
    with pytest.raises(pr.DataError) as info:
        list(evaluate_many(pr.builtin("mof-2013-department"), table))
    messages = [p.message for p in info.value.problems]
    assert any("no column gives 'staffing.on_post'" in m for m in messages)
    assert all('missing = "zero" | "cannot_rate"' in m and '"full"' not in m for m in messages)
