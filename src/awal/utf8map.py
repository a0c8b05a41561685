"""Character maps run on UTF-8 bytes, without decoding them to code points.

UTF-8 is self-synchronising: a lead byte (0xC2-0xF4) is never a continuation byte
(0x80-0xBF), so in valid UTF-8 the byte after a 2-byte lead such as 0xD8 is that
character's second byte. A map whose every key is a 2-byte character (U+0080-U+07FF)
and whose every value is nothing or another 2-byte character (Arabic through ``camel``)
is then an edit of byte pairs: the pair at a lead is looked up in a table and written
back changed, or both its bytes are marked 0xFF (a byte UTF-8 never uses) and dropped
by one ``np.compress``. Row boundaries move by the bytes dropped before them. No
Python string is made, which is what Arrow columns and canonical JSONL lines need.

The leads of the map's characters must lie in one aligned window of three lead bytes
(``base``, ``base + 1``, ``base + 2`` with ``base`` a multiple of 4: U+0600-U+06BF is
0xD8-0xDA); the pair at a lead is then one byte, ``(lead - base) << 6 | (second & 0x3F)``,
and one ``bytes.translate`` over those bytes looks every pair up.

>>> m = Utf8Map.from_mapping({"َ": "", "ة": "ه"})
>>> data, offsets = m.run(np.frombuffer("مَدرسة".encode() + "بَ".encode(), np.uint8), np.array([0, 12, 16]))
>>> [bytes(data[a:b]).decode() for a, b in zip(offsets, offsets[1:])]
['مدرسه', 'ب']
>>> Utf8Map.from_mapping({"a": "b"}) is None  # only 2-byte characters to 2-byte characters or nothing
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_U8 = np.uint8
_DELETED = 0xFF  # in the table: the pair is deleted; in the bytes: a byte to drop (never a UTF-8 byte)
_SECOND_BYTES = ((0xE0, 0xA0, 0xBF), (0xED, 0x80, 0x9F), (0xF0, 0x90, 0xBF), (0xF4, 0x80, 0x8F))  # overlong, surrogate, > U+10FFFF
PIECE = 1 << 18  # map_text maps a long text this many bytes at a time
_WINDOW = 3  # lead bytes a map may use: base, base + 1, base + 2 (the pair code 3 << 6 | x is never a pair)


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


@dataclass(frozen=True)
class Utf8Map:
    """A character map compiled for UTF-8 bytes (see the module's docstring); build it with
    :meth:`from_mapping`, run it with :meth:`run`."""

    base: int  # the first lead byte of the window
    table: bytes  # pair code -> new pair code, or _DELETED
    leads: bytes  # the lead bytes of the characters the map changes

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> "Utf8Map | None":
        """The map ``{character: replacement}`` on UTF-8 bytes, or None unless every key is a
        2-byte character and every value is empty or a 2-byte character, all with leads in one window.

        >>> Utf8Map.from_mapping({"ى": "ي", "ـ": ""}).leads
        b'\\xd9'
        >>> Utf8Map.from_mapping({"ى": "ۍ"}) is None  # U+06CD (lead 0xDB) is out of the window of 0xD9
        True
        """
        pairs = {}
        for key, value in mapping.items():
            if len(key) != 1 or not 0x80 <= ord(key) < 0x800 or len(value) > 1 or (value and not 0x80 <= ord(value) < 0x800):
                return None
            pairs[key.encode("utf-8")] = value.encode("utf-8")
        if not pairs:
            return None
        leads = {pair[0] for pair in [*pairs, *pairs.values()] if pair}
        base = min(leads) & ~3
        if max(leads) - base >= _WINDOW:
            return None
        table = bytearray(range(256))
        table[_WINDOW << 6 :] = bytes(256 - (_WINDOW << 6))  # never a pair in the window; 0 keeps _DELETED out
        for key, value in pairs.items():
            table[_code(key, base)] = _code(value, base) if value else _DELETED
        return cls(base, bytes(table), bytes(sorted({key[0] for key in pairs})))

    def run(self, data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The map over rows of UTF-8 bytes: ``data`` (uint8) cut by ``offsets`` (int64, from 0 to
        ``len(data)``) gives ``(new data, new offsets)``; ``data`` itself when nothing changes.
        None when ``data`` is not valid UTF-8 or a character crosses a row boundary (the caller's
        decoding path then names the error)."""
        raw = data.tobytes()
        if not valid_utf8(data, offsets[1:-1], raw):
            return None
        if not any(bytes([lead]) in raw for lead in self.leads):  # (memchr)
            return data, offsets
        marked, keep = self.mark(data)
        if keep is None:
            return marked, offsets
        lengths = np.diff(offsets)
        kept = np.zeros(len(lengths), dtype=np.int64)
        if len(lengths) == 1:
            kept[0] = np.count_nonzero(keep)
        else:
            full = lengths > 0  # (reduceat would give an empty row the byte at its start)
            wide = np.uint16 if lengths.max() <= 0xFFFF else np.int64  # (uint16 sums 2-4 times as fast)
            kept[full] = np.add.reduceat(keep, offsets[:-1][full], dtype=wide)
        new_offsets = np.zeros(len(offsets), dtype=np.int64)
        np.cumsum(kept, out=new_offsets[1:])
        return np.compress(keep, marked), new_offsets

    def map_text(self, data: bytes) -> bytes | None:
        """``data``, one text (no row boundaries to keep: lines of a file), through the map in pieces
        of :data:`PIECE` bytes cut before a character (every buffer stays in cache); None when it is
        not valid UTF-8.

        >>> Utf8Map.from_mapping({"ى": "ي"}).map_text("على\\nمتى".encode()).decode()
        'علي\\nمتي'
        """
        raw = np.frombuffer(data, dtype=np.uint8)
        pieces, start = [], 0
        while start < len(raw):
            end = min(start + PIECE, len(raw))
            for _ in range(3):  # a character has at most 3 continuation bytes (more: invalid, found below)
                if end < len(raw) and raw[end] & 0xC0 == 0x80:
                    end += 1
            done = self.run(raw[start:end], np.array([0, end - start]))
            if done is None:
                return None
            pieces.append(done[0])
            start = end
        return b"".join(pieces)

    def mark(self, data: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """``(data with every changed pair rewritten and deleted pairs 0xFF, mask of the other bytes
        or None when none is deleted)``, for valid UTF-8 ``data``."""
        first, second = data[:-1], data[1:]
        code = np.subtract(first, _U8(self.base))  # the lead's place in the window (wraps around below it)
        in_window = np.less(code, _WINDOW).view(_U8)
        np.multiply(code, _U8(64), out=code)  # (in place: fresh temporaries of this size cost more than the arithmetic)
        code |= second & _U8(0x3F)
        new = np.frombuffer(code.tobytes().translate(self.table), dtype=_U8)
        change = np.bitwise_xor(code, new, out=code)  # lead bits above, second-byte bits below (base is aligned: xor is exact)
        change *= in_window
        out = np.empty_like(data)
        out[:1] = data[:1]
        np.bitwise_xor(second, change & _U8(0x3F), out=out[1:])
        out[:-1] ^= np.right_shift(change, _U8(6), out=change)
        gone = np.equal(new, _DELETED).view(_U8)
        gone &= in_window
        if not gone.any():
            return out, None
        np.negative(gone, out=gone)  # 1 -> 0xFF
        out[1:] |= gone
        out[:-1] |= gone
        return out, out != _DELETED


def _code(pair: bytes, base: int) -> int:
    """The one-byte code of a 2-byte character whose lead is in the window from ``base``."""
    return (pair[0] - base) << 6 | (pair[1] & 0x3F)
