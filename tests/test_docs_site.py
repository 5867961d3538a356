"""The documentation site builds with warnings as errors, and says what it should.

Needs the ``docs`` extra (part of ``test``): ``pip install '.[test]'``.
One build (a few seconds) is shared by the tests of this module.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("material")
pytest.importorskip("mkdocstrings_handlers.python")
yaml = pytest.importorskip("yaml")  # a dependency of mkdocs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}{proc.stderr}"
    return out


def _text(page: Path) -> str:
    """The visible text of an HTML page (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def _nav_files(nav: object) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(_nav_files(x) for x in nav)) if nav else set()
    if isinstance(nav, dict):
        return set().union(*(_nav_files(x) for x in nav.values()))
    return set()


def test_every_page_is_in_the_nav() -> None:
    # A page missing from `nav` only gets an INFO line from mkdocs; this makes it
    # an error, so a new page (docs/projects.md, ...) is never left unreachable.
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {p.name for p in (ROOT / "docs").glob("*.md")} - {"README.md"}
    missing = pages - _nav_files(config["nav"])
    assert not missing, f"add these pages to `nav` in mkdocs.yml: {sorted(missing)}"


def test_api_reference_documents_the_public_api(site: Path) -> None:
    import perfrubric
    import perfrubric.indicators
    import perfrubric.testing

    anchors = {a for page in site.glob("api*/index.html")
               for a in re.findall(r'id="([^"]+)"', page.read_text("utf-8"))}
    for module in (perfrubric, perfrubric.indicators, perfrubric.testing):
        absent = [n for n in module.__all__ if f"{module.__name__}.{n}" not in anchors]
        assert not absent, f"{module.__name__}: no entry in the API reference for {absent}"


def test_api_reference_shows_docstrings_as_markdown(site: Path) -> None:
    page = (site / "api" / "index.html").read_text(encoding="utf-8")
    text = _text(site / "api" / "index.html")
    # Sphinx roles became links to the entries: evaluate's docstring names
    # :class:`~perfrubric.errors.EvaluationError`, documented as perfrubric.EvaluationError.
    assert ":class:" not in text and ":func:" not in text
    assert 'href="#perfrubric.EvaluationError"' in page
    # `>>>` examples are code, not nested quotes.
    assert "<blockquote>\n<blockquote>" not in page
    # A module shows what its __all__ exports, nothing else (testing.py has a
    # module-level `D = Decimal` that is not exported).
    testing_page = (site / "api-testing" / "index.html").read_text(encoding="utf-8")
    assert 'id="perfrubric.testing.check_rubric"' in testing_page
    assert 'id="perfrubric.testing.D"' not in testing_page


def test_cli_reference_has_every_subcommand(site: Path) -> None:
    import argparse

    from perfrubric.cli import _parser

    text = _text(site / "cli" / "index.html")
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert sub.choices, "the parser has no subcommands"
    for name, parser in sub.choices.items():
        assert f"perfrubric {name}" in text
        first_usage_line = parser.format_usage().split("\n", 1)[0].strip()
        assert first_usage_line.split(" [")[0] in text  # "usage: perfrubric score"
        for action in parser._actions:
            for option in action.option_strings:
                assert option in text, f"perfrubric {name}: {option} is not in the reference"


def test_changelog_page_includes_the_changelog(site: Path) -> None:
    text = _text(site / "changelog" / "index.html")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", changelog, re.M)
    assert headings
    for heading in headings:
        assert heading.replace("[", "").replace("]", "") in text.replace("[", "").replace("]", "")


def test_search_index_cuts_chinese_into_words(site: Path) -> None:
    pytest.importorskip("jieba")  # part of the docs extra; without it Chinese is not cut
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    # The browser splits the indexed text with this separator (a JavaScript
    # regular expression that reads the same in Python); jieba marked the cuts
    # between Chinese words with U+200B at build time.
    separator = re.compile(index["config"]["separator"])
    words = {w for doc in index["docs"] for w in separator.split(doc["text"]) if w}
    # 预算执行率 (docs/index.md) is indexed as the words 预算 + 执行 + 率, which a
    # query 预算执行率 is cut into in the browser; likewise the other terms.
    assert {"预算", "执行", "在职人员", "控制率", "一票否决", "扣分"} <= words
    # No run of Chinese is left uncut: the longest "word" is short.
    longest = max((w for w in words if re.fullmatch(r"[\u4e00-\u9fff]+", w)), key=len)
    assert len(longest) <= 8, longest
    assert [w for w in separator.split("the budget-execution rate") if w] == [
        "the", "budget", "execution", "rate"]
