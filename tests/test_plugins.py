"""Plugin rule kinds: the `perfrubric.kinds` entry-point group and `--plugin MODULE`.

The plugin package is the one docs/rule-kinds.md shows (its two files are
read from the docs), built and installed with pip (no index, no build
isolation: nothing is downloaded) into a directory the command line then
runs with.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import perfrubric
import perfrubric as pr
from perfrubric.cli import main
from perfrubric.indicators import base

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "rule-kinds.md").read_text(encoding="utf-8")


def doc_file(name: str) -> str:
    """The fenced block that follows the line `name` in docs/rule-kinds.md."""
    match = re.search(rf"^`{re.escape(name)}`\n\n```\w+\n(.*?)^```", DOCS, re.M | re.S)
    assert match, f"docs/rule-kinds.md shows no {name}"
    return match.group(1)


RUBRIC = textwrap.dedent('''\
    [rubric]
    id = "plugin-demo"
    version = "1"
    title = "插件示例"

    [[indicator]]
    path = "产出"
    points = 100

    [[indicator]]
    path = "产出/完成率"
    points = 60
    measure = "facts.done / facts.planned"
    rule = { kind = "ratio_floor", floor = "60%" }

    [[indicator]]
    path = "产出/办结率"
    points = 40
    measure = "facts.closed / facts.assigned"
    rule = { kind = "ratio_floor", floor = "60%" }
    ''')

# 完成率 9/10 = 90% ≥ 60% → 60 × 0.9 = 54; 办结率 5/10 = 50% < 60% → 0. Total 54.
DATA = textwrap.dedent('''\
    [department]
    name = "示例局"

    [facts]
    done = 9
    planned = 10
    closed = 5
    assigned = 10
    ''')


@pytest.fixture
def registry() -> Iterator[None]:
    """Leave the kind registry (and imported plugin modules) as they were."""
    kinds = dict(base._REGISTRY)
    modules = set(sys.modules)
    yield
    base._REGISTRY.clear()
    base._REGISTRY.update(kinds)
    for name in set(sys.modules) - modules:
        if name.startswith(("perfrubric_ratio_floor", "my_kinds", "broken_kinds")):
            del sys.modules[name]


def test_installed_plugin_package_works_from_the_cli(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    package = tmp_path / "perfrubric-ratio-floor"
    (package / "perfrubric_ratio_floor").mkdir(parents=True)
    (package / "pyproject.toml").write_text(doc_file("pyproject.toml"), encoding="utf-8")
    (package / "perfrubric_ratio_floor" / "__init__.py").write_text(
        doc_file("perfrubric_ratio_floor/__init__.py"), encoding="utf-8")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--disable-pip-version-check", "--target", str(site),
         str(package)],
        check=True, capture_output=True, timeout=300)
    assert list(site.glob("perfrubric_ratio_floor-0.1.0.dist-info/entry_points.txt"))
    (tmp_path / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "data.toml").write_text(DATA, encoding="utf-8")
    ours = str(Path(perfrubric.__file__).resolve().parent.parent)  # this perfrubric

    def cli(*args: str, with_plugin: bool = True) -> subprocess.CompletedProcess[str]:
        path = [str(site), ours] if with_plugin else [ours]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        return subprocess.run([sys.executable, "-m", "perfrubric.cli", *args], check=False,
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    ok = cli("validate", "rubric.toml")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "rubric.toml: ok (plugin-demo 1, 2 indicators, 100 points)\n"
    scored = cli("score", "rubric.toml", "data.toml", "--format", "json")
    assert scored.returncode == 0, scored.stderr
    assert '"total": "54"' in scored.stdout
    schema = cli("schema", "rubric")   # the installed kind is offered for completion
    assert schema.returncode == 0 and '"ratio_floor"' in schema.stdout
    assert '"ratio_floor"' not in cli("schema", "rubric", with_plugin=False).stdout
    missing = cli("validate", "rubric.toml", with_plugin=False)
    assert missing.returncode == 1
    assert "unknown rule kind 'ratio_floor'" in missing.stderr
    assert "entry point group 'perfrubric.kinds'" in missing.stderr


def _dist(site: Path, name: str, entry: str) -> None:
    """An installed distribution as pip leaves it: a dist-info with entry points."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[perfrubric.kinds]\n{entry}\n", encoding="utf-8")


def _rule_rubric(kind: str) -> str:
    return ('[rubric]\nid = "x"\nversion = "1"\ntitle = "t"\n\n[[indicator]]\npath = "甲"\n'
            f'points = 100\nmeasure = "facts.x"\nrule = {{ kind = "{kind}", floor = "60%" }}\n')


def test_entry_point_kind_loads_in_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          registry: None) -> None:
    site = tmp_path / "site"
    (site / "perfrubric_ratio_floor").mkdir(parents=True)
    (site / "perfrubric_ratio_floor" / "__init__.py").write_text(
        doc_file("perfrubric_ratio_floor/__init__.py"), encoding="utf-8")
    _dist(site, "perfrubric_ratio_floor", "ratio_floor = perfrubric_ratio_floor:RatioFloor")
    monkeypatch.syspath_prepend(str(site))
    assert "ratio_floor" in base.plugin_kind_names()
    assert "ratio_floor" not in base.kind_names()   # not loaded until a rubric names it
    rubric = pr.loads_rubric(_rule_rubric("ratio_floor"))
    # 0.75 ≥ 0.6 → 100 × 0.75 = 75; 0.5 < 0.6 → 0
    assert pr.evaluate(rubric, {"department": {"name": "局"}, "facts": {"x": "75%"}}).total == 75
    assert pr.evaluate(rubric, {"department": {"name": "局"}, "facts": {"x": "50%"}}).total == 0


def test_broken_entry_point_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               registry: None) -> None:
    site = tmp_path / "site"
    _dist(site, "broken-kinds", "ratio_cap = broken_kinds_missing:RatioCap")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(_rule_rubric("ratio_cap"), file="r.toml")
    (p,) = info.value.problems
    assert (p.path, p.line) == ("indicator[0].rule.kind", 10)
    assert p.message.startswith("rule kind 'ratio_cap': the entry point ratio_cap = "
                                "\"broken_kinds_missing:RatioCap\" of the package "
                                "'broken-kinds' failed to load: ModuleNotFoundError")


def test_entry_point_name_must_be_the_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           registry: None) -> None:
    site = tmp_path / "site"
    (site / "perfrubric_ratio_floor").mkdir(parents=True)
    (site / "perfrubric_ratio_floor" / "__init__.py").write_text(
        doc_file("perfrubric_ratio_floor/__init__.py"), encoding="utf-8")
    _dist(site, "misnamed", "floor_ratio = perfrubric_ratio_floor:RatioFloor")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(pr.RubricError, match="whose kind is 'ratio_floor'; the entry point's "
                                             "name must be the kind's name"):
        pr.loads_rubric(_rule_rubric("floor_ratio"))


def test_plugin_option_on_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str], registry: None) -> None:
    # the docs' module, registering its kind on import: what --plugin expects
    module = doc_file("perfrubric_ratio_floor/__init__.py") + "\n\nregister_kind(RatioFloor)\n"
    module = module.replace("as_number, label_number)", "as_number, label_number, register_kind)")
    (tmp_path / "my_kinds.py").write_text(module, encoding="utf-8")
    (tmp_path / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "data.toml").write_text(DATA, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "rubric.toml"]) == 1
    assert "unknown rule kind 'ratio_floor'" in capsys.readouterr().err
    assert main(["score", "--plugin", "my_kinds", "rubric.toml", "data.toml"]) == 0
    assert "total 54 / 100" in capsys.readouterr().out
    # the schema then offers the plugin's kind for completion
    assert main(["schema", "rubric", "--plugin", "my_kinds"]) == 0
    assert '"ratio_floor"' in capsys.readouterr().out
    assert main(["validate", "--plugin", "no_such_kinds", "rubric.toml"]) == 1
    assert capsys.readouterr().err == (
        "error: --plugin no_such_kinds: no module named 'no_such_kinds' in the current "
        "directory or among the installed packages\n")


@pytest.mark.parametrize("command", ["list", "validate", "show", "score", "report", "schema"])
def test_every_command_takes_plugin(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        from perfrubric.cli import _parser
        _parser().parse_args([command, "--help"])
    assert "--plugin MODULE" in capsys.readouterr().out


def test_a_plugin_module_that_fails_is_one_clear_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        registry: None) -> None:
    (tmp_path / "broken_kinds.py").write_text('raise RuntimeError("boom")\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["list", "--plugin", "broken_kinds"]) == 1
    assert capsys.readouterr().err == \
        "error: --plugin broken_kinds: importing it failed: RuntimeError: boom\n"
