"""The command line never prints a traceback (issue 9): nasty command lines and streams."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import perfrubric
import perfrubric.cli as cli
from perfrubric.cli import EXIT_INTERNAL, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kaifu-commerce-2021"
RUBRIC, DATA = str(EXAMPLE / "rubric.toml"), str(EXAMPLE / "data.toml")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def run_process(*argv: str, env: dict[str, str] | None = None,
                stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "perfrubric.cli", *argv], env=full_env,
                          capture_output=True, timeout=60, input=stdin, check=False)


def test_an_internal_error_exits_3_with_a_bug_report_request(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "evaluate", broken)
    code, _ = run("score", RUBRIC, DATA)
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL == 3
    assert "internal error: ZeroDivisionError: a bug" in err
    assert "report" in err and perfrubric.__version__ in err
    assert "Traceback" not in err


def test_recursion_and_memory_errors_are_internal_errors_too(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for exc in (RecursionError("deep"), MemoryError()):
        def broken(*_args: object, exc: BaseException = exc, **_kwargs: object) -> None:
            raise exc

        monkeypatch.setattr(cli, "evaluate", broken)
        code, _ = run("report", RUBRIC, DATA)
        assert code == 3 and "Traceback" not in capsys.readouterr().err


def test_ascii_output_stream_does_not_crash() -> None:
    # PYTHONIOENCODING=ascii gave a UnicodeEncodeError traceback on 指标 names.
    for argv in (("show", "mof-2013-department"), ("score", RUBRIC, DATA),
                 ("validate", RUBRIC, str(EXAMPLE / "missing.toml"))):
        proc = run_process(*argv, env={"PYTHONIOENCODING": "ascii"})
        assert b"Traceback" not in proc.stderr, proc.stderr.decode()
        assert proc.returncode in (0, 1)
    proc = run_process("show", "mof-2013-department", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0 and b"\\u" in proc.stdout  # 指标 written as escapes


def test_validate_reports_every_file_with_the_error_prefix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[rubric\n", encoding="utf-8")
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 1000 + "]" * 1000, encoding="utf-8")
    code, out = run("validate", str(bad), str(deep), str(tmp_path), RUBRIC)
    err = capsys.readouterr().err
    assert code == 1
    assert "ok (kaifu-commerce-2021" in out  # the last file is still validated
    lines = err.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    assert any(str(bad) in line and "TOML syntax error" in line for line in lines)
    assert any(str(deep) in line and "levels deep" in line for line in lines)
    assert any("is a directory" in line for line in lines)


@pytest.mark.parametrize("command", ["show", "list"])
def test_an_unknown_locale_is_a_usage_error(command: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    argv = [command, "mof-2013-department"] if command == "show" else [command]
    code, _ = run(*argv, "--locale", "fr_XX")
    assert code == 2 and "invalid choice" in capsys.readouterr().err


def test_score_dev_zero_is_capped(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("score", RUBRIC, "/dev/zero")
    err = capsys.readouterr().err
    assert code == 1 and "error: /dev/zero: is a device, not a regular file" in err


def test_score_from_a_fifo_is_refused_at_once(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # No writer: opening the pipe would block forever; it is refused before it is opened.
    fifo = tmp_path / "data.toml"
    os.mkfifo(fifo)
    code, _ = run("score", RUBRIC, str(fifo))
    assert code == 1 and "is a named pipe (FIFO), not a regular file" in capsys.readouterr().err


def test_show_resolved_of_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("show", str(tmp_path), "--resolved")
    assert code == 1 and "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ("score", RUBRIC, DATA, "--format", "xlsx", "-o", "/nonexistent-dir/x.xlsx"),
    ("score", "x" * 5000 + ".toml", DATA),
    ("score", RUBRIC, "x" * 5000),
    ("score", RUBRIC, "/"),
    ("report", RUBRIC, "/proc/self/mem"),
    ("score", RUBRIC, "a\x00b.toml"),
    ("score", "a\x00b.toml", DATA),
    ("validate", "\udcff.toml"),
    ("show", "mof-2013"),
    ("validate", ""),
    ("score", "", ""),
    ("score", RUBRIC, DATA, "-o", "/dev/full"),
    ("score", RUBRIC, DATA, "--format", "html", "-o", "/"),
    ("report", "/", DATA),
    ("show", "/dev/zero", "--resolved"),
    ("show", str(ROOT / "tests" / "data" / "bad" / "rubric-gbk-rubric.toml"), "--resolved"),
    ("score", str(ROOT / "tests" / "data" / "bad" / "data-excel.xlsx"), DATA),
])
def test_nasty_command_lines_exit_1_without_traceback(
        argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(*argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("error: ") and "Traceback" not in err
