"""Weights as one byte per label, and integer lanes summed many at once.

Scoring adds up the weight rows of many features per word. Gathering float rows and summing
them in NumPy is slow (casts, strided 2-D reductions); here each row is its 8-bit levels
(one scale per label) offset by 128, one byte per label: a gather fetches a whole row (16
bytes for up to 16 labels: the table stays small enough to stay in cache, which matters more
than anything else here), and a sum of rows in 16-bit lanes is exact as long as at most
:data:`MAX_FEATURES` rows are added (``257 * 255 < 2 ** 16``).

Sums of levels then travel in 32-bit lanes, two to an ``int64`` (:func:`pack32`), so that one
integer segment sum adds every lane of a text's words at once.

>>> w = np.array([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.0, 0.0, 0.0]], dtype=np.float32)
>>> packed = PackedWeights.build(w)
>>> np.round(packed.segment_sums(np.array([0, 1, 1, 2]), np.array([0, 3, 3, 4])), 1).tolist()
[[2.5, 0.0, -0.7], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
>>> packed.row_bytes(np.array([0, 1])).sum(axis=0, dtype=np.uint16)[:3].tolist()  # levels 64 -127 64 and 127 64 -127, each + 128
[447, 193, 193]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LANE_BITS = 16  # the lanes of a packed total of levels (the model file's frequent-word sums)
LANES = 64 // LANE_BITS
LEVELS = 127  # weights become integers in -127..127
OFFSET = 128  # a row's byte is its level plus this
MAX_FEATURES = (1 << (LANE_BITS - 1)) // LEVELS - 1  # rows whose byte sums fit 16 bits (and whose level sums fit a signed lane)
_LANE_OFFSETS = np.uint64(0x8000800080008000)  # 2**15 in every 16-bit lane
_PAIR_OFFSETS = np.uint64(0x8000000080000000)  # 2**31 in both 32-bit lanes


@dataclass(frozen=True)
class PackedWeights:
    """``rows[b]`` = the bytes of bucket ``b``: level + :data:`OFFSET` per label, then (when the width
    leaves room: :attr:`counts`) a *count byte* (:data:`OFFSET` + 1, or :data:`OFFSET` for the last
    bucket: the empty feature), then padding (:data:`OFFSET`). A sum of ``k`` rows minus ``k * OFFSET``
    in every lane holds the level sums and, after them, how many of the rows were not the empty feature.
    ``scale[l]`` turns label ``l``'s level back into a weight."""

    rows: np.ndarray  # one void item of ``width`` bytes per bucket
    width: int
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
        """Pack quantised weights ``levels`` (int8, ``(buckets, labels)``, the last bucket the empty
        feature) with their ``scale`` per label."""
        n_labels = levels.shape[1]
        width = -(-n_labels // 8) * 8
        rows = np.full((len(levels), width), OFFSET, dtype=np.uint8)
        np.add(levels.view(np.uint8), OFFSET, out=rows[:, :n_labels])  # wraps: the byte is level + 128
        if width > n_labels:
            rows[:-1, n_labels] += 1  # the count byte
        return cls(rows.view(np.dtype((np.void, width))).ravel(), width, np.asarray(scale, dtype=np.float64), n_labels)

    @property
    def counts(self) -> bool:
        """Whether the rows carry the count byte (fewer labels than a multiple of 8)."""
        return self.width > self.labels

    @property
    def words(self) -> int:
        """64-bit words of a packed total (:func:`pack_totals`) for this model's labels."""
        return -(-self.labels // LANES)

    def levels(self) -> np.ndarray:
        """The quantised weights back, int8 ``(buckets, labels)`` (what a model file stores)."""
        return (self.row_bytes()[:, : self.labels] - np.uint8(OFFSET)).view(np.int8)

    def row_bytes(self, buckets: np.ndarray | None = None) -> np.ndarray:
        """The rows of ``buckets`` (all rows without), uint8 ``(..., width)``."""
        rows = self.rows if buckets is None else self.rows.take(buckets, mode="wrap")  # wrap: no per-index check (3x faster)
        return rows.view(np.uint8).reshape(*rows.shape, self.width)

    def segment_sums(self, buckets: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Float sums of the rows of ``buckets[starts[i]:starts[i + 1]]`` per segment, ``(segments, labels)``."""
        levels = np.zeros((len(starts) - 1, self.labels), dtype=np.int64)
        filled = starts[1:] > starts[:-1]  # reduceat would give an empty segment its next row
        if filled.any():
            rows = self.row_bytes(buckets[: starts[-1]])[:, : self.labels]
            levels[filled] = np.add.reduceat(rows, starts[:-1][filled], axis=0, dtype=np.int64)
        levels -= OFFSET * np.diff(starts)[:, None]
        return levels * self.scale


def pack_totals(levels: np.ndarray) -> np.ndarray:
    """Level sums ``(m, labels)`` (each within ``±32767``) as packed totals: ``uint64 (m, words)``
    holding ``sum(level * 2 ** (16 * lane))`` (wrapping), the model file's frequent-word sums.

    >>> levels = np.array([[-3, 5, 32767, -32767, 1]])
    >>> unpack_totals(pack_totals(levels), 5).tolist()
    [[-3, 5, 32767, -32767, 1]]
    """
    words = -(-levels.shape[1] // LANES)
    lanes = np.full((len(levels), words * LANES), 1 << (LANE_BITS - 1), dtype="<u2")
    lanes[:, : levels.shape[1]] += levels.astype("<i2").view("<u2")  # wraps: level + 2**15, never negative
    return lanes.view("<u8").astype(np.uint64) - _LANE_OFFSETS  # the lanes' borrows come back


def unpack_totals(totals: np.ndarray, labels: int) -> np.ndarray:
    """int32 ``(m, labels)``: the level sums of packed ``totals`` (see :func:`pack_totals`)."""
    lanes = (totals + _LANE_OFFSETS).astype("<u8").view("<u2")  # every lane + 2**15: no borrow left
    out = lanes[:, :labels].astype(np.int32)
    out -= 1 << (LANE_BITS - 1)
    return out


def pack32(lanes: np.ndarray) -> np.ndarray:
    """Integer lanes ``(m, 2k)`` (int16 or int32) as int64 ``(m, k)``: lane ``2j`` plus lane ``2j + 1`` times ``2**32``,
    so that a sum of rows (integer segment sums) adds every lane at once (see :func:`unpack32`).

    >>> rows = pack32(np.array([[-5, 7, 1, -1], [3, -9, 0, 2]], dtype=np.int32))
    >>> unpack32(rows.sum(axis=0, keepdims=True)).tolist()
    [[-2, -2, 1, 1]]
    """
    out = lanes[:, 1::2].astype(np.int64)
    out <<= 32
    out += lanes[:, 0::2]
    return out


def unpack32(words: np.ndarray) -> np.ndarray:
    """int64 ``(m, 2k)``: the lanes of sums of :func:`pack32` rows (each lane's sum within ``±2**31``)."""
    lanes = (words.view(np.uint64) + _PAIR_OFFSETS).astype("<u8").view("<u4")  # both lanes + 2**31: no borrow
    out = lanes.astype(np.int64)
    out -= 1 << 31
    return out
