"""Packaging habits: one version, ``python -m perfrubric``, typed, offline hooks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import perfrubric

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfrubric", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)


def test_python_m_perfrubric_is_the_command() -> None:
    proc = _run("--version")
    assert (proc.returncode, proc.stdout.strip()) == (0, f"perfrubric {perfrubric.__version__}")
    proc = _run("validate", "examples/kaifu-commerce-2021/rubric.toml")
    assert proc.returncode == 0, proc.stderr
    # 11 scored leaves and 100 points: the seed table (examples/kaifu-commerce-2021)
    assert "ok (kaifu-commerce-2021 2021.1, 11 indicators, 100 points)" in proc.stdout


def test_python_m_perfrubric_reports_usage_errors() -> None:
    proc = _run()  # no command: argparse's usage error, exit 2, no traceback
    assert proc.returncode == 2
    assert "usage: perfrubric" in proc.stderr and "Traceback" not in proc.stderr


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    source = ROOT / project["tool"]["hatch"]["version"]["path"]
    written = re.findall(r'^__version__ = "([^"]+)"$', source.read_text(encoding="utf-8"), re.M)
    assert written == [perfrubric.__version__]


def test_package_is_marked_typed() -> None:
    assert (Path(perfrubric.__file__).parent / "py.typed").is_file()


def test_pre_commit_hooks_need_no_network() -> None:
    text = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    repos = re.findall(r"^\s*-\s*repo:\s*(\S+)", text, re.M)
    assert repos == ["local"]
    hooks = re.findall(r"^\s*-\s*id:\s*(\S+)", text, re.M)
    assert {"ruff", "mypy"} <= set(hooks)
