"""Character maps run on UTF-8 bytes, without decoding them to code points.

UTF-8 is self-synchronising: a lead byte (0xC2-0xF4) is never a continuation byte
(0x80-0xBF), so in valid UTF-8 the byte after a 2-byte lead such as 0xD8 is that
character's second byte. A map whose every key is a 2-byte character (U+0080-U+07FF)
and whose every value is nothing, one ASCII character or another 2-byte character (Arabic
through ``camel``, Arabic to Buckwalter) is then an edit of byte pairs. The bytes are read as
16-bit words twice, from an even and from an odd position, and every word goes through one
table of 65,536 entries: a word whose first byte is a lead is a character (its pair is written
back changed, with 0xFE, a byte UTF-8 never uses, for each byte that goes: both when the
character is deleted, the second when it becomes ASCII); any other word (a second byte and
what follows it) is left as it is, so each character is seen once, in the pass that
starts on it. Pairs that are not UTF-8 come out as 0xFF 0xFF (see :func:`_checking_table`),
so the same lookups check the bytes. One gather of the kept bytes drops the deleted ones;
row boundaries move by the bytes dropped before them. No Python string is made, which is
what Arrow columns and canonical JSONL lines need.

>>> m = Utf8Map.from_mapping({"َ": "", "ة": "ه"})
>>> data, offsets = m.run(np.frombuffer("مَدرسة".encode() + "بَ".encode(), np.uint8), np.array([0, 12, 16]))
>>> [bytes(data[a:b]).decode() for a, b in zip(offsets, offsets[1:])]
['مدرسه', 'ب']
>>> Utf8Map.from_mapping({"ب": "b"}).map_text("باب".encode()).decode()
'bاb'
>>> Utf8Map.from_mapping({"a": "b"}) is None  # only 2-byte characters to 2-byte or ASCII characters or nothing
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .cuts import piece_bounds
from .lookup import lookup

_U8 = np.uint8
_DELETED = 0xFE  # a byte to drop (never a UTF-8 byte)
_DELETED_WORD = 0xFEFE  # in the table: the pair is deleted
_INVALID = 0xFF  # in the table and the bytes: a pair that is not UTF-8 (never a UTF-8 byte; the largest: found by a max)
_SECOND_BYTES = ((0xE0, 0xA0, 0xBF), (0xED, 0x80, 0x9F), (0xF0, 0x90, 0xBF), (0xF4, 0x80, 0x8F))  # overlong, surrogate, > U+10FFFF
ROWS_PIECE = 1 << 19  # run maps rows about this many bytes at a time


def valid_utf8(data: np.ndarray, starts: np.ndarray | None = None, raw: bytes | None = None) -> bool:
    """Whether the uint8 array ``data`` is valid UTF-8 (what ``bytes.decode("utf-8")`` accepts),
    and, with ``starts`` (positions of row starts), whether no character crosses a row start.
    ``raw`` is ``data.tobytes()`` if the caller has it (single bytes are looked for with ``memchr``).

    >>> valid_utf8(np.frombuffer("سلام ⴰ 😀".encode(), np.uint8))
    True
    >>> [valid_utf8(np.frombuffer(b, np.uint8)) for b in (b"\\xd8", b"\\xc0\\x80", b"\\xed\\xa0\\x80", b"\\x80")]
    [False, False, False, False]
    >>> valid_utf8(np.frombuffer("سلام".encode(), np.uint8), np.array([0, 3]))  # row 2 starts inside a letter
    False
    """
    n = len(data)
    if n == 0:
        return True
    top = int(data.max())
    if top < 0x80:
        return True
    if top > 0xF4:
        return False
    raw = data.tobytes() if raw is None else raw
    if b"\xc0" in raw or b"\xc1" in raw:  # overlong 2-byte leads
        return False
    continuation = np.less(data.view(np.int8), -0x40)  # 0x80-0xBF
    if starts is not None and continuation[starts[starts < n]].any():
        return False
    expected = np.empty(n + 3, dtype=bool)  # where a continuation byte must be (past the end: none may)
    expected[:1] = expected[n + 1 :] = False
    np.greater_equal(data, 0xC0, out=expected[1 : n + 1])
    if top >= 0xE0:  # 3- and 4-byte characters
        longer = np.greater_equal(data, 0xE0)
        expected[2 : n + 2] |= longer
        if top >= 0xF0:
            expected[3 : n + 3] |= np.greater_equal(data, 0xF0, out=longer)
        for lead, low, high in _SECOND_BYTES:  # leads whose second byte has a narrower range
            if top >= lead and bytes([lead]) in raw:
                second = data[1:] - _U8(low)  # wraps around below low
                if (np.equal(data[:-1], lead, out=longer[:-1]) & (second > high - low)).any():
                    return False
    return not (expected[n:].any() or np.not_equal(continuation, expected[:n], out=continuation).any())


@dataclass(frozen=True, eq=False)
class Utf8Map:
    """A character map compiled for UTF-8 bytes (see the module's docstring); build it with
    :meth:`from_mapping`, run it with :meth:`run`."""

    table: np.ndarray  # uint16 word (little-endian byte pair) -> new word; 0xFEFE: the pair is deleted
    leads: bytes  # the lead bytes of the characters the map changes
    deletes: bool  # whether some byte is deleted (a character deleted or made ASCII)

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> "Utf8Map | None":
        """The map ``{character: replacement}`` on UTF-8 bytes, or None unless every key is a
        2-byte character and every value is empty, a 2-byte character or a printable ASCII one
        that JSON writes as it is (not ``"`` or ``\\``): lines of text and of canonical JSON go
        through the map as they are (see :mod:`awal.io`), so it never writes a line break or an escape.

        >>> Utf8Map.from_mapping({"ى": "ي", "ـ": ""}).leads
        b'\\xd9'
        >>> Utf8Map.from_mapping({"é": "ۍ"}).leads  # U+00E9 (lead 0xC3) to U+06CD (lead 0xDB)
        b'\\xc3'
        """
        table = _checking_table()
        for key, value in mapping.items():
            if len(key) != 1 or not 0x80 <= ord(key) < 0x800 or len(value) > 1 or (value and not _one_pair_or_less(value)):
                return None
            table[_word(key)] = _word(value) if value else _DELETED_WORD
        if not mapping:
            return None
        leads = bytes(sorted({key.encode("utf-8")[0] for key in mapping}))
        return cls(table, leads, any(len(value.encode("utf-8")) < 2 for value in mapping.values()))

    def run(self, data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The map over rows of UTF-8 bytes: ``data`` (uint8) cut by ``offsets`` (int64, from 0 to
        ``len(data)``) gives ``(new data, new offsets)``; ``data`` itself when nothing changes.
        None when ``data`` is not valid UTF-8 or a character crosses a row boundary (the caller's
        decoding path then names the error). Rows go through in pieces of whole rows of about
        :data:`ROWS_PIECE` bytes (every buffer stays in cache), the kept bytes gathered straight
        into one buffer; a piece with none of the map's leads is only checked."""
        bounds = piece_bounds(offsets, ROWS_PIECE)
        out: np.ndarray | None = None
        new_offsets, written = np.zeros(len(offsets), dtype=np.int64), 0
        scratch = np.empty(int(np.diff(offsets[bounds]).max(initial=0)) + 2, dtype=_U8)  # each piece's padded copy
        for a, b in zip(bounds, bounds[1:]):
            start = int(offsets[a])
            piece, rows = data[start : offsets[b]], offsets[a : b + 1] - start
            done = (piece, None) if untouched(piece, rows[1:-1], self.leads) else self.mark(piece, rows[1:-1], scratch)
            if done is None:
                return None
            marked, keep = done
            if out is None and marked is not piece:  # the first change: what came before is as it was
                out = np.empty(len(data), dtype=_U8)
                out[:start] = data[:start]
            if keep is None:
                if out is not None:
                    out[written : written + len(piece)] = marked
                new_offsets[a : b + 1] = rows + written
                written += len(piece)
            else:
                assert out is not None  # a piece with deletions is marked in a copy: a change
                kept = np.flatnonzero(keep)
                np.take(marked, kept, out=out[written : written + len(kept)], mode="clip")  # (clip: written in place)
                new_offsets[a : b + 1] = np.searchsorted(kept, rows) + written  # a row starts where its first kept byte is
                written += len(kept)
        return (data, offsets) if out is None else (out[:written], new_offsets)

    def map_text(self, data: bytes) -> bytes | None:
        """``data``, one text (no row boundaries to keep: lines of a file), through the map in pieces
        of about :data:`ROWS_PIECE` bytes cut before a character (every buffer stays in cache); None
        when it is not valid UTF-8.

        >>> Utf8Map.from_mapping({"ى": "ي"}).map_text("على\\nمتى".encode()).decode()
        'علي\\nمتي'
        """
        raw = np.frombuffer(data, dtype=np.uint8)
        cuts = np.arange(ROWS_PIECE, len(raw), ROWS_PIECE)
        for _ in range(3):  # a character has at most 3 continuation bytes (more: invalid, found by run)
            inside = cuts[cuts < len(raw)]
            inside += np.less(raw.view(np.int8)[inside], -0x40)
            cuts[: len(inside)] = inside
        done = self.run(raw, np.concatenate(([0], cuts, [len(raw)])))
        return None if done is None else (data if done[0] is raw else done[0].tobytes())

    def mark(self, data: np.ndarray, starts: np.ndarray, scratch: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None] | None:
        """``(data with every changed pair rewritten and deleted pairs 0xFE, mask of the other bytes
        or None when the map deletes nothing)``; None when ``data`` is not valid UTF-8 or a character
        crosses one of the row ``starts`` (checked on the way: see :func:`_checking_table`).
        ``scratch`` (at least ``len(data) + 2`` bytes) is used for the padded copy, if given."""
        n = len(data)
        top = int(data.max())
        continuation = np.less(data.view(np.int8), -0x40)  # 0x80-0xBF
        if top > 0xF4 or continuation[0] or continuation[starts[starts < n]].any():
            return None
        size = (n + 2) & ~1  # even, with at least one byte of padding (0: what ends a text)
        padded = np.empty(size, dtype=_U8) if scratch is None else scratch[:size]
        padded[:n] = data
        padded[n:] = 0
        even = _pairs(self.table, padded.view(np.uint16))  # characters that start at an even position
        padded[0] = 0  # (an ASCII byte before the text: (0, first byte) is a valid pair)
        padded[1:] = even[: size - 1]  # one byte later: characters that started at an odd position start at an even one
        out = _pairs(self.table, padded.view(np.uint16))[1 : n + 1]
        if int(out.max()) == _INVALID or not _continuations_counted(data, continuation, top):
            return None
        if not self.deletes:
            return out, None
        return out, np.not_equal(out, _DELETED)


def untouched(data: np.ndarray, starts: np.ndarray, leads: bytes) -> bool:
    """Whether the UTF-8 bytes ``data`` hold none of ``leads`` and are valid with no character
    across a row start (``starts``): what a map with these leads gives back as it is.

    >>> text = np.frombuffer("abc ⴰ".encode(), np.uint8)
    >>> untouched(text, np.array([1]), b"\\xd8\\xd9"), untouched(text, np.array([5]), b""), untouched(text, np.array([1]), b"\\xe2")
    (True, False, False)
    """
    raw = data.tobytes()
    return not any(bytes([lead]) in raw for lead in leads) and valid_utf8(data, starts, raw)  # (memchr)


@lru_cache(maxsize=1)
def _identity_checking() -> np.ndarray:
    words = np.arange(1 << 16, dtype=np.uint32)
    first, second = words & 0xFF, words >> 8
    low, high = np.full(256, 0x80), np.full(256, 0xBF)  # the range of the byte after each lead
    for lead_byte, lo, hi in _SECOND_BYTES:
        low[lead_byte], high[lead_byte] = lo, hi
    lead = (first >= 0xC2) & (first <= 0xF4)
    bad = (first == 0xC0) | (first == 0xC1) | (lead & ((second < low[first]) | (second > high[first])))
    bad |= (first < 0x80) & (second >= 0x80) & (second < 0xC0)  # a continuation byte after an ASCII one
    return np.where(bad, _INVALID * 0x101, words).astype(np.uint16)


def _checking_table() -> np.ndarray:
    """A fresh lookup table that changes no word but the invalid pairs of bytes, which become
    0xFF 0xFF (a byte UTF-8 never uses): 0xC0, 0xC1, a lead not followed by a continuation byte
    in its range (overlong forms, surrogates, past U+10FFFF), an ASCII byte followed by a
    continuation byte. The rest of the check is :func:`_continuations_counted` (and a byte above
    0xF4, a continuation byte at a start). Words starting with 0xFE or 0xFF (written by the even
    pass) are never invalid.

    >>> table = _checking_table()
    >>> [hex(table[w]) for w in (0xA7D8, 0x20D8, 0x80C0, 0x8041, 0x9FE0, 0xD8A7)]
    ['0xa7d8', '0xffff', '0xffff', '0xffff', '0xffff', '0xd8a7']
    """
    return _identity_checking().copy()


def _continuations_counted(data: np.ndarray, continuation: np.ndarray, top: int) -> bool:
    """Whether every 3- and 4-byte lead of ``data`` is followed by 2 or 3 continuation bytes and no
    other continuation byte follows a continuation byte, by counting: with the pairs
    :func:`_checking_table` finds, every lead is followed by a run of continuation bytes and every
    such run follows a lead, so runs at least as long as their leads need whose pairs of
    continuation bytes add up to what the leads need are exactly as long."""
    inner = np.count_nonzero(continuation[1:] & continuation[:-1])  # continuation bytes after one
    if top < 0xE0:
        return inner == 0
    longer = np.greater_equal(data, 0xE0)  # 3- and 4-byte leads
    needed = np.count_nonzero(longer)
    if np.count_nonzero(longer[:-2] & continuation[2:]) != needed:  # a third byte after each
        return False
    if top >= 0xF0:
        np.greater_equal(data, 0xF0, out=longer)
        fourth = np.count_nonzero(longer)
        if np.count_nonzero(longer[:-3] & continuation[3:]) != fourth:
            return False
        needed += fourth
    return inner == needed


def _pairs(table: np.ndarray, words: np.ndarray) -> np.ndarray:
    """The bytes of ``table[words]`` (:func:`awal.lookup.lookup`)."""
    return lookup(table, words).view(_U8)


def _one_pair_or_less(value: str) -> bool:
    """Whether the character ``value`` can replace a 2-byte one in place: a 2-byte character, or a
    printable ASCII one JSON needs no escape for.

    >>> [_one_pair_or_less(c) for c in ("ي", "b", "\\n", '"', "ⴰ")]
    [True, True, False, False, False]
    """
    return 0x80 <= ord(value) < 0x800 or (" " <= value <= "~" and value not in '"\\')


def _word(character: str) -> int:
    """The little-endian 16-bit word of a 2-byte character's UTF-8 pair; for an ASCII character,
    its byte and one that goes (0xFE).

    >>> hex(_word("ب")), hex(_word("b"))
    ('0xa8d8', '0xfe62')
    """
    lead, second = character.encode("utf-8").ljust(2, bytes([_DELETED]))
    return lead | second << 8
