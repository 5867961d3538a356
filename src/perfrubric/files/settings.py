"""Rubric documents and where their parts came from.

A rubric is read from one TOML document, or merged from several through
``extends``.  A :class:`Source` is one document (its file name and the line
and column of every key); :data:`Origins` maps parts of a merged document
back to the document that wrote them, so that every problem is reported at
the line that caused it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..errors import Problem, RubricError, _LocatedError
from . import tomlpos as _tomlpos
from .reading import parse_toml, read_text

__all__ = ["Origins", "PathTuple", "Place", "Source", "origin", "parse_rubric_toml",
           "place_text", "problem_at", "read_settings", "source_key"]

PathTuple = tuple[str | int, ...]


class Source:
    """One TOML document: its file name and key positions."""

    __slots__ = ("_positions", "_text", "file")

    def __init__(self, file: str | None,
                 positions: Mapping[tuple[str | int, ...], tuple[int, int]] | None = None,
                 text: str | None = None) -> None:
        self.file = file
        self._positions = positions
        self._text = text

    @property
    def positions(self) -> Mapping[tuple[str | int, ...], tuple[int, int]]:
        """Key path → (line, column); scanned from the text when first needed (a problem)."""
        if self._positions is None:
            self._positions = _tomlpos.key_positions(self._text) if self._text else {}
        return self._positions

    @classmethod
    def of_text(cls, text: str, file: str | None) -> Source:
        """The source of TOML *text*; the positions of its keys are found when needed."""
        return cls(file, None, text)


#: Where parts of a merged document came from: a path prefix in the merged
#: document mapped to (source, the same prefix in that source).
Place = tuple[Source, PathTuple]
Origins = dict[PathTuple, Place]


def origin(origins: Origins, default: Source, path: PathTuple) -> tuple[Source, PathTuple]:
    """The source that wrote *path* and the same path in that source."""
    for cut in range(len(path), 0, -1):
        found = origins.get(path[:cut])
        if found is not None:
            source, prefix = found
            return source, prefix + path[cut:]
    return default, path


def problem_at(source: Source, path: PathTuple, message: str) -> Problem:
    """A problem located at *path* of *source* (file, TOML path, line, column)."""
    pos = _tomlpos.locate(source.positions, path) if source.positions else None
    return Problem(message, path=_tomlpos.format_path(path), file=source.file,
                   line=pos[0] if pos else None, column=pos[1] if pos else None)


def place_text(source: Source, path: PathTuple) -> str:
    """``file:line`` (or ``file``) of *path* in *source*, to cite a second place in a message."""
    pos = _tomlpos.locate(source.positions, path) if source.positions else None
    where = source.file or "<string>"
    return f"{where}:{pos[0]}" if pos else f"{where}, {_tomlpos.format_path(path)}"


def source_key(file: str | None) -> str:
    """A key naming a document once, for finding ``extends`` cycles."""
    if file is None:
        return "<string>"
    if file.startswith("<builtin>/"):
        return file
    return os.path.abspath(file)


def parse_rubric_toml(text: str, file: str | None) -> dict[str, Any]:
    """Parse rubric TOML; a syntax error raises a located RubricError."""
    return parse_toml(text, file, RubricError)


def read_settings(source: str | os.PathLike[str] | Mapping[str, Any],
                  error: type[_LocatedError]) -> tuple[Mapping[str, Any], Source]:
    """A small TOML settings document (a batch column mapping, a template layout).

    *source* is a file (read and parsed, the positions of its keys kept for
    :func:`problem_at`) or an already parsed mapping (no positions).  File
    and syntax errors raise *error*.
    """
    if isinstance(source, Mapping):
        return source, Source(None, {})
    file = os.fspath(source)
    text = read_text(file, error)
    return parse_toml(text, file, error), Source.of_text(text, file)
