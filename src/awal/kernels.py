"""Vectorised primitives on ``(codepoints, offsets)``.

Every kernel takes the flat ``uint32`` code points of a batch and its ``int64``
offsets, and returns new ones plus, for each output code point, where in the
input it came from: either ``source`` (one input index per output code point)
or ``(start, end)`` spans. :func:`compose` chains these through a pipeline and
:func:`tile` makes the final spans cover the whole input.

No kernel loops over strings or characters in Python; each has an obvious
twin in :mod:`awal.reference` that the tests compare it with.

>>> import numpy as np
>>> cps = np.array([ord(c) for c in "abcab"], dtype=np.uint32)
>>> m = Matcher.from_pairs([("ab", "X"), ("b", "yy")])
>>> out, offs, start, end = replace_longest(cps, np.array([0, 5]), m)
>>> "".join(map(chr, out)), start.tolist(), end.tolist()
('XcX', [0, 2, 3], [2, 3, 5])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from .lookup import lookup

UNICODE_SIZE = 0x110000
STARTS_MULTI, IRREGULAR = np.uint8(1), np.uint8(2)  # Matcher.flags bits
SPECIAL = np.uint32(0xFFFFFFFD)  # Matcher.lookup value of a flagged code point (not a code point)
_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)


def identity_table() -> np.ndarray:
    """A fresh 1:1 table mapping every code point to itself."""
    return np.arange(UNICODE_SIZE, dtype=np.uint32)


def remove(
    values: np.ndarray, offsets: np.ndarray, keep: np.ndarray, align: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``values`` without the positions where ``keep`` is false: ``(values, offsets, source)``.

    ``source`` (the input index of each kept position) is ``None`` unless ``align``.
    """
    if not align and len(offsets) == 2:  # one string: only the number of kept positions matters
        kept = _kept(values, keep)
        return kept, np.array([offsets[0], offsets[0] + len(kept)], dtype=np.int64), None
    new_offsets = offsets - np.searchsorted(np.flatnonzero(~keep), offsets)
    if not align:
        return _kept(values, keep), new_offsets, None
    source = np.flatnonzero(keep)
    return np.take(values, source), new_offsets, source


def _kept(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values[keep]``. Boolean indexing copies the runs between dropped positions: about 4x
    faster than ``np.compress`` when under 1 position in 32 goes (text with a few marks to
    delete), and slower above that, where ``np.compress`` is used."""
    dropped = len(keep) - np.count_nonzero(keep)
    return values[keep] if dropped * 32 < len(keep) else np.compress(keep, values)


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` without a loop."""
    first = np.cumsum(lengths) - lengths
    return np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def insert_sorted(values: np.ndarray, at: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``np.insert(values, at, new)`` for sorted ``at``: ``new[k]`` goes before ``values[at[k]]``
    (after the last value when ``at[k] == len(values)``). One boolean-mask copy of the old
    values, where ``np.insert`` sorts ``at`` again and copies through more temporaries.

    >>> insert_sorted(np.array([1, 2, 3]), np.array([0, 2, 2, 3]), np.array([7, 8, 9, 10])).tolist()
    [7, 1, 2, 8, 9, 3, 10]
    """
    result = np.empty(len(values) + len(at), dtype=values.dtype)
    slots = at + np.arange(len(at))  # where each new value lands in the result
    result[slots] = new
    old = np.ones(len(result), dtype=bool)
    old[slots] = False
    result[old] = values
    return result


def string_ids(positions: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Index of the string that each flat position belongs to."""
    return np.searchsorted(offsets, positions, side="right") - 1


# --------------------------------------------------------------------- 1:1 / delete
def map_table(cps: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``table[cp]`` for every code point: a 1:1 map, or a class or flag per code point.

    :func:`awal.lookup.lookup` rather than ``table[cps]``: fancy indexing (and ``np.take``)
    first converts the code points to intp, which makes it about twice as slow.
    """
    return lookup(table, cps)


def delete(cps: np.ndarray, offsets: np.ndarray, drop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Remove code points whose ``drop[cp]`` is true; returns ``(cps, offsets, source)``."""
    return remove(cps, offsets, ~map_table(cps, drop))


def neighbour_in(
    cps: np.ndarray,
    offsets: np.ndarray,
    member: np.ndarray,
    step: int,
    skip: np.ndarray | None = None,
    positions: np.ndarray | None = None,
) -> np.ndarray:
    """For each position (or each of ``positions``), whether its neighbour is in ``member``.

    ``step`` is -1 for the character before, +1 for the one after. Code
    points in ``skip`` (e.g. combining marks) are looked past. A neighbour
    outside the string counts as not a member.
    """
    n = len(cps)
    at = np.arange(n, dtype=np.int64) if positions is None else positions
    if n == 0 or len(at) == 0:
        return np.zeros(len(at), dtype=bool)
    neighbour = at + step
    if skip is not None:
        # step past skipped code points; the active set shrinks at every step
        active = np.flatnonzero((neighbour >= 0) & (neighbour < n))
        active = active[skip[cps[neighbour[active]]]]
        for _ in range(16):
            if not len(active):
                break
            neighbour[active] += step
            active = active[(neighbour[active] >= 0) & (neighbour[active] < n)]
            active = active[skip[cps[neighbour[active]]]]
        if len(active):  # long runs of skipped code points: one pass over the whole buffer instead
            index = np.arange(n, dtype=np.int64)
            if step > 0:
                nearest = np.minimum.accumulate(np.where(map_table(cps, skip), n, index)[::-1])[::-1]
            else:
                nearest = np.maximum.accumulate(np.where(map_table(cps, skip), -1, index))
            neighbour[active] = nearest[neighbour[active]]
    sid = string_ids(at, offsets)
    inside = (neighbour >= offsets[sid]) & (neighbour < offsets[sid + 1])
    return inside & member[cps[np.clip(neighbour, 0, n - 1)]]


# ------------------------------------------------------------- greedy longest match
@dataclass(frozen=True)
class CodeTable:
    """Lookup of a few uint64 codes in one gather: a bucket array indexed by a
    multiplicative hash whose multiplier is chosen so no two codes collide.

    >>> t = CodeTable.build(np.array([7, 42], dtype=np.uint64))
    >>> t.find(np.array([42, 5, 7], dtype=np.uint64)).tolist()
    [1, -1, 0]
    """

    codes: np.ndarray  # uint64, the codes in their original order
    buckets: np.ndarray  # int64 index into codes, -1 for an empty bucket
    multiplier: np.uint64
    shift: np.uint64

    @classmethod
    def build(cls, codes: np.ndarray) -> "CodeTable":
        codes = np.asarray(codes, dtype=np.uint64)
        rng = np.random.default_rng(0)
        bits = max(6, int(np.ceil(np.log2(max(len(codes), 1)))) + 2)
        for attempt in range(256):
            bits += attempt % 16 == 15  # grow the table now and then
            multiplier = np.uint64(rng.integers(1, 2**63, dtype=np.uint64) | np.uint64(1))
            shift = np.uint64(64 - bits)
            slot = (codes * multiplier) >> shift
            if len(np.unique(slot)) == len(codes):
                buckets = np.full(1 << bits, -1, dtype=np.int64)
                buckets[slot.astype(np.int64)] = np.arange(len(codes))
                return cls(codes, buckets, multiplier, shift)
        raise ValueError("could not build a collision-free code table")  # pragma: no cover

    def find(self, codes: np.ndarray) -> np.ndarray:
        """Index of each code in the table, or -1."""
        index = self.buckets[((codes * self.multiplier) >> self.shift).astype(np.int64)]
        found = index >= 0
        found[found] = self.codes[index[found]] == codes[found]
        return np.where(found, index, -1)


@dataclass(frozen=True)
class Matcher:
    """Compiled replacement table for :func:`replace_longest`.

    Keys of one code point live in a dense table; longer keys are grouped by
    length and sorted by a 64-bit code (exact up to three code points, a
    hash verified code point by code point beyond).
    """

    single: np.ndarray  # int32[UNICODE_SIZE]: value id of a 1-code-point key, -1 if none
    one_to_one: np.ndarray  # uint32[UNICODE_SIZE]: the replacement of a 1-code-point key with a 1-code-point value, else itself
    lookup: np.ndarray  # one_to_one, but SPECIAL where flags are set: one gather finds both
    flags: np.ndarray  # uint8[UNICODE_SIZE]: STARTS_MULTI | IRREGULAR bits
    pairs: CodeTable  # codes of the first two code points of every longer key
    lengths: tuple[int, ...]  # key lengths > 1, longest first
    tables: tuple[CodeTable, ...]  # per length: the keys' codes (see _window_code)
    keys: tuple[np.ndarray, ...]  # per length: (K, length) uint32, in table order
    key_values: tuple[np.ndarray, ...]  # per length: value ids, in table order
    values: np.ndarray  # uint32 buffer of all replacement strings
    value_offsets: np.ndarray  # int64, value id v is values[value_offsets[v]:value_offsets[v+1]]
    two_chars: tuple[np.ndarray, np.ndarray] | None = None  # every value two characters: (firsts, seconds) by value id

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> "Matcher":
        """Compile ``(key, replacement)`` pairs; a later duplicate key wins."""
        mapping: dict[str, str] = {}
        for key, value in pairs:
            if not key:
                raise ValueError("a replacement key cannot be empty")
            mapping[key] = value
        values_list = list(mapping.values())
        lens = np.fromiter(map(len, values_list), dtype=np.int64, count=len(values_list))
        value_offsets = np.zeros(len(values_list) + 1, dtype=np.int64)
        np.cumsum(lens, out=value_offsets[1:])
        values = np.frombuffer("".join(values_list).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
        single = np.full(UNICODE_SIZE, -1, dtype=np.int32)
        one_to_one = identity_table()
        flags = np.zeros(UNICODE_SIZE, dtype=np.uint8)
        by_length: dict[int, list[tuple[str, int]]] = {}
        for vid, key in enumerate(mapping):
            if len(key) == 1:
                single[ord(key)] = vid
                if len(mapping[key]) == 1:
                    one_to_one[ord(key)] = ord(mapping[key])
                else:
                    flags[ord(key)] |= IRREGULAR
            else:
                flags[ord(key[0])] |= STARTS_MULTI
                by_length.setdefault(len(key), []).append((key, vid))
        lengths = tuple(sorted(by_length, reverse=True))
        firsts = [(ord(k[0]), ord(k[1])) for group in by_length.values() for k, _ in group]
        first_pairs = CodeTable.build(np.unique(_pair_code([a for a, _ in firsts], [b for _, b in firsts])))
        tables, keys, key_values = [], [], []
        for length in lengths:
            mat = np.array([[ord(c) for c in k] for k, _ in by_length[length]], dtype=np.uint32)
            codes = _window_code(list(mat.T))
            if len(np.unique(codes)) < len(codes):
                raise ValueError(f"hash collision between replacement keys of length {length}")
            tables.append(CodeTable.build(codes))
            keys.append(mat)
            key_values.append(np.array([v for _, v in by_length[length]], dtype=np.int64))
        lookup = np.where(flags > 0, SPECIAL, one_to_one).astype(np.uint32)
        two_chars = (values[0::2], values[1::2]) if len(lens) and (lens == 2).all() else None  # escapes, ligatures
        return cls(single, one_to_one, lookup, flags, first_pairs, lengths, tuple(tables), tuple(keys), tuple(key_values), values,
                   value_offsets, two_chars)


def _pair_code(first, second):
    """One uint64 for two code points (21 bits each)."""
    return (np.asarray(first, dtype=np.uint64) << np.uint64(21)) | np.asarray(second, dtype=np.uint64)


EXACT_LENGTH = 3  # keys up to 3 code points pack exactly into 63 bits; longer ones are hashed


def _window_code(columns: list[np.ndarray]) -> np.ndarray:
    """One uint64 per window from its code-point columns: exact up to EXACT_LENGTH, else a hash."""
    code = np.zeros(len(columns[0]), dtype=np.uint64)
    exact = len(columns) <= EXACT_LENGTH
    for column in columns:
        column = column.astype(np.uint64)
        code = (code << np.uint64(21)) | column if exact else code * _HASH_MUL + column
    return code


def _longest_matches(
    cps: np.ndarray, offsets: np.ndarray, m: Matcher, cand: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the candidate positions, those where a key of 2+ code points matches, with the longest key's length and value."""
    if len(cand):  # keep positions whose first two code points begin some key
        cand = cand[cand + 1 < len(cps)]
        cand = cand[m.pairs.find(_pair_code(cps[cand], cps[cand + 1])) >= 0]
    best_len = np.zeros(len(cand), dtype=np.int64)
    best_val = np.zeros(len(cand), dtype=np.int64)
    if len(cand):
        string_end = np.repeat(offsets[1:], np.diff(offsets))[cand]
        for length, table, keys, vals in zip(m.lengths, m.tables, m.keys, m.key_values):
            fits = np.flatnonzero((best_len == 0) & (cand + length <= string_end))
            if not len(fits):
                continue
            columns = [cps[cand[fits] + j] for j in range(length)]
            index = table.find(_window_code(columns))
            hit = index >= 0
            if length > EXACT_LENGTH:  # hashes can collide: compare the code points
                hit[hit] = np.all(keys[index[hit]] == np.stack(columns, axis=1)[hit], axis=1)
            best_len[fits[hit]] = length
            best_val[fits[hit]] = vals[index[hit]]
    found = best_len > 0
    return cand[found], best_len[found], best_val[found]


def greedy_select(positions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Which candidate matches a left-to-right greedy scan takes (pointer doubling).

    ``positions`` are sorted; a scan takes a candidate when it reaches its
    position, then jumps past it. A candidate is reached if no earlier
    candidate overlaps it (a root) or if it is the first candidate at or after
    the end of a taken one; reachability spreads in log2(n) vectorised steps.
    """
    count = len(positions)
    if count == 0:
        return np.zeros(0, dtype=bool)
    ends = positions + lengths
    covered_until = np.empty(count, dtype=np.int64)
    covered_until[0] = -1
    np.maximum.accumulate(ends[:-1], out=covered_until[1:])
    taken = np.zeros(count + 1, dtype=bool)
    taken[:count] = positions >= covered_until
    jump = np.append(np.searchsorted(positions, ends), count)  # sentinel jumps to itself
    while True:
        frm = np.flatnonzero(taken[:count])
        target = jump[frm]
        target = target[~taken[target]]
        target = target[target < count]
        if not len(target):
            return taken[:count]
        taken[target] = True
        jump = jump[jump]


def replace_longest(
    cps: np.ndarray, offsets: np.ndarray, m: Matcher, align: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Greedy left-to-right longest-match replacement, as ``regex.sub`` with longest-first alternation.

    Returns ``(cps, offsets, start, end)``: output code point ``j`` came from
    input ``[start[j], end[j])`` (``None`` spans when ``align`` is false).
    One table lookup does every 1:1 replacement; only the other positions
    are edited: first characters written in place, covered and emptied
    positions dropped, longer tails inserted.
    """
    n = len(cps)
    out = map_table(cps, m.lookup)
    special = np.flatnonzero(out == SPECIAL)
    out[special] = m.one_to_one[cps[special]]
    flags = m.flags[cps[special]]
    pos, length, val = _longest_matches(cps, offsets, m, special[(flags & STARTS_MULTI) > 0])
    take = greedy_select(pos, length)
    pos, length, val = pos[take], length[take], val[take]
    covered = ranges(pos + 1, length - 1)  # inside a taken match, after its first position
    odd = special[(flags & IRREGULAR) > 0]
    if len(odd) and len(pos):  # a taken match outranks the characters it covers
        odd = np.setdiff1d(odd, np.concatenate([pos, covered]), assume_unique=True)
    edit = np.concatenate([pos, odd])
    value_id = np.concatenate([val, m.single[cps[odd]]])
    order = np.argsort(edit, kind="stable")
    edit, value_id = edit[order], value_id[order]
    out, new_offsets, source = write_values(out, covered, offsets, edit, value_id, m, align)
    if source is None:  # align is false
        return out, new_offsets, None, None
    span = np.ones(n, dtype=np.int64)
    span[pos] = length
    return out, new_offsets, source, source + span[source]


def write_values(
    out: np.ndarray, drop: np.ndarray, offsets: np.ndarray, edit: np.ndarray, value_id: np.ndarray, m: Matcher, align: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Put value ``value_id[k]`` of ``m`` at sorted position ``edit[k]`` of ``out``, and drop the sorted positions ``drop``.

    The first character is written in place, an empty value drops its
    position, longer values insert their tails after it. Only the edited
    positions are touched until the final insert/delete. Returns
    ``(cps, offsets, source)`` with ``source`` only when ``align``.
    """
    if m.two_chars is not None and not len(drop):  # every value two characters: one tail after each edit
        firsts, seconds = m.two_chars
        out[edit] = firsts[value_id]
        result = insert_sorted(out, edit + 1, seconds[value_id])
        source = insert_sorted(np.arange(len(out), dtype=np.int64), edit + 1, edit) if align else None
        return result, offsets + np.searchsorted(edit, offsets), source
    first = m.value_offsets[value_id]
    size = m.value_offsets[value_id + 1] - first
    if size.min(initial=1) > 0:  # no empty value (transliteration tables): no masks
        out[edit] = m.values[first]
    else:
        out[edit[size > 0]] = m.values[first[size > 0]]
        drop = np.union1d(drop, edit[size == 0])
    tail = np.maximum(size - 1, 0)
    if not tail.any() and not len(drop):  # every value was one character: nothing moves
        return out, offsets, (np.arange(len(out), dtype=np.int64) if align else None)
    if (tail == 1).all():  # every value two characters (escapes, ligatures): one tail each
        at, tails = edit + 1, m.values[first + 1]
    else:
        at, tails = np.repeat(edit + 1, tail), m.values[ranges(first + 1, tail)]
    added = np.zeros(len(edit) + 1, dtype=np.int64)
    np.cumsum(tail, out=added[1:])
    new_offsets = offsets + added[np.searchsorted(edit, offsets)] - np.searchsorted(drop, offsets)
    grown_drop = drop + added[np.searchsorted(edit, drop)]  # where the dropped positions sit after the inserts
    result = insert_sorted(out, at, tails) if len(at) else out
    if len(drop):
        result = np.delete(result, grown_drop)
    if not align:
        return result, new_offsets, None
    source = insert_sorted(np.arange(len(out), dtype=np.int64), at, at - 1)
    return result, new_offsets, np.delete(source, grown_drop) if len(drop) else source


# ---------------------------------------------------------------------- 1 -> N
DELETED = np.uint32(0xFFFFFFFF)  # CharMap.table value of a deleted character (not a code point)
WIDE = np.uint32(0xFFFFFFFE)  # CharMap.table value of a character that expands to several
# The same marks in CharMap.table16, whose input never holds surrogates: two surrogate values.
DELETED16, WIDE16 = np.uint16(0xDFFF), np.uint16(0xDFFE)
# In each pair WIDE is one below DELETED: ``mapped >= WIDE`` finds both (in UTF-16, with U+E000 and up).


@dataclass(frozen=True)
class CharMap:
    """A character map compiled for :func:`expand`: one dense table, plus the few long values.

    ``table[cp]`` is the single replacement character, ``DELETED`` or ``WIDE``;
    ``wide`` holds the values of the ``WIDE`` characters (``None`` when there are none).
    ``table16`` is the same map for UTF-16 code units of text without surrogates (uint16,
    marks ``DELETED16``/``WIDE16``); ``None`` when a character of the BMP is replaced by
    anything outside it or by a surrogate.
    """

    table: np.ndarray
    wide: Matcher | None
    table16: np.ndarray | None = None
    deletes: bool = True  # whether some character is deleted (else a map without long values moves nothing)

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> "CharMap":
        table = identity_table()
        for key, value in mapping.items():
            table[ord(key)] = ord(value) if len(value) == 1 else WIDE if value else DELETED
        wide = {k: v for k, v in mapping.items() if len(v) > 1}
        table16 = None
        if fits_utf16(mapping):
            table16 = np.minimum(table[:0x10000], 0xFFFF).astype(np.uint16)  # the 1:1 part stays in the BMP
            table16[table[:0x10000] == DELETED] = DELETED16
            table16[table[:0x10000] == WIDE] = WIDE16
        return cls(table, Matcher.from_pairs(wide.items()) if wide else None, table16, "" in mapping.values())


def fits_utf16(mapping: dict[str, str]) -> bool:
    """Whether a character map can run on UTF-16 code units (``CharMap.table16`` is not None):
    every replacement of a BMP character stays in the BMP without surrogates."""
    return all(ord(key) > 0xFFFF or _plain_bmp(value) for key, value in mapping.items())


def _plain_bmp(text: str) -> bool:
    """Whether every character of ``text`` is in the BMP and not a surrogate."""
    return all(ch <= "\uffff" and not "\ud800" <= ch <= "\udfff" for ch in text)


def expand(
    cps: np.ndarray, offsets: np.ndarray, charmap: CharMap, align: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """1→N replacement: each code point becomes its replacement (one, none or several characters).

    One table lookup does the 1:1 part; one comparison finds the deleted and
    expanding positions, which are the only ones edited. Returns
    ``(cps, offsets, source)``: the input index of each output code point,
    ``None`` when nothing moved or ``align`` is false.

    >>> m = CharMap.from_mapping({"ﻻ": "لا", "ـ": "", "a": "b"})
    >>> out, offs, source = expand(np.array([ord(c) for c in "aـﻻ"], dtype=np.uint32), np.array([0, 3]), m)
    >>> "".join(map(chr, out)), source.tolist()
    ('bلا', [0, 2, 2])
    """
    table, deleted, wide_mark = charmap.table, DELETED, WIDE  # type: np.ndarray, np.unsignedinteger, np.unsignedinteger
    if cps.dtype == np.uint16:  # UTF-16 code units of text without surrogates (see awal.batch.map_text)
        assert charmap.table16 is not None, "UTF-16 input needs a map without astral values"
        table, deleted, wide_mark = charmap.table16, DELETED16, WIDE16
    mapped = map_table(cps, table)
    if charmap.wide is not None:
        # both marks, in one comparison (in UTF-16 also the characters from U+E000 up, left as they are)
        at = np.flatnonzero(mapped >= wide_mark)
        kind = mapped[at]
        wide = at[kind == wide_mark]
        if len(wide):
            return write_values(mapped, at[kind == deleted], offsets, wide, charmap.wide.single[cps[wide]], charmap.wide, align)
        if not (kind == deleted).any():
            return mapped, offsets, None
    elif not charmap.deletes:  # a 1:1 map: nothing moves
        return mapped, offsets, None
    plain = mapped != deleted
    if plain.all():
        return mapped, offsets, None
    return remove(mapped, offsets, plain, align)  # only deletions are left


# ------------------------------------------------------------------- run collapse
def collapse_runs(
    cps: np.ndarray,
    offsets: np.ndarray,
    limit: np.ndarray,
    align: bool = True,
    min_run: np.ndarray | None = None,
    keep_runs: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Shorten runs of one repeated code point to ``limit[cp]`` (0 = leave alone).

    Only runs of at least ``min_run[cp]`` code points are shortened (``None``: every run
    longer than its limit). ``keep_runs``, given the start positions of the runs about to be
    shortened, says which of them to leave alone (e.g. inside a URL). Returns ``(cps,
    offsets, source)``; ``source`` (input index of each output code point) is ``None``
    when ``align`` is false.

    >>> out, _, _ = collapse_runs(np.array([ord(c) for c in "aaaabbb"], dtype=np.uint32), np.array([0, 7]),
    ...                           np.full(UNICODE_SIZE, 2), min_run=np.full(UNICODE_SIZE, 4))
    >>> "".join(map(chr, out))
    'aabbb'
    """
    n = len(cps)
    same = np.zeros(n, dtype=bool)  # same[i]: cps[i] == cps[i - 1] inside one string
    if n > 1:
        np.equal(cps[1:], cps[:-1], out=same[1:])
    same[offsets[:-1][offsets[:-1] < n]] = False
    inside = np.flatnonzero(same)  # positions that continue a run
    cap = limit[cps[inside]]
    inside, cap = inside[cap > 0], cap[cap > 0]  # a run's positions share one code point, so whole runs go
    index = np.arange(len(inside))
    first = np.ones(len(inside), dtype=bool)  # inside[k] is the second position of its run
    first[1:] = inside[1:] != inside[:-1] + 1
    run_start = inside[np.maximum.accumulate(np.where(first, index, 0))] - 1
    drop = inside - run_start >= cap
    if min_run is not None and len(inside):
        last = np.ones(len(inside), dtype=bool)
        last[:-1] = first[1:]
        run_end = inside[np.minimum.accumulate(np.where(last, index, len(inside) - 1)[::-1])[::-1]] + 1
        drop &= run_end - run_start >= min_run[cps[inside]]
    dropped = inside[drop]
    if keep_runs is not None and len(dropped):
        starts, which = np.unique(run_start[drop], return_inverse=True)
        dropped = dropped[~keep_runs(starts)[which]]
    if not len(dropped):
        return cps, offsets, (np.arange(n, dtype=np.int64) if align else None)
    keep = np.ones(n, dtype=bool)
    keep[dropped] = False
    return remove(cps, offsets, keep, align)


# ------------------------------------------------------------------- alignment
def compose(start: np.ndarray, end: np.ndarray, step_start: np.ndarray, step_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spans into the original input after one more step whose spans point into the previous output."""
    if len(step_start) == 0:
        return step_start.astype(np.int64), step_end.astype(np.int64)
    return start[step_start], end[step_end - 1]


def tile(start: np.ndarray, end: np.ndarray, in_offsets: np.ndarray, out_offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stretch spans so that, string by string, they cover the input without gaps.

    Deleted input is absorbed by the output code point before it (or, at the
    start of a string, the first one after it). Output code points made from
    the same input span keep sharing it.
    """
    start, end = start.copy(), end.copy()
    n = len(start)
    if n == 0:
        return start, end
    sid = string_ids(np.arange(n), out_offsets)
    first_group = start == start[out_offsets[sid]]
    start[first_group] = in_offsets[sid[first_group]]
    nxt = np.empty(n, dtype=np.int64)
    nxt[:-1] = start[1:]
    last = np.zeros(n, dtype=bool)
    last[out_offsets[1:][out_offsets[1:] > out_offsets[:-1]] - 1] = True
    nxt[last] = in_offsets[sid[last] + 1]
    nxt = np.where(nxt > start, nxt, np.iinfo(np.int64).max)
    end = np.minimum.accumulate(nxt[::-1])[::-1]
    return start, end
