"""Transliterate only the Darija of code-switched text: what else a text holds stays as written.

A token with letters stays when the identifier's scores in context (see
:mod:`awal.lid.tokens`) put at least ``exp(MARGIN)`` times as much probability on the
Latin-script languages other than Arabic in Latin script (French, English, Spanish,
Kabyle... together) as on Arabic in Latin script: a French word split between French and
Spanish still stays, and a word in doubt leans to staying (a French word turned into Arabic
letters is lost; a Darija word left in Latin letters is still readable). A word that writes
a chat digit before a letter (``3la``, ``m3a``, ``7mar``, ``d8eb``, ``b9it``: ع خ ح ه ق), a ``2`` inside a
word (``so2al``), ``3 7 9`` last in a short word (``so9``) or the negation ``ma...ch`` (``makaynch``) is
Arabizi by its spelling alone (:func:`chat_digit_words`) and is always converted; a text whose words are all such words, or that
has no Latin letter (nothing in it to convert), is not scored at all. In a short text (one or
two words with a letter), a word written in ASCII only is kept for Kabyle only when Kabyle alone
has ``exp(SHORT_TEXT_KABYLE_MARGIN)`` times the probability of Arabic in Latin script: without
more words around it, a Darija word with its consonant clusters (``mezyan``, ``nemla``,
``tellaja``) looks as Kabyle as Darija. Any other token stays when it is a URL, e-mail, @mention or #hashtag, or a
unit after a number (``200 dh``, ``3,5 km``, ``50%``). A letter alone between two converted words of
its text is converted (``bzaf a bent bladi``, ``9issa d mosalsal``): Darija writes its vocative ``a``, ``d``
(ديال), ``l`` and verb prefixes apart so, and alone a letter says nothing of its language. Everything
between kept tokens goes to the converter in one batched call.

>>> from awal.lid.model import Identifier
>>> idf = Identifier().fit(["kayn bzaf dyal nas wach", "il y a des gens je suis"] * 3,
...                        ["ary_Latn", "fra_Latn"] * 3, epochs=5)
>>> convert_darija(["wach kayn des gens? 200 dh www.x.ma", "m3a 3la"], lambda ts: [t.upper() for t in ts], idf)
['WACH KAYN des gens? 200 dh www.x.ma', 'M3A 3LA']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import regex

from ..arabizi_words import is_number, word_chars
from ..batch import TextBatch
from ..kernels import ranges
from ..tokenize import token_spans
from .model import Identifier
from .tokens import Spans, token_scores

ARABIC_IN_LATIN = ("ary_Latn", "arq_Latn", "arb_Latn", "aeb_Latn")  # converted; other *_Latn labels stay
SPECIAL = regex.compile(r"(?i)^(?:https?://|www\.|@|#)|^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
UNIT = regex.compile(
    r"(?i)^(?:\d+(?:[.,]\d+)?)?(?:dh|dhs|drh|dirhams?|mad|da|dzd|eur|euros?|usd|\$|€|%|km|m|cm|mm|kg|g|mg|l|cl|ml|h|min|s|go|mo|gb|mb|kb|k|ko)$"
)
NUMBER = regex.compile(r"^\d+(?:[.,:/]\d+)*$")
FEW_WORDS = 2  # a text of this many words or fewer is short (module doc)
KABYLE, SHORT_TEXT_KABYLE_MARGIN = "kab_Latn", 2.0  # log-odds Kabyle alone must have over Arabic in Latin script in a short text
MARGIN = -0.5  # log-odds by which the foreign labels must outweigh Arabic in Latin script (benchmarks/evaluate_lid.py sweeps it)
CHAT_DIGITS = "35789"  # ع خ ح ه ق: before a letter inside a Latin word, only Arabizi writes them (2 ء is not one: French writes 2m1, 2eme)
_CHAT_DIGIT_CODES = np.array([ord(d) for d in CHAT_DIGITS], dtype=np.uint32)
HAMZA_LENGTH = 5  # a 2 between two lower-case letters is the hamza in a word this long (so2al, mo2amara; not b2b, r2d2)
NEGATION_LENGTH = 7  # ma + a verb + ch: Darija's negation around a verb (makaynch, mab9itch, maymkench)
_CH_FIRST = np.array([ord("c"), ord("s")], dtype=np.uint32)
FINAL_DIGITS, FINAL_DIGIT_LONGEST = "379", 6  # ع ح ق written last after a vowel in a short word (so9, sba7, rja3; not iphone7)
_FINAL_DIGITS = np.array([ord(d) for d in FINAL_DIGITS], dtype=np.uint32)
_VOWEL_CODES = np.array([ord(c) for c in "aeiou"], dtype=np.uint32)
_SPECIAL_MARKS = np.array([ord(c) for c in "@#:."], dtype=np.uint32)  # every SPECIAL token holds one


def _log_mass(score: np.ndarray) -> np.ndarray:
    """log of the summed exp of each row (minus infinity for no columns)."""
    if score.shape[1] == 0:
        return np.full(len(score), -np.inf)
    peak = score.max(axis=1, keepdims=True)
    return (peak + np.log(np.exp(score - peak).sum(axis=1, keepdims=True)))[:, 0]


@dataclass(frozen=True)
class TokenChars:
    """The code points of a batch's tokens, one after another, with the token of each, which are
    word characters and which ASCII digits: gathered and classified once for every test on them."""

    cps: np.ndarray
    token: np.ndarray
    wordlike: np.ndarray
    digit: np.ndarray

    @classmethod
    def of(cls, batch: TextBatch, starts: np.ndarray, ends: np.ndarray) -> "TokenChars":
        lengths = ends - starts
        cps = batch.codepoints[ranges(starts, lengths)].astype(np.uint32)
        return cls(cps, np.repeat(np.arange(len(starts)), lengths), word_chars(cps), (cps >= 48) & (cps <= 57))


def chat_digit_words(batch: TextBatch, starts: np.ndarray, ends: np.ndarray, chars: TokenChars | None = None) -> np.ndarray:
    """Which tokens ``batch.codepoints[starts[i]:ends[i]]`` are Arabizi by their spelling: Latin
    word characters only, two letters or more, no number, ordinal or measure (``3rd``, ``5km``,
    ``7h30``), and one of: a chat digit (:data:`CHAT_DIGITS`) right before a letter (``m3a``); a
    ``2`` between two lower-case letters in a word of :data:`HAMZA_LENGTH` characters or more
    (``so2al``: ء); a :data:`FINAL_DIGITS` digit last, after a vowel, in a word of 3 to
    :data:`FINAL_DIGIT_LONGEST` characters (``so9``, ``sba7``); or Darija's negation around a verb,
    ``ma`` ... ``ch``/``sh`` in either case, in a word of :data:`NEGATION_LENGTH` letters or more (``makaynch``, ``Makaynch``).
    No French, English, Spanish or Kabyle word of ``../shared/data/lid`` or FLORES is spelt so
    (``mackintosh`` once). ``chars``: the tokens' :class:`TokenChars`, when the caller has them.

    >>> b = TextBatch.from_strings(["3la m3a 3rd 5G ps5 b7al salam d8eb 8h30"])
    >>> s, e = np.array([0, 4, 8, 12, 15, 19, 24, 30, 35]), np.array([3, 7, 11, 14, 18, 23, 29, 34, 39])
    >>> chat_digit_words(b, s, e).tolist()
    [True, True, False, False, False, True, False, True, False]
    >>> b = TextBatch.from_strings(["so2al b2b fo9 mp3 makaynch match"])
    >>> s, e = np.array([0, 6, 10, 14, 18, 27]), np.array([5, 9, 13, 17, 26, 32])
    >>> chat_digit_words(b, s, e).tolist()
    [True, False, True, False, True, False]
    """
    n = len(starts)
    if not n:
        return np.zeros(0, dtype=bool)
    chars = TokenChars.of(batch, starts, ends) if chars is None else chars
    cps, token, lengths = chars.cps, chars.token, ends - starts
    letter = chars.wordlike & ~chars.digit
    same_token = np.zeros(cps.size, dtype=bool)  # same_token[k]: code point k + 1 is in k's token
    same_token[:-1] = token[1:] == token[:-1]
    before_letter = np.zeros(cps.size, dtype=bool)
    before_letter[:-1] = np.isin(cps[:-1], _CHAT_DIGIT_CODES) & letter[1:] & same_token[:-1]
    lower = (cps >= 97) & (cps <= 122)
    between = np.zeros(cps.size, dtype=bool)  # a 2 between two lower-case letters: the hamza of so2al
    between[1:-1] = (cps[1:-1] == 50) & lower[:-2] & lower[2:] & same_token[:-2] & same_token[1:-1]
    folded = cps | 32  # equal to a lower-case ASCII letter only where cps is that letter in either case
    first = np.r_[0, np.cumsum(lengths)[:-1]]
    last = first + lengths - 1
    negation = (lengths >= NEGATION_LENGTH) & (folded[first] == 109) & (folded[np.minimum(first + 1, last)] == 97)
    negation &= np.isin(folded[np.maximum(last - 1, first)], _CH_FIRST) & (folded[last] == 104)  # ma...ch, ma...sh, Makaynch
    final = np.isin(cps[last], _FINAL_DIGITS) & np.isin(folded[np.maximum(last - 1, first)], _VOWEL_CODES) & (lengths >= 3) & (lengths <= FINAL_DIGIT_LONGEST)
    found = (
        (np.bincount(token, weights=~chars.wordlike, minlength=n) == 0)
        & (np.bincount(token, weights=letter, minlength=n) >= 2)
        & ((np.bincount(token, weights=before_letter, minlength=n) > 0)
           | ((np.bincount(token, weights=between, minlength=n) > 0) & (lengths >= HAMZA_LENGTH))
           | negation | final)
    )
    text = batch.joined()
    digit_first = np.flatnonzero(found & chars.digit[first])
    for j, a, b in zip(digit_first.tolist(), starts[digit_first].tolist(), ends[digit_first].tolist()):
        found[j] = not is_number(text[a:b])  # 3rd, 5km: numbers (only they start with a digit)
    return found


def starts_with_digit(cps: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``str.isdigit`` of the characters ``cps[starts]``, all at once: digits of every script, ``²``, ``𝟓``.

    >>> starts_with_digit(np.array([ord(c) for c in "7a ٣²x𝟓"]), np.arange(7)).tolist()
    [True, False, False, True, True, False, True]
    """
    return np.char.isdigit(cps[starts].astype(np.uint32).view("U1"))


def _kept_by_identifier(batch: TextBatch, idf: Identifier, texts: np.ndarray, margin: float, short: np.ndarray, spans: Spans) -> np.ndarray:
    """Which tokens of the batch's texts ``texts`` (in token order) the identifier keeps; ``short``: which
    of those tokens are ASCII words of a text of :data:`FEW_WORDS` words or fewer (see module doc); ``spans``:
    the batch's :func:`~awal.tokenize.token_spans` (a text's tokens are the same alone: not computed again)."""
    lengths = np.diff(batch.offsets)[texts]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    sub = TextBatch(batch.codepoints[ranges(batch.offsets[texts], lengths)], offsets)
    starts, ends, token_offsets = spans
    counts = np.diff(token_offsets)[texts]
    picked = ranges(token_offsets[texts], counts)
    shift = np.repeat(offsets[:-1] - batch.offsets[texts], counts)
    _, _, _, score, word = token_scores(sub, idf, (starts[picked] + shift, ends[picked] + shift, np.r_[0, np.cumsum(counts)]))
    names = idf.labels
    foreign = np.array([name.endswith("_Latn") and name not in ARABIC_IN_LATIN for name in names])
    arabic = _log_mass(score[:, np.isin(names, ARABIC_IN_LATIN)])
    kept = word & (_log_mass(score[:, foreign]) > arabic + margin)
    if short.any() and KABYLE in names:
        at = np.flatnonzero(short & kept)
        kabyle = np.asarray(names) == KABYLE
        kept[at] = ((_log_mass(score[at][:, foreign & ~kabyle]) > arabic[at] + margin)
                    | (score[at, np.flatnonzero(kabyle)[0]] > arabic[at] + SHORT_TEXT_KABYLE_MARGIN))
    return kept


def kept_tokens(batch: TextBatch, idf: Identifier, margin: float = MARGIN) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, text index)`` of the tokens to leave as written, in order (``margin``: see :data:`MARGIN`)."""
    spans = starts, ends, token_offsets = token_spans(batch)
    n = len(starts)
    text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
    keep = np.zeros(n, dtype=bool)
    cps = batch.codepoints
    chars = TokenChars.of(batch, starts, ends)
    # texts with a word the converter reads (Latin letters) that is not Arabizi by its spelling go
    # to the identifier; in the others keeping a token changes nothing
    lettered = np.bincount(chars.token, weights=chars.wordlike & ~chars.digit, minlength=n) > 0
    certain = chat_digit_words(batch, starts, ends, chars)
    scored = np.flatnonzero(np.bincount(text_of, weights=lettered & ~certain, minlength=len(batch)) > 0)
    if len(scored):
        in_scored = ranges(token_offsets[scored], np.diff(token_offsets)[scored])
        short = lettered & (np.bincount(text_of, weights=lettered, minlength=len(batch)) <= FEW_WORDS)[text_of]
        short[chars.token[chars.cps > 127]] = False  # ASCII words only
        keep[in_scored] = _kept_by_identifier(batch, idf, scored, margin, short[in_scored], spans)
    keep &= ~certain
    # URLs, mentions, units after numbers: the regular expressions only on the tokens that may be one
    marks = np.bincount(chars.token, weights=np.isin(chars.cps, _SPECIAL_MARKS), minlength=n) > 0
    text = batch.joined()
    digit_first = starts_with_digit(cps, starts)
    after_digit = np.zeros(n, dtype=bool)
    after_digit[1:] = digit_first[:-1] & (text_of[1:] == text_of[:-1])
    maybe = np.flatnonzero(~keep & (marks | digit_first | after_digit))
    for j, a, b, marked, after in zip(maybe.tolist(), starts[maybe].tolist(), ends[maybe].tolist(), marks[maybe].tolist(),
                                      after_digit[maybe].tolist()):
        token_text = text[a:b]
        if marked and SPECIAL.search(token_text):
            keep[j] = True
        elif UNIT.match(token_text) and (token_text[0].isdigit() or (after and NUMBER.match(text[starts[j - 1] : ends[j - 1]]))):
            keep[j] = True
    # a letter alone between two converted words of its text is Darija's (a khoya, 9issa d mosalsal, n w9ef)
    converted = lettered & ~keep
    inside = np.zeros(n, dtype=bool)
    inside[1:-1] = (text_of[:-2] == text_of[1:-1]) & (text_of[2:] == text_of[1:-1]) & converted[:-2] & converted[2:]
    keep &= ~(inside & lettered & (ends - starts == 1))
    picked = np.flatnonzero(keep)
    return starts[picked], ends[picked], text_of[picked]


def convert_darija(texts: list[str], convert: Callable[[list[str]], list[str]], idf: Identifier | None = None, margin: float = MARGIN) -> list[str]:
    """``convert`` applied to every stretch of ``texts`` between kept tokens (see module doc), all
    in one call; a text with no kept token is one stretch. A text given several times is read once."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) < len(texts):
        read = dict(zip(distinct, convert_darija(distinct, convert, idf, margin)))
        return [read[text] for text in texts]
    idf = Identifier() if idf is None else idf  # (an identifier that is falsy, e.g. with a __len__, is still the one given)
    batch = TextBatch.from_strings(texts)
    starts, ends, text_of = kept_tokens(batch, idf, margin)
    local_starts, local_ends = starts - batch.offsets[text_of], ends - batch.offsets[text_of]
    # a text that is one kept token and nothing else (a French word alone, a URL): its only piece is ""
    alone = (local_starts == 0) & (local_ends == np.diff(batch.offsets)[text_of])
    alone[1:] &= text_of[1:] != text_of[:-1]  # no kept token before it in its text
    alone[:-1] &= text_of[:-1] != text_of[1:]  # nor after it
    spans: dict[int, list[tuple[int, int]]] = {}
    for i, a, b in zip(text_of[~alone].tolist(), local_starts[~alone].tolist(), local_ends[~alone].tolist()):
        spans.setdefault(i, []).append((a, b))
    pieces = list(texts)  # stretches to convert: text i's first one is pieces[i], the others follow the texts
    whole = text_of[alone].tolist()
    for i in whole:
        pieces[i] = ""
    layout: dict[int, list[str | int]] = {}  # per text with kept tokens: a kept token's text, or a piece index
    for i, kept in spans.items():
        text = texts[i]
        pieces[i] = text[: kept[0][0]]
        parts: list[str | int] = [i]
        cursor = kept[0][0]
        for a, b in kept:
            if a > cursor:
                parts.append(len(pieces))
                pieces.append(text[cursor:a])
            parts.append(text[a:b])
            cursor = b
        if cursor < len(text):
            parts.append(len(pieces))
            pieces.append(text[cursor:])
        layout[i] = parts
    converted = convert(pieces) if pieces else []
    out = converted[: len(texts)]
    for i in whole:
        out[i] += texts[i]
    for i, parts in layout.items():
        out[i] = "".join(p if isinstance(p, str) else converted[p] for p in parts)
    return out
