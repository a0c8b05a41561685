"""Word context for ``arabizi2ar``: which Arabic word a Latin spelling stands for, given its neighbours.

Some Latin spellings stand for several Darija words (``li`` لي / اللي, ``hna`` هنا
/ حنا, ``ma`` ما / ماء). The lexicon lists them in order of preference for the
spelling; a small word bigram model of Arabic-script Darija
(``data/schemes/darija_bigrams.tsv``, built from licence-clean text by
``benchmarks/build_darija_bigrams.py``) ranks them with the words before and after:

    score(w) = log P(spelling | w) + log P(w | previous word) + log P(next word | w)

where ``log P(spelling | w)`` is ``-SPELLING_STEP`` per place down the lexicon's list
and the bigram probabilities are interpolated with unigrams (absolute discounting).

>>> ctx = WordContext({"هنا": 30, "حنا": 10, "كاين": 50, "غاديين": 5}, {("حنا", "غاديين"): 4, ("هنا", "كاين"): 3})
>>> [w for w, _ in ctx.rank(["هنا", "حنا"], None, "غاديين")]
['حنا', 'هنا']
>>> [w for w, _ in ctx.rank(["هنا", "حنا"], None, None)]
['هنا', 'حنا']

A subject pronoun is followed by its predicate: a reading that is one gains ``SUBJECT_BONUS``
when a word follows (``hna`` is mostly حنا "we" before a word, هنا "here" at the end: 122 of the
126 ``hna`` of the Latin tweets of ``lid/ary_Latn.afrisenti.txt`` have a word after them, and the
Arabic-script tweets write حنا 24 times, هنا 19):

>>> tweets = WordContext({"هنا": 19, "حنا": 24, "كنبغيوك": 3}, {})
>>> [w for w, _ in tweets.rank(["هنا", "حنا"], "من", None)], [w for w, _ in tweets.rank(["هنا", "حنا"], None, "كنبغيوك")]
(['هنا', 'حنا'], ['حنا', 'هنا'])

A word starting with ``i`` and a consonant is a verb's imperfect prefix ي after a word
that calls for a verb (``ma ibghich`` ما يبغيش, ``bach ijib`` باش يجيب, ``rbi ikhlik``
ربي يخليك, ``li ichouf`` لي يشوف, ``allah ikmel`` الله يكمل: AfriSenti's Arabic-script Moroccan
tweets write ي for about 4 in 5 verbs after الله), where the letter rules, reading the word alone, write
ا (``ibda3`` إبداع):

>>> imperfect("ikhlik", "اخليك"), imperfect("Is3dk", "إسعدك"), imperfect("ila", "الا"), imperfect("i3jbk", "يعجبك")
('يخليك', 'يسعدك', None, None)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, Sequence

import regex

__all__ = ["WordContext", "SPELLING_STEP", "VERB_CUES", "imperfect"]

SPELLING_STEP = 1.5  # log-odds given up per place down a spelling's list in the lexicon
_SUBJECT_PRONOUNS = frozenset({"حنا"})  # subject pronouns among the readings of an ambiguous spelling
SUBJECT_BONUS = 2.0  # log-odds a subject pronoun gains when a word follows it
_DISCOUNT = 0.75
_CUE_WORDS = ("rabi", "rbi", "rebbi", "lah", "llah", "allah", "alah", "ma", "bach", "bash", "bch", "ghadi", "ghad", "li", "lli", "illi")
# the cues as written in lower case, capitalised or in capitals (a set test on distinct words, no lowering)
VERB_CUES = frozenset(w for c in _CUE_WORDS for w in (c, c.capitalize(), c.upper()))
_IMPERFECT = regex.compile(r"[iI][b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z2-9][\p{L}2-9]{2}")


def imperfect(latin: str, reading: str) -> str | None:
    """``reading`` with the imperfect prefix ي for the initial ``i`` of ``latin`` (a consonant
    and two letters or more follow), or None when the word is not spelt so or the
    reading does not start with ا or إ."""
    if reading[:1] in ("ا", "إ") and _IMPERFECT.match(latin):
        return "ي" + reading[1:]
    return None


class WordContext:
    """Unigram and bigram counts of Arabic words, and ranking of a spelling's readings."""

    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> None:
        self.unigrams = dict(unigrams)
        self.bigrams = dict(bigrams)
        self.total = sum(self.unigrams.values())
        self.types = len(self.unigrams)
        followers: dict[str, int] = {}
        for a, _ in self.bigrams:
            followers[a] = followers.get(a, 0) + 1
        self._followers = followers
        self._left_total: dict[str, int] = {}
        for (a, _), c in self.bigrams.items():
            self._left_total[a] = self._left_total.get(a, 0) + c

    def unigram(self, word: str) -> float:
        """P(word), add-half smoothed so an unseen word keeps a small probability."""
        return (self.unigrams.get(word, 0) + 0.5) / (self.total + 0.5 * (self.types + 1))

    def logp(self, prev: str, word: str) -> float:
        """log P(word | prev): absolute discounting, interpolated with :meth:`unigram`."""
        left = self._left_total.get(prev, 0)
        if not left:
            return math.log(self.unigram(word))
        c = self.bigrams.get((prev, word), 0)
        mass = _DISCOUNT * self._followers[prev] / left
        return math.log(max(c - _DISCOUNT, 0.0) / left + mass * self.unigram(word))

    def rank(self, options: Sequence[str], prev: str | None, nxt: str | None) -> list[tuple[str, float]]:
        """``options`` (in the lexicon's order) with scores given the neighbours, best first."""
        scored = []
        for place, w in enumerate(options):
            s = -SPELLING_STEP * place
            s += self.logp(prev, w) if prev is not None else math.log(self.unigram(w))
            if nxt is not None:
                s += self.logp(w, nxt) + SUBJECT_BONUS * (w in _SUBJECT_PRONOUNS)
            scored.append((w, s))
        return sorted(scored, key=lambda ws: -ws[1])

    @classmethod
    def read(cls, path: Path) -> "WordContext":
        """Read ``word<TAB>count`` (unigram) and ``word<TAB>word<TAB>count`` (bigram) lines."""
        unigrams: dict[str, int] = {}
        bigrams: dict[tuple[str, str], int] = {}
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            try:
                count = int(parts[-1])
            except ValueError:
                raise ValueError(f"{path}:{lineno}: the last field must be a count") from None
            if len(parts) == 2:
                unigrams[parts[0]] = count
            elif len(parts) == 3:
                bigrams[(parts[0], parts[1])] = count
            else:
                raise ValueError(f"{path}:{lineno}: expected 'word<TAB>count' or 'word<TAB>word<TAB>count'")
        return cls(unigrams, bigrams)

    @classmethod
    def count(cls, sentences: Iterable[list[str]], keep: set[str]) -> "WordContext":
        """Counts of the words of ``sentences``; bigrams only where one side is in ``keep``."""
        unigrams: dict[str, int] = {}
        bigrams: dict[tuple[str, str], int] = {}
        for words in sentences:
            for w in words:
                unigrams[w] = unigrams.get(w, 0) + 1
            for a, b in zip(words, words[1:]):
                if a in keep or b in keep:
                    bigrams[(a, b)] = bigrams.get((a, b), 0) + 1
        return cls(unigrams, bigrams)

    def write(self, path: Path, header: str) -> None:
        """Write the counts in the format :meth:`read` reads, most frequent first."""
        lines = [f"# {h}" if h else "#" for h in header.splitlines()]
        lines += [f"{w}\t{c}" for w, c in sorted(self.unigrams.items(), key=lambda x: (-x[1], x[0]))]
        lines += [f"{a}\t{b}\t{c}" for (a, b), c in sorted(self.bigrams.items(), key=lambda x: (-x[1], x[0]))]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
