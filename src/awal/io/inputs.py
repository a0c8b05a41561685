"""Opening an input: its format from the extension, its codec and its chunks."""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .base import STDIO, Input, UsageError
from .chunks import line_chunks, read_bom
from .delimited import _csv_input
from .jsonl import JsonlCodec
from .parquet import _parquet_input
from .text import TxtCodec

FORMATS = ("txt", "jsonl", "csv", "tsv", "parquet")
ERROR_POLICIES = ("strict", "replace", "skip")
_EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet",
}


def guess_format(path: str, field: str | None = None) -> str:
    """The format of ``path`` from its extension (other extensions are text, like ``ar.dev``);
    stdin is jsonl when a ``field`` is given, else txt.

    >>> guess_format("corpus.ndjson"), guess_format("arb_Arab.dev"), guess_format("-"), guess_format("-", "text")
    ('jsonl', 'txt', 'txt', 'jsonl')
    """
    if path == STDIO:
        return "jsonl" if field else "txt"
    return _EXTENSIONS.get(Path(path).suffix.lower(), "txt")


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
    result: type = str,
    replace: bool = False,
) -> Iterator[Input]:
    """Open ``path`` (``"-"`` for stdin) as ``fmt`` and give an :class:`Input` (closed on exit).
    ``result`` is what the operation gives per text (``str``, or ``list`` for tokens): an existing
    ``output_field`` is an error, unless ``replace`` (then only one holding something else is). A UTF-8 byte order mark is skipped and
    becomes the header of the output."""
    source = "<stdin>" if path == STDIO else path
    if fmt == "parquet":
        if path == STDIO:
            raise UsageError("parquet cannot be read from stdin (it needs a seekable file): pass a file path")
        yield _parquet_input(path, field or "text", output_field, batch_size, result, replace)
        return
    if fmt == "txt" and (field or output_field or replace):
        raise UsageError("--field/--output-field/--replace-output-field need a structured format (jsonl, csv, tsv, parquet), not txt")
    if path == STDIO and sys.stdin is None:  # closed when Python started (``<&-``)
        raise OSError(errno.EBADF, "stdin is not open (closed with <&-?)")
    stream = sys.stdin.buffer if path == STDIO else open(path, "rb")
    try:
        if fmt in ("txt", "jsonl"):
            bom, head = read_bom(stream)
            chunks = line_chunks(stream, source, batch_size, head, offset=len(bom))
            codec = TxtCodec() if fmt == "txt" else JsonlCodec(_split_path(field, "text") or ("text",), _split_path(output_field, None), output_kind=result, replace=replace)
            yield Input(codec, chunks, bom)
        elif fmt in ("csv", "tsv"):
            yield _csv_input(stream, source, "," if fmt == "csv" else "\t", field or "text", output_field, errors, batch_size, replace)
        else:
            raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()

