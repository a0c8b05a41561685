"""The parquet format, read and written in Arrow record batches (needs ``awal[arrow]``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..arrow import FeatureUnavailable, pyarrow
from ..columns import is_text_type, plain_strings
from ..names import column_problem
from .base import REPLACE_HINT, Codec, DataError, Input, Parsed
from .chunks import Chunk


@dataclass(frozen=True)
class ArrowCodec(Codec):
    """Parquet record batches: ``column`` (an Arrow string column) in, ``output`` column out."""

    column: str
    output: str

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        """The text column of a record batch, its invalid UTF-8 (a writer that did not check) handled as the
        line formats handle it: an error naming the row (``chunk.first_line`` is the batch's first, from 1),
        or each such value decoded with U+FFFD (``replace``) or its row left out (``skip``), counted."""
        batch, counts = chunk.payload, Counter[str]()
        column = batch.column(self.column)
        try:
            column.validate(full=True)
        except pyarrow().ArrowInvalid:
            batch = self._valid_utf8(chunk, column, errors, counts)
        return Parsed(batch.column(self.column), [batch], counts)

    def _valid_utf8(self, chunk: Chunk, column: Any, errors: str, counts: Counter) -> Any:
        """The batch of ``chunk`` with the invalid UTF-8 of ``column`` (its text column) handled by ``errors``."""
        pa = pyarrow()
        texts, dropped = [], set()
        for row, value in enumerate(plain_strings(column).cast(pa.large_binary()).to_pylist()):
            try:
                texts.append(None if value is None else value.decode("utf-8"))
            except UnicodeDecodeError as e:
                if errors == "strict":
                    raise DataError(f"{chunk.source}: row {chunk.first_line + row}: invalid UTF-8 at byte {e.start} of its {self.column!r} value ({e.reason})") from None
                counts[f"invalid UTF-8 ({'replaced' if errors == 'replace' else 'skipped'})"] += 1
                texts.append(value.decode("utf-8", "replace"))
                if errors == "skip":
                    dropped.add(row)
        batch = chunk.payload.set_column(chunk.payload.schema.get_field_index(self.column), self.column, pa.array(texts, pa.large_string()).cast(column.type))
        return batch.filter(pa.array([row not in dropped for row in range(len(texts))])) if dropped else batch

    def render(self, parsed: Parsed, results: Any) -> Any:
        from ..arrow import map_table

        return map_table(parsed.items[0], self.column, lambda _: results, self.output, replace=True)  # (checked on opening)


def _parquet_input(path: str, column: str, output: str | None, batch_size: int, result: type = str, replace: bool = False) -> Input:
    """Record batches of ``path``; a file that is not Parquet (or is cut short) is a :class:`DataError`,
    and so is an ``output`` column that exists (unless ``replace``), or exists with another type than ``result`` gives (str, or list of tokens)."""
    pq = _parquet()
    pa = pyarrow()
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowException as e:
        raise DataError(f"{path}: not a readable Parquet file ({e})") from None
    schema = parquet.schema_arrow
    problem = column_problem(schema.names, column, output)
    if problem:
        raise DataError(f"{path}: {problem}")
    kind = schema.field(column).type
    if not is_text_type(kind):  # (null: a column with no value, nulls out; dictionary: a pandas categorical's)
        raise DataError(f"{path}: column {column!r} has type {kind}, not string")
    if output and output != column and output in schema.names:
        if not replace:
            raise DataError(f"{path}: output column {output!r} exists already: {REPLACE_HINT}")
        existing = schema.field(output).type
        fits = pa.types.is_list(existing) or pa.types.is_large_list(existing) if result is list else _is_string(pa, existing)
        if not (fits or pa.types.is_null(existing)):  # (null: a column with no value, as a JSON null is replaced)
            raise DataError(f"{path}: output column {output!r} exists with type {existing}; awal replaces only a column of the type it writes: choose another --output-field")

    def chunks() -> Iterator[Chunk]:
        row = 1
        try:
            for batch in parquet.iter_batches(batch_size=batch_size):
                yield Chunk(path, row, 0, batch, batch.nbytes)
                row += batch.num_rows
        except pa.ArrowException as e:
            raise DataError(f"{path}: row group after row {row - 1} cannot be read ({e})") from None
        if row == 1:  # an empty file still has a schema to write
            yield Chunk(path, 1, 0, pa.RecordBatch.from_pylist([], schema=schema), 0)

    return Input(ArrowCodec(column, output or column), chunks())


def _is_string(pa: Any, kind: Any) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _parquet() -> Any:
    """``pyarrow.parquet``, or :class:`~awal.arrow.FeatureUnavailable` saying how to install it."""
    try:
        pyarrow()
        import pyarrow.parquet as pq
    except ImportError as e:
        raise FeatureUnavailable(f"parquet needs pyarrow, an optional extra: pip install 'awal[arrow]' ({e})") from None
    return pq
