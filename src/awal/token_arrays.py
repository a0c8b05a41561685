"""Token lists of an Arrow string array as a ``list<string>`` array, cut from its UTF-8 buffer.

:func:`awal.tokenize` gives a pyarrow array back as a list array. The tokens are spans of
the input, in order and never overlapping: their bounds cut the input's buffer, without a
copy, into a string array of tokens and the gaps between them (token, gap, token, ...),
and one ``take`` of every other string copies the tokens out, slice of rows by slice (the
buffers stay in cache); the slices' tokens are then copied once into values of the final size.
No Python string per token and no index per byte. Code-point spans become byte spans through
the position of every character start in the buffer.

>>> import pyarrow as pa
>>> from awal.tokenize import token_spans
>>> token_list_array(pa.array(["سلام، labas?", None, ""]), token_spans).to_pylist()
[['سلام', '،', 'labas', '?'], None, []]
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .batch import TextBatch, arrow_bytes, chunk_rows, is_string_view
from .cuts import piece_bounds

SLICE_BYTES = 3 << 18  # rows are tokenised about this many bytes at a time (2,048 rows of 200 Arabic characters; long rows: fewer)
Spans = Callable[[TextBatch], tuple[np.ndarray, np.ndarray, np.ndarray]]  # (starts, ends, token offsets)


def token_list_array(array: Any, spans: Spans, first_row: int = 0) -> Any:
    """The tokens of every row of a pyarrow ``string``/``large_string``/``string_view`` Array or
    ChunkedArray, as ``list<string>`` (``list<large_string>`` for ``large_string``); nulls stay null, chunks are kept. ``spans`` gives
    the token spans of a batch (:func:`awal.tokenize.token_spans` with its options). Errors name rows
    from ``first_row`` on (the array's first row in a chunked array).
    None for any other input: the caller's general path handles it or names the error.
    """
    import pyarrow as pa

    if not isinstance(array, (pa.Array, pa.ChunkedArray)):
        return None
    view = is_string_view(array.type)
    if not (view or pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    if isinstance(array, pa.ChunkedArray):  # chunk by chunk: bounded memory, chunking kept
        lists = [token_list_array(chunk, spans, first) for chunk, first in zip(array.chunks, chunk_rows(array))]
        return pa.chunked_array(lists, type=pa.list_(pa.string() if view else array.type))  # type: ignore[call-overload]  # (stubs: no list type)
    if view:  # list<string>: a copy with offsets, not a decoding of every row
        return token_list_array(array.cast(pa.string()), spans, first_row)
    filled = array.fill_null("") if array.null_count else array
    data, offsets = arrow_bytes(filled)
    cuts = piece_bounds(offsets, SLICE_BYTES)
    counts, parts = [np.zeros(1, np.int64)], []
    for a, b in zip(cuts, cuts[1:]):  # slice by slice: code points, spans and copies stay in cache
        origin = int(offsets[a])
        rows = data[origin : offsets[b]]
        starts, ends, token_offsets = _byte_spans(filled.slice(a, b - a), rows, spans, first_row + a)
        counts.append(np.diff(token_offsets))
        parts.append(arrow_bytes(_cut(pa, array.type, rows, starts, ends)) if len(starts) else None)
    token_offsets = np.cumsum(np.concatenate(counts), dtype=np.int64)  # [0, tokens of row 0, ...]
    tokens = _joined(pa, array.type, [part for part in parts if part is not None])
    mask = array.is_null() if array.null_count else None
    return pa.ListArray.from_arrays(pa.array(token_offsets, type=pa.int32()), tokens, type=pa.list_(array.type), mask=mask)


def _joined(pa: Any, string_type: Any, parts: list[tuple[np.ndarray, np.ndarray]]) -> Any:
    """One array of ``string_type`` from the ``(bytes, offsets from 0)`` of string arrays, in order:
    each copied once into buffers of the final size (``pa.concat_arrays`` grows them as it goes).

    >>> import pyarrow as pa
    >>> parts = [(np.frombuffer(b"abc", np.uint8), np.array([0, 1, 3])), (np.frombuffer(b"d", np.uint8), np.array([0, 1]))]
    >>> _joined(pa, pa.string(), parts).to_pylist()
    ['a', 'bc', 'd']
    """
    values = np.empty(sum(len(data) for data, _ in parts), dtype=np.uint8)
    offsets = np.zeros(sum(len(o) - 1 for _, o in parts) + 1, dtype=np.int64 if pa.types.is_large_string(string_type) else np.int32)
    at, row = 0, 0
    for data, starts in parts:
        values[at : at + len(data)] = data
        offsets[row + 1 : row + len(starts)] = starts[1:] + at
        at, row = at + len(data), row + len(starts) - 1
    return pa.Array.from_buffers(string_type, len(offsets) - 1, [None, pa.py_buffer(offsets), pa.py_buffer(values)])


def _byte_spans(rows: Any, data: np.ndarray, spans: Spans, first_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, token offsets)`` of the tokens of ``rows`` (no nulls), in bytes of ``data``, their value
    bytes; an error names rows from ``first_row`` on."""
    starts, ends, token_offsets = spans(TextBatch.from_arrow(rows, utf16=True, first_row=first_row))  # (code units: code points but in the BMP)
    char_start = np.flatnonzero(data.view(np.int8) >= -0x40)  # byte of every code point: not 0x80-0xBF (valid UTF-8)
    byte_start, byte_end = np.take(char_start, starts), np.take(char_start, ends, mode="clip")
    byte_end[ends == len(char_start)] = len(data)  # a token that ends the slice
    return byte_start, byte_end, token_offsets


def _cut(pa: Any, string_type: Any, data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Any:
    """The strings ``data[starts[i]:ends[i]]`` (byte spans in order, not overlapping) as an array of
    ``string_type``: ``data`` read as token, gap, token, ... (no copy), every other string taken.

    >>> import pyarrow as pa
    >>> _cut(pa, pa.string(), np.frombuffer(b"ab, cd", np.uint8), np.array([0, 2, 4]), np.array([2, 3, 6])).to_pylist()
    ['ab', ',', 'cd']
    """
    bounds = np.empty(2 * len(starts), dtype=np.int64 if pa.types.is_large_string(string_type) else np.int32)
    bounds[0::2], bounds[1::2] = starts, ends
    pieces = pa.Array.from_buffers(string_type, len(bounds) - 1, [None, pa.py_buffer(bounds), pa.py_buffer(data)])
    return pieces.take(pa.array(np.arange(0, len(bounds), 2, dtype=np.int32)))
