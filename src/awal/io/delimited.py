"""The csv and tsv formats: a header row, then one record per row (quoted fields may span lines)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO

from ..names import column_problem
from .base import REPLACE_HINT, Codec, DataError, Input, Parsed, _text
from .chunks import Chunk, read_bom


@dataclass(frozen=True)
class CsvCodec(Codec):
    """Rows of a csv/tsv file (header read by :func:`open_input`); ``column`` is read,
    the result goes to column ``output`` (``== column`` to replace, ``== width`` to append; an
    existing column is replaced: every csv value is text)."""

    delimiter: str
    column: int
    output: int
    newline: str = "\n"  # the input's line ending (CRLF is kept)

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        counts: Counter = Counter()
        rows, texts = [], []
        for n, offset, row in chunk.payload:
            if self.column >= len(row):
                if errors != "skip":
                    raise DataError(f"{chunk.source}: line {n}, byte offset {offset}: the row has {len(row)} columns, no column {self.column + 1}")
                counts["too few columns (skipped)"] += 1
                continue
            rows.append(row)
            texts.append(row[self.column])
        return Parsed(texts, rows, counts)

    def render(self, parsed: Parsed, results: Any) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.newline)
        for row, result in zip(parsed.items, results):
            if self.output < len(row):
                row[self.output] = _text(result)
            else:
                row.append(_text(result))
            writer.writerow(row)
        return buffer.getvalue().encode("utf-8")


def _csv_input(
    stream: BinaryIO, source: str, delimiter: str, column: str, output: str | None, errors: str, batch_size: int, replace: bool = False
) -> Input:
    """The records of a csv/tsv stream. Invalid UTF-8 and malformed quoting are handled per record:
    ``skip`` drops exactly the record that holds them (its physical lines, not the ones after), and
    a quoted field left open at the end of the file is an error, not the rest of the file merged into
    one field. A byte order mark and CRLF line endings are kept in the output."""
    csv.field_size_limit(2**31 - 1)
    counts: Counter = Counter()
    bom, head = read_bom(stream)
    position = {"offset": len(bom)}
    bad_lines: set[int] = set()  # physical lines with invalid UTF-8 (replace, skip)
    newline = ["\n"]

    def lines() -> Iterator[str]:  # decoded one physical line at a time, so errors know their line
        for n, raw in enumerate(_physical_lines(head, stream), 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                if errors == "strict":
                    raise DataError(
                        f"{source}: line {n}, byte offset {position['offset'] + e.start}: invalid UTF-8 ({e.reason})"
                    ) from None
                bad_lines.add(n)
                text = raw.decode("utf-8", "replace" if errors == "replace" else "surrogateescape")
            if n == 1 and raw.endswith(b"\r\n"):
                newline[0] = "\r\n"
            position["offset"] += len(raw)
            yield text

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    name = "csv" if delimiter == "," else "tsv"

    def records() -> Iterator[tuple[int, int, list[str]]]:  # (first physical line, its byte offset, row) of every record kept
        while True:
            first, start = reader.line_num + 1, position["offset"]
            skip = errors == "skip" and first > 1  # (never the header: the next record would be read as one)
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                if "unexpected end of data" in str(e):
                    problem = f"a quoted field opened in the record of line {first} is never closed (unbalanced quote)"
                elif "new-line character seen in unquoted field" in str(e):  # (Python's hint names an open() mode)
                    problem = f"a carriage return (\\r) alone inside an unquoted field: {name} records end with \\n or \\r\\n"
                else:
                    problem = f"malformed {name} ({e})"
                if not skip:
                    raise DataError(f"{source}: line {first}, byte offset {start}: {problem}") from None
                counts[f"malformed {name} (skipped)"] += 1
                continue
            spanned = range(first, reader.line_num + 1)
            if bad_lines and not bad_lines.isdisjoint(spanned):
                bad_lines.difference_update(spanned)
                if errors == "skip" and not skip:
                    raise DataError(f"{source}: line 1, the header: invalid UTF-8 (--errors skip never skips the header)")
                counts[f"invalid UTF-8 ({'replaced' if errors == 'replace' else 'skipped'})"] += 1
                if skip:
                    continue
            yield first, start, row

    rows = records()
    first_record = next(rows, None)
    if first_record is None:
        raise DataError(f"{source}: empty file, expected a header row")
    header = first_record[2]
    problem = column_problem(header, column, output)
    if problem:
        raise DataError(f"{source}: line 1, the header: {problem}")
    index = header.index(column)
    if output and output != column and output in header and not replace:
        raise DataError(f"{source}: line 1: output column {output!r} exists already: {REPLACE_HINT}")
    out = header.index(output) if output in header else (len(header) if output else index)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline[0]).writerow(header + ([output] if out == len(header) else []))

    def chunks() -> Iterator[Chunk]:
        while True:
            start = position["offset"]
            batch = list(islice(rows, batch_size))
            if not batch:
                return
            yield Chunk(source, batch[0][0], start, batch, position["offset"] - start)

    return Input(CsvCodec(delimiter, index, out, newline[0]), chunks(), bom + buffer.getvalue().encode("utf-8"), counts)


def _physical_lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    """The lines of ``head + stream`` (``head``: bytes already read from the stream), each with its ``\\n``.

    >>> list(_physical_lines(b"a\\nb", io.BytesIO(b"c\\nd")))
    [b'a\\n', b'bc\\n', b'd']
    """
    if head:
        lines = io.BytesIO(head).readlines()
        if not lines[-1].endswith(b"\n"):
            lines[-1] += stream.readline()
        yield from lines
    yield from stream
