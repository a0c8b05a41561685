"""The Latin words ``arabizi2ar`` reads in a batch of texts, and splicing their readings back.

A batch is one flat code-point buffer with text offsets (no joining character,
so no input can collide with one). A word is a run of ``[\\p{Latin}\\p{Mn}0-9]``
inside one text. Tokens that are not Darija words stay as they are:

* numbers, times, dates, ordinals and numbers with a unit (``20``, ``9:30``,
  ``8h30``, ``2eme``, ``1er``, ``100dh``, ``5km``),
* a unit or currency written after a number (``200 dh``, ``3 kilo``, ``15 min``),
* URLs, e-mail addresses, ``@handles`` and ``#hashtags``.

>>> w = find_words(["3la 200 dh", "#fun @x", "wa"])
>>> [w.joined[a:b] for a, b in zip(w.starts.tolist(), w.ends.tolist())]
['3la', 'wa']
>>> w.splice(["على", "وا"], np.array([0, 1]))
['على 200 dh', '#fun @x', 'وا']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import regex

from awal.batch import text_of
from awal.kernels import ranges

__all__ = ["WordSpans", "find_words", "is_number", "codes"]

_BMP = 0x10000
_LATIN_WORD = regex.compile(r"[\p{Latin}\p{Mn}0-9]+")
_NUMBER = regex.compile(
    # one chat digit before letters is a Darija word (3am, 7l, 9s, 3nd) unless an ordinal or a common
    # unit or span of time follows (5km, 5jours, 3ans); English ordinals only with their own digit (2nd, 3rd, 4th)
    r"2nd|3rd|[4-9]th|[2-9](?:eme|ème|e|h|dh|dhs|km|kg|min|mn|sec|jours?|ans|mois)?"
    r"|(?:\d{2,}|[01]|\d(?=[.,:/h-]\d))(?:[.,:/h-]\d+)*"
    r"(?:st|nd|rd|th|er|ere|re|eme|ème|em|e|h|min|mn|s|km|cm|mm|m|kg|g|gr|l|ml|cl|dh|dhs|drh|mad|da|"
    r"eur|euro|euros|usd|k|gb|go|mb|mo|kb|ko|px|mp|mbps|hz|ghz|mah|w|kw|v|am|pm|x|p|fps|sec|j|jrs?|jours?|ans|mois)?",
    regex.IGNORECASE,
)
# a unit or currency written as its own word right after a number ("200 dh", "3 kilo")
UNITS = frozenset(
    "dh dhs drh dirham dirhams mad da dinar eur euro euros usd dollar dollars centime centimes ryal "
    "km kilo kilos kg gr cm mm ml cl litre litres metre metres min mn minute minutes sec h "
    "heure heures gb go mb mo kb ko mbps mah ghz hz kw am pm fps ans".split()
)
_PROTECTED = regex.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|[@#][\p{L}\p{M}\p{N}_]+"  # @handles, #hashtags
    r"|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|ma|fr|io|me|tv|be|info)\b(?:/[^\s<>\"]*)?",  # domains
    regex.IGNORECASE,
)
_TRIGGERS = np.array([ord(c) for c in "@#/"], dtype=np.uint32)
_WORD_TABLE: np.ndarray | None = None


def codes(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included) as uint32."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def is_number(token: str) -> bool:
    """True for numbers, times, ordinals and numbers with a unit: ``20``, ``9:30``, ``2eme``, ``5km``.

    >>> [is_number(t) for t in ("20", "8h30", "2eme", "100dh", "3la", "m3a", "2nd", "3nd", "3rd", "7th", "5jours", "3ans", "7jr", "23j")]
    [True, True, True, True, False, False, True, False, True, True, True, True, False, True]
    """
    return _NUMBER.fullmatch(token) is not None


def word_chars(cps: np.ndarray) -> np.ndarray:
    """Which code points are word letters ``[\\p{Latin}\\p{Mn}0-9]`` (a table for the BMP)."""
    global _WORD_TABLE
    if _WORD_TABLE is None:
        table = np.zeros(_BMP, dtype=bool)
        for m in _LATIN_WORD.finditer("".join(map(chr, range(_BMP)))):
            table[m.start() : m.end()] = True
        _WORD_TABLE = table
    out = _WORD_TABLE[np.minimum(cps, _BMP - 1)]
    astral = cps >= _BMP
    if astral.any():
        out[astral] = False
        for cp in np.unique(cps[astral]).tolist():
            if _LATIN_WORD.fullmatch(chr(cp)):
                out[cps == cp] = True
    return out


@dataclass
class WordSpans:
    """Words of a batch of texts: ``joined[starts[i]:ends[i]]``, ``text[i]`` the text each is in."""

    texts: list[str]
    joined: str
    cps: np.ndarray
    bounds: np.ndarray  # text offsets into ``joined`` (len(texts) + 1)
    starts: np.ndarray
    ends: np.ndarray
    text: np.ndarray

    def follows_in_text(self) -> list[bool]:
        """For each word, whether the word before it is in the same text (its left neighbour)."""
        same = np.zeros(self.starts.size, dtype=bool)
        same[1:] = self.text[1:] == self.text[:-1]
        return same.tolist()

    def splice(self, readings: list[str], choice: np.ndarray) -> list[str]:
        """The texts with word ``i`` replaced by ``readings[choice[i]]``, everything else kept."""
        cps, starts, ends = self.cps, self.starts, self.ends
        n = cps.size
        flat = "".join(readings)
        ocps = codes(flat)
        olen = np.fromiter(map(len, readings), dtype=np.int64, count=len(readings))
        ooff = np.cumsum(olen) - olen
        depth = np.bincount(starts, minlength=n + 1) - np.bincount(ends, minlength=n + 1)
        inword = np.cumsum(depth[:n]) > 0
        anchor = ~inword
        anchor[starts] = True
        apos = np.flatnonzero(anchor)
        src_start = apos.copy()
        src_len = np.ones(apos.size, dtype=np.int64)
        wa = np.searchsorted(apos, starts)
        src_start[wa] = n + ooff[choice]
        src_len[wa] = olen[choice]
        out = np.concatenate([cps, ocps])[ranges(src_start, src_len)]
        cuts = np.concatenate([[0], np.cumsum(src_len)])[np.searchsorted(apos, self.bounds)]
        return _split(out, cuts)


def _split(out: np.ndarray, cuts: np.ndarray) -> list[str]:
    """The strings ``out[cuts[i]:cuts[i + 1]]``: one decode and a ``str.split`` on a code point
    the output does not hold (checked, so it cannot collide with the text), else slicing."""
    n_texts = cuts.size - 1
    if n_texts == 1:
        return [text_of(out)]
    for sep in _SPLIT_CANDIDATES:
        if not (out == sep).any():
            joined = np.insert(out, cuts[1:-1], sep).astype(np.uint32)
            return text_of(joined).split(chr(sep))
    text = text_of(out)
    bounds = cuts.tolist()
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


_SPLIT_CANDIDATES = (0x1F, 0x1E, 0xFDD0, 0x10FFFF)


def _protected(texts: list[str], cps: np.ndarray, bounds: np.ndarray) -> np.ndarray | None:
    """Mask of the code points inside URLs, e-mail addresses, handles and hashtags (None: none)."""
    dot_word = np.zeros(cps.size, dtype=bool)
    if cps.size > 1:
        dot_word[:-1] = (cps[:-1] == 46) & (cps[1:] > 64)
    hit = np.isin(cps, _TRIGGERS) | dot_word
    if not hit.any():
        return None
    which = np.unique(np.searchsorted(bounds, np.flatnonzero(hit), side="right") - 1).tolist()
    mask = np.zeros(cps.size, dtype=bool)
    base = bounds.tolist()
    for t in which:
        for m in _PROTECTED.finditer(texts[t]):
            mask[base[t] + m.start() : base[t] + m.end()] = True
    return mask


def find_words(texts: list[str]) -> WordSpans:
    """The words ``arabizi2ar`` reads in ``texts`` (see the module docstring for what is kept)."""
    joined = "".join(texts)
    cps = codes(joined)
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lens, out=bounds[1:])
    n = cps.size
    isw = word_chars(cps)
    protected = _protected(texts, cps, bounds)
    if protected is not None:
        isw &= ~protected
    cut = np.zeros(n + 1, dtype=bool)  # a word never runs across two texts
    cut[bounds] = True
    prev = np.zeros(n, dtype=bool)
    prev[1:] = isw[:-1]
    nxt = np.zeros(n, dtype=bool)
    nxt[:-1] = isw[1:]
    starts = np.flatnonzero(isw & (~prev | cut[:n]))
    ends = np.flatnonzero(isw & (~nxt | cut[1:])) + 1
    text = np.searchsorted(bounds, starts, side="right") - 1
    words = WordSpans(list(texts), joined, cps, bounds, starts, ends, text)
    return _drop_numbers(words)


def _drop_numbers(words: WordSpans) -> WordSpans:
    """Leave out numbers and the units written after them (they are kept as they are)."""
    starts, ends, cps = words.starts, words.ends, words.cps
    if not starts.size:
        return words
    first = cps[starts]
    digit_first = (first >= 48) & (first <= 57)
    if not digit_first.any():
        return words
    joined = words.joined
    digits = np.concatenate([[0], np.cumsum((cps >= 48) & (cps <= 57))])
    num = digits[ends] - digits[starts] == ends - starts  # digits only
    mixed = np.flatnonzero(digit_first & ~num)
    seen: dict[str, bool] = {}
    for i, a, b in zip(mixed.tolist(), starts[mixed].tolist(), ends[mixed].tolist()):
        token = joined[a:b]
        hit = seen.get(token)
        if hit is None:
            hit = seen[token] = _NUMBER.fullmatch(token) is not None
        num[i] = hit
    keep = ~num
    # a unit right after a number, in the same text, with only spaces between
    after = np.flatnonzero(num[:-1] & (words.text[1:] == words.text[:-1])) + 1
    for i in after.tolist():
        gap = joined[ends[i - 1] : starts[i]]
        if gap.isspace() and len(gap) <= 2 and joined[starts[i] : ends[i]].lower() in UNITS:
            keep[i] = False
    if keep.all():
        return words
    return WordSpans(words.texts, joined, cps, words.bounds, starts[keep], ends[keep], words.text[keep])
