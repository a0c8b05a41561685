"""Proclitics written apart in Arabizi and attached in Arabic script (``b naja7`` بنجاح).

Latin-script writers often put the article and the one-letter prepositions apart
(``el bachir``, ``b naja7``, ``f dar``, ``lil asaf``); Arabic-script Darija writers
attach them. In the Moroccan tweets of AfriSenti (``lid/ary_Arab.afrisenti.txt``,
1,474 lines) ال stands alone 3 times against ~4,250 words written with it, ب 13
times (~220 attached), ف 43 (~410), ل 3 (~160). و is not attached: it stands alone
242 times against ~470 words with it attached (a third of the writers keep it apart,
and DODa's annotators do, as in numbers: ``wahd o 3chrin`` واحد و عشرين); ``fi`` في
(160 times alone) and ``d`` د (6 alone, 4 attached) are not proclitics here.

A proclitic joins the next Latin word of its text when only spaces stand between
them and that word is read (not a number or a kept token): its Arabic is written
in front of the word's, with the spelling rules of the article (:func:`attach`).
A standalone ``l`` is the article ال after a preposition (``f l mghrib`` فالمغرب)
or a word that calls for it (``had l video`` هاد الفيديو, ``wa7d l match`` واحد الماتش, ``dyal l compte``:
in the Latin tweets 11 of 11 such ``l``), and the preposition ل otherwise (``l ihab`` لإيهاب, ``l lmghrib`` للمغرب): writers who
mean the article mostly write it attached (``lmatch``, read as before). One rule (:func:`reading`) for
transliteration and for the training pairs fitting takes from phrases (:func:`detach`).

A word written with one of ``b f w o`` in front of a lexicon word reads as that
proclitic and the word (``bhad`` بهاد, ``fhanan`` فحنان, ``okayn`` وكاين), unless the rest
starts with a vowel (``bali``, ``bila``, ``wala``, ``wissam`` are words of their own) or is a
spelling of several words (``ohna``: وهنا or وحنا, left to the letter rules).

>>> attach("ب", "نجاح"), attach("ل", "المغرب"), attach("ال", "المغرب"), attach("بال", "النسبة"), attach("و", "الله")
('بنجاح', 'للمغرب', 'المغرب', 'بالنسبة', 'والله')
"""

from __future__ import annotations

from typing import Container

__all__ = ["PROCLITICS", "PROCLITIC_FORMS", "ARTICLE_AFTER", "MOST_IN_A_ROW", "reading", "attach", "attached_words", "detach"]

PROCLITICS = {
    "b": "ب", "bi": "ب", "f": "ف", "l": "ل", "el": "ال", "al": "ال",
    "bl": "بال", "bel": "بال", "fl": "فال", "fel": "فال", "lil": "لل", "lel": "لل",
}
# the proclitics as written in lower case, capitalised or in capitals (a set test on distinct words)
PROCLITIC_FORMS = frozenset(w for c in PROCLITICS for w in (c, c.capitalize(), c.upper()))
# words after which a standalone l is the article: prepositions, and the words a noun with the
# article follows (had هاد, wa7d واحد, dyal ديال: had l video هاد الفيديو)
ARTICLE_AFTER = frozenset("""b bi f fi fe 3la 3al mn men min m3a ma3a 7ta hta had hadak hadik wa7d wahd wahed
wa7ed dyal dial diyal""".split())
# proclitics attached in a row at most (``w b l``: 3); more are not Arabizi writing and stay apart, so a line of
# thousands of them costs no more than its length (each attached one was a longer copy of the word: memory grew
# as the square of the run, ~250 MB for 16,000 and the process killed for 200,000)
MOST_IN_A_ROW = 3
_ARTICLE = "ال"


def reading(proclitic: str, before: str) -> str:
    """The Arabic of a standalone ``proclitic`` after the word ``before`` ("" for none): a standalone
    ``l`` is the article after a preposition (:data:`ARTICLE_AFTER`), else the preposition ل.

    >>> reading("l", "f"), reading("L", ""), reading("B", "3la"), reading("l", "Had")
    ('ال', 'ل', 'ب', 'ال')
    """
    key = proclitic.lower()
    if key == "l":
        return _ARTICLE if before.lower() in ARTICLE_AFTER else "ل"
    return PROCLITICS[key]


def attach(prefix: str, host: str) -> str:
    """``host`` with the proclitic ``prefix`` written in front, as Arabic spelling joins them:
    the article is not written twice, and ل before the article is لل."""
    if host.startswith(_ARTICLE):
        if prefix == _ARTICLE:
            return host
        if prefix.endswith(_ARTICLE):
            return prefix[:-2] + host
        if prefix in ("ل", "لل"):
            return "لل" + host[2:]
    return prefix + host


_ATTACHED = {"b": "ب", "f": "ف", "w": "و", "o": "و"}
_VOWELS = frozenset("aeiouy")


def attached_words(lexicon: dict[str, str], ambiguous: Container[str] = ()) -> dict[str, str]:
    """Every lowercase spelling of a proclitic ``b f w o`` written on a ``lexicon`` word that
    starts with a consonant and has three letters or more, with its reading (not the words in
    ``ambiguous``: their context is not read here; not ``bgh``: the verb بغى).

    >>> lex = {"had": "هاد", "lmghrib": "المغرب", "ali": "على", "hanan": "حنان", "ghi": "غير", "hna": "هنا"}
    >>> table = attached_words(lex, {"hna"})
    >>> [table.get(w) for w in ("bhad", "flmghrib", "bali", "ohanan", "bbhad", "bghi", "ohna")]
    ['بهاد', 'فالمغرب', None, 'وحنان', None, None, None]
    """
    table: dict[str, str] = {}
    for rest, reading in lexicon.items():
        if len(rest) < 3 or rest[0] in _VOWELS or rest in ambiguous or len(reading) < 2 or " " in reading:
            continue
        for latin, prefix in _ATTACHED.items():
            if rest[0] != latin and not (latin == "b" and rest.startswith("gh")):
                table[latin + rest] = attach(prefix, reading)
    return table


def detach(latin: list[str], arabic: list[str]) -> list[tuple[str, str]]:
    """Word pairs of a phrase whose Arabic attaches the proclitics its Latin writes apart: each
    Latin word after standalone proclitics with its Arabic word less their letters (a training pair
    ``b naja7`` / بنجاح gives ``naja7`` / نجاح); [] when the words do not line up so.

    >>> detach(["b", "naja7", "w", "lah"], ["بنجاح", "و", "الله"])
    [('naja7', 'نجاح'), ('w', 'و'), ('lah', 'الله')]
    >>> detach(["f", "l", "mghrib"], ["فالمغرب"]), detach(["l", "lmghrib"], ["للمغرب"]), detach(["b", "naja7"], ["نجاح"])
    ([('mghrib', 'مغرب')], [('lmghrib', 'المغرب')], [])

    A standalone ``l`` reads as :func:`reading` reads it for transliteration (the article after a
    preposition, else ل), so fitting learns from the phrases the way they will be read:

    >>> detach(["3la", "l", "blad"], ["على", "البلاد"]), detach(["l", "match"], ["الماتش"])
    ([('3la', 'على'), ('blad', 'بلاد')], [])
    """
    words, prefixes, pending, before = [], [], "", ""
    for w in latin:
        if w.lower() in PROCLITICS:
            pending += reading(w, before)
        else:
            words.append(w)
            prefixes.append(pending)
            pending = ""
        before = w
    if pending or len(words) != len(arabic):
        return []
    out = []
    for w, prefix, a in zip(words, prefixes, arabic):
        # (letters the phrase writes, letters the word has): ل before the article is written لل
        ways = [(prefix, "")]
        if prefix.endswith("ل") and not prefix.endswith("ال"):  # ل: before a word that has the article, لل
            ways = [(prefix + "ل", "ال"), (prefix, "")]
        for written, own in ways:
            if a.startswith(written) and len(a) > len(written) and (not own or w.lower().startswith("l")):
                out.append((w, own + a[len(written):]))
                break
        else:
            return []
    return out
