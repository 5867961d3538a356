"""Reading rubric and data files: one place for file, encoding and syntax errors.

Everything a user hands over passes the limits declared here before a
parser sees it: a file is read with a size cap (:data:`MAX_FILE_BYTES`, so
``/dev/zero`` or an endless pipe is refused, not read forever), its text
must be UTF-8 (a UTF-8 byte-order mark is accepted; GBK, UTF-16 and Excel
workbooks are named), arrays and tables may nest at most
:data:`MAX_DEPTH` levels (checked before ``tomllib``/``json`` run, so they
never recurse deeply) and an array may hold at most :data:`MAX_ITEMS`
items.  TOML and JSON floats are read as exact Decimals, never as binary
floats, and their bounds are checked where they become numbers
(:func:`perfrubric.decimals.to_decimal`).
"""

from __future__ import annotations

import decimal
import json
import os
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ..errors import Problem, _LocatedError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_ITEMS",
    "check_structure",
    "decode",
    "parse_json",
    "parse_toml",
    "read_text",
    "require_regular_file",
]

#: The largest rubric or data file read: 8 MiB (the shipped ones are < 20 KiB).
MAX_FILE_BYTES: Final = 8 * 1024 * 1024
#: How deeply arrays and tables may nest, dotted keys and headers included.
MAX_DEPTH: Final = 32
#: The most items one array may hold.
MAX_ITEMS: Final = 10_000
_HUGE_INT_BITS: Final = 12_000  # about 3,600 digits: str() fails from 4,300 on
_SCALARS: Final = frozenset({str, bool, float, Decimal, type(None)})

_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
# Strings and comments (skipped), and the brackets that nest.
_TOKENS = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                     r"'[^'\n]*'|#[^\n]*|[\[\]{}]", re.DOTALL)
_LONG_DIGITS = re.compile(r"\d{4000,}")
_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')"
_DOTTED = re.compile(rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART}){{{MAX_DEPTH},}}")


_UNQUOTED_PERCENT = re.compile(r"=\s*[-+]?\d[\d.]*\s*[%‰]")
_UNQUOTED_THOUSANDS = re.compile(r"=\s*[-+]?\d{1,3}(?:,\d{3})+")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _hint(line: str, column: int | None = None, text: str = "") -> str:
    """A hint for the commonest TOML mistakes of people who write Chinese tables."""
    key = line.split("=", 1)[0].strip()
    if "=" in line and key and not key.startswith(('"', "'", "[")) and not key.isascii():
        return (f"; TOML bare keys are ASCII only: quote the key (\"{key}\" = …) or put the "
                "name in a value (path = \"…\")")
    if any(q in line for q in "“”‘’"):
        return ("; “…” and ‘…’ (Chinese quotation marks) are not TOML quotes: type straight "
                "quotes \"…\"")
    if _FULL_WIDTH.search(line):
        return ("; full-width characters (such as １０, ＝, ，) are not TOML: type them half-width "
                "(半角)")
    if _UNQUOTED_PERCENT.search(line):
        return '; a percentage needs quotes: write "85%" (or the fraction 0.85)'
    if _UNQUOTED_THOUSANDS.search(line):
        return '; thousands separators need quotes: write 1000 or "1,000"'
    if column is not None and 0 < column <= len(line) and not line[column - 1].isascii():
        return "; TOML bare keys are ASCII only: quote a Chinese key (\"键\" = …)"
    looks_json = text.lstrip().startswith(("{", "[{"))
    if looks_json and (line.strip() in ("{", "[{", "[") or
                       (line.lstrip().startswith('"') and ":" in line)):
        return "; this looks like JSON: name the file .json to read it as JSON"
    return ""


def require_regular_file(file: str, error: type[_LocatedError]) -> None:
    """Raise *error* unless *file* is a regular file (or does not exist, for the caller to say).

    A FIFO, a socket or a device (``/dev/zero``, ``/dev/stdin``) would block
    or never end when read; it is refused before it is opened.
    """
    import stat

    try:
        mode = os.stat(file).st_mode
    except (OSError, ValueError):
        return  # missing, unreadable or a NUL in the name: the open below says which
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket"
            if stat.S_ISSOCK(mode) else "a device")
    raise error(Problem(f"is {kind}, not a regular file; give the path of a saved file",
                        file=file))


def _read_capped(file: str, error: type[_LocatedError]) -> bytes:
    require_regular_file(file, error)
    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise error(Problem("no such file", file=file)) from None
    except IsADirectoryError:
        raise error(Problem("is a directory, not a file", file=file)) from None
    except OSError as exc:
        raise error(Problem(f"cannot read the file: {exc.strerror or exc}", file=file)) from None
    except ValueError:  # a NUL byte in the name
        raise error(Problem("not a valid file name (it contains a NUL byte)",
                            file=file.replace("\x00", "\\x00"))) from None
    if len(data) > MAX_FILE_BYTES:
        raise error(Problem(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
                            "a rubric or data file is far smaller (is it the right file?)",
                            file=file))
    return data


def decode(data: bytes, file: str | None, error: type[_LocatedError]) -> str:
    """The UTF-8 text of *data*; a BOM is dropped; other encodings are named."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(Problem(_not_utf8(data, exc), file=file,
                            line=data.count(b"\n", 0, exc.start) + 1)) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    if data.startswith(b"PK\x03\x04"):
        return ("this is an Excel workbook (.xlsx) or another zip file, not TOML or JSON; "
                "write the data as TOML (see docs/data.md)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ("this is an old Excel workbook (.xls) or another Office file, not TOML or "
                "JSON; write the data as TOML (see docs/data.md)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file is UTF-16, not UTF-8; save it as UTF-8"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8"
    return "the file is not UTF-8 (GBK?); save it as UTF-8 (in Excel or Notepad: 另存为 UTF-8)"


def read_text(file: str, error: type[_LocatedError]) -> str:
    """The UTF-8 text of *file*, read with a size cap; any problem raises *error*."""
    return decode(_read_capped(file, error), file, error)


def _line_of(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_nesting(text: str, file: str | None, error: type[_LocatedError]) -> None:
    """Refuse text nested deeper than :data:`MAX_DEPTH`, before parsing it.

    Counts brackets (outside strings and comments) and the parts of dotted
    keys (``a.b.c = 1``, ``[a.b.c]``), which ``tomllib`` handles in time
    quadratic in their number.
    """
    if text.count(".") > MAX_DEPTH:
        for number, line_text in enumerate(text.split("\n"), 1):
            if line_text.count(".") <= MAX_DEPTH:
                continue
            match = _DOTTED.search(line_text)
            if match and not line_text[:match.start()].strip(" \t[{,"):
                raise error(Problem(f"a dotted key of more than {MAX_DEPTH} parts; keys and "
                                    f"tables nest at most {MAX_DEPTH} levels deep", file=file,
                                    line=number, column=match.start() + 1))
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match[0]
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _line_of(text, match.start())
                raise error(Problem(f"arrays and tables nest more than {MAX_DEPTH} levels deep",
                                    file=file, line=line, column=column))
        elif token in "]}":
            depth = max(depth - 1, 0)


def check_structure(doc: Any, file: str | None, error: type[_LocatedError]) -> None:
    """Refuse a parsed document nested too deeply, with too long an array or a non-text key.

    Walks without recursion; dotted keys (``a.b.c = 1``) and headers count
    as nesting too.  Also for documents given as dicts from Python.
    """
    if not isinstance(doc, Mapping):
        raise error(Problem(f"expected a document (a table of sections), got "
                            f"{type(doc).__name__}", file=file, expected="a table"))
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise error(Problem(f"keys and tables nest more than {MAX_DEPTH} levels deep",
                                path=_format(path[:3]) + ".…", file=file))
        if isinstance(value, list):
            if len(value) > MAX_ITEMS:
                raise error(Problem(f"an array of {len(value)} items; at most {MAX_ITEMS} are "
                                    "read", path=_format(path), file=file))
            children: Any = enumerate(value)
        else:
            children = value.items()
            for key in value:
                if type(key) is not str and not isinstance(key, str):
                    raise error(Problem(f"keys must be text, got the {type(key).__name__} "
                                        f"{_short(key)}", path=_format(path), file=file))
        for key, item in children:
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, (*path, key)))
            elif kind in _SCALARS:
                continue
            elif isinstance(item, (Mapping, list)):
                stack.append((item, (*path, key)))
            elif isinstance(item, int) and item.bit_length() > _HUGE_INT_BITS:
                # From Python only (TOML and JSON stop at 4300 digits): such an int
                # cannot even be shown in a message, so it is refused here.
                raise error(Problem("a number with thousands of digits; numbers may be at "
                                    "most 1e15 in magnitude", path=_format((*path, key)),
                                    file=file))


def _short(value: object) -> str:
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**20 else "(huge)"
    return text if len(text) <= 40 else text[:37] + "..."


def _format(path: tuple[str | int, ...]) -> str:
    from .tomlpos import format_path

    return format_path(tuple(k if isinstance(k, int) else str(k) for k in path))


class _BadFloat(ValueError):
    """A float literal no Decimal can hold (an exponent beyond 10**18)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _float(text: str) -> Decimal:
    try:
        return Decimal(text)
    except decimal.InvalidOperation:
        raise _BadFloat(text) from None


def parse_toml(text: str, file: str | None, error: type[_LocatedError]) -> dict[str, Any]:
    """Parse TOML; a syntax error raises *error* with its line and column.

    Floats become exact :class:`~decimal.Decimal` (``1e-999999`` stays
    itself instead of becoming ``0.0``; ``nan`` and ``inf`` become Decimal
    NaN and Infinity, which the loaders refuse where they are used).
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the TOML text as str, got {type(text).__name__}")
    text = text.removeprefix("\ufeff")
    check_nesting(text, file, error)
    try:
        doc: dict[str, Any] = tomllib.loads(text, parse_float=_float)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        message = str(getattr(exc, "msg", "") or exc)
        match = _TOML_POS.search(str(exc))
        if match and line is None:
            line, column = int(match[1]), int(match[2])
        text_line = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        raise error(Problem(f"TOML syntax error: {_TOML_POS.sub('', message).strip()}"
                            f"{_hint(text_line, column, text)}", file=file, line=line,
                            column=column)) from None
    except ValueError as exc:  # Python's limit on int digits (int("9" * 5000)), or _BadFloat
        raise _too_long(text, file, error, exc) from None
    check_structure(doc, file, error)
    return doc


def _too_long(text: str, file: str | None, error: type[_LocatedError],
              exc: ValueError) -> _LocatedError:
    if isinstance(exc, _BadFloat):
        at = text.find(exc.text)
        shown = exc.text if len(exc.text) <= 40 else f"{exc.text[:20]}…{exc.text[-8:]}"
        message = (f"the number {shown} is out of range: numbers may be at most 1e15 in "
                   "magnitude, with at most 12 decimal places")
    else:
        match = _LONG_DIGITS.search(text)
        at = match.start() if match else -1
        message = ("a number with thousands of digits; numbers may be at most 1e15 in "
                   "magnitude")
    line, column = _line_of(text, at) if at >= 0 else (None, None)
    return error(Problem(message, file=file, line=line, column=column))


def _constant(name: str) -> Decimal:
    raise ValueError(f"{name} is not a number a scoring table can use")


def parse_json(text: str, file: str | None, error: type[_LocatedError]) -> Any:
    """Parse JSON; floats become Decimals; NaN/Infinity and syntax errors raise *error*."""
    check_nesting(text, file, error)
    try:
        doc = json.loads(text, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise error(Problem(f"JSON syntax error: {exc.msg}", file=file, line=exc.lineno,
                            column=exc.colno)) from None
    except ValueError as exc:
        if "is not a number" in str(exc):
            name = str(exc).split()[0]
            at = re.search(rf"[:,\[]\s*({re.escape(name)})\b", text)
            line, column = _line_of(text, at.start(1)) if at else (None, None)
            raise error(Problem(f"JSON: {exc}", file=file, line=line, column=column)) from None
        raise _too_long(text, file, error, exc) from None
    check_structure(doc, file, error)
    return doc
