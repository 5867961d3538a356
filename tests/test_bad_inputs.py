"""Curated bad inputs: realistic mistakes of a finance officer, each with its message.

Every file in ``tests/data/bad/`` is one mistake (the first line of most
says which).  Rubrics (``rubric-*``) are validated; data files are scored
against ``tests/data/bad-base/rubric.toml`` (whose data,
``tests/data/bad-base/data.toml``, scores without error: each data file is
that data with one mistake).  For each: the Python API raises a
PerfrubricError and the command line exits 1 with ``error:`` lines and no
traceback; one of the problems contains the expected text and is located
where the mistake is (a line of the file, or the indicator's path for a
mistake only scoring can find).
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.errors import EvaluationError, PerfrubricError, _LocatedError

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
BASE_RUBRIC = DATA / "bad-base" / "rubric.toml"

# (file, expected text, where: a line of the file, or the path of the indicator/key)
CASES: list[tuple[str, str, int | str]] = [
    # -- rubrics: sums, scales, bands
    ("rubric-tier-sum-wrong.toml", "children of '投入' add up to 22 points, but it has 20", 19),
    ("rubric-total-not-full-marks.toml", "add up to 105 points, but the full marks are 100", 8),
    ("rubric-checklist-sum-wrong.toml", "items add up to 14 points but the indicator has 15", 55),
    ("rubric-band-gap.toml", "values in (10%, 12%] fall in no band", 36),
    ("rubric-band-overlap.toml", "overlap: both contain (5%, 10%]", 36),
    ("rubric-band-points-above-indicator.toml", "band points 12 exceed the indicator's 10", 34),
    ("rubric-percent-as-number.toml", "bands (0%, 1000%] and (10%, 20%] overlap", 36),
    ("rubric-grade-gap.toml", "totals from 0 to under 60 have no grade", 13),
    ("rubric-grade-duplicate.toml", "grade '良' is already defined", 13),
    ("rubric-grade-min-above-full-marks.toml", "starts at 110, above the full marks 100", 11),
    ("rubric-levels-share-over-100.toml", "cannot give more than 100% of the points", 80),
    ("rubric-negative-points.toml", "must be 0 or more, got -10", 86),
    ("rubric-weight-and-points.toml", "give either 'points' or 'weight', not both", 87),
    # -- rubrics: names and keys
    ("rubric-misspelt-points.toml", "unknown key 'ponits' (did you mean 'points'?)", 46),
    ("rubric-misspelt-kind.toml", "unknown rule kind 'step_deducton' (did you mean", 26),
    ("rubric-indicators-plural.toml", "unknown key 'indicators' (did you mean 'indicator'?)", 40),
    ("rubric-rubric-without-id.toml", "'id' is required", 3),
    ("rubric-duplicate-path.toml", "duplicate indicator '效果/社会效益'", 85),
    ("rubric-orphan-row.toml", "has no parent row '效益'", 85),
    ("rubric-unknown-measure-name.toml", "did you mean 'staffing.on_post'?", 24),
    ("rubric-measure-syntax.toml", "unexpected '/'", 47),
    ("rubric-measure-chinese-name.toml", "unknown name '决算数'", 47),
    ("rubric-missing-policy-typo.toml", "got 'zeros' (did you mean 'zero'?)", 47),
    ("rubric-rounding-places-20.toml", "whole number from 0 to 12, got 20", 9),
    ("rubric-rounding-mode-chinese.toml", "unknown rounding mode '四舍五入'", 9),
    ("rubric-points-as-words.toml", "expected a number, got the string '十分'", 86),
    ("rubric-full-marks-with-unit.toml", "expected a number, got the string '100分'", 8),
    ("rubric-step-direction-typo.toml", "expected \"above\" | \"below\", got 'up'", 26),
    ("rubric-step-deduct-zero.toml", "must be greater than 0, got 0", 26),
    ("rubric-threshold-full-when-typo.toml", "got 'atleast' (did you mean 'at_least'?)", 89),
    ("rubric-either-or-unknown.toml", "no indicator '过程/预算执行率' (did you mean", 93),
    ("rubric-veto-unknown-grade.toml", "no grade '不合格'", 95),
    ("rubric-extends-missing-file.toml", "national-2013.toml': no such file", 8),
    ("rubric-extends-typo-builtin.toml", "did you mean 'mof-2013-department'?", 8),
    # -- rubrics: numbers beyond the bounds (these used to crash or hang)
    ("rubric-share-huge.toml", "'1e999999999%' is too large", 81),
    ("rubric-step-tiny.toml", "'1e-999999' is too fine", 26),
    # -- rubrics: TOML as typed on a Chinese desktop
    ("rubric-chinese-bare-key.toml", "bare keys are ASCII only: quote the key (\"路径\" = …)", 62),
    ("rubric-chinese-rule-key.toml", "bare keys are ASCII only", 26),
    ("rubric-chinese-quotes.toml", "(Chinese quotation marks) are not TOML quotes", 87),
    ("rubric-full-width-digits.toml", "full-width characters", 86),
    ("rubric-unquoted-percent.toml", 'a percentage needs quotes: write "85%"', 26),
    ("rubric-unclosed-string.toml", "TOML syntax error", 6),
    ("rubric-duplicate-key.toml", "Cannot overwrite a value", 43),
    ("rubric-json-as-toml.toml", "this looks like JSON: name the file .json", 1),
    # -- rubrics: files and encodings
    ("rubric-bom-rubric.toml", "unknown key 'point' (did you mean 'points'?)", 22),  # BOM read
    ("rubric-crlf-rubric.toml", "unknown key 'poinst'", 45),
    ("rubric-gbk-rubric.toml", "not UTF-8 (GBK?)", 1),
    ("rubric-empty-rubric.toml", "missing the [rubric] table", "rubric"),
    # -- data: the basic data table
    ("data-money-without-unit.toml", 'expected money such as "601.53万元"', 14),
    ("data-money-unit-wan.toml", "unknown money unit '万'", 14),
    ("data-money-traditional-unit.toml", "unknown money unit '萬元'", 14),
    ("data-negative-money.toml", "must not be negative, got -950万元", 14),
    ("data-money-huge.toml", "'1e400' is too large", 14),
    ("data-on-post-as-text.toml", "expected a whole number, got '在职9人'", 9),
    ("data-negative-staff.toml", "must not be negative, got -9", 9),
    ("data-year-as-text.toml", "expected a whole number, got '2023年'", 5),
    ("data-year-two-digits.toml", "expected a year such as 2021, got 23", 5),
    ("data-year-huge.toml", "a number with thousands of digits", 5),
    ("data-misspelt-section.toml", "unknown section 'staffs' (did you mean 'staffing'?)", 7),
    ("data-misspelt-staffing-key.toml", "unknown key 'on_pots' (did you mean 'on_post'?)", 9),
    ("data-department-without-name.toml", "required key missing", 3),
    # a target without an id takes its name as id (项目自评表 rows are named, not coded), so the
    # rubric's targets.surveys names no target: said at the indicator, with the data's ids
    ("data-target-without-id.toml", "the data has no target 'surveys' (its targets: '完成专项调查'",
     "产出/专项调查完成率"),
    ("data-target-direction-typo.toml", "got 'down'", 20),
    ("data-target-as-dict.toml", "got a table", 20),
    ("data-duplicate-target-id.toml", "duplicate target id 'surveys'", 24),
    ("data-nan-fact.toml", "expected a finite number, got NaN", 25),
    ("data-deep-nesting.toml", "nest more than 32 levels deep", 25),
    ("data-chinese-fact-key.toml", "bare keys are ASCII only: quote the key (\"满意度\" = …)", 25),
    ("data-percent-unquoted.toml", 'a percentage needs quotes: write "85%"', 25),
    ("data-thousands-separator.toml", 'thousands separators need quotes', 12),
    ("data-percent-doubled.toml", "got the text '92.5%%'", "效果/满意度"),
    # -- data: judgements against the rubric
    # the stray assessment is a warning (one data file may serve several rubrics); the row it
    # was meant for has no judgement, and its error names the stray one
    ("data-assessment-renamed-row.toml", "an assessment names '效果/社会效应', which this "
     "rubric does not have: a renamed row?", "效果/社会效益"),
    ("data-assessment-unknown-level.toml", "unknown level '优秀'", "效果/社会效益"),
    ("data-assessment-score-too-high.toml", "score 15 lies outside 0–10 points", "效果/社会效益"),
    # -- data: files and encodings
    ("data-bom-data.toml", "expected a whole number, got '九'", 8),  # BOM read, lines kept
    ("data-gbk-data.toml", "not UTF-8 (GBK?)", 1),
    ("data-utf16.toml", "the file is UTF-16, not UTF-8", 1),
    ("data-excel.xlsx", "this is an Excel workbook (.xlsx)", 1),
    ("data-empty-data.toml", "missing the [department] table", "department"),
    ("data-json-trailing-comma.json", "JSON syntax error", 2),
    ("data-json-nan.json", "NaN is not a number", 1),
]


def test_at_least_60_cases_and_every_file_has_one() -> None:
    assert len(CASES) >= 60
    assert sorted(name for name, _, _ in CASES) == sorted(p.name for p in BAD.iterdir())


def test_the_base_scores_without_error() -> None:
    ev = pr.evaluate(pr.load_rubric(BASE_RUBRIC), DATA / "bad-base" / "data.toml")
    assert ev.grade is not None


def _load(path: Path) -> None:
    if path.name.startswith("rubric-"):
        pr.load_rubric(path)
    else:
        pr.evaluate(pr.load_rubric(BASE_RUBRIC), path)


@pytest.mark.parametrize(("name", "expected", "where"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(name: str, expected: str, where: int | str) -> None:
    path = BAD / name
    with pytest.raises(PerfrubricError) as info:
        _load(path)
    exc = info.value
    if isinstance(exc, EvaluationError):
        assert exc.indicator == where and expected in exc.message
    else:
        assert isinstance(exc, _LocatedError)
        matching = [p for p in exc.problems if expected in p.message]
        assert matching, str(exc)
        problem = matching[0]
        assert problem.file == str(path)
        if isinstance(where, int):
            assert problem.line == where, str(problem)
        else:
            assert problem.path == where, str(problem)


@pytest.mark.parametrize(("name", "expected", "where"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_on_the_command_line(name: str, expected: str, where: int | str) -> None:
    path = str(BAD / name)
    argv = (["validate", path] if name.startswith("rubric-")
            else ["score", str(BASE_RUBRIC), path])
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(argv, out=io.StringIO())
    text = err.getvalue()
    assert code == 1
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    place = f"{path}:{where}:" if isinstance(where, int) else str(where)
    assert any(expected in line and place in line for line in lines), text
