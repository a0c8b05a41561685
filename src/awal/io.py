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
import errno
import io
import json
import os
import stat
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

if sys.version_info >= (3, 11):
    import re
else:  # the possessive quantifiers below (*+, ++) came to `re` in 3.11; `regex` has them
    import regex as re

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
    """One batch of input: ``payload`` is raw lines (bytes), a :class:`FileSlice` of them,
    ``[(line, row), ...]`` (csv) or a RecordBatch."""

    source: str
    first_line: int  # 1-based line (or row) number of the first item
    offset: int  # byte offset of the first line in the file (line formats)
    payload: Any
    nbytes: int = 0

    def by_reference(self) -> "Chunk":
        """The chunk with its raw lines replaced by where they are in the file ``source``
        (cheap to send to a worker process, which reads them itself)."""
        return replace(self, payload=FileSlice(self.source, self.offset, len(self.payload)))

    def loaded(self) -> "Chunk":
        """The chunk with its payload in memory (a :class:`FileSlice` is read)."""
        return replace(self, payload=self.payload.read()) if isinstance(self.payload, FileSlice) else self


@dataclass(frozen=True)
class FileSlice:
    """``nbytes`` bytes of the file ``path`` from byte ``offset``.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     _ = f.write(b"abcdef"); f.flush()
    ...     FileSlice(f.name, 2, 3).read()
    b'cde'
    """

    path: str
    offset: int
    nbytes: int

    def read(self) -> bytes:
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(self.nbytes)
        if len(data) != self.nbytes:
            raise DataError(f"{self.path}: changed while being read (byte offset {self.offset})")
        return data


@dataclass
class Parsed:
    """What :meth:`Codec.parse` found: the texts to process and what is needed to write them back."""

    texts: Any  # list[str | None] or a pyarrow array
    items: list[Any]  # per output item: a txt line ending, a JSON record, a csv row...
    counts: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------- decoding
def split_lines(chunk: Chunk, errors: str, counts: Counter) -> list[str | None]:
    """The lines of a chunk of raw lines (line ``chunk.first_line + i`` at index ``i``, without
    ``"\\n"``), decoded once for the whole chunk, with the UTF-8 policy applied (``None``: a skipped line).

    >>> c = Chunk("a.txt", 7, 100, b"ok\\n\\xffbad\\n")
    >>> split_lines(c, "strict", Counter())
    Traceback (most recent call last):
    awal.io.DataError: a.txt: line 8, byte offset 103: invalid UTF-8 (invalid start byte)
    >>> counts = Counter(); split_lines(c, "skip", counts), counts
    (['ok', None], Counter({'invalid UTF-8 (skipped)': 1}))
    """
    data: bytes = chunk.payload
    try:
        lines: list[str | None] = data.decode("utf-8").split("\n")  # "\n" is never part of a multi-byte sequence
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
    return lines


def decode_lines(chunk: Chunk, errors: str, counts: Counter) -> list[tuple[int, str]]:
    """``[(line number, text without "\\n"), ...]`` of a chunk of raw lines, with the UTF-8 policy applied.

    >>> c = Chunk("a.txt", 7, 100, b"ok\\n\\xffbad\\n")
    >>> counts = Counter(); decode_lines(c, "replace", counts), counts
    ([(7, 'ok'), (8, '\\ufffdbad')], Counter({'invalid UTF-8 (replaced)': 1}))
    """
    lines = split_lines(chunk, errors, counts)
    return [(n, text) for n, text in enumerate(lines, chunk.first_line) if text is not None]


CHUNK_BYTES = 1 << 22  # a chunk of a line format holds about this many bytes (or --batch-size lines)


def line_chunks(stream: BinaryIO, source: str, batch_size: int) -> Iterator[Chunk]:
    """Cut a binary stream into chunks of whole lines: at most ``batch_size`` lines and,
    unless one line is longer, about :data:`CHUNK_BYTES` (memory stays bounded).

    The stream is read in large blocks (``read1`` where it exists, so a pipe is
    processed as data arrives), never line by line.

    >>> [(c.first_line, c.offset, c.payload) for c in line_chunks(io.BytesIO(b"a\\nbb\\nc"), "-", 2)]
    [(1, 0, b'a\\nbb\\n'), (3, 5, b'c')]
    """
    read = getattr(stream, "read1", stream.read)
    line, offset, pending, at_end = 1, 0, b"", False
    while pending or not at_end:
        pieces, size, lines = [pending], len(pending), _newlines(pending)
        while not at_end and ((size < CHUNK_BYTES and lines < batch_size) or not lines):
            piece = read(CHUNK_BYTES)
            at_end = not piece
            pieces.append(piece)
            size, lines = size + len(piece), lines + _newlines(piece)
        data = b"".join(pieces)
        if lines > batch_size:  # cut after the batch_size-th line
            end = int(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)[batch_size - 1]) + 1
        else:
            end = len(data) if at_end else data.rfind(b"\n") + 1
        data, pending = data[:end], data[end:]
        if data:
            yield Chunk(source, line, offset, data, len(data))
            line += min(lines, batch_size)  # the newlines in data (a last line without one ends the stream)
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


# The fast path of JsonlCodec. A line that ``json.dumps(record, ensure_ascii=False)`` would write
# back unchanged is a flat object of canonical members ('"key": value', joined by ", "; strings
# escaped exactly as the encoder escapes them, integers, true/false/null). In such a line the value of
# the field can be replaced in place: the bytes around it are kept and the new value spliced in, which
# gives the same bytes as json.loads, set, json.dumps. One regular expression finds, for every line
# of a batch at once, the part before the field's value, the value and the part after (or, for any
# other line, the whole line, which then takes the general path).
_CANONICAL = r'"(?:[^"\\\x00-\x1f]++|\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f])))*+"'  # as the encoder writes it
_ANY_BODY = r'(?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+'  # any valid JSON string, without quotes
_MEMBER = rf'{_CANONICAL}: (?:{_CANONICAL}|0|-?[1-9][0-9]{{0,17}}|true|false|null)'
# any key (of a flat canonical line) that occurs twice in one line: json.loads would keep the last one
_DUPLICATE_KEY = re.compile(r'(?:\{|, )("(?:[^"\\\n]|\\.)*"): (?:[^\n]*?), \1: ')
_ENCODE_STRING = json.encoder.encode_basestring  # the encoder's own (C) string escaper
_HEADS = re.compile(rf'(?:\{{(?:{_MEMBER}, )*+\n)*+\{{(?:{_MEMBER}, )*+')  # "\n"-joined heads of the simplest shape


def _newlines(data: bytes) -> int:
    """``data.count(b"\\n")``, 4x faster on megabytes."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A))


def _clean_lines(data: bytes) -> int | None:
    """The number of ``"\\n"`` in ``data``, or None when it holds another control byte (< 0x20):
    raw control characters are never part of a JSON string, so such lines take the general path.

    >>> _clean_lines(b'{"a": 1}\\n{}\\n'), _clean_lines(b'{"a": "\\t"}\\n')
    (2, None)
    """
    lines = _newlines(data)
    return lines if np.count_nonzero(np.frombuffer(data, dtype=np.uint8) < 0x20) == lines else None


def _json_strings(bodies: list[str]) -> list[str] | None:
    """The texts of JSON strings written without their quotes, decoded in one call;
    None unless every body is exactly one JSON string.

    Each '", "' between two bodies ends a string (no body ends in a backslash), so a body
    with a quote of its own adds items to the array or breaks it.

    >>> _json_strings(['a\\\\"b', 'c']), _json_strings(['a", "b']), _json_strings(['a\\\\'])
    (['a"b', 'c'], None, None)
    """
    if any(body.endswith("\\") and (len(body) - len(body.rstrip("\\"))) % 2 for body in bodies):
        return None  # its last backslash would escape the closing quote
    try:
        texts = json.loads('["' + '", "'.join(bodies) + '"]')
    except json.JSONDecodeError:
        return None
    return texts if len(texts) == len(bodies) else None


@lru_cache(maxsize=None)
def _splice_pattern(key: str, kept_canonical: bool) -> re.Pattern:
    """Per line: (before the value of top-level string ``key``, its body, the members after it
    without the closing brace, the whole line when it is not such a line)."""
    body = _CANONICAL[1:-1] if kept_canonical else _ANY_BODY
    return re.compile(
        rf'^(?:(\{{(?:{_MEMBER}, )*?{re.escape(_ENCODE_STRING(key))}: )"({body})"((?:, {_MEMBER})*)\}}[ \t\r]*|(.*))$',
        re.MULTILINE,
    )


@dataclass
class Spliced:
    """The lines of a batch that all took the fast path: output line ``i`` is
    ``heads[i] + value + tails[i] + "}"`` (with ``output``: the kept text, then the new member)."""

    heads: tuple[str, ...]
    bodies: tuple[str, ...]
    tails: tuple[str, ...] | None  # None: the field is the last member of every line
    escaped: tuple[int, ...] = ()  # (tails None) the lines whose body has a backslash or quote


@dataclass(frozen=True)
class JsonlCodec(Codec):
    """One JSON object per line; ``field`` (a path like ``("meta", "text")``) is read,
    the result goes to ``output`` (default: replaces ``field``). Blank lines are ignored.
    A JSON ``null`` text stays ``null``.

    Fast path: when ``field`` and ``output`` are top-level keys and a line is canonical
    (flat, as ``json.dumps(..., ensure_ascii=False)`` writes it), the result is spliced into
    the original line; whole batches of such lines are matched, decoded and rendered with a few
    C calls. Other lines (nested objects, floats, other spacing or escapes, duplicate keys...)
    take the general path (``json.loads``, set, ``json.dumps``). Both give the same bytes.

    >>> codec = JsonlCodec(("text",))
    >>> raw = b'{"id": 7, "text": "Hi\\\\u0021", "x": null}\\n{"text":"Yo"}\\n'
    >>> parsed = codec.parse(Chunk("-", 1, 0, raw), "strict")
    >>> parsed.texts, [type(item).__name__ for item in parsed.items]
    (['Hi!', 'Yo'], ['tuple', 'dict'])
    >>> codec.render(parsed, ["hi", "yo"])
    b'{"id": 7, "text": "hi", "x": null}\\n{"text": "yo"}\\n'
    """

    field: tuple[str, ...] = ("text",)
    output: tuple[str, ...] | None = None
    splice: bool = True  # False: every line takes the general path (tests compare the two)

    def _new_key(self) -> str | None:
        """The output member's key as JSON when it is added next to the field, else None."""
        return None if self.output is None or self.output == self.field else _ENCODE_STRING(self.output[0])

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        if self.splice and len(self.field) == 1 and len(self.output or self.field) == 1:
            try:
                text = chunk.payload.decode("utf-8")
            except UnicodeDecodeError:
                pass  # the general path applies the UTF-8 policy line by line
            else:
                parsed = self._parse_spliced(chunk, text, errors)
                if parsed is not None:
                    return parsed
        counts: Counter = Counter()
        lines = split_lines(chunk, errors, counts)
        records, texts = [], []
        for n, line in enumerate(lines, chunk.first_line):
            if line is not None:
                self._parse_line(chunk, n, line, errors, records, texts, counts)
        return Parsed(texts, records, counts)

    def _parse_last(self, text: str, lines: int) -> Parsed | None:
        """The fastest path, for a batch without control characters whose every line ends with the
        field, a string (``{"id": 1, "text": "..."}``): a few splits and joins, no scan of the texts
        by Python's regex engine; only texts with a backslash or quote are decoded (by the C scanner).
        None when the batch is not like that."""
        key = f"{_ENCODE_STRING(self.field[0])}: \""
        if not text.endswith('"}\n'):
            return None
        segments = text.split('"}\n')  # one per line (and a last empty one), if every line ends with '"}'
        if segments.pop() or len(segments) != lines:
            return None
        heads, found, bodies = zip(*[segment.partition(key) for segment in segments])
        if not all(found):
            return None
        escaped = [i for i, body in enumerate(bodies) if "\\" in body or '"' in body]
        texts = list(bodies)  # a body without a backslash or quote is its own text
        if escaped:
            decoded = _json_strings([bodies[i] for i in escaped])
            if decoded is None:  # a quote that ends the string early: the field is not the last member
                return None
            for i, value in zip(escaped, decoded):
                texts[i] = value
        flat = "\n".join(heads)
        new = self._new_key()
        if not _HEADS.fullmatch(flat) or (', "' in flat and _DUPLICATE_KEY.search(flat)) or (new is not None and f"{new}: " in flat):
            return None
        if new is not None and any(_ENCODE_STRING(t)[1:-1] != b for t, b in zip(texts, bodies) if t is not b):
            return None  # the kept text must be written as the encoder writes it
        return Parsed(texts, Spliced(heads, bodies, None, tuple(escaped)))

    def _parse_spliced(self, chunk: Chunk, text: str, errors: str) -> Parsed | None:
        """The fast path for a decoded batch; None when it does not apply (duplicate keys)."""
        new = self._new_key()
        lines = _clean_lines(chunk.payload)
        if lines is not None and (parsed := self._parse_last(text, lines)) is not None:
            return parsed
        if text.endswith("\n"):
            text = text[:-1]
        matches = _splice_pattern(self.field[0], new is not None).findall(text)  # one per line
        heads, bodies, tails, others = zip(*matches) if matches else ((), (), (), ())
        flat = "\n".join(map(str.__add__, heads, tails))  # the keys and other values of every line
        if _DUPLICATE_KEY.search(flat) or (new is not None and f"{new}: " in flat):
            return None
        texts = list(bodies)  # bodies without escapes are the texts
        if "\\" in "".join(bodies):
            texts = _json_strings(texts)
            if texts is None:  # (the pattern only lets whole JSON strings through)
                return None
        counts: Counter = Counter()
        if all(heads):  # every line took the fast path
            return Parsed(texts, Spliced(heads, bodies, tails), counts)
        records, mixed = [], []
        for n, (value, head, body, tail, other) in enumerate(zip(texts, heads, bodies, tails, others), chunk.first_line):
            if head:
                mixed.append(value)
                records.append((head, body, tail))
            else:
                self._parse_line(chunk, n, other, errors, records, mixed, counts)
        return Parsed(mixed, records, counts)

    def _parse_line(self, chunk: Chunk, n: int, line: str, errors: str, records: list, texts: list, counts: Counter) -> None:
        """The general path for one line: json.loads, then the field."""
        if not line.strip():
            return
        where = ".".join(self.field)
        try:
            record = _loads(line)
            text = _path_get(record, self.field)
            if text is not None and not isinstance(text, str):
                problem = f"field {where!r} is a JSON {type(text).__name__}, not a string"
            else:
                records.append(record)
                texts.append(text)
                return
        except json.JSONDecodeError as e:
            problem = f"malformed JSON ({e.msg} at column {e.colno})"
        except KeyError:
            problem = f"no field {where!r}" + (f" (keys: {', '.join(map(str, record))})" if isinstance(record, dict) else "")
        if errors != "skip":
            raise DataError(f"{chunk.source}: line {n}: {problem}")
        counts[problem.split(" (")[0] + " (skipped)"] += 1

    def _render_last(self, items: Spliced, results: list) -> bytes | None:
        """Render :meth:`_parse_last` lines: results without a quote or backslash go in as they are, the
        others through the encoder's escaper; None when a result is not a string or has a control character."""
        if set(map(type, results)) != {str}:
            return None
        key, new = f"{_ENCODE_STRING(self.field[0])}: \"", self._new_key()
        values = list(results)
        for i in items.escaped:  # (escaped anyway: a text decoded from escapes may hold a control character)
            values[i] = ""
        needs = set(items.escaped)
        if "\\" in (rest := "".join(values)) or '"' in rest:  # the others rarely need escaping
            needs.update(i for i, r in enumerate(values) if "\\" in r or '"' in r)
        if needs:  # one encoder call for all of them; '", "' only separates items
            order = sorted(needs)
            for i, value in zip(order, _dumps([results[i] for i in order])[2:-2].split('", "')):
                values[i] = value
        if new is None:
            pieces = zip(items.heads, repeat(key), values, repeat('"}\n'))
        else:
            pieces = zip(items.heads, repeat(key), items.bodies, repeat(f'", {new}: "'), values, repeat('"}\n'))
        out = "".join(chain.from_iterable(pieces)).encode("utf-8", "surrogatepass")
        if _clean_lines(out) != len(results):
            return None  # a result with a control character (say "\u2028" normalised to "\n"): escape them all
        return out

    def render(self, parsed: Parsed, results: Any) -> bytes:
        new = self._new_key()
        items = parsed.items
        if type(items) is Spliced:
            if not results:
                return b""
            if items.tails is None and (out := self._render_last(items, results)) is not None:
                return out
            if all(type(r) is str for r in results):  # one encoder call for the batch; '", "' only separates items
                values, quote = _dumps(results)[2:-2].split('", "'), '"'
            else:
                values, quote = list(map(_dumps, results)), ""
            heads, tails = items.heads, items.tails
            if tails is None:  # from _parse_last: the heads stop before the key
                heads, tails = map(str.__add__, heads, repeat(f"{_ENCODE_STRING(self.field[0])}: ")), repeat("")
            if new is None:
                pieces = zip(heads, repeat(quote), values, repeat(quote), tails, repeat("}\n"))
            else:
                pieces = zip(
                    heads, repeat('"'), items.bodies, repeat('"'), tails,
                    repeat(f", {new}: {quote}"), values, repeat(quote + "}\n"),
                )  # fmt: skip
            return "".join(chain.from_iterable(pieces)).encode("utf-8", "surrogatepass")
        path = self.output or self.field
        out = []
        for item, result in zip(items, results):
            value = _dumps(result)
            if type(item) is tuple:  # (head, body, tail) of a line on the fast path
                head, body, tail = item
                out.append(f"{head}{value}{tail}}}" if new is None else f'{head}"{body}"{tail}, {new}: {value}}}')
            else:
                _path_set(item, path, result)
                out.append(_dumps(item))
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
        if isinstance(rendered, Spooled):
            rendered.move_to(self.file)
            return
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


@dataclass(frozen=True)
class Spooled:
    """Rendered output that a worker process wrote to a file of its own, to be appended to the
    real output by the kernel (``copy_file_range``/``sendfile``) instead of pickled through a pipe."""

    path: str
    nbytes: int

    @classmethod
    def write(cls, data: bytes, directory: str) -> "Spooled":
        handle, path = tempfile.mkstemp(dir=directory)
        with open(handle, "wb") as f:
            f.write(data)
        return cls(path, len(data))

    def move_to(self, file: BinaryIO) -> None:
        """Append the bytes to ``file``, then delete the spool file."""
        try:
            fd = file.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):  # not a real file (e.g. captured stdout)
            with open(self.path, "rb") as src:
                file.write(src.read())
            os.unlink(self.path)
            return
        file.flush()  # what is buffered goes first
        with open(self.path, "rb") as src:
            left = self.nbytes
            for copy in (_copy_file_range, _sendfile, _read_write):
                try:
                    while left:
                        done = copy(src.fileno(), fd, left)  # at the current positions of both
                        if not done:
                            raise OSError(f"{self.path}: shorter than {self.nbytes} bytes")
                        left -= done
                    break
                except OSError as e:
                    if e.errno not in _COPY_UNSUPPORTED:
                        raise
        os.unlink(self.path)


_COPY_UNSUPPORTED = {errno.EINVAL, errno.EXDEV, errno.ENOSYS, errno.EBADF, errno.EOPNOTSUPP}


def _copy_file_range(src: int, dst: int, count: int) -> int:
    if not hasattr(os, "copy_file_range"):
        raise OSError(errno.ENOSYS, "no copy_file_range")
    return os.copy_file_range(src, dst, count)


def _sendfile(src: int, dst: int, count: int) -> int:
    if not hasattr(os, "sendfile"):
        raise OSError(errno.ENOSYS, "no sendfile")
    return os.sendfile(dst, src, None, count)


def _read_write(src: int, dst: int, count: int) -> int:
    data = os.read(src, min(count, 1 << 20))
    view, written = memoryview(data), 0
    while written < len(data):
        written += os.write(dst, view[written:])
    return len(data)


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


_STARTED = time.time()  # about when this process started: temporary files older than this are not ours


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove hidden temporary files of ``target`` (``.NAME.XXXXXXXX.awal-tmp``, the pattern of
    :func:`atomic_output`) last written before this process started: what a run killed with
    SIGKILL leaves behind where ``O_TMPFILE`` is not available. Returns the removed paths."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}" + re.escape(".awal-tmp"))
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        if not pattern.fullmatch(name):
            continue
        path = target.parent / name
        try:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < _STARTED:
                path.unlink()
                removed.append(path)
        except OSError:
            pass  # gone already, or not ours to remove
    return removed


@contextmanager
def atomic_output(path: str) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only if the block finishes without an exception.

    ``"-"`` is stdout. Otherwise the data goes to an unnamed file in the same
    directory (Linux ``O_TMPFILE``: even ``kill -9`` leaves nothing behind) or,
    where that is not available, a hidden temporary file ``.NAME.XXXXXXXX.awal-tmp``
    that is removed on failure; on success it is linked or renamed over ``path`` in
    one step. Only ``kill -9`` on such a filesystem can leave that hidden file behind
    (nothing can run at SIGKILL); the next run writing ``path`` removes it
    (:func:`remove_stale_temporaries`).
    """
    if path == STDIO:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path).absolute()
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {path}: directory {target.parent} does not exist")
    remove_stale_temporaries(target)
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

