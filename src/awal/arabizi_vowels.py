"""Vowel letters for ``arabizi2ar``: a reading that is no known word becomes the known word it
spells with fewer vowel letters.

Arabizi writes every vowel it hears, Arabic script only the long ones: ``jadid`` is جديد,
``t9dar`` تقدر, ``kolhom`` كلهم, but the letter rules, which cannot tell a long vowel from a
short one, read جاديد, تقدار, كولهوم. When the rules' reading is not a word of Arabic-script
Darija (the word counts of ``darija_bigrams.tsv``: licence-clean tweets and FLORES-200) and
dropping one or two of its medial ا و ي gives a word seen ``MIN_COUNT`` times or more, that
word is taken (the most frequent one); after the article (ال, or ل as the rules read the
``l`` of ``l3alam``) the rest of the word is looked up, and the article written ال. Only letters the Latin spelling wrote as vowels may go
(ا for a, و for o or u, ي for i), and only in words of four letters or more. A known word whose
first letter is أ or آ is found under ا too, as the rules write it (``a9al`` اقال: أقل), but
not for a Latin ``i`` (never أ or آ).

A word starting with ``i`` and a consonant (``imchi``, ``i9der``, ``idiro``) that the rules read with
ا or إ first and that is no known word is the imperfect of a verb when ي in its place gives a
known word (يمشي, يقدر, يديرو): Moroccan writers spell the imperative without that ``i`` (``mchi``,
``dkhol``), and the word counts hold the verbs, not the ا spellings (MSA nouns such as ``imkan``
إمكان or ``insan`` انسان stay, their ي form being no word).

A final ``a`` the rules wrote ا (``zan9a`` زانقا, ``mjmou3a`` مجموعا) is the noun ending ة when
the reading is no known word and the word with ة is one, or becomes one with fewer vowel
letters: Arabic script writes the feminine ending ة (زنقة, مجموعة), which the letter rules
cannot tell from a final ا.

>>> fix = VowelLetters({"جديد": 19, "تقدر": 31, "هاد": 155, "عالم": 40})
>>> fix.correct(["jadid", "t9dar", "hayed", "dar", "l3alam"], ["جاديد", "تقدار", "هايد", "دار", "لعالام"])
['جديد', 'تقدر', 'هايد', 'دار', 'العالم']
>>> fix.correct(["e"], [""]), fix.correct(["e", "jadid"], ["", "جاديد"])
([''], ['', 'جديد'])
>>> VowelLetters({"أكبر": 20, "أشرف": 9}).correct(["akbar", "achraf", "ichraf"], ["اكبار", "اشراف", "اشراف"])
['أكبر', 'أشرف', 'اشراف']
>>> VowelLetters({"يمشي": 8, "يقدر": 6, "انسان": 9}).correct(["imchi", "i9der", "insan", "imkan"], ["امشي", "اقدر", "انسان", "امكان"])
['يمشي', 'يقدر', 'انسان', 'امكان']
>>> nouns = VowelLetters({"زنقة": 9, "مجموعة": 7, "ماشي": 50})
>>> nouns.correct(["zan9a", "mjmou3a", "lmjmou3a", "mchaa"], ["زانقا", "مجموعا", "المجموعا", "مشاا"])
['زنقة', 'مجموعة', 'المجموعة', 'مشاا']
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from awal.arabizi_context import imperfect
from awal.batch import text_of

__all__ = ["VowelLetters", "MIN_COUNT"]

MIN_COUNT = 5  # chosen on half of DODa dev (words and phrases), checked on the other half
_VOWEL_LETTERS = "اوي"
_DROP_VOWELS = str.maketrans("", "", _VOWEL_LETTERS)
_WRITTEN_AS = {"ا": "a", "و": "ou", "ي": "i"}  # Latin letters that may stand for a droppable vowel letter
_MARK_CHARS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"  # harakat, shadda, tatweel
_MARKS = str.maketrans("", "", _MARK_CHARS)


_TABLE_END = 0x671  # the letters and marks looked at are below this code point


def _table(chars: str) -> np.ndarray:
    """A table over code points below ``_TABLE_END``: True for ``chars``."""
    table = np.zeros(_TABLE_END + 1, dtype=bool)  # the last entry: every code point past the end
    table[[ord(c) for c in chars]] = True
    return table


_IS_VOWEL, _IS_MARK = _table(_VOWEL_LETTERS), _table(_MARK_CHARS)
_IS_ARTICLE_START = _table("لا")  # the first letter of ل and ال
_IS_IMPERFECT_FROM = _table("اإ")  # what the rules write first for the i of imchi
_ALEF, _TA_MARBUTA = "ا", "ة"
_HAMZA_SEATS, _HAMZA_SEAT_FREE = "أآ", "ا"  # a known word's first letter, and the letter the rules write for it


def _text(cps: np.ndarray) -> str:
    return text_of(cps)


def _skeleton(word: str) -> str:
    """The word without its medial vowel letters (first and last letters kept)."""
    return word[:1] + word[1:-1].translate(_DROP_VOWELS) + word[-1:] if len(word) > 2 else word


class VowelLetters:
    """Known words and their skeletons, and the correction of readings with vowel letters too many."""

    def __init__(self, counts: dict[str, int], min_count: int = MIN_COUNT) -> None:
        self.known = {w.translate(_MARKS) for w in counts}
        self.known |= {_HAMZA_SEAT_FREE + w[1:] for w in self.known if w[:1] in _HAMZA_SEATS}
        # the words a reading may become, each with its sort key (most frequent first), and their
        # skeletons; a word starting with أ or آ is found under ا too (the rules write ا for a: a9all اقال)
        self.rank: dict[str, tuple[int, str]] = {}
        for word, count in counts.items():
            word = word.translate(_MARKS)
            if count >= min_count and len(word) > 1:
                for key in (word, _HAMZA_SEAT_FREE + word[1:]) if word[0] in _HAMZA_SEATS else (word,):
                    self.rank[key] = min(self.rank.get(key, (-count, word)), (-count, word))
        self._lengths: dict[str, set[int]] = {}  # skeleton -> the lengths of the known words that have it
        for w in self.rank:
            self._lengths.setdefault(_skeleton(w), set()).add(len(w))
        self.skeletons = set(self._lengths)
        # the skeletons of the known words ending in ة, without it: a final ا may be that ending
        self._noun_stems = {sk[:-1] for sk in self.skeletons if sk[-1:] == _TA_MARBUTA}
        self.longest = max(map(len, self.rank), default=0)

    def _fewer_vowels(self, latin: str, reading: str) -> str | None:
        """The most frequent known word spelt by ``reading`` with one or two medial vowel letters
        fewer, each written as a vowel in ``latin``; None if there is none.

        A reading longer than the longest known word plus two has none (and its pairs of letters
        to drop would grow with the square of its length)."""
        n = len(reading)
        lengths = self._lengths.get(_skeleton(reading)) if n <= self.longest + 2 else None
        if lengths is None or (n - 1 not in lengths and n - 2 not in lengths):  # no known word to become
            return None
        latin = latin.lower()
        droppable = [i for i in range(1, n - 1)
                     if reading[i] in _WRITTEN_AS and any(v in latin for v in _WRITTEN_AS[reading[i]])]
        rank = self.rank
        hits = []
        if n - 1 in lengths:
            hits += [rank[w] for w in (reading[:i] + reading[i + 1 :] for i in droppable) if w in rank]
        if n - 2 in lengths:
            hits += [rank[w] for w in (reading[:i] + reading[i + 1 : j] + reading[j + 1 :]
                                       for i, j in combinations(droppable, 2)) if w in rank]
        if latin[:1] == "i":  # i is never أ or آ (ichraf اشراف is not أشرف)
            hits = [h for h in hits if h[1][0] not in _HAMZA_SEATS or reading[0] in _HAMZA_SEATS]
        return min(hits)[1] if hits else None

    def correct(self, latin: list[str], readings: list[str]) -> list[str]:
        """``readings`` of the Latin words ``latin``, each replaced by the known word with fewer
        vowel letters when it is no known word itself (shadda and other marks are dropped then).

        The readings are stripped and reduced to skeletons as one block; only those whose
        skeleton is a known word's are looked at one by one.
        """
        if not readings:
            return []
        cps = np.frombuffer("\n".join(readings).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        cps = cps[~_IS_MARK[np.minimum(cps, _TABLE_END)]]
        plain_words = _text(cps).split("\n")
        if not cps.size:  # only empty readings (a word of silent vowels: "e")
            return list(readings)
        medial = _IS_VOWEL[np.minimum(cps, _TABLE_END)]
        medial[[0, -1]] = False
        medial[1:-1] &= (cps[:-2] != 10) & (cps[2:] != 10)
        kept = cps[~medial]
        skeletons = _text(kept).split("\n")
        out = list(readings)
        bs, known = self.skeletons, self.known
        # a word with the article (ال, or ل as Darija writes it) is looked up without it too
        listed = bs & set(skeletons)
        word_of, at_start, clipped = np.cumsum(kept == 10), np.r_[True, kept[:-1] == 10], np.minimum(kept, _TABLE_END)
        starts = np.flatnonzero(at_start & _IS_ARTICLE_START[clipped])
        if starts.size:
            article = {skeletons[i] for i in word_of[starts].tolist()}
            listed |= {sk for sk in article if sk[:1] == "ل" and sk[1:] in bs or sk[:2] == "ال" and sk[2:] in bs}
        for i in [i for i, sk in enumerate(skeletons) if sk in listed]:
            word = plain_words[i]
            if len(latin[i]) < 4 or word in known:
                continue
            cut = 0 if skeletons[i] in bs else (2 if skeletons[i][:2] == "ال" and skeletons[i][2:] in bs else 1)
            if len(word) - cut >= 3 and word[cut:] not in known:
                better = self._fewer_vowels(latin[i], word[cut:])
                if better is not None:  # the article written in full, as the lexicon does (l7out الحوت)
                    out[i] = ("ال" if cut else "") + better
        # a verb's imperfect prefix: a first ا or إ of a Latin i + consonant (imchi) that is ي in a known word
        rank = self.rank
        for i in word_of[at_start & _IS_IMPERFECT_FROM[clipped]].tolist():
            word = plain_words[i]
            if "ي" + word[1:] in rank and out[i] is readings[i] and word not in known:
                out[i] = imperfect(latin[i], word) or out[i]
        ends = np.flatnonzero(np.r_[kept[1:] == 10, True] & (kept == ord(_ALEF)))
        stems = self._noun_stems  # the word with ة has the skeleton sk[:-1] + ة (or is looked up after ال)
        nouns = [i for i in word_of[ends].tolist()
                 if skeletons[i][:-1] in stems or skeletons[i][:2] == "ال"]
        for i in nouns:
            if out[i] is readings[i]:  # not changed above
                out[i] = self._noun_ending(latin[i], plain_words[i]) or out[i]
        return out

    def _noun_ending(self, latin: str, word: str) -> str | None:
        """``word`` (ending in ا, no known word) with the feminine ending ة when that is a known
        word, or one with fewer vowel letters before the letter that precedes the ending (after the
        article, the rest of the word)."""
        if len(latin) < 3 or len(word) < 3 or word in self.known:
            return None
        rank = self.rank
        cut = 2 if word[:2] == "ال" and word[2:-1] + _TA_MARBUTA in rank else 0
        noun = word[cut:-1] + _TA_MARBUTA
        if noun in rank:
            return word[:cut] + rank[noun][1]
        fewer = self._fewer_vowels(latin, noun) if len(latin) >= 4 else None
        if fewer is None or fewer[-2:] != noun[-2:]:  # the letter before the ending stays (9wiya قوية, never قوة)
            return None
        return word[:cut] + fewer
