"""Frames as tables: Parquet files, pandas and polars DataFrames, Arrow tables, dicts.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import DataError, Problem
from .cells import clean
from .extras import require
from .rows import Row, Table


def _parquet_table(path: str) -> Table:
    pq = require("pyarrow.parquet", "reading Parquet files")
    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow's own errors: not a Parquet file, or a broken one
        raise DataError(Problem(f"cannot read the Parquet file: {exc}", file=path)) from None
    headers = tuple(handle.schema_arrow.names)

    def rows() -> Iterator[Row]:
        position = 0
        for batch in handle.iter_batches(batch_size=4096):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                yield Row(position, position + 2, tuple(map(clean, values)))
                position += 1

    return Table(headers, rows(), file=path, library="pyarrow")


def _pandas_table(frame: Any) -> Table:
    headers = tuple(str(c) for c in frame.columns)

    def rows() -> Iterator[Row]:
        # Column by column, a block at a time: a column's tolist() is many times quicker
        # than itertuples() and gives the same Python values.
        width = frame.shape[1]
        for start in range(0, len(frame), 4096):
            block = frame.iloc[start:start + 4096]
            labels = block.index.tolist()
            columns = [list(map(clean, block.iloc[:, i].tolist())) for i in range(width)]
            for offset, values in enumerate(zip(*columns, strict=True) if width
                                            else ((),) * len(labels)):
                yield Row(start + offset, start + offset, values, labels[offset])

    return Table(headers, rows(), frame=True, library="pandas")


def _polars_table(frame: Any) -> Table:
    headers = tuple(frame.columns)

    def rows() -> Iterator[Row]:
        for position, values in enumerate(frame.iter_rows()):
            yield Row(position, position, tuple(map(clean, values)))

    return Table(headers, rows(), frame=True, library="polars")


def _arrow_table(table: Any) -> Table:
    headers = tuple(table.column_names)

    def rows() -> Iterator[Row]:
        position = 0
        for batch in table.to_batches(max_chunksize=4096):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                yield Row(position, position, tuple(map(clean, values)))
                position += 1

    return Table(headers, rows(), frame=True, library="pyarrow")


def _dicts_table(records: Iterable[Any]) -> Table:
    it = iter(records)
    first = next(it, None)
    if first is None:
        return Table((), iter(()), frame=True)
    if not isinstance(first, Mapping):
        raise DataError(Problem(f"expected rows as dicts of column = value, got "
                                f"{type(first).__name__}"))
    headers = tuple(str(k) for k in first)

    def rows() -> Iterator[Row]:
        yield Row(0, 0, tuple(clean(first.get(h)) for h in headers))
        for position, record in enumerate(it, start=1):
            if not isinstance(record, Mapping):
                yield Row(position, position, (None,) * len(headers), issues=((None, (
                    f"expected a dict of column = value, got {type(record).__name__}")),))
                continue
            extra = [k for k in record if k not in headers]
            issues: tuple[tuple[int | None, str], ...] = ()
            if extra:  # the row fails alone: nothing of it is dropped silently
                issues = ((None, f"this row has columns the first row lacks: "
                                 f"{', '.join(map(str, extra))}"),)
            yield Row(position, position, tuple(clean(record.get(h)) for h in headers),
                      issues=issues)

    return Table(headers, rows(), frame=True)
