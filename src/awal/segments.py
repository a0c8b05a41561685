"""Segments of a flat code-point buffer: splitting into lines or paragraphs, hashing, finding repeats.

A segment is a ``(start, end)`` range of positions in a batch's code points plus
the string it belongs to. Everything is NumPy over all segments of all strings
at once: splitting works from separator positions, hashing from one prefix sum
(a polynomial hash modulo 2**64 with an odd base, so any range's hash is a
subtraction and one multiplication by an inverse power), and repeats from one
stable sort.

>>> from awal.batch import TextBatch
>>> b = TextBatch.from_input(["a\\nb\\na", "x"])
>>> starts, ends, owner = split(b.offsets, b.codepoints == ord("\\n"))
>>> starts.tolist(), ends.tolist(), owner.tolist()
([0, 2, 4, 5], [1, 3, 5, 6], [0, 0, 0, 1])
>>> repeated(owner, range_hashes(prefix_hashes(b.codepoints), starts, ends), ends - starts).tolist()
[False, False, True, False]
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

BASE = np.uint64(0x9E3779B97F4A7C15)  # odd: invertible modulo 2**64


@lru_cache(maxsize=4)
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``BASE**i`` and ``BASE**-i`` modulo 2**64 for ``i < n`` (grown by doubling, cached)."""
    size = 1 << max(int(n - 1).bit_length(), 10)
    inverse = pow(int(BASE), -1, 1 << 64)
    up = np.full(size, BASE, dtype=np.uint64)
    up[0] = 1
    down = np.full(size, np.uint64(inverse), dtype=np.uint64)
    down[0] = 1
    return np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64)


def prefix_hashes(values: np.ndarray, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(H, rank)``: ``H[k] = sum((values[i] + 1) * BASE**rank[i])`` over kept ``i < k`` modulo 2**64, where
    ``rank[i]`` counts the kept positions before ``i`` (positions where ``keep`` is false are left out
    of every hash, as if deleted). Both have length ``len(values) + 1``.
    """
    if keep is None:
        rank = np.arange(len(values) + 1, dtype=np.int64)
    else:
        rank = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(keep, out=rank[1:])
    up, _ = _powers(len(values) + 1)
    terms = (values.astype(np.uint64) + np.uint64(1)) * np.take(up, rank[:-1])
    if keep is not None:
        terms[~keep] = 0
    out = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(terms, out=out[1:], dtype=np.uint64)
    return out, rank


def range_hashes(prefix: tuple[np.ndarray, np.ndarray], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash of ``values[starts[i]:ends[i]]`` (kept positions only), the same wherever the range sits."""
    hashes, rank = prefix
    _, down = _powers(len(hashes))
    return (hashes[ends] - hashes[starts]) * np.take(down, rank[starts])


def split(offsets: np.ndarray, separator: np.ndarray, merge_runs: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every string cut where ``separator`` (a mask over the buffer) is true, like ``str.split(sep)``:
    ``(starts, ends, owner)``; a string with k cuts gives k + 1 segments, empty ones included.
    With ``merge_runs`` a run of separators is one cut, like ``re.split("sep+")``.
    """
    n = len(separator)
    cut = separator.copy()
    if merge_runs and n:
        first = np.zeros(n, dtype=bool)
        first[offsets[:-1][offsets[:-1] < n]] = True
        cut[1:] &= ~separator[:-1] | first[1:]
    cut_at = np.flatnonzero(cut)
    resume = cut_at + 1
    if merge_runs and len(cut_at):  # a cut resumes where its run of separators ends
        after = np.minimum.accumulate(np.where(separator, n, np.arange(n))[::-1])[::-1]
        resume = np.minimum(after[cut_at], offsets[np.searchsorted(offsets, cut_at, side="right")])
    per_string = np.bincount(np.searchsorted(offsets, cut_at, side="right") - 1, minlength=len(offsets) - 1) + 1
    owner = np.repeat(np.arange(len(offsets) - 1), per_string)
    bounds = np.concatenate([[0], np.cumsum(per_string)])
    starts = np.empty(len(owner), dtype=np.int64)
    ends = np.empty(len(owner), dtype=np.int64)
    first_segment = np.zeros(len(owner), dtype=bool)
    first_segment[bounds[:-1]] = True
    starts[first_segment] = offsets[:-1]
    starts[~first_segment] = resume
    last_segment = np.zeros(len(owner), dtype=bool)
    last_segment[bounds[1:] - 1] = True
    ends[last_segment] = offsets[1:]
    ends[~last_segment] = cut_at
    return starts, ends, owner


def repeated(owner: np.ndarray, hashes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """True for every segment equal (same hash and length) to an earlier one of the same string.

    The three are mixed into one 64-bit key and sorted once (stable: the earliest comes first).
    """
    if len(owner) == 0:
        return np.zeros(0, dtype=bool)
    key = hashes ^ (owner.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    key ^= lengths.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    out = np.zeros(len(owner), dtype=bool)
    out[order[1:][sorted_key[1:] == sorted_key[:-1]]] = True
    return out


def per_string(owner: np.ndarray, values: np.ndarray, strings: int) -> np.ndarray:
    """Sum of ``values`` per string (``owner`` gives each value's string)."""
    return np.bincount(owner, weights=values, minlength=strings)


def run_lengths(member: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of consecutive ``member`` positions (a run also restarts where ``new`` is true):
    ``(run_starts, lengths)``.

    >>> run_lengths(np.array([1, 1, 0, 1, 1, 1], bool), np.array([0, 0, 0, 0, 1, 0], bool))
    (array([0, 3, 4]), array([2, 1, 2]))
    """
    start = member.copy()
    start[1:] &= ~member[:-1] | new[1:]
    run_starts = np.flatnonzero(start)
    ids = np.cumsum(start) - 1
    return run_starts, np.bincount(ids[member], minlength=len(run_starts))
