"""Readers and writers for the ``awal`` command: txt, jsonl, csv/tsv and parquet.

Input is cut into :class:`Chunk` s in the main process (cheap: raw lines,
parsed CSV rows or Arrow record batches); a :class:`Codec` turns a chunk into
the texts to process (:meth:`Codec.parse`) and the results back into output
(:meth:`Codec.render`) in whatever process runs the batch. Codecs are small
frozen dataclasses, so they pickle cheaply to worker processes.

Bad input is never dropped silently: with ``errors="strict"`` a
:class:`DataError` names the file, line and byte offset; ``"replace"``
(invalid UTF-8 only) and ``"skip"`` count what they did in ``Parsed.counts``.

>>> codec = JsonlCodec(field=("meta", "text"), output=("norm",))
>>> chunk = Chunk("<stdin>", 1, 0, b'{"meta": {"text": "Hi"}}\\n')
>>> parsed = codec.parse(chunk, "strict")
>>> parsed.texts
['Hi']
>>> codec.render(parsed, ["hi"])
b'{"meta": {"text": "Hi"}, "norm": "hi"}\\n'
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from .arrow import pyarrow

FORMATS = ("txt", "jsonl", "csv", "tsv", "parquet")
ERROR_POLICIES = ("strict", "replace", "skip")
_EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet",
}
STDIO = "-"


class DataError(ValueError):
    """The input data is bad (invalid UTF-8, malformed JSON, missing field); the message says where."""


class UsageError(ValueError):
    """The command was asked for something impossible (unknown format, no such column...)."""


def guess_format(path: str, field: str | None = None) -> str:
    """The format of ``path`` from its extension (other extensions are text, like ``ar.dev``);
    stdin is jsonl when a ``field`` is given, else txt.

    >>> guess_format("corpus.ndjson"), guess_format("arb_Arab.dev"), guess_format("-"), guess_format("-", "text")
    ('jsonl', 'txt', 'txt', 'jsonl')
    """
    if path == STDIO:
        return "jsonl" if field else "txt"
    return _EXTENSIONS.get(Path(path).suffix.lower(), "txt")


@dataclass(frozen=True)
class Chunk:
    """One batch of input: ``payload`` is raw lines (bytes), ``[(line, row), ...]`` (csv) or a RecordBatch."""

    source: str
    first_line: int  # 1-based line (or row) number of the first item
    offset: int  # byte offset of the first line in the file (line formats)
    payload: Any
    nbytes: int = 0


@dataclass
class Parsed:
    """What :meth:`Codec.parse` found: the texts to process and what is needed to write them back."""

    texts: Any  # list[str | None] or a pyarrow array
    items: list[Any]  # per output item: a txt line ending, a JSON record, a csv row...
    counts: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------- decoding
def decode_lines(chunk: Chunk, errors: str, counts: Counter) -> list[tuple[int, str]]:
    """``[(line number, text without "\\n"), ...]`` of a chunk of raw lines, with the UTF-8 policy applied.

    >>> c = Chunk("a.txt", 7, 100, b"ok\\n\\xffbad\\n")
    >>> decode_lines(c, "strict", Counter())
    Traceback (most recent call last):
    awal.io.DataError: a.txt: line 8, byte offset 103: invalid UTF-8 (invalid start byte)
    >>> counts = Counter(); decode_lines(c, "replace", counts), counts
    ([(7, 'ok'), (8, '\\ufffdbad')], Counter({'invalid UTF-8 (replaced)': 1}))
    """
    data: bytes = chunk.payload
    try:
        lines = data.decode("utf-8").split("\n")  # "\n" is never part of a multi-byte sequence
    except UnicodeDecodeError as e:
        if errors == "strict":
            line = chunk.first_line + data.count(b"\n", 0, e.start)
            raise DataError(
                f"{chunk.source}: line {line}, byte offset {chunk.offset + e.start}: invalid UTF-8 ({e.reason})"
            ) from None
        lines = []
        for raw in data.split(b"\n"):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                counts[f"invalid UTF-8 ({'replaced' if errors == 'replace' else 'skipped'})"] += 1
                lines.append(raw.decode("utf-8", "replace") if errors == "replace" else None)
    if lines[-1] == "":
        lines.pop()  # after the final "\n"
    return [(n, text) for n, text in enumerate(lines, chunk.first_line) if text is not None]


def line_chunks(stream: BinaryIO, source: str, batch_size: int) -> Iterator[Chunk]:
    """Cut a binary stream into chunks of at most ``batch_size`` whole lines (memory stays bounded)."""
    line, offset = 1, 0
    while lines := list(islice(stream, batch_size)):
        data = b"".join(lines)
        yield Chunk(source, line, offset, data, len(data))
        line += len(lines)
        offset += len(data)


# ---------------------------------------------------------------- codecs
def _text(value: Any) -> str:
    """A result as one line of text: tokens joined by spaces, null as empty."""
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else value


class Codec:
    """How one format turns a chunk into texts and results back into output."""

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        raise NotImplementedError

    def render(self, parsed: Parsed, results: Any) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class TxtCodec(Codec):
    """One text per line; a ``\\r\\n`` ending is kept, every output line ends with a newline."""

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        counts: Counter = Counter()
        lines = decode_lines(chunk, errors, counts)
        texts = [t[:-1] if t.endswith("\r") else t for _, t in lines]
        endings = ["\r\n" if t.endswith("\r") else "\n" for _, t in lines]
        return Parsed(texts, endings, counts)

    def render(self, parsed: Parsed, results: Any) -> bytes:
        return "".join(_text(r) + end for r, end in zip(results, parsed.items)).encode("utf-8", "surrogatepass")


_SCAN = json.JSONDecoder().scan_once  # the C scanner: one call per line, no wrapper
_ENCODE = (
    json.encoder.c_make_encoder(None, json.JSONEncoder().default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    if json.encoder.c_make_encoder is not None
    else None
)


def _loads(line: str) -> Any:
    """``json.loads(line)``, 2x faster on well-formed lines; json.loads itself gives the error message."""
    try:
        value, end = _SCAN(line, 0)
        if end == len(line) or not line[end:].strip():
            return value
    except (StopIteration, json.JSONDecodeError):
        pass
    return json.loads(line)


def _dumps(record: Any) -> str:
    """``json.dumps(record, ensure_ascii=False)`` without building an encoder per record."""
    return "".join(_ENCODE(record, 0)) if _ENCODE is not None else json.dumps(record, ensure_ascii=False)


def _path_get(record: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(record, dict) or key not in record:
            raise KeyError(key)
        record = record[key]
    return record


def _path_set(record: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        record = record.setdefault(key, {})
        if not isinstance(record, dict):
            raise KeyError(key)
    record[path[-1]] = value


@dataclass(frozen=True)
class JsonlCodec(Codec):
    """One JSON object per line; ``field`` (a path like ``("meta", "text")``) is read,
    the result goes to ``output`` (default: replaces ``field``). Blank lines are ignored.
    A JSON ``null`` text stays ``null``."""

    field: tuple[str, ...] = ("text",)
    output: tuple[str, ...] | None = None

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        counts: Counter = Counter()
        records, texts = [], []
        where = ".".join(self.field)
        for n, line in decode_lines(chunk, errors, counts):
            if not line.strip():
                continue
            try:
                record = _loads(line)
                text = _path_get(record, self.field)
                if text is not None and not isinstance(text, str):
                    problem = f"field {where!r} is a JSON {type(text).__name__}, not a string"
                else:
                    records.append(record)
                    texts.append(text)
                    continue
            except json.JSONDecodeError as e:
                problem = f"malformed JSON ({e.msg} at column {e.colno})"
            except KeyError:
                problem = f"no field {where!r}" + (f" (keys: {', '.join(map(str, record))})" if isinstance(record, dict) else "")
            if errors != "skip":
                raise DataError(f"{chunk.source}: line {n}: {problem}")
            counts[problem.split(" (")[0] + " (skipped)"] += 1
        return Parsed(texts, records, counts)

    def render(self, parsed: Parsed, results: Any) -> bytes:
        path = self.output or self.field
        out = []
        for record, result in zip(parsed.items, results):
            _path_set(record, path, result)
            out.append(_dumps(record))
        out.append("")
        return "\n".join(out).encode("utf-8", "surrogatepass")


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


@dataclass(frozen=True)
class ArrowCodec(Codec):
    """Parquet record batches: ``column`` (an Arrow string column) in, ``output`` column out."""

    column: str
    output: str

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        return Parsed(chunk.payload.column(self.column), [chunk.payload])

    def render(self, parsed: Parsed, results: Any) -> Any:
        from .arrow import map_table

        return map_table(parsed.items[0], self.column, lambda _: results, self.output)


# ---------------------------------------------------------------- inputs
@dataclass
class Input:
    """An opened input: its codec, its chunks, and the header to write first (csv)."""

    codec: Codec
    chunks: Iterator[Chunk]
    header: bytes = b""
    counts: Counter = field(default_factory=Counter)  # problems found while reading (csv decoding)


def _split_path(path: str | None, default: str | None) -> tuple[str, ...] | None:
    name = path or default
    return tuple(name.split(".")) if name else None


@contextmanager
def open_input(
    path: str,
    fmt: str,
    field: str | None,
    output_field: str | None,
    errors: str,
    batch_size: int,
) -> Iterator[Input]:
    """Open ``path`` (``"-"`` for stdin) as ``fmt`` and give an :class:`Input` (closed on exit)."""
    source = "<stdin>" if path == STDIO else path
    if fmt == "parquet":
        if path == STDIO:
            raise UsageError("parquet cannot be read from stdin (it needs a seekable file): pass a file path")
        yield _parquet_input(path, field or "text", output_field, batch_size)
        return
    if fmt == "txt" and (field or output_field):
        raise UsageError("--field/--output-field need a structured format (jsonl, csv, tsv, parquet), not txt")
    stream = sys.stdin.buffer if path == STDIO else open(path, "rb")
    try:
        if fmt == "txt":
            yield Input(TxtCodec(), line_chunks(stream, source, batch_size))
        elif fmt == "jsonl":
            codec = JsonlCodec(_split_path(field, "text"), _split_path(output_field, None))
            yield Input(codec, line_chunks(stream, source, batch_size))
        elif fmt in ("csv", "tsv"):
            yield _csv_input(stream, source, "," if fmt == "csv" else "\t", field or "text", output_field, errors, batch_size)
        else:
            raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


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


# ---------------------------------------------------------------- outputs
class Sink:
    """Where rendered chunks go: bytes to a binary file, or record batches to a Parquet writer."""

    def __init__(self, file: BinaryIO, fmt: str, header: bytes = b""):
        self.file, self.fmt, self.writer = file, fmt, None
        if header:
            file.write(header)

    def write(self, rendered: Any) -> None:
        if self.fmt != "parquet":
            self.file.write(rendered)
            return
        if self.writer is None:
            self.writer = _parquet().ParquetWriter(self.file, rendered.schema)
        self.writer.write_batch(rendered)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.file.flush()


def _unnamed_files_work(directory: Path) -> bool:
    """Whether ``directory`` supports an ``O_TMPFILE`` file that is later given a name (probed once)."""
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except (AttributeError, OSError):
        return False
    probe = tempfile.mktemp(dir=directory, prefix=".awal-probe-")
    try:
        os.link(f"/proc/self/fd/{fd}", probe, follow_symlinks=True)
        os.unlink(probe)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


@contextmanager
def atomic_output(path: str) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only if the block finishes without an exception.

    ``"-"`` is stdout. Otherwise the data goes to an unnamed file in the same
    directory (Linux ``O_TMPFILE``: even ``kill -9`` leaves nothing behind) or,
    where that is not available, a hidden temporary file that is removed on
    failure; on success it is linked or renamed over ``path`` in one step.
    """
    if path == STDIO:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path).absolute()
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {path}: directory {target.parent} does not exist")
    umask = os.umask(0)
    os.umask(umask)
    temp: str | None = None
    if _unnamed_files_work(target.parent):
        fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o666 & ~umask)
    else:  # no O_TMPFILE (macOS, Windows) or no linking it (overlayfs): a hidden named file
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".awal-tmp")
        os.chmod(temp, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as file:
            yield file
            file.flush()
            if temp is None:
                temp = tempfile.mktemp(dir=target.parent, prefix=f".{target.name}.", suffix=".awal-tmp")
                os.link(f"/proc/self/fd/{fd}", temp, follow_symlinks=True)
            os.replace(temp, target)
            temp = None
    finally:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)

