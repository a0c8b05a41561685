"""The obvious pure-Python twin of every kernel in :mod:`awal.kernels` (and of the tokenizer).

These work on one string at a time, character by character. They are slow
on purpose: the hypothesis tests check that each vectorised kernel gives
exactly what its twin gives, on arbitrary Unicode.

>>> replace_longest("abcab", {"ab": "X", "b": "yy"})
('XcX', [(0, 2), (2, 3), (3, 5)])
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable, Mapping

Span = tuple[int, int]


def map_table(text: str, table: Mapping[str, str]) -> str:
    """Each character replaced by ``table.get(ch, ch)`` (1:1)."""
    return "".join(table.get(ch, ch) for ch in text)


def delete(text: str, drop: Callable[[str], bool]) -> tuple[str, list[int]]:
    """Characters for which ``drop`` is true removed; returns the text and kept indices."""
    kept = [i for i, ch in enumerate(text) if not drop(ch)]
    return "".join(text[i] for i in kept), kept


def expand(text: str, table: Mapping[str, str]) -> tuple[str, list[int]]:
    """Each character replaced by the string ``table.get(ch, ch)`` (0..N characters)."""
    out, source = [], []
    for i, ch in enumerate(text):
        value = table.get(ch, ch)
        out.append(value)
        source.extend([i] * len(value))
    return "".join(out), source


def replace_longest(text: str, table: Mapping[str, str]) -> tuple[str, list[Span]]:
    """Scan left to right; at each position replace the longest key that matches."""
    longest = max(map(len, table), default=1)
    out: list[str] = []
    spans: list[Span] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in table:
                value = table[piece]
                break
        else:
            size, value = 1, text[i]
        out.append(value)
        spans.extend([(i, i + size)] * len(value))
        i += size
    return "".join(out), spans


def collapse_runs(
    text: str,
    limit: Callable[[str], int],
    min_run: Callable[[str], int] = lambda ch: 0,
    protected: Callable[[int], bool] = lambda i: False,
) -> tuple[str, list[int]]:
    """Runs of one repeated character of at least ``min_run(ch)`` cut to ``limit(ch)`` characters
    (0 = no limit), unless one of their indices is ``protected``."""
    kept: list[int] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        cap = limit(text[i])
        shorten = cap and j - i > cap and j - i >= min_run(text[i]) and not any(map(protected, range(i, j)))
        kept.extend(range(i, i + cap if shorten else j))
        i = j
    return "".join(text[k] for k in kept), kept


def protected_indices(text: str, kinds: tuple[str, ...]) -> set[int]:
    """Indices inside the pieces :func:`awal.patterns.protected_in` finds, found on the whole text at once."""
    spans = import_module(f"{__package__}.patterns").protected_in(text, kinds)
    return {i for start, end in spans for i in range(start, end)}


def neighbour_in(
    text: str, member: Callable[[str], bool], step: int, skip: Callable[[str], bool] = lambda ch: False
) -> list[bool]:
    """Whether the nearest character ``step`` away (looking past ``skip``) exists and is a member."""
    out = []
    for i in range(len(text)):
        j = i + step
        while 0 <= j < len(text) and skip(text[j]):
            j += step
        out.append(0 <= j < len(text) and member(text[j]))
    return out


def tile(spans: list[Span], length: int) -> list[Span]:
    """Stretch exact spans so they cover ``[0, length)``: deletions join the span before them."""
    if not spans:
        return []
    starts = [0 if s == spans[0][0] else s for s, _ in spans]
    out = []
    for j, s in enumerate(starts):
        later = [t for t in starts[j + 1 :] if t > s]
        out.append((s, later[0] if later else length))
    return out


def token_spans(
    text: str, split_digits: bool = False, keep_punctuation: bool = True, split_apostrophes: bool = False, split_scripts: bool = True
) -> list[Span]:
    """Token spans of :func:`awal.tokenize.tokenize_with_offsets` (without special tokens such as
    URLs), found character by character with the same classes and rules."""
    tk = import_module(f"{__package__}.tokenize")  # its classes and tables (awal.tokenize is also a function)

    table, dual = tk.code_table(), tk._dual_joining()
    code = [int(table[ord(ch)]) for ch in text]
    bases = [i for i in range(len(text)) if i == 0 or not (code[i] == tk.MARK and code[i - 1] >= tk.TATWEEL)]
    c = [tk.LETTER if code[i] == tk.MARK else code[i] for i in bases]
    original = list(c)
    m = len(c)
    join = [False] * (m + 1)
    k = 0
    while k < m:
        if c[k] != tk.TATWEEL:
            k += 1
            continue
        j = k
        while j < m and c[j] == tk.TATWEEL:
            j += 1
        word_before, word_after = k > 0 and c[k - 1] >= tk.DIGIT, j < m and c[j] >= tk.DIGIT
        letter = [x & 15 == tk.LETTER for x in c]
        inside = word_before and word_after and letter[k - 1] and dual[ord(text[bases[k - 1]])]
        two_before = k >= 3 and letter[k - 2] and letter[k - 3]
        inside = inside or (word_before and not word_after and letter[k - 1] and not two_before)  # بـ الـ
        for t in range(k, j):
            c[t] = tk.LETTER if inside else tk.DASH
            join[t] = not inside and t > k
        k = j
    for k in range(1, m):
        a, b = c[k - 1], c[k]
        word = min(a, b) >= tk.DIGIT
        if split_scripts:
            word = word and (min(a, b) <= tk.LETTER or a == b)
        if split_digits:
            word = word and (a == tk.DIGIT) == (b == tk.DIGIT)
        join[k] = join[k] or word
    keep = [x >= tk.TATWEEL for x in c]
    rank = 0
    for k in range(m):
        x = original[k]
        p = c[k - 1] & 15 if k > 0 else None
        n = c[k + 1] & 15 if k + 1 < m else None
        glue = p is not None and n is not None and (
            (x in (tk.NUMSEP, tk.DOT) and p == n == tk.DIGIT)
            or (not split_apostrophes and x == tk.APOS and p == n == tk.LETTER)
            or (x == tk.FORMAT and ((p >= tk.DIGIT and n >= tk.DIGIT) or (p in (tk.PICTO, tk.RI) and n in (tk.PICTO, tk.RI))))
        )
        if glue:
            join[k] = join[k + 1] = keep[k] = True
        elif x == tk.DOT and p == tk.DOT:
            join[k] = True
        rank = rank + 1 if x == tk.RI and k > 0 and original[k - 1] == tk.RI else 0
        if x == tk.RI and rank % 2 == 1:
            join[k] = True
    join[0] = False
    spans = []
    for k in range(m):
        if keep[k] and not join[k]:
            last = k
            while last + 1 < m and join[last + 1]:
                last += 1
            if keep_punctuation or not tk._PUNCTUATION_LIKE[c[k]]:
                spans.append((bases[k], bases[last + 1] if last + 1 < m else len(text)))
    return spans


def lid_buckets(text: str, table, orders: tuple[int, ...], bits: int, words: bool) -> list[int]:
    """The hashed feature buckets of one text, character by character (twin of
    :func:`awal.lid.features.extract`), sorted; empty features left out."""
    from .lid import features as lf

    mask = (1 << 64) - 1
    ids = [int(table[ord(ch)]) for ch in text if int(table[ord(ch)]) != lf.DROP]
    padded = [lf.BOUNDARY, *ids, lf.BOUNDARY]
    out = []

    def bucket(value: int, salt: int) -> int:
        return (((value ^ (salt << lf._ORDER_SALT)) * int(lf._MUL)) & mask) >> (64 - bits)

    for n in orders:
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            inner_boundary = any(g == lf.BOUNDARY for g in gram[1:-1])
            empty = gram[0] == lf.BOUNDARY if n == 1 else (gram[0] == gram[-1] == lf.BOUNDARY)
            if not inner_boundary and not empty:
                value = 0
                for g in gram:
                    value = (value << lf.ID_BITS) | g
                out.append(bucket(value, n))
    if words:
        word: list[int] = []
        for g in padded[1:]:
            if g != lf.BOUNDARY:
                word.append(g)
            elif word:
                h = sum((w + 1) * int(lf._POSITION_KEYS[min(p, 63)]) for p, w in enumerate(word)) & mask
                out.append(bucket(h, 7))
                word = []
    return sorted(out)
