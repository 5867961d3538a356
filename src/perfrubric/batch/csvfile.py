"""CSV files as tables (UTF-8, or GB18030 as Excel on a Chinese system saves).

The encoding is decided for the whole file before the first row is read:
the file is decoded once, in chunks, as UTF-8 and, if that fails, as
GB18030; a file that is neither is one located error (the byte offset and
line of the first byte that fits neither), raised before any unit is
scored.  Rows keep the header's width exactly: a row with more or fewer
fields, or a quote that is never closed, is a failed unit located at its
cell (:mod:`.rows`).

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DataError, Problem
from .rows import Table, _headers, _numbered

_CHUNK = 1 << 20


def _csv_table(path: str, header_row: int) -> Table:
    encoding = _encoding(path)
    records: list[Any] = []  # the physical lines of the record being read, for its quotes
    ended: list[bool] = []  # set once the reader asked for a line past the last one

    def lines(handle: Any) -> Iterator[str]:
        for line in handle:
            records.append(line)
            yield line
        ended.append(True)  # only a record still inside a quote asks past the end

    def rows() -> Iterator[Sequence[Any]]:
        try:
            with open(path, encoding=encoding, newline="") as handle:
                reader = csv.reader(lines(handle))
                for record in reader:
                    if ended and _open_quote("".join(records)):
                        yield _Unclosed(record, len(records))
                    else:
                        yield record
                    records.clear()
        except UnicodeDecodeError as exc:  # the file changed since its encoding was decided
            raise DataError(Problem(f"the file is not {encoding} text throughout "
                                    f"({exc.reason})", file=path)) from None
        except (OSError, csv.Error) as exc:
            raise DataError(Problem(f"cannot read the file: {exc}", file=path)) from None

    it = rows()
    head: Sequence[Any] = []
    for _ in range(header_row):
        head = next(it, [])
    headers = _headers(head, path, None, header_row)
    while headers and not headers[-1]:  # "a,b,c,,," as Excel saves a wider selection
        headers = headers[:-1]
    return Table(headers, _numbered(it, header_row + 1, len(headers), exact=True), file=path,
                 header_row=header_row)


class _Unclosed(list[Any]):
    """A CSV record that reached the end of the file inside a quote, and its issue."""

    def __init__(self, fields: list[str], lines: int) -> None:
        super().__init__(fields)
        self.issue = (max(len(fields) - 1, 0),
                      f"the quote that opens this cell is never closed: the rest of the file "
                      f"({lines} lines) would be one cell; close the quote (\"…\") or remove it")


_START, _FIELD, _QUOTED, _QUOTE = range(4)


def _open_quote(text: str) -> bool:
    """Whether the CSV record *text* ends inside a quoted field (the csv module's rules)."""
    if '"' not in text:
        return False
    state = _START
    for ch in text:
        if state == _QUOTED:
            if ch == '"':
                state = _QUOTE
        elif state == _QUOTE:  # a closing quote, or the first of a doubled one
            state = _QUOTED if ch == '"' else _START if ch in ",\r\n" else _FIELD
        elif ch in ",\r\n":
            state = _START
        elif state == _START and ch == '"':
            state = _QUOTED
        else:
            state = _FIELD
    return state == _QUOTED


def _encoding(path: str) -> str:
    """``utf-8-sig`` or ``gb18030``, decided over the whole file; a located error if neither."""
    first = _undecodable(path, "utf-8")
    if first is None:
        return "utf-8-sig"
    if _undecodable(path, "gb18030") is None:
        return "gb18030"  # what Excel on a Chinese system saves as "CSV"
    offset, line, reason = first
    raise DataError(Problem(
        f"the file is neither UTF-8 nor GB18030 text: {reason} at byte {offset:,} "
        f"(line {line}); save it as CSV UTF-8", file=path, line=line))


def _undecodable(path: str, encoding: str) -> tuple[int, int, str] | None:
    """(byte offset, line, reason) of the first byte *encoding* cannot decode, or ``None``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = newlines = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    # bytes the decoder held back from the last chunk come first in exc.object
                    held = len(exc.object) - len(chunk)
                    at = offset - held + exc.start
                    line = newlines + exc.object[:exc.start].count(b"\n") + 1
                    return at, line, str(exc.reason)
                newlines += chunk.count(b"\n")
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset - len(exc.object) + exc.start, newlines + 1, str(exc.reason)
    except OSError as exc:
        raise DataError(Problem(f"cannot read the file: {exc.strerror or exc}",
                                file=path)) from None
    return None
