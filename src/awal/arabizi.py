"""Arabizi (Latin-script Moroccan Darija with chat digits) <-> Arabic script.

``arabizi2ar`` reads each Latin word through a lattice of weighted rules
(``data/schemes/arabizi2ar.tsv``: chunks such as ``ch``, ``kh``, ``3``, ``9``, ``ou``
with their Arabic readings by position in the word) and picks the best path with an
Arabic character 4-gram model; frequent words and function words come from a
hand-written lexicon (``darija_lexicon.tsv``, looked up in any case), and a spelling
with several readings (``li`` لي / اللي, ``hna`` هنا / حنا) is chosen by its
neighbours (:mod:`awal.arabizi_context`); the article and the one-letter prepositions written
apart (``b naja7``, ``el bachir``) are attached to their word, as Arabic script writes them
(:mod:`awal.arabizi_clitics`); a reading that is no known word of Darija loses
the vowel letters the rules wrote too many when that gives one (:mod:`awal.arabizi_vowels`:
``jadid`` جديد). Numbers, times, units, URLs, handles and emoji stay as they are
(:mod:`awal.arabizi_words`). Letter case is a feature, not a
rule: a capital S T D H Z inside a word written in lowercase marks the emphatic
letter, a word in capitals reads as lowercase, and the lexicon ignores case. A
letter written three times or more is elongation (``bzzzaf``, as the ``darija``
profile cuts it); ``hhhh`` is laughter (``هههه``).

A batch is one flat code-point buffer: its words are found, hashed and made unique
with NumPy (a repeated word is read once), the chunk lattices of all new words are
built at once by table and hash look-ups, and one vectorised beam search (a dense
words x beam block per position) reads them all. ``fit`` learns chunk probabilities,
the letter model and word memory from (latin, arabic) pairs. ``romanize``
(``ar2arabizi``) writes chat-style Latin.

>>> m = ArabiziModel.default()
>>> m.transliterate(["wach nta mzyan? 3la 9:30", "ddar dyali", "Had chi b 200 dh hhhh"])
['واش نتا مزيان? على 9:30', 'الدار ديالي', 'هاد شي ب 200 dh هههه']
>>> romanize(["واش نتا مزيان؟"])
['wach nta mzyan؟']
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, cast

import numpy as np
import regex

from awal.cache import cached_table, source_key
from awal.arabizi_clitics import MOST_IN_A_ROW, PROCLITIC_FORMS, attach, attached_words, detach, reading
from awal.arabizi_context import VERB_CUES, WordContext, imperfect
from awal.arabizi_vowels import VowelLetters
from awal.arabizi_words import WordSpans, codes, find_words, is_number, word_chars
from awal.batch import text_of
from awal.kernels import ranges

__all__ = ["ArabiziModel", "romanize"]


def _data_dir() -> Path:
    """The ``data`` directory: inside the package (wheel) or at the source-tree root."""
    here = Path(__file__).resolve().parent / "data"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "data"


# ---------------------------------------------------------------- Arabic letters
_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٱڭگپڤکچژ"
_CHAR_ID = {c: i + 2 for i, c in enumerate(_LETTERS)}  # 0: word boundary, 1: other
# ء and its seats ئ ؤ are one letter to the letter model: the seat follows vowels that are mostly
# not written, so their letter contexts are sparse (a mid-word ء scored ~16 nats under أ after n,
# and a fit wrote نأكد for n2ekked though its pairs read 2 as ء twice as often); the chunk rules
# and learned readings choose the seat. أ and إ keep their own ids (alef-like at a word's start).
_CHAR_ID.update({"ئ": _CHAR_ID["ء"], "ؤ": _CHAR_ID["ء"]})
_A = len(_LETTERS) + 2
_ORDER = 4
_STATES = _A ** (_ORDER - 1)
_SHADDA = "\u0651"
_MARKS = regex.compile(r"[\u064B-\u0652\u0670\u0640]")
_VOWELS = set("aeiouyéèêà")
PAIR_MIN = 5  # fit: two neighbouring chunks seen together this often are learned as one chunk too
TUNE_WORDS, TUNE_FOLDS = 1000, 3  # fit's tuning scores tenths of the pairs until ~1000 words (3 tenths at most)
_FALLBACK_LOGP = -12.0  # an unseen letter mapping, when aligning training pairs
_UNKNOWN_LOGP = -8.0  # a character no rule covers: kept as it is

_LATIN_WORD = regex.compile(r"[\p{Latin}\p{Mn}0-9]+")
_BMP = 0x10000  # chunk letters are looked up in 16 bits each (a chunk has at most 4)


def _flat(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of ``words`` in one buffer, and their offsets."""
    cps = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), out=offsets[1:])
    return cps, offsets


_EMPHATIC = np.array([ord(c) for c in "STDHZ"], dtype=np.uint32)


def _prep_all(tokens: list[str]) -> tuple[list[str], list[str], list[int]]:
    """:func:`_prep` of every token, each result in lowercase, and which tokens hold a doubled
    letter, in a few passes over all of them.

    The tokens are words (letters, marks and digits): the newline that joins them is in none.
    """
    block = unicodedata.normalize("NFC", "\n".join(tokens))
    low, up = block.lower(), block.upper()
    if not len(low) == len(up) == len(block):  # a letter whose case changes its length
        preps = [_prep(t) for t in tokens]
        lows = [p.lower() for p in preps]
        return preps, lows, [i for i, w in enumerate(lows) if _ELONGATION_TWICE.search(w)]
    o, lo, hi = codes(block), codes(low), codes(up)
    wid = np.cumsum(o == 10)
    has_lower = np.bincount(wid, weights=o != hi, minlength=len(tokens)) > 0
    keep = has_lower[wid] & np.isin(o, _EMPHATIC)
    prepped = np.where(keep, o, lo).astype(np.uint32)
    text = text_of(prepped)
    preps, lows = text.split("\n"), low.split("\n")
    if o.size < 2:
        return preps, lows, []
    pair = np.flatnonzero(lo[1:] == lo[:-1])  # a letter twice (never the newline: tokens are not empty)
    run = pair[:-1][pair[1:] == pair[:-1] + 1]  # a letter three times: elongation
    for i in set(wid[run].tolist()):
        preps[i], lows[i] = _ELONGATION.sub(r"\1\1", preps[i]), _ELONGATION.sub(r"\1\1", lows[i])
    return preps, lows, sorted(set(wid[pair].tolist()))


_HASH_P = np.uint64(0x100000001B3)
_HASH_PINV = np.uint64(pow(0x100000001B3, -1, 1 << 64))


def _unique_spans(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(inverse, first)``: a distinct-text id for every span and one span of each text.

    Spans are hashed (64-bit polynomial, wrapping arithmetic) and made unique with
    ``np.unique``; every span is then compared with its representative letter by
    letter, so a hash collision can never merge two different words.

    >>> inv, first = _unique_spans(codes("wa la wa"), np.array([0, 3, 6]), np.array([2, 5, 8]))
    >>> bool(inv[0] == inv[2] != inv[1]), sorted(first.tolist())
    (True, [0, 1])
    """
    n = cps.size
    with np.errstate(over="ignore"):
        one = np.ones(1, dtype=np.uint64)
        pw = np.concatenate([one, np.cumprod(np.full(n - 1, _HASH_P, dtype=np.uint64))])  # P**i
        ipw = np.concatenate([one, np.cumprod(np.full(n - 1, _HASH_PINV, dtype=np.uint64))])  # P**-i
        acc = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(cps.astype(np.uint64) * pw, out=acc[1:])
        h = (acc[ends] - acc[starts]) * ipw[starts]
        h ^= (ends - starts).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    inv = inv.ravel()
    lens = ends - starts
    rep_start = starts[first][inv]
    same = np.array_equal(lens, lens[first][inv]) and np.array_equal(
        cps[ranges(starts, lens)], cps[ranges(rep_start, lens)]
    )
    if not same:  # a collision: fall back to exact grouping of the words as strings
        words = [cps[a:b].tobytes() for a, b in zip(starts.tolist(), ends.tolist())]
        index: dict[bytes, int] = {}
        inv = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))
        first = np.zeros(len(index), dtype=np.int64)
        first[inv[::-1]] = np.arange(len(words))[::-1]
    return inv, first


def _spans_text(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The words ``cps[starts[i]:ends[i]]`` as strings, in one decode (words hold no newline).

    >>> _spans_text(np.array([ord(c) for c in "ab cd"], dtype=np.uint32), np.array([3, 0]), np.array([5, 2]))
    ['cd', 'ab']
    """
    if not len(starts):
        return []
    lengths = ends - starts + 1  # each word, then a newline
    out = np.append(cps, np.uint32(10))[ranges(starts, lengths)]
    out[np.cumsum(lengths) - 1] = 10
    return text_of(out[:-1]).split("\n")


def _chunk_code(chunk: str) -> int:
    """A chunk of up to 4 letters below U+FFFF as one 64-bit number (16 bits a letter)."""
    return sum(ord(c) << (16 * i) for i, c in enumerate(chunk))


def _strip_arabic(text: str) -> str:
    """Arabic letters only: no harakat, shadda or tatweel."""
    return _MARKS.sub("", text)


def _char_ids(text: str) -> tuple[int, ...]:
    return tuple(_CHAR_ID.get(c, 1) for c in _strip_arabic(text))


def _is_word(token: str) -> bool:
    """True for a Latin token to transliterate; False for numbers like 20, 5km, 2eme."""
    return any(c.isalpha() for c in token) and not is_number(token)


_ELONGATION = regex.compile(r"(\p{L})\1{2,}")
NOUN_ENDING = "ª"  # the lattice's symbol for the final -a of a word with the article


def _letter_set(letters: str) -> np.ndarray:
    """A table over code points below U+0250: True for ``letters``."""
    table = np.zeros(0x250, dtype=bool)
    table[[ord(c) for c in letters]] = True
    return table


# a medial vowel is in an open syllable after a consonant (or glide), before one consonant (or a
# digraph: ch kh gh sh th dh) and a vowel
_BEFORE_OPEN = _letter_set("bcdfghjklmnpqrstvwxyzSTDHZç35679")
_OPENABLE = _letter_set("aeio")
_ONE_CONSONANT = _letter_set("bcdfghjklmnpqrstvxzSTDHZç235679")
_DIGRAPH_FIRST = _letter_set("ckgstd")
_NEXT_VOWEL = _letter_set("aeiou" + NOUN_ENDING)


_VOWEL = _letter_set("aeiouyAEIOUY")
_VOWEL_OR_DIGIT = _VOWEL | _letter_set("0123456789")


def _noun_endings(cps: np.ndarray) -> np.ndarray:
    """Positions of ``cps`` (words joined by newlines) holding the final -a of a word with the
    article: ``l`` + consonant, or a doubled letter that is no vowel or digit, then at least one
    letter, a letter other than a, and the a."""
    n = cps.size
    c = np.concatenate([np.minimum(cps, 0x24F), np.zeros(2, dtype=np.uint32)])
    ends = np.append(np.flatnonzero(c[:n] == 10), n)
    starts = np.concatenate([[0], ends[:-1] + 1])
    length = ends - starts
    last = ends - 1
    first, second = c[starts], c[starts + 1]
    article = ((first == ord("l")) | (first == ord("L"))) & ~_VOWEL[second] & (second != 10) & (length >= 4)
    doubled = (first == second) & ~_VOWEL_OR_DIGIT[first] & (first != 10) & (length >= 5)
    final_a = (c[np.maximum(last, 0)] == ord("a")) & (c[np.maximum(last - 1, 0)] != ord("a")) & (length > 0)
    return last[(article | doubled) & final_a]


_AFTER_ARTICLE = _letter_set("bcdfghjkmnpqrstvwxyzSTDHZç235679")  # a consonant or glide, not l


def _article_l(cps: np.ndarray) -> np.ndarray:
    """Positions of ``cps`` (words joined by newlines) holding the ``l`` that starts a word of
    three letters or more with ``l`` + a consonant or glide (not a second l: ``lli``)."""
    n = cps.size
    c = np.concatenate([np.minimum(cps, 0x24F), np.zeros(3, dtype=np.uint32)])
    starts = np.concatenate([[0], np.flatnonzero(c[:n] == 10) + 1])
    starts = starts[starts < n]
    second = c[starts + 1]
    return starts[(c[starts] == ord("l")) & _AFTER_ARTICLE[second] & (c[starts + 2] != 10) & (c[starts + 2] != 0)]


def _open_vowels(cps: np.ndarray) -> np.ndarray:
    """Positions of ``cps`` (words joined by newlines) holding a vowel in an open syllable."""
    n = cps.size
    c = np.concatenate([np.minimum(cps, 0x24F), np.zeros(3, dtype=np.uint32)])  # 0: no letter
    at = np.flatnonzero(_OPENABLE[c[1:n]]) + 1
    at = at[_BEFORE_OPEN[c[at - 1]]]
    one = _ONE_CONSONANT[c[at + 1]] & _NEXT_VOWEL[c[at + 2]]
    two = _DIGRAPH_FIRST[c[at + 1]] & (c[at + 2] == ord("h")) & _NEXT_VOWEL[c[at + 3]]
    return at[one | two]


def _lattice_forms(words: list[str]) -> list[str]:
    """Prepared words as the rule lattice reads them: the final -a of a word that starts
    with the article (``l`` + consonant, or a doubled letter: ``lmdrasa``, ``ssa3a``) is
    written ``ª``, a noun's ending that the rules read as ة more often than ا; a medial
    vowel in an open syllable (consonant, the vowel, one consonant, a vowel: the first a of
    ``faras``) is written in capitals, a context of its own for the rules and for ``fit``
    (short vowels, mostly not written, are found there).

    The ``l`` of a word that starts with ``l`` + consonant (``l7al``, ``lbarh``) is written
    ``L``: the article, which Arabic-script Darija writes ال (AfriSenti's Moroccan tweets write
    المغرب 87 times and never لمغرب), or the preposition ل; the rules and the letter model decide.

    >>> _lattice_forms(["lmdrasa", "ssa3a", "bghina", "lla", "faras", "kayna", "l7al"])
    ['LmdrAsª', 'ssA3ª', 'bghIna', 'lla', 'fAras', 'kayna', 'L7al']
    """
    if not words:
        return []
    return text_of(_marked_codes(words)).split("\n")


def _marked_codes(words: list[str]) -> np.ndarray:
    """The :func:`_lattice_forms` of ``words`` as code points, joined by newlines."""
    cps = codes("\n".join(words)).copy()
    ending = _noun_endings(cps)
    opened = _open_vowels(cps)  # before the endings are marked: ª counts as the vowel a
    article = _article_l(cps)
    cps[ending] = ord(NOUN_ENDING)
    cps[opened] -= 32  # a e i o -> A E I O
    cps[article] = ord("L")
    return cps


def _lattice_codes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``_flat(_lattice_forms(words))`` without making the strings: code points and offsets."""
    cps = _marked_codes(words)
    newline = np.flatnonzero(cps == 10)
    offsets = np.concatenate([[0], newline - np.arange(newline.size), [cps.size - newline.size]]).astype(np.int64)
    return cps[cps != 10], offsets


_ELONGATION_TWICE = regex.compile(r"(\p{L})\1")
_DOUBLED_SUN = _letter_set("tdrzsn")  # a word-initial doubled one is the article (ddar, ssara7a)


def _article_words(words: list[str]) -> list[int]:
    """Indexes of the lowercase ``words`` that may be the article and another word of three letters
    or more: ``l`` + a consonant or glide other than l (``lmosalsal``), or a doubled sun letter
    (``ssara7a``).

    >>> _article_words(["lmosalsal", "ssara7a", "lli", "tta", "lbs", "salam", "ddar", "lyoum"])
    [0, 1, 6, 7]
    """
    cps = np.append(np.minimum(codes("\n".join(words)), 0x24F), np.uint32(10))
    ends = np.flatnonzero(cps == 10)
    starts = np.concatenate([[0], ends[:-1] + 1])
    first, second = cps[starts], cps[np.minimum(starts + 1, cps.size - 1)]
    article = ((first == ord("l")) & _AFTER_ARTICLE[second]) | ((first == second) & _DOUBLED_SUN[first])
    return np.flatnonzero(article & (ends - starts >= 4)).tolist()


def _laughter(word: str) -> str | None:
    """``hhhh`` -> ``هههه``: laughter, as many ه as h (None for other words)."""
    return "ه" * len(word) if len(word) > 1 and word.count("h") == len(word) else None


def _prep(word: str) -> str:
    """Case-normalise a Latin word (keep the emphatic capitals S T D H Z, lower the rest)
    and cut elongation (a letter three times or more) to two, as the ``darija`` profile does."""
    word = _ELONGATION.sub(r"\1\1", unicodedata.normalize("NFC", word))
    if not any(c.islower() for c in word):
        return word.lower()
    return "".join(c if c in "STDHZ" else c.lower() for c in word)


def _context(start: int, end: int, length: int) -> str:
    return "I" if start == 0 else ("F" if end == length else "M")


def _display(chunk: str, arabic: str) -> str:
    """Output text for a chunk's reading: a doubled consonant gets a shadda."""
    half = len(chunk) // 2
    one_letter = len(arabic) == 1 or (len(arabic) == 3 and arabic.startswith("ال"))
    if half and chunk[:half] == chunk[half:] and not set(chunk) & _VOWELS and one_letter:
        return arabic + _SHADDA
    return arabic


SUN_LETTERS = frozenset("تثدذرزسشصضطظلن")  # the article assimilates to them: ال + شّ is said "chch"
ARTICLE_SUN = 0.9  # share of the article reading for a doubled word-initial sun letter (ddar, zzit)
ARTICLE_MOON = 0.5  # the same for other letters (bba بّا, kkas الكاس)


SHARED_DEPTH = 8  # words share the search of their beginnings up to this many letters
_KEY_BITS = 7  # bits a letter of that beginning takes in a sort key (2 + 8 * 7 < 63)
_KEY_LETTERS = 0x3000  # letters below this are numbered by a table, others by a search (127 in all)


def _prefix_tree(cps: np.ndarray, offsets: np.ndarray, halves: np.ndarray | None = None) -> tuple:
    """The words of ``(cps, offsets)`` as the prefix tree the beam search reads.

    Returns ``(order, sorted_offsets, row, creator, non_final, (final_words, final_bounds))``:
    the words in lexicographic order and their offsets in that order; for each letter of
    them (the end of a beginning of ``p`` letters), its ``row`` among the nodes at position
    ``p``, and whether this word is the one that ``creator``-s the node (the first word in
    order that starts so; a word's last letter is a node of its own, its end); the number
    of nodes at each position that are no word's end (the root at 0), and the sorted words
    ending at each position (``final_words[final_bounds[p]:final_bounds[p + 1]]``, rows after
    those nodes). A word that starts with a doubled letter (``ddar``) shares nothing with
    one that does not: the lattice reads that start otherwise; nor do two words share the node of a
    beginning where a chunk may end in one and not in the other (``halves``: the first halves of
    doubled consonants, see :meth:`ArabiziModel._halves`: ``kak`` in ``kakk`` and ``kaki``).

    >>> order, so, row, creator, non_final, (words, bounds) = _prefix_tree(*_flat(["kan", "ka", "kbir"]))
    >>> order.tolist(), row.tolist(), non_final.tolist(), words.tolist(), bounds.tolist()
    ([1, 0, 2], [0, 2, 0, 0, 1, 0, 1, 0, 0], [1, 1, 2, 1, 0], [0, 1, 2], [0, 0, 0, 1, 2, 3])
    >>> creator.tolist()  # kan and kbir share the k of ka, kbir creates kb and kbi
    [True, True, False, True, True, False, True, True, True]
    """
    W = len(offsets) - 1
    lens = np.diff(offsets)
    T = int(lens.max())
    first = offsets[:-1]
    # the key: a doubled-start tag (2 bits), then the first letters (7 bits each, 0 past the
    # end), the letters numbered in code point order among those the batch holds
    low = cps < _KEY_LETTERS
    present = np.bincount(cps[low], minlength=_KEY_LETTERS) > 0
    high = np.unique(cps[~low])  # the few others, numbered after
    if present.sum() + high.size >= 1 << _KEY_BITS:  # too many letters for the key: no sharing
        order, shared = np.arange(W), np.zeros(W, dtype=np.int64)
    else:
        number = np.cumsum(present)[np.where(low, cps, 0)]
        if high.size:
            number[~low] = present.sum() + 1 + np.searchsorted(high, cps[~low])
        c = np.concatenate([number, np.zeros(SHARED_DEPTH + 3, dtype=np.int64)])
        key = ((c[first] == c[first + 1]) & (lens > 2)).astype(np.int64)
        key += 2 * ((c[first] == c[first + 2]) & (c[first + 1] == c[first + 3]) & (lens > 4))
        for j in range(SHARED_DEPTH):
            key = key << _KEY_BITS | np.where(lens > j, c[first + j], 0)
        order = np.argsort(key)
        key = key[order]
        differ = key[1:] ^ key[:-1]
        top = np.frexp(differ.astype(np.float64))[1] - 1  # the highest bit that differs (rounded up)
        shared = np.zeros(W, dtype=np.int64)  # letters shared with the word before, never its end
        shared[1:] = np.where(differ == 0, SHARED_DEPTH, np.maximum(_KEY_BITS * SHARED_DEPTH - 1 - top, 0) // _KEY_BITS)
        shared[1:] = np.minimum(shared[1:], lens[order][:-1] - 1)
        if halves is not None and W > 1:
            start = first[order]
            d = shared[1:]
            last = np.maximum(d - 1, 0)  # the last shared letter of each word and the one before
            shared[1:] -= (d > 0) & (halves[start[1:] + last] != halves[start[:-1] + last])
    slen = lens[order]
    so = np.zeros(W + 1, dtype=np.int64)
    np.cumsum(slen, out=so[1:])
    wid = np.repeat(np.arange(W), slen)
    depth = np.arange(so[-1]) - so[wid] + 1
    ends = depth == slen[wid]
    new = ~ends & (depth > shared[wid])
    by_depth = np.argsort(depth.astype(np.uint16) if T < 1 << 16 else depth, kind="stable")  # then by word
    d, n_new, n_end = depth[by_depth], new[by_depth], ends[by_depth]
    news = np.bincount(depth[new], minlength=T + 1)
    finals = np.bincount(depth[ends], minlength=T + 1)
    news_before = np.cumsum(news) - news
    finals_before = np.cumsum(finals) - finals
    node = np.maximum.accumulate(np.where(n_new, np.cumsum(n_new) - 1, -1))  # shared letters take the node before
    row = np.empty(so[-1], dtype=np.int64)
    row[by_depth] = np.where(n_end, news[d] + np.cumsum(n_end) - 1 - finals_before[d], node - news_before[d])
    news[0] = 1  # the root
    return order, so, row, new | ends, news, (wid[by_depth][n_end], np.concatenate([[0], np.cumsum(finals)]))


def _candidate_slots(step: np.ndarray, node: np.ndarray, n_rows: np.ndarray, beam: int) -> tuple:
    """Where the beam search puts each candidate: ``(slot, width, base)``.

    The candidates reaching position ``p`` fill a dense block of ``n_rows[p]`` rows (one a
    node) of ``width[p]`` slots (``beam`` for each candidate of the node that has the most),
    from ``base[p]`` on in one flat buffer; a node's candidates fill its row in the order given,
    ``beam`` slots each (one for each hypothesis they extend); ``slot`` is the first of them.

    >>> slot, width, base = _candidate_slots(np.array([1, 1, 2, 1]), np.array([0, 1, 0, 0]), np.array([1, 2, 1]), 2)
    >>> slot.tolist(), width.tolist(), base.tolist()
    ([0, 4, 8, 2], [0, 4, 2], [0, 0, 8, 10])
    """
    key = step * (int(n_rows.max()) + 1) + node
    o = np.argsort(key, kind="stable")
    key = key[o]
    new = np.concatenate([[True], key[1:] != key[:-1]])
    first = np.flatnonzero(new)
    rank = np.empty(key.size, dtype=np.int64)
    rank[o] = np.arange(key.size) - first[np.cumsum(new) - 1]
    count = np.diff(np.append(first, key.size))
    width = np.zeros(n_rows.size, dtype=np.int64)
    np.maximum.at(width, step[o[first]], count * beam)
    base = np.concatenate([[0], np.cumsum(n_rows * width)])
    return base[step] + node * width[step] + rank * beam, width, base


# ---------------------------------------------------------------- letter model
class _CharLM:
    """Arabic character n-gram model (interpolated absolute discounting) on dense tables."""

    def __init__(self, counts: np.ndarray | None = None, table: np.ndarray | None = None) -> None:
        self.counts = np.zeros(_A**_ORDER) if counts is None else counts
        self._table: np.ndarray | None = table

    @classmethod
    def cached(cls, words: Iterable[str], key: str) -> "_CharLM":
        """``_CharLM().add(words)`` with its counts and table kept in the disk cache under ``key``
        (a hash of the files ``words`` come from)."""
        words = list(words)
        counts = _dense(cached_table("arabizi-lm-counts", key, lambda: _sparse(cls().add(words).counts)))
        return cls(counts, cached_table("arabizi-lm-table", key, lambda: cls(counts).table()))

    def __getstate__(self) -> dict:
        """What pickle stores: the counts' nonzero cells (a few thousand of 2.2 million: 36 MB dense),
        never the table built from them (18 MB, built again on use)."""
        return {"counts": _sparse(self.counts)}

    def __setstate__(self, state: dict) -> None:
        self.counts, self._table = _dense(state["counts"]), None

    def add(self, words: Iterable[str], weight: float = 1.0) -> "_CharLM":
        idx: list[int] = []
        pad = (0,) * (_ORDER - 1)
        for w in words:
            ids = pad + _char_ids(w) + (0,)
            for k in range(_ORDER - 1, len(ids)):
                g = 0
                for c in ids[k - _ORDER + 1 : k + 1]:
                    g = g * _A + c
                idx.append(g)
        new = self.counts + weight * np.bincount(idx, minlength=_A**_ORDER)
        return _CharLM(new)

    def table(self) -> np.ndarray:
        """log P(c | previous 3 letters) as a flat float32 array indexed state*_A + c."""
        if self._table is None:
            d = 0.75
            c = self.counts.reshape((_A,) * _ORDER)
            p = (c.sum(axis=tuple(range(_ORDER - 1))) + 1.0)
            p = p / p.sum()
            for k in range(2, _ORDER + 1):
                ck = c.sum(axis=tuple(range(_ORDER - k))) if k < _ORDER else c
                tot = ck.sum(-1, keepdims=True)
                n1 = (ck > 0).sum(-1, keepdims=True)
                lower = np.broadcast_to(p, ck.shape)
                with np.errstate(invalid="ignore", divide="ignore"):
                    pk = (np.maximum(ck - d, 0) + d * n1 * lower) / tot
                p = np.where(tot > 0, pk, lower)
            self._table = np.log(p).astype(np.float32).ravel()
        return self._table


def _sparse(counts: np.ndarray) -> np.ndarray:
    """The nonzero cells of a letter model's counts as one ``(2, n)`` array: indices (< 2**53: exact as floats), counts.

    >>> _dense(_sparse(_CharLM().add(["كلب"]).counts)).sum()
    np.float64(4.0)
    """
    nonzero = np.flatnonzero(counts)
    return np.stack([nonzero.astype(np.float64), counts[nonzero]])


def _dense(sparse: np.ndarray) -> np.ndarray:
    """The counts :func:`_sparse` stands for."""
    counts = np.zeros(_A**_ORDER)
    counts[sparse[0].astype(np.int64)] = sparse[1]
    return counts


# ---------------------------------------------------------------- rule files
_MIN_SHARE = 0.1  # a reading under a tenth of its chunk's best one is dropped: it costs time, never wins


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    """Weights as probabilities, without the readings under ``_MIN_SHARE`` of the best."""
    top = max(weights.values(), default=0.0)
    kept = {a: w for a, w in weights.items() if w > 0 and w >= _MIN_SHARE * top}
    total = sum(kept.values())
    return {a: w / total for a, w in kept.items()}


def _read_rules(path: Path) -> dict[tuple[str, str], dict[str, float]]:
    """Read ``latin context arabic weight`` lines into {(chunk, ctx): {arabic: prob}}."""
    raw: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[1] not in ("*", "I", "M", "F"):
            raise ValueError(f"{path}:{lineno}: expected 'latin<TAB>*|I|M|F<TAB>arabic<TAB>weight'")
        latin, ctx, arabic, weight = parts
        arabic = "" if arabic == "-" else arabic
        try:
            w = float(weight)
        except ValueError:
            raise ValueError(f"{path}:{lineno}: weight {weight!r} is not a number") from None
        for c in ("IMF" if ctx == "*" else ctx):
            raw[(latin, c)][arabic] = raw[(latin, c)].get(arabic, 0.0) + w
    rules = {key: _normalised(alts) for key, alts in raw.items()}
    # a word-initial emphatic capital before a letter pair keeps the pair's readings (Sh, Th)
    for cap in "STDHZ":
        for (chunk, ctx), dist in list(rules.items()):
            if ctx == "I" and len(chunk) > 1 and chunk[0] == cap.lower():
                rules.setdefault((cap + chunk[1:], "I"), dict(dist))
    # doubled letters: one letter (shown with shadda); word-initial ones may be ال + letter,
    # mostly so for a sun letter, which the article assimilates (ddar الدار, chchems الشمس)
    consonants = [k for k in rules if k[0].isalnum() and not set(k[0].lower()) & _VOWELS]
    for chunk, ctx in consonants:
        dist = dict(rules[(chunk, ctx)])
        if ctx == "I" and chunk.isalpha():
            dist = {}
            for a, p in rules[(chunk, ctx)].items():
                share = ARTICLE_SUN if a[:1] in SUN_LETTERS else ARTICLE_MOON
                dist[a] = dist.get(a, 0.0) + (1 - share) * p
                dist["ال" + a] = dist.get("ال" + a, 0.0) + share * p
        rules.setdefault((chunk + chunk, ctx), dist)
    for vowel in "aeio":  # a vowel in an open syllable (see _lattice_forms) reads as the vowel unless told
        if (vowel, "M") in rules:
            rules.setdefault((vowel.upper(), "M"), dict(rules[(vowel, "M")]))
    return rules


def _read_lexicon(path: Path) -> dict[str, list[str]]:
    """Read ``arabic<TAB>latin latin ...`` lines into {lowercase latin: [arabic, ...]}.

    A spelling listed under several Arabic words keeps them in file order (the most
    usual reading first); the word context chooses among them.
    """
    lex: dict[str, list[str]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        arabic, sep, variants = line.partition("\t")
        if not sep or not variants.split() or not arabic.strip():
            raise ValueError(f"{path}:{lineno}: expected 'arabic<TAB>latin spellings'")
        for v in variants.split():
            readings = lex.setdefault(unicodedata.normalize("NFC", v).lower(), [])
            if arabic not in readings:
                readings.append(arabic)
    return lex


def _among(words: list[str], forms: frozenset[str], ids: np.ndarray) -> np.ndarray:
    """Whether each of the distinct ``words`` is one of ``forms``, looked up only for the words
    ``ids`` (the only ones the caller reads: False for the others).

    >>> _among(["b", "naja7", "f", "l"], frozenset({"b", "f", "l"}), np.array([3, 1, 0, 1])).tolist()
    [True, False, False, True]
    """
    flags = np.zeros(len(words), dtype=bool)
    ids = np.unique(ids)
    flags[ids[np.array([words[k] in forms for k in ids.tolist()], dtype=bool)]] = True
    return flags


def _only_spaces(joined: str, end: int, start: int) -> bool:
    """Whether only spaces (or nothing) stand in ``joined`` between a word's ``end`` and the next word's ``start``."""
    return not joined[end:start].strip(" ")


def _word_before(words: WordSpans, j: int) -> str:
    """The word before word ``j`` in its text when only spaces stand between them, else ""."""
    if j and words.text[j - 1] == words.text[j] and _only_spaces(words.joined, words.ends[j - 1], words.starts[j]):
        return words.joined[words.starts[j - 1] : words.ends[j - 1]]
    return ""


# ---------------------------------------------------------------- the model

_MADE_OF = ("rules", "lexicon", "homographs", "_word_context", "lm", "learned", "lm_weight", "beam")  # see ArabiziModel.__getstate__


class ArabiziModel:
    """Arabizi -> Arabic transliterator: weighted chunk rules + Arabic letter 4-gram model.

    >>> m = ArabiziModel.default()
    >>> m.candidates("7mar", 3)[0][0]
    'حمار'
    >>> m2 = m.fit([("kalb", "كلب"), ("klab", "كلاب")])
    """

    def __init__(
        self,
        rules: dict[tuple[str, str], dict[str, float]],
        lexicon: dict[str, str] | None = None,
        lm: _CharLM | None = None,
        learned: dict[tuple[str, str], Counter] | None = None,
        lm_weight: float = 1.0,
        beam: int = 2,
        homographs: dict[str, list[str]] | None = None,
        context: WordContext | Callable[[], WordContext] | None = None,
    ) -> None:
        self.rules = rules
        self.lexicon = {k.lower(): v for k, v in (lexicon or {}).items()}
        self.homographs = {k: list(v) for k, v in (homographs or {}).items() if len(v) > 1}
        self._word_context = context if context is not None else WordContext({}, {})
        self.lm = lm if lm is not None else _CharLM()
        self.learned: dict[tuple[str, str], Counter] = learned or {}
        self.lm_weight = lm_weight
        self.beam = beam
        self._reset()

    def __getstate__(self) -> dict:
        """What pickle stores (a fitted model shipped to workers): what the model was made of, never the
        tables and caches :meth:`_reset` builds from it (built again where it is unpickled)."""
        return {name: self.__dict__[name] for name in _MADE_OF}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._reset()

    def _reset(self) -> None:
        self._group_of: dict[tuple[str, str], int] = {}
        self._g_start: list[int] = []
        self._g_len: list[int] = []
        self._f_emit: list[int] = []
        self._f_lp: list[float] = []
        self._emit_index: dict[str, int] = {}
        self._emits: list[str] = []
        self._arrays: tuple | None = None
        self._cache: dict[str, str] = {}
        self._ambiguous: dict[str, str] = {}  # tokens read so far whose spelling has several readings -> spelling
        self._vowel_letters: VowelLetters | None = None
        self._words: dict[str, str] | None = None  # the lexicon and its words with a proclitic on them
        chunk_totals: dict[str, Counter] = defaultdict(Counter)
        for (chunk, _), cnt in self.learned.items():
            chunk_totals[chunk].update(cnt)
        self._chunk_totals = chunk_totals
        chunks = sorted({k[0] for k in self.rules} | {k[0] for k in self.learned})
        self._max_chunk = max(map(len, chunks))
        if self._max_chunk > 4:
            raise ValueError(f"a rule chunk has more than 4 letters: {max(chunks, key=len)!r}")
        # every chunk's groups in the three contexts, and its exact 16-bit-per-letter code
        single = np.full((_BMP, 3), -1, dtype=np.int64)
        self._doubles = np.zeros(_BMP, dtype=bool)  # consonants whose doubled chunk reads mid-word and at the end
        by_len: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)
        for chunk in chunks:
            gids = [self._group(chunk, ctx) for ctx in "IMF"]
            if len(chunk) == 1:
                single[ord(chunk)] = gids
            elif all(ord(c) < _BMP - 1 for c in chunk):
                by_len[len(chunk)].append((_chunk_code(chunk), gids))
                if len(chunk) == 2 and chunk[0] == chunk[1] and chunk[0] not in _VOWELS:
                    self._doubles[ord(chunk[0])] = gids[1] >= 0 and gids[2] >= 0
        self._single = single
        self._multi: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for length, items in by_len.items():
            items.sort()
            self._multi[length] = (np.array([c for c, _ in items], dtype=np.uint64),
                                   np.array([g for _, g in items], dtype=np.int64))
        # a prefilter: which first two letters start a chunk of each length (letters numbered from 1)
        letters = sorted({c for chunk in chunks if len(chunk) > 1 for c in chunk[:2]})
        self._letter_id = np.zeros(_BMP, dtype=np.int64)
        self._letter_id[[ord(c) for c in letters if ord(c) < _BMP]] = np.arange(1, len(letters) + 1)
        self._ids = len(letters) + 1
        self._starts = {length: np.zeros(self._ids**2, dtype=bool) for length in self._multi}
        for chunk in chunks:
            if len(chunk) > 1 and len(chunk) in self._starts:
                ids = self._letter_id[[min(ord(c), _BMP - 1) for c in chunk[:2]]]
                self._starts[len(chunk)][ids[0] + ids[1] * self._ids] = True
        self.lm.table()
        word_chars(np.zeros(0, dtype=np.uint32))  # build the letter table now, not on first use

    @property
    def context(self) -> WordContext:
        """The word counts that rank a spelling's readings; a loader given instead (the shipped
        model's) runs on first use, since most texts hold no word with several readings."""
        if not isinstance(self._word_context, WordContext):
            self._word_context = self._word_context()
        return self._word_context

    # ------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> "ArabiziModel":
        """The shipped model: hand-written rules, lexicon and a letter model of the lexicon."""
        d = _data_dir() / "schemes"
        spellings = _read_lexicon(d / "darija_lexicon.tsv")
        lexicon = {latin: readings[0] for latin, readings in spellings.items()}
        lm = _CharLM.cached(sorted(set(lexicon.values())), source_key(__file__, str(d / "darija_lexicon.tsv")))
        return cls(_read_rules(d / "arabizi2ar.tsv"), lexicon, lm, lm_weight=0.1, homographs=spellings,
                   context=partial(WordContext.read, d / "darija_bigrams.tsv"))

    def _vowels(self) -> VowelLetters:
        """The known words of the word context, to drop vowel letters the rules wrote too many."""
        if self._vowel_letters is None:
            self._vowel_letters = VowelLetters(self.context.unigrams)
        return self._vowel_letters

    # ------------------------------------------------------------ emissions
    def _distribution(self, chunk: str, ctx: str) -> dict[str, float]:
        """P(arabic | chunk, context): rules as a prior, smoothed with learned counts."""
        prior = self.rules.get((chunk, ctx), {})
        by_chunk = self._chunk_totals.get(chunk)
        if not by_chunk:
            return prior
        n_chunk = sum(by_chunk.values())
        beta, alpha = 3.0, 3.0
        by_ctx = self.learned.get((chunk, ctx), Counter())
        # a reading of the chunk's pooled counts is one here only if the pairs show it here too (or the
        # rules have nothing here): the article of a doubled first letter (nn الن) is no mid-word reading
        keys = set(prior) | {a for a, c in by_chunk.items() if c >= 2 and (a in by_ctx or not prior)}
        base = {a: (by_chunk.get(a, 0) + beta * prior.get(a, 0.0)) / (n_chunk + beta * bool(prior))
                for a in keys}
        n_ctx = sum(by_ctx.values())
        dist = {a: (by_ctx.get(a, 0) + alpha * base[a]) / (n_ctx + alpha) for a in keys}
        top = max(dist.values(), default=0.0)
        return {a: p for a, p in dist.items() if p >= 0.002 * top and p > 0}

    def _group(self, chunk: str, ctx: str) -> int:
        """Index of the emission group of (chunk, ctx), -1 if the chunk has no reading."""
        key = (chunk, ctx)
        g = self._group_of.get(key)
        if g is None:
            dist = self._distribution(chunk, ctx)
            if not dist and len(chunk) == 1:
                dist = {chunk: float(np.exp(_UNKNOWN_LOGP))}
            if not dist:
                g = -1
            else:
                g = len(self._g_start)
                self._g_start.append(len(self._f_emit))
                self._g_len.append(len(dist))
                for a, p in dist.items():
                    shown = _display(chunk, a)
                    e = self._emit_index.get(shown)
                    if e is None:
                        e = self._emit_index[shown] = len(self._emits)
                        self._emits.append(shown)
                    self._f_emit.append(e)
                    self._f_lp.append(float(np.log(p)))
            self._group_of[key] = g
        return g

    # ------------------------------------------------------------ decoding
    def _emission_arrays(self) -> tuple[np.ndarray, ...]:
        """Group/reading tables and each reading's letter ids and code points, as arrays."""
        if self._arrays is None or self._arrays[0] != len(self._f_emit):
            ids = [_char_ids(e) for e in self._emits]
            K = max(1, max((len(i) for i in ids), default=1))
            chars = np.full((len(ids), K), -1, dtype=np.int32)
            for i, t in enumerate(ids):
                chars[i, : len(t)] = t
            text = "".join(self._emits)
            e_len = np.fromiter(map(len, self._emits), dtype=np.int64, count=len(self._emits))
            self._arrays = (
                len(self._f_emit),
                np.asarray(self._g_start, dtype=np.int64),
                np.asarray(self._g_len, dtype=np.int64),
                np.asarray(self._f_emit, dtype=np.int64),
                np.asarray(self._f_lp, dtype=np.float32),
                chars,
                np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32),
                np.cumsum(e_len) - e_len,
                e_len,
            )
        return self._arrays

    def _halves(self, cps: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Which letters of the words ``(cps, offsets)`` are the first half of a doubled consonant
        inside a word (not its first letter, not after the same letter: a run of three is read as
        before): one letter with shadda, no chunk ends there (``ddar``'s start is the article's, see
        :meth:`_lattice`)."""
        n = cps.size
        out = np.zeros(n, dtype=bool)
        if n > 2:
            out[1:-1] = (cps[1:-1] == cps[2:]) & (cps[1:-1] != cps[:-2]) & self._doubles[np.minimum(cps[1:-1], _BMP - 1)]
            out[offsets[:-1]] = False  # a word's first letter
            out[offsets[1:-1] - 1] = False  # a word's last letter (the next is another word's)
        return out

    def _lattice(self, cps: np.ndarray, offsets: np.ndarray, needed: np.ndarray, halves: np.ndarray) -> tuple[np.ndarray, ...]:
        """Chunk occurrences of all words at once: (word, start, end, group), starts local; only
        the chunks whose last letter is ``needed`` (a mask over ``cps``) and not in ``halves``
        (:meth:`_halves`)."""
        n = len(cps)
        W = len(offsets) - 1
        lens = np.diff(offsets)
        wid = np.repeat(np.arange(W, dtype=np.int64), lens)
        local = np.arange(n, dtype=np.int64) - offsets[wid]
        left = lens[wid] - local  # letters from here to the end of the word
        c = cps.astype(np.int64)
        doubled_half = np.zeros(W, dtype=np.int64)
        ew, es, ee, eg = [], [], [], []
        code = np.minimum(c, _BMP - 1).astype(np.uint64)
        padded = np.concatenate([code, np.zeros(self._max_chunk, dtype=np.uint64)])
        ids = self._letter_id[code.astype(np.int64)]
        pair = ids + np.concatenate([ids[1:], [0]]) * self._ids  # the first two letters from here
        for length in range(2, self._max_chunk + 1):
            code = code | (padded[length - 1 : length - 1 + n] << np.uint64(16 * (length - 1)))
            table = self._multi.get(length)
            if table is None:
                continue
            keys, gids = table
            at = np.flatnonzero(self._starts[length][pair] & (left >= length))
            slot = np.minimum(np.searchsorted(keys, code[at]), len(keys) - 1)
            hit = keys[slot] == code[at]
            at, slot = at[hit], slot[hit]
            cx = np.where(local[at] == 0, 0, np.where(left[at] == length, 2, 1))
            g = gids[slot, cx]
            ok = g >= 0
            at, g = at[ok], g[ok]
            if length % 2 == 0:  # a doubled chunk at the start of a longer word (ddar, chchems)
                half = np.uint64(16 * (length // 2))
                low = code[at] & ((np.uint64(1) << half) - np.uint64(1))
                twin = at[(local[at] == 0) & (left[at] > length) & ((code[at] >> half) == low)]
                doubled_half[wid[twin]] = length // 2
            use = needed[at + length - 1]
            at = at[use]
            ew.append(wid[at])
            es.append(local[at])
            ee.append(local[at] + length)
            eg.append(g[use])
        # one-letter chunks: a dense table; letters no rule covers are kept as they are
        at = np.flatnonzero(needed)
        # a word-initial doubled letter is one letter (with shadda) or the article + letter, never
        # the letter twice: its halves are no chunks of their own there
        at = at[(local[at] > 0) | (doubled_half[wid[at]] == 0)]
        c1, l1 = c[at], local[at]
        ctx = np.where(l1 == 0, 0, np.where(left[at] == 1, 2, 1))
        g1 = np.where(c1 < _BMP, self._single[np.minimum(c1, _BMP - 1), ctx], -1)
        miss = np.flatnonzero(g1 < 0)
        if miss.size:
            for key in set(zip(c1[miss].tolist(), ctx[miss].tolist())):
                g = self._group(chr(key[0]), "IMF"[key[1]])
                if key[0] < _BMP:
                    self._single[key] = g
            g1[miss] = [self._group_of[(chr(a), "IMF"[b])] for a, b in zip(c1[miss].tolist(), ctx[miss].tolist())]
        w_, s_, e_, g_ = (np.concatenate(x) for x in ([wid[at]] + ew, [l1] + es, [l1 + 1] + ee, [g1] + eg))
        keep = ((s_ > 0) | (e_ > doubled_half[w_])) & ~halves[offsets[w_] + e_ - 1]
        return w_[keep], s_[keep], e_[keep], g_[keep]

    def _search(self, cps: np.ndarray, offsets: np.ndarray, beam: int):
        """Batched beam search over the rule lattices of the words in ``(cps, offsets)``.

        Words are read as a prefix tree (:func:`_prefix_tree`): words that start alike share
        the hypotheses of their common beginning, so ``kanbghi`` and ``kanbghiw`` read
        ``kanbgh`` once. Position by position, every node of the tree keeps ``beam``
        hypotheses in a dense ``(nodes, beam)`` block. The lattice is fixed before the search,
        so where every candidate lands is laid out once (:func:`_candidate_slots`): each
        position's candidates fill a dense ``(nodes, width)`` block of one flat buffer, written
        by the positions they start at and read by the one they end at.

        Returns ``(back, emit, finals)``: back-pointers and readings of all hypotheses, and
        the complete ones as ``(word, score, hypothesis)``, ``beam`` in a row for each word (a
        score of minus infinity: no hypothesis).
        """
        B = max(1, int(beam))
        halves = self._halves(cps, offsets)
        order, so, row, creator, non_final, (final_words, final_bounds) = _prefix_tree(cps, offsets, halves)
        slen = np.diff(so)
        # only the chunks that end at a node of the tree the word creates (or at its end)
        sorted_letters = ranges(offsets[order], slen)
        ew, es, ee, eg = self._lattice(cps[sorted_letters], so, creator, halves[sorted_letters])
        end_at = so[ew] + ee - 1
        _, g_start, g_len, f_emit, f_lp, chars, _, _, _ = self._emission_arrays()
        # every reading of every chunk is a candidate: its source node, its node, reading, log-prob
        T = int(slen.max())
        ML = self._max_chunk + 1
        key = (es * ML + ee - es) * 2 + (ee == slen[ew])  # by start, length, then word ends last
        o = np.argsort(key.astype(np.int16) if (T + 1) * ML * 2 < 32000 else key, kind="stable")
        k = g_len[eg[o]]
        rep = np.repeat(o, k)
        flat = ranges(g_start[eg[o]], k)
        src = np.where(es == 0, 0, row[np.maximum(so[ew] + es - 1, 0)])[rep]
        n_rows = non_final + np.diff(final_bounds)  # nodes at each position
        slot, width, base = _candidate_slots(ee[rep], row[end_at][rep], n_rows, B)
        start, em, lp = es[rep], f_emit[flat], f_lp[flat]
        # the candidates of a position, those with the most letters to score first
        n_chars = (chars >= 0).sum(axis=1)
        key = start * (chars.shape[1] + 1) - n_chars[em]
        by_start = np.argsort(key.astype(np.int16) if (T + 1) * (chars.shape[1] + 1) < 32000 else key, kind="stable")
        start, src, slot, lp, em = start[by_start], src[by_start].astype(np.int32), slot[by_start], lp[by_start], em[by_start]
        left = n_chars[em]
        starts_at = np.searchsorted(start, np.arange(T + 2)).tolist()
        hyp_base = np.concatenate([[0], np.cumsum(n_rows * B)])  # the first hypothesis of each position
        total = int(base[-1])
        cols = np.arange(B, dtype=np.int64)
        at_all = (slot[:, None] + cols).ravel()  # the slots of each candidate's B extensions
        slot_cand = np.zeros(total, dtype=np.int32)  # candidate * B + b in each slot
        slot_cand[at_all] = np.arange(at_all.size, dtype=np.int32)
        lm = self.lm.table()
        lam = np.float32(self.lm_weight)
        cand = np.full(total, -np.inf, dtype=np.float32)
        cand_state = np.zeros(total, dtype=np.int32)
        hyp_cand = np.full(int(hyp_base[-1]), -1, dtype=np.int64)  # candidate * B + b of each hypothesis
        score = np.full((1, B), -np.inf, dtype=np.float32)  # the root
        score[:, 0] = 0.0
        state = np.zeros((1, B), dtype=np.int32)
        n_rows, width, base, fb = n_rows.tolist(), width.tolist(), base.tolist(), final_bounds.tolist()
        non_final = non_final.tolist()
        finals = []
        for t in range(T + 1):
            m_t, w_t = n_rows[t], width[t]
            if t > 0 and w_t == 0:  # no chunk ends here (inside a word-initial doubled letter)
                score = np.full((m_t, B), -np.inf, dtype=np.float32)
                state = np.zeros((m_t, B), dtype=np.int32)
            elif t > 0:
                # the best B of each node's row by repeated argmax; of two with one letter-model
                # state only the better goes on (recombination)
                block = cand[base[t] : base[t] + m_t * w_t]
                grid = block.reshape(m_t, w_t)
                rows = np.arange(0, m_t * w_t, w_t)
                score = np.empty((m_t, B), dtype=np.float32)
                pick = np.empty((m_t, B), dtype=np.int64)
                for b in range(B):
                    j = grid.argmax(axis=1)
                    j += rows
                    score[:, b] = block[j]
                    pick[:, b] = j
                    if b + 1 < B:
                        block[j] = -np.inf
                pick += base[t]
                state = cand_state[pick]
                for b in range(1, B):
                    score[(state[:, :b] == state[:, b, None]).any(axis=1), b] = -np.inf
                hyp_cand[hyp_base[t] : hyp_base[t + 1]] = slot_cand[pick].ravel()
            n_t = non_final[t]  # the nodes after are the ends of words
            if n_t < m_t:
                end = score[n_t:m_t] + lam * lm[state[n_t:m_t] * _A]
                hyp = np.arange(hyp_base[t] + n_t * B, hyp_base[t + 1])
                finals.append((np.repeat(final_words[fb[t] : fb[t + 1]], B), end.ravel(), hyp))
            lo, hi = starts_at[t], starts_at[t + 1]
            if lo == hi:
                continue
            rw = src[lo:hi]
            s = score[rw] + lp[lo:hi, None]
            st = state[rw]
            n_left, e_t = left[lo:hi], em[lo:hi]
            for letter in range(chars.shape[1]):
                n = int(np.count_nonzero(n_left > letter))  # the candidates with a letter at that position come first
                if not n:
                    break
                idx = st[:n] * _A + chars[e_t[:n], letter, None]
                s[:n] += lam * lm[idx]
                st[:n] = idx % _STATES
            at = at_all[lo * B : hi * B]
            cand[at] = s.ravel()
            cand_state[at] = st.ravel()
        fw_, fs_, fi_ = (np.concatenate(x) for x in zip(*finals))
        c, beam_slot = np.divmod(hyp_cand, B)
        none = hyp_cand < 0
        back = np.where(none, -1, hyp_base[start[c]] + src[c] * B + beam_slot)
        return back, np.where(none, -1, em[c]), (order[fw_], fs_, fi_)

    def _decode(self, words: list[str], beam: int, nbest: int) -> list[list[tuple[str, float]]]:
        """The ``nbest`` best readings of each prepared word, with scores."""
        W = len(words)
        if W == 0:
            return []
        cps, offsets = _flat(words)
        back, emit, (fw_, fs_, fi_) = self._search(cps, offsets, beam)
        ok = np.isfinite(fs_)
        fw_, fs_, fi_ = fw_[ok], fs_[ok], fi_[ok]
        o = np.lexsort((-fs_, fw_))
        fw_, fs_, fi_ = fw_[o], fs_[o], fi_[o]
        first = np.searchsorted(fw_, fw_)
        sel = np.arange(fw_.size) - first < max(nbest, 1) * 2
        out: list[list[tuple[str, float]]] = [[] for _ in range(W)]
        back_l, emit_l, emits_txt = back.tolist(), emit.tolist(), self._emits
        for w, s, i in zip(fw_[sel].tolist(), fs_[sel].tolist(), fi_[sel].tolist()):
            if len(out[w]) >= nbest:
                continue
            pieces = []
            while emit_l[i] >= 0:
                pieces.append(emits_txt[emit_l[i]])
                i = back_l[i]
            text = "".join(reversed(pieces))
            if all(text != t for t, _ in out[w]):
                out[w].append((text, s))
        return out

    def _best(self, cps: np.ndarray, offsets: np.ndarray) -> list[str]:
        """The best reading of every word of ``(cps, offsets)``, backtraced for all words at once."""
        W = len(offsets) - 1
        if W == 0:
            return []
        B = max(1, int(self.beam))
        back, emit, (fw_, fs_, fi_) = self._search(cps, offsets, B)
        best = fs_.reshape(-1, B).argmax(axis=1)  # each word's hypotheses are a row
        cur = np.empty(W, dtype=np.int64)
        cur[fw_[::B]] = fi_.reshape(-1, B)[np.arange(best.size), best]
        steps = []
        while True:
            e = emit[cur]
            if not (e >= 0).any():
                break
            steps.append(e)
            cur = np.where(e >= 0, back[cur], cur)
        *_, e_cps, e_first, e_len = self._emission_arrays()
        if not steps:
            return [""] * W
        mat = np.stack(steps[::-1], axis=1)  # (W, steps): readings in order, -1 padding first
        # each word's readings then a newline (no reading holds one): one decode, one split
        mat = np.concatenate([mat, np.full((W, 1), len(e_len), dtype=mat.dtype)], axis=1)
        ids = mat[mat >= 0]
        e_first, e_len = np.append(e_first, e_cps.size), np.append(e_len, 1)
        out = np.append(e_cps, np.uint32(10))[ranges(e_first[ids], e_len[ids])]
        return text_of(out[:-1]).split("\n")

    # ------------------------------------------------------------ public API
    def transliterate(self, texts: list[str]) -> list[str]:
        """Convert the Latin words of each text; numbers, Arabic, punctuation and spaces stay.

        All texts are read as one code-point buffer (no joining character, so no
        input can collide with one): words are found, hashed and made unique with
        NumPy, each distinct word is read once (and remembered by the model), all
        new words in one batched search, words with several readings are chosen
        by their neighbours, and the readings are spliced back in one gather.
        Numbers, times, ordinals, prices with their unit, URLs, e-mail addresses,
        @handles and #hashtags are kept as they are.

        >>> ArabiziModel.default().transliterate(["bghit 2 dyal l7lib b 200 dh", "@salam www.hna.ma"])
        ['بغيت 2 ديال الحليب ب 200 dh', '@salam www.hna.ma']
        """
        if not texts:
            return []
        words = find_words(texts)
        if not words.starts.size:
            return list(texts)
        cps, starts, ends = words.cps, words.starts, words.ends
        inv, first = _unique_spans(cps, starts, ends)
        uwords = _spans_text(cps, starts[first], ends[first])
        cache = self._cache
        todo = [w for w in uwords if w not in cache] if cache else uwords
        if todo:
            if len(cache) + len(todo) > 1_000_000:
                self._cache = cache = {}
                self._ambiguous = {}
            read = self._read_words(todo)
            cache.update(zip(todo, read))
        readings = read if todo is uwords else [cache[w] for w in uwords]
        choice = inv
        ambiguous = None
        if not self._ambiguous.keys().isdisjoint(uwords):
            where = dict(zip(uwords, range(len(uwords))))
            ambiguous = sorted(where[w] for w in self._ambiguous if w in where)
        if ambiguous:
            choice, readings = self._in_context(words, inv, uwords, readings, ambiguous)
        if not VERB_CUES.isdisjoint(uwords):
            choice, readings = self._verbs_after_cues(words, inv, choice, uwords, readings)
        if not PROCLITIC_FORMS.isdisjoint(uwords):
            words, choice, readings = self._attach_proclitics(words, inv, choice, uwords, readings)
        return words.splice(readings, choice)

    def _attach_proclitics(self, words: WordSpans, inv: np.ndarray, choice: np.ndarray, uwords: list[str],
                           readings: list[str]) -> tuple[WordSpans, np.ndarray, list[str]]:
        """Proclitics written apart (``b naja7``, ``el bachir``) attached to the next word read in
        their text, across spaces only (:mod:`awal.arabizi_clitics`): the span of the proclitic
        grows over the spaces and the word, and reads as the joined Arabic word."""
        follows = words.text[1:] == words.text[:-1]
        if not follows.any():
            return words, choice, readings
        after = np.flatnonzero(follows)  # a proclitic there, or the word it would attach to after it
        pro = _among(uwords, PROCLITIC_FORMS, inv[np.r_[after, after + 1]])[inv]
        occ = np.flatnonzero(pro[:-1] & follows).tolist()
        joined, starts, ends = words.joined, words.starts.tolist(), words.ends.tolist()
        occ = [j for j in occ if ends[j] < starts[j + 1] and _only_spaces(joined, ends[j], starts[j + 1])]
        if not occ:
            return words, choice, readings
        text: dict[int, str] = {}  # an occurrence's Arabic once the proclitics after it are attached
        absorbed: dict[int, int] = {}  # chain head -> last occurrence it covers
        for j in reversed(occ):
            if absorbed.get(j + 1, j) - j > MOST_IN_A_ROW:
                continue  # more in a row than writers put: apart as written (and text's strings stay short)
            host = text.get(j + 1)
            if host is None:
                if pro[j + 1]:
                    continue  # a proclitic with no word to attach to stays as it is
                host = readings[choice[j + 1]]
            if not any("\u0621" <= c <= "\u064a" for c in host):
                continue
            text[j] = attach(reading(uwords[inv[j]], _word_before(words, j)), host)
            absorbed[j] = absorbed.pop(j + 1, j + 1)
        if not absorbed:
            return words, choice, readings
        keep = np.ones(inv.size, dtype=bool)
        new_ends = words.ends.copy()
        choice, readings = choice.copy(), list(readings)
        for head, last in absorbed.items():
            keep[head + 1 : last + 1] = False
            new_ends[head] = words.ends[last]
            choice[head] = len(readings)
            readings.append(text[head])
        spans = WordSpans(words.texts, joined, words.cps, words.bounds, words.starts[keep], new_ends[keep],
                          words.text[keep])
        return spans, choice[keep], readings

    def _verbs_after_cues(self, words: WordSpans, inv: np.ndarray, choice: np.ndarray, uwords: list[str],
                          readings: list[str]) -> tuple[np.ndarray, list[str]]:
        """The ``i`` of a word right after a word calling for a verb read as the imperfect prefix ي
        (:func:`awal.arabizi_context.imperfect`), occurrence by occurrence; lexicon words keep theirs."""
        follows = words.text[1:] == words.text[:-1]  # the word before is in the same text
        if not follows.any():
            return choice, readings
        occ = np.flatnonzero(_among(uwords, VERB_CUES, inv[:-1][follows])[inv[:-1]] & follows) + 1
        verbs: dict[int, str | None] = {}
        for k in inv[occ].tolist():
            if k not in verbs:
                w = uwords[k]
                verbs[k] = None if w.lower() in self.lexicon else imperfect(w, readings[k])
        if not any(verbs.values()):
            return choice, readings
        readings, choice = list(readings), choice.copy()
        added: dict[int, int] = {}
        for j, k in zip(occ.tolist(), inv[occ].tolist()):
            verb = verbs[k]
            if verb is not None:
                if k not in added:
                    added[k] = len(readings)
                    readings.append(verb)
                choice[j] = added[k]
        return choice, readings

    def _in_context(self, words: WordSpans, inv: np.ndarray, uwords: list[str], readings: list[str],
                    ambiguous: list[int]) -> tuple[np.ndarray, list[str]]:
        """Readings of the words with several spellings, chosen occurrence by occurrence by their
        neighbours (each distinct (previous, word, next) triple is ranked once)."""
        readings = list(readings)
        is_amb = np.zeros(len(uwords), dtype=bool)
        is_amb[ambiguous] = True
        occ = np.flatnonzero(is_amb[inv])
        same = np.zeros(inv.size + 1, dtype=bool)  # same[i]: word i - 1 is in word i's text
        same[1:-1] = words.text[1:] == words.text[:-1]
        padded = np.concatenate([[-1], inv, [-1]])
        prev = np.where(same[occ], padded[occ], -1)
        nxt = np.where(same[occ + 1], padded[occ + 2], -1)
        triples, back = np.unique(np.stack([inv[occ], prev, nxt], axis=1), axis=0, return_inverse=True)
        index: dict[str, int] = {}
        picked = np.empty(len(triples), dtype=np.int64)
        for k, (w, p, q) in enumerate(triples.tolist()):
            options = self.homographs[self._ambiguous[uwords[w]]]
            best = self.context.rank(options, readings[p] if p >= 0 else None, readings[q] if q >= 0 else None)[0][0]
            r = index.get(best)
            if r is None:
                r = index[best] = len(readings)
                readings.append(best)
            picked[k] = r
        choice = inv.copy()
        choice[occ] = picked[back.ravel()]
        return choice, readings

    def _read_words(self, tokens: list[str]) -> list[str]:
        """The Arabic of distinct Latin words: the lexicon (any case), else the letter lattice.

        Laughter (``hhhh``) is written with as many ه; a letter written three times or
        more is elongation and counts twice, as the ``darija`` profile's collapse does.
        """
        preps, lowered, doubled = _prep_all(tokens)
        lex = self.lexicon
        if self._words is None:  # a proclitic written on a lexicon word reads as the two: bhad بهاد
            self._words = {**attached_words(lex, self.homographs), **lex}
        found = list(map(self._words.get, lowered))
        doubled = [i for i in doubled if found[i] is None]
        if doubled:  # a lexicon word with a letter doubled (safii, safiiii -> safi); a doubled first letter is the article (ssara7a)
            singles = _ELONGATION_TWICE.sub(r"\1", "\n".join([lowered[i] for i in doubled])).split("\n")
            singles = [low[0] + w if len(low) > 3 and low[0] == low[1] and low[0] not in _VOWELS else w
                       for w, low in zip(singles, (lowered[i] for i in doubled))]
            for i, single in zip(doubled, singles):
                found[i] = self._words.get(single)
        i = -1
        for _ in range(lowered.count("hh")):  # laughter: hh once elongation is cut (hhhh, HHH)
            i = lowered.index("hh", i + 1)
            found[i] = found[i] or _laughter(tokens[i].lower())
        for i in _article_words(lowered):  # the article on a lexicon word: lmosalsal, ssara7a
            reading = lex.get(lowered[i][1:]) if found[i] is None else None
            if reading is not None and len(reading) > 2 and not reading.startswith("ال") and " " not in reading:
                found[i] = "ال" + reading
        if not self.homographs.keys().isdisjoint(lowered):
            self._ambiguous.update((t, low) for t, low in zip(tokens, lowered) if low in self.homographs)
        need = list(dict.fromkeys([p for p, f in zip(preps, found) if f is None]))
        if need:
            best = dict(zip(need, self._vowels().correct(need, self._best(*_lattice_codes(need)))))
            found = [best[p] if f is None else f for f, p in zip(found, preps)]
        return cast("list[str]", found)  # every word read by now

    def candidates(self, word: str, n: int = 5, before: str = "", after: str = "") -> list[tuple[str, float]]:
        """Ranked Arabic spellings of one Latin word with log-scores, best first (the best scores 0).

        ``before`` and ``after`` are the text around the word: a spelling with several
        readings in the lexicon is ranked with its neighbours, as :meth:`transliterate` does.

        >>> m = ArabiziModel.default()
        >>> [a for a, _ in m.candidates("sb3", 2)]
        ['سبع', 'صبع']
        >>> m.candidates("hna", 2, after="ghadyin")[0][0], m.candidates("hna", 2, after="kayn")[0][0]
        ('حنا', 'هنا')
        """
        if not word or not _is_word(word):
            return [(word, 0.0)]
        if not regex.fullmatch(r"[\p{Latin}\p{Mn}0-9]+", word):
            return [(self.transliterate([word])[0], 0.0)]
        p = _prep(word)
        found = self._decode(_lattice_forms([p]), max(self.beam, 2 * n), n)
        lattice = found[0]
        if lattice:  # the top reading as transliterate gives it (fewer vowel letters when it is a known word)
            top = self._vowels().correct([p], [lattice[0][0]])[0]
            if top != lattice[0][0]:
                lattice = [(top, 0.0)] + [(w, min(s, -1e-3) - 1.0) for w, s in lattice if w != top]
        options = self.homographs.get(p.lower())
        if options:
            prev = _last_arabic(self.transliterate([before])[0]) if before else None
            nxt = _first_arabic(self.transliterate([after])[0]) if after else None
            ranked = self.context.rank(options, prev, nxt)
            top_score = ranked[0][1]
            head = [(w, s - top_score) for w, s in ranked]
        else:
            hit = self.lexicon.get(p.lower())
            if hit is None:  # the article on a lexicon word, elongation: as transliterate reads the word
                read = self._read_words([word])[0]
                hit = read if read and (not lattice or read != lattice[0][0]) else None
            head = [(hit, 0.0)] if hit else []
        if head:
            known = {w for w, _ in head}
            rest = [(w, min(s, -1e-3) - 1.0) for w, s in lattice if w not in known]
            lattice = head[:1] + sorted(head[1:] + rest, key=lambda ws: -ws[1])
        left = find_words([before]) if before else None  # the word before, as transliterate finds it
        cue = left.joined[left.starts[-1] : left.ends[-1]] if left is not None and left.starts.size else ""
        verb = imperfect(word, lattice[0][0]) if lattice and cue in VERB_CUES and not head else None
        if verb is not None:  # after a word calling for a verb, as transliterate reads it
            lattice = [(verb, 0.0)] + [(w, min(s, -1e-3) - 1.0) for w, s in lattice if w != verb]
        prefix = self._proclitic(word, cue, after)
        if prefix is not None:  # a proclitic before a word: the part transliterate attaches to it
            lattice = [(prefix, 0.0)] + [(w, min(s, -1e-3) - 1.0) for w, s in lattice if w != prefix]
        return lattice[:n]

    def _proclitic(self, word: str, before: str, after: str) -> str | None:
        """The Arabic a proclitic takes in front of the word ``after`` starts with (spaces between),
        as :meth:`transliterate` attaches it; None when ``word`` is no proclitic or no word follows."""
        if word not in PROCLITIC_FORMS:
            return None
        right = find_words([after.lstrip(" ")])
        if not right.starts.size or right.starts[0] or right.joined[: right.ends[0]] in PROCLITIC_FORMS:
            return None
        return reading(word, before)

    # ------------------------------------------------------------ learning
    def _align(self, word: str, target: str) -> list[tuple[str, str, str]] | None:
        """Best segmentation of ``word`` whose readings spell ``target``: [(chunk, ctx, arabic)]."""
        n, m = len(word), len(target)
        fwd: list[dict[int, tuple[float, int, int, str]]] = [dict() for _ in range(n + 1)]
        fwd[0][0] = (0.0, -1, -1, "")
        for i in range(n):
            if not fwd[i]:
                continue
            options = []
            for q in range(i + 1, min(n, i + self._max_chunk) + 1):
                chunk = word[i:q]
                ctx = _context(i, q, n)
                for a, p in self._distribution(chunk, ctx).items():
                    options.append((q, a, float(np.log(p))))
            for j, (sc, _, _, _) in list(fwd[i].items()):
                for q, a, lp in options:
                    if target.startswith(a, j):
                        cell = fwd[q].get(j + len(a))
                        if cell is None or cell[0] < sc + lp:
                            fwd[q][j + len(a)] = (sc + lp, i, j, a)
                for ln in range(3):
                    if j + ln <= m:
                        cell = fwd[i + 1].get(j + ln)
                        if cell is None or cell[0] < sc + _FALLBACK_LOGP:
                            fwd[i + 1][j + ln] = (sc + _FALLBACK_LOGP, i, j, target[j : j + ln])
        if m not in fwd[n]:
            return None
        path = []
        q, j = n, m
        while q > 0:
            _, i, pj, a = fwd[q][j]
            path.append((word[i:q], _context(i, q, n), a))
            q, j = i, pj
        return path[::-1]

    def _tune(self, data: list[tuple[str, str]], paths: list, base_lm: _CharLM, dev_forms: set[str],
              totals: dict[tuple[float, int, float], float]) -> None:
        """Add to ``totals[(letter-model weight, learned readings, data weight)]`` the accuracy of
        that setting on the pairs whose Arabic is in ``dev_forms``, trained on the other pairs."""
        train = [i for i, (_, a) in enumerate(data) if a not in dev_forms]
        dev = [(w, a) for w, a in data if a in dev_forms]
        words = sorted({w for w, _ in dev})
        readings = {0: dict(self.learned), 1: _count(paths[i] for i in train),
                    PAIR_MIN: _count((paths[i] for i in train), merged=PAIR_MIN)}
        for weight in (0.3, 1.0):  # how much the user's Arabic words count in the letter model
            trial = ArabiziModel(self.rules, self.lexicon, base_lm.add((data[i][1] for i in train), weight),
                                 beam=self.beam, homographs=self.homographs, context=self.context)
            # the rules' own chunk readings, the learned ones, or learned with neighbouring
            # chunks counted together (readings that depend on the letter next door)
            for learn, learned in readings.items():
                trial.learned = learned
                for lam in (0.1, 0.15, 0.2, 0.3):
                    trial.lm_weight = lam
                    trial._reset()
                    out = dict(zip(words, trial._read_words(words)))  # as transliterate reads them
                    totals[(lam, learn, weight)] += sum(_strip_arabic(out[w]) == a for w, a in dev) / len(dev)

    def fit(self, pairs: Iterable[tuple[str, str]], iterations: int = 2, tune: bool = True) -> "ArabiziModel":
        """A new model whose chunk readings, letter model and word memory learn from pairs.

        Phrases are split into words when both sides have the same number of words, or when
        the Arabic attaches the proclitics the Latin writes apart (:func:`awal.arabizi_clitics.detach`).
        With ``tune``, the letter-model weight, how much the pairs' Arabic words count in
        the letter model, and whether the learned chunk readings (alone, or with pairs of
        neighbouring chunks seen ``PAIR_MIN`` times learned as one chunk) replace the rules'
        ones, are chosen on a tenth of the words (grouped by Arabic form, so no Arabic word
        is in both parts), read as :meth:`transliterate` reads them (lexicon, word counts and
        vowel letters included); with few pairs, on up to ``TUNE_FOLDS`` disjoint tenths, until
        ``TUNE_WORDS`` words are scored (a tenth of 2,000 pairs is ~130 words: too few to choose).

        >>> m = ArabiziModel.default().fit([("kalb", "كلب"), ("kelb", "كلب")], tune=False)
        >>> m.transliterate(["kalb"])
        ['كلب']
        """
        data: list[tuple[str, str]] = []
        for latin, arabic in pairs:
            lw = _LATIN_WORD.findall(latin)
            aw = [_strip_arabic(w) for w in regex.findall(r"[\p{Arabic}]+", arabic)]
            aw = [w for w in aw if w]
            if len(lw) == len(aw):
                data += [(_prep(x), y) for x, y in zip(lw, aw) if _is_word(x)]
            else:  # proclitics written apart in Latin, attached in Arabic (b naja7 بنجاح)
                data += [(_prep(x), y) for x, y in detach(lw, aw) if _is_word(x)]
        if not data:  # (nothing to align: the search below would index an empty lattice)
            raise ValueError("no pair gives a Latin word and its Arabic-script word to learn from (words pair up when both sides have as many)")
        forms = _lattice_forms([w for w, _ in data])
        base_lm = _CharLM().add(set(self.lexicon.values()))
        model = ArabiziModel(self.rules, self.lexicon, base_lm, dict(self.learned), self.lm_weight, self.beam,
                             self.homographs, self.context)
        paths: list[list[tuple[str, str, str]] | None] = []
        for _ in range(iterations):
            paths = [model._align(f, a) for f, (_, a) in zip(forms, data)]
            model.learned = _count(paths)
            model._reset()
        data_weight = 1.0
        if tune and len(data) >= 50:
            groups = sorted({a for _, a in data})
            rng = np.random.default_rng(0)
            size = max(1, len(groups) // 10)
            first = set(rng.choice(groups, size=size, replace=False).tolist())
            rest = [g for g in groups if g not in first]
            rest = [rest[i] for i in np.random.default_rng(1).permutation(len(rest))]
            # a tenth of a few thousand pairs is a hundred words: several tenths are scored then
            n_folds = min(TUNE_FOLDS, -(-TUNE_WORDS // size))
            folds = [first] + [set(rest[k * size : (k + 1) * size]) for k in range(n_folds - 1)]
            totals: dict[tuple[float, int, float], float] = defaultdict(float)
            for dev_forms in folds:
                self._tune(data, paths, base_lm, dev_forms, totals)
            best = (-1.0, model.lm_weight, 1, data_weight)
            for (lam, learn, weight), acc in totals.items():  # in grid order: the first best wins ties
                if acc > best[0]:
                    best = (acc, lam, learn, weight)
            _, model.lm_weight, learn, data_weight = best
            model.learned = dict(self.learned) if not learn else _count(paths, merged=learn if learn > 1 else 0)
        model.lm = base_lm.add((a for _, a in data), data_weight)
        memory: dict[str, Counter] = defaultdict(Counter)
        for w, a in data:
            memory[w][a] += 1
        learned_words = {w.lower(): c.most_common(1)[0][0] for w, c in memory.items()}
        model._reset()
        # word memory only where the fitted model reads a word otherwise: the exceptions
        own = dict(zip(memory, model._read_words(list(memory))))
        learned_words = {w.lower(): learned_words[w.lower()] for w in memory
                         if _strip_arabic(own[w]) != learned_words[w.lower()]}
        model.lexicon.update(learned_words)
        for w, a in learned_words.items():  # the user's reading of a homograph comes first
            if w in model.homographs:
                model.homographs[w] = [a] + [x for x in model.homographs[w] if x != a]
        model._reset()
        return model

    # ------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        """Write the model to one ``.npz`` file (rules, lexicon, counts, settings)."""
        nz = np.flatnonzero(self.lm.counts)
        meta = {
            "rules": [[c, x, d] for (c, x), d in self.rules.items()],
            "learned": [[c, x, dict(d)] for (c, x), d in self.learned.items()],
            "lexicon": self.lexicon,
            "lm_weight": self.lm_weight,
            "beam": self.beam,
            "homographs": self.homographs,
            "unigrams": self.context.unigrams,
            "bigrams": [[a, b, c] for (a, b), c in self.context.bigrams.items()],
        }
        buf = io.BytesIO()
        np.savez_compressed(buf, lm_idx=nz, lm_val=self.lm.counts[nz],
                            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8))
        Path(path).write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> "ArabiziModel":
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            counts = np.zeros(_A**_ORDER)
            counts[z["lm_idx"]] = z["lm_val"]
        rules = {(c, x): d for c, x, d in meta["rules"]}
        learned = {(c, x): Counter(d) for c, x, d in meta["learned"]}
        context = WordContext(meta.get("unigrams", {}), {(a, b): c for a, b, c in meta.get("bigrams", [])})
        return cls(rules, meta["lexicon"], _CharLM(counts), learned, meta["lm_weight"], meta["beam"],
                   meta.get("homographs"), context)


def _last_arabic(text: str) -> str | None:
    words = regex.findall(r"\p{Arabic}+", text)
    return words[-1] if words else None


def _first_arabic(text: str) -> str | None:
    words = regex.findall(r"\p{Arabic}+", text)
    return words[0] if words else None


def _count(paths: Iterable[list[tuple[str, str, str]] | None], merged: int = 0) -> dict[tuple[str, str], Counter]:
    """Counts of (chunk, context) -> reading over aligned words.

    With ``merged``, two neighbouring chunks of up to 4 letters together are counted as
    one chunk too (``ka`` + ``n`` -> ``kan``: كان), kept where seen ``merged`` times or more:
    readings that depend on the letter next door.
    """
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    pairs: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for path in paths:
        for chunk, ctx, a in path or ():
            counts[(chunk, ctx)][a] += 1
        if merged and path:
            for (c1, x1, a1), (c2, x2, a2) in zip(path, path[1:]):
                if len(c1) + len(c2) <= 4:
                    ctx = "I" if x1 == "I" else ("F" if x2 == "F" else "M")
                    pairs[(c1 + c2, ctx)][a1 + a2] += 1
    for key, readings in pairs.items():
        if sum(readings.values()) >= merged:
            counts[key].update(readings)
    return dict(counts)


# ---------------------------------------------------------------- ar2arabizi
_ROMAN: dict[str, dict[str, str]] | None = None


def _roman_table() -> dict[str, dict[str, str]]:
    """{context: {arabic char: latin}} from ``ar2arabizi.tsv``; contexts * I F V."""
    global _ROMAN
    if _ROMAN is None:
        table: dict[str, dict[str, str]] = {"*": {}, "I": {}, "F": {}, "V": {}}
        path = _data_dir() / "schemes" / "ar2arabizi.tsv"
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[1] not in table:
                raise ValueError(f"{path}:{lineno}: expected 'arabic<TAB>*|I|F|V<TAB>latin'")
            table[parts[1]][parts[0]] = "" if parts[2] == "-" else parts[2]
        _ROMAN = table
    return _ROMAN


def _romanize_word(word: str, table: dict[str, dict[str, str]]) -> str:
    out: list[str] = []
    n = len(word)
    for i, c in enumerate(word):
        if c == _SHADDA:
            if out and len(out[-1]) == 1:
                out.append(out[-1])
            continue
        if i == 0 and word.startswith("ال") and n > 2:
            continue
        if i == 1 and word.startswith("ال") and n > 2:
            nxt = table["*"].get(word[2], "")
            out.append(nxt if word[2] in SUN_LETTERS and len(nxt) == 1 else "l")
            continue
        latin = None
        if i == 0:
            latin = table["I"].get(c)
        elif i == n - 1:
            latin = table["F"].get(c)
        if latin is None and ((i + 1 < n and word[i + 1] in "اىة") or (i > 0 and word[i - 1] == "ا")):
            latin = table["V"].get(c)
        out.append(table["*"].get(c, c) if latin is None else latin)
    return "".join(out)


def romanize(texts: list[str]) -> list[str]:
    """Arabic script -> chat-style Arabizi (ش ch, خ kh, ع 3, ح 7, ق 9, غ gh, ء 2, ...).

    Only Arabic words change; everything else is kept.

    >>> romanize(["بغيت نشرب أتاي", "خويا 3 ساعات"])
    ['bghit nchrb atay', 'khouya 3 sa3at']
    """
    table = _roman_table()
    cache: dict[str, str] = {}

    def one(m: regex.Match) -> str:
        w = m.group()
        r = cache.get(w)
        if r is None:
            r = cache[w] = _romanize_word(w, table)
        return r

    return [regex.sub(r"[\p{Arabic}\u064B-\u0652\u0670]+", one, t) for t in texts]
