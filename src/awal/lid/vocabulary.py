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
from functools import cached_property

import numpy as np

from .features import FeatureSpec, by_length, feature_counts, symbols, word_buckets, words
from .packed import LANES, MAX_FEATURES, lanes


def longest_word(spec: FeatureSpec) -> int:
    """Letters of a word that count: a longer word counts by its first ones (its features' packed
    sum must decode exactly, see :data:`~awal.lid.packed.MAX_FEATURES`).

    >>> longest_word(FeatureSpec())
    41
    """
    return MAX_FEATURES // (len(spec.orders) + spec.words) - 1


def word_totals(state: dict, ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Packed weight sums (``uint64``, see :mod:`awal.lid.packed`) and feature counts of the
    words ``ids[starts[i]:starts[i] + lengths[i]]`` (a longer word than the packed sums allow
    counts by its first letters). Words of one length are scored together (:func:`word_buckets`)."""
    spec, packed = state["spec"], state["packed"]
    lengths = np.minimum(lengths, longest_word(spec))
    total = np.empty((len(lengths), packed.words), dtype=np.uint64)
    for longest, group in by_length(lengths):
        letters = ids[np.minimum(starts[group] + np.arange(longest)[:, None], len(ids) - 1)]
        buckets = word_buckets(spec, letters, None if lengths[group[0]] == longest else lengths[group])
        rows = np.take(packed.rows, buckets).view(np.uint64).reshape(len(buckets), len(group), packed.words)
        total[group] = rows.sum(axis=0, dtype=np.uint64)  # adds whole planes: one per feature
    counts = feature_counts(spec, lengths)
    return total, counts


def level_rows(total: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """int16 rows of words: their level sums per lane (from packed ``total``: each fits in 16 bits)
    and, last, their feature ``counts`` (at most :data:`MAX_FEATURES`)."""
    rows = np.empty((len(total), total.shape[1] * LANES + 1), dtype=np.int16)
    rows[:, :-1] = lanes(total, dtype=np.int16)
    rows[:, -1] = counts
    return rows


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

    @cached_property
    def rows(self) -> np.ndarray:
        """:func:`level_rows` of the words (what scoring reads)."""
        return level_rows(self.totals, self.counts)

    @cached_property
    def slots(self) -> tuple[np.ndarray, np.ndarray]:
        """An open-addressing index of :attr:`hashes`: ``(position, hash)`` per slot (position
        ``-1``: empty). A word sits at the slot its mixed hash points to or in the next ones (linear
        probing), so finding a batch of words costs a few gathers from a small table instead of a
        binary search each (3x faster)."""
        table = np.full(_slot_count(len(self.hashes)), -1, dtype=np.int64)
        pending = np.arange(len(self.hashes))
        slot = _home(self.hashes, len(table))
        while len(pending):  # each round every free slot takes the first word waiting for it
            free = table[slot] < 0
            taken, first = np.unique(slot[free], return_index=True)
            table[taken] = pending[free][first]
            left = np.ones(len(pending), dtype=bool)
            left[np.flatnonzero(free)[first]] = False
            pending, slot = pending[left], (slot[left] + 1) % len(table)
        return table, np.where(table >= 0, self.hashes[np.maximum(table, 0)] if len(self.hashes) else 0, 0).astype(np.uint64)

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(found, position)``: which ``hashes`` are here, and where (``position`` is 0 where not found)."""
        if not len(self.hashes):
            return np.zeros(len(hashes), dtype=bool), np.zeros(len(hashes), dtype=np.int64)
        table, keys = self.slots
        slot = _home(hashes, len(table))
        entry = table[slot]
        position = np.where(keys[slot] == hashes, entry, -1)
        probe = np.flatnonzero((position < 0) & (entry >= 0))  # another word holds the slot: look further
        while len(probe):
            slot[probe] = (slot[probe] + 1) % len(table)
            entry = table[slot[probe]]
            hit = keys[slot[probe]] == hashes[probe]
            position[probe] = np.where(hit, entry, -1)
            probe = probe[~hit & (entry >= 0)]
        found = position >= 0
        return found, np.maximum(position, 0)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _slot_count(words: int) -> int:
    """A power of two at least 2.5 times ``words`` (short probe runs)."""
    return 1 << max(4, int(np.ceil(np.log2(max(words, 1) * 2.5))))


def _home(hashes: np.ndarray, size: int) -> np.ndarray:
    """The first slot to try for each hash in a table of ``size`` (a power of two) slots."""
    return ((hashes * _MIX) >> np.uint64(64 - size.bit_length() + 1)).astype(np.int64)
