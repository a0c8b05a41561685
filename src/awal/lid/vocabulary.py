"""The weight sum of a word: from its n-grams, or looked up for the model's frequent words.

A text's score is the sum of its words' scores (n-grams never cross words, see
:mod:`awal.lid.features`), so a model can carry the packed sums of its most frequent
words, computed once when it is built: a word found there costs a lookup in a hash index
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

from ..lazy import lazy
from .features import FeatureSpec, LengthGroups, by_length, feature_counts, symbols, word_buckets, word_hashes, words
from .packed import LANES, MAX_FEATURES, OFFSET, PackedWeights, unpack_totals


def longest_word(spec: FeatureSpec) -> int:
    """Letters of a word that count: a longer word counts by its first ones (its features' sum
    must stay exact, see :data:`~awal.lid.packed.MAX_FEATURES`).

    >>> longest_word(FeatureSpec())
    41
    """
    return MAX_FEATURES // (len(spec.orders) + spec.words) - 1


def word_totals(state: dict, ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """The level sums and feature count of the words ``ids[starts[i]:starts[i] + lengths[i]]``
    whose :func:`~awal.lid.features.word_hashes` are ``hashes`` (a longer word than the sums allow
    counts by its first letters), as int16 lanes ``(m, lanes)``: label ``l``'s sum in lane ``l``, the
    count in lane ``labels``, zeros after it. Words of one length are scored together
    (:func:`~awal.lid.features.word_buckets`); their rows' count byte (:mod:`awal.lid.packed`) counts
    their features, or :func:`~awal.lid.features.feature_counts` where the rows have none."""
    spec, packed = state["spec"], state["packed"]
    limit = longest_word(spec)
    cut = np.flatnonzero(lengths > limit)
    if len(cut):  # the whole-word feature of a cut word is the hash of what is left
        hashes = hashes.copy()
        hashes[cut] = word_hashes(ids, starts[cut], np.full(len(cut), limit))
    order, ordered, groups = by_length(np.minimum(lengths, limit))
    ordered_starts, ordered_hashes = starts[order], hashes[order]
    total = _lanes(packed, len(lengths))  # in ``order``
    for longest, a, b in groups:
        letters = ids.take(ordered_starts[a:b] + np.arange(longest)[:, None], mode="clip")
        _add_rows(spec, packed, letters, ordered_hashes[a:b], None if ordered[a] == longest else ordered[a:b], total[a:b])
    if not packed.counts:
        total[:, packed.labels] = feature_counts(spec, ordered)
    out = np.empty_like(total)
    out[order] = total
    return out.view(np.int16)


def grouped_totals(state: dict, ids: np.ndarray, starts: np.ndarray, grouped: LengthGroups, picks: np.ndarray) -> np.ndarray:
    """:func:`word_totals` of the words at ``picks`` (ascending positions in the length order of
    ``grouped``, the :class:`~awal.lid.features.LengthGroups` of words at ``starts``), in that order,
    reading their letters from the groups' matrices: no second sort or gather of letters by length."""
    spec, packed = state["spec"], state["packed"]
    limit = longest_word(spec)
    total = _lanes(packed, len(picks))
    edges = np.searchsorted(picks, [a for _, a, _ in grouped.groups] + [len(grouped.order)]).tolist()
    for (longest, a, _), letters, c, d in zip(grouped.groups, grouped.letters, edges, edges[1:]):
        if c == d:
            continue
        chosen = picks[c:d]
        lengths = grouped.lengths.take(chosen, mode="wrap")
        if longest > limit:  # words cut at the limit: their whole-word hash changes
            total[c:d] = word_totals(state, ids, starts[grouped.order[chosen]], lengths, grouped.hashes[chosen]).view(np.uint16)
            continue
        shortest, most = int(lengths[0]), int(lengths[-1])
        picked = letters[:most].take(chosen - a, axis=1, mode="wrap")
        _add_rows(spec, packed, picked, grouped.hashes.take(chosen, mode="wrap"), None if shortest == most else lengths, total[c:d])
        if not packed.counts:
            total[c:d, packed.labels] = feature_counts(spec, lengths)
    return total.view(np.int16)


def _lanes(packed: PackedWeights, count: int) -> np.ndarray:
    """Room for the lanes of ``count`` words' sums (see :func:`word_totals`), uint16."""
    return np.empty((count, max(packed.width, packed.labels + 1)), dtype=np.uint16)


def _add_rows(spec: FeatureSpec, packed: PackedWeights, letters: np.ndarray, hashes: np.ndarray, lengths: np.ndarray | None, out: np.ndarray) -> None:
    """Into ``out`` (uint16 lanes, one word a row), the sums of the weight rows of the words of ``letters``
    (see :func:`~awal.lid.features.word_buckets`) less their offsets."""
    buckets = word_buckets(spec, letters, hashes, lengths)
    width = packed.width
    np.add.reduce(packed.row_bytes(buckets), axis=0, dtype=np.uint16, out=out[:, :width])  # whole planes added, in cache
    out[:, :width] -= OFFSET * len(buckets)  # each row's bytes are its levels plus OFFSET (wraps: int16 lanes)


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
        from .packed import pack_totals

        ids, offsets = symbols(state["table"], *flat(texts))
        found = words(ids, offsets)
        hashes, first, frequency = np.unique(found.hashes, return_index=True, return_counts=True)
        top = np.sort(np.argsort(-frequency, kind="stable")[:size])
        chosen = first[top]
        lanes = word_totals(state, ids, found.starts[chosen], found.lengths[chosen], found.hashes[chosen])
        labels = state["packed"].labels
        return cls(hashes[top], pack_totals(lanes[:, :labels]), lanes[:, labels].astype(np.int64))

    @lazy
    def levels(self) -> np.ndarray:
        """int32 ``(words, lanes + 1)``: each word's level sums per lane of its packed total (one lane
        per label, then zeros), then its feature count."""
        lanes = self.totals.shape[1] * LANES
        out = np.empty((len(self.hashes), lanes + 1), dtype=np.int32)
        out[:, :-1] = unpack_totals(self.totals, lanes)
        out[:, -1] = self.counts
        return out

    def rows(self, labels: int) -> np.ndarray:
        """The words' level sums and feature count as int16 lanes, one void item each (a power of two
        bytes): label ``l``'s sum in lane ``l``, the count in lane ``labels`` (built once per number of labels)."""
        if ("rows", labels) not in self._derived:
            lanes = np.zeros((len(self.hashes), 1 << labels.bit_length()), dtype=np.int16)  # labels + 1 lanes at least
            lanes[:, :labels] = self.levels[:, :labels]
            lanes[:, labels] = self.counts
            self._derived["rows", labels] = lanes.view(np.dtype((np.void, 2 * lanes.shape[1]))).ravel()
        return self._derived["rows", labels]

    def differences(self, scale: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
        """Each word's :func:`difference` between the labels of index ``pair`` (built once per pair and scale)."""
        key = ("differences", pair, scale.tobytes())
        if key not in self._derived:
            self._derived[key] = difference(self.levels[:, :-1], self.counts, scale, pair)
        return self._derived[key]

    @lazy
    def _derived(self) -> dict:
        return {}

    @lazy
    def slots(self) -> np.ndarray:
        """An open-addressing index of :attr:`hashes`: per slot a 16-byte record, uint64 ``(hash, position)``
        (position ``-1``: empty). A word sits at the slot its mixed hash points to or in the next ones (linear
        probing), so finding a batch of words costs a few gathers from a small table instead of a
        binary search each (3x faster); one gather reads a slot's hash and position together (one cache miss)."""
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
        records = np.empty((len(table), 2), dtype=np.uint64)
        records[:, 0] = np.where(table >= 0, self.hashes[np.maximum(table, 0)] if len(self.hashes) else 0, 0)
        records[:, 1] = table.view(np.uint64)
        return records.view(np.dtype((np.void, 16))).ravel()

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(found, position)``: which ``hashes`` are here, and where (``position`` is 0 where not found)."""
        if not len(self.hashes):
            return np.zeros(len(hashes), dtype=bool), np.zeros(len(hashes), dtype=np.int64)
        records = self.slots
        slot = _home(hashes, len(records))
        record = records.take(slot, mode="wrap").view(np.uint64).reshape(-1, 2)
        entry = record[:, 1].view(np.int64)
        position = np.where(record[:, 0] == hashes, entry, -1)
        probe = ((position < 0) & (entry >= 0)).nonzero()[0]  # another word holds the slot: look further
        while len(probe):
            slot[probe] = (slot[probe] + 1) % len(records)
            record = records.take(slot[probe]).view(np.uint64).reshape(-1, 2)
            entry = record[:, 1].view(np.int64)
            hit = record[:, 0] == hashes[probe]
            position[probe] = np.where(hit, entry, -1)
            probe = probe[~hit & (entry >= 0)]
        found = position >= 0
        return found, np.maximum(position, 0)


def difference(levels: np.ndarray, counts: np.ndarray, scale: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """Per word, the difference of its scores for the labels of index ``pair`` alone: their summed
    weights over the square root of its number of features (see :mod:`awal.lid.dialect`)."""
    first, second = pair
    return (levels[:, first] * scale[first] - levels[:, second] * scale[second]) / np.sqrt(np.maximum(counts, 1).astype(np.float64))


def distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(firsts, inverse)``: one index of each distinct value of ``keys`` (uint64) and, for every key, the
    number of its value among them (``keys[firsts][inverse] == keys``), without sorting: each round writes
    every pending key's index into a table slot chosen by its mixed value and reads the slot back; keys
    that read an index of their own value are done (all keys of one value always share a slot).

    >>> firsts, inverse = distinct(np.array([7, 3, 7, 9, 3], dtype=np.uint64))
    >>> np.array([7, 3, 7, 9, 3])[firsts][inverse].tolist(), len(firsts)
    ([7, 3, 7, 9, 3], 3)
    """
    n = len(keys)
    bits = max(4, (4 * n).bit_length())  # a table 4 to 8 times the keys: few share a slot
    table = np.empty(1 << bits, dtype=np.int64)
    everyone = np.arange(n)
    chosen, pending, pending_keys = everyone, everyone, keys
    for round_, mix in enumerate(_MIXES):
        slot = ((pending_keys * mix) >> np.uint64(64 - bits)).view(np.int64)
        table[slot] = pending  # of several indices for one slot, one stays
        candidate = table.take(slot, mode="wrap")
        if round_ == 0:  # right where the slot's index holds the same value; the others are redone
            chosen = candidate
        else:
            chosen[pending] = candidate
        wrong = (keys.take(candidate, mode="wrap") != pending_keys).nonzero()[0]
        pending, pending_keys = pending.take(wrong, mode="wrap"), pending_keys.take(wrong, mode="wrap")
        if not len(pending):
            break
    else:  # still sharing slots after every mix (never seen): sort the rest
        _, first, inverse = np.unique(pending_keys, return_index=True, return_inverse=True)
        chosen[pending] = pending[first][inverse.ravel()]
    firsts = (chosen == everyone).nonzero()[0]
    number = np.empty(n, dtype=np.int64)
    number[firsts] = np.arange(len(firsts))
    return firsts, number.take(chosen, mode="wrap")


_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIXES = [np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                                 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9)]  # odd: one per round of distinct


def _slot_count(words: int) -> int:
    """A power of two at least 5 times ``words`` (short probe runs: at 2.5 times, a quarter of the
    words looked up went on probing, ~20 rounds of a few NumPy calls each)."""
    return 1 << max(4, int(np.ceil(np.log2(max(words, 1) * 5))))


def _home(hashes: np.ndarray, size: int) -> np.ndarray:
    """The first slot to try for each hash in a table of ``size`` (a power of two) slots."""
    return ((hashes * _MIX) >> np.uint64(64 - size.bit_length() + 1)).astype(np.int64)
