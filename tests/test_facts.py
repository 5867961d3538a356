"""Facts: flattening a Department into dotted names, and checking names at load time."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from perfrubric.data import load_data
from perfrubric.data.facts import (
    CATEGORY_FIELDS,
    NAME_PATTERNS,
    TARGET_FIELDS,
    Facts,
    check_name,
    static_names,
)
from perfrubric.data.model import Department, Sangong, SangongItem, Staffing, Target
from perfrubric.errors import MeasureUnavailable
from perfrubric.units import Money

D = Decimal
HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs" / "data.md"


@pytest.fixture(scope="module")
def small() -> Facts:
    return Facts.from_department(load_data(HERE / "data" / "small_dept.toml"))


def wan(amount: str) -> Money:
    return Money(amount, "万元")


# -- flattening ----------------------------------------------------------------------


def test_fields_become_names(small: Facts) -> None:
    assert small.resolve("department.name") == "示例区统计局"
    assert small.resolve("department.year") == 2022
    assert small.resolve("staffing.on_post") == 9
    assert isinstance(small.resolve("staffing.on_post"), Decimal)  # counts are numbers
    assert small.resolve("budget.adjusted") == wan("1000")
    assert small.resolve("budget.payment_actual") == D("0.95")  # "95%"
    assert small.resolve("budget.sangong.abroad.actual") == wan("2")


def test_derived_counts_and_totals(small: Facts) -> None:
    assert small.resolve("department.duties_count") == 2
    assert small.resolve("department.units_count") == 2
    assert small.resolve("staffing.authorized_total") == 10  # 6 + 3 + 1
    assert small.resolve("staffing.authorized_by_kind.institutional") == 3
    assert small.resolve("budget.project_lines_total") == wan("650")  # 400 + 250
    assert small.resolve("budget.lines.census_field") == wan("300")  # a nested line


def test_sangong_total_from_its_three_items(small: Facts) -> None:
    # actual not given; 2 + 5 + 1.5 = 8.5 万元 from 因公出国(境), 公务用车, 公务接待
    assert small.resolve("budget.sangong.actual") == wan("8.5")
    # a given total is kept as given
    assert small.resolve("budget.sangong.budget") == wan("12")
    # previous_budget: neither the total nor the items are given
    assert small.get("budget.sangong.previous_budget") is None


def test_sangong_total_needs_all_three_items() -> None:
    sangong = Sangong(abroad=SangongItem(actual="1万元"), vehicles=SangongItem(actual="2万元"))
    facts = Facts.from_department(Department("x", budget=attrs.evolve(
        Department("x").budget, sangong=sangong)))
    assert facts.get("budget.sangong.actual") is None  # 公务接待 missing: no total invented


def test_targets(small: Facts) -> None:
    assert small.resolve("targets.surveys.ratio") == D("1.2")  # 12 / 10
    assert small.resolve("targets.surveys.growth") == D("0.5")  # (12 − 8) / 8
    assert small.resolve("targets.surveys.reached") is True
    assert small.resolve("targets.error_rate.reached") is False  # 1.25% > 1%, lower is better
    assert small.resolve("targets.error_rate.completion") == D("0.8")  # 1% / 1.25%
    # a money unit makes target and actual Money
    assert small.resolve("targets.printing.actual") == wan("18")
    assert small.resolve("targets.printing.ratio") == D("0.9")  # 18 / 20
    # no result reported: missing, not zero
    assert small.resolve("targets.reports.target") == 6
    assert "targets.reports.actual" not in small
    with pytest.raises(MeasureUnavailable, match=r"targets\.reports\.reached"):
        small.resolve("targets.reports.reached")


def test_target_aggregates(small: Facts) -> None:
    assert small.resolve("targets.count") == 4
    assert small.resolve("targets.known_count") == 3  # reports has no result
    assert small.resolve("targets.reached_count") == 2  # surveys, printing
    # 'reports' has a target (6) and no result: not reported, so no share and no mean
    # (the mean of the other three, (1 + 0.8 + 1) / 3, would give it their average)
    for name in ("targets.reached_share", "targets.completion"):
        with pytest.raises(MeasureUnavailable, match="target 'reports' is not reported"):
            small.resolve(name)
    # counting an unreported target as not done stays possible: 2 reached of 4
    assert small.resolve("targets.reached_count") / small.resolve("targets.count") == D("0.5")


def test_aggregates_over_reported_targets() -> None:
    dept = Department("x", targets=(Target("a", "甲", target=10, actual=12),
                                    Target("b", "乙", target=10, actual=8),
                                    Target("c", "丙", actual=5)))  # a figure, not a target
    facts = Facts.from_department(dept)
    # completions 1 (capped) and 0.8 → mean 0.9; reached 1 of 2 known → 0.5
    assert facts.resolve("targets.completion") == D("0.9")
    assert facts.resolve("targets.reached_share") == D("0.5")


def test_category_aggregates(small: Facts) -> None:
    # 数量: surveys (12 of 10, reached) and reports (no result)
    assert small.resolve("targets.category.数量.count") == 2
    assert small.resolve("targets.category.数量.known_count") == 1
    assert small.get("targets.category.数量.reached_share") is None  # reports not reported
    assert small.get("targets.category.数量.completion") is None
    assert small.resolve("targets.category.质量.completion") == D("0.8")
    assert small.resolve("targets.category.质量.reached_count") == 0


def test_no_targets_no_shares() -> None:
    facts = Facts.from_department(Department("x"))
    assert facts.resolve("targets.count") == 0
    assert facts.resolve("targets.reached_count") == 0
    assert facts.get("targets.reached_share") is None  # 0 / 0 is not a share
    assert facts.get("targets.completion") is None


def test_free_facts(small: Facts) -> None:
    assert small.resolve("facts.management_rules") == ("已制定", "有效执行")
    assert small.resolve("facts.violations") == 0
    assert small.resolve("facts.published_on_time") is True
    assert small.resolve("facts.satisfaction") == D("0.925")  # "92.5%"
    assert small.resolve("facts.audit.findings") == 2  # a nested table


def test_missing_is_absent_not_zero() -> None:
    facts = Facts.from_department(Department("x", staffing=Staffing(on_post=0)))
    assert facts.resolve("staffing.on_post") == 0
    assert facts.get("staffing.authorized") is None
    with pytest.raises(MeasureUnavailable) as info:
        facts.resolve("staffing.authorized")
    assert info.value.reason == "missing"
    assert info.value.detail == ("'staffing.authorized' has no value in the data (a data "
                                 "file writes it [staffing] authorized = …; a table, in a "
                                 "column named or mapped to staffing.authorized)")


def test_where_to_write_a_missing_name_only_for_names_a_data_file_writes() -> None:
    facts = Facts.from_department(Department("x"))
    hints = {}
    for name in ("budget.sangong.previous_budget", "facts.satisfaction",
                 "budget.project_lines_total", "staffing.nonsense"):
        with pytest.raises(MeasureUnavailable) as info:
            facts.resolve(name)
        hints[name] = info.value.detail.partition(" (a data file writes it ")[2]
    # derived (project_lines_total) and unknown names get no hint: nothing to write there
    assert hints == {
        "budget.sangong.previous_budget": "[budget.sangong] previous_budget = …; a table, in "
                                          "a column named or mapped to "
                                          "budget.sangong.previous_budget)",
        "facts.satisfaction": "[facts] satisfaction = …; a table, in a column named or mapped "
                              "to facts.satisfaction)",
        "budget.project_lines_total": "", "staffing.nonsense": ""}


def test_names_are_sorted_and_valid(small: Facts) -> None:
    names = small.names()
    assert list(names) == sorted(names)
    assert all(check_name(name) is None for name in names), [
        n for n in names if check_name(n) is not None]


def test_values_have_expression_types(small: Facts) -> None:
    for name in small.names():
        value = small.resolve(name)
        assert isinstance(value, (Decimal, bool, str, tuple, Money)), name


# -- the name list -------------------------------------------------------------------


def test_static_names_come_from_the_model() -> None:
    names = set(static_names())
    # every scalar field of Staffing, read from attrs (authorized_by_kind is a family)
    staffing = {f"staffing.{f.name}" for f in attrs.fields(Staffing)} - {
        "staffing.authorized_by_kind"}
    assert staffing <= names
    # 三公经费: 4 totals + 3 items × 4 figures = 16 names
    assert len([n for n in names if n.startswith("budget.sangong.")]) == 4 + 3 * 4
    assert "staffing.authorized_by_kind" not in names
    assert "budget.project_lines" not in names and "budget.sangong" not in names


def test_docs_table_lists_every_name() -> None:
    table = DOCS.read_text(encoding="utf-8").split("## Names a measure can use")[1]
    documented = set(re.findall(r"^\| `([^`]+)` \|", table, flags=re.M))
    missing = [n for n in (*static_names(), *NAME_PATTERNS) if n not in documented]
    assert not missing, missing
    extra = [n for n in documented if n not in static_names() and n not in NAME_PATTERNS]
    assert not extra, extra


def test_patterns_cover_target_fields() -> None:
    for field in TARGET_FIELDS:
        assert f"targets.<id>.{field}" in NAME_PATTERNS
    for field in CATEGORY_FIELDS:
        assert f"targets.category.<category>.{field}" in NAME_PATTERNS


# -- check_name ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "staffing.on_post", "budget.sangong.actual", "budget.sangong.vehicles.previous_actual",
    "targets.domestic_investment.ratio", "targets.x.completion", "targets.reached_share",
    "targets.category.数量.completion", "facts.anything", "facts.audit.findings",
    "staffing.authorized_by_kind.logistics", "budget.lines.business", "department.year",
])
def test_check_name_accepts(name: str) -> None:
    assert check_name(name) is None


@pytest.mark.parametrize(("name", "message"), [
    ("staffing.onpost", "unknown name 'staffing.onpost' (did you mean 'staffing.on_post'?)"),
    ("budget.sangong.actul", "did you mean 'budget.sangong.actual'?"),
    ("budget.sangong.abroad.actul", "did you mean 'budget.sangong.abroad.actual'?"),
    ("budget.carryover_prev", "did you mean 'budget.carryover_previous'?"),
    ("budgt.final", "did you mean 'budget.final'?"),
    ("targets.x.actuall", "did you mean 'targets.x.actual'?"),
    ("targets.reached_shar", "did you mean 'targets.reached_share'?"),
    ("targets.category.数量.completon", "did you mean 'targets.category.数量.completion'?"),
    ("targets.x", "targets.<id>.<field>"),
    ("targets.a.b.c.d", "targets.<id>.<field>"),
    ("facts", "facts.<name>"),
    ("budget.lines", "budget.lines.<id>"),
    ("staffing.authorized_by_kind", "staffing.authorized_by_kind.<kind>"),
    ("lambda", "unknown name 'lambda'"),
])
def test_check_name_rejects_with_a_hint(name: str, message: str) -> None:
    found = check_name(name)
    assert found is not None and message in found, found


def test_unknown_name_points_at_the_docs() -> None:
    found = check_name("xyz")
    assert found == "unknown name 'xyz'; see docs/data.md for the names a measure can use"
