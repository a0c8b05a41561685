"""One short text scored in plain Python: the batch path's numbers without NumPy's per-call costs.

:func:`awal.lid.model.word_sums` scores a batch in about a hundred NumPy calls of a few
microseconds each, whatever the batch's size: a pipeline calling ``awal.identify(s)`` once per
document (``df.text.map(awal.identify)``) paid ~400 µs a call. :class:`OneText` scores one
text with plain Python on the same model arrays and gives the same numbers (tests compare it
with the batch path on arbitrary Unicode):

* symbols: one ``str.translate`` through a table filled from the model's code-point table the
  first time each character is seen (combining marks deleted, boundaries to NUL), one ``split``;
* words: each distinct word's integer level sums, feature count, letters, peak difference and marker kind are
  computed once (cached; a full cache drops its older half): from the model's frequent words
  (:mod:`awal.lid.vocabulary`) by its 64-bit hash, else from its n-grams, each n-gram's weight
  row read from the packed weights on first use (cached likewise);
* a text adds its words' sums in one Python integer (a 32-bit lane per label, exact), then takes
  the float steps of :meth:`~awal.lid.model.Identifier.logits`, the dialect layer included.

A model with parts this module does not know (a state key, a layer's field) gives ``None``
from :func:`one_text`: the caller keeps the batch path, so new model parts stay correct.

>>> from awal.lid.model import Identifier
>>> idf = Identifier()
>>> z, letters = one_text(idf.state).logits("wach nta mzyan")
>>> idf.labels[max(range(len(z)), key=z.__getitem__)], letters
('ary_Latn', 12)
"""

from __future__ import annotations

import math
from dataclasses import fields
from itertools import islice
from operator import mul
from struct import pack
from typing import Any

import numpy as np

from .dialect import FEATURES, Dialect
from .markers import KINDS, NONE, Markers, openers
from .features import _MUL, _ORDER_SALT, _PAIR_MUL, _POSITION_KEYS, BOUNDARY, DROP, ID_BITS, FeatureSpec
from .packed import OFFSET
from .vocabulary import longest_word

KNOWN_STATE = {"labels", "spec", "alphabet", "table", "marked", "packed", "bias", "temperature", "sources", "context",
               "vocabulary", "dialect", "path", "tokens", "one", "markers", "openers"}  # fmt: skip
KNOWN_SPEC = ("orders", "bits", "words", "pairs")
KNOWN_DIALECT = ("first", "second", "weights", "bias")
# Where each path is faster (measured on ../shared/data/lid and FLORES lines, see benchmarks/README.md): a word
# not cached costs ~20 us here, one text ~350 us on the batch path, but a word learnt here is cheap the next time.
LONGEST = 1024  # characters: a longer str goes to the batch path
SMALL_LIST = 2  # a list of up to this many short strings is scored string by string (4: the batch path is faster)
MOST_NEW = 32  # words not cached: a text with more goes to the batch path
WORDS_CACHED = 1 << 15  # distinct words whose sums stay cached (the oldest half goes when full; ~25 MB with the n-grams)
GRAMS_CACHED = 1 << 16  # distinct n-grams whose weight rows stay cached (likewise)
MASK64 = (1 << 64) - 1
ROW_BITS = 16  # lanes of a word's sum of n-gram rows: at most packed.MAX_FEATURES levels +-127, each offset by ROW_OFFSET
ROW_OFFSET = OFFSET
TEXT_BITS = 32  # lanes of a text's sum of word rows, each word's offset by WORD_OFFSET
WORD_OFFSET = 1 << 16
BOUNDARY_CHAR = chr(BOUNDARY)
MARKER_BITS = 24  # a word's marker kind (awal.lid.markers) as 1 in its kind's lane of this many bits: a text (of at most LONGEST characters) sums them at once
MARKER_LANE = (1 << MARKER_BITS) - 1
_KEYS = [int(key) for key in _POSITION_KEYS.tolist()]
_KEY_SUMS = [sum(_KEYS[:n]) for n in range(len(_KEYS) + 1)]


class _Symbols(dict):
    """``str.translate`` table: a code point -> its symbol as one character, ``None`` for a
    combining mark; filled from the model's dense table on first sight of each code point."""

    def __init__(self, table: np.ndarray):
        super().__init__()
        self.table = table

    def __missing__(self, cp: int) -> str | None:
        symbol = int(self.table[cp])
        self[cp] = value = None if symbol == DROP else chr(symbol)
        return value


class OneText:
    """Scores of one text from a model ``state`` (see :class:`~awal.lid.model.Identifier`)."""

    def __init__(self, state: dict):
        self.parts = _parts(state)
        spec, packed, vocabulary = state["spec"], state["packed"], state["vocabulary"]
        self.labels = packed.labels
        self.symbols = _Symbols(state["table"])
        self.letter = state["alphabet"].letter.tolist()
        self.orders = tuple(sorted(spec.orders))
        self.shift = 64 - spec.bits
        self.with_words, self.with_pairs = spec.words, spec.pairs
        self.limit = longest_word(spec)
        self.packed = packed
        self.scale = packed.scale.tolist()
        self.grams: dict[str, int] = {}  # a feature (see _features) -> its weight levels (see _packed_rows)
        self.vocabulary = vocabulary
        self.frequent = dict(zip(vocabulary.hashes.tolist(), range(len(vocabulary.hashes))))
        self.lanes = f"<{self.labels + 1}I"  # a word's sums as bytes (TEXT_BITS lanes)
        self.words: dict[str, tuple[int, int, float, int, int]] = {}  # see _learn
        self.opening = frozenset(np.flatnonzero(openers(state)).tolist())  # a marker word's first symbol

    def logits(self, text: str) -> tuple[list[float], int] | None:
        """Calibrated log-scores of ``text`` per label (:meth:`~awal.lid.model.Identifier.logits`) and its
        letters; ``None`` for a text with more than :data:`MOST_NEW` words not cached (the batch path is faster)."""
        state, cache = self.parts[0], self.words
        words = [w for w in text.translate(self.symbols).split(BOUNDARY_CHAR) if w]
        found = list(map(cache.get, words))
        if None in found:
            new = [w for w, entry in zip(words, found) if entry is None]
            if len(new) > MOST_NEW:
                return None
            learnt = self._learn(new)
            found = [learnt[w] if entry is None else entry for w, entry in zip(words, found)]
        packed, letters, peaks, hashes, marked = zip(*found) if found else ((), (), (), (), ())
        labels, scale = self.labels, self.scale
        total = sum(packed)
        count = total >> (TEXT_BITS * labels)
        offset = WORD_OFFSET * len(found)
        lane = (1 << TEXT_BITS) - 1
        sums = [(((total >> (TEXT_BITS * label)) & lane) - offset) * scale[label] for label in range(labels)]
        if self.with_pairs and len(found) > 1:  # as the batch path: each pair's row in floats, then their sum
            pair_mul, mul, salt = int(_PAIR_MUL), int(_MUL), 8 << _ORDER_SALT
            rows = self._packed_rows([((((a * pair_mul + b) & MASK64) ^ salt) * mul & MASK64) >> self.shift for a, b in zip(hashes, hashes[1:])])
            pairs = [0.0] * labels
            for row in rows:
                pairs = [p + (((row >> (ROW_BITS * label)) & 0xFFFF) - ROW_OFFSET) * scale[label] for label, p in enumerate(pairs)]
            sums = [s + p for s, p in zip(sums, pairs)]
            count += len(rows)
        root = math.sqrt(max(count, 1))
        temperature = state["temperature"]
        z = [(s / root + b) / temperature for s, b in zip(sums, state["bias"].tolist())]
        layer = state.get("dialect")
        if layer is not None:
            lanes = sum(marked)  # the three kinds' counts (KINDS), one lane each
            peak = max(peaks, default=0.0)
            z = layer.apply_one(z, [peak, lanes & MARKER_LANE, (lanes >> MARKER_BITS) & MARKER_LANE, lanes >> 2 * MARKER_BITS] if lanes else [peak, 0, 0, 0])
        return z, sum(letters)

    def probabilities(self, text: str, log_prior: list[float] | None = None) -> tuple[list[float], int] | None:
        """:meth:`~awal.lid.model.Identifier.probabilities` of ``text`` (``log_prior``: per label, ``None`` for none);
        ``None`` where :meth:`logits` gives it."""
        scored = self.logits(text)
        if scored is None:
            return None
        z, letters = scored
        if log_prior is not None:
            z = [a + b for a, b in zip(z, log_prior)]
        top = max(z)
        p = [math.exp(a - top) for a in z]
        total = sum(p)
        return [a / total for a in p], letters

    def _learn(self, words: list[str]) -> dict[str, tuple[int, int, float, int, int]]:
        """Put ``words`` (given as symbols) in the cache (and return them) as ``(sums, letters, peak difference, hash,
        marker)`` (``marker``: 1 in the lane of its kind of :mod:`awal.lid.markers`, see :data:`MARKER_BITS`; 0 for none):
        ``sums`` holds a word's level sums per label in lanes of :data:`TEXT_BITS` bits (each offset
        by :data:`WORD_OFFSET`) and its number of features above them. A word among the model's
        frequent words takes its row from there, any other one sums the rows of its n-grams."""
        cache = self.words
        _forget_oldest(cache, len(words), WORDS_CACHED)  # concurrent calls: each reads what it learnt, never a cache entry twice
        state = self.parts[0]
        layer = state.get("dialect")
        labels, scale = self.labels, self.scale
        learnt = []
        for word in dict.fromkeys(words):
            ids = [ord(ch) for ch in word]
            whole = _word_hash(ids)
            position = self.frequent.get(whole)
            learnt.append((word, ids, whole, position, None if position is not None else self._features(word[: self.limit])))
        grams = self.grams
        rows: dict[Any, Any] = {key: grams.get(key) for *_, keys in learnt if keys is not None for key in keys}  # what this call reads
        missing = [key for key, row in rows.items() if row is None]
        if missing:
            _forget_oldest(grams, len(missing), GRAMS_CACHED)
            rows.update(zip(missing, self._packed_rows([self._bucket(key) for key in missing])))
            grams.update((key, rows[key]) for key in missing)
        out = {}
        for word, ids, whole, position, keys in learnt:
            if keys is None:
                *levels, count = self.vocabulary.levels[position].tolist()
            else:
                count = len(keys)
                total = sum(map(rows.__getitem__, keys))
                levels = [((total >> (ROW_BITS * label)) & 0xFFFF) - ROW_OFFSET * count for label in range(labels)]
            packed = int.from_bytes(pack(self.lanes, *(level + WORD_OFFSET for level in levels[:labels]), count), "little")
            peak, marker = 0.0, 0
            if layer is not None:
                first, second = layer.first, layer.second
                peak = (levels[first] * scale[first] - levels[second] * scale[second]) / math.sqrt(max(count, 1))
                if ids[0] in self.opening:  # the lists are built on the first word that may be one of them
                    kind = Markers.of(state).word_kind(ids, whole)
                    marker = 0 if kind == NONE else 1 << (MARKER_BITS * KINDS.index(kind))
            out[word] = (packed, sum(map(self.letter.__getitem__, ids)), peak, whole, marker)
        cache.update(out)
        return out

    def _features(self, word: str) -> list[str]:
        """The features of a word (given as symbols) as keys of :attr:`grams`: its n-grams (those of
        :func:`~awal.lid.features.word_buckets`: a letter; or inside the word and its boundaries, not
        the whole word with both), then the word between its boundaries for the whole-word feature
        (never an n-gram: that n-gram is left out)."""
        padded = BOUNDARY_CHAR + word + BOUNDARY_CHAR
        size = len(word)
        out: list[str] = []
        for n in self.orders:
            out += word if n == 1 else [padded[i : i + n] for i in range(1 if n == size + 2 else 0, size + 3 - n)]
        if self.with_words:
            out.append(padded)
        return out

    def _bucket(self, key: str) -> int:
        """The hash bucket of a key of :meth:`_features` (see :mod:`awal.lid.features`)."""
        if len(key) > 1 and key[0] == key[-1] == BOUNDARY_CHAR:  # a whole word
            value, salt = _word_hash([ord(ch) for ch in key[1:-1]]), 7
        else:
            value, salt = 0, len(key)
            for ch in key:
                value = (value << ID_BITS) | ord(ch)
        return (((value ^ (salt << _ORDER_SALT)) * int(_MUL)) & MASK64) >> self.shift

    def _packed_rows(self, buckets: list[int]) -> list[int]:
        """The rows of ``buckets`` as integers, a lane of :data:`ROW_BITS` bits per label (offset by
        :data:`ROW_OFFSET`, so that sums of rows never borrow across lanes): the packed row's bytes
        (:mod:`awal.lid.packed`: each label's level plus the offset) widened to 16 bits."""
        data = self.packed.row_bytes(np.array(buckets, dtype=np.int64)).astype("<u2").tobytes()
        size = 2 * self.packed.width
        return [int.from_bytes(data[i : i + size], "little") for i in range(0, len(data), size)]


def _forget_oldest(cache: dict, coming: int, room: int) -> None:
    """Drop the older half of ``cache`` when ``coming`` more entries would not fit in ``room``."""
    if len(cache) + coming > room:
        for key in list(islice(cache, len(cache) // 2)):
            cache.pop(key, None)  # another thread may have dropped it


def _word_hash(ids: list[int]) -> int:
    """:func:`~awal.lid.features.word_hashes` of one word: ``sum((id + 1) * key[position])``,
    positions past the last key sharing it."""
    head = len(_KEYS)
    value = sum(map(mul, ids, _KEYS)) + _KEY_SUMS[min(len(ids), head)]
    if len(ids) > head:
        value += (sum(ids[head:]) + len(ids) - head) * _KEYS[-1]
    return value & MASK64


def _parts(state: dict) -> tuple:
    """What :class:`OneText` reads from ``state``: a change of any of them means a new one."""
    return state, state["table"], state["spec"], state["packed"], state["vocabulary"], state.get("dialect")


def _known(state: dict) -> bool:
    """Whether every part of the model is one this module scores as the batch path does."""
    layer = state.get("dialect")
    return (
        set(state) <= KNOWN_STATE
        and type(state["spec"]) is FeatureSpec
        and tuple(f.name for f in fields(FeatureSpec)) == KNOWN_SPEC
        and (layer is None or (type(layer) is Dialect and tuple(f.name for f in fields(Dialect)) == KNOWN_DIALECT and len(FEATURES) == 5))
    )


def one_text(state: dict) -> OneText | None:
    """The :class:`OneText` of a model ``state`` (built once, kept in it), or ``None`` for a model
    with parts this module does not know."""
    one = state.get("one")
    if one is not None and all(a is b for a, b in zip(one.parts, _parts(state))):
        return one
    if not _known(state):
        return None
    state["one"] = one = OneText(state)
    return one
