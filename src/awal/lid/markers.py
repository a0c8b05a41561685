"""Words that mark Darija or MSA: evidence for the Darija/MSA layer (:mod:`awal.lid.dialect`).

A Darija sentence of FLORES style is mostly MSA vocabulary; what gives it away is a few
function words (ديال، هاد، باش، بزاف، اللي) and verb forms (the aspect prefix of كيقلب،
كتتكون، تيقولو; the future غنمشي; the negation مكيقبلوش), while MSA has its own (الذي، لقد،
سوف، يجب). The model's n-grams see them too, but weigh them like any other word (and an
unseen name can score as much). Here every word falls in one of four kinds: 0 none,
:data:`DARIJA_WORD`, :data:`DARIJA_VERB` and :data:`MSA_WORD`, and a text counts its words
of each; the lists below are written for awal (licence: the project's own).

Words are compared as the model's symbols (:mod:`awal.lid.features`: combining marks
such as harakat dropped), each listed word in its spellings with alef, alef with hamza
above or below or madda (ا أ إ آ), with final ه or ة, and with و or ف before it.

>>> from awal.lid.model import _bundled
>>> state = _bundled().state
>>> markers = Markers.from_table(state["table"])
>>> def kind(word):
...     ids = np.array([state["table"][ord(ch)] for ch in word], dtype=np.uint16)
...     return int(markers.kinds(ids, np.zeros(1, dtype=np.int64), np.array([len(ids)]), word_hashes(ids, np.zeros(1, dtype=np.int64), np.array([len(ids)])))[0])
>>> [kind(word) for word in ("ديالهم", "كيقلب", "الذي", "المغرب")]
[1, 2, 3, 0]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .features import word_hashes

NONE, DARIJA_WORD, DARIJA_VERB, MSA_WORD = 0, 1, 2, 3
KINDS = (DARIJA_WORD, DARIJA_VERB, MSA_WORD)  # counted per text, in this order

DARIJA_WORDS = """
ديال ديالي ديالك ديالو ديالها ديالنا ديالكم ديالهم ديالهوم ديالكوم
هاد هادي هادا هادو هاذ هاذي هاذا هادوك هاديك هاداك داك ديك دوك هادشي داكشي ذاكشي هادش
واش علاش فين فاين منين كيفاش شنو شني شنهو اش شحال شكون علاه
بزاف شويه شوي دابا دبا ملي باش باللي بلي حيت حتا عاد ديما
كاين كاينه كاينين كاينا ماكاينش ماكاين كاينش
راه راني راك راكي راها راهم راهوم راحنا
غادي غاديه غاديين غاديا
خاص خاصك خاصو خاصها خاصهم خاصنا خاصني خصك خصو خصني خصها خصنا خصهم
بغا بغيت بغينا بغاو بغات كنبغي كيبغي
بحال قدام مورا تما لتما هنايا تماك
دغيا زعما مزيان مزيانه واخا صافي والو جوج تلاته تلاتين
نتا نتي نتوما هوما حنا احنا
ماشي ماكان مابقاش بلاصه حاجه شي اللي
""".split()
MSA_WORDS = """
الذي التي الذين اللذان اللتان اللواتي هذا هذه ذلك تلك هؤلاء اولئك هناك
لقد قد سوف لن لم ليس ليست لماذا ماذا كيف اين متى
ايضا حيث ثم بين عندما منذ مثل لكن لكنه لكنها بعض تم تمت يتم حول خلال ضد دون نحو اكثر جدا فقط الان
يجب يمكن ينبغي كان كانت يكون تكون انه انها ان اذا لذا لذلك وفقا
""".split()
# Darija verb forms, read from a word's letters (after a leading و or ف, in words of six letters or more):
ASPECT = {"كت": "ابلزدي", "كن": "ابلزدي", "تي": "ابلزدي", "كي": "فلمانس"}  # prefix -> third letters that make a noun (كتاب، كيلو)
ASPECT_LETTERS = 5  # at least, prefix included
NEGATION = ("م", "ش")  # first and last letter: مكيقبلوش، ماكانش
FUTURE = ("غ", "نت", "ي", "راوثن")  # غ, then ن or ت; or ي not followed by one of these (غير، غياب، غيوم)
SHORTEST = 4  # letters of a negation or future form
TOP_BITS = 16  # of a word hash: a table of them finds the few words that may be listed before a search
ARABIC_LETTERS = slice(0x0621, 0x064B)  # ء to ي: every listed spelling and every verb form opens with one of them


def opening_symbols(table: np.ndarray) -> np.ndarray:
    """bool per symbol of a model's ``table``: whether a marker word can open with it (the Arabic
    letters' symbols). A batch none of whose words opens with one holds no marker word, and the
    lists (:meth:`Markers.from_table`, ~5 ms) need not be built for it.

    >>> from awal.lid.model import _bundled
    >>> table = _bundled().state["table"]
    >>> opens = opening_symbols(table)
    >>> [bool(opens[table[ord(ch)]]) for ch in "دوأd1"]
    [True, True, True, False, False]
    """
    out = np.zeros(1 << 16, dtype=bool)
    out[table[ARABIC_LETTERS]] = True
    return out


def openers(state: dict) -> np.ndarray:
    """:func:`opening_symbols` of a model ``state``'s table (``Identifier.state``): built on first use, then kept in it."""
    opens = state.get("openers")
    if opens is None:
        opens = state.setdefault("openers", opening_symbols(state["table"]))
    return opens


def spellings(word: str, prefixes: tuple[str, ...]) -> set[str]:
    """``word`` with each prefix, each alef in its four forms and a final ه also as ة.

    >>> sorted(spellings("اله", ("", "و")))
    ['آلة', 'آله', 'ألة', 'أله', 'إلة', 'إله', 'الة', 'اله', 'وآلة', 'وآله', 'وألة', 'وأله', 'وإلة', 'وإله', 'والة', 'واله']
    """
    out: set[str] = set()
    for prefix in prefixes:
        letters = [["ا", "أ", "إ", "آ"] if ch == "ا" else [ch] for ch in prefix + word]
        if letters[-1] == ["ه"]:
            letters[-1] = ["ه", "ة"]
        out.update("".join(choice) for choice in itertools.product(*letters))
    return out


@dataclass(frozen=True)
class Markers:
    """The lists as the symbols of one model (:meth:`from_table`)."""

    letter: dict[str, int]  # symbol of each letter the verb-form rules read
    darija_set: frozenset[int]  # word hashes (:func:`~awal.lid.features.word_hashes`) of the Darija words' spellings
    msa_set: frozenset[int]  # likewise, MSA (none of the Darija ones)
    lead: np.ndarray  # bool per symbol: the first letter of a verb form (after و or ف)
    nouns: dict[str, np.ndarray]  # bool per symbol: ASPECT's nouns per prefix, FUTURE's letters ("after", "future")
    listed: np.ndarray  # the hashes of both sets, sorted
    listed_kind: np.ndarray  # DARIJA_WORD or MSA_WORD for each
    listed_top: np.ndarray  # bool per value of a hash's top TOP_BITS bits: whether a listed hash has it

    @classmethod
    def of(cls, state: dict) -> "Markers":
        """The lists as the symbols of a model ``state`` (``Identifier.state``): built on first use, then kept in it."""
        markers = state.get("markers")
        if markers is None:
            markers = state.setdefault("markers", cls.from_table(state["table"]))
        return markers

    @classmethod
    def from_table(cls, table: np.ndarray) -> "Markers":
        """From a model's symbol table (``Identifier.state["table"]``)."""

        def hashes(words: set[str]) -> np.ndarray:
            ordered = sorted(words)
            ids = np.array([table[ord(ch)] for word in ordered for ch in word], dtype=np.uint16)
            lengths = np.array([len(word) for word in ordered], dtype=np.int64)
            return np.unique(word_hashes(ids, np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64), lengths))

        darija = set().union(*(spellings(word, ("", "و", "ف")) for word in DARIJA_WORDS))
        msa = set().union(*(spellings(word, ("", "و")) for word in MSA_WORDS)) - darija
        letters = set("وف" + "".join(ASPECT) + "".join(ASPECT.values()) + "".join(NEGATION) + "".join(FUTURE))
        darija_hashes, msa_hashes = hashes(darija), hashes(msa)
        letter = {ch: int(table[ord(ch)]) for ch in sorted(letters)}

        def symbols(chars: str) -> np.ndarray:
            out = np.zeros(1 << 16, dtype=bool)
            out[[letter[ch] for ch in chars]] = True
            return out

        nouns = {prefix: symbols(chars) for prefix, chars in ASPECT.items()} | {"after": symbols(FUTURE[1]), "future": symbols(FUTURE[3])}
        listed = np.r_[darija_hashes, msa_hashes[~np.isin(msa_hashes, darija_hashes)]]
        kind = np.r_[np.full(len(darija_hashes), DARIJA_WORD), np.full(len(listed) - len(darija_hashes), MSA_WORD)].astype(np.int8)
        order = np.argsort(listed)
        lead = symbols("".join(prefix[0] for prefix in ASPECT) + NEGATION[0] + FUTURE[0])
        top = np.zeros(1 << TOP_BITS, dtype=bool)
        top[(listed >> np.uint64(64 - TOP_BITS)).astype(np.int64)] = True
        return cls(letter, frozenset(darija_hashes.tolist()), frozenset(msa_hashes.tolist()), lead, nouns, listed[order], kind[order], top)

    def kinds(self, ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray, hashes: np.ndarray) -> np.ndarray:
        """The kind of each word ``ids[starts[i]:starts[i] + lengths[i]]`` (its hash ``hashes[i]``), int8:
        listed words by one search among the sorted hashes, verb forms read from the letters of
        the words that open with a verb prefix's letter."""
        out = np.zeros(len(starts), dtype=np.int8)
        if not len(starts):
            return out
        at = self.letter
        first = ids.take(starts, mode="wrap")
        shift = ((first == at["و"]) | (first == at["ف"])) & (lengths >= 6)
        opens = starts + shift
        picked = (self.lead.take(ids.take(opens, mode="wrap")) & (lengths - shift >= SHORTEST)).nonzero()[0]
        if len(picked):
            begin, end, size = opens.take(picked), (starts + lengths).take(picked), (lengths - shift).take(picked)

            def symbol(offset: int) -> np.ndarray:  # each picked word's letter at ``offset`` (all have 4 letters or more)
                return ids.take(begin + offset, mode="wrap")

            a, b, c, last = symbol(0), symbol(1), symbol(2), ids.take(end - 1, mode="wrap")
            verb = (a == at[NEGATION[0]]) & (last == at[NEGATION[1]])
            for prefix, nouns in ASPECT.items():
                verb |= (a == at[prefix[0]]) & (b == at[prefix[1]]) & ~self.nouns[prefix].take(c) & (size >= ASPECT_LETTERS)
            g, after, y, _ = FUTURE
            verb |= (a == at[g]) & (self.nouns["after"].take(b) | ((b == at[y]) & ~self.nouns["future"].take(c)))
            out[picked[verb]] = DARIJA_VERB
        maybe = self.listed_top.take(hashes >> np.uint64(64 - TOP_BITS)).nonzero()[0]  # a few percent of words
        at_listed = np.minimum(np.searchsorted(self.listed, hashes.take(maybe)), len(self.listed) - 1)
        listed = self.listed.take(at_listed) == hashes.take(maybe)
        out[maybe[listed]] = self.listed_kind.take(at_listed[listed])
        return out

    def word_kind(self, ids: list[int], whole: int) -> int:
        """:meth:`kinds` of one word given as its symbols and its hash, in plain Python (no NumPy call)."""
        if whole in self.darija_set:
            return DARIJA_WORD
        if whole in self.msa_set:
            return MSA_WORD
        at, size = self.letter, len(ids)
        if size >= 6 and ids[0] in (at["و"], at["ف"]):
            ids, size = ids[1:], size - 1
        a, b, c = (ids + [-1, -1, -1])[:3]
        for prefix, nouns in ASPECT.items():
            if a == at[prefix[0]] and b == at[prefix[1]] and c not in [at[ch] for ch in nouns] and size >= ASPECT_LETTERS:
                return DARIJA_VERB
        if size >= SHORTEST and a == at[NEGATION[0]] and ids[-1] == at[NEGATION[1]]:
            return DARIJA_VERB
        g, after, y, nouns = FUTURE
        if size >= SHORTEST and a == at[g] and (b in [at[ch] for ch in after] or (b == at[y] and c not in [at[ch] for ch in nouns])):
            return DARIJA_VERB
        return NONE
