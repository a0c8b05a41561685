"""Per-text quality signals of web-corpus filtering (Gopher, C4, FineWeb), in one vectorised call.

``quality(x, variety)`` gives one array per signal over a batch (a dict of NumPy arrays;
a pyarrow Table for Arrow input). Words are awal's tokens (:func:`awal.tokenize`,
punctuation kept, as datatrove's ``split_into_words``). Definitions follow datatrove's
filters wherever a signal has their name, so the same thresholds mean the same thing:

===========================  =====================================================================
signal                       definition
===========================  =====================================================================
chars, tokens                code points; tokens
words                        tokens with a character that is not punctuation, symbol or control
mean_word_length             mean length of those words (NaN without words)
hash_word_ratio              ``#`` per token; ellipsis_word_ratio: ``...`` and ``…`` per token
bullet_lines_ratio           lines (``str.splitlines``) starting with ``•`` or ``-`` after spaces
ellipsis_lines_ratio         lines ending with ``...`` or ``…`` before trailing spaces
alpha_words_ratio            tokens with a letter, per token
stop_words, stop_word_ratio  distinct stop words of the variety (lower-cased, diacritics, tatweel and
                             hamza/alef, ى and ة forms folded); stop-word tokens per word
dup_line_frac (…char_frac)   lines (split on runs of ``\\n``) equal to an earlier line; their characters / chars
dup_para_frac (…char_frac)   the same for paragraphs (stripped text split on runs of 2+ ``\\n``)
top_N_gram_char_frac         N = 2, 3, 4: (characters of the most frequent N-gram joined by spaces) × count / chars
dup_N_gram_char_frac         N = 5..10: characters of N-grams repeating an earlier one (greedy, Gopher) / chars
line_punct_ratio             non-blank ``\\n``-lines ending in terminal punctuation (Unicode Sentence_Terminal and ⵰)
short_line_ratio             non-blank lines of 30 characters or fewer
char_dup_ratio               characters of non-blank lines repeating an earlier one / non-newline characters
list_ratio                   newlines per token
sentences, curly_brackets    :func:`awal.sentences` count; ``{`` count (C4)
arab/latn/tfng_ratio         letters of each script per letter
arabizi_digit_ratio          Latin-letter tokens holding a 2, 3, 5, 7 or 9 (7ta, 3lach, m9ass), per Latin-letter token
elongation_ratio             letters in runs of 3+ identical letters, per letter
diacritic_ratio              Arabic diacritics (U+064B..U+065F, U+0670) per Arabic letter
invisible_ratio              bidi controls, zero-width space, BOM, soft hyphen and other invisible format
                             characters (not the joiners ZWJ/ZWNJ) per character
===========================  =====================================================================

``quality_filter(x, variety)`` applies the variety's thresholds (``data/quality/*.toml``,
each cited to its source) and says why each dropped text was dropped.

>>> signals = quality(["ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ⵰", "واش كاين شي جديد؟ والووو"], variety="ary")
>>> signals["words"].tolist(), signals["tfng_ratio"].tolist()
([2, 5], [1.0, 0.0])
>>> round(float(signals["elongation_ratio"][1]), 3)  # ووو in والووو: 3 of 19 letters
0.158
>>> keep, reasons = quality_filter(["واش كاين شي جديد؟"], variety="ary")
>>> keep.tolist(), reasons[0][0][:11]
([False], 'words 4 < 5')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

import numpy as np

from .batch import TextBatch, _is_arrow
from .columns import column_strings, is_pandas, plain_strings
from .kernels import map_table
from .names import did_you_mean
from .rules import data_dir, tomllib  # tomllib, or tomli on Python 3.10
from .segments import per_string, prefix_hashes, range_hashes, repeated, run_lengths, split
from .sentences import lower_table, sentence_counts
from .tokenize import token_spans
from .unicode import SCRIPTS, category_mask, property_mask, script_table

# character flag bits
SPACE, SYMBOL, LETTER, ARAB, LATN, TFNG, DIACRITIC, INVISIBLE, TERMINAL, NEWLINE, LINE_BREAK, ARABIZI_DIGIT = (1 << i for i in range(12))
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
_INVISIBLE = "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad\u180e"
TOP_N_GRAMS = (2, 3, 4)
DUP_N_GRAMS = (5, 6, 7, 8, 9, 10)


@lru_cache(maxsize=None)
def flag_table() -> np.ndarray:
    """uint16 flags of every code point (the bits above), from Unicode properties."""
    f = np.zeros(0x110000, dtype=np.uint16)
    space = property_mask(r"\p{White_Space}")
    space[[0x1C, 0x1D, 0x1E, 0x1F]] = True  # str.isspace is true for these too
    f[space] |= SPACE
    f[category_mask("P", "S", "C", "Z")] |= SYMBOL
    letters = category_mask("L")
    f[letters] |= LETTER
    scripts = script_table()
    for bit, code in ((ARAB, "Arab"), (LATN, "Latn"), (TFNG, "Tfng")):
        f[letters & (scripts == SCRIPTS.index(code))] |= bit
    f[np.r_[0x064B:0x0660, 0x0670]] |= DIACRITIC
    f[[ord(c) for c in _INVISIBLE]] |= INVISIBLE
    terminal = property_mask(r"\p{Sentence_Terminal}")
    terminal[ord("⵰")] = True
    f[terminal] |= TERMINAL
    f[ord("\n")] |= NEWLINE
    f[[ord(c) for c in _LINE_BREAKS]] |= LINE_BREAK
    f[[ord(c) for c in "23579"]] |= ARABIZI_DIGIT
    return f


# ----------------------------------------------------------------- thresholds
@dataclass(frozen=True)
class Variety:
    """A variety's stop words and thresholds: ``{signal: (min, max, source)}``."""

    name: str
    stop_words: tuple[str, ...]
    thresholds: dict[str, tuple[float | None, float | None, str]]


@lru_cache(maxsize=None)
def _quality_files() -> dict[str, dict]:
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((data_dir() / "quality").glob("*.toml"))}


@lru_cache(maxsize=None)
def varieties() -> dict[str, str]:
    """Every accepted variety name or alias → the file (``data/quality/<file>.toml``) that serves it."""
    out = {}
    for name, table in _quality_files().items():
        out[name] = name
        out.update(dict.fromkeys(table.get("aliases", []), name))
    return out


@lru_cache(maxsize=None)
def load_variety(name: str = "default") -> Variety:
    """The thresholds and stop words of ``name`` (a file name or alias), ``extends`` resolved.

    >>> load_variety("tzm_Tfng").name, "ⴷ" in load_variety("tzm_Tfng").stop_words
    ('zgh', True)
    """
    if not isinstance(name, str):
        raise TypeError(f"variety must be a str name, got {type(name).__name__}")
    known = varieties()
    if name not in known:
        raise ValueError(f"unknown variety {name!r}; {did_you_mean(name, known)}(known: {', '.join(sorted(set(known.values())))})")
    files = _quality_files()
    table = files[known[name]]
    base = load_variety(table["extends"]) if "extends" in table else None
    thresholds = dict(base.thresholds) if base else {}
    for signal, spec in table.get("thresholds", {}).items():
        thresholds[signal] = (spec.get("min"), spec.get("max"), spec["source"])
    stop_words = tuple(table["stop_words"]) if "stop_words" in table else (base.stop_words if base else ())
    return Variety(known[name], stop_words, thresholds)


# -------------------------------------------------------------------- signals
def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator, dtype=np.float64) / denominator


def _count(owner: np.ndarray, mask: np.ndarray | None, strings: int) -> np.ndarray:
    return np.bincount(owner if mask is None else owner[mask], minlength=strings)


def _prefix_count(mask: np.ndarray) -> np.ndarray:
    out = np.zeros(len(mask) + 1, dtype=np.int64)
    np.cumsum(mask, out=out[1:])
    return out


def _groups(owner: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal (string, key) pairs, by one sort of one mixed 64-bit key: ``(order, starts, counts)``:
    ``order`` each group's members together, the
    groups starting at ``starts`` with ``counts`` members."""
    mixed = key ^ (owner.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    order = np.argsort(mixed)
    sorted_key = mixed[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = sorted_key[1:] != sorted_key[:-1]
    starts = np.flatnonzero(new)
    return order, starts, np.diff(np.append(starts, len(order)))


def _ngram_signals(token_hash: np.ndarray, token_len: np.ndarray, token_owner: np.ndarray, chars: np.ndarray) -> dict[str, np.ndarray]:
    """Gopher's top n-gram (n = 2, 3, 4) and duplicate n-gram (n = 5..10) character fractions.

    An n-gram can only repeat where the (n-1)-gram it starts with repeats, so each size sorts
    only those positions: after the first sizes, a handful. Keys grow from the previous size's
    by slices (``key[i] * mix + token_hash[i + n - 1]``).
    """
    strings = len(chars)
    m = len(token_hash)
    out: dict[str, np.ndarray] = {}
    total = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(token_len, out=total[1:])
    first_token = np.searchsorted(token_owner, np.arange(strings))  # first token of each string (or m)
    tokens = np.bincount(token_owner, minlength=strings)
    mix = np.uint64(0x100000001B3)
    key = token_hash[:-1] * mix + token_hash[1:] if m else token_hash
    candidates = np.arange(m)  # positions whose (n-1)-gram repeats in its string (any order)
    for n in range(2, max(DUP_N_GRAMS) + 1):
        if n > 2:
            key = key[:-1] * mix + token_hash[n - 1 :] if len(key) else key
        count = m - n + 1
        candidates = candidates[candidates < count]
        candidates = candidates[token_owner[candidates] == token_owner[candidates + n - 1]]
        order, starts, counts = _groups(token_owner[candidates], key[candidates])
        member = candidates[order]
        in_repeat = np.repeat(counts >= 2, counts)
        if n in TOP_N_GRAMS:
            top = np.zeros(strings, dtype=np.int64)
            has_ngram = tokens >= n
            first = first_token[has_ngram]
            top[has_ngram] = total[first + n] - total[first] + n - 1  # no repeat: the first n-gram, once
            repeats = counts >= 2
            if repeats.any():
                g_first = np.minimum.reduceat(member, starts)[repeats]
                g_owner = token_owner[g_first]
                g_count = counts[repeats]
                best = np.lexsort((g_first, -g_count, g_owner))  # per string: highest count, then earliest
                head = np.ones(len(best), dtype=bool)
                head[1:] = g_owner[best][1:] != g_owner[best][:-1]
                pick = best[head]
                first = g_first[pick]
                top[g_owner[pick]] = (total[first + n] - total[first] + n - 1) * g_count[pick]
            out[f"top_{n}_gram_char_frac"] = _ratio(top, chars)
        if n in DUP_N_GRAMS:
            firsts = np.minimum.reduceat(member, starts) if len(starts) else member
            again = member[in_repeat & (member != np.repeat(firsts, counts))]
            repeated_firsts = np.sort(firsts[counts >= 2])
            found = _greedy_duplicates(key, total, token_owner, np.sort(again), repeated_firsts, n, strings)
            out[f"dup_{n}_gram_char_frac"] = _ratio(found, chars)
        candidates = member[in_repeat]
    return out


def _greedy_duplicates(
    key: np.ndarray, total: np.ndarray, token_owner: np.ndarray, again: np.ndarray, firsts: np.ndarray, n: int, strings: int
) -> np.ndarray:
    """Per string: Gopher's duplicate n-gram characters (``find_all_duplicate``: scanning left to
    right, an n-gram seen before adds its characters and the scan skips the next n - 1).

    ``again``: sorted positions equal to an earlier n-gram of their string; ``firsts``: the first
    position of every n-gram that repeats. While no first occurrence falls in a skipped stretch,
    every position of ``again`` the scan reaches is a repeat, so the scan only has to step over
    runs of consecutive ``again`` positions: one step per run (a repeated passage), not per
    token. A string where a first occurrence is skipped gets the token-by-token scan.
    """
    out = np.zeros(strings, dtype=np.int64)
    if not len(again):
        return out
    owners = token_owner[again]
    new_run = np.ones(len(again), dtype=bool)
    new_run[1:] = (again[1:] != again[:-1] + 1) | (owners[1:] != owners[:-1])
    run_first = again[new_run]
    run_last = again[np.append(np.flatnonzero(new_run)[1:], len(again)) - 1]
    run_owner = owners[new_run]
    picked_start: list[int] = []
    picked_count: list[int] = []
    current, i = -1, 0
    for r0, r1, owner in zip(run_first.tolist(), run_last.tolist(), run_owner.tolist()):
        if owner != current:
            current, i = owner, 0
        first = max(r0, i)
        if first > r1:
            continue
        count = (r1 - first) // n + 1
        picked_start.append(first)
        picked_count.append(count)
        i = first + count * n
    counts = np.array(picked_count, dtype=np.int64)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    picked = np.repeat(np.array(picked_start, dtype=np.int64), counts) + n * within
    out += np.bincount(token_owner[picked], weights=total[picked + n] - total[picked], minlength=strings).astype(np.int64)
    # a first occurrence inside a skipped stretch (1..n-1 after a picked repeat) breaks the shortcut
    before = np.searchsorted(picked, firsts, side="right") - 1
    gap = firsts - picked[np.maximum(before, 0)]
    skipped = (before >= 0) & (gap >= 1) & (gap < n) & (token_owner[picked[np.maximum(before, 0)]] == token_owner[firsts])
    for s in np.unique(token_owner[firsts[skipped]]).tolist():
        out[s] = _scan(key, total, token_owner, again[owners == s], n)
    return out


def _scan(key: np.ndarray, total: np.ndarray, token_owner: np.ndarray, again: np.ndarray, n: int) -> int:
    """``find_all_duplicate`` for one string, stopping only at the positions of ``again``: the
    n-grams between two of them join the seen set in one ``set.update``."""
    a = int(np.searchsorted(token_owner, token_owner[again[0]]))
    keys = key[a : int(again[-1]) + 1].tolist()
    seen: set[int] = set()
    result = i = 0
    for c in (again - a).tolist():
        if c < i:
            continue
        seen.update(keys[i:c])
        if keys[c] in seen:
            result += int(total[a + c + n] - total[a + c])
            i = c + n
        else:
            seen.add(keys[c])
            i = c + 1
    return result


@lru_cache(maxsize=None)
def _fold_table() -> np.ndarray:
    """Lower case plus alef, yeh and teh marbuta forms folded, for matching stop words."""
    table = lower_table().copy()
    for variants, base in (("أإآٱ", "ا"), ("ى", "ي"), ("ة", "ه")):
        table[[ord(c) for c in variants]] = ord(base)
    return table


def _stop_prefix(cps: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prefix hashes for stop-word keys: folded (:func:`_fold_table`), diacritics, tatweel and
    invisible characters left out, so "عَلَى", "على" and "علي" are one key."""
    keep = ((f & (DIACRITIC | INVISIBLE)) == 0) & (cps != 0x0640)
    return prefix_hashes(map_table(cps, _fold_table()), keep)


@lru_cache(maxsize=None)
def _stop_hashes(name: str) -> np.ndarray:
    words = load_variety(name).stop_words
    if not words:
        return np.zeros(0, np.uint64)
    batch = TextBatch.from_input(list(words))
    prefix = _stop_prefix(batch.codepoints, map_table(batch.codepoints, flag_table()))
    return np.unique(range_hashes(prefix, batch.offsets[:-1], batch.offsets[1:]))


def _lines_splitlines(cps: np.ndarray, offsets: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines as ``str.splitlines()`` gives them (``\\r\\n`` is one break; the \\n then opens the next line,
    which only the bullet/ellipsis tests see and they skip spaces)."""
    breaks = (f & LINE_BREAK) != 0
    crlf = np.zeros(len(cps), dtype=bool)
    if len(cps) > 1:
        crlf[1:] = (cps[1:] == 10) & (cps[:-1] == 13)
        crlf[offsets[:-1][offsets[:-1] < len(cps)]] = False
    starts, ends, owner = split(offsets, breaks & ~crlf)
    last = np.zeros(len(owner), dtype=bool)
    last[np.searchsorted(owner, np.arange(len(offsets) - 1), side="right") - 1] = True
    keep = ~(last & (starts == ends))  # no empty line after a final break (nor in an empty string)
    return starts[keep], ends[keep], owner[keep]


def _signals(batch: TextBatch, stop: np.ndarray) -> dict[str, np.ndarray]:
    cps, offsets = batch.codepoints, batch.offsets
    strings, n = len(batch), len(cps)
    f = map_table(cps, flag_table())
    chars = np.diff(offsets)
    char_owner = np.repeat(np.arange(strings), chars)
    out: dict[str, np.ndarray] = {"chars": chars}
    idx = np.arange(n, dtype=np.int64)
    space = (f & SPACE) != 0
    nxt = np.append(np.minimum.accumulate(np.where(space, n, idx)[::-1])[::-1], n)  # first non-space at/after
    prv = np.append(np.maximum.accumulate(np.where(space, -1, idx)), -1)  # last non-space at/before

    # tokens and words
    t_start, t_end, t_off = token_spans(batch)
    t_owner = np.repeat(np.arange(strings), np.diff(t_off))
    t_len = t_end - t_start
    tokens = np.diff(t_off)
    non_symbol = _prefix_count((f & SYMBOL) == 0)
    letters = _prefix_count((f & LETTER) != 0)
    is_word = non_symbol[t_end] > non_symbol[t_start]
    words = _count(t_owner, is_word, strings)
    out["tokens"], out["words"] = tokens, words
    out["mean_word_length"] = _ratio(per_string(t_owner[is_word], t_len[is_word], strings), words)
    hashes = np.bincount(char_owner[cps == ord("#")], minlength=strings)
    first = np.zeros(n + 1, dtype=bool)  # first[p]: p starts a string
    first[offsets[:-1]] = True
    dot_runs, dot_lengths = run_lengths(cps == ord("."), first[:n])
    ellipses = per_string(char_owner[dot_runs], dot_lengths // 3, strings) + np.bincount(char_owner[cps == ord("…")], minlength=strings)
    out["hash_word_ratio"] = _ratio(hashes, tokens)
    out["ellipsis_word_ratio"] = _ratio(ellipses, tokens)
    out["alpha_words_ratio"] = _ratio(_count(t_owner, letters[t_end] > letters[t_start], strings), tokens)

    # stop words (folded tokens)
    stop_key = range_hashes(_stop_prefix(cps, f), t_start, t_end)
    is_stop = np.isin(stop_key, stop)
    stop_keys = stop_key[is_stop]
    stop_owner = t_owner[is_stop]
    distinct = ~repeated(stop_owner, stop_keys, t_len[is_stop])
    out["stop_words"] = _count(stop_owner, distinct, strings)
    out["stop_word_ratio"] = _ratio(_count(t_owner, is_stop, strings), words)

    # lines for Gopher's bullet and ellipsis tests
    l_start, l_end, l_owner = _lines_splitlines(cps, offsets, f)
    lines = _count(l_owner, None, strings)
    first_char = nxt[l_start]
    bullet = (first_char < l_end) & np.isin(cps[np.minimum(first_char, n - 1)] if n else first_char, [ord("•"), ord("-")])
    last_char = prv[np.maximum(l_end - 1, 0)] if n else l_end
    has_last = (l_end > l_start) & (last_char >= l_start)
    end_cp = np.where(has_last, cps[np.clip(last_char, 0, max(n - 1, 0))] if n else 0, 0)
    three = has_last & (last_char - 2 >= l_start)
    dots3 = three & (end_cp == ord("."))
    if n:
        dots3 &= (cps[np.clip(last_char - 1, 0, n - 1)] == ord(".")) & (cps[np.clip(last_char - 2, 0, n - 1)] == ord("."))
    out["bullet_lines_ratio"] = _ratio(_count(l_owner, bullet, strings), lines)
    out["ellipsis_lines_ratio"] = _ratio(_count(l_owner, (has_last & (end_cp == ord("…"))) | dots3, strings), lines)

    # Gopher repetition: paragraphs and lines
    prefix = prefix_hashes(cps)
    newline = (f & NEWLINE) != 0
    nl_runs, nl_lengths = run_lengths(newline, first[:n])
    long_runs = np.zeros(n + 1, dtype=np.int64)  # +1 where a run of 2+ newlines starts, -1 where it ends
    np.add.at(long_runs, nl_runs[nl_lengths >= 2], 1)
    np.add.at(long_runs, (nl_runs + nl_lengths)[nl_lengths >= 2], -1)
    strip_start = np.minimum(nxt[offsets[:-1]], offsets[1:])
    strip_end = np.maximum(prv[np.maximum(offsets[1:] - 1, 0)] + 1, strip_start)
    strip_end = np.where(chars > 0, strip_end, offsets[:-1])
    strip_start = np.where(chars > 0, strip_start, offsets[:-1])
    inside = np.zeros(n + 1, dtype=np.int64)
    np.add.at(inside, strip_start, 1)
    np.add.at(inside, strip_end, -1)
    in_stripped = np.cumsum(inside)[:n] > 0
    para_sep = (np.cumsum(long_runs)[:n] > 0) & in_stripped
    p_start, p_end, p_owner = split(offsets, para_sep, merge_runs=True)
    firsts = np.searchsorted(p_owner, np.arange(strings), side="left")
    lasts = np.searchsorted(p_owner, np.arange(strings), side="right") - 1
    p_start[firsts] = strip_start
    p_end[lasts] = strip_end
    for name, (s, e, o) in (("para", (p_start, p_end, p_owner)), ("line", split(offsets, newline, merge_runs=True))):
        again = repeated(o, range_hashes(prefix, s, e), e - s)
        out[f"dup_{name}_frac"] = _ratio(_count(o, again, strings), _count(o, None, strings))
        out[f"dup_{name}_char_frac"] = _ratio(per_string(o[again], (e - s)[again], strings), chars)

    # Gopher repetition: n-grams of tokens
    out.update(_ngram_signals(range_hashes(prefix, t_start, t_end), t_len, t_owner, chars))

    # FineWeb: non-blank lines split on \n
    s, e, o = split(offsets, newline)
    blank = nxt[s] >= e
    s, e, o = s[~blank], e[~blank], o[~blank]
    kept = _count(o, None, strings)
    out["line_punct_ratio"] = _ratio(_count(o, (f[e - 1] & TERMINAL) != 0, strings), kept)
    out["short_line_ratio"] = _ratio(_count(o, (e - s) <= 30, strings), kept)
    again = repeated(o, range_hashes(prefix, s, e), e - s)
    newlines = np.bincount(char_owner[newline], minlength=strings)
    out["char_dup_ratio"] = _ratio(per_string(o[again], (e - s)[again], strings), chars - newlines)
    out["list_ratio"] = _ratio(newlines, tokens)

    # C4
    out["sentences"] = sentence_counts(batch)
    out["curly_brackets"] = np.bincount(char_owner[cps == ord("{")], minlength=strings)

    # scripts and Arabic/Amazigh writing habits
    letter = (f & LETTER) != 0
    n_letters = np.bincount(char_owner[letter], minlength=strings)
    for name, bit in (("arab", ARAB), ("latn", LATN), ("tfng", TFNG)):
        out[f"{name}_ratio"] = _ratio(np.bincount(char_owner[(f & bit) != 0], minlength=strings), n_letters)
    latin = _prefix_count((f & LATN) != 0)
    digits = _prefix_count((f & ARABIZI_DIGIT) != 0)
    latin_token = latin[t_end] > latin[t_start]
    out["arabizi_digit_ratio"] = _ratio(
        _count(t_owner, latin_token & (digits[t_end] > digits[t_start]), strings), _count(t_owner, latin_token, strings)
    )
    changes = first[:n].copy()
    changes[1:] |= cps[1:] != cps[:-1]
    letter_runs, letter_lengths = run_lengths(letter, changes)
    long = letter_lengths >= 3
    elongated = per_string(char_owner[letter_runs[long]], letter_lengths[long], strings)
    out["elongation_ratio"] = _ratio(elongated, n_letters)
    arabic_letters = np.bincount(char_owner[(f & ARAB) != 0], minlength=strings)
    out["diacritic_ratio"] = _ratio(np.bincount(char_owner[(f & DIACRITIC) != 0], minlength=strings), arabic_letters)
    out["invisible_ratio"] = _ratio(np.bincount(char_owner[(f & INVISIBLE) != 0], minlength=strings), chars)
    return out


SIGNALS = (
    "chars", "tokens", "words", "mean_word_length", "hash_word_ratio", "ellipsis_word_ratio", "alpha_words_ratio",
    "stop_words", "stop_word_ratio", "bullet_lines_ratio", "ellipsis_lines_ratio",
    "dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac",
    *(f"top_{g}_gram_char_frac" for g in TOP_N_GRAMS), *(f"dup_{g}_gram_char_frac" for g in DUP_N_GRAMS),
    "line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio", "sentences", "curly_brackets",
    "arab_ratio", "latn_ratio", "tfng_ratio", "arabizi_digit_ratio", "elongation_ratio", "diacritic_ratio", "invisible_ratio",
)  # fmt: skip


SLICE = 1 << 17  # code points per slice of a list: the ~40 working arrays stay in cache


def _slices(strings: list[str] | tuple[str, ...]) -> Iterator[TextBatch]:
    """``strings`` as batches of about :data:`SLICE` code points (whole strings; a longer one alone)."""
    try:
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    except TypeError:
        TextBatch.from_strings(strings)  # raises the error naming the item
        raise
    ends = np.cumsum(lengths)
    cuts = np.unique(np.searchsorted(ends, np.arange(SLICE, int(ends[-1]) if len(ends) else 0, SLICE), side="right"))
    bounds = [0, *[c for c in cuts.tolist() if 0 < c < len(strings)], len(strings)]
    for a, b in zip(bounds, bounds[1:]):
        if b > a:
            yield TextBatch.from_strings(strings[a:b], first_index=a)


def quality(x: Any, variety: str = "default") -> Any:
    """Quality signals of every text: a dict of NumPy arrays (one value per text, in the order of
    :data:`SIGNALS`), a pyarrow Table for Arrow input (null texts give null rows), a pandas
    DataFrame with the Series' index for a Series (missing texts give NaN rows; a NumPy array
    gives the dict, flattened, NaN where a value is missing).

    ``variety`` (``"ary"``, ``"arb_Arab"``, ``"zgh"``, ``"kab"``, ...; see :func:`varieties`)
    chooses the stop-word list. A ratio without a denominator (no tokens, no lines) is NaN.

    >>> quality("Salam #awal #test")["hash_word_ratio"].round(3).tolist()  # 2 hashes, 3 tokens
    [0.667]
    """
    stop = _stop_hashes(load_variety(variety).name)
    x = plain_strings(x)  # (an Arrow null column: every row null)
    if isinstance(x, np.ndarray) or is_pandas(x):
        return _column_quality(x, variety)
    if isinstance(x, (list, tuple)):
        parts = [_signals(b, stop) for b in _slices(x)] or [_signals(TextBatch.from_strings([]), stop)]
        return {k: np.concatenate([p[k] for p in parts]) for k in SIGNALS}
    batch = TextBatch.from_input(x)
    signals = _signals(batch, stop)
    result = {k: signals[k] for k in SIGNALS}
    if _is_arrow(x):
        import pyarrow as pa

        valid = batch.meta.get("valid")
        mask = None if valid is None else ~valid
        return pa.table({k: pa.array(v, mask=mask) for k, v in result.items()})
    return result


def _column_quality(x: Any, variety: str) -> Any:
    """:func:`quality` of a pandas Series (a DataFrame, same index) or a NumPy array (a dict)."""
    strings, present = column_strings(x)
    signals = quality(strings, variety)
    if present is not None:  # missing texts: NaN rows
        signals = {k: _scatter(v, present) for k, v in signals.items()}
    if is_pandas(x):
        import pandas as pd  # already imported: the input is a pandas object

        return pd.DataFrame(signals, index=x.index)
    return signals


def _scatter(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    out = np.full(len(present), np.nan)
    out[present] = values
    return out


def explain(signals: dict[str, np.ndarray], variety: str = "default") -> list[list[str]]:
    """For every text, the thresholds of ``variety`` it fails, as readable reasons ([] = kept).

    A NaN signal (nothing to measure) fails no threshold.
    """
    spec = load_variety(variety)
    count = len(next(iter(signals.values()))) if signals else 0
    reasons: list[list[str]] = [[] for _ in range(count)]
    for name, (low, high, source) in spec.thresholds.items():
        values = np.asarray(signals[name], dtype=np.float64)
        for bound, failed, sign in ((low, values < (low if low is not None else 0), "<"), (high, values > (high if high is not None else 0), ">")):
            if bound is None:
                continue
            for i in np.flatnonzero(failed).tolist():
                value = values[i]
                shown = int(value) if float(value).is_integer() else round(float(value), 4)
                reasons[i].append(f"{name} {shown} {sign} {bound} ({source})")
    return reasons


def quality_filter(x: Any, variety: str = "default") -> tuple[np.ndarray, list[list[str]]]:
    """``(keep, reasons)``: a boolean per text, and for each text the thresholds it failed
    (a missing text is not kept).

    >>> keep, reasons = quality_filter(["Salam"])
    >>> keep.tolist(), reasons[0][0]
    ([False], 'words 1 < 50 (Gopher: 50 to 100,000 words)')
    """
    signals = quality(x, variety)
    if _is_arrow(x) or is_pandas(x):
        signals = {name: np.asarray(signals[name], dtype=np.float64) for name in SIGNALS}
    reasons = explain(signals, variety)
    for i in np.flatnonzero(np.isnan(np.asarray(signals["chars"], dtype=np.float64))).tolist():
        reasons[i] = ["missing text (null, None or NaN)"]  # nothing to keep
    return np.array([not r for r in reasons], dtype=bool), reasons
