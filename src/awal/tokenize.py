"""Word tokenisation for Arabic, Darija (Arabic script and Arabizi) and Amazigh text.

Tokens are spans of the input: ``text[start:end] == token`` always holds, and
whitespace never produces a token. The work is vectorised over a whole
:class:`~awal.batch.TextBatch`: one dense table gives every code point a small
class, NumPy finds the boundaries, and Python strings are made only when asked
for (one decode and one ``str.split`` for the whole batch).

What stays one token:

* a word: letters, digits and the combining marks on them (harakat, ⵯ, the
  Tifinagh consonant joiner U+2D7F); Arabizi words with digits (``ma3ndich``,
  ``7ta``) stay whole unless ``split_digits=True``;
* tatweel after a letter that joins to its left and before a letter or digit
  (``جميـــل``, ``الـ84``, ``الـiPhone``), and after a word of one or two letters
  (``بـ``, ``الـ``, ``1445هـ``: a letter's connecting form, as written for a prefix or
  an abbreviation); elsewhere at a word's edge (``ـ11``, ``الأهمـ``: a dash, as in UD
  Arabic-PUD), between a letter that cannot join and a word (``وـربما``) or with no
  word next to it (``ــــ``) it is a dash and becomes its own token (a run of them is
  one token);
* private-use characters, as letters: legacy-font text (Kabyle typed with a font that
  puts ɛ or ɣ at U+F065) keeps its words whole;
* a number with separators between digits: ``1,000.5``, ``٣٫٥``, ``9:30``,
  ``12/05/2024`` (``,`` ``.`` ``:`` ``/`` ``٫`` ``٬``); ``2013-2014`` is three tokens;
* an apostrophe between two letters: ``l'école``, ``aujourd'hui``, ``don't``
  are one token each (``'`` and ``’``, as in Unicode word segmentation);
  ``split_apostrophes=True`` makes the apostrophe a token of its own;
* URLs, e-mail addresses, ``@mentions`` and ``#hashtags`` (``#المغرب_الكبير``);
* an emoji with its modifiers: variation selectors, skin tones, keycaps,
  ZWJ sequences (``👩‍💻``), flags (regional-indicator pairs, tag sequences);
* an ellipsis ``...`` (a run of full stops).

Every other punctuation mark or symbol is a token of its own, Arabic ones
(``،`` ``؛`` ``؟``) included. Zero-width format characters (ZWNJ, ZWJ, LRM,
RLM, soft hyphen) stay inside a word or emoji sequence and are dropped
elsewhere, like whitespace. Letters of two different scripts next to each
other are split (``Wikipediaويكيبيديا`` → ``Wikipedia``, ``ويكيبيديا``)
unless ``split_scripts=False``.

Options (keyword-only, accepted by every function here):

``split_digits=False``
    split runs of digits from letters (``ma3ndich`` → ``ma``, ``3``, ``ndich``).
``keep_punctuation=True``
    with False, tokens made only of punctuation, symbols or dashes are dropped
    (emoji, URLs, mentions and hashtags are kept).
``special_tokens=True``
    with False, URLs, e-mails, mentions and hashtags get no special treatment.
``split_apostrophes=False``, ``split_scripts=True``
    as described above.

>>> tokenize("قال: «ما عندي والو»، wa ma3ndich 3,5 دراهم...")
['قال', ':', '«', 'ما', 'عندي', 'والو', '»', '،', 'wa', 'ma3ndich', '3,5', 'دراهم', '...']
>>> tokenize(["ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ!", "#المغرب_الكبير 👍🏽 https://ex.ma/a?b=1."])
[['ⴰⵣⵓⵍ', 'ⴼⵍⴰⵡⵏ', '!'], ['#المغرب_الكبير', '👍🏽', 'https://ex.ma/a?b=1', '.']]
>>> tokenize_with_offsets("l'école, 9:30")
[("l'école", 0, 7), (',', 7, 8), ('9:30', 9, 13)]
"""

from __future__ import annotations

import gc
import re
from importlib import import_module
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, overload

import numpy as np

from .batch import TextBatch, _is_arrow, list_slices, per_input, string_list_type, text_of
from .cache import cached_table, source_key
from .columns import accepts_columns
from .kernels import UNICODE_SIZE, map_table, ranges
from .names import check_flags
from .patterns import special_pattern
from .token_arrays import token_list_array
from .unicode import CATEGORIES, SCRIPTS, category_mask, general_category_table, property_mask, script_table

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd
    import pyarrow as pa

__all__ = ["tokenize", "tokenize_with_offsets", "token_spans", "tokens_from_spans"]

# Character classes. The numbering makes the hot tests plain comparisons: kept ``>= TATWEEL``,
# context-dependent ``FORMAT..TRIGGER``, word characters ``>= DIGIT``. Letters carry a
# script group in the high bits (code = LETTER + 16 * group), so two letters join when
# their codes are equal or one of them is of group 0 (Common/Inherited: joins any script).
SPACE, FORMAT, TATWEEL, NUMSEP, DOT, APOS, RI, TRIGGER, MARK, DASH, PICTO, PUNCT, DIGIT, LETTER = range(14)
CLASS_BITS = 0x0F
_SCRIPT_GROUPS = ("Arab", "Latn", "Tfng", "Grek", "Cyrl", "Hebr")  # groups 1..6; other scripts are group 7
_NUMBER_SEPARATORS = ",:/\u066b\u066c"  # between two digits: 1,000  9:30  12/05  ٣٫٥  ١٬٠٠٠
_APOSTROPHES = "'\u2019"
_TRIGGERS = "@#"
_LATIN_LETTER = LETTER + 16 * (1 + _SCRIPT_GROUPS.index("Latn"))
_PUNCTUATION_LIKE = np.isin(np.arange(256) & CLASS_BITS, (DASH, NUMSEP, DOT, APOS, PUNCT, TRIGGER))


@lru_cache(maxsize=None)
def code_table() -> np.ndarray:
    """uint8 code of every code point: its class, plus ``16 * script group`` for letters."""
    return cached_table("token-classes", source_key(__file__), _build_code_table)


def _build_code_table() -> np.ndarray:
    category = general_category_table()
    table = np.full(UNICODE_SIZE, PUNCT, dtype=np.uint8)  # P*, S*, unassigned, surrogates
    table[category_mask("L", "Nl", "No", "Pc")] = LETTER
    table[category == CATEGORIES.index("Nd")] = DIGIT
    table[property_mask(r"\p{Extended_Pictographic}")] = PICTO
    table[category_mask("Cf")] = FORMAT
    table[category_mask("M")] = MARK
    table[0x1F3FB:0x1F400] = MARK  # emoji skin-tone modifiers
    table[0xE0020:0xE0080] = MARK  # emoji tag sequences (subdivision flags)
    table[0x1F1E6:0x1F200] = RI
    table[property_mask(r"[\p{White_Space}\p{Cc}]")] = SPACE
    table[0x0640] = TATWEEL
    for chars, cls in ((_NUMBER_SEPARATORS, NUMSEP), (".", DOT), (_APOSTROPHES, APOS), (_TRIGGERS, TRIGGER)):
        table[[ord(c) for c in chars]] = cls
    scripts = script_table()
    group = np.zeros(len(SCRIPTS), dtype=np.uint8)
    group[[i for i, code in enumerate(SCRIPTS) if code not in ("Zyyy", "Zinh")]] = 7
    group[[SCRIPTS.index(code) for code in _SCRIPT_GROUPS]] = np.arange(1, len(_SCRIPT_GROUPS) + 1)
    letters = table == LETTER
    table[letters] += 16 * group[scripts[letters]]
    table[category_mask("Co")] = LETTER  # private use: letters of legacy fonts, of no script (join any)
    return table


@lru_cache(maxsize=None)
def _dual_joining() -> np.ndarray:
    """Letters that join on both sides (a tatweel after them is an elongation, not a dash)."""
    return property_mask(r"\p{Joining_Type=Dual_Joining}")


def _positions(base: np.ndarray | None, k: np.ndarray) -> np.ndarray:
    """Code-point position of each base index in ``k`` (``base`` from :func:`_bases`: past the
    last base is the end of the chunk; None: every code point is a base).

    >>> _positions(np.array([0, 2, 3, 5]), np.array([1, 3])).tolist(), _positions(None, np.array([1, 3])).tolist()
    ([2, 5], [1, 3])
    """
    return k if base is None else np.take(base, k)


def _between(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """All indices ``starts[i] <= j < ends[i]``, concatenated."""
    return ranges(starts, ends - starts)


def _runs(positions: np.ndarray, first_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted positions: does each start a run of consecutive positions (within a string), and its rank in it."""
    index = np.arange(len(positions))
    new_run = np.ones(len(positions), dtype=bool)
    new_run[1:] = positions[1:] != positions[:-1] + 1
    new_run |= first_c[positions]
    return new_run, index - np.maximum.accumulate(np.where(new_run, index, 0))


def _resolve_tatweel(cps: np.ndarray, base: np.ndarray | None, c: np.ndarray, first_c: np.ndarray, tat: np.ndarray) -> np.ndarray:
    """Make each tatweel a letter (inside a word or at its edge) or a dash, in place in ``c``;
    returns dashes that continue a run."""
    new_run, rank = _runs(tat, first_c)
    run_first = tat - rank
    end_run = np.ones(len(tat), dtype=bool)
    end_run[:-1] = new_run[1:]
    run_last = tat[np.minimum.accumulate(np.where(end_run, np.arange(len(tat)), len(tat) - 1)[::-1])[::-1]]
    left = run_first - 1
    right = np.minimum(run_last + 1, len(c) - 1)
    word_before = ~first_c[run_first] & (c[left] >= DIGIT)
    word_after = ~first_c[run_last + 1] & (c[right] >= DIGIT)
    letter = (c & CLASS_BITS) == LETTER
    inside = word_before & word_after & letter[left] & _dual_joining()[cps[_positions(base, np.maximum(left, 0))]]
    # after a word of one or two letters (بـ, الـ, 1445هـ): the letter's connecting form, part of it
    two_before = ~first_c[left] & ~first_c[np.maximum(left - 1, 0)] & letter[np.maximum(left - 1, 0)] & letter[np.maximum(left - 2, 0)]
    inside |= word_before & ~word_after & letter[left] & ~two_before
    c[tat] = np.where(inside, LETTER, DASH)  # a group-0 letter: الـ84 and الـiPhone stay whole
    return tat[~inside & ~new_run]


def _special_spans(
    cps: np.ndarray, base: np.ndarray | None, c: np.ndarray, string_first: np.ndarray, candidates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Base-index ranges of the URLs, e-mails, mentions and hashtags around trigger ``candidates``.

    Triggers are ``@``, ``#``, ``:/`` and ``www.``; the regex runs only on the
    stretch of non-space text around each one.
    """
    n, m = len(cps), len(c)
    pos = _positions(base, candidates)
    cp = cps[pos]
    colon = cp == ord(":")
    colon[colon] = cps[np.minimum(pos[colon] + 1, n - 1)] == ord("/")
    dot = cp == ord(".")
    if dot.any():
        before = pos[dot][:, None] - np.arange(3, 0, -1)
        dot[dot] = np.all((cps[np.maximum(before, 0)] | 0x20) == ord("w"), axis=1) & (before[:, 0] >= 0)
    trigger = candidates[(cp == ord("@")) | (cp == ord("#")) | colon | dot]
    if not len(trigger):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    string_starts = np.append(string_first, m)
    row = np.searchsorted(string_starts, trigger, side="right") - 1
    rows = row[np.r_[True, row[1:] != row[:-1]]]  # row is sorted: its distinct values
    inside = _between(string_starts[rows], string_starts[rows + 1])
    spaces = np.concatenate([[-1], inside[c[inside] == SPACE], [m]])
    at = np.searchsorted(spaces, trigger)
    lo = np.maximum(spaces[at - 1] + 1, string_starts[row])
    hi = np.minimum(spaces[at], string_starts[row + 1])
    first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]  # lo and hi never decrease: the distinct windows
    lo, hi = lo[first], hi[first]
    starts: list[int] = []
    ends: list[int] = []
    for a, b in zip(_positions(base, lo).tolist(), _positions(base, hi).tolist()):
        for match in special_pattern().finditer(text_of(cps[a:b])):
            starts.append(a + match.start())
            ends.append(a + match.end())
    if base is None:
        return np.array(starts, np.int64), np.array(ends, np.int64)
    return np.searchsorted(base, starts).astype(np.int64), np.searchsorted(base, ends).astype(np.int64)


def _bases(code: np.ndarray, firsts: np.ndarray) -> np.ndarray | None:
    """Positions of the "bases": every code point except a mark that follows a visible character
    (such marks, skin tones, variation selectors and keycaps always join the token before them),
    then ``len(code)``; None when every code point is one (no such mark: one cheap test).

    >>> _bases(np.array([LETTER, MARK, SPACE, MARK], np.uint8), np.array([0])).tolist(), _bases(np.array([SPACE, MARK], np.uint8), np.array([0]))
    ([0, 2, 3, 4], None)
    """
    joined = code[1:] == MARK  # joined[i]: code point i + 1 joins the one before it
    if not joined.any():
        return None
    joined &= code[:-1] >= TATWEEL
    joined[firsts[firsts > 0] - 1] = False  # a string's first code point is a base
    if not joined.any():
        return None
    is_base = np.empty(len(code) + 1, dtype=bool)
    is_base[0] = is_base[-1] = True
    np.logical_not(joined, out=is_base[1:-1])
    return np.flatnonzero(is_base)


def _spans(
    cps: np.ndarray,
    offsets: np.ndarray,
    split_digits: bool,
    keep_punctuation: bool,
    special_tokens: bool,
    split_apostrophes: bool,
    split_scripts: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Token ``(starts, ends)`` of one chunk, in its own code-point positions."""
    n = len(cps)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    code = map_table(cps, code_table())
    firsts = offsets[:-1][offsets[:-1] < offsets[1:]]  # first position of every non-empty string
    base = _bases(code, firsts)  # the work is on bases: marks joined to a visible character drop out
    if base is None:
        c, string_first = code, firsts
    else:
        c = np.take(code, base[:-1])
        string_first = np.searchsorted(base, firsts)  # the base that starts each non-empty string
    m = len(c)
    first_c = np.zeros(m + 1, dtype=bool)  # first_c[k]: base k starts a string (k == m: past the end)
    first_c[string_first] = True
    first_c[m] = True

    att = np.flatnonzero((c - np.uint8(FORMAT)) <= MARK - FORMAT)  # classes FORMAT..TRIGGER, and MARK
    att_cls = c[att]
    mark = att_cls == MARK
    if mark.any():  # a mark with nothing visible before it starts a word (rare: no pass over all bases for it)
        c[att[mark]] = LETTER
        att, att_cls = att[~mark], att_cls[~mark]
    tatweel = att[att_cls == TATWEEL]
    dash_runs = _resolve_tatweel(cps, base, c, first_c, tatweel) if len(tatweel) else tatweel

    join = np.zeros(m + 1, dtype=bool)  # join[k]: base k continues the token of base k - 1
    left, right = c[:-1], c[1:]
    lower = np.minimum(left, right)
    word = join[1:m]
    np.greater_equal(lower, DIGIT, out=word)
    if split_scripts:
        word &= (lower <= LETTER) | (left == right)
    if split_digits:
        word &= (left == DIGIT) == (right == DIGIT)
    join[string_first] = False
    join[dash_runs] = True
    keep = c >= TATWEEL

    has_prev = ~first_c[att]
    between = has_prev & ~first_c[att + 1]
    prev_code = c[att - has_prev]
    prev_cls = prev_code & CLASS_BITS
    next_cls = c[np.minimum(att + 1, m - 1)] & CLASS_BITS
    glue = ((att_cls == NUMSEP) | (att_cls == DOT)) & (prev_cls == DIGIT) & (next_cls == DIGIT)
    if not split_apostrophes:
        glue |= (att_cls == APOS) & (prev_cls == LETTER) & (next_cls == LETTER)
    # zero-width characters inside a word or an emoji sequence
    glue |= (att_cls == FORMAT) & (
        ((prev_cls >= DIGIT) & (next_cls >= DIGIT))
        | (((prev_cls == PICTO) | (prev_cls == RI)) & ((next_cls == PICTO) | (next_cls == RI)))
    )
    glue &= between
    join[att[glue]] = True
    join[att[glue] + 1] = True
    keep[att[glue]] = True
    join[att[(att_cls == DOT) & (prev_cls == DOT) & has_prev & ~glue]] = True  # an ellipsis ...
    ri = att[att_cls == RI]  # regional indicators pair up into flags
    if len(ri):
        join[ri[(_runs(ri, first_c)[1] % 2) == 1]] = True

    special = np.zeros(0, dtype=np.int64)
    if special_tokens:
        # what may be a trigger: @ and #, a colon before a slash (a NUMSEP), a full stop after a Latin letter (www.)
        candidates = att[(att_cls == TRIGGER) | ((att_cls == NUMSEP) & (next_cls == NUMSEP)) | ((att_cls == DOT) & (prev_code == _LATIN_LETTER))]
        special, stop = _special_spans(cps, base, c, string_first, candidates) if len(candidates) else (special, special)
        inside = _between(special, stop)
        keep[inside] = True
        join[inside] = True
        join[special] = False
        join[stop] = False

    token_start = np.greater(keep, join[:m])  # kept and not joined: keep & ~join
    token_last = np.greater(keep, join[1:])
    if not keep_punctuation:
        punct = _PUNCTUATION_LIKE[c]
        punct[special] = False
        starts_c = np.flatnonzero(token_start)
        drop = punct[starts_c]
        token_start[starts_c[drop]] = False
        token_last[np.flatnonzero(token_last)[drop]] = False
    after_last = np.flatnonzero(token_last) + 1  # the base after each token's last one (m: past the end)
    ends = _positions(base, after_last)
    return _positions(base, np.flatnonzero(token_start)), ends


# ------------------------------------------------------------------ one short string
# The rules above as one ``re`` pattern over the classes of :func:`code_table`, for a
# string none of whose characters needs the array logic (unassigned code points, scripts
# outside :data:`_FAST_DOMAIN`): such a string goes through one ``findall`` instead of a
# few dozen NumPy calls. URLs, e-mails, mentions and hashtags are found as the array path
# finds them, and so are emoji sequences and the tatweel runs that are dashes
# (:func:`_dash_runs`); each is one token and the text between them is tokenised by the
# pattern, which reads a tatweel as the array path reads one kept in its word (a letter
# of no script). ``re`` tests a class of BMP characters with one bitmap lookup, whatever
# its size. Tests compare it with the array path.
_FAST_EXCLUDED = (RI, PICTO, DASH)
_FAST_DOMAIN = ((0, 0x0900), (0x1D00, 0x2E80), (0xFB00, 0xFF00))  # Latin, Greek, Cyrillic, Hebrew, Arabic, Tifinagh, punctuation, presentation forms
_FAST_LONGEST = 2048  # longer strings: the batch path
_FAST_SMALL_LIST = 8  # lists of up to this many strings go string by string
_TATWEEL = "\u0640"


@lru_cache(maxsize=None)
def _emoji_pattern() -> re.Pattern:
    """An emoji sequence as :func:`_spans` makes one token: a pictograph or a pair of regional
    indicators (a flag; a lone one too), each with the marks after it (skin tones, variation
    selectors, keycaps, tags), chained by one zero-width character between two of them. Built
    on the first text that needs it (its classes span all of Unicode: tens of milliseconds).

    >>> [m.group() for m in _emoji_pattern().finditer("👍🏽 a👩\u200d💻 🇲🇦🇩")]
    ['👍🏽', '👩\u200d💻', '🇲🇦', '🇩']
    """
    codes = code_table()

    def anywhere(kind: int) -> str:
        return _class_of(codes == kind, np.zeros(len(codes), dtype=bool))

    marks = f"{anywhere(MARK)}*"
    unit = f"(?:{anywhere(PICTO)}{marks}|{anywhere(RI)}{marks}(?:{anywhere(RI)}{marks})?)"
    return re.compile(f"{unit}(?:{anywhere(FORMAT)}{unit})*")


def _class_of(member: np.ndarray, free: np.ndarray) -> str:
    """An ``re`` class of the ``member`` code points as ranges, which may also hold ``free``
    ones (code points the class is never tested on), so the ranges are fewer."""
    edges = np.flatnonzero(np.diff(np.r_[False, member | free, False].view(np.int8))).reshape(-1, 2)
    where = np.flatnonzero(member)
    firsts, lasts = np.searchsorted(where, edges[:, 0]), np.searchsorted(where, edges[:, 1])
    keep = firsts < lasts
    parts = [
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
        for a, b in zip(where[firsts[keep]].tolist(), where[lasts[keep] - 1].tolist())
    ]
    return "[" + "".join(parts) + "]" if parts else "(?!)"


def _none_of(member: np.ndarray) -> str:
    """An ``re`` class of every code point but the ``member`` ones (a boolean table over part of the
    BMP): a negated BMP class costs one bitmap test per character, and finds any character
    beyond the table, astral ones included.

    >>> _none_of(np.arange(128) >= 97)
    '[^a-\\x7f]'
    """
    return f"[^{_class_of(member, np.zeros_like(member))[1:-1]}]"


class _FastTables(NamedTuple):
    needs_arrays: re.Pattern  # a character only the array path handles
    needs_care: Callable[[str], re.Match | None]  # search for the same, or a character that may start a special token
    findall: Callable[..., list[str]]  # the tokens (of a window: findall(text, start, end))
    token: re.Pattern  # one token (group 1)
    sticky: re.Pattern  # a character that may join what touches it
    space: str  # the class of whitespace
    tatweel_run: re.Pattern  # a run of tatweels with their marks
    codes: bytes  # code_table(), one byte per code point
    dual_joining: bytes  # 1 for a letter that joins on both sides


_FAST: _FastTables | None = None  # _fast_patterns() once built: a global read is cheaper than the cached call


def _fast_patterns() -> _FastTables:
    """The patterns and tables of the one-string path, built once.

    A word is a chain of units, each taking the marks after it: a group-0 letter or a
    digit (joins anything), a run of one script's letters, or marks that start a word.
    A unit may end with glue: an apostrophe between two letters, a number separator
    between two digits, or one zero-width character before a word character. A run may not be
    followed by another script's letter without glue: it then ends the word (the
    look-ahead skips marks, which a backtracking run gives back). A tatweel the pattern
    sees is a group-0 letter: the dashes were taken out before (:func:`_dash_runs`).
    """
    end = _FAST_DOMAIN[-1][1]  # classes are built over code points below it: outside the domain is free
    codes = code_table()[:end]
    outside = np.ones(end, dtype=bool)
    for lo, hi in _FAST_DOMAIN:
        outside[lo:hi] = False
    free = outside | np.isin(codes, _FAST_EXCLUDED) | (general_category_table()[:end] == CATEGORIES.index("Cn"))
    read = codes.copy()
    read[ord(_TATWEEL)] = LETTER  # what a tatweel left in the text is to the pattern

    def of(*wanted: int) -> str:
        return _class_of(np.isin(read, wanted) & ~free, free)

    groups = sorted({int(c) >> 4 for c in np.unique(codes[~free]) if (c & CLASS_BITS) == LETTER})
    scripts = [LETTER + 16 * g for g in groups if g]
    mark, letter, digit = of(MARK), of(LETTER, *scripts), of(DIGIT)
    m = f"{mark}*"
    apostrophe = f"{of(APOS)}{m}(?={letter})"
    zero_width = f"{of(FORMAT)}(?={of(LETTER, DIGIT, MARK, *scripts)})"
    letter_glue = f"(?:(?={of(APOS, FORMAT)})(?:{apostrophe}|{zero_width}))"  # one test when absent
    number = f"{of(NUMSEP, DOT)}{m}(?={digit})"
    neutral = (
        f"{of(LETTER)}{m}{letter_glue}?"
        f"|{digit}{m}(?:{number}|{zero_width})?"
        f"|{mark}+(?:{apostrophe}|{zero_width})?"
    )
    run = "(?:" + "|".join(f"{of(code)}{of(code, MARK)}*" for code in scripts) + ")"  # one class repeated: fast in re
    run_inside = f"{run}(?:{letter_glue}|(?!{m}{of(*scripts)}))"
    starts = f"(?={of(LETTER, DIGIT, MARK, *scripts)})"  # one test before the alternatives
    last_run = f"(?:(?={of(*scripts)}){run})?"  # a run before another script's letter (one test when absent)
    word = f"{starts}(?:{starts}(?:{run_inside}|{neutral}))*{last_run}"  # not empty: every word character starts a unit
    # the common word first: one script's run (or digits) that nothing after it may continue or glue to
    alone = f"(?:{run}|{digit}+)(?!{of(LETTER, DIGIT, MARK, APOS, NUMSEP, DOT, FORMAT, *scripts)})"
    others = f"[^{of(SPACE)[1:-1]}{of(FORMAT)[1:-1]}]{m}"  # zero-width characters outside words are dropped
    plain = ~free
    plain[[ord("@"), ord("#")]] = False  # they may start a mention or a hashtag
    # then ellipses, then anything else; the token is group 1, after one optional space: most
    # tokens follow one, and a match that starts on it saves a failed try of every alternative there
    token = re.compile(f"{of(SPACE)}?({alone}|{word}|(?:\\.{m})+|{others})")
    global _FAST
    _FAST = _FastTables(
        needs_arrays=re.compile(_none_of(~free)),
        needs_care=re.compile(_none_of(plain)).search,
        findall=token.findall,
        token=token,
        sticky=re.compile(f"{of(APOS, NUMSEP, DOT, FORMAT, MARK)}|{_TATWEEL}"),
        space=of(SPACE),
        tatweel_run=re.compile(f"{_TATWEEL}(?:{_TATWEEL}|{mark})*"),  # marks after a tatweel belong to it
        codes=code_table().tobytes(),
        dual_joining=_dual_joining().tobytes(),
    )
    return _FAST


def _base_before(text: str, at: int, codes: bytes) -> int:
    """Where the base before position ``at`` is (a mark after a visible character belongs to
    that character, as in :func:`_spans`); -1 at the start."""
    p = at - 1
    while p > 0 and codes[ord(text[p])] == MARK and codes[ord(text[p - 1])] >= TATWEEL:
        p -= 1
    return p


def _base_class(text: str, p: int, codes: bytes) -> int:
    """The class code of the base at ``p`` (a mark that starts a word is a letter); SPACE before the start."""
    if p < 0:
        return SPACE
    code = codes[ord(text[p])]
    return LETTER if code == MARK else code


def _dash_runs(text: str, tables: _FastTables) -> list[tuple[int, int]]:
    """The tatweel runs of ``text`` that :func:`_resolve_tatweel` makes dashes, as ``(start, end)``
    with their marks; the others stay in their word. Only the bases around a run decide:

    >>> _dash_runs("جميـــل بـ ـ11 كتابـ", _fast_patterns())  # ـ11 and the end of كتابـ
    [(11, 12), (19, 20)]
    """
    codes, dual = tables.codes, tables.dual_joining
    dashes = []
    for run in tables.tatweel_run.finditer(text):
        start, end = run.span()
        left = _base_before(text, start, codes)
        inside = (_base_class(text, left, codes) & CLASS_BITS) == LETTER
        if inside and end < len(text) and codes[ord(text[end])] >= DIGIT:  # between two words: an elongation
            inside = bool(dual[ord(text[left])])
        elif inside:  # at a word's end: part of a word of one or two letters (بـ, الـ, 1445هـ)
            before = _base_before(text, left, codes)
            inside = not (
                (_base_class(text, before, codes) & CLASS_BITS) == LETTER
                and (_base_class(text, _base_before(text, before, codes), codes) & CLASS_BITS) == LETTER
            )
        if not inside:
            dashes.append((start, end))
    return dashes


_WWW = re.compile(r"[wW]{3}\.")
_TRIGGER = re.compile(r"[@#]|:/|[wW]{3}\.")  # where the array path looks for URLs, e-mails, mentions, hashtags


def _special_tokens(text: str, tables: _FastTables) -> list[tuple[int, int]] | None:
    """``(start, end)`` of the URLs, e-mails, mentions and hashtags of ``text``; None when a
    character touching one may join it (the array path decides)."""
    if not ("@" in text or "#" in text or ":/" in text or (("w." in text or "W." in text) and _WWW.search(text))):
        return []  # no trigger (plain substring tests: much cheaper than _TRIGGER)
    sticky, spans = tables.sticky, []
    for window in re.finditer(f"[^{tables.space[1:-1]}]+", text):  # the stretch between spaces around a trigger
        if not _TRIGGER.search(window.group()):
            continue
        for match in special_pattern().finditer(window.group()):
            a, b = window.start() + match.start(), window.start() + match.end()
            before, after = text[a - 1 : a], text[b : b + 1]
            beyond = text[b + 1 : b + 2]  # a separator is glued when a digit follows, past any marks
            digit_may_follow = beyond.isdigit() or (beyond and tables.codes[ord(beyond)] == MARK)
            separator_not_glued = after in _NUMBER_SEPARATORS + "." and not digit_may_follow
            if sticky.match(before) or sticky.match(text, a) or (sticky.match(after) and not separator_not_glued):
                return None
            spans.append((a, b))
    return spans


def _whole_tokens(text: str, tables: _FastTables) -> list[tuple[int, int]] | None:
    """The sorted ``(start, end)`` of the pieces of ``text`` that are one token each (special
    tokens, emoji sequences, dash runs); the pattern tokenises the text between them. None when
    ``text`` needs the array path."""
    if len(text) > _FAST_LONGEST:
        return None
    emoji: list[tuple[int, int]] = []
    if tables.needs_arrays.search(text):  # beyond the pattern: fine if emoji sequences are all there is
        sequences = _emoji_pattern()
        emoji = [m.span() for m in sequences.finditer(text)]
        if not emoji or tables.needs_arrays.search(sequences.sub("", text)):
            return None
    specials = _special_tokens(text, tables)
    if specials is None:
        return None
    others = emoji + (_dash_runs(text, tables) if _TATWEEL in text else [])
    if not specials:
        return sorted(others)
    outside = [(a, b) for a, b in others if not any(s <= a < e for s, e in specials)]  # a special token keeps its own
    return sorted(specials + outside)


def _fast_tokens(text: str) -> list[str] | None:
    """The tokens of one short ``str`` without NumPy, or None when it needs the array path."""
    tables = _FAST or _fast_patterns()
    findall = tables.findall
    # the common case in one class scan and a few substring tests: no special token (each
    # holds @, #, :// or www.) and no character beyond the pattern; then only dashes to take out
    if len(text) <= _FAST_LONGEST and not tables.needs_care(text) and ":/" not in text and "w." not in text:
        wholes = _dash_runs(text, tables) if _TATWEEL in text else None
    else:
        wholes = _whole_tokens(text, tables)
        if wholes is None:
            return None
    if not wholes:
        return findall(text)
    out: list[str] = []
    done = 0
    for a, b in wholes:
        out += findall(text, done, a)  # the pattern has no look-behind: a window is as good as a slice
        out.append(text[a:b])
        done = b
    return out + findall(text, done)


def _fast_spans(text: str) -> list[tuple[str, int, int]] | None:
    """:func:`tokenize_with_offsets` of one short ``str`` without NumPy, or None when it needs the array path."""
    tables = _FAST or _fast_patterns()
    wholes = _whole_tokens(text, tables)
    if wholes is None:
        return None
    finditer = tables.token.finditer
    out = []
    done = 0
    for a, b in [*wholes, (len(text), len(text))]:
        out += [(m.group(1), m.start(1), m.end(1)) for m in finditer(text, done, a)]
        if a < b:
            out.append((text[a:b], a, b))
        done = b
    return out


_CHUNK = 1 << 19  # code points per chunk: one slice of 2,048 strings of 200 characters, working arrays of a few MB


def token_spans(
    batch: TextBatch,
    *,
    split_digits: bool = False,
    keep_punctuation: bool = True,
    special_tokens: bool = True,
    split_apostrophes: bool = False,
    split_scripts: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token spans of a whole batch as arrays: ``(starts, ends, token_offsets)``.

    ``starts``/``ends`` are int64 positions in ``batch.codepoints``; string ``i``
    has tokens ``token_offsets[i]:token_offsets[i + 1]``. No Python strings are made.

    >>> b = TextBatch.from_input(["ⴰⵣⵓⵍ!", "", "سلام عليكم"])
    >>> starts, ends, token_offsets = token_spans(b)
    >>> starts.tolist(), ends.tolist(), token_offsets.tolist()
    ([0, 4, 5, 10], [4, 5, 9, 15], [0, 2, 2, 4])
    """
    options = (split_digits, keep_punctuation, special_tokens, split_apostrophes, split_scripts)
    cps, offsets = batch.codepoints, batch.offsets
    bounds = batch.chunk_bounds(_CHUNK)
    starts, ends = [], []
    for a, b in zip(bounds, bounds[1:]):
        origin = int(offsets[a])
        s, e = _spans(cps[origin : offsets[b]], offsets[a : b + 1] - origin, *options)
        starts.append(s + origin)
        ends.append(e + origin)
    start = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    end = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    return start, end, np.searchsorted(start, offsets)


OPTIONS = tuple(token_spans.__kwdefaults__ or {})  # the flags tokenize and tokenize_with_offsets take


def tokens_from_spans(batch: TextBatch, starts: np.ndarray, ends: np.ndarray, token_offsets: np.ndarray) -> list[list[str]]:
    """The tokens as Python strings, one list per string of the batch.

    The batch is decoded once as the tokens with one space after each but the last (the
    first character of a gap becomes it, a space is put between touching tokens, the rest of
    the gaps is dropped), and split once on that space: tokens never contain whitespace.

    >>> b = TextBatch.from_input(["a,b  ", " c"])
    >>> tokens_from_spans(b, *token_spans(b))
    [['a', ',', 'b'], ['c']]
    """
    if not len(starts):
        return _per_string([], token_offsets)
    cps = batch.codepoints
    edge = np.zeros(len(cps) + 1, dtype=np.int8)
    edge[starts] = 1
    edge[ends] -= 1  # a token's end may be the next one's start
    inside = np.cumsum(edge[:-1], dtype=np.int8).view(bool)
    gap = ends[:-1] < starts[1:]
    inside[ends[:-1][gap]] = True  # the first character of a gap after a token becomes its space
    out = cps[inside]
    lengths = ends - starts
    start = np.cumsum(lengths[:-1] + gap)  # where tokens 1.. start in out
    out[start[gap] - 1] = ord(" ")
    touching = start[~gap]  # tokens with no gap before them: a space put in
    if len(touching):
        out = np.insert(out, touching, ord(" "))
    flat = text_of(out).split(" ")
    return _per_string(flat, token_offsets)


def _per_string(flat: list, token_offsets: np.ndarray) -> list[list]:
    """``flat`` cut into one list per string of the batch."""
    bounds = token_offsets.tolist()
    with _collector_paused():
        return [flat[a:b] for a, b in zip(bounds, bounds[1:])]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: 100k+ new lists and no cycles, it would only rescan them (10x slower)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@overload
def tokenize(x: str, **options: bool) -> list[str]: ...
@overload
def tokenize(x: list[str], **options: bool) -> list[list[str]]: ...
@overload
def tokenize(x: tuple[str, ...], **options: bool) -> tuple[list[str], ...]: ...
@overload
def tokenize(x: pa.Array[Any], **options: bool) -> pa.Array[Any]: ...
@overload
def tokenize(x: pa.ChunkedArray[Any], **options: bool) -> pa.ChunkedArray[Any]: ...
@overload
def tokenize(x: pd.Series[Any], **options: bool) -> pd.Series[Any]: ...
@overload
def tokenize(x: npt.NDArray[Any], **options: bool) -> npt.NDArray[np.object_]: ...
def tokenize(x: Any, **options: bool) -> Any:
    """Word tokens: ``str`` → ``list[str]``; a list → ``list[list[str]]`` (a tuple → a tuple of them); a pyarrow string
    array → a ``list<string>`` array (``list<large_string>`` for large strings; nulls stay null,
    chunks are kept); a pandas Series or NumPy array → the same container of token lists.
    See the module docstring for the rules and ``options``.

    >>> tokenize("وَقَالَ: ٱلْحَمْدُ لِلَّهِ؟")
    ['وَقَالَ', ':', 'ٱلْحَمْدُ', 'لِلَّهِ', '؟']
    >>> tokenize(["7ta 3lach?", ""], split_digits=True)
    [['7', 'ta', '3', 'lach', '?'], []]
    """
    if not options:
        if type(x) is str:  # one short string: the regex when it covers it, before any wrapper
            tokens = _fast_tokens(x)
            if tokens is not None:
                return tokens
    else:
        check_flags(options, OPTIONS)
    return _tokenize(x, **options)


@accepts_columns
def _tokenize(x: Any, **options: bool) -> Any:
    """:func:`tokenize` of anything but a short string the regex covers."""
    if not options:  # a few short strings: the regex, when it covers them
        kind = type(x)
        if (kind is list or kind is tuple) and len(x) <= _FAST_SMALL_LIST and all(type(s) is str for s in x):
            lists = [_fast_tokens(s) for s in x]
            if None not in lists:
                return lists
    if isinstance(x, (list, tuple)):
        with _collector_paused():
            return [tokens for batch in list_slices(x) for tokens in tokens_from_spans(batch, *token_spans(batch, **options))]
    if _is_arrow(x):  # list<string> cut from the UTF-8 buffer (awal.token_arrays)
        lists = token_list_array(x, lambda batch: token_spans(batch, **options))
        if lists is not None:
            return lists
    batch = TextBatch.from_input(x)
    return per_input(batch, tokens_from_spans(batch, *token_spans(batch, **options)), string_list_type(batch))


@overload
def tokenize_with_offsets(text: str, **options: bool) -> list[tuple[str, int, int]]: ...
@overload
def tokenize_with_offsets(text: list[str], **options: bool) -> list[list[tuple[str, int, int]]]: ...
@overload
def tokenize_with_offsets(text: tuple[str, ...], **options: bool) -> tuple[list[tuple[str, int, int]], ...]: ...
@overload
def tokenize_with_offsets(text: pa.Array[Any], **options: bool) -> pa.Array[Any]: ...
@overload
def tokenize_with_offsets(text: pa.ChunkedArray[Any], **options: bool) -> pa.ChunkedArray[Any]: ...
@overload
def tokenize_with_offsets(text: pd.Series[Any], **options: bool) -> pd.Series[Any]: ...
@overload
def tokenize_with_offsets(text: npt.NDArray[Any], **options: bool) -> npt.NDArray[np.object_]: ...
@accepts_columns
def tokenize_with_offsets(text: Any, **options: bool) -> Any:
    """``[(token, start, end), ...]`` with code-point offsets: ``text[start:end] == token``.

    A list of strings gives one such list per string, offsets into that string; a pyarrow
    string array gives a ``list<struct<token, start, end>>`` array (nulls and chunks kept).

    >>> tokenize_with_offsets("مرحبا، @awal")
    [('مرحبا', 0, 5), ('،', 5, 6), ('@awal', 7, 12)]
    """
    if not options:
        if type(text) is str:
            spans = _fast_spans(text)
            if spans is not None:
                return spans
    else:
        check_flags(options, OPTIONS)
    batch = TextBatch.from_input(text)
    starts, ends, token_offsets = token_spans(batch, **options)
    tokens = tokens_from_spans(batch, starts, ends, np.array([0, len(starts)]))[0]  # all of them, one list
    local_start = starts - np.repeat(batch.offsets[:-1], np.diff(token_offsets))
    local_end = local_start + (ends - starts)
    with _collector_paused():  # the triples in one zip, then sliced per string
        triples = list(zip(tokens, local_start.tolist(), local_end.tolist()))
    result = _per_string(triples, token_offsets)
    if batch.kind == "arrow":
        pa = import_module("pyarrow")
        fields = [("token", string_list_type(batch).value_type), ("start", pa.int64()), ("end", pa.int64())]  # (large for large input)
        return batch.rows_to_arrow(result, pa.list_(pa.struct(fields)))
    return result[0] if batch.kind == "str" else result
