r"""Positions of keys in a TOML document, for error messages.

``tomllib`` gives no positions, so this small scanner maps every key path
(``('indicator', 3, 'rule', 'step')``) to the 1-based (line, column) where
it is written.  Paths are those of the parsed document: table keys are
strings, elements of arrays and of arrays of tables are 0-based integers.
Columns count characters (code points), lines are separated by ``\n``.

The scanner assumes the text already parsed as TOML (the loader runs
``tomllib`` first) and does not validate it.  It never raises and never
loops forever: on input it does not understand it skips ahead and returns
what it found.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from typing import Union

__all__ = ["Key", "PathTuple", "format_path", "key_positions", "locate", "parse_path"]

Key = Union[str, int]  # noqa: UP007 - a runtime alias, and the project supports 3.10
PathTuple = tuple[Key, ...]
Position = tuple[int, int]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BARE_KEY_CHARS = re.compile(r"[A-Za-z0-9_-]*")  # ASCII bare keys, as TOML 1.0 defines them
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b",
                   '"': '"', "\\": "\\"}
_SCALAR_END = ",]}\n#"
_MAX_DEPTH = 64  # nesting followed; the loaders refuse more than 32 levels anyway


def _unescape(raw: str) -> str:
    """Decode the escapes of a basic string; unknown or invalid escapes stay as written."""
    def one(match: re.Match[str]) -> str:
        code = match[1]
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if len(code) > 1:
            value = int(code[1:], 16)
            if value <= 0x10FFFF:
                return chr(value)
        return match[0]

    return _ESCAPE.sub(one, raw)


class _Scanner:
    """One pass over the text; ``i`` is the cursor, positions come from ``line_starts``."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.n = len(source)
        self.i = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.out: dict[PathTuple, Position] = {}
        self.implicit: set[PathTuple] = set()  # parents a header created without naming them
        self.array_counts: dict[PathTuple, int] = {}  # array-of-tables path -> elements so far

    # -- low level ----------------------------------------------------------------------

    def pos(self) -> Position:
        line = bisect.bisect_right(self.line_starts, self.i)
        return line, self.i - self.line_starts[line - 1] + 1

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def skip_ws(self, newlines: bool) -> None:
        """Skip blanks and comments, and newlines too if asked."""
        while self.i < self.n:
            ch = self.s[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            elif ch == "#":
                end = self.s.find("\n", self.i)
                self.i = self.n if end < 0 else end
            else:
                return

    def skip_line(self) -> None:
        end = self.s.find("\n", self.i)
        self.i = self.n if end < 0 else end

    def skip_nested(self) -> None:
        """Skip to just after the bracket that closes the one before the cursor, iteratively."""
        depth = 1
        while self.i < self.n and depth:
            ch = self.s[self.i]
            if ch in "\"'":
                self.string()
                continue
            if ch == "#":
                self.skip_line()
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
            self.i += 1

    def record(self, path: PathTuple, at: Position, implicit: bool = False) -> None:
        """Remember where *path* is defined; a named definition beats an implicit one."""
        if not path:
            return
        if path not in self.out or (path in self.implicit and not implicit):
            self.out[path] = at
            if implicit:
                self.implicit.add(path)
            else:
                self.implicit.discard(path)

    # -- tokens -------------------------------------------------------------------------

    def string(self) -> str:
        """Read any of the four kinds of string at the cursor; return its (key) value."""
        quote = self.s[self.i]
        if self.s.startswith(quote * 3, self.i):
            j = self.i + 3
            while j < self.n and not self.s.startswith(quote * 3, j):
                j += 2 if quote == '"' and self.s[j] == "\\" else 1
            end = min(j, self.n)
            j += 3
            # Up to two quotes may sit just inside the closing delimiter: '''a''''' is "a''".
            for _ in range(2):
                if j < self.n and self.s[j] == quote:
                    end, j = end + 1, j + 1
            text = self.s[self.i + 3:end]
            self.i = min(j, self.n)
            return text
        j = self.i + 1
        while j < self.n and self.s[j] not in (quote, "\n"):
            j += 2 if quote == '"' and self.s[j] == "\\" else 1
        j = min(j, self.n)
        raw = self.s[self.i + 1:j]
        self.i = j + 1 if j < self.n and self.s[j] == quote else j
        return _unescape(raw) if quote == '"' else raw

    def key_part(self) -> str | None:
        """A bare or quoted key, or ``None`` if there is none at the cursor."""
        if self.peek() in ('"', "'"):
            return self.string()
        match = _BARE_KEY_CHARS.match(self.s, self.i)
        if match is None or not match[0]:
            return None
        self.i = match.end()
        return match[0]

    def key(self) -> list[str]:
        """A dotted key as its parts (``a . "b" . c`` -> ``['a', 'b', 'c']``); may be empty."""
        parts: list[str] = []
        while True:
            part = self.key_part()
            if part is None:
                return parts
            parts.append(part)
            self.skip_ws(False)
            if self.peek() != ".":
                return parts
            self.i += 1
            self.skip_ws(False)

    # -- values -------------------------------------------------------------------------

    def value(self, path: PathTuple) -> None:
        """Read one value; *path* is recorded where the value starts (unless already known)."""
        self.record(path, self.pos())
        ch = self.peek()
        if ch in ('"', "'"):
            self.string()
        elif ch == "{":
            self.i += 1
            self.items(path, "}")
        elif ch == "[":
            self.i += 1
            self.items(path, "]")
        else:  # number, boolean, date or time: runs to a delimiter (a date-time may hold a blank)
            while self.i < self.n and self.s[self.i] not in _SCALAR_END:
                self.i += 1

    def items(self, path: PathTuple, close: str) -> None:
        """The inside of an array (``]``) or an inline table (``}``), after the opening bracket."""
        if len(path) > _MAX_DEPTH:  # deeper than any loader accepts: skip it, never recurse
            self.skip_nested()
            return
        index = 0
        while True:
            self.skip_ws(True)
            start, ch = self.i, self.peek()
            if not ch or ch == close:
                self.i += 1 if ch else 0
                return
            if ch == ",":
                self.i += 1
            elif close == "]":
                self.value(path + (index,))
                index += 1
            else:
                self.pair(path)
            if self.i == start:  # not TOML: step over the character rather than loop
                self.i += 1

    def pair(self, table: PathTuple) -> None:
        """``key = value`` inside *table*; a dotted key also records its prefixes."""
        at = self.pos()
        parts = self.key()
        if not parts:
            return
        for k in range(1, len(parts) + 1):
            self.record(table + tuple(parts[:k]), at)
        self.skip_ws(False)
        if self.peek() == "=":
            self.i += 1
            self.skip_ws(False)
            self.value(table + tuple(parts))  # the key already holds its position

    # -- document -----------------------------------------------------------------------

    def header(self) -> PathTuple:
        """``[a.b]`` or ``[[a.b]]`` at the cursor; returns the path of the table it opens."""
        at = self.pos()
        double = self.s.startswith("[[", self.i)
        self.i += 2 if double else 1
        self.skip_ws(False)
        parts = self.key()
        path: PathTuple = ()
        for k, part in enumerate(parts):
            path += (part,)
            last = k == len(parts) - 1
            if last and double:
                count = self.array_counts.get(path, 0)
                self.array_counts[path] = count + 1
                self.record(path, at)
                path += (count,)
            elif path in self.array_counts:
                # A key naming an array of tables means its latest element.
                self.record(path, at, implicit=True)
                path += (self.array_counts[path] - 1,)
            self.record(path, at, implicit=not last)
        return path

    def scan(self) -> dict[PathTuple, Position]:
        table: PathTuple = ()
        while True:
            self.skip_ws(True)
            if self.i >= self.n:
                return self.out
            if self.peek() == "[":
                table = self.header()
            else:
                self.pair(table)
            self.skip_line()  # trailing comment, or anything not understood


def key_positions(source: str) -> dict[PathTuple, tuple[int, int]]:
    """Map every key path in a TOML document to the (line, column), 1-based, where it is defined.

    Keys of tables and inline tables map to where the key is written (for a
    dotted key ``a.b.c = 1``, to where ``a`` starts, for each of ``('a',)``,
    ``('a', 'b')`` and ``('a', 'b', 'c')`` unless already known).  A table
    opened by a header maps to the header's ``[``; tables a header creates
    implicitly (``('a',)`` for ``[a.b]``) map to that header unless named
    later.  Elements of arrays of tables map to their ``[[...]]`` header,
    elements of arrays to where the element's value starts.

    Meant for valid TOML; on anything else it returns what it could find.
    """
    scanner = _Scanner(source)
    try:
        return scanner.scan()
    except Exception:  # pragma: no cover - a courtesy for error messages, never a failure
        return scanner.out


def locate(positions: Mapping[PathTuple, tuple[int, int]],
           path: PathTuple) -> tuple[int, int] | None:
    """Position of *path*, or of its nearest ancestor that has one; ``None`` if none."""
    for cut in range(len(path), 0, -1):
        found = positions.get(path[:cut])
        if found is not None:
            return found
    return None


def format_path(path: PathTuple) -> str:
    r"""``('indicator', 3, 'levels', '好')`` -> ``'indicator[3].levels."好"'``.

    The inverse of :func:`parse_path`: integers become ``[n]``, keys that are
    not bare ASCII keys are double-quoted with ``\`` and ``"`` escaped.
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            text = part if _BARE.fullmatch(part) else (
                '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
            out.append(("." if out else "") + text)
    return "".join(out)


def parse_path(text: str) -> PathTuple:
    r"""Split a path: ``'indicator[3].rule'`` -> ``('indicator', 3, 'rule')``.

    Keys may be double-quoted (with ``\`` escapes), single-quoted (taken
    literally) or left bare, even when not ASCII (``levels.好``).  ``[n]``
    gives the integer *n*; anything else in brackets is kept as a key.
    Never raises.
    """
    parts: list[Key] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ".":
            i += 1
        elif ch == "[":
            j = text.find("]", i)
            j = n if j < 0 else j
            inner = text[i + 1:j]
            parts.append(int(inner) if inner.isascii() and inner.isdigit() else inner)
            i = j + 1
        elif ch in ('"', "'"):
            buf: list[str] = []
            i += 1
            while i < n and text[i] != ch:
                if ch == '"' and text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            parts.append("".join(buf))
            i += 1
        else:
            j = i
            while j < n and text[j] not in ".[":
                j += 1
            parts.append(text[i:j])
            i = j
    return tuple(parts)
