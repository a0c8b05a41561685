"""The csv and tsv formats: a header row, then one record per row (quoted fields may span lines)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO

from .base import Codec, DataError, Input, Parsed, _text
from .chunks import Chunk


@dataclass(frozen=True)
class CsvCodec(Codec):
    """Rows of a csv/tsv file (header read by :func:`open_input`); ``column`` is read,
    the result goes to column ``output`` (``== column`` to replace, ``== width`` to append)."""

    delimiter: str
    column: int
    output: int

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        counts: Counter = Counter()
        rows, texts = [], []
        for n, row in chunk.payload:
            if self.column >= len(row):
                if errors != "skip":
                    raise DataError(f"{chunk.source}: line {n}: the row has {len(row)} columns, no column {self.column + 1}")
                counts["too few columns (skipped)"] += 1
                continue
            rows.append(row)
            texts.append(row[self.column])
        return Parsed(texts, rows, counts)

    def render(self, parsed: Parsed, results: Any) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\n")
        for row, result in zip(parsed.items, results):
            if self.output < len(row):
                row[self.output] = _text(result)
            else:
                row.append(_text(result))
            writer.writerow(row)
        return buffer.getvalue().encode("utf-8", "surrogatepass")



def _csv_input(
    stream: BinaryIO, source: str, delimiter: str, column: str, output: str | None, errors: str, batch_size: int
) -> Input:
    csv.field_size_limit(2**31 - 1)
    counts: Counter = Counter()
    position = {"offset": 0}

    def lines() -> Iterator[str]:  # decoded one physical line at a time, so errors know their line
        for n, raw in enumerate(stream, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                if errors == "strict":
                    raise DataError(
                        f"{source}: line {n}, byte offset {position['offset'] + e.start}: invalid UTF-8 ({e.reason})"
                    ) from None
                counts[f"invalid UTF-8 ({'replaced' if errors == 'replace' else 'skipped'})"] += 1
                text = raw.decode("utf-8", "replace") if errors == "replace" else None
            position["offset"] += len(raw)
            if text is not None:
                yield text

    reader = csv.reader(lines(), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise DataError(f"{source}: empty file, expected a header row")
    if column not in header:
        raise DataError(f"{source}: line 1: no column {column!r} in the header ({', '.join(header)})")
    index = header.index(column)
    out = header.index(output) if output in header else (len(header) if output else index)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow(header + ([output] if out == len(header) else []))

    def chunks() -> Iterator[Chunk]:
        while True:
            start = position["offset"]
            first = reader.line_num + 1
            rows = [(reader.line_num, row) for row in islice(reader, batch_size)]
            if not rows:
                return
            yield Chunk(source, first, start, rows, position["offset"] - start)

    return Input(CsvCodec(delimiter, index, out), chunks(), buffer.getvalue().encode("utf-8"), counts)

