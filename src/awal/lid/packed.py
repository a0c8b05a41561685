"""Weights packed four labels to a 64-bit word, summed with integer segment sums.

Scoring adds up the weight rows of many features per segment (a word). Gathering
float rows and summing them in NumPy is slow (casts, strided 2-D reductions); here each
row is 8-bit integers (one scale per label) laid out in 16-bit lanes of ``uint64``
words. One gather fetches a whole row, one ``uint64`` segment sum adds every lane at
once, and the lane sums are read back exactly (two's complement, carries included) as
long as each stays within ``±32767``, which :data:`MAX_FEATURES` features guarantee.

>>> w = np.array([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.0, 0.0, 0.0]], dtype=np.float32)
>>> packed = PackedWeights.build(w)
>>> np.round(packed.segment_sums(np.array([0, 1, 1, 2]), np.array([0, 3, 3, 4])), 1).tolist()
[[2.5, 0.0, -0.7], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LANE_BITS = 16
LANES = 64 // LANE_BITS
LEVELS = 127  # weights become integers in -127..127
MAX_FEATURES = (1 << (LANE_BITS - 1)) // LEVELS - 1  # features per segment whose sum always decodes exactly
BYTE_BIAS = LEVELS  # a level plus it fits a byte; MAX_FEATURES of them fit 16 bits


@dataclass(frozen=True)
class PackedWeights:
    """``rows[b]`` = the packed row of bucket ``b``; ``scale[l]`` turns lane ``l`` back into a weight."""

    rows: np.ndarray  # one void item of ``words * 8`` bytes per bucket
    words: int
    scale: np.ndarray
    labels: int
    byte_rows: np.ndarray  # the levels again, see :func:`byte_rows`

    @classmethod
    def build(cls, weights: np.ndarray) -> "PackedWeights":
        """Quantise float weights ``(buckets, labels)`` to :data:`LEVELS` steps per label."""
        peak = np.abs(weights).max(axis=0)
        scale = np.where(peak > 0, peak / LEVELS, 1.0).astype(np.float64)
        return cls.from_levels(np.clip(np.rint(weights / scale), -LEVELS, LEVELS).astype(np.int8), scale)

    @classmethod
    def from_levels(cls, levels: np.ndarray, scale: np.ndarray) -> "PackedWeights":
        """Pack quantised weights ``levels`` (int8, ``(buckets, labels)``) with their ``scale`` per label."""
        packed = pack(levels)
        rows = packed.view(np.dtype((np.void, packed.itemsize * packed.shape[1]))).ravel()
        return cls(rows, packed.shape[1], np.asarray(scale, dtype=np.float64), levels.shape[1], byte_rows(levels))

    def plane_sums(self, buckets: np.ndarray) -> np.ndarray:
        """Integer level sums ``(m, labels)`` over the first axis of ``buckets`` ``(features, m)``
        (at most :data:`MAX_FEATURES` features). Each gathered 8-byte word is split into its even
        and odd bytes in 16-bit lanes, which then add up over whole planes without carrying.

        >>> packed = PackedWeights.build(np.array([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5]], dtype=np.float32))
        >>> packed.levels().tolist()
        [[64, -127, 64], [127, 64, -127]]
        >>> packed.plane_sums(np.array([[0, 1], [1, 1]])).tolist()  # buckets 0 + 1, and 1 + 1
        [[191, -63, -63], [254, 128, -254]]
        """
        n, m = buckets.shape
        if n > MAX_FEATURES:
            raise ValueError(f"{n} features per sum, at most {MAX_FEATURES} add up exactly")
        words = self.byte_rows.dtype.itemsize // 8
        gathered = np.take(self.byte_rows, buckets).view(np.uint64).reshape(n, m, words)
        mask = np.uint64(0x00FF00FF00FF00FF)
        even = (gathered & mask).sum(axis=0, dtype=np.uint64)  # bytes 0, 2, 4, 6 of each word
        gathered >>= np.uint64(8)
        gathered &= mask
        odd = gathered.sum(axis=0, dtype=np.uint64)
        out = np.empty((m, words, 8), dtype=np.int64)
        for lane in range(4):
            shift = np.uint64(16 * lane)
            out[:, :, 2 * lane] = (even >> shift) & np.uint64(0xFFFF)
            out[:, :, 2 * lane + 1] = (odd >> shift) & np.uint64(0xFFFF)
        return out.reshape(m, -1)[:, : self.labels] - n * BYTE_BIAS

    def levels(self) -> np.ndarray:
        """The quantised weights back, int8 ``(buckets, labels)`` (what a model file stores)."""
        return np.rint(self.decode(self.rows.view(np.uint64).reshape(-1, self.words)) / self.scale).astype(np.int8)

    def segment_sums(self, buckets: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Float sums of the rows of ``buckets[starts[i]:starts[i + 1]]`` per segment
        (each segment at most :data:`MAX_FEATURES` long), shape ``(segments, labels)``."""
        return self.decode(self.segment_totals(buckets, starts))

    def segment_totals(self, buckets: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """The packed (``uint64``) sums per segment: totals of several calls may be added
        (wrapping) before :meth:`decode`, as long as every lane's sum stays in range."""
        gathered = np.take(self.rows, buckets[: starts[-1]]).view(np.uint64).reshape(-1, self.words)
        out = np.zeros((len(starts) - 1, self.words), dtype=np.uint64)
        filled = starts[1:] > starts[:-1]  # reduceat would give an empty segment its next row
        if filled.any():
            out[filled] = np.add.reduceat(gathered, starts[:-1][filled], axis=0)
        return out

    def decode(self, total: np.ndarray) -> np.ndarray:
        """Float sums, shape ``(segments, labels)``, from packed totals."""
        return unpack(total)[:, : self.labels] * self.scale


def byte_rows(levels: np.ndarray) -> np.ndarray:
    """int8 ``levels`` ``(buckets, labels)`` one byte per label plus :data:`BYTE_BIAS` (never
    negative), labels padded to a multiple of 8: one void item of 8 bytes per 8 labels per bucket.
    Half the size of the 16-bit lanes of :attr:`PackedWeights.rows`, so gathers of random buckets
    hit the CPU caches about twice as often (see :meth:`PackedWeights.plane_sums`)."""
    width = -(-levels.shape[1] // 8) * 8
    out = np.zeros((len(levels), width), dtype=np.uint8)
    out[:, : levels.shape[1]] = levels.astype(np.int16) + BYTE_BIAS
    return out.view(np.dtype((np.void, width))).ravel()


def pack(levels: np.ndarray) -> np.ndarray:
    """Integers ``(n, labels)`` (each within 16 bits) as ``uint64`` words of :data:`LANES` lanes, ``(n, words)``.

    >>> unpack(pack(np.array([[3, -2, 0, 1, -300]])))[:, :5].tolist()
    [[3, -2, 0, 1, -300]]
    """
    n_labels = levels.shape[1]
    packed = np.zeros((len(levels), -(-n_labels // LANES)), dtype=np.uint64)
    for label in range(n_labels):  # the word is sum(q * 2**(16 * lane)) mod 2**64: negative lanes borrow
        lane = levels[:, label].astype(np.int64).astype(np.uint64) << np.uint64(LANE_BITS * (label % LANES))
        packed[:, label // LANES] += lane
    return packed


def unpack(total: np.ndarray, dtype=np.int64) -> np.ndarray:
    """The integer in every lane of packed ``total`` ``(n, words)``, ``(n, words * LANES)``
    (exact while each lane's sum stays within 16 bits)."""
    lanes = np.empty((len(total), total.shape[1] * LANES), dtype=dtype)
    mask, sign = np.uint64(0xFFFF), np.int64(0x8000)
    for lane in range(LANES):
        low = (total & mask).astype(np.int64)
        value = (low ^ sign) - sign  # sign-extend 16 bits
        lanes[:, lane::LANES] = value
        total = (total - value.astype(np.uint64)) >> np.uint64(LANE_BITS)
    return lanes
