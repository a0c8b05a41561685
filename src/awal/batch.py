"""TextBatch: many strings as one flat code-point buffer plus offsets.

This is the Arrow string layout, in code points instead of UTF-8 bytes:
string ``i`` is ``codepoints[offsets[i]:offsets[i + 1]]``. Every kernel in
:mod:`awal.kernels` works on this pair, so a list of a million short strings
costs one NumPy call per step, not a million.

Conversion in and out uses CPython's UTF-32 codec over the whole batch (one
``''.join`` and one ``encode``), never a per-string loop, and is lossless for
every Python string, lone surrogates included.

>>> b = TextBatch.from_input(["ⴰⵡⴰⵍ", "", "كلمة"])
>>> b.offsets.tolist()
[0, 4, 4, 8]
>>> b.to_output() == ["ⴰⵡⴰⵍ", "", "كلمة"]
True
>>> TextBatch.from_input("word").to_output()
'word'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .cuts import piece_bounds
from .utf8map import untouched

_CODEC = "utf-32-le"
CHUNK = 1 << 19  # code points per slice in map_chunks: kernel temporaries stay in cache
_ERRORS = "surrogatepass"  # lone surrogates survive the round trip


_WIDE_ENOUGH = 1 << 10  # code points from which code_points and text_of go through UTF-16


def code_points(text: str) -> np.ndarray:
    """The uint32 code points of ``text`` (lone surrogates kept). Text without characters outside
    the BMP and without lone surrogates (nearly all) is encoded as UTF-16 and widened: faster
    than CPython's UTF-32 encoder.

    >>> code_points("a\\U0001F600\\ud800").tolist()
    [97, 128512, 55296]
    """
    units = utf16_units(text) if len(text) >= _WIDE_ENOUGH else None
    return units.astype(np.uint32) if units is not None else np.frombuffer(text.encode(_CODEC, _ERRORS), dtype=np.uint32)


def text_of(cps: np.ndarray) -> str:
    """The ``str`` of uint32 code points (lone surrogates kept): through UTF-16 when every one is
    below U+D800, which CPython decodes faster than UTF-32.

    >>> text_of(np.array([97, 128512, 55296], dtype=np.uint32)) == "a\\U0001F600\\ud800"
    True
    """
    cps = np.ascontiguousarray(cps, dtype=np.uint32)
    if len(cps) >= _WIDE_ENOUGH and int(cps.max()) < 0xD800:
        return str(cps.astype(np.uint16).data, "utf-16-le")
    return str(cps.data, _CODEC, _ERRORS)


ACCEPTED = "str, a list or tuple of str, a pyarrow string array, a pandas Series or a NumPy array of str"


def _arrow():
    import pyarrow as pa  # optional dependency, imported only for Arrow input
    import pyarrow.compute  # noqa: F401  (pa.compute)

    return pa


def _is_arrow(x: Any) -> bool:
    return type(x).__module__.startswith("pyarrow")


@dataclass(frozen=True)
class TextBatch:
    """Flat ``uint32`` code points, ``int64`` offsets, and how to give them back.

    (Inside :func:`map_text`'s joined way for character maps only, ``codepoints`` may be
    ``uint16``: UTF-16 code units of text without surrogates.)

    ``kind`` remembers the input's container ("str", "list", "arrow") and
    ``meta`` what is needed to rebuild it (Arrow type, null mask, chunk lengths).
    """

    codepoints: np.ndarray
    offsets: np.ndarray
    kind: str = "list"
    meta: dict = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    # ------------------------------------------------------------------ input
    @classmethod
    def from_input(cls, x: Any) -> "TextBatch":
        """Build a batch from ``str``, a list/tuple of ``str`` or a pyarrow string array.

        Raises ``TypeError`` naming the offending index or type.
        """
        if isinstance(x, str):
            return cls.from_strings([x], kind="str")
        if isinstance(x, (list, tuple)):
            return cls.from_strings(x, kind="list")
        if _is_arrow(x):
            return cls.from_arrow(x)
        if isinstance(x, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"expected text ({ACCEPTED}), got {type(x).__name__}: "
                "decode bytes first, e.g. data.decode('utf-8')"
            )
        raise TypeError(f"expected {ACCEPTED}, got {type(x).__name__}")

    @classmethod
    def from_strings(cls, strings: list[str] | tuple[str, ...], kind: str = "list", first_index: int = 0) -> "TextBatch":
        """Join once, encode once to UTF-32, offsets from the string lengths.

        ``first_index`` is the position of ``strings[0]`` in the caller's list, for error messages.
        """
        try:
            joined = "".join(strings)
        except TypeError:
            bad = next(i for i, s in enumerate(strings) if not isinstance(s, str))
            raise TypeError(
                f"item {first_index + bad} is {type(strings[bad]).__name__}, not str "
                "(every item of the list must be a str)"
            ) from None
        cps = code_points(joined)
        offsets = np.zeros(len(strings) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)), out=offsets[1:])
        return cls(cps, offsets, kind, {"tuple": isinstance(strings, tuple)})

    @classmethod
    def from_arrow(cls, array: Any, utf16: bool = False, first_row: int = 0) -> "TextBatch":
        """Decode a (Large)StringArray or ChunkedArray with CPython's UTF-8 codec over the whole buffer.

        With ``utf16``, text with no character outside the BMP becomes uint16 code units
        (for character maps only, see :func:`map_text`). An error names the row as ``first_row``
        plus its index in ``array`` (a slice of a bigger array: its first row there).
        """
        pa = _arrow()
        chunks = None
        if isinstance(array, pa.ChunkedArray):
            chunks = [len(c) for c in array.chunks]
            dtype = array.type
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        elif isinstance(array, pa.Array):
            dtype = array.type
        else:
            raise TypeError(f"expected a pyarrow Array or ChunkedArray, got {type(array).__name__}")
        if is_string_view(dtype):
            array = array.cast(pa.large_string())
        elif not (pa.types.is_string(dtype) or pa.types.is_large_string(dtype)):
            raise TypeError(f"expected a pyarrow string, large_string, string_view, dictionary of strings or null array, got type {dtype}")
        valid = None
        if array.null_count:
            valid = np.asarray(array.is_valid())
            array = array.fill_null("")
        meta = {"type": dtype, "valid": valid, "chunks": chunks}
        if len(array) == 0:
            return cls(np.zeros(0, np.uint32), np.zeros(1, np.int64), "arrow", meta)
        off_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
        _, off_buf, data_buf = array.buffers()
        byte_off = np.frombuffer(off_buf, dtype=off_type)[array.offset : array.offset + len(array) + 1].astype(np.int64)
        start = int(byte_off[0])
        byte_off -= start
        raw = memoryview(data_buf)[start : start + int(byte_off[-1])] if data_buf is not None else memoryview(b"")
        try:
            text = str(raw, "utf-8")
        except UnicodeDecodeError as e:
            row = int(np.searchsorted(byte_off, e.start, side="right")) - 1
            raise ValueError(
                f"invalid UTF-8 in Arrow row {first_row + row} at byte {e.start - int(byte_off[row])} of that row: {e.reason}"
            ) from None
        units = utf16_units(text) if utf16 else None
        cps = units if units is not None else np.frombuffer(text.encode(_CODEC), dtype=np.uint32)
        offsets = np.zeros(len(byte_off), dtype=np.int64)
        np.cumsum(pa.compute.utf8_length(array).to_numpy(zero_copy_only=False), out=offsets[1:])  # code points per row
        return cls(cps, offsets, "arrow", meta)
    # -------------------------------------------------------------- chunking
    def map_chunks(self, fn: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], size: int = CHUNK) -> "TextBatch":
        """Apply ``fn(codepoints, offsets) -> (codepoints, offsets)`` to slices of about ``size`` code points.

        Slices hold whole strings (a longer string is a slice of its own) so the
        temporaries of every kernel stay in cache; results are joined back.

        >>> b = TextBatch.from_input(["ab", "c", "", "de"])
        >>> b.map_chunks(lambda c, o: (c[::-1][::-1], o), size=2).to_output()
        ['ab', 'c', '', 'de']
        """
        total = len(self.codepoints)
        if total <= size:
            cps, offsets = fn(self.codepoints, self.offsets)
            return self.replace(cps, offsets)
        bounds = self.chunk_bounds(size)
        parts_cps, parts_off, shift = [], [np.zeros(1, dtype=np.int64)], 0
        for a, b in zip(bounds, bounds[1:]):
            lo, hi = int(self.offsets[a]), int(self.offsets[b])
            cps, offsets = fn(self.codepoints[lo:hi], self.offsets[a : b + 1] - lo)
            parts_cps.append(cps)
            parts_off.append(offsets[1:] + shift)
            shift += int(offsets[-1])
        return self.replace(np.concatenate(parts_cps), np.concatenate(parts_off))

    def chunk_bounds(self, size: int) -> list[int]:
        """Where to cut the batch into chunks of whole strings of about ``size`` code points: string
        indices from 0 to ``len(self)``, chunk ``k`` being strings ``bounds[k]:bounds[k + 1]`` (a
        string longer than ``size`` makes a chunk of its own).

        >>> TextBatch.from_input(["abc", "", "defghi", "j"]).chunk_bounds(4)
        [0, 2, 4]
        """
        return piece_bounds(self.offsets, size)

    # ----------------------------------------------------------------- output
    def replace(self, codepoints: np.ndarray, offsets: np.ndarray) -> "TextBatch":
        """A new batch with other contents but the same container (for ``to_output``)."""
        return TextBatch(codepoints, offsets, self.kind, self.meta)

    def joined(self) -> str:
        """All strings concatenated, as one Python string."""
        if self.codepoints.dtype == np.uint16:  # UTF-16 code units without surrogates (map_text's joined way)
            return str(np.ascontiguousarray(self.codepoints).data, "utf-16-le")
        return text_of(self.codepoints)

    def to_list(self) -> list[str]:
        """The strings, decoded once and sliced back by offsets."""
        text = self.joined()
        bounds = self.offsets.tolist()
        return [text[a:b] for a, b in zip(bounds, bounds[1:])]

    def to_output(self) -> Any:
        """Give the batch back as the container it came from (str, list, tuple or Arrow)."""
        if self.kind == "str":
            return self.joined()
        if self.kind == "arrow":
            return self.to_arrow()
        out = self.to_list()
        return tuple(out) if self.meta.get("tuple") else out

    def to_arrow(self) -> Any:
        """Encode once to UTF-8 and build the Arrow array from buffers (nulls and chunking restored)."""
        pa = _arrow()
        dtype = self.meta.get("type", pa.string())
        large = pa.types.is_large_string(dtype)
        text = self.joined()
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"cannot store a lone surrogate in Arrow (UTF-8) at code point {e.start}") from None
        cp = self.codepoints
        extra = (cp >= 0x80).view(np.uint8) + (cp >= 0x800).view(np.uint8)
        if cp.dtype != np.uint16:
            extra += (cp >= 0x10000).view(np.uint8)
        byte_off = self.offsets.copy()  # a row's UTF-8 bytes = its code points + their extra bytes
        byte_off[1:] += np.cumsum(_segment_sums(extra, self.offsets))
        if not large and byte_off[-1] > np.iinfo(np.int32).max:
            raise OverflowError("result exceeds 2 GiB: pass a large_string array")
        off = byte_off.astype(np.int64 if large else np.int32)
        valid = self.meta.get("valid")
        n = len(self)
        bitmap, nulls = None, 0
        if valid is not None:
            bitmap = pa.py_buffer(np.packbits(valid, bitorder="little").tobytes())
            nulls = int(n - valid.sum())
        array = pa.Array.from_buffers(
            pa.large_string() if large else pa.string(), n, [bitmap, pa.py_buffer(off.tobytes()), pa.py_buffer(data)], nulls
        )
        if str(dtype) not in ("string", "large_string"):
            array = array.cast(dtype)
        return self._chunked_like_input(array)

    def rows_to_arrow(self, rows: list[Any], arrow_type: Any) -> Any:
        """One result per string (e.g. its tokens) as an Arrow array of ``arrow_type`` shaped
        like the Arrow input: null where the input was null, the input's chunks.

        >>> import pyarrow as pa
        >>> b = TextBatch.from_input(pa.chunked_array([["ab", None], ["c"]]))
        >>> b.rows_to_arrow([1, 0, 1], pa.int64()).to_pylist()
        [1, None, 1]
        """
        pa = _arrow()
        valid = self.meta.get("valid")
        if valid is not None:
            rows = [row if ok else None for row, ok in zip(rows, valid.tolist())]
        return self._chunked_like_input(pa.array(rows, type=arrow_type))

    def _chunked_like_input(self, array: Any) -> Any:
        chunks = self.meta.get("chunks")
        if chunks is None:
            return array
        bounds = np.concatenate([[0], np.cumsum(chunks)]).tolist()
        return _arrow().chunked_array([array.slice(a, b - a) for a, b in zip(bounds, bounds[1:])], type=array.type)


def _segment_sums(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``[values[bounds[i]:bounds[i + 1]].sum() for i ...]`` in one pass (empty segments give 0).

    >>> _segment_sums(np.array([1, 2, 3], dtype=np.uint8), np.array([0, 2, 2, 3])).tolist()
    [3, 0, 3]
    """
    starts, lengths = bounds[:-1], np.diff(bounds)
    sums = np.zeros(len(lengths), dtype=np.int64)
    full = lengths > 0
    if full.any():
        sums[full] = np.add.reduceat(values, starts[full], dtype=np.int64)
    return sums


def per_input(batch: TextBatch, items: list[Any], arrow_type: Any = None) -> Any:
    """One result per string of ``batch``, given back the way the input came: the only item for a
    ``str``; for an Arrow input an Arrow array of ``arrow_type`` (nulls and chunks kept, see
    :meth:`TextBatch.rows_to_arrow`); else the list.

    >>> per_input(TextBatch.from_input("ab"), [["a", "b"]])
    ['a', 'b']
    """
    if batch.kind == "str":
        return items[0]
    if batch.kind == "arrow":
        return batch.rows_to_arrow(items, arrow_type)
    return items


def string_list_type(batch: TextBatch) -> Any:
    """``list<string>`` (``list<large_string>`` for large input) for an Arrow batch, else None."""
    if batch.kind != "arrow":
        return None
    pa = _arrow()
    return pa.list_(pa.large_string() if pa.types.is_large_string(batch.meta["type"]) else pa.string())


STRINGS_PER_SLICE = 2048  # list input is converted and processed this many strings at a time
JOINED_PART = 1 << 18  # map_text's joined way works on about this many code points at a time


def map_text(
    x: Any,
    fn: Callable[[TextBatch], TextBatch],
    separator: str | None = None,
    utf16: bool = False,
    changes: tuple[int, int] | None = None,
    leads: bytes | None = None,
    utf8: Any = None,
) -> Any:
    """``fn`` applied to ``x`` as batches; the result has ``x``'s type.

    Lists and Arrow arrays go through in slices of :data:`STRINGS_PER_SLICE` strings
    (rows), conversion included, so every buffer stays in cache; a ``str`` is one batch.

    With a ``separator`` (for work that maps characters one by one, wherever they are,
    and leaves ``separator`` alone), a slice is joined by it into one string and the
    result split back on it: two C calls instead of a length per string in and a slice
    per string out. A slice that already contains the separator takes the general way.
    With ``utf16`` too (``fn`` accepts uint16 code units), a joined slice with no
    character outside the BMP and no lone surrogate goes in and out as UTF-16, which
    CPython converts faster and NumPy moves in half the bytes. With ``changes`` too (``(first, last)``:
    every code point ``fn`` may change is in that range), strings with no code point in it come back as they went in, without conversions or
    kernels, unless they are only a few in their slice (Latin or Tifinagh text through an Arabic
    profile; a few Arabic lines in a slice cost more to take out than to run).
    With ``leads`` (the first UTF-8 bytes of every character ``fn`` may change, see
    :func:`awal.rules.list_mode`), an Arrow slice whose value bytes hold none of them is
    only checked to be UTF-8 and given back as it is. With ``utf8`` (the same work on UTF-8
    bytes, an :class:`awal.utf8map.Utf8Map`), an Arrow array is mapped on its value bytes, never
    decoded; an array that is not valid UTF-8 takes the decoding way, which names the row.

    >>> map_text(["a", "b"], lambda b: b)
    ['a', 'b']
    >>> map_text(("a", "b\\x00"), lambda b: b, separator="\\x00")
    ('a', 'b\\x00')
    """
    if _is_arrow(x):
        return _map_arrow(x, fn, utf16, leads, utf8)
    if not isinstance(x, (list, tuple)):
        return fn(TextBatch.from_input(x)).to_output()
    out: list[str] = []
    for start in range(0, len(x), STRINGS_PER_SLICE):
        part = x[start : start + STRINGS_PER_SLICE]
        out += _map_joined(part, fn, separator, utf16, changes) or fn(TextBatch.from_strings(part, first_index=start)).to_list()
    return tuple(out) if isinstance(x, tuple) else out


def _map_arrow(
    array: Any, fn: Callable[[TextBatch], TextBatch], utf16: bool, leads: bytes | None = None, utf8: Any = None, first_row: int = 0
) -> Any:
    """``fn`` over a pyarrow string array in slices of :data:`STRINGS_PER_SLICE` rows (a chunked
    array chunk by chunk): same type, nulls and chunks out; an array ``utf8`` can map is mapped
    on its bytes, else a slice ``fn`` cannot change (see :func:`map_text`) is kept as it is.
    Errors name rows from ``first_row`` on (the array's first row in a chunked array)."""
    pa = _arrow()
    if isinstance(array, pa.ChunkedArray):
        chunks = [_map_arrow(chunk, fn, utf16, leads, utf8, first) for chunk, first in zip(array.chunks, chunk_rows(array))]
        return pa.chunked_array(chunks, type=array.type)
    if not isinstance(array, pa.Array):
        return fn(TextBatch.from_input(array)).to_output()  # raises the TypeError
    if is_string_view(array.type):  # (a copy with offsets: the ways below, not a decoding of every row)
        return _map_arrow(array.cast(pa.large_string()), fn, utf16, leads, utf8, first_row).cast(array.type)
    done = _map_utf8(array, utf8) if utf8 is not None else None  # all rows at once (in pieces, into one buffer)
    if done is not None:
        return done
    parts = []
    for start in range(0, max(len(array), 1), STRINGS_PER_SLICE):
        rows = array.slice(start, STRINGS_PER_SLICE)
        parts.append(rows if leads is not None and _untouched(rows, leads) else fn(TextBatch.from_arrow(rows, utf16, first_row + start)).to_arrow())
    return parts[0] if len(parts) == 1 else pa.concat_arrays(parts)


def chunk_rows(array: Any) -> list[int]:
    """The row of a pyarrow ChunkedArray where each of its chunks starts (what an error names).

    >>> chunk_rows(_arrow().chunked_array([["a", "b"], [], ["c"]]))
    [0, 2, 2]
    """
    return np.cumsum([0, *(len(chunk) for chunk in array.chunks)])[:-1].tolist()


def is_string_view(dtype: Any) -> bool:
    """Whether a pyarrow type is ``string_view`` (strings as views into buffers; pyarrow 16 and later).

    >>> is_string_view(_arrow().string())
    False
    """
    return bool(getattr(_arrow().types, "is_string_view", lambda t: False)(dtype))


def arrow_bytes(array: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(value bytes as uint8, int64 offsets from 0)`` of a pyarrow ``string``/``large_string``
    Array, a slice of another included (no copy of the bytes).

    >>> data, offsets = arrow_bytes(_arrow().array(["ab", None, "ج"]).slice(1))
    >>> bytes(data), offsets.tolist()
    (b'\\xd8\\xac', [0, 0, 2])
    """
    pa = _arrow()
    if not len(array):
        return np.zeros(0, np.uint8), np.zeros(1, np.int64)
    _, offset_buffer, data_buffer = array.buffers()
    stored = np.frombuffer(offset_buffer, dtype=np.int64 if pa.types.is_large_string(array.type) else np.int32)
    offsets: np.ndarray = stored[array.offset : array.offset + len(array) + 1].astype(np.int64)
    start = int(offsets[0])
    offsets -= start
    if data_buffer is None:
        return np.zeros(0, np.uint8), offsets
    return np.frombuffer(data_buffer, dtype=np.uint8)[start : start + int(offsets[-1])], offsets


def _map_utf8(rows: Any, utf8: Any) -> Any:
    """``rows`` (a ``string``/``large_string`` Array) through the byte map ``utf8``, nulls kept;
    None for another type, or bytes that are not UTF-8 (the decoding way names the row)."""
    pa = _arrow()
    if not (pa.types.is_string(rows.type) or pa.types.is_large_string(rows.type)):
        return None
    data, offsets = arrow_bytes(rows)
    done = utf8.run(data, offsets)
    if done is None:
        return None
    values, new_offsets = done
    if values is data:
        return rows
    bitmap = None
    if rows.null_count:
        bitmap = pa.py_buffer(np.packbits(np.asarray(rows.is_valid()), bitorder="little"))
    new_offsets = new_offsets.astype(np.int64 if pa.types.is_large_string(rows.type) else np.int32, copy=False)
    return pa.Array.from_buffers(rows.type, len(rows), [bitmap, pa.py_buffer(new_offsets), pa.py_buffer(values)], rows.null_count)


def _untouched(rows: Any, leads: bytes) -> bool:
    """Whether the value bytes of a ``string``/``large_string`` slice hold none of ``leads`` and are
    UTF-8 with no character across rows (checked in NumPy; :meth:`TextBatch.from_arrow` names the row otherwise).

    >>> pa = _arrow()
    >>> _untouched(pa.array(["abc", None]), bytes([0xD8, 0xD9])), _untouched(pa.array(["عبد"]), bytes([0xD8, 0xD9]))
    (True, False)
    """
    pa = _arrow()
    if not (pa.types.is_string(rows.type) or pa.types.is_large_string(rows.type)):
        return False
    data, offsets = arrow_bytes(rows)
    return untouched(data, offsets[:-1], leads)


def _map_joined(
    strings: list[str] | tuple[str, ...],
    fn: Callable[[TextBatch], TextBatch],
    separator: str | None,
    utf16: bool,
    changes: tuple[int, int] | None = None,
) -> list[str] | None:
    """``fn`` over ``strings`` joined by ``separator``, split back; None when that cannot be used
    (no separator, a string that is not a str, a result that does not split back into as many:
    some string held the separator, which ``fn`` leaves alone)."""
    if separator is None or not strings:
        return None
    try:
        joined = separator.join(strings)
    except TypeError:
        return None  # the general way names the item
    if changes is not None and changes[0] > 0x7F and joined.isascii():  # a flag CPython keeps: no scan
        return list(strings)
    units = utf16_units(joined) if utf16 else None
    if changes is not None and units is not None:
        found = _may_change(strings, units, *changes, separator)
        if found is not None and len(found[0]) * 8 <= len(strings) * 7:  # an eighth or more come back as they went in
            return _map_picked(strings, units, *found, fn, separator)
    pieces: list[str] = []
    start = 0
    while start <= len(joined):  # parts of about JOINED_PART code points, cut after a separator
        end = joined.find(separator, start + JOINED_PART) + 1 or len(joined) + 1
        if units is not None:
            batch = TextBatch(units[start : end - 1], np.array([0, end - 1 - start], dtype=np.int64), "str")
        else:
            batch = TextBatch.from_strings([joined[start : end - 1]])
        pieces += fn(batch).joined().split(separator)
        start = end
    return pieces if len(pieces) == len(strings) else None


def _may_change(
    strings: Sequence[str], units: np.ndarray, first: int, last: int, separator: str
) -> tuple[list[int], np.ndarray] | None:
    """``(indices, starts)``: the indices of the ``strings`` that hold a code point in ``first ..
    last``, found on ``units`` (their UTF-16 code units joined by ``separator``, without
    surrogates), and where each string starts in ``units``; None when over 7/8 of :data:`_PROBES`
    strings spread over them hold one: nearly every string does then (Arabic text through an
    Arabic profile), and finding which would only add to the work; None too when a string holds
    the separator itself.

    >>> strings = ["ab", "", "ab", "abز"]
    >>> units = np.array([ord(c) for c in "|".join(strings)], dtype=np.uint16)
    >>> found = _may_change(strings, units, 0x600, 0x6FF, "|")
    >>> found[0], found[1].tolist(), _may_change(strings[-1:], units[-3:], 0x600, 0x6FF, "|")
    ([3], [0, 3, 4, 7], None)
    """
    if first > 0xFFFF:
        return [], np.zeros(0, dtype=np.int64)
    last = min(last, 0xFFFF)
    probe = range_search(first, last)
    probed = strings[:: max(1, len(strings) // _PROBES)]
    if sum(1 for text in probed if probe(text)) * 8 > len(probed) * 7:
        return None
    near = np.empty(len(units) + 1, dtype=bool)
    near[-1] = False  # one more: an empty last string starts there
    np.less_equal(units - np.uint16(first), np.uint16(last - first), out=near[:-1])  # below first wraps round to above
    if not near.any():
        return [], np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(units == ord(separator)) + 1]
    if len(starts) != len(strings):  # a string holds the separator: the general way takes it
        return None
    return np.flatnonzero(np.logical_or.reduceat(near, starts)).tolist(), starts  # an empty string starts on a separator: False


def _map_picked(
    strings: Sequence[str],
    units: np.ndarray,
    picked: list[int],
    starts: np.ndarray,
    fn: Callable[[TextBatch], TextBatch],
    separator: str,
) -> list[str] | None:
    """``strings`` with the ``picked`` ones through ``fn`` and the others as they came. The
    picked strings' code units are cut from ``units`` (the strings joined by ``separator``,
    each string starting at ``starts``) run by run of consecutive strings (lines of one
    language come together), run as one batch and split back; None if they do not split back
    into as many."""
    out = list(strings)
    if not picked:
        return out
    runs = _runs(picked)
    ends = np.r_[starts[1:] - 1, len(units)]  # where each string ends (its separator, or the end)
    mark = np.array([ord(separator)], dtype=units.dtype)
    parts = []
    for a, b in runs:
        parts += [units[starts[a] : ends[b - 1]], mark]
    part = np.concatenate(parts[:-1])
    pieces = fn(TextBatch(part, np.array([0, len(part)], dtype=np.int64), "str")).joined().split(separator)
    if len(pieces) != len(picked):
        return None
    done = 0
    for a, b in runs:
        out[a:b] = pieces[done : done + b - a]
        done += b - a
    return out


_PROBES = 16  # strings _may_change looks at first


def range_search(first: int, last: int) -> Callable[..., re.Match | None]:
    """``search`` of a regular expression for any code point from ``first`` to ``last`` (kept in
    ``re``'s cache): a string that holds one is usually found at once.

    >>> range_search(0x600, 0x6FF)("abc ب").start()
    4
    """
    return re.compile(f"[{re.escape(chr(first))}-{re.escape(chr(last))}]").search


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted ``indices`` as runs of consecutive ones, ``(start, stop)``.

    >>> _runs([1, 2, 3, 7, 9, 10])
    [(1, 4), (7, 8), (9, 11)]
    """
    if not indices:
        return []
    at = np.asarray(indices, dtype=np.int64)
    breaks = np.flatnonzero(np.diff(at) != 1) + 1
    return list(zip(at[np.r_[0, breaks]].tolist(), (at[np.r_[breaks - 1, len(at) - 1]] + 1).tolist()))


def utf16_units(text: str) -> np.ndarray | None:
    """The uint16 code units of ``text`` (one per character), if it has no character outside
    the BMP and no lone surrogate; else None."""
    try:
        units = text.encode("utf-16-le")  # strict: a lone surrogate raises
    except UnicodeEncodeError:
        return None
    if len(units) != 2 * len(text):  # a character outside the BMP became a surrogate pair
        return None
    return np.frombuffer(units, dtype=np.uint16)


def list_slices(strings: list[str] | tuple[str, ...]) -> Iterator[TextBatch]:
    """``strings`` as batches of :data:`STRINGS_PER_SLICE` strings, converted one slice at a time
    (so every buffer stays in cache); errors name the item's index in the whole list.

    >>> [len(b) for b in list_slices(["a"] * (STRINGS_PER_SLICE + 1))]
    [2048, 1]
    """
    for start in range(0, len(strings), STRINGS_PER_SLICE):
        yield TextBatch.from_strings(strings[start : start + STRINGS_PER_SLICE], first_index=start)


def map_strings(x: Any, fn: Callable[[list[str]], list[str]]) -> Any:
    """``fn`` (a list of strings to a list of strings) applied to ``x``; the result has ``x``'s type.

    For models that work on Python strings (Arabizi): lists go straight in,
    other containers through a TextBatch.

    >>> map_strings(("ab", "c"), lambda ss: [s.upper() for s in ss])
    ('AB', 'C')
    """
    if isinstance(x, str):
        return fn([x])[0]
    if isinstance(x, (list, tuple)):
        if not set(map(type, x)) <= {str} and not all(isinstance(s, str) for s in x):  # the types first: one C pass
            TextBatch.from_strings(x)  # raises the TypeError naming the item
        out = fn(list(x))
        return tuple(out) if isinstance(x, tuple) else out
    batch = TextBatch.from_input(x)
    result = TextBatch.from_strings(fn(batch.to_list()))
    return batch.replace(result.codepoints, result.offsets).to_output()

