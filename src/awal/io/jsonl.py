"""The JSONL format: one JSON object per line, with a fast path that splices results into canonical lines.

Only the standard library's public ``json`` API is used (``JSONDecoder.raw_decode``, ``JSONEncoder``:
both run its C scanner and encoder). orjson and msgspec were measured as a fast path (20 MB of
records, one core): loads 0.066 / 0.061 s against 0.076 s, dumps 0.040 / 0.032 s against 0.138 s.
They are not used: they write compact JSON (``{"a":1}``), so output bytes would change with the
install; they refuse lone surrogates and integers beyond 64 bits, which the stdlib round-trips;
and on the fast path (canonical lines) results are spliced into the original bytes, so the encoder
only sees texts that need escapes.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from typing import Any

import numpy as np

if sys.version_info >= (3, 11):
    import re
else:  # the possessive quantifiers below (*+, ++) came to `re` in 3.11; `regex` has them
    import regex as re

from .base import REPLACE_HINT, Codec, DataError, Parsed
from ..kernels import ranges
from ..names import did_you_mean
from .chunks import Chunk, _newlines, split_lines


class NotJson(ValueError):
    """A line that Python's json module would read but that is not JSON, or not safely written back:
    ``NaN``/``Infinity``, a number beyond a double (``1e400`` would come back as ``Infinity``), a key twice."""


def _finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent as a float, refusing those a double cannot hold:
    ``1e400`` (would come back as ``Infinity``) and ``1e-400`` (would come back as ``0.0``)."""
    value = float(text)
    if value in (_INFINITY, -_INFINITY):
        raise NotJson(f"number {text} is beyond the range of a double (it would be written back as Infinity)")
    if value == 0.0 and any(digit in "123456789" for digit in text.lower().partition("e")[0]):
        raise NotJson(f"number {text} is below the range of a double (it would be written back as 0.0)")
    return value


def _no_constant(name: str) -> Any:
    raise NotJson(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise NotJson(f"key {twice!r} occurs twice in one object (only one value could be kept)")
    return record


_INFINITY = float("inf")
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_float=_finite_float, parse_constant=_no_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)  # the C encoder (json's public API)


def _loads(line: str) -> Any:
    """``json.loads(line)``, refusing what is not JSON or would not come back unchanged (:class:`NotJson`).

    >>> _loads('{"a": [1, 2.5]} ')
    {'a': [1, 2.5]}
    >>> _loads('{"n": 1e400}')
    Traceback (most recent call last):
    awal.io.jsonl.NotJson: number 1e400 is beyond the range of a double (it would be written back as Infinity)
    """
    try:
        value, end = _DECODER.raw_decode(line)
        if end == len(line) or not line[end:].strip():
            return value
    except json.JSONDecodeError:
        pass
    return _DECODER.decode(line)  # the error message (or leading blanks)


# A lone surrogate (from a "\ud800" escape) is written back as the same escape, so the output is UTF-8;
# in JSON output every character is inside a string, where this is the JSON escape of that value.
_LONE_SURROGATES = "backslashreplace"
_dumps = _ENCODER.encode  # ``json.dumps(record, ensure_ascii=False, allow_nan=False)`` without an encoder per call


def path_get(record: Any, path: tuple[str, ...]) -> Any:
    """The value at a field path (``("a", "b")`` for ``a.b``) of a decoded JSON record; ``KeyError`` where it has none.

    >>> path_get({"a": {"b": "x"}}, ("a", "b"))
    'x'
    """
    for key in path:
        if not isinstance(record, dict) or key not in record:
            raise KeyError(key)
        record = record[key]
    return record


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type.

    >>> json_type(3), json_type([]), json_type(True)
    ('number', 'array', 'boolean')
    """
    if isinstance(value, bool):
        return "boolean"
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}.get(type(value), "null")


def _line_offset(chunk: Chunk, n: int) -> int:
    """The byte offset in the file of line ``n`` of a chunk of raw lines."""
    if n == chunk.first_line:
        return chunk.offset
    newlines = np.flatnonzero(np.frombuffer(chunk.payload, dtype=np.uint8) == 0x0A)
    return chunk.offset + int(newlines[n - chunk.first_line - 1]) + 1


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
_HEADS = re.compile(rf'(?:\{{(?:{_MEMBER}, )*+\n)*+\{{(?:{_MEMBER}, )*+')  # "\n"-joined heads of the simplest shape
_SHORT_ESCAPES = np.zeros(256, dtype=bool)
_SHORT_ESCAPES[list(b'"\\bfnrt')] = True
_UNICODE_ESCAPES = {f"{code:04x}".encode() for code in range(0x20) if chr(code) not in "\b\f\n\r\t"}  # as the encoder writes them


def _bare_quotes(raw: np.ndarray, quotes: np.ndarray) -> np.ndarray | None:
    """The positions among ``quotes`` (every ``"`` of ``raw``, JSON lines) that no backslash escapes;
    None when a backslash starts an escape the encoder never writes (``\\/``, ``\\u0041``...).

    >>> raw = np.frombuffer(b'"a\\\\"b\\\\\\\\"c\\\\u001f"', dtype=np.uint8)
    >>> _bare_quotes(raw, np.flatnonzero(raw == ord('"'))).tolist()
    [0, 7, 15]
    >>> _bare_quotes(np.frombuffer(b'"\\\\/"', dtype=np.uint8), np.array([0, 3])) is None
    True
    """
    slashes = np.flatnonzero(raw == ord("\\"))
    if not len(slashes):
        return quotes
    first = np.flatnonzero(np.r_[True, np.diff(slashes) != 1])  # runs of backslashes: every other one escapes the next byte
    escapes = slashes[(np.arange(len(slashes)) - np.repeat(first, np.diff(np.r_[first, len(slashes)]))) % 2 == 0]
    escaped = raw[np.minimum(escapes + 1, len(raw) - 1)]
    unicode = escapes[escaped == ord("u")]
    if not (_SHORT_ESCAPES[escaped] | (escaped == ord("u"))).all() or escapes[-1] + 1 >= len(raw):
        return None
    if len(unicode) and (unicode[-1] + 6 > len(raw) or not {raw[u + 2 : u + 6].tobytes() for u in unicode.tolist()} <= _UNICODE_ESCAPES):
        return None
    bare = np.ones(len(quotes), dtype=bool)
    bare[np.searchsorted(quotes, escapes[escaped == ord('"')] + 1)] = False  # (an escaped quote is one of quotes)
    return quotes[bare]


_ONE_DIGIT = str.maketrans("23456789", "11111111")


def _canonical_heads(flat: str) -> bool:
    """Whether ``"\\n"``-joined heads all match :data:`_HEADS`, checked once per shape: digits 2-9 read
    as 1 keep a line's validity (a number's first digit stays non-zero, ``0`` stays ``0``), so
    ``{"id": 17, `` and ``{"id": 52, `` are one line to match.

    >>> _canonical_heads('{"id": 17, \\n{"id": 52, '), _canonical_heads('{"id": 17, \\n{"id": 05, ')
    (True, False)
    """
    return _HEADS.fullmatch("\n".join(set(flat.translate(_ONE_DIGIT).split("\n")))) is not None


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


def _plain_heads(flat: str, key: str) -> bool:
    """Whether ``"\\n"``-joined heads (each line up to the member ``key``) are canonical, repeat no
    key and do not hold ``key`` itself (the field twice in a line: the general path reports it).

    >>> _plain_heads('{"id": 1, \\n{"id": 2, ', "text"), _plain_heads('{"text": "a", ', "text")
    (True, False)
    """
    if not _canonical_heads(flat) or (', "' in flat and _DUPLICATE_KEY.search(flat)):
        return False
    return not (f"{_dumps(key)}: " in flat and _member_start(key).search(flat))


@lru_cache(maxsize=None)
def _member_start(key: str) -> re.Pattern:
    """Where a member ``key`` starts in canonical JSON text."""
    return re.compile(rf'(?:\{{|, ){re.escape(_dumps(key))}: ')


@lru_cache(maxsize=None)
def _splice_pattern(key: str, kept_canonical: bool) -> re.Pattern:
    """Per line: (before the value of top-level string ``key``, its body, the members after it
    without the closing brace, the whole line when it is not such a line)."""
    body = _CANONICAL[1:-1] if kept_canonical else _ANY_BODY
    return re.compile(
        rf'^(?:(\{{(?:{_MEMBER}, )*?{re.escape(_dumps(key))}: )"({body})"((?:, {_MEMBER})*)\}}[ \t\r]*|(.*))$',
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
    output_kind: type = str  # what a result is (list: tokens); an existing output member of another kind is an error
    replace: bool = False  # False: an existing output member is an error, whatever it holds

    def _new_key(self) -> str | None:
        """The output member's key as JSON when it is added next to the field, else None."""
        return None if self.output is None or self.output == self.field else _dumps(self.output[0])

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
        records: list[Any] = []
        texts: list[str | None] = []
        for n, line in enumerate(lines, chunk.first_line):
            if line is not None:
                self._parse_line(chunk, n, line, errors, records, texts, counts)
        return Parsed(texts, records, counts)

    def _parse_last(self, text: str, lines: int) -> Parsed | None:
        """The fastest path, for a batch without control characters whose every line ends with the
        field, a string (``{"id": 1, "text": "..."}``): a few splits and joins, no scan of the texts
        by Python's regex engine; only texts with a backslash or quote are decoded (by the C scanner).
        None when the batch is not like that."""
        key = f"{_dumps(self.field[0])}: \""
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
        if not _plain_heads(flat, self.field[0]) or (new is not None and f"{new}: " in flat):
            return None
        if new is not None and any(_dumps(t)[1:-1] != b for t, b in zip(texts, bodies) if t is not b):
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
            decoded = _json_strings(texts)
            if decoded is None:  # (the pattern only lets whole JSON strings through)
                return None
            texts = decoded
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

    def map_bytes(self, chunk: Chunk, utf8: Any) -> tuple[bytes, int] | None:
        """The byte path: when every line of the chunk is canonical with the field as its last member, a
        string (``{"id": 1, "text": "..."}``), and nothing before the field holds a character ``utf8``
        changes, the map runs over the whole chunk. A canonical body writes every character that is
        not a quote, a backslash or a control character as itself, and ``utf8`` (2-byte characters to
        2-byte characters or nothing) touches none of those, so mapping the body maps the text and
        gives the bytes the parsing path writes. None for any other chunk (that path takes it).

        >>> from awal.utf8map import Utf8Map
        >>> raw = '{"id": 1, "text": "بَ \\\\"ة\\\\""}\\n'.encode()
        >>> JsonlCodec(("text",)).map_bytes(Chunk("-", 1, 0, raw), Utf8Map.from_mapping({"َ": "", "ة": "ه"}))[0].decode()
        '{"id": 1, "text": "ب \\\\"ه\\\\""}\\n'
        """
        if not self.splice or len(self.field) != 1 or self.output not in (None, self.field):
            return None
        data: bytes = chunk.payload
        if not data.endswith(b'"}\n'):
            return None
        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw < 0x20)  # the line ends, if no raw control character is there
        if (raw[ends] != 0x0A).any():  # one is: not JSON (the general path reports it)
            return None
        lines = len(ends)
        if (raw[ends - 1] != ord("}")).any() or (raw[ends - 2] != ord('"')).any():
            return None
        key = f"{_dumps(self.field[0])}: \"".encode()
        quotes = np.flatnonzero(raw == ord('"'))
        found = quotes[quotes + len(key) <= len(raw)]  # where the key may start: at a quote
        for i in range(1, len(key)):
            found = found[raw[found + i] == key[i]]
        line_of = np.searchsorted(ends, found)
        found = found[np.r_[True, line_of[1:] != line_of[:-1]][: len(found)]]  # the first key of each line
        if len(found) != lines:  # a line without the key
            return None
        heads = raw[ranges(np.r_[0, ends[:-1]], found - np.r_[0, ends[:-1]])].tobytes()  # "\n"-joined
        if any(bytes([lead]) in heads for lead in utf8.leads):
            return None
        bare = _bare_quotes(raw, quotes)
        if bare is None:  # a backslash that starts no escape the encoder writes
            return None
        body_start, body_end = found + len(key), ends - 2  # body_end: the closing quote
        closing = np.searchsorted(bare, body_end)
        if (np.searchsorted(bare, body_start) != closing).any() or (bare[np.minimum(closing, len(bare) - 1)] != body_end).any():
            return None  # a quote ends the string early (the field is not the last member), or the closing one is escaped
        if not _plain_heads(heads.decode("utf-8"), self.field[0]):
            return None
        out = utf8.map_text(data)
        return None if out is None else (out, lines)

    def _parse_line(self, chunk: Chunk, n: int, line: str, errors: str, records: list, texts: list, counts: Counter) -> None:
        """The general path for one line: json.loads, then the field (and a check that the output can go where asked)."""
        if not line.strip():
            return
        where, column = ".".join(self.field), 0
        try:
            record = _loads(line)
            text = path_get(record, self.field)
            if text is not None and not isinstance(text, str):
                problem = f"field {where!r} is a JSON {json_type(text)}, not a string"
            elif (blocked := self._output_blocked(record)) is not None:
                problem = blocked
            else:
                records.append(record)
                texts.append(text)
                return
        except json.JSONDecodeError as e:
            hint = "; a JSON array is not JSONL, one object per line" if line.lstrip().startswith("[") else ""
            problem, column = f"malformed JSON ({e.msg} at column {e.colno}{hint})", e.pos
        except NotJson as e:
            problem = f"not JSON that can be written back: {e}"
        except KeyError:
            keys = list(map(str, record)) if isinstance(record, dict) else None
            if keys is not None and where in keys and len(self.field) > 1:  # (did you mean would name the field given)
                problem = f"no field {where!r}: a dot separates the names of a path (a.b: member b of member a), so a key with a dot cannot be named"
            elif keys is None:  # (a JSON array file read as JSONL gives such lines)
                problem = f"no field {where!r}: the line is a JSON {json_type(record)}, not an object (JSONL: one object per line)"
            else:
                problem = f"no field {where!r} ({did_you_mean(str(where), keys)}keys: {', '.join(keys)})"
        if errors != "skip":
            offset = _line_offset(chunk, n) + len(line[:column].encode("utf-8", _LONE_SURROGATES))
            raise DataError(f"{chunk.source}: line {n}, byte offset {offset}: {problem}")
        counts[problem.split(" (")[0].split(":")[0] + " (skipped)"] += 1

    def _output_blocked(self, record: Any) -> str | None:
        """Why the result cannot be written to ``output`` in ``record`` (None: it can): a parent on the
        path is not an object, or the member already holds a value of another kind than the result's."""
        if self.output is None or self.output == self.field:
            return None
        value = record
        for depth, key in enumerate(self.output):
            if not isinstance(value, dict):
                parent = ".".join(self.output[:depth])
                return f"cannot write {'.'.join(self.output)!r}: {parent!r} is a JSON {json_type(value)}, not an object"
            if key not in value:
                return None
            value = value[key]
        if not self.replace:
            return f"output field {'.'.join(self.output)!r} exists already: {REPLACE_HINT}"
        if value is None or isinstance(value, self.output_kind):
            return None
        return (
            f"output field {'.'.join(self.output)!r} already holds a JSON {json_type(value)}; "
            "awal replaces only a null or a value of the kind it writes: choose another --output-field"
        )

    def _render_last(self, items: Spliced, results: list) -> bytes | None:
        """Render :meth:`_parse_last` lines: results without a quote or backslash go in as they are, the
        others through the encoder's escaper; None when a result is not a string or has a control character."""
        if set(map(type, results)) != {str}:
            return None
        key, new = f"{_dumps(self.field[0])}: \"", self._new_key()
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
        out = "".join(chain.from_iterable(pieces)).encode("utf-8", _LONE_SURROGATES)
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
            heads: Iterable[str] = items.heads
            tails: Iterable[str] | None = items.tails
            if tails is None:  # from _parse_last: the heads stop before the key
                heads, tails = map(str.__add__, heads, repeat(f"{_dumps(self.field[0])}: ")), repeat("")
            if new is None:
                pieces = zip(heads, repeat(quote), values, repeat(quote), tails, repeat("}\n"))
            else:
                pieces = zip(
                    heads, repeat('"'), items.bodies, repeat('"'), tails,
                    repeat(f", {new}: {quote}"), values, repeat(quote + "}\n"),
                )  # fmt: skip
            return "".join(chain.from_iterable(pieces)).encode("utf-8", _LONE_SURROGATES)
        path = self.output or self.field
        lines: list[str] = []
        for item, result in zip(items, results):
            value = _dumps(result)
            if type(item) is tuple:  # (head, body, tail) of a line on the fast path
                head, body, tail = item
                lines.append(f"{head}{value}{tail}}}" if new is None else f'{head}"{body}"{tail}, {new}: {value}}}')
            else:
                _path_set(item, path, result)
                lines.append(_dumps(item))
        lines.append("")
        return "\n".join(lines).encode("utf-8", _LONE_SURROGATES)

