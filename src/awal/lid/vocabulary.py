"""The weight sum of a word: from its n-grams, or looked up for the model's frequent words.

A text's score is the sum of its words' scores (n-grams never cross words, see
:mod:`awal.lid.features`), so a model can carry the packed sums of its most frequent
words, computed once when it is built: a word found there costs one binary search
instead of extracting, hashing and gathering its n-grams. The sums are exact (the same
integers), so scores do not change.

>>> from awal.lid.model import Identifier
>>> idf = Identifier().fit(["kayn bzaf dyal nas", "il y a des gens"] * 3, ["ary_Latn", "fra_Latn"] * 3, epochs=2)
>>> before = idf.logits(["bzaf dyal gens", "nas"])[0]
>>> idf.state["vocabulary"] = Vocabulary.build(idf.state, ["bzaf dyal nas"], size=2)
>>> len(idf.state["vocabulary"].hashes), bool(np.allclose(idf.logits(["bzaf dyal gens", "nas"])[0], before))
(2, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels import ranges
from .features import pad, symbols, word_columns, words
from .packed import MAX_FEATURES


def word_totals(state: dict, ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Packed weight sums (``uint64``, see :mod:`awal.lid.packed`) and feature counts of the
    words ``ids[starts[i]:starts[i] + lengths[i]]`` (a longer word than the packed sums allow
    counts by its first letters)."""
    spec, packed = state["spec"], state["packed"]
    lengths = np.minimum(lengths, MAX_FEATURES // (len(spec.orders) + spec.words) - 1)
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    padded, padded_starts = pad(ids[ranges(starts, lengths)], bounds)
    total = np.zeros((len(lengths), packed.words), dtype=np.uint64)
    counts = np.zeros(len(lengths), dtype=np.int64)
    for buckets, count in word_columns(spec, padded, padded_starts[:-1], lengths):  # order by order
        segment = np.zeros(len(count) + 1, dtype=np.int64)
        np.cumsum(count, out=segment[1:])
        total += packed.segment_totals(buckets, segment)
        counts += count
    return total, counts


@dataclass(frozen=True)
class Vocabulary:
    """Frequent words: their 64-bit hashes (ascending, as :func:`awal.lid.features.words`
    computes them), packed weight sums and feature counts."""

    hashes: np.ndarray
    totals: np.ndarray
    counts: np.ndarray

    @classmethod
    def build(cls, state: dict, texts: list[str], size: int) -> "Vocabulary":
        """The ``size`` most frequent words of ``texts`` (ties: smaller hash first) for the model ``state``."""
        from .features import flat

        ids, offsets = symbols(state["table"], *flat(texts))
        found = words(ids, offsets)
        hashes, first, frequency = np.unique(found.hashes, return_index=True, return_counts=True)
        top = np.sort(np.argsort(-frequency, kind="stable")[:size])
        totals, counts = word_totals(state, ids, found.starts[first[top]], found.lengths[first[top]])
        return cls(hashes[top], totals, counts)

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(found, position)``: which ``hashes`` are here, and where."""
        if not len(self.hashes):
            return np.zeros(len(hashes), dtype=bool), np.zeros(len(hashes), dtype=np.int64)
        position = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return self.hashes[position] == hashes, position
