"""Docs and built-ins agree (issue 17, point 6).

Every measure docs/data.md gives for a row of the built-in
``mof-2013-department`` is the measure the built-in uses (docs/data.md once
gave 三公经费变动率 from actual spending and 实际完成率 as
``targets.reached_share``: 14 points against 7.5 on one department); every
other measure the docs suggest reads real names; and the framework's own
wording (指标解释, 评分标准) carries no library note: those live in ``note``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import perfrubric as pr
from perfrubric.data.facts import check_name

DOCS = Path(__file__).resolve().parent.parent / "docs"
BUILTIN = pr.builtin("mof-2013-department")


def table(heading: str, page: str = "data.md") -> list[list[str]]:
    """The rows (cells as text) of the first Markdown table under *heading*."""
    text = (DOCS / page).read_text(encoding="utf-8")
    after = text[text.index(heading) + len(heading):]
    rows = []
    for line in after.splitlines():
        if line.startswith("#"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header row


def code(cell: str) -> str:
    match = re.search(r"`([^`]+)`", cell)
    assert match, cell
    return match[1]


BUILTIN_ROWS = table("### Measures of the built-in `mof-2013-department`")


def test_the_docs_give_every_builtin_measure_as_the_builtin_uses_it() -> None:
    leaves = {leaf.name: leaf for leaf in BUILTIN.leaves() if leaf.measure is not None}
    documented = {row[0]: row for row in BUILTIN_ROWS}
    assert set(documented) == set(leaves)  # every measured row, nothing else
    for name, (_, measure, unit) in documented.items():
        leaf = leaves[name]
        assert leaf.measure is not None and code(measure) == leaf.measure.source, name
        assert (unit or None) == leaf.unit, name


@pytest.mark.parametrize("name, measure", [
    # the two the docs once got wrong
    ("三公经费变动率", "(budget.sangong.budget - budget.sangong.previous_budget) / "
                      "budget.sangong.previous_budget"),
    ("实际完成率", "targets.completion"),
])
def test_the_two_rows_the_docs_once_got_wrong(name: str, measure: str) -> None:
    (row,) = [r for r in BUILTIN_ROWS if r[0] == name]
    assert code(row[1]) == measure


def test_every_other_measure_the_docs_suggest_reads_real_names() -> None:
    rows = table("### Other measures of the framework (not in the built-in)")
    assert len(rows) >= 6
    for _, cell in rows:
        for source in re.findall(r"`([^`]+)`", cell):
            expr = pr.parse_expression(source)
            assert all(check_name(n) is None for n in expr.names), source


def test_the_framework_wording_carries_no_library_note() -> None:
    for ind in BUILTIN.walk():
        for text in (ind.definition, ind.criterion):
            assert text is None or "perfrubric" not in text, ind.path
    source = (Path(pr.__file__).parent / "rubrics" / "mof-2013-department.toml").read_text(
        encoding="utf-8")
    # the library's own choices are said in `note`, beside the framework's wording
    assert source.count('note = "perfrubric') >= 2


def test_rule_kinds_quotes_no_other_deduction_as_the_builtins() -> None:
    text = (DOCS / "rule-kinds.md").read_text(encoding="utf-8")
    # 三公经费变动率 deducts 0.5 per point in the built-in: a quoted local table that
    # deducts otherwise must say so.
    for line in text.splitlines():
        if "三公经费变动率" in line and "扣0.3分" in line:
            assert "built-in" in line
