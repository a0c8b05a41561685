"""Word n-gram hashes ("shingles") for MinHash and other near-duplicate detection.

``shingles(x, n=5)`` normalises with the ``dedup`` profile (every spelling variant
folded), takes the word tokens (punctuation left out) and hashes every run of ``n``
consecutive tokens to a ``uint64``. The hash is fixed and documented, so keys made
on different machines, runs and Python versions agree:

* token hash: 64-bit FNV-1a of the token's UTF-8 bytes (lone surrogates as
  ``surrogatepass`` gives them): start ``0xCBF29CE484222325``, for each byte
  ``h = (h ^ byte) * 0x100000001B3 mod 2**64``;
* shingle hash: the same FNV-1a over the ``8 * n`` bytes of its token hashes, each
  written little-endian.

A text with fewer than ``n`` tokens (but at least one) gives one shingle of all its
tokens; a text without tokens gives none. Everything runs as NumPy operations over the
whole batch: one vectorised step per byte position, never a loop over tokens.

>>> keys = shingles("أَهْلاً وسَهْلاً بِكُم!!", n=2)
>>> keys.dtype, len(keys)
(dtype('uint64'), 2)
>>> bool((keys == shingles("اهلااااا وسهلا بكم", n=2)).all())
True
>>> # the same key recomputed elsewhere from the normalised tokens:
>>> int(keys[0]) == fnv1a64(b"".join(fnv1a64(t.encode()).to_bytes(8, "little") for t in ["اهلا", "وسهلا"]))
True
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import numpy as np

from .batch import TextBatch, per_input
from .columns import accepts_columns
from .names import check_whole
from .normalize import Normalizer
from .tokenize import token_spans

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)


def fnv1a64(data: bytes) -> int:
    """64-bit FNV-1a of ``data`` (the definition the vectorised code follows)."""
    h = int(FNV_OFFSET)
    for byte in data:
        h = ((h ^ byte) * int(FNV_PRIME)) & 0xFFFFFFFFFFFFFFFF
    return h


def _fnv_ranges(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """FNV-1a of ``data[starts[i]:starts[i] + lengths[i]]`` (uint8) for every i, one vectorised step per byte position.

    >>> data = np.frombuffer(b"abc", dtype=np.uint8)
    >>> _fnv_ranges(data, np.array([0, 1]), np.array([3, 0])).tolist() == [fnv1a64(b"abc"), fnv1a64(b"")]
    True
    """
    order = np.argsort(-lengths, kind="stable")  # longest first: the unfinished ones are always a prefix
    descending = -lengths[order]
    position = starts[order]
    h = np.full(len(order), FNV_OFFSET, dtype=np.uint64)
    step = 0
    active = int(np.searchsorted(descending, -step, side="left"))
    while active:
        head = h[:active]
        head ^= np.take(data, position[:active] + step)
        head *= FNV_PRIME
        step += 1
        active = int(np.searchsorted(descending[:active], -step, side="left"))
    out = np.empty_like(h)
    out[order] = h
    return out


def _utf8_positions(batch: TextBatch) -> tuple[np.ndarray, np.ndarray]:
    """The batch's text as UTF-8 bytes, and the byte position of every code point (plus the end)."""
    cps = batch.codepoints
    data = np.frombuffer(batch.joined().encode("utf-8", "surrogatepass"), dtype=np.uint8)
    width = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
    position = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(width, out=position[1:])
    return data, position


def shingle_hashes(batch: TextBatch, n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Shingles of an (already normalised) batch: ``(hashes, offsets)``, string ``i`` has
    ``hashes[offsets[i]:offsets[i + 1]]``.

    >>> hashes, offsets = shingle_hashes(TextBatch.from_input(["a b c", "", "a b"]), n=2)
    >>> offsets.tolist(), bool(hashes[2] == hashes[0])
    ([0, 2, 2, 3], True)
    """
    n = check_whole("n", n, 1)
    starts, ends, token_offsets = token_spans(batch, keep_punctuation=False)
    n = min(n, len(starts) + 1)  # (no text has more tokens: the same shingles, and no overflow for a huge n)
    data, position = _utf8_positions(batch)
    byte_start = position[starts]
    tokens = _fnv_ranges(data, byte_start, position[ends] - byte_start)
    per_string = np.diff(token_offsets)
    count = np.where(per_string > 0, np.maximum(per_string - n + 1, 1), 0)  # shingles per string
    offsets = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(count, out=offsets[1:])
    first = np.repeat(token_offsets[:-1] - offsets[:-1], count) + np.arange(int(offsets[-1]))  # first token of each
    width = np.minimum(np.repeat(per_string, count), n)
    token_bytes = tokens.astype("<u8").view(np.uint8)  # little-endian on every platform
    return _fnv_ranges(token_bytes, first * 8, width * 8), offsets


_normalizers: dict[str, Normalizer] = {}


@accepts_columns
def shingles(x: Any, n: int = 5, profile: str | None = "dedup") -> Any:
    """Word ``n``-gram hashes: ``str`` → ``uint64`` array; a list → list of arrays (a tuple → a tuple of them); a pyarrow
    string array → a ``list<uint64>`` array (nulls and chunks kept).

    The text is normalised with ``profile`` first (``None``: as it is). See the module docstring
    for the hash.

    >>> [len(h) for h in shingles(["one two three four five six", "short text", ""])]
    [2, 1, 0]
    """
    if profile is not None:
        if profile not in _normalizers:
            _normalizers[profile] = Normalizer(profile)
        x = _normalizers[profile](x)
    batch = TextBatch.from_input(x)
    hashes, offsets = shingle_hashes(batch, n)
    arrow_type = None
    if batch.kind == "arrow":
        pa = import_module("pyarrow")
        arrow_type = pa.list_(pa.uint64())
    per_text = np.split(hashes, offsets[1:-1]) if len(batch) else []  # (np.split of no cuts is one piece, even for no texts)
    return per_input(batch, per_text, arrow_type)
