"""The `perfrubric` command: output, exit codes, no tracebacks."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from perfrubric.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_validate_ok() -> None:
    code, out = run("validate", str(EXAMPLE / "rubric.toml"))
    assert code == 0 and "ok (kaifu-commerce-2021 2021.1, 11 indicators, 100 points)" in out


def test_validate_bad_rubric_exits_1_with_located_messages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    text = (EXAMPLE / "rubric.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('deduct = 5 }', 'deduct = 0 }')
                   .replace('kind = "yes_no" }', 'kind = "yesno" }', 1), encoding="utf-8")
    code, _ = run("validate", str(bad))
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"error: {bad}:") and "indicator[2].rule.kind" in lines[0]
    assert "did you mean 'yes_no'" in lines[0]
    assert "rule.deduct: must be greater than 0" in lines[1]
    assert "Traceback" not in err


def test_score_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("score", str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml"))
    assert code == 0
    assert "total 100 / 100" in out and "grade 优" in out
    assert "实际到位内资完成率: 15/15  value 117.14%" in out


def test_score_with_bad_data_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.toml"
    data.write_text('[department]\nname = "x"\n[staffing]\nonpost = 3\n', encoding="utf-8")
    code, _ = run("score", str(EXAMPLE / "rubric.toml"), str(data))
    err = capsys.readouterr().err
    assert code == 1
    assert f"{data}:4:1: staffing.onpost: unknown key 'onpost' (did you mean 'on_post'?)" in err


def test_score_with_missing_data_names_the_indicator(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.toml"
    data.write_text('[department]\nname = "x"\n', encoding="utf-8")
    code, _ = run("score", str(EXAMPLE / "rubric.toml"), str(data))
    err = capsys.readouterr().err
    assert code == 1 and "投入/预算配置/项目支出构成一致性" in err and "missing =" in err


def test_show_prints_the_table() -> None:
    code, out = run("show", str(EXAMPLE / "rubric.toml"))
    assert code == 0
    assert "产出  45分" in out and "    实际到位内资完成率  15分  [ratio]" in out
    assert "评分标准: 按完成比例计算得分，满分为止" in out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("score", "only-one-argument")
    assert code == 2
    assert "usage:" in capsys.readouterr().err
    assert run("frobnicate")[0] == 2


def test_missing_rubric_file_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("validate", "nope.toml")
    assert code == 1 and "nope.toml: no such file" in capsys.readouterr().err


def test_entry_point_runs_as_a_module() -> None:
    proc = subprocess.run([sys.executable, "-m", "perfrubric.cli", "validate",
                           str(EXAMPLE / "rubric.toml")], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
