"""Spelling-variant copies of sentences, and near-duplicate recall / false merges on them.

:func:`variant` rewrites a sentence the way everyday writing varies it, with a
seeded random generator (same seed, same copy on every machine): hamza and alef
forms, ى/ي and ة/ه at word ends, added diacritics, tatweel, Persian letters, bidi
and zero-width marks, elongated letters, Eastern/Persian/Western digits; Tifinagh
gets the marks, elongation, digits and the labialisation mark written ʷ or left out.
Each copy gets at least three kinds of change.

:func:`evaluate` takes a shingling function and scores it: recall is the share of
copies whose shingle Jaccard with their original is >= :data:`THRESHOLD`; a false
merge is a pair of texts from two *different* originals (originals and copies alike)
at or above it.

Standard library only (the shingling function brings its own); the benchmarks import this file by path.

>>> v = variant("قال إن الكتاب على الطاولة في 2020", 7)
>>> v != "قال إن الكتاب على الطاولة في 2020"
True
>>> variant("قال إن الكتاب", 7) == variant("قال إن الكتاب", 7)
True
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Callable, Iterable, Sequence

THRESHOLD = 0.7
SEED = 20261130
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
MARKS = ("\u200f", "\u200e", "\u061c", "\u200b", "\u200c", "\u2066", "\u2069")
ARABIC_LETTERS = set(chr(c) for c in range(0x0621, 0x064B)) - {"\u0640"}
TIFINAGH_LETTERS = set(chr(c) for c in range(0x2D30, 0x2D68))
EASTERN, PERSIAN = "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"


def _letters_at(text: str, letters: set[str]) -> list[int]:
    return [i for i, ch in enumerate(text) if ch in letters]


def _hamza_alef(text: str, rng: random.Random) -> str:
    forms = [i for i, ch in enumerate(text) if ch in "أإآ"]
    if forms:
        i = rng.choice(forms)
        return text[:i] + "ا" + text[i + 1 :]
    bare = [i for i, ch in enumerate(text) if ch == "ا" and (i == 0 or text[i - 1] == " ")]
    if bare:
        i = rng.choice(bare)
        return text[:i] + rng.choice("أإ") + text[i + 1 :]
    return text


def _word_ends(text: str, rng: random.Random) -> str:
    swap = {"ي": "ى", "ى": "ي", "ة": "ه", "ه": "ة"}
    ends = [i for i, ch in enumerate(text) if ch in swap and (i + 1 == len(text) or not text[i + 1].isalpha())]
    for i in rng.sample(ends, min(len(ends), 3)):
        text = text[:i] + swap[text[i]] + text[i + 1 :]
    return text


def _diacritics(text: str, rng: random.Random) -> str:
    return "".join(ch + (rng.choice(HARAKAT) if ch in ARABIC_LETTERS and rng.random() < 0.3 else "") for ch in text)


def _tatweel(text: str, rng: random.Random) -> str:
    inner = [i for i in _letters_at(text, ARABIC_LETTERS) if i + 1 < len(text) and text[i + 1] in ARABIC_LETTERS and text[i] not in "اأإآدذرزوؤءة"]
    for i in sorted(rng.sample(inner, min(len(inner), 2)), reverse=True):
        text = text[: i + 1] + "ـ" * rng.randint(1, 4) + text[i + 1 :]
    return text


def _persian(text: str, rng: random.Random) -> str:
    return text.replace("ك", "ک").replace("ي", "ی") if rng.random() < 0.5 else text.replace("ي", "ی")


def _marks(text: str, rng: random.Random) -> str:
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    for i in sorted(rng.sample(spaces, min(len(spaces), 3)), reverse=True):
        text = text[:i] + rng.choice(MARKS) + text[i:]
    return text


def _elongation(text: str, rng: random.Random, letters: set[str]) -> str:
    positions = _letters_at(text, letters)
    for i in sorted(rng.sample(positions, min(len(positions), 2)), reverse=True):
        text = text[:i] + text[i] * rng.randint(3, 7) + text[i + 1 :]
    return text


def _digits(text: str, rng: random.Random) -> str:
    target = rng.choice((EASTERN, PERSIAN))
    table = {str(d): target[d] for d in range(10)} | {EASTERN[d]: str(d) for d in range(10)}
    return "".join(table.get(ch, ch) for ch in text)


def _labialisation(text: str, rng: random.Random) -> str:
    return text.replace("ⵯ", rng.choice(("ʷ", "")))


def variant(text: str, seed: int) -> str:
    """A spelling-variant copy of ``text`` (deterministic for a given ``seed``)."""
    rng = random.Random(seed)
    if _letters_at(text, TIFINAGH_LETTERS):
        changes: list[Callable[[str, random.Random], str]] = [
            _marks, lambda t, r: _elongation(t, r, TIFINAGH_LETTERS), _digits, _labialisation,
        ]  # fmt: skip
    else:
        changes = [
            _hamza_alef, _word_ends, _diacritics, _tatweel, _persian, _marks,
            lambda t, r: _elongation(t, r, ARABIC_LETTERS), _digits,
        ]  # fmt: skip
    for change in rng.sample(changes, rng.randint(3, len(changes))):
        text = change(text, rng)
    return text


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def evaluate(originals: Sequence[str], shingle: Callable[[list[str]], Iterable[Iterable[int]]], seed: int = SEED) -> dict[str, float]:
    """Recall of the copies and false merges among distinct originals (see the module docstring)."""
    distinct = list(dict.fromkeys(s for s in originals if s.strip()))
    copies = [variant(s, seed + i) for i, s in enumerate(distinct)]
    sets = [set(map(int, h)) for h in shingle(distinct + copies)]
    group = list(range(len(distinct))) * 2  # which original each text comes from
    found = sum(jaccard(sets[i], sets[i + len(distinct)]) >= THRESHOLD for i in range(len(distinct)))
    postings: dict[int, list[int]] = defaultdict(list)
    for doc, keys in enumerate(sets):
        for key in keys:
            postings[key].append(doc)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in postings.values():
        for x in range(len(docs)):
            for y in range(x + 1, len(docs)):
                if group[docs[x]] != group[docs[y]]:
                    shared[docs[x], docs[y]] += 1
    false_merges = sum(
        count / (len(sets[a]) + len(sets[b]) - count) >= THRESHOLD for (a, b), count in shared.items()
    )
    return {"recall": found / len(distinct), "false_merges": false_merges, "sentences": len(distinct)}
