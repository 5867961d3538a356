"""Positions of keys in a TOML document, for error messages.

``tomllib`` gives no positions, so this small scanner maps every key path
(``('indicator', 3, 'rule', 'step')``) to the 1-based (line, column) where
it is written.  It assumes the text already parsed as TOML and never
raises: on anything it does not understand it returns what it found.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Union

__all__ = ["Key", "PathTuple", "format_path", "key_positions", "locate", "parse_path"]

Key = Union[str, int]  # noqa: UP007
PathTuple = tuple[Key, ...]
Positions = dict[PathTuple, tuple[int, int]]


class _Scanner:
    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.line = 1
        self.col = 1
        self.out: Positions = {}
        self.array_counts: dict[PathTuple, int] = {}

    # -- low level

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i >= len(self.s):
                return
            if self.s[self.i] == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
            self.i += 1

    def skip_ws(self, newlines: bool) -> None:
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                while self.i < len(self.s) and self.s[self.i] != "\n":
                    self.advance()
            else:
                return

    def record(self, path: PathTuple, pos: tuple[int, int]) -> None:
        self.out.setdefault(path, pos)

    # -- tokens

    def read_key_part(self) -> str:
        ch = self.peek()
        if ch in ('"', "'"):
            return self.read_string()
        start = self.i
        while self.i < len(self.s) and (self.s[self.i].isalnum() or self.s[self.i] in "-_"):
            self.advance()
        return self.s[start:self.i]

    def read_key(self) -> list[str]:
        parts = [self.read_key_part()]
        self.skip_ws(False)
        while self.peek() == ".":
            self.advance()
            self.skip_ws(False)
            parts.append(self.read_key_part())
            self.skip_ws(False)
        return parts

    def read_string(self) -> str:
        quote = self.peek()
        if self.s.startswith(quote * 3, self.i):
            self.advance(3)
            end = self.s.find(quote * 3, self.i)
            end = len(self.s) if end < 0 else end
            # Closing quotes may be followed by up to two more quotes.
            while self.s.startswith(quote, end + 3):
                end += 1
            text = self.s[self.i:end]
            self.advance(end + 3 - self.i)
            return text
        self.advance()
        chars: list[str] = []
        while self.i < len(self.s) and self.s[self.i] != quote and self.s[self.i] != "\n":
            if quote == '"' and self.s[self.i] == "\\":
                chars.append(self.s[self.i:self.i + 2])
                self.advance(2)
                continue
            chars.append(self.s[self.i])
            self.advance()
        self.advance()
        text = "".join(chars)
        if quote == '"' and "\\" in text:
            with contextlib.suppress(UnicodeDecodeError):
                text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        return text

    # -- values

    def read_value(self, path: PathTuple) -> None:
        self.record(path, (self.line, self.col))
        ch = self.peek()
        if ch in ('"', "'"):
            self.read_string()
        elif ch == "{":
            self.read_inline_table(path)
        elif ch == "[":
            self.read_array(path)
        else:
            while self.i < len(self.s) and self.s[self.i] not in ",]}\n#":
                self.advance()

    def read_inline_table(self, path: PathTuple) -> None:
        self.advance()  # {
        while self.i < len(self.s):
            self.skip_ws(True)
            ch = self.peek()
            if ch == "}":
                self.advance()
                return
            if ch == ",":
                self.advance()
                continue
            if not ch:
                return
            self.read_pair(path)

    def read_array(self, path: PathTuple) -> None:
        self.advance()  # [
        index = 0
        while self.i < len(self.s):
            self.skip_ws(True)
            ch = self.peek()
            if ch == "]":
                self.advance()
                return
            if ch == ",":
                self.advance()
                continue
            if not ch:
                return
            self.read_value(path + (index,))
            index += 1

    def read_pair(self, table: PathTuple) -> None:
        pos = (self.line, self.col)
        parts = self.read_key()
        for k in range(1, len(parts)):
            self.record(table + tuple(parts[:k]), pos)
        key_path = table + tuple(parts)
        self.record(key_path, pos)
        self.skip_ws(False)
        if self.peek() != "=":
            # Not a key/value pair: skip the rest of the line.
            while self.i < len(self.s) and self.s[self.i] != "\n":
                self.advance()
            return
        self.advance()
        self.skip_ws(False)
        # The key itself keeps the key's position (record never overwrites).
        self.read_value(key_path)

    # -- document

    def header(self) -> PathTuple:
        pos = (self.line, self.col)
        double = self.s.startswith("[[", self.i)
        self.advance(2 if double else 1)
        self.skip_ws(False)
        parts = self.read_key()
        self.advance(2 if double else 1)
        path: PathTuple = ()
        # Resolve parent arrays of tables to their current element.
        for part in parts[:-1] if double else parts:
            path = path + (part,)
            if path in self.array_counts:
                path = path + (self.array_counts[path] - 1,)
        if double:
            path = path + (parts[-1],)
            count = self.array_counts.get(path, 0)
            self.array_counts[path] = count + 1
            self.record(path, pos)
            path = path + (count,)
        self.record(path, pos)
        return path

    def scan(self) -> Positions:
        table: PathTuple = ()
        while self.i < len(self.s):
            self.skip_ws(True)
            if self.i >= len(self.s):
                break
            if self.peek() == "[":
                table = self.header()
            else:
                self.read_pair(table)
            # Skip to the end of the line.
            self.skip_ws(False)
            while self.i < len(self.s) and self.s[self.i] != "\n":
                self.advance()
        return self.out


def key_positions(source: str) -> dict[PathTuple, tuple[int, int]]:
    """Map every key path in a TOML document to its 1-based (line, column)."""
    try:
        return _Scanner(source).scan()
    except Exception:  # pragma: no cover - positions are a courtesy, never a failure
        return {}


def locate(positions: Mapping[PathTuple, tuple[int, int]],
           path: PathTuple) -> tuple[int, int] | None:
    """Position of *path*, or of its nearest ancestor that has one; ``None`` if none."""
    for cut in range(len(path), 0, -1):
        found = positions.get(path[:cut])
        if found is not None:
            return found
    return None


def _bare(key: str) -> bool:
    return bool(key) and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key)


def format_path(path: PathTuple) -> str:
    """``('indicator', 3, 'rule')`` → ``'indicator[3].rule'`` (non-bare keys quoted)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if _bare(part) else '"' + part.replace('"', '\\"') + '"'
            out += ("." if out else "") + text
    return out


def parse_path(text: str) -> PathTuple:
    """Inverse of :func:`format_path`: ``'a[1]."好".b'`` → ``('a', 1, '好', 'b')``."""
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
            parts.append(int(inner) if inner.isdigit() else inner)
            i = j + 1
        elif ch == '"':
            j = i + 1
            buf = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            parts.append("".join(buf))
            i = j + 1
        else:
            j = i
            while j < n and text[j] not in ".[":
                j += 1
            parts.append(text[i:j])
            i = j
    return tuple(parts)
