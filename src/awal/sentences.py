"""Sentence splitting with offsets, for Arabic, Darija, Amazigh (Tifinagh and Latin), French and English.

The rules, applied to every string of a batch at once (no loop over characters):

1. A sentence ends after a run of terminators (``. ! ? … ‼ ⁇ ⁈ ⁉ ؟ ۔ ⵰ 。 ！ ？``) when
   whitespace and then another character follow. Closing quotes and brackets right after
   the run, and emoji after it (spaces allowed), stay with the sentence they close.
2. It does not end there when the next character is a comma-like sign (``, ، ; ؛ :``),
   nor at a lower-case letter after full stops (``.``, ``...``, ``…``: "etc. and") or after
   a closing quote or bracket ("« Quoi ? » dit-il"): lower-case Arabizi and Amazigh
   after ``?`` or ``!`` still starts a new sentence. Nor does it end after a lone full stop
   that follows an abbreviation (``data/sentences/abbreviations.toml``: "Dr.", "e.g.",
   "د.") or a single capital letter (an initial: "J. K. Rowling").
3. Between two Arabic letters a terminator ends the sentence even without a space
   ("قال.ثم"), unless the word before a lone full stop is one letter or an abbreviation;
   an ellipsis (``...``, ``…``) between two Arabic words does not (Arabic has no capitals
   to tell a pause from an end, and writers use it as a pause inside the sentence).
4. With ``line_breaks=True`` (the default, for web and social-media text where a line is
   a post or a paragraph) every line break ends a sentence too, so lines that end with an
   emoji or with no punctuation at all are sentences of their own.

Numbers (``3.5``), URLs and e-mail addresses are safe: their full stops are not
followed by whitespace. Sentences are trimmed of surrounding whitespace; offsets
are code points into the input, ``text[start:end]`` is the sentence.

>>> sentences("قال: هل أتيت؟ نعم. ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ⵰ ⵎⴰⵏⵣⴰⴽⵉⵏ?")
['قال: هل أتيت؟', 'نعم.', 'ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ⵰', 'ⵎⴰⵏⵣⴰⴽⵉⵏ?']
>>> sentences("Dr. Smith paid $3.50 at www.shop.com... Great! 😍😍 Next, M. Dupont arrive.")
['Dr. Smith paid $3.50 at www.shop.com...', 'Great! 😍😍', 'Next, M. Dupont arrive.']
>>> sentence_spans("  Salam!\\nlabas 3lik 😂\\n")
[(2, 8), (9, 21)]
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Any

import numpy as np

from .batch import TextBatch, per_input, string_list_type
from .columns import accepts_columns
from .kernels import UNICODE_SIZE, map_table
from .names import check_flag
from .rules import data_dir, tomllib  # tomllib, or tomli on Python 3.10
from .unicode import CATEGORIES, SCRIPTS, category_mask, general_category_table, property_mask, script_table

TERMINATORS = ".!?…‼⁇⁈⁉؟۔⵰。！？｡"
CLOSERS = "\"'”’»›)]}"  # stay with the sentence when right after its terminator
NO_START = ",،;؛:"  # a sentence never starts with these
MAX_ABBREVIATION = 8  # longest abbreviation (code points) looked up

# flag bits of the per-code-point table
SPACE, NEWLINE, TERM, DOT, CLOSE, TRAIL, NOSTART, LOWER, WORD, ARABIC, UPPER, ELLIPSIS = (1 << i for i in range(12))
_NEWLINES = "\n\v\f\r\x85\u2028\u2029"
_HASH_MUL = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime, used as a polynomial base


@lru_cache(maxsize=None)
def flag_table() -> np.ndarray:
    """uint16 flags of every code point (the bits above), from Unicode properties and the lists above."""
    f = np.zeros(UNICODE_SIZE, dtype=np.uint16)
    f[property_mask(r"\p{White_Space}")] |= SPACE
    f[[ord(c) for c in _NEWLINES]] |= NEWLINE
    f[[ord(c) for c in TERMINATORS]] |= TERM
    f[ord(".")] |= DOT
    f[[ord("."), ord("…")]] |= ELLIPSIS
    f[[ord(c) for c in CLOSERS]] |= CLOSE
    f[category_mask("Pe", "Pf")] |= CLOSE
    trail = property_mask(r"[\p{Extended_Pictographic}\p{Emoji_Component}]") | category_mask("M", "Cf")
    trail[[ord(c) for c in "»›"]] = True
    trail[[ord(c) for c in "#*0123456789"]] = False  # Emoji_Component, but not emoji on their own
    f[trail] |= TRAIL
    f[[ord(c) for c in NO_START]] |= NOSTART
    f[category_mask("Ll")] |= LOWER
    f[category_mask("L", "M", "N")] |= WORD
    f[category_mask("L") & (script_table() == SCRIPTS.index("Arab"))] |= ARABIC
    f[category_mask("Lu", "Lt")] |= UPPER
    return f


@lru_cache(maxsize=None)
def lower_table() -> np.ndarray:
    """uint32 simple lower-case of every capital (Lu, Lt) whose lower case is one code point."""
    table = np.arange(UNICODE_SIZE, dtype=np.uint32)
    category = general_category_table()
    capitals = np.flatnonzero((category == CATEGORIES.index("Lu")) | (category == CATEGORIES.index("Lt")))
    for cp in capitals.tolist():
        low = chr(cp).lower()
        if len(low) == 1:
            table[cp] = ord(low)
    return table


@lru_cache(maxsize=None)
def abbreviations() -> frozenset[str]:
    """Every abbreviation of ``data/sentences/abbreviations.toml`` (all languages), lower-cased."""
    with open(data_dir() / "sentences" / "abbreviations.toml", "rb") as f:
        table = tomllib.load(f)
    words = {word for section in table.values() for word in section["words"]}
    too_long = sorted(w for w in words if len(w) > MAX_ABBREVIATION)
    if too_long:
        raise ValueError(f"abbreviations longer than {MAX_ABBREVIATION} code points: {too_long}")
    return frozenset(words)


def _word_hashes(cps: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Polynomial uint64 hash of the lower-cased words ``cps[starts[i]:starts[i] + lengths[i]]`` (length <= 8)."""
    steps = np.arange(MAX_ABBREVIATION)
    inside = steps < lengths[:, None]
    chars = np.take(cps, np.where(inside, starts[:, None] + steps, 0), mode="clip")
    chars = np.where(inside, map_table(chars, lower_table()).astype(np.uint64) + np.uint64(1), np.uint64(0))
    powers = np.cumprod(np.full(MAX_ABBREVIATION, _HASH_MUL, dtype=np.uint64))
    return (chars * powers).sum(axis=1, dtype=np.uint64)


@lru_cache(maxsize=None)
def _abbreviation_hashes() -> np.ndarray:
    words = sorted(abbreviations())
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return np.unique(_word_hashes(cps, np.cumsum(lengths) - lengths, lengths))


def _chunk_starts(cps: np.ndarray, offsets: np.ndarray, line_breaks: bool) -> np.ndarray:
    """Sorted positions where sentences start, in one chunk of whole strings."""
    n = len(cps)
    if n == 0:
        return np.zeros(0, np.int64)
    f = map_table(cps, flag_table())
    idx = np.arange(n, dtype=np.int64)
    first = np.zeros(n + 1, dtype=bool)  # first[p]: p starts a string (n: past the end)
    first[offsets[:-1][offsets[:-1] < n]] = True
    first[n] = True
    lengths = np.diff(offsets)
    string_end = np.append(np.repeat(offsets[1:], lengths), n)  # end of the string each position is in
    string_start = np.repeat(offsets[:-1], lengths)
    space = (f & SPACE) != 0
    nxt = np.append(np.minimum.accumulate(np.where(space, n, idx)[::-1])[::-1], n)  # first non-space at/after p
    prv = np.maximum.accumulate(np.where(space, -1, idx))  # last non-space at/before p

    found = [nxt[offsets[:-1]][nxt[offsets[:-1]] < offsets[1:]]]  # the first sentence of every string

    term = (f & TERM) != 0
    run_first = term.copy()
    run_first[1:] &= ~term[:-1] | first[1:n]
    run_start = np.maximum.accumulate(np.where(run_first, idx, 0))
    last = term.copy()
    last[:-1] &= ~term[1:] | first[1:n]
    p = np.flatnonzero(last)  # the last terminator of every run
    if len(p):
        hspace = space & ((f & NEWLINE) == 0)
        absorb = hspace | ((f & TRAIL) != 0)
        absorb[1:] |= ((f[1:] & CLOSE) != 0) & ~hspace[:-1]
        stop = np.where(~absorb | first[:n], idx, n)
        after = np.append(np.minimum.accumulate(stop[::-1])[::-1], n)  # first non-absorbed at/after p
        r = after[p + 1]
        content_end = prv[r - 1] + 1
        q = nxt[r]
        ok = q < string_end[p]
        q = np.minimum(q, n - 1)
        fq = f[q]
        start = run_start[p]
        not_ellipsis = np.cumsum(term & ((f & ELLIPSIS) == 0))
        dots = (not_ellipsis[p] == not_ellipsis[start]) & ((f[start] & ELLIPSIS) != 0)  # only . and …
        quoted = (f[content_end - 1] & CLOSE) != 0
        ok &= (fq & NOSTART) == 0
        ok &= ((fq & LOWER) == 0) | ~(dots | quoted)
        gap = q > content_end
        before_arabic = (start > string_start[p]) & ((f[np.maximum(start - 1, 0)] & ARABIC) != 0)
        glued = ~gap & (q == p + 1) & before_arabic & ((fq & ARABIC) != 0)
        lone = (start == p) & ((f[p] & DOT) != 0)
        word_length = np.zeros(len(p), dtype=np.int64)
        abbreviation = np.zeros(len(p), dtype=bool)
        if lone.any():
            pl = p[lone]
            spaces = np.flatnonzero(space)
            last_space = np.append(-1, spaces)[np.searchsorted(spaces, pl)]  # the last space before each dot
            run_begin = np.maximum(last_space + 1, string_start[pl])
            words = np.flatnonzero((f & WORD) != 0)
            a = np.minimum(np.append(words, n)[np.searchsorted(words, run_begin)], pl)  # first word character
            length = pl - a
            initial = (length == 1) & ((f[a] & UPPER) != 0)
            short = (length >= 1) & (length <= MAX_ABBREVIATION)
            listed = short & np.isin(_word_hashes(cps, a, np.where(short, length, 0)), _abbreviation_hashes())
            word_length[lone] = length
            abbreviation[lone] = initial | listed
        glued &= ~lone | (word_length >= 2)
        in_arabic = dots & ~lone & before_arabic & ((fq & ARABIC) != 0)
        found.append(q[ok & ~abbreviation & ~in_arabic & (gap | glued)])

    if line_breaks:
        nl = np.flatnonzero((f & NEWLINE) != 0)
        q = nxt[nl]
        found.append(q[(q < string_end[nl]) & (prv[nl] >= string_start[nl])])
    return np.unique(np.concatenate(found))


_CHUNK = 1 << 18  # code points per chunk: the working arrays stay in cache


def sentence_bounds(batch: TextBatch, line_breaks: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sentence spans of a whole batch as arrays: ``(starts, ends, sentence_offsets)``.

    ``starts``/``ends`` are int64 positions in ``batch.codepoints``; string ``i``
    has sentences ``sentence_offsets[i]:sentence_offsets[i + 1]``.

    >>> starts, ends, per_string = sentence_bounds(TextBatch.from_input(["a. B", "", "ⴰ⵰ ⴱ"]))
    >>> starts.tolist(), ends.tolist(), per_string.tolist()
    ([0, 3, 4, 7], [2, 4, 6, 8], [0, 2, 2, 4])
    """
    cps, offsets = batch.codepoints, batch.offsets
    bounds = batch.chunk_bounds(_CHUNK)
    parts = [np.zeros(0, np.int64)]
    for a, b in zip(bounds, bounds[1:]):
        origin = int(offsets[a])
        parts.append(_chunk_starts(cps[origin : offsets[b]], offsets[a : b + 1] - origin, line_breaks) + origin)
    starts = np.concatenate(parts)
    string_end = offsets[np.searchsorted(offsets, starts, side="right")]
    limit = np.minimum(np.append(starts[1:], len(cps)), string_end)
    space = (map_table(cps, flag_table()) & SPACE) != 0
    prv = np.maximum.accumulate(np.where(space, -1, np.arange(len(cps), dtype=np.int64)))
    ends = prv[limit - 1] + 1 if len(starts) else np.zeros(0, np.int64)
    return starts, ends, np.searchsorted(starts, offsets)


def sentence_counts(batch: TextBatch, line_breaks: bool = True) -> np.ndarray:
    """The number of sentences of every string of a batch (no spans made).

    >>> sentence_counts(TextBatch.from_input(["a. B", "", "ⴰ⵰ ⴱ⵰ ⵛ"])).tolist()
    [2, 0, 3]
    """
    cps, offsets = batch.codepoints, batch.offsets
    bounds = batch.chunk_bounds(_CHUNK)
    counts = [np.zeros(0, np.int64)]
    for a, b in zip(bounds, bounds[1:]):
        origin = int(offsets[a])
        local = offsets[a : b + 1] - origin
        counts.append(np.diff(np.searchsorted(_chunk_starts(cps[origin : offsets[b]], local, line_breaks), local)))
    return np.concatenate(counts)


def _lists(batch: TextBatch, line_breaks: bool, text: bool) -> list[list[Any]]:
    starts, ends, per_string = sentence_bounds(batch, line_breaks)
    local = starts - np.repeat(batch.offsets[:-1], np.diff(per_string))
    bounds = per_string.tolist()
    if text:
        joined = batch.joined()
        pieces = [joined[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
        return [pieces[a:b] for a, b in zip(bounds, bounds[1:])]
    spans = list(zip(local.tolist(), (local + ends - starts).tolist()))
    return [spans[a:b] for a, b in zip(bounds, bounds[1:])]


def _apply(x: Any, line_breaks: bool, text: bool) -> Any:
    line_breaks = check_flag("line_breaks", line_breaks)
    batch = TextBatch.from_input(x)
    arrow_type = None
    if batch.kind == "arrow":
        pa = import_module("pyarrow")
        arrow_type = string_list_type(batch) if text else pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64())]))
    return per_input(batch, _lists(batch, line_breaks, text), arrow_type)


@accepts_columns
def sentences(x: Any, line_breaks: bool = True) -> Any:
    """Sentences: ``str`` → ``list[str]``; a list → ``list[list[str]]`` (a tuple → a tuple of them); a pyarrow string
    array → a ``list<string>`` array (nulls and chunks kept); a pandas Series or NumPy array → the
    same container of lists (see :mod:`awal.columns`). See the module docstring for the rules.

    >>> sentences(["Salam! Labas?", "ⴰⵣⵓⵍ⵰ ⵎⴰⵏⵣⴰⴽⵉⵏ", ""])
    [['Salam!', 'Labas?'], ['ⴰⵣⵓⵍ⵰', 'ⵎⴰⵏⵣⴰⴽⵉⵏ'], []]
    """
    return _apply(x, line_breaks, text=True)


@accepts_columns
def sentence_spans(text: Any, line_breaks: bool = True) -> Any:
    """``[(start, end), ...]``: code-point offsets of each sentence, ``text[start:end]`` is the sentence.

    A list of strings gives one such list per string; a pyarrow string array a
    ``list<struct<start, end>>`` array (nulls and chunks kept).

    >>> sentence_spans("هل أتيت؟نعم، أتيت.")
    [(0, 8), (8, 18)]
    """
    return _apply(text, line_breaks, text=False)
