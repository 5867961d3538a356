"""CSV files as tables (UTF-8, or GB18030 as Excel on a Chinese system saves).

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DataError, Problem
from .rows import Table, _headers, _numbered


def _csv_table(path: str, header_row: int) -> Table:
    encoding = "utf-8-sig"
    try:
        with open(path, encoding=encoding, newline="") as probe:
            probe.read(1 << 16)
    except UnicodeDecodeError:
        encoding = "gb18030"  # what Excel on a Chinese system saves as "CSV"

    def rows() -> Iterator[Sequence[Any]]:
        try:
            with open(path, encoding=encoding, newline="") as handle:
                yield from csv.reader(handle)
        except UnicodeDecodeError as exc:
            raise DataError(Problem(f"the file is not {encoding} text throughout ({exc.reason} "
                                    f"at byte {exc.start}); save it as CSV UTF-8", file=path)
                            ) from None
        except (OSError, csv.Error) as exc:
            raise DataError(Problem(f"cannot read the file: {exc}", file=path)) from None

    it = rows()
    head: Sequence[Any] = []
    for _ in range(header_row):
        head = next(it, [])
    headers = _headers(head, path, None, header_row)
    return Table(headers, _numbered(it, header_row + 1, len(headers)), file=path,
                 header_row=header_row)
