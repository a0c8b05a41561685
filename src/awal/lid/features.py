"""Hashed character n-gram features of many texts at once, on the flat code-point buffer.

Every code point goes through one table to a small *symbol* id: letters are case-folded
(Arabic presentation forms to their letters), combining marks are dropped, punctuation,
symbols and spaces become the word boundary ``0``. Symbols seen often in training keep an
id of their own; rare letters fall back to one id per script. An n-gram (``n`` in
``orders``) is the ids of ``n`` consecutive symbols packed into one integer
(``ID_BITS`` bits each), hashed into ``2 ** bits`` buckets. Only n-grams inside one word
count: a boundary may open or close one (``" ka"``, ``"ni "``, ``" wa "`` is the
whole word) but never sit inside it, so no n-gram spans two words or two texts.
Whole words and pairs of consecutive words of one text can be features too
(``FeatureSpec.words``, ``FeatureSpec.pairs``): Darija and MSA share most letters but
not their function words (ديال، هاد، اللي، باش against هذا، الذي، التي).

All of it is NumPy over the whole batch: one table lookup, one insertion of the
boundaries between texts, then a shift, or, multiply and shift per order.

>>> alphabet = Alphabet.build(["kayn bzaf", "il y a"])
>>> spec = FeatureSpec(orders=(1, 2, 3), bits=10)
>>> feats = extract(alphabet, spec, *flat(["kayn", "", "!!"]))
>>> feats.counts.tolist(), feats.letters.tolist()
([14, 0, 0], [4, 0, 0])
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from ..kernels import UNICODE_SIZE, _kept, ranges, remove
from ..lazy import lazy
from ..unicode import CATEGORIES, SCRIPTS, general_category_table, script_table

ID_BITS = 10  # bits per symbol in a packed n-gram: at most 1024 symbols, 6-grams fit in 64 bits
MAX_SYMBOLS = 1 << ID_BITS
BOUNDARY, DROP = 0, 0xFFFF  # symbol of spaces/punctuation; marker of a code point to delete
DIGIT_MARK = 0x8000  # added to the id of a symbol that is not a letter (a digit) in a marked table (Alphabet.table)
FALLBACK = {"Arab": 1, "Latn": 2, "Tfng": 3}  # rare letters of these scripts share one id
OTHER_LETTER, DIGIT = 4, 5
FIRST_OWN = 6  # the first id given to a symbol of its own
_MUL = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing
_ORDER_SALT = 52  # the order of an n-gram is mixed in above the packed ids (6 * 10 bits < 52 + 3)
_PAIR_MUL = np.uint64(0xC2B2AE3D27D4EB4F)  # mixes the first word of a pair before adding the second
_SALTED = [np.uint64(((n << _ORDER_SALT) * int(_MUL)) & ((1 << 64) - 1)) for n in range(_ORDER_SALT // ID_BITS + 1)]  # salt * M


@dataclass(frozen=True)
class FeatureSpec:
    """Which n-grams are counted and how many hash buckets they share."""

    orders: tuple[int, ...] = (1, 2, 3, 4, 5)
    bits: int = 18
    words: bool = True  # one more feature per word: the hash of the whole word
    pairs: bool = False  # one more per pair of consecutive words of a text (word bigrams)

    def __post_init__(self) -> None:
        if not self.orders or min(self.orders) < 1 or max(self.orders) * ID_BITS > _ORDER_SALT:
            raise ValueError(f"n-gram orders must lie in 1..{_ORDER_SALT // ID_BITS}, got {self.orders}")
        if not 8 <= self.bits <= 24:
            raise ValueError(f"bits must lie in 8..24, got {self.bits}")

    @property
    def size(self) -> int:
        """Number of buckets; bucket ``size`` itself is the empty feature (weights zero)."""
        return 1 << self.bits


def fold_table() -> np.ndarray:
    """The code point each code point counts as: lower case, presentation forms unfolded,
    0 for boundaries, :data:`DROP` for combining marks (uint32, one entry per code point)."""
    category = general_category_table()
    letter_or_digit = np.isin(category, [CATEGORIES.index(c) for c in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")])
    table = np.where(letter_or_digit, np.arange(UNICODE_SIZE, dtype=np.uint32), BOUNDARY).astype(np.uint32)
    table[np.isin(category, [CATEGORIES.index("Mn"), CATEGORIES.index("Me")])] = DROP
    folded = np.flatnonzero(np.isin(category, [CATEGORIES.index(c) for c in ("Lu", "Lt")]))
    special = np.r_[np.arange(0xFB50, 0xFE00), np.arange(0xFE70, 0xFF00), np.arange(0xFF10, 0xFF5B)]
    for cp in np.union1d(folded, special[letter_or_digit[special]]).tolist():
        key = unicodedata.normalize("NFKC", chr(cp)).lower()
        key = "".join(ch for ch in key if not unicodedata.combining(ch)) or chr(cp).lower()
        table[cp] = ord(key[0])
    return table


@dataclass(frozen=True)
class Alphabet:
    """Code point -> symbol id, stored as runs so a model file stays small."""

    run_starts: np.ndarray  # uint32, first code point of each run, ascending, starts at 0
    run_ids: np.ndarray  # uint16, the id of every code point of that run
    letter: np.ndarray  # bool per id: a letter (digits and the boundary are not)

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 3) -> "Alphabet":
        """Own ids for the folded letters and digits seen ``min_count`` times in ``texts``
        (most frequent first, at most :data:`MAX_SYMBOLS`), fallbacks for the rest."""
        fold = fold_table()
        cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        keys, counts = np.unique(fold.take(cps), return_counts=True)
        keep = (keys != BOUNDARY) & (keys != DROP) & (counts >= min_count)
        keys, counts = keys[keep], counts[keep]
        own = keys[np.argsort(-counts, kind="stable")][: MAX_SYMBOLS - FIRST_OWN]
        key_id = np.zeros(UNICODE_SIZE, dtype=np.uint16)
        scripts = script_table()
        for name, fallback in FALLBACK.items():
            key_id[scripts == SCRIPTS.index(name)] = fallback
        category = general_category_table()
        letter = np.isin(category, [CATEGORIES.index(c) for c in ("Lu", "Ll", "Lt", "Lm", "Lo")])
        key_id[letter & (key_id == 0)] = OTHER_LETTER
        key_id[category == CATEGORIES.index("Nd")] = DIGIT
        key_id[own] = np.arange(FIRST_OWN, FIRST_OWN + len(own), dtype=np.uint16)
        ids = np.where(fold == DROP, DROP, key_id.take(np.minimum(fold, UNICODE_SIZE - 1)))
        ids[fold == BOUNDARY] = BOUNDARY
        is_letter = np.ones(MAX_SYMBOLS, dtype=bool)
        is_letter[[BOUNDARY, DIGIT]] = False
        own_digits = category[own] == CATEGORIES.index("Nd")
        is_letter[FIRST_OWN + np.flatnonzero(own_digits)] = False
        return cls.from_table(ids.astype(np.uint16), is_letter)

    @classmethod
    def from_table(cls, table: np.ndarray, letter: np.ndarray) -> "Alphabet":
        starts = np.flatnonzero(np.r_[True, table[1:] != table[:-1]]).astype(np.uint32)
        return cls(starts, table[starts].astype(np.uint16), letter)

    def table(self, marked: bool = False) -> np.ndarray:
        """The dense uint16 table (one entry per code point); ``marked``: with :data:`DIGIT_MARK`
        added to the ids that are neither letters nor the boundary (see :func:`marked_symbols`).

        >>> alphabet = Alphabet.build(["ab 12"] * 3)
        >>> [bool(alphabet.table(marked)[ord(ch)] >= DIGIT_MARK) for marked in (False, True) for ch in "a1 "]
        [False, False, False, False, True, False]
        """
        lengths = np.diff(np.r_[self.run_starts.astype(np.int64), UNICODE_SIZE])
        ids = self.run_ids
        if marked:
            symbol = ids < MAX_SYMBOLS  # not DROP
            digit = symbol & (ids != BOUNDARY)
            digit[symbol] &= ~self.letter[ids[symbol]]
            ids = ids | np.where(digit, DIGIT_MARK, 0).astype(np.uint16)
        return np.repeat(ids, lengths)


def flat(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(code points, offsets)`` of ``texts`` (one join, one encode).

    >>> [a.tolist() for a in flat(["ab", "c"])]
    [[97, 98, 99], [0, 2, 3]]
    """
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=offsets[1:])
    return cps, offsets


@dataclass(frozen=True)
class Features:
    """Buckets of a batch of texts, position-major: text ``i`` owns
    ``buckets[starts[i]:starts[i + 1]]``; ``counts`` = its non-empty features,
    ``letters`` = its letters (digits and boundaries excluded)."""

    buckets: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    letters: np.ndarray


def symbols(table: np.ndarray, cps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symbol ids of a batch, combining marks removed (offsets follow)."""
    ids = table.take(cps)
    drop = ids == DROP
    if drop.any():
        ids, offsets, _ = remove(ids, offsets, ~drop, align=False)
    return ids, offsets


def marked_symbols(marked: np.ndarray, cps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`symbols` through a marked table (:meth:`Alphabet.table`): ``(ids, offsets, digits)``, the
    marks taken off the ids and ``digits`` the positions of the marked ones. One comparison finds the
    digits and the combining marks (:data:`DROP` is above :data:`DIGIT_MARK` too), both few.

    >>> marked = np.array([0, 7, 5 | DIGIT_MARK, DROP], dtype=np.uint16)
    >>> [a.tolist() for a in marked_symbols(marked, np.array([1, 3, 2, 0, 2]), np.array([0, 3, 5]))]
    [[7, 5, 0, 5], [0, 2, 4], [1, 3]]
    """
    ids = marked.take(cps, mode="wrap")
    high = (ids >= DIGIT_MARK).nonzero()[0]
    drop = ids[high] == DROP
    if drop.any():
        gone = high[drop]
        keep = np.ones(len(ids), dtype=bool)
        keep[gone] = False
        ids = _kept(ids, keep)
        offsets = offsets - np.searchsorted(gone, offsets)
        high = high[~drop]
        high -= np.searchsorted(gone, high)
    if len(high):
        ids[high] -= DIGIT_MARK
    return ids, offsets, high


# Odd 64-bit keys, one per position in a word: np.random.default_rng(20261130).integers(1, 1 << 63, size=64,
# dtype=np.uint64) | 1, written out so that scoring never imports numpy.random (a test checks the two agree).
# Every model's frequent-word hashes depend on them: they never change.
_POSITION_KEYS = np.array([
    0x53dc352466a255b5, 0x29521a3d383589d3, 0x3da9c69373f757e5, 0xa1d43874cd1649,
    0x37d63c7c5c1f96a7, 0x3b1842b4cba6d483, 0x40eb4bb5b1549d0f, 0x573ef2d6f331553d,
    0x66e4e8053d1382b3, 0x74bda9bcc4a4b453, 0x7358314c3f04f8e1, 0x4cc75aa4e542609d,
    0x5e85471464bca36b, 0x30dfd4f6462fa7c5, 0x56820a9107477fdb, 0x5d30dec979268027,
    0x2e00b2426e6bd0d1, 0x5a1b49a595e9ebb9, 0xcfe7f72c64bf307, 0x34cbedd733f0179f,
    0x7be19067f2c8803, 0x6d5aaf2b6bab657b, 0x497c573eeaf7dd65, 0x1f27de3818bd7ae7,
    0xabc02455a809899, 0x14e43bf8fa2907e9, 0x31ff6f234aa18ea7, 0x5b654a82054fa69d,
    0x6cc6bb70adc195e3, 0x4420dc78f927f07d, 0x675a7e4a9d108b1b, 0x6be982fbb2830343,
    0x2ef65cce2c188afd, 0x72882f7818374c2d, 0x7601240dc0d828bb, 0x2292e5bc4c458941,
    0x1847edcee8dba193, 0x4ed98169828b96df, 0x19b333b7ae17f66d, 0x773fd43b546e9e3b,
    0x20f3c5860e2c8531, 0x5f76f0fb0d3ab30d, 0x183bafccfa5ccf8d, 0x3c5565aa1f0289b7,
    0x75c341e3c4cdbef3, 0x287eec88b401370b, 0x5d2bf296ecf7ba5b, 0x503c37d5cde68b4d,
    0x481566de26489199, 0x400c52cc519f63e3, 0x46d131c19e3eeb45, 0x17d4ffc0ad863d63,
    0x4c65ce6dca4d55cf, 0x63ef712d508fc8c1, 0x53261b415dcb4a5b, 0x60b6b38788787cc7,
    0x2cc423de103c5737, 0x5187676cf9acae59, 0x7d27504a9c6fb699, 0x44b9f622ffbfb3d5,
    0x787ac742f5fe16c1, 0x6af8d0333d307a17, 0x30652c836f4bb97d, 0x7dd1b9863e4b02bd,
], dtype=np.uint64)  # fmt: skip
_KEY_SUMS = np.r_[np.uint64(0), np.cumsum(_POSITION_KEYS, dtype=np.uint64)]  # the sum of the first n keys (wrapping)


def _word_columns(padded: np.ndarray, space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, hashes)`` of the whole words of ``padded`` (boundaries where ``space``), each
    at its leading boundary (:func:`word_hashes`)."""
    boundaries = np.flatnonzero(space)
    lengths = np.diff(boundaries) - 1
    filled = lengths > 0
    positions = boundaries[:-1][filled]
    return positions, word_hashes(padded, positions + 1, lengths[filled])


def _bucket_of_word(hashes: np.ndarray, shift: np.uint64) -> np.ndarray:
    return (((hashes ^ np.uint64(7 << _ORDER_SALT)) * _MUL) >> shift).view(np.int64)


def pair_buckets(first: np.ndarray, second: np.ndarray, shift: np.uint64) -> np.ndarray:
    """Buckets of word pairs from the 64-bit hashes of their first and second words."""
    return ((((first * _PAIR_MUL) + second) ^ np.uint64(8 << _ORDER_SALT)) * _MUL >> shift).view(np.int64)


def _pair_columns(padded: np.ndarray, text_starts: np.ndarray, shift: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, buckets)`` of the pairs of consecutive words of one text, each at the
    leading boundary of its second word (``text_starts``: the texts' leading boundaries)."""
    positions, hashes = _word_columns(padded, padded == BOUNDARY)
    text = np.searchsorted(text_starts, positions, side="right")
    same = text[1:] == text[:-1]
    return positions[1:][same], pair_buckets(hashes[:-1][same], hashes[1:][same], shift)


def extract(alphabet: Alphabet, spec: FeatureSpec, cps: np.ndarray, offsets: np.ndarray, table: np.ndarray | None = None) -> Features:
    """Hashed n-gram buckets of every text of the batch ``(cps, offsets)``
    (``table``: ``alphabet.table()`` when the caller keeps it)."""
    ids, offsets = symbols(alphabet.table() if table is None else table, cps, offsets)
    return extract_ids(alphabet, spec, ids, offsets)


def pad(ids: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symbols with a boundary before every text and one at the end, and the position of
    every text's leading boundary (plus the final one).

    >>> [a.tolist() for a in pad(np.array([7, 8, 9], dtype=np.uint16), np.array([0, 2, 2, 3]))]
    [[0, 7, 8, 0, 0, 9, 0], [0, 3, 4, 6]]
    """
    n_texts = len(offsets) - 1
    padded = np.append(np.insert(ids, offsets[:-1], BOUNDARY), np.uint16(BOUNDARY)).astype(np.uint16)
    return padded, np.r_[offsets[:-1] + np.arange(n_texts), len(padded) - 1]


def columns(spec: FeatureSpec, padded: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each n-gram order (then whole words): ``(positions, buckets)`` of the non-empty
    features, by the position in ``padded`` where each starts (ascending)."""
    size = len(padded)
    space = padded == BOUNDARY
    space_before = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(space, out=space_before[1:])  # boundaries in padded[:i]
    shift = np.uint64(64 - spec.bits)
    for n, gram in _grams(spec, padded):
        if size < n:  # a batch shorter than the order
            yield np.zeros(0, np.int64), np.zeros(0, np.int64)
            continue
        if n == 1:
            valid = ~space
        else:  # no boundary strictly inside, and not two boundaries at the ends (an empty word)
            inside = space_before[n - 1 : size] - space_before[1 : size - n + 2]
            valid = (inside == 0) & ~(space[: size - n + 1] & space[n - 1 :])
        positions = np.flatnonzero(valid)
        yield positions, _hash(gram[positions], n, shift)
    if spec.words:
        positions, hashes = _word_columns(padded, space)
        yield positions, _bucket_of_word(hashes, shift)


def _grams(spec: FeatureSpec, padded: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """``(n, packed n-grams starting at every position)`` for each order of ``spec``."""
    wide = padded.astype(np.uint64, copy=False)
    gram = wide
    for n in range(1, max(spec.orders) + 1):
        if n > 1:
            gram = (gram[:-1] << np.uint64(ID_BITS)) | wide[n - 1 :]
        if n in spec.orders:
            yield n, gram


def _hash(grams: np.ndarray, n: int, shift: np.uint64) -> np.ndarray:
    return (((grams ^ np.uint64(n << _ORDER_SALT)) * _MUL) >> shift).view(np.int64)


def word_buckets(spec: FeatureSpec, letters: np.ndarray, hashes: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """The buckets of every feature of ``m`` words, feature-major: ``letters`` ``(L, m)`` holds
    their symbol ids one letter per row, ``hashes`` their :func:`word_hashes`, the result
    ``(features, m)`` one feature per row (the same features as :func:`columns` finds in those words:
    n-grams inside each, then the whole word). Words of one length share one layout, so no search
    and no segment sums are needed, and summing weight rows over the first axis adds whole
    contiguous planes. ``lengths``: the words' lengths when some are shorter than ``L`` (their rows
    past it are ignored, their missing features are the empty bucket ``spec.size``).

    Each letter is multiplied by the hash constant once: ``(gram << 10 | id) * M`` is
    ``(gram * M << 10) + id * M`` (wrapping), and the order salt above the packed ids adds
    ``salt * M``, so every order takes a shift and two additions from the one before.

    >>> padded, _ = pad(np.array([7, 8, 9, 8, 9], dtype=np.uint16), np.array([0, 2, 4, 5]))
    >>> spec = FeatureSpec(orders=(1, 2, 3), bits=8)
    >>> letters = np.array([[7, 9], [8, 8]], dtype=np.uint16)  # the words 7 8 and 9 8
    >>> hashes = word_hashes(letters.T.ravel(), np.array([0, 2]), np.array([2, 2]))
    >>> found = sorted(b for _, buckets in columns(spec, padded[:7]) for b in buckets.tolist())
    >>> sorted(word_buckets(spec, letters, hashes).ravel().tolist()) == found, word_buckets(spec, letters, hashes).shape
    (True, (8, 2))
    >>> found = sorted(b for _, buckets in columns(spec, padded) for b in buckets.tolist())
    >>> hashes = word_hashes(np.array([7, 8, 9, 8, 9], dtype=np.uint16), np.array([0, 2, 4]), np.array([2, 2, 1]))
    >>> got = word_buckets(spec, np.array([[7, 9, 9], [8, 8, 0]], dtype=np.uint16), hashes, np.array([2, 2, 1]))
    >>> sorted(b for b in got.ravel().tolist() if b != spec.size) == found
    True
    """
    length, count = letters.shape
    orders = [n for n in sorted(spec.orders) if n <= length + 1]  # longer: only the whole word is left (its own feature)
    out = np.empty((sum(length if n == 1 else length + 3 - n for n in orders) + spec.words, count), dtype=np.uint64)
    single = np.zeros((length + 2, count), dtype=np.uint64)  # id * M, a boundary (0) before and after every word
    np.multiply(letters, _MUL, out=single[1:-1], dtype=np.uint64)
    if lengths is not None:
        beyond = np.arange(length + 2)[:, None] > lengths  # position in single past each word's end
        np.copyto(single, 0, where=beyond)  # a boundary after each word's end
    shift = np.uint64(64 - spec.bits)
    gram, n, row = single, 1, 0
    for order in orders:
        while n < order:
            if gram is single:
                gram = single[:-1] << np.uint64(ID_BITS)
            else:  # in place: the rows of the orders before are written out
                gram = gram[:-1]
                gram <<= np.uint64(ID_BITS)
            gram += single[n:]
            n += 1
        part = gram[1:-1] if n == 1 else gram
        rows = out[row : row + len(part)]
        np.add(part, _SALTED[n], out=rows)
        if lengths is not None:  # a letter past the end; or an n-gram reaching past the boundary after it
            rows >>= shift
            np.copyto(rows, spec.size, where=beyond[1 : length + 1] if n == 1 else beyond[n - 2 : n - 2 + len(part)])
            if n > 2:  # the whole word with both boundaries is not an n-gram (it is the word feature)
                rows[0, lengths == n - 2] = spec.size
        row += len(part)
    if lengths is None:  # words of one length: every order's rows shifted at once
        out[:row] >>= shift
    if spec.words:
        out[row] = _bucket_of_word(hashes, shift)
    return out.view(np.int64)


def feature_counts(spec: FeatureSpec, lengths: np.ndarray) -> np.ndarray:
    """The number of features of words of ``lengths`` letters (what :func:`word_buckets` gives them).

    >>> feature_counts(FeatureSpec(orders=(1, 2, 3)), np.array([1, 2, 5])).tolist()
    [4, 8, 17]
    """
    counts = np.full(len(lengths), int(spec.words), dtype=np.int64)
    for n in spec.orders:
        counts += lengths if n == 1 else np.where(lengths + 1 >= n, lengths + 3 - n, 0)
    return counts


def extract_ids(alphabet: Alphabet, spec: FeatureSpec, ids: np.ndarray, offsets: np.ndarray) -> Features:
    """:func:`extract` on symbol ids (see :func:`symbols`)."""
    padded, starts_pos = pad(ids, offsets)
    k = len(spec.orders) + spec.words + spec.pairs
    buckets = np.full((len(padded), k), spec.size, dtype=np.int64)
    for column, (positions, values) in enumerate(columns(spec, padded)):
        buckets[positions, column] = values
    if spec.pairs:
        positions, values = _pair_columns(padded, starts_pos[:-1], np.uint64(64 - spec.bits))
        buckets[positions, k - 1] = values
    flat_buckets = buckets.reshape(-1)
    starts = starts_pos * k  # the final boundary's row belongs to no text
    counts = np.diff(np.r_[0, np.cumsum(flat_buckets != spec.size)][starts])
    letters = np.diff(np.r_[0, np.cumsum(alphabet.letter.take(padded))][starts_pos])
    return Features(flat_buckets, starts, counts, letters)


@dataclass(frozen=True)
class Words:
    """The words (maximal runs of non-boundary symbols) of a batch: ``starts``/``lengths`` in the
    symbol buffer, ``bounds`` (text ``i``'s words are ``bounds[i]:bounds[i + 1]``), their
    :class:`LengthGroups` (letters and 64-bit hashes, by length), the :attr:`hashes` in text order
    and the :attr:`text` each belongs to."""

    starts: np.ndarray
    lengths: np.ndarray
    bounds: np.ndarray
    grouped: "LengthGroups"

    @lazy
    def hashes(self) -> np.ndarray:
        return self.grouped.in_text_order(self.grouped.hashes)

    @lazy
    def text(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))


def words(ids: np.ndarray, offsets: np.ndarray) -> Words:
    """Every word of the batch, never across two texts.

    >>> w = words(np.array([7, 8, 0, 9, 7, 8], dtype=np.uint16), np.array([0, 4, 6]))
    >>> w.starts.tolist(), w.lengths.tolist(), w.text.tolist(), w.bounds.tolist(), bool(w.hashes[1] == w.hashes[0])
    ([0, 3, 4], [2, 1, 2], [0, 0, 1], [0, 2, 3], False)
    >>> bool(w.hashes[2] == w.hashes[0])
    True
    """
    n = len(ids)
    inside = ids != BOUNDARY
    text_start = np.zeros(n + 1, dtype=bool)
    text_start[offsets[:-1]] = True
    opens = inside.copy()  # a word opens after a boundary or at a text's start
    opens[1:] &= ~inside[:-1] | text_start[1:n]
    closes = inside.copy()
    closes[:-1] &= ~inside[1:] | text_start[1:n]
    starts = opens.nonzero()[0]
    lengths = closes.nonzero()[0] + 1 - starts
    return Words(starts, lengths, np.searchsorted(starts, offsets), grouped_hashes(ids, starts, lengths))


MIN_GROUP = 256  # words: fewer of one length join the next lengths' group (see by_length)


def by_length(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """Items grouped by length, shortest first (``lengths`` below 2**16): ``(order, ordered, groups)``,
    ``order`` the items sorted by length (stable), ``ordered`` their lengths, and per group
    ``(longest, a, b)``: the group is ``order[a:b]``, so arrays permuted once by ``order`` are
    read in slices. One group per length, except that a run of lengths with fewer than
    :data:`MIN_GROUP` items joins the next lengths (fewer NumPy calls for a few words; a small
    input is one group).

    >>> order, ordered, groups = by_length(np.array([2, 1, 2]))
    >>> order.tolist(), ordered.tolist(), groups
    ([1, 0, 2], [1, 2, 2], [(2, 0, 3)])
    """
    counts = np.bincount(lengths)  # items per length
    order = np.argsort(lengths.astype(np.uint8 if len(counts) <= 256 else np.uint16), kind="stable")  # a radix sort
    ordered = np.repeat(np.arange(len(counts)), counts)
    edges = [0]
    for change in np.cumsum(counts[counts > 0])[:-1].tolist():
        if change - edges[-1] >= MIN_GROUP:
            edges.append(change)
    edges = edges + [len(ordered)] if len(ordered) else []
    return order, ordered, [(int(ordered[b - 1]), a, b) for a, b in zip(edges, edges[1:])]


@dataclass(frozen=True)
class LengthGroups:
    """Words grouped by length (:func:`by_length`, lengths clipped at the 64 keyed positions) with
    their letters and hashes: the words ``order[a:b]`` of group ``(longest, a, b)`` of :attr:`groups`
    have their symbol ids in its :attr:`letters` matrix, ``(min(longest, 63), b - a)`` uint16, one letter
    per row (rows past a shorter word's end hold other symbols), and :attr:`hashes` and :attr:`lengths`
    follow ``order`` too."""

    order: np.ndarray
    lengths: np.ndarray
    groups: list[tuple[int, int, int]]
    letters: list[np.ndarray]
    hashes: np.ndarray

    def in_text_order(self, values: np.ndarray) -> np.ndarray:
        """``values`` given in :attr:`order`, put back in the words' own order."""
        out = np.empty_like(values)
        out[self.order] = values
        return out


def grouped_hashes(ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> LengthGroups:
    """The words ``ids[starts[i]:starts[i] + lengths[i]]`` by length, with their letters and
    :func:`word_hashes` (over the words of one length at once; longer words than the 63 keyed
    positions: their first 63 letters so, the others by one sum)."""
    head = len(_POSITION_KEYS) - 1
    order, clipped, groups = by_length(np.minimum(lengths, head + 1))
    ordered_starts = starts.take(order, mode="wrap")
    hashed = np.empty(len(starts), dtype=np.uint64)  # in ``order``
    letters = []
    for longest, a, b in groups:
        position = np.arange(min(longest, head))[:, None]
        letters.append(ids.take(ordered_starts[a:b] + position, mode="wrap"))  # past the end: ignored
        terms = np.multiply(letters[-1], _POSITION_KEYS[: len(position), None], dtype=np.uint64)
        if clipped[a] == longest:
            np.add.reduce(terms, axis=0, dtype=np.uint64, out=hashed[a:b])
            hashed[a:b] += _KEY_SUMS[min(longest, head)]  # the (id + 1): each position's key once more
        else:
            np.copyto(terms, 0, where=position >= clipped[a:b])  # past a shorter word's end
            np.add.reduce(terms, axis=0, dtype=np.uint64, out=hashed[a:b])
            hashed[a:b] += _KEY_SUMS[np.minimum(clipped[a:b], head)]
    ordered = lengths.take(order, mode="wrap")
    rest = ordered - head
    long = (rest > 0).nonzero()[0]  # the letters past the head share the last key
    if len(long):
        tail = ids[ranges(ordered_starts[long] + head, rest[long])].astype(np.uint64) + np.uint64(1)
        hashed[long] += np.add.reduceat(tail, np.r_[0, np.cumsum(rest[long])[:-1]]) * _POSITION_KEYS[head]
    return LengthGroups(order, ordered, groups, letters, hashed)


def word_hashes(ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The 64-bit hash of each word ``ids[starts[i]:starts[i] + lengths[i]]``: the sum of
    ``(id + 1) * key[position in word]`` (wrapping uint64; positions past 63 share the last key)
    (see :func:`grouped_hashes`).

    >>> ids = np.array([7, 8, 9] * 30, dtype=np.uint16)
    >>> h = word_hashes(ids, np.array([0, 3, 0, 1]), np.array([2, 2, 80, 2]))
    >>> bool(h[0] == h[1]), bool(h[0] == h[3])
    (True, False)
    >>> int(h[2]) == sum((int(i) + 1) * int(_POSITION_KEYS[min(p, 63)]) for p, i in enumerate(ids[:80])) % 2**64
    True
    """
    grouped = grouped_hashes(ids, starts, lengths)
    return grouped.in_text_order(grouped.hashes)
