"""Reading rubric and data files: one place for file and TOML syntax errors."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from .errors import Problem, _LocatedError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["parse_toml", "read_text"]

_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def _hint(line: str) -> str:
    """A hint for the commonest mistake: a Chinese (non-ASCII) bare key."""
    key = line.split("=", 1)[0].strip()
    if "=" in line and key and not key.startswith(('"', "'", "[")) and not key.isascii():
        return (f"; TOML bare keys are ASCII only: quote the key (\"{key}\" = …) or put the "
                "name in a value (path = \"…\")")
    return ""


def read_text(file: str, error: type[_LocatedError]) -> str:
    """The UTF-8 text of *file*; a missing or unreadable file raises *error*."""
    try:
        return Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(Problem("no such file", file=file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(Problem(f"cannot read the file: {exc}", file=file)) from None


def parse_toml(text: str, file: str | None, error: type[_LocatedError]) -> dict[str, Any]:
    """Parse TOML; a syntax error raises *error* with its line and column."""
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        message = str(getattr(exc, "msg", "") or exc)
        match = _TOML_POS.search(str(exc))
        if match and line is None:
            line, column = int(match[1]), int(match[2])
        text_line = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        raise error(Problem(f"TOML syntax error: {_TOML_POS.sub('', message).strip()}"
                            f"{_hint(text_line)}", file=file, line=line, column=column)) from None
    return doc
