"""Every code block in the docs runs (the rules are in docs/README.md).

For each ``docs/*.md`` and ``README.md``:

- ``python`` blocks run in order, one namespace per page, in a fresh
  interpreter whose working directory looks like the repository root;
- ``toml`` blocks whose first table is ``[rubric]`` load as a rubric, and
  those whose first table is ``[department]`` load as department data; other
  TOML blocks are fragments and are not checked;
- ``sh``/``console``/``shell``/``bash`` blocks: each line that starts with
  ``perfrubric `` (``$ perfrubric `` in a console block) runs through
  ``perfrubric.cli.main`` and must exit 0; in a console block, the lines
  after a command (up to the next ``$`` line) are its expected output;
- ``json`` blocks parse as JSON.

``<!-- fragment -->`` or ``<!-- no-run: why -->`` on the line before a
block exempts it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)[^\n]*$")
_EXEMPT = re.compile(r"^\s*<!--\s*(fragment|no-run)\b.*-->\s*$")
SHELL_LANGS = {"sh", "console", "shell", "bash"}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown page."""

    page: Path
    line: int  # 1-based line of the first line of code
    lang: str
    code: str
    exempt: bool  # preceded by <!-- fragment --> or <!-- no-run ... -->

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of *page*, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        prev = next((x for x in reversed(lines[:i]) if x.strip()), "")
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            text = lines[j]
            body.append(text[len(indent):] if text.startswith(indent) else text.lstrip())
            j += 1
        found.append(Block(page, i + 2, m["lang"].lower(), "\n".join(body) + "\n",
                           bool(_EXEMPT.match(prev))))
        i = j + 1
    return found


ALL = [b for page in PAGES for b in blocks(page)]


def _select(langs: set[str]) -> list[Block]:
    return [b for b in ALL if b.lang in langs and not b.exempt]


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A directory that reads like the repository root; new files stay in it."""
    for entry in ROOT.iterdir():
        if entry.name not in {".git", ".venv"}:
            (tmp_path / entry.name).symlink_to(entry)
    return tmp_path


# -- python ---------------------------------------------------------------------------

# Runs a page's blocks in one namespace. Each block is compiled under the page's
# file name with its real line numbers, so a traceback points into the page.
_RUNNER = """
import json, sys, traceback
ns = {"__name__": "__docs__"}
for path, line, code in json.load(sys.stdin):
    try:
        exec(compile("\\n" * (line - 1) + code, path, "exec"), ns)
    except BaseException:
        traceback.print_exc()
        sys.exit(f"the python block at {path}:{line} failed (see the traceback above)")
"""

PY_PAGES = sorted({b.page for b in _select({"python", "py"})})


@pytest.mark.parametrize("page", PY_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(page: Path, sandbox: Path) -> None:
    todo = [(str(b.page), b.line, b.code) for b in _select({"python", "py"}) if b.page == page]
    proc = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps(todo), check=False,
                          cwd=sandbox, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- toml -----------------------------------------------------------------------------

def _first_table(code: str) -> str | None:
    for raw in code.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            return line.split("#", 1)[0].strip() if line.startswith("[") else None
    return None


TOML = [b for b in _select({"toml"}) if _first_table(b.code) in {"[rubric]", "[department]"}]


@pytest.mark.parametrize("block", TOML, ids=lambda b: b.where)
def test_toml_blocks_load(block: Block, sandbox: Path) -> None:
    import perfrubric as pr

    name = re.sub(r"\W", "-", block.where) + ".toml"
    file = sandbox / name
    file.write_text(block.code, encoding="utf-8")
    try:
        if _first_table(block.code) == "[rubric]":
            rubric = pr.load_rubric(file)
            assert rubric.indicators, f"{block.where}: a rubric without indicators"
        else:
            dept = pr.load_data(file)
            assert dept.name, f"{block.where}: data without a department name"
    except pr.PerfrubricError as exc:
        pytest.fail(f"{block.where}: the TOML block does not load "
                    f"(mark it <!-- fragment --> if it is partial on purpose):\n{exc}")


# -- command lines --------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    """One ``perfrubric`` command line of a shell block, with its expected output."""

    block: Block
    argv: list[str]
    expected: str | None  # console blocks: the lines shown after the command
    code: int = 0         # a trailing "# exit N" comment: the exit code the docs promise


def commands(block: Block) -> list[Command]:
    """The perfrubric command lines of a shell or console block."""
    lines = block.code.replace("\\\n", " ").splitlines()
    console = block.lang == "console"
    found: list[Command] = []
    for k, raw in enumerate(lines):
        line = raw.strip()
        if console:
            if not line.startswith("$ "):
                continue
            line = line[2:].strip()
        if not line.startswith("perfrubric "):
            continue
        expected = None
        if console:
            rest = []
            for follow in lines[k + 1:]:
                if follow.strip().startswith("$"):
                    break
                rest.append(follow.rstrip())
            expected = "\n".join(rest).strip("\n") or None
        promised = re.search(r"#\s*exit\s+(\d+)\s*$", line)
        found.append(Command(block, shlex.split(line, comments=True)[1:], expected,
                             int(promised[1]) if promised else 0))
    return found


CLI = [c for b in _select(SHELL_LANGS) for c in commands(b)]


@pytest.mark.parametrize("cmd", CLI, ids=lambda c: f"{c.block.where} {' '.join(c.argv)}")
def test_command_lines_run(cmd: Command, sandbox: Path, monkeypatch: pytest.MonkeyPatch,
                           ) -> None:
    from perfrubric.cli import main

    monkeypatch.chdir(sandbox)
    argv, redirect = list(cmd.argv), None
    if len(argv) >= 2 and argv[-2] == ">":        # perfrubric … > FILE: output to a file
        argv, redirect = argv[:-2], argv[-1]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv, out=out)
    if redirect is not None and code == cmd.code:
        (sandbox / redirect).write_text(out.getvalue(), encoding="utf-8")
    assert code == cmd.code, (f"{cmd.block.where}: `perfrubric {shlex.join(cmd.argv)}` exited "
                              f"{code}, not {cmd.code} "
                       f"(mark the block <!-- no-run: why --> if it needs files that do not "
                       f"exist):\n{err.getvalue()}")
    if cmd.expected is not None:
        got = "\n".join(x.rstrip() for x in out.getvalue().splitlines()).strip("\n")
        assert got == cmd.expected, f"{cmd.block.where}: the shown output differs"


# -- json -----------------------------------------------------------------------------

@pytest.mark.parametrize("block", _select({"json"}), ids=lambda b: b.where)
def test_json_blocks_parse(block: Block) -> None:
    try:
        json.loads(block.code)
    except json.JSONDecodeError as exc:
        pytest.fail(f"{block.where}: not JSON: {exc}")


# -- the collector itself -------------------------------------------------------------

def test_collector_reads_blocks_markers_and_commands(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Intro\n"
        "```python\nx = 1\n```\n"                       # code on line 3
        "<!-- fragment -->\n"
        "```toml\n[rubric]\nid = 'x'\n```\n"             # code on line 7, exempt
        "- item\n\n"
        "  ```console\n  $ perfrubric list  # built-ins\n  a\tb\n  $ echo hi\n  ```\n",
        encoding="utf-8")
    found = blocks(page)
    assert [(b.lang, b.line, b.exempt) for b in found] == [
        ("python", 3, False), ("toml", 7, True), ("console", 13, False)]
    assert found[0].code == "x = 1\n"
    assert _first_table(found[1].code) == "[rubric]"
    (cmd,) = commands(found[2])
    assert cmd.argv == ["list"]
    assert cmd.expected == "a\tb"

