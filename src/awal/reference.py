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


def insert_sorted(values: list, at: list[int], new: list) -> list:
    """``values`` with ``new[k]`` put before ``values[at[k]]`` (at the end for ``len(values)``), ``at`` sorted."""
    out, k = [], 0
    for i in range(len(values) + 1):
        while k < len(at) and at[k] == i:
            out.append(new[k])
            k += 1
        if i < len(values):
            out.append(values[i])
    return out


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
    letter = [x & 15 == tk.LETTER for x in c]  # before any tatweel is resolved: a tatweel is not a letter here
    k = 0
    while k < m:
        if c[k] != tk.TATWEEL:
            k += 1
            continue
        j = k
        while j < m and c[j] == tk.TATWEEL:
            j += 1
        word_before, word_after = k > 0 and c[k - 1] >= tk.DIGIT, j < m and c[j] >= tk.DIGIT
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


def sentence_spans(text: str, line_breaks: bool = True) -> list[Span]:
    """Sentence spans of :func:`awal.sentences.sentence_spans`, found character by character
    with the same character flags, abbreviation list and rules."""
    sn = import_module(f"{__package__}.sentences")
    flags = sn.flag_table()

    def has(i: int, bit: int) -> bool:
        return bool(flags[ord(text[i])] & bit)

    def lower(word: str) -> str:
        return "".join(chr(sn.lower_table()[ord(ch)]) for ch in word)

    n = len(text)
    nonspace = [i for i in range(n) if not has(i, sn.SPACE)]
    starts = set(nonspace[:1])
    for p in range(n):
        if line_breaks and has(p, sn.NEWLINE):
            after = [i for i in nonspace if i > p]
            if after and nonspace[0] < p:
                starts.add(after[0])
        if not has(p, sn.TERM) or (p + 1 < n and has(p + 1, sn.TERM)):
            continue
        start = p
        while start > 0 and has(start - 1, sn.TERM):
            start -= 1
        r = p + 1
        while r < n and (
            (has(r, sn.SPACE) and not has(r, sn.NEWLINE))
            or has(r, sn.TRAIL)
            or (has(r, sn.CLOSE) and not (has(r - 1, sn.SPACE) and not has(r - 1, sn.NEWLINE)))
        ):
            r += 1
        content_end = max(i for i in nonspace if i < r) + 1
        q = r
        while q < n and has(q, sn.SPACE):
            q += 1
        dots = all(has(i, sn.ELLIPSIS) for i in range(start, p + 1))
        if q == n or has(q, sn.NOSTART) or (has(q, sn.LOWER) and (dots or has(content_end - 1, sn.CLOSE))):
            continue
        word = ""
        if start == p and text[p] == ".":
            a = p
            while a > 0 and not has(a - 1, sn.SPACE):
                a -= 1
            while a < p and not has(a, sn.WORD):
                a += 1
            word = text[a:p]
            if (len(word) == 1 and has(a, sn.UPPER)) or lower(word) in sn.abbreviations():
                continue
        before_arabic = start > 0 and has(start - 1, sn.ARABIC)
        glued = q == p + 1 and before_arabic and has(q, sn.ARABIC)
        lone = start == p and has(p, sn.DOT)
        if dots and not lone and before_arabic and has(q, sn.ARABIC):  # ... or … inside Arabic text
            continue
        if q > content_end or (glued and (start < p or text[p] != "." or len(word) >= 2)):
            starts.add(q)
    ordered = sorted(starts)
    spans = []
    for k, s in enumerate(ordered):
        limit = ordered[k + 1] if k + 1 < len(ordered) else n
        spans.append((s, max(i for i in nonspace if i < limit) + 1))
    return spans


def shingle_hashes(tokens: list[str], n: int) -> list[int]:
    """The shingles of :func:`awal.shingles.shingle_hashes` for one text's tokens: FNV-1a 64 of every
    token's UTF-8, then of each run of ``n`` token hashes as little-endian bytes."""
    mask = (1 << 64) - 1

    def fnv(data: bytes) -> int:
        h = 0xCBF29CE484222325
        for byte in data:
            h = ((h ^ byte) * 0x100000001B3) & mask
        return h

    hashes = [fnv(t.encode("utf-8", "surrogatepass")) for t in tokens]
    grams = [hashes[i : i + n] for i in range(max(len(hashes) - n + 1, 1))] if hashes else []
    return [fnv(b"".join(h.to_bytes(8, "little") for h in gram)) for gram in grams]


def quality_signals(text: str, stop_words: set[str]) -> dict[str, float]:
    """The signals of :func:`awal.quality.quality` for one text, written out as their definitions say
    (datatrove's Gopher/FineWeb/C4 expressions where they share a name). ``stop_words`` are already
    folded keys (see :func:`awal.quality._stop_prefix`); tokens come from :func:`awal.tokenize`."""
    import math
    import re
    from collections import Counter

    ql = import_module(f"{__package__}.quality")
    tk = import_module(f"{__package__}.tokenize")
    sn = import_module(f"{__package__}.sentences")
    flags, fold = ql.flag_table(), ql._fold_table()

    def has(ch: str, bit: int) -> bool:
        return bool(flags[ord(ch)] & bit)

    def ratio(a: float, b: float) -> float:
        return a / b if b else (math.nan if a == 0 else math.inf)

    def duplicates(items: list[str]) -> tuple[int, int]:
        seen: set[str] = set()
        count = chars = 0
        for item in items:
            if item in seen:
                count, chars = count + 1, chars + len(item)
            seen.add(item)
        return count, chars

    tokens = tk.tokenize(text)
    words = [t for t in tokens if any(not has(c, ql.SYMBOL) for c in t)]
    out: dict[str, float] = {"chars": len(text), "tokens": len(tokens), "words": len(words)}
    out["mean_word_length"] = sum(map(len, words)) / len(words) if words else math.nan
    out["hash_word_ratio"] = ratio(text.count("#"), len(tokens))
    out["ellipsis_word_ratio"] = ratio(text.count("...") + text.count("…"), len(tokens))
    out["alpha_words_ratio"] = ratio(sum(any(has(c, ql.LETTER) for c in t) for t in tokens), len(tokens))
    keys = ["".join(chr(fold[ord(c)]) for c in t if not has(c, ql.DIACRITIC | ql.INVISIBLE) and c != "ـ") for t in tokens]
    out["stop_words"] = len({k for k in keys if k in stop_words})
    out["stop_word_ratio"] = ratio(sum(k in stop_words for k in keys), len(words))
    lines = text.splitlines()
    out["bullet_lines_ratio"] = ratio(sum(s.lstrip().startswith(("•", "-")) for s in lines), len(lines))
    out["ellipsis_lines_ratio"] = ratio(sum(s.rstrip().endswith(("...", "…")) for s in lines), len(lines))
    for name, parts in (("para", re.split(r"\n{2,}", text.strip())), ("line", re.split(r"\n+", text))):
        count, chars = duplicates(parts)
        out[f"dup_{name}_frac"] = ratio(count, len(parts))
        out[f"dup_{name}_char_frac"] = ratio(chars, len(text))
    for n in ql.TOP_N_GRAMS:
        grams = Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        top = grams.most_common(1)
        out[f"top_{n}_gram_char_frac"] = ratio(len(" ".join(top[0][0])) * top[0][1] if top else 0, len(text))
    for n in ql.DUP_N_GRAMS:
        seen: set[tuple[str, ...]] = set()
        repeated_chars = i = 0
        while i < len(tokens) - n + 1:
            gram = tuple(tokens[i : i + n])
            if gram in seen:
                repeated_chars += len("".join(gram))
                i += n
            else:
                seen.add(gram)
                i += 1
        out[f"dup_{n}_gram_char_frac"] = ratio(repeated_chars, len(text))
    kept = [s for s in text.split("\n") if any(not has(c, ql.SPACE) for c in s)]
    out["line_punct_ratio"] = ratio(sum(has(s[-1], ql.TERMINAL) for s in kept), len(kept))
    out["short_line_ratio"] = ratio(sum(len(s) <= 30 for s in kept), len(kept))
    out["char_dup_ratio"] = ratio(duplicates(kept)[1], len(text) - text.count("\n"))
    out["list_ratio"] = ratio(text.count("\n"), len(tokens))
    out["sentences"] = len(sn.sentence_spans(text))
    out["curly_brackets"] = text.count("{")
    letters = [c for c in text if has(c, ql.LETTER)]
    for name, bit in (("arab", ql.ARAB), ("latn", ql.LATN), ("tfng", ql.TFNG)):
        out[f"{name}_ratio"] = ratio(sum(has(c, bit) for c in letters), len(letters))
    latin = [t for t in tokens if any(has(c, ql.LATN) for c in t)]
    out["arabizi_digit_ratio"] = ratio(sum(any(c in "23579" for c in t) for t in latin), len(latin))
    runs = [len(m.group()) for m in re.finditer(r"(.)\1*", text, re.S) if has(m.group()[0], ql.LETTER)]
    out["elongation_ratio"] = ratio(sum(r for r in runs if r >= 3), len(letters))
    out["diacritic_ratio"] = ratio(sum(has(c, ql.DIACRITIC) for c in text), sum(has(c, ql.ARAB) for c in text))
    out["invisible_ratio"] = ratio(sum(has(c, ql.INVISIBLE) for c in text), len(text))
    return out


def lid_buckets(text: str, table, orders: tuple[int, ...], bits: int, words: bool, pairs: bool = False) -> list[int]:
    """The hashed feature buckets of one text, character by character (twin of
    :func:`awal.lid.features.extract`), sorted; empty features left out."""
    from .lid import features as lf

    ids = [int(table[ord(ch)]) for ch in text if int(table[ord(ch)]) != lf.DROP]
    return lid_id_buckets(ids, orders, bits, words, pairs)


def lid_letters(text: str, alphabet) -> int:
    """The letters of one text, character by character (twin of the letter counts of
    :func:`awal.lid.model.word_sums`, which count the symbols of its words less the digits
    marked in :meth:`awal.lid.features.Alphabet.table`): symbols that are letters, combining marks dropped."""
    from .lid import features as lf

    table = alphabet.table()
    return sum(bool(alphabet.letter[table[ord(ch)]]) for ch in text if table[ord(ch)] != lf.DROP)


def lid_symbols(texts: list[str], alphabet) -> tuple[list[int], list[int], list[int]]:
    """``(ids, offsets, digits)`` of a batch, character by character (twin of :func:`awal.lid.features.marked_symbols`):
    the symbol ids of all texts (combining marks dropped), where each text starts, and the positions of the
    symbols that are neither letters nor the boundary."""
    from .lid import features as lf

    table = alphabet.table()
    ids: list[int] = []
    offsets = [0]
    for text in texts:
        ids += [int(table[ord(ch)]) for ch in text if table[ord(ch)] != lf.DROP]
        offsets.append(len(ids))
    return ids, offsets, [i for i, symbol in enumerate(ids) if symbol != lf.BOUNDARY and not alphabet.letter[symbol]]


def lid_marker_counts(text: str, table) -> list[int]:
    """How many words of one text are of each kind of :mod:`awal.lid.markers` (Darija words, Darija
    verb forms, MSA words), character by character and word by word, the listed words compared as
    tuples of symbols (twin of the counts in the evidence of :func:`awal.lid.model.word_sums`)."""
    from .lid import features as lf
    from .lid import markers as lm

    def at(ch: str) -> int:
        return int(table[ord(ch)])

    def spelled(words: list[str], prefixes: tuple[str, ...]) -> set[tuple[int, ...]]:
        return {tuple(map(at, spelling)) for word in words for spelling in lm.spellings(word, prefixes)}

    darija, msa = spelled(lm.DARIJA_WORDS, ("", "و", "ف")), spelled(lm.MSA_WORDS, ("", "و"))

    def kind(word: list[int]) -> int:
        if tuple(word) in darija:
            return lm.DARIJA_WORD
        if tuple(word) in msa:
            return lm.MSA_WORD
        stem = word[1:] if len(word) >= 6 and word[0] in (at("و"), at("ف")) else word
        a, b, c = (stem + [-1, -1, -1])[:3]
        if len(stem) >= lm.ASPECT_LETTERS and any(a == at(p[0]) and b == at(p[1]) and c not in set(map(at, nouns)) for p, nouns in lm.ASPECT.items()):
            return lm.DARIJA_VERB
        if len(stem) >= lm.SHORTEST and a == at("م") and stem[-1] == at("ش"):
            return lm.DARIJA_VERB
        if len(stem) >= lm.SHORTEST and a == at("غ") and (b in (at("ن"), at("ت")) or (b == at("ي") and c not in set(map(at, "راوثن")))):
            return lm.DARIJA_VERB
        return lm.NONE

    words, word = [], []
    for symbol in [int(table[ord(ch)]) for ch in text if int(table[ord(ch)]) != lf.DROP] + [lf.BOUNDARY]:
        if symbol != lf.BOUNDARY:
            word.append(symbol)
        elif word:
            words.append(word)
            word = []
    kinds = [kind(w) for w in words]
    return [kinds.count(k) for k in lm.KINDS]


def lid_word_hash(word: list[int]) -> int:
    """The 64-bit hash of a word of symbol ids (twin of :func:`awal.lid.features.word_hashes`)."""
    from .lid import features as lf

    return sum((w + 1) * int(lf._POSITION_KEYS[min(p, 63)]) for p, w in enumerate(word)) & ((1 << 64) - 1)


def lid_distinct(keys: list[int]) -> list[int]:
    """The distinct values of ``keys`` in order of first appearance (twin of :func:`awal.lid.vocabulary.distinct`)."""
    return list(dict.fromkeys(keys))


def lid_near_ties(rows: list[list[float]], near: float) -> list[int]:
    """The rows where a label other than the best (the first largest) scores within ``near`` of it
    (twin of :func:`awal.lid.model._near_ties`)."""
    out = []
    for i, row in enumerate(rows):
        best = max(range(len(row)), key=lambda j: (row[j], -j))
        if any(j != best and row[j] >= row[best] - near for j in range(len(row))):
            out.append(i)
    return out


def lid_lane_sums(rows: list[list[int]], segments: list[int], width: int) -> list[list[int]]:
    """Per segment (``segments``: consecutive row counts), the column sums of its ``rows`` (twin of
    :func:`awal.lid.packed.pack32` rows of ``width`` lanes added and read back by :func:`awal.lid.packed.unpack32`)."""
    out, start = [], 0
    for count in segments:
        out.append([sum(row[k] for row in rows[start : start + count]) for k in range(width)])
        start += count
    return out


def lid_id_buckets(ids: list[int], orders: tuple[int, ...], bits: int, words: bool, pairs: bool = False) -> list[int]:
    """:func:`lid_buckets` of a text given as symbol ids (twin of :func:`awal.lid.features.extract_ids`
    and, for one word, of :func:`awal.lid.features.word_buckets`)."""
    from .lid import features as lf

    mask = (1 << 64) - 1
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
    hashes: list[int] = []
    word: list[int] = []
    for g in padded[1:]:
        if g != lf.BOUNDARY:
            word.append(g)
        elif word:
            hashes.append(lid_word_hash(word))
            word = []
    if words:
        out += [bucket(h, 7) for h in hashes]
    if pairs:
        out += [bucket((a * int(lf._PAIR_MUL) + b) & mask, 8) for a, b in zip(hashes, hashes[1:])]
    return sorted(out)


def valid_utf8(rows: list[bytes]) -> bool:
    """Whether every row is UTF-8 on its own (twin of :func:`awal.utf8map.valid_utf8` with row starts)."""
    try:
        for row in rows:
            row.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def map_utf8(rows: list[bytes], table: Mapping[str, str]) -> list[bytes]:
    """Each row decoded, mapped character by character, encoded (twin of :meth:`awal.utf8map.Utf8Map.run`)."""
    return [expand(row.decode("utf-8"), table)[0].encode("utf-8") for row in rows]


def arabizi_readings(model, word: str, beam: int, nbest: int) -> list[tuple[str, float]]:
    """The ``nbest`` best readings of one lattice-form word with their scores, by a beam search
    over its positions one at a time (twin of :meth:`awal.arabizi.ArabiziModel._decode`).

    Every chunk of the rules ending at a position extends the ``beam`` hypotheses of its start,
    in order of start, reading and hypothesis (no chunk ends between the two letters of a doubled
    consonant inside the word: it is one letter); the ``beam`` best candidates stay (the first of
    equal scores), and one with the letter-model state of a better one drops out. Scores are
    summed in float32, as the search does.
    """
    import numpy as np

    from . import arabizi as az

    known = {c for c, _ in model.rules} | {c for c, _ in model.learned}
    _, g_start, g_len, f_emit, f_lp, *_ = model._emission_arrays()
    lm, lam, n, minus_inf = model.lm.table(), np.float32(model.lm_weight), len(word), np.float32(-np.inf)

    def group(chunk: str, ctx: str) -> int:
        if len(chunk) > 1 and (chunk not in known or any(ord(c) >= az._BMP - 1 for c in chunk)):
            return -1
        return model._group(chunk, ctx)

    def ctx(i: int, j: int) -> str:
        return "I" if i == 0 else ("F" if j == n else "M")

    doubled = 0  # a word-initial doubled chunk (ddar): its halves are no chunks there
    for length in range(2, min(model._max_chunk, n - 1) + 1, 2):
        half = length // 2
        if word[:half] == word[half:length] and group(word[:length], "I") >= 0:
            doubled = half
    hyps: list[list[tuple]] = [[(np.float32(0.0), 0, "")] + [(minus_inf, 0, "")] * (beam - 1)]
    for t in range(1, n + 1):
        cands = []
        half = (2 <= t < n and word[t - 1] == word[t] != word[t - 2]
                and bool(model._doubles[min(ord(word[t - 1]), az._BMP - 1)]))
        for s in range(max(0, t - model._max_chunk), t) if not half else ():
            g = group(word[s:t], ctx(s, t))
            if g < 0 or (s == 0 and t <= doubled) or not hyps[s]:
                continue
            for k in range(g_start[g], g_start[g] + g_len[g]):
                emit = model._emits[f_emit[k]]
                for score, state, text in hyps[s]:
                    score = score + f_lp[k]
                    for c in az._char_ids(emit):
                        idx = state * az._A + c
                        score = score + lam * lm[idx]
                        state = idx % az._STATES
                    cands.append((score, state, text + emit))
        kept: list[tuple] = []
        for _ in range(beam if cands else 0):
            best = max(range(len(cands)), key=lambda i: (cands[i][0], -i))
            score, state, text = cands[best]
            if any(state == other for _, other, _ in kept):
                score = minus_inf
            kept.append((score, state, text))
            cands[best] = (minus_inf, state, text)
        hyps.append(kept)
    ends = [(score + lam * lm[state * az._A], text) for score, state, text in hyps[n]]
    ranked = sorted((e for e in ends if np.isfinite(e[0])), key=lambda e: -e[0])[: 2 * nbest]
    out: list[tuple[str, float]] = []
    for score, text in ranked:
        if len(out) < nbest and all(text != t for t, _ in out):
            out.append((text, float(score)))
    return out


def lid_context_logits(own: list[list[float]], text_of: list[int], local: list[list[float]] | None, letters: list[int] | None,
                       weights: list[list[float]], bias: list[float], short: int) -> list[list[float]]:  # fmt: skip
    """The token context layer's logits (before the softmax), word by word (twin of
    :meth:`awal.lid.context.Context.scores`): own scores, the neighbours' in the same text,
    the text's mean, the token model's, and the same five again for a word of at most ``short`` letters."""
    k = len(bias)
    out = []
    for i, row in enumerate(own):
        mates = [j for j in range(len(own)) if text_of[j] == text_of[i]]
        before = own[i - 1] if i > 0 and text_of[i - 1] == text_of[i] else [0.0] * k
        after = own[i + 1] if i + 1 < len(own) and text_of[i + 1] == text_of[i] else [0.0] * k
        mean = [sum(own[j][c] for j in mates) / len(mates) for c in range(k)]
        features = [*row, *before, *after, *mean, *(local[i] if local is not None else [0.0] * k)]
        if letters is not None and letters[i] <= short:
            features += features
        else:
            features += [0.0] * len(features)
        out.append([bias[c] + sum(x * weights[r][c] for r, x in enumerate(features)) for c in range(k)])
    return out


def distinct_spans(text: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """``(inverse, first)`` of the non-empty spans ``text[a:b]`` by string: the distinct span of
    each (numbered in order of first occurrence) and the first occurrence of each distinct one
    (twin of :func:`awal.arabizi._unique_spans`, up to the numbering of the distinct spans)."""
    index: dict[str, int] = {}
    inverse: list[int] = []
    first: list[int] = []
    for i, (a, b) in enumerate(spans):
        k = index.setdefault(text[a:b], len(index))
        if k == len(first):
            first.append(i)
        inverse.append(k)
    return inverse, first
