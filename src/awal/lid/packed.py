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


@dataclass(frozen=True)
class PackedWeights:
    """``rows[b]`` = the packed row of bucket ``b``; ``scale[l]`` turns lane ``l`` back into a weight."""

    rows: np.ndarray  # one void item of ``words * 8`` bytes per bucket
    words: int
    scale: np.ndarray
    labels: int

    @classmethod
    def build(cls, weights: np.ndarray) -> "PackedWeights":
        """Quantise float weights ``(buckets, labels)`` to :data:`LEVELS` steps per label."""
        peak = np.abs(weights).max(axis=0)
        scale = np.where(peak > 0, peak / LEVELS, 1.0).astype(np.float64)
        return cls.from_levels(np.clip(np.rint(weights / scale), -LEVELS, LEVELS).astype(np.int8), scale)

    @classmethod
    def from_levels(cls, levels: np.ndarray, scale: np.ndarray) -> "PackedWeights":
        """Pack quantised weights ``levels`` (int8, ``(buckets, labels)``) with their ``scale`` per label."""
        n_labels = levels.shape[1]
        words = -(-n_labels // LANES)
        packed = np.zeros((len(levels), words), dtype=np.uint64)
        for label in range(n_labels):  # the word is sum(q * 2**(16 * lane)) mod 2**64: negative lanes borrow
            lane = levels[:, label].astype(np.int64).astype(np.uint64) << np.uint64(LANE_BITS * (label % LANES))
            packed[:, label // LANES] += lane
        return cls(packed.view(np.dtype((np.void, 8 * words))).ravel(), words, np.asarray(scale, dtype=np.float64), n_labels)

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
        return self.lanes(total)[:, : self.labels] * self.scale

    def lanes(self, total: np.ndarray, dtype=np.int64) -> np.ndarray:
        """:func:`lanes` of packed totals of this model's weights."""
        return lanes(total, dtype)


def lanes(total: np.ndarray, dtype=np.int64) -> np.ndarray:
    """The integer sums of levels in every lane, ``(segments, words * LANES)`` (lanes past the
    labels are zero), from packed totals ``(segments, words)``."""
    out = np.empty((len(total), total.shape[1] * LANES), dtype=dtype)
    mask, sign = np.uint64(0xFFFF), np.int64(0x8000)
    for lane in range(LANES):
        low = (total & mask).astype(np.int64)
        value = (low ^ sign) - sign  # sign-extend 16 bits
        out[:, lane::LANES] = value
        total = (total - value.astype(np.uint64)) >> np.uint64(LANE_BITS)
    return out
