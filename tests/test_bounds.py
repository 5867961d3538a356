"""Regression tests for the raw exceptions and hangs of issue 9 (found by fuzzing).

Each test feeds one input that used to raise a bare Python exception (or
hang) and checks that it now gives a located PerfrubricError that says what
is wrong, quickly; or, for values within the declared bounds, that every
output is produced.
"""

from __future__ import annotations

import decimal
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import render_text
from perfrubric.decimals import MAX_MAGNITUDE, MAX_PLACES, NumberOutOfBounds, Rounding, to_decimal
from perfrubric.errors import DataError, RubricError
from perfrubric.files.reading import MAX_DEPTH, MAX_ITEMS
from perfrubric.narrative import report_text
from perfrubric.views import FORMATS, render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kaifu-commerce-2021"
EX_RUBRIC = (EXAMPLE / "rubric.toml").read_text(encoding="utf-8")
EX_DATA = (EXAMPLE / "data.toml").read_text(encoding="utf-8")
MOF = (ROOT / "src" / "perfrubric" / "rubrics" / "mof-2013-department.toml").read_text(
    encoding="utf-8")
MOF_FILE = str(ROOT / "src" / "perfrubric" / "rubrics" / "mof-2013-department.toml")
STEP = ('rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", '
        'deduct = 0.5, steps = "whole" }')


def rubric_error(text: str, file: str | None = "r.toml") -> RubricError:
    began = time.perf_counter()
    with pytest.raises(RubricError) as info:
        pr.loads_rubric(text, file=file)
    assert time.perf_counter() - began < 2  # no hang
    return info.value


def data_error(tmp_path: Path, text: str, name: str = "d.toml") -> DataError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    began = time.perf_counter()
    with pytest.raises(DataError) as info:
        pr.load_data(path)
    assert time.perf_counter() - began < 2
    return info.value


def located(exc: RubricError | DataError) -> str:
    assert all(p.file for p in exc.problems), exc
    return str(exc)


# -- the boundary: to_decimal ---------------------------------------------------------


@pytest.mark.parametrize("text", ["1e999999999", "-1e999999999", "1e16", "1000000000000001",
                                  "1e400万", "9" * 5000])
def test_numbers_beyond_1e15_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"too large|at most 100 characters"):
        to_decimal(text.rstrip("万"))


@pytest.mark.parametrize("text", ["1e-999999", "1e-999999999", "0.0000000000001", "1e-13"])
def test_numbers_finer_than_1e_12_are_refused(text: str) -> None:
    with pytest.raises(NumberOutOfBounds, match="12 decimal places"):
        to_decimal(text)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "sNaN", float("nan"),
                                   Decimal("NaN"), float("inf")])
def test_nan_and_infinity_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="finite"):
        to_decimal(value)


def test_the_bounds_themselves_are_accepted() -> None:
    # 1e15 and 1e-12 are inside; so is a percentage of 12 places (1.5e-11 % = 1.5e-13).
    assert to_decimal("1e15") == MAX_MAGNITUDE
    assert to_decimal("-1000000000000000") == -MAX_MAGNITUDE
    assert to_decimal("0.000000000001") == Decimal(1).scaleb(-MAX_PLACES)
    assert to_decimal("0.000000000015%") == Decimal("1.5E-13")
    assert to_decimal(Decimal("1.5E-14")) == Decimal("1.5E-14")  # an already divided percent
    assert to_decimal(10**15) == MAX_MAGNITUDE


def test_a_5000_digit_int_is_refused_cheaply() -> None:
    began = time.perf_counter()
    with pytest.raises(NumberOutOfBounds):
        to_decimal(10**5000)
    assert time.perf_counter() - began < 0.5


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**15, max_value=10**15,
                   places=12), st.integers(0, 12),
       st.sampled_from(["half_up", "half_even", "down", "up", "floor", "ceiling"]))
@settings(max_examples=200, deadline=None)
def test_rounding_never_fails_on_quotients_of_bounded_numbers(
        value: Decimal, places: int, mode: str) -> None:
    # The largest quotient of two bounded numbers is 1e15 / 1e-12 = 1e27, and in percent
    # 1e29: Rounding.apply used to raise InvalidOperation beyond 34 digits.
    for x in (value, value * Decimal("1e12"), value * Decimal("1e14")):
        rounded = Rounding(places, mode).apply(x)
        assert abs(rounded - x) <= Decimal(1).scaleb(-places)


# -- rubric parameters at the extremes -----------------------------------------------


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("full_marks = 100", 'full_marks = "1e999999999"', "rubric.full_marks", "too large"),
    ("full_marks = 100", "full_marks = nan", "rubric.full_marks", "NaN"),
    (STEP, STEP.replace('step = "1%"', 'step = "1e-999999"'), "rule.step", "too fine"),
    (STEP, STEP.replace('step = "1%"', 'step = "1e-5000"'), "rule.step", "too fine"),
    (STEP, STEP.replace("deduct = 0.5", 'deduct = "1e999999999"'), "rule.deduct", "too large"),
    (STEP, STEP.replace('limit = "100%"', 'limit = "1e-999999999"'), "rule.limit", "too fine"),
    (STEP, STEP.replace("deduct = 0.5", "deduct = 1e400"), "rule.deduct", "too large"),
    ('{ level = "好", share = "100%" }', '{ level = "好", share = "1e999999999%" }',
     "rule.levels[0].share", "too large"),
    ('threshold = "90%"', 'threshold = "1e-999999%"', "rule.threshold", "too fine"),
    ("deduct = 1 }", "deduct = " + "9" * 5000 + " }", "", "thousands of digits"),
])
def test_extreme_rubric_parameters_are_located_errors(old: str, new: str, path: str,
                                                      message: str) -> None:
    assert old in MOF
    exc = rubric_error(MOF.replace(old, new, 1), file=MOF_FILE)
    text = located(exc)
    assert message in text and path in text
    assert "decimal." not in text and "<class" not in text  # no Python internals
    assert exc.line is not None


def test_step_of_1e_999999_no_longer_hangs() -> None:
    # It used to count a million-digit number of steps (~50 s per indicator).
    began = time.perf_counter()
    rubric_error(MOF.replace(STEP, STEP.replace('step = "1%"', 'step = "1e-999999"')), MOF_FILE)
    assert time.perf_counter() - began < 1


def test_weights_at_the_extremes() -> None:
    for weight in ('"1e999999999"', '"1e-999999999"', "1e999999999"):
        text = EX_RUBRIC.replace("points = 10\n", f"weight = {weight}\n", 1)
        exc = rubric_error(text, file=str(EXAMPLE / "rubric.toml"))
        assert "too large" in str(exc) or "too fine" in str(exc) or "weight" in str(exc)


def test_rounding_mode_of_a_table_is_a_located_error() -> None:
    text = MOF.replace('mode = "half_up"', "mode = {}", 1)
    assert text != MOF
    exc = rubric_error(text, file=MOF_FILE)
    assert "rounding.mode" in located(exc) and "unknown rounding mode" in str(exc)


@pytest.mark.parametrize(("document", "message"), [
    ([], "expected a document"),
    ("rubric", "expected a document"),
    ({1: 2}, "keys must be text"),
    ({"rubric": {1: "x"}}, "keys must be text"),
    ({"rubric": {("a",): "x"}}, "keys must be text"),
])
def test_rubric_from_dict_refuses_non_documents(document: object, message: str) -> None:
    with pytest.raises(RubricError, match=message):
        pr.rubric_from_dict(document)  # type: ignore[arg-type]


def test_extends_a_file_name_too_long_or_a_directory(tmp_path: Path) -> None:
    for ref in ("a" * 300, "a" * 300 + ".toml", str(tmp_path), "a\x00b"):
        child = tmp_path / "child.toml"
        child.write_text(f'[rubric]\nid = "x"\nversion = "1"\ntitle = "t"\nextends = '
                         f'{json.dumps(ref)}\n', encoding="utf-8")
        with pytest.raises(RubricError) as info:
            pr.load_rubric(child)
        assert info.value.path == "rubric.extends" and info.value.line == 5


# -- documents: nesting, sizes, huge integers ----------------------------------------


@pytest.mark.parametrize("text", [
    "x = " + "[" * 600 + "]" * 600,
    "x = " + "{ a = " * 600 + "1" + " }" * 600,
    ".".join(["k"] * 1000) + " = 1",
    "[" + ".".join(["k"] * 1000) + "]",
    "[rubric]\n" + ".".join(['"键"'] * 40) + " = 1",
])
def test_deep_toml_is_refused_before_parsing(text: str) -> None:
    exc = rubric_error(text)
    assert f"{MAX_DEPTH} levels" in str(exc) or f"{MAX_DEPTH} parts" in str(exc)


def test_nesting_within_the_limit_is_read() -> None:
    exc = rubric_error("x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert "levels deep" not in str(exc)  # only "unknown key 'x'" and friends
    exc = rubric_error(".".join(["k"] * MAX_DEPTH) + " = 1")
    assert "levels deep" not in str(exc)


def test_deep_json_data_is_refused(tmp_path: Path) -> None:
    exc = data_error(tmp_path, "[" * 100_000, "d.json")
    assert "nest more than" in located(exc)


def test_long_arrays_are_refused(tmp_path: Path) -> None:
    exc = data_error(tmp_path, '[department]\nname = "a"\nduties = [' + ", ".join(
        ['"x"'] * (MAX_ITEMS + 1)) + "]\n")
    assert f"at most {MAX_ITEMS}" in located(exc) and exc.path == "department.duties"


@pytest.mark.parametrize(("text", "line"), [
    ('[department]\nname = "a"\nyear = ' + "9" * 5000 + "\n", 3),
    ('[department]\nname = "a"\n[facts]\nx = ' + "9" * 5000 + "\n", 4),
])
def test_5000_digit_integers_in_toml(tmp_path: Path, text: str, line: int) -> None:
    exc = data_error(tmp_path, text)
    assert "thousands of digits" in located(exc) and exc.line == line


def test_5000_digit_integer_in_json(tmp_path: Path) -> None:
    exc = data_error(tmp_path, '{"department": {"name": "a", "year": ' + "9" * 5000 + "}}",
                     "d.json")
    assert "thousands of digits" in located(exc)


def test_huge_year_from_python() -> None:
    with pytest.raises(DataError, match=r"department\.year"):
        pr.load_data({"department": {"name": "a", "year": 10**5000}})


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_are_refused(tmp_path: Path, constant: str) -> None:
    exc = data_error(tmp_path, '{"department": {"name": "a"}, "facts": {"x": ' + constant + '}}',
                     "d.json")
    assert constant in located(exc)


def test_float_literals_are_exact(tmp_path: Path) -> None:
    # 1e-400 as a binary float silently became 0.0; read exactly it is refused.
    exc = data_error(tmp_path, EX_DATA.replace('target = "7.5"', "target = 1e-400"))
    assert "too fine" in located(exc) and "target" in exc.path
    dept = pr.load_data(EXAMPLE / "data.toml")
    assert isinstance(dept.targets[1].target, Decimal)


@pytest.mark.parametrize(("old", "new", "message"), [
    # printed text has no exponents (docs/projects.md); a TOML number is bounded
    ('target = "7.5"', 'target = "1e-999999"', "no exponents"),
    ('actual = "8.39"', 'actual = "1e28"', "no exponents"),
    ('target = "7.5"', 'target = "0.0000000000001"', "too fine"),
    ('actual = "8.39"', 'actual = "10000000000000000"', "at most 15 digits"),
    ('actual = "8.39"', "actual = 1e28", "too large"),
    ('actual = "8.39"', "actual = 1e300", "too large"),
    ('actual = "8.39"', "actual = nan", "finite"),
])
def test_extreme_data_values_are_located(tmp_path: Path, old: str, new: str,
                                         message: str) -> None:
    assert old in EX_DATA
    exc = data_error(tmp_path, EX_DATA.replace(old, new))
    assert message in located(exc) and exc.line is not None


def test_fact_of_1e300_is_refused() -> None:
    with pytest.raises(DataError, match=r"facts\.rate: the number 1E\+300 is too large"):
        pr.load_data({"department": {"name": "a"}, "facts": {"rate": Decimal("1e300")}})
    with pytest.raises(DataError, match="too large"):
        pr.load_data({"department": {"name": "a"}, "facts": {"rate": 1e300}})


@pytest.mark.parametrize(("money", "message"), [
    ("1e400万元", "too large"),
    ("1e-400万元", "too fine"),
    ("5e3万元", None),
])
def test_money_with_an_exponent(money: str, message: str | None) -> None:
    doc = {"department": {"name": "a"}, "budget": {"final": money}}
    if message is None:
        assert pr.load_data(doc).budget.final == pr.Money("5000", "万元")
        return
    with pytest.raises(DataError) as info:
        pr.load_data(doc)
    assert message in str(info.value) and "unknown money unit" not in str(info.value)


def test_money_arithmetic_inside_is_not_bounded() -> None:
    # Bounds apply to written numbers; a quotient has as many places as it needs.
    third = pr.Money("1", "元") / 3
    assert isinstance(third, pr.Money) and third.amount == Decimal(1) / 3


# -- files: size cap, directories ----------------------------------------------------


def test_dev_zero_is_refused_as_a_device() -> None:
    began = time.perf_counter()
    with pytest.raises(DataError, match="is a device, not a regular file"):
        pr.load_data("/dev/zero")
    assert time.perf_counter() - began < 2


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a directory"):
        pr.load_data(tmp_path)
    with pytest.raises(RubricError, match="is a directory"):
        pr.load_rubric(tmp_path)


# -- formatting cannot fail on any value within the bounds ---------------------------


@pytest.mark.parametrize(("target", "actual"), [
    # printed text has no exponents: the bounds as TOML numbers, or written in full
    ("1e15", "1e-12"), ("1e-12", "1e15"), ("1e15", '"999999999999999.999999999999"'),
    ("-1e15", "1e15"), ('"0.000000000001"', '"0.000000000001"'),
    ('"-0.000000000001"', "1e15"), ('"-999999999999999"', '"999999999999999"'),
    # (a percent against these money targets is now refused as mixed notation: test_targets)
])
def test_every_output_at_the_bounds(tmp_path: Path, target: str, actual: str) -> None:
    # babel raised InvalidOperation on 1e27-sized ratios (formatting in 28 digits).
    text = (EX_DATA.replace('target = "215.92"', f"target = {target}")
            .replace('actual = "252.94"', f"actual = {actual}")
            .replace('target = "7.5"', f"target = {actual}")
            .replace('actual = "8.39"', f"actual = {target}"))
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    ev = pr.evaluate(pr.load_rubric(EXAMPLE / "rubric.toml"), path)
    assert render_text(ev) and json.dumps(ev.to_dict())
    for locale in ("zh_CN", "en"):
        assert report_text(ev, locale=locale) and report_text(ev, locale=locale, compact=True)
        for fmt in FORMATS:
            assert render(ev, fmt, locale=locale)
    assert decimal.getcontext().prec == 28  # formatting left the caller's context alone


@pytest.mark.parametrize("literal", ["1e99999999999999999999", "-1e-99999999999999999999",
                                     "9" * 50 + ".5e999999999999999999"])
def test_float_literal_beyond_any_decimal(literal: str) -> None:
    # Found by the long fuzz run (input 49255): Decimal(text) raised InvalidOperation.
    exc = rubric_error(f"[rubric]\nfull_marks = {literal}\n")
    assert "out of range" in located(exc) and exc.line == 2 and exc.column == 14


def test_money_objects_beyond_the_bounds_are_refused_in_data() -> None:
    # Written back out (unstructure_department), 1e99999999999 as plain text stalled or
    # raised MemoryError; such an amount now never enters a Department.
    huge = pr.Money(Decimal("1e99999999999"), "元")
    with pytest.raises(DataError, match=r"budget\.basic: .* is too large"):
        pr.load_data({"department": {"name": "a"}, "budget": {"basic": huge}})


def test_step_counts_stay_small_at_the_bounds() -> None:
    # The finest step (1e-12) against a measured value far beyond the bounds (a product of
    # bounded numbers): the count is computed at once, and its trace serialises.
    from perfrubric.engine.serialize import plain
    from perfrubric.indicators import StepDeduction

    rule = StepDeduction.from_params({"limit": 0, "direction": "above", "step": "1e-12",
                                      "deduct": 1, "steps": "started"}, Decimal(10))
    began = time.perf_counter()
    outcome = rule.score(Decimal("1e45"))
    assert time.perf_counter() - began < 0.5
    assert outcome.score == 0  # 1e45 / 1e-12 = 1e57 steps of 1 point: 扣完为止
    assert len(json.dumps(plain(dict(outcome.detail)))) < 1000


def test_deep_documents_from_python_are_refused_without_recursion() -> None:
    deep: object = 1
    for _ in range(5000):
        deep = {"a": deep}
    with pytest.raises(DataError, match="nest more than 32 levels"):
        pr.load_data({"department": {"name": "a"}, "facts": deep})
    with pytest.raises(RubricError, match="nest more than 32 levels"):
        pr.rubric_from_dict({"rubric": deep})


def test_key_positions_skip_deep_values_without_recursion() -> None:
    # The position scanner used to recurse into every bracket (RecursionError, caught, and
    # every key after it lost); it now skips what no loader accepts and reads on.
    from perfrubric.files.tomlpos import key_positions

    text = 'x = ' + "[" * 5000 + '"]"' + "]" * 5000 + "\ny = { a = [[[1]]] }\n"
    positions = key_positions(text)
    assert positions[("y",)] == (2, 1) and positions[("y", "a")] == (2, 7)


HUGE = 10**5000  # str() of it raises ValueError (Python's int-string limit)


@pytest.mark.parametrize(("document", "path"), [
    ({"department": {"name": "a"}, "target": [{"id": "t", "name": "n", "target": HUGE}]},
     "target[0].target"),
    ({"department": {"name": "a"}, "budget": {"final": {"amount": HUGE, "unit": "元"}}},
     "budget.final.amount"),
    ({"department": {"name": HUGE}}, "department.name"),
    ({"department": {"name": "a"}, "assessment": [{"indicator": "x", "score": HUGE}]},
     "assessment[0].score"),
])
def test_5000_digit_ints_from_python_data(document: dict[str, object], path: str) -> None:
    with pytest.raises(DataError) as info:
        pr.load_data(document)
    assert info.value.path == path and "thousands of digits" in str(info.value)


@pytest.mark.parametrize(("document", "path"), [
    ({"indicator": [{"path": HUGE}]}, "indicator[0].path"),
    ({"rubric": {"rounding": {"places": HUGE}}}, "rubric.rounding.places"),
    ({"indicator": [{"path": "a", "points": 1, "rule": {"kind": "ratio", "x": HUGE}}]},
     "indicator[0].rule.x"),
])
def test_5000_digit_ints_from_python_rubrics(document: dict[str, object], path: str) -> None:
    with pytest.raises(RubricError) as info:
        pr.rubric_from_dict(document)
    assert info.value.path == path and "thousands of digits" in str(info.value)


BAD_BASE = ROOT / "tests" / "data" / "bad-base"
RATE = 'measure = "budget.final / budget.adjusted"'


def test_number_literals_in_measures_keep_the_bounds() -> None:
    text = (BAD_BASE / "rubric.toml").read_text(encoding="utf-8").replace(
        RATE, 'measure = "budget.final / budget.adjusted * 1' + "0" * 400 + '"')
    exc = rubric_error(text)
    assert "indicator[4].measure" in str(exc) and "too large" in str(exc)


def test_every_output_for_a_measure_far_beyond_the_bounds() -> None:
    # A product of 24 bounded numbers is ~1e336: babel raised InvalidOperation formatting
    # it (28 digits); the precision now follows the value.
    product = " * ".join(["99999999999999"] * 24)
    text = (BAD_BASE / "rubric.toml").read_text(encoding="utf-8").replace(
        RATE, f'measure = "budget.final / budget.adjusted * {product}"')
    ev = pr.evaluate(pr.loads_rubric(text, file="r.toml"), BAD_BASE / "data.toml")
    assert ev.results["过程/预算完成率"].score == 15  # 0.95 × 1e336 of a ratio: capped
    assert render_text(ev) and json.dumps(ev.to_dict())
    for locale in ("zh_CN", "en"):
        assert report_text(ev, locale=locale)
        for fmt in FORMATS:
            assert render(ev, fmt, locale=locale)


def test_numeric_text_facts_beyond_the_bounds_are_located() -> None:
    # A count of 5,002 digits written as text used to be reported at [department] only.
    with pytest.raises(DataError) as info:
        pr.load_data({"department": {"name": "a"}, "facts": {"events": "9" * 5002}})
    assert info.value.path == "facts.events" and "at most 100 characters" in str(info.value)
