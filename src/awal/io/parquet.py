"""The parquet format, read and written in Arrow record batches (needs ``awal[arrow]``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..arrow import pyarrow
from .base import Codec, DataError, Input, Parsed
from .chunks import Chunk


@dataclass(frozen=True)
class ArrowCodec(Codec):
    """Parquet record batches: ``column`` (an Arrow string column) in, ``output`` column out."""

    column: str
    output: str

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        return Parsed(chunk.payload.column(self.column), [chunk.payload])

    def render(self, parsed: Parsed, results: Any) -> Any:
        from ..arrow import map_table

        return map_table(parsed.items[0], self.column, lambda _: results, self.output)



def _parquet_input(path: str, column: str, output: str | None, batch_size: int) -> Input:
    pq = _parquet()
    pa = pyarrow()
    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    if column not in schema.names:
        raise DataError(f"{path}: no column {column!r} (columns: {', '.join(schema.names)})")
    kind = schema.field(column).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise DataError(f"{path}: column {column!r} has type {kind}, not string")

    def chunks() -> Iterator[Chunk]:
        row = 1
        for batch in parquet.iter_batches(batch_size=batch_size):
            yield Chunk(path, row, 0, batch, batch.nbytes)
            row += batch.num_rows
        if row == 1:  # an empty file still has a schema to write
            yield Chunk(path, 1, 0, pa.RecordBatch.from_pylist([], schema=schema), 0)

    return Input(ArrowCodec(column, output or column), chunks())


def _parquet() -> Any:
    pyarrow()
    import pyarrow.parquet as pq

    return pq

