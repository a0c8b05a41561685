"""arabizi2ar keeps foreign tokens (awal.lid.keep): the batched rules equal the obvious per-token ones.

Every example here was written for these tests (none is taken from a corpus).
"""

from __future__ import annotations

import numpy as np
import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from awal.arabizi_words import is_number
from awal.batch import TextBatch
from awal.lid import keep
from awal.lid.features import FeatureSpec
from awal.lid.model import Identifier
from awal.lid.tokens import token_scores

from strategies import examples, texts as any_texts

TOY_TEXTS = ["kayn bzaf dyal nas wach", "wach nta labas bikhir", "il y a des gens je suis", "c'est vraiment très bien"] * 3
TOY_LABELS = ["ary_Latn", "ary_Latn", "fra_Latn", "fra_Latn"] * 3
LATIN_LETTER = regex.compile(r"[\p{Latin}\p{Mn}]")
CHAT_WORD = regex.compile(r"(?=.*[35789][^\W\d_])(?=(?:.*[^\W\d_]){2})[\p{Latin}\p{Mn}0-9]+")
SPELT_DARIJA = regex.compile(r"(?=.{5,}$).*[a-z]2[a-z].*|(?=.{3,6}$).*[aeiouAEIOU][379]|(?=.{7,}$)[mM][aA].*[cCsS][hH]")


def chat_word(token: str) -> bool:
    """Arabizi by its spelling alone (keep.chat_digit_words), written out with regular expressions."""
    if not regex.fullmatch(r"(?=(?:.*[^\W\d_]){2})[\p{Latin}\p{Mn}0-9]+", token) or is_number(token):
        return False
    return bool(CHAT_WORD.fullmatch(token) or SPELT_DARIJA.fullmatch(token))


@pytest.fixture(scope="module")
def toy() -> Identifier:
    return Identifier().fit(TOY_TEXTS, TOY_LABELS, spec=FeatureSpec(bits=12), epochs=5)


def reference_kept(texts: list[str], idf: Identifier, margin: float = keep.MARGIN) -> list[tuple[int, int, int]]:
    """The obvious version: every text scored, every token looked at with the regular expressions."""
    batch = TextBatch.from_strings(texts)
    starts, ends, token_offsets, score, word = token_scores(batch, idf)
    names = idf.labels
    foreign = [i for i, name in enumerate(names) if name.endswith("_Latn") and name not in keep.ARABIC_IN_LATIN]
    arabic = [i for i, name in enumerate(names) if name in keep.ARABIC_IN_LATIN]
    text = batch.joined()
    text_of = np.repeat(np.arange(len(texts)), np.diff(token_offsets)).tolist()
    tokens = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    out, flags = [], []
    # texts with nothing to convert (no Latin letter) or only chat-digit words are not scored
    scored = {t for j, t in enumerate(text_of) if LATIN_LETTER.search(tokens[j])
              and not chat_word(tokens[j])}
    lettered = [t for j, t in enumerate(text_of) if LATIN_LETTER.search(tokens[j])]
    for j, token in enumerate(tokens):
        # an ASCII word of a short text: Kabyle alone must outweigh Arabic by SHORT_TEXT_KABYLE_MARGIN
        short = lettered.count(text_of[j]) <= keep.FEW_WORDS and LATIN_LETTER.search(token) and token.isascii()
        others = [i for i in foreign if not (short and names[i] == keep.KABYLE)]
        mass = [np.logaddexp.reduce(score[j, c]) if c else -np.inf for c in (others, arabic)]
        kabyle = [score[j, i] - mass[1] for i in foreign if short and names[i] == keep.KABYLE]
        chat = chat_word(token)
        kept = bool(word[j]) and (mass[0] > mass[1] + margin or any(k > keep.SHORT_TEXT_KABYLE_MARGIN for k in kabyle)) and not chat and text_of[j] in scored
        after_number = j > 0 and text_of[j - 1] == text_of[j] and keep.NUMBER.match(tokens[j - 1])
        kept = kept or bool(keep.SPECIAL.search(token))
        kept = kept or bool(keep.UNIT.match(token) and (token[0].isdigit() or after_number))
        flags.append(kept)
    converted = [bool(LATIN_LETTER.search(t)) and not k for t, k in zip(tokens, flags)]
    for j, token in enumerate(tokens):
        # a letter alone between two converted words of its text is converted
        inside = 0 < j < len(tokens) - 1 and text_of[j - 1] == text_of[j] == text_of[j + 1] and converted[j - 1] and converted[j + 1]
        if flags[j] and not (inside and len(token) == 1 and LATIN_LETTER.search(token)):
            out.append((int(starts[j]), int(ends[j]), text_of[j]))
    return out


PIECES = ["3la", "m3a", "7mar", "b9it", "d8eb", "8h30", "3rd", "5km", "5G", "ps5", "200", "dh", "3,5", "km", "50%", "٣", "$", "@sahbi",
          "#fun", "www.x.ma", "https://t.co/x", "a@b.ma", "je", "suis", "des", "gens", "wach", "kayn", "bzaf", "!", "😂", "سلام",
          "٢٠٠", "٣km", "²", "𝟓", "۵dh",
          "so2al", "b2b", "r2d2", "fo9", "mp3", "sba7", "iphone7", "makaynch", "match", "mash", "Ma9lobch", "Makaynch", "SBA7", "maſſaſh",
          "a", "d", "l", "n", "é", "A"]  # digits of other scripts, a superscript and an astral digit


@examples(60)
@given(st.lists(st.lists(st.sampled_from(PIECES) | any_texts, max_size=6).map(" ".join), max_size=5))
def test_kept_tokens_equal_the_per_token_rules(toy, texts):
    starts, ends, text_of = keep.kept_tokens(TextBatch.from_strings(texts), toy)
    assert list(zip(starts.tolist(), ends.tolist(), text_of.tolist())) == reference_kept(texts, toy)


def test_chat_digit_words_are_darija_whatever_the_identifier_says(toy, monkeypatch):
    french = Identifier().fit(["3la m3a 7mar b9it", "kayn bzaf"] * 3, ["fra_Latn", "ary_Latn"] * 3, spec=FeatureSpec(bits=12), epochs=5)
    upper = lambda pieces: [p.upper() for p in pieces]  # noqa: E731  a marker converter
    assert keep.convert_darija(["je suis 3la m3a b9it gens"], upper, toy) == ["je suis 3LA M3A B9IT gens"]
    assert keep.convert_darija(["3la m3a 7mar"], upper, french) == ["3LA M3A 7MAR"]
    # 8 is ه before a letter (DODa's d8eb ذهب, der8am درهم); 8h30 is a time
    assert keep.convert_darija(["d8eb", "der8am 8h30"], upper, french) == ["D8EB", "DER8AM 8h30"]
    calls = []
    monkeypatch.setattr(keep, "token_scores", lambda *a: calls.append(a) or token_scores(*a))
    # texts of such words, numbers and punctuation only are not scored at all
    assert keep.convert_darija(["3la m3a!", "b9it 200 dh", "7mar kayn"], upper, toy) == ["3LA M3A!", "B9IT 200 dh", "7MAR KAYN"]
    assert len(calls) == 1 and len(calls[0][0]) == 2  # the two texts with another word ("dh", "kayn")
    assert keep.convert_darija(["سلام عليكم", "٣ 😂 !"], upper, french) == ["سلام عليكم", "٣ 😂 !"]
    assert len(calls) == 1  # nothing in them to convert: not scored


def test_words_spelt_as_only_darija_spells_are_converted_whatever_the_identifier_says():
    french = Identifier().fit(["so2al makaynch fo9 sba7", "kayn bzaf"] * 3, ["fra_Latn", "ary_Latn"] * 3, spec=FeatureSpec(bits=12), epochs=5)
    upper = lambda pieces: [p.upper() for p in pieces]  # noqa: E731
    # the hamza 2 inside a word, 3 7 9 last after a vowel, the negation ma...ch around a verb
    assert keep.convert_darija(["so2al makaynch fo9 sba7"], upper, french) == ["SO2AL MAKAYNCH FO9 SBA7"]
    assert keep.convert_darija(["mas2oul", "mafhemtch", "mabghitsh", "rja3"], upper, french) == ["MAS2OUL", "MAFHEMTCH", "MABGHITSH", "RJA3"]
    # not so: 2 in a short word (b2b), no vowel before the last digit (mp3), a long word (iphone7), match
    assert chat_word("so2al") and chat_word("makaynch") and chat_word("fo9")
    assert chat_word("Makaynch") and chat_word("MAFHEMTCH") and chat_word("SBA7")  # case is no sign of a language here
    assert not any(map(chat_word, ["b2b", "r2d2", "mp3", "ps5", "iphone7", "match", "mash", "Mach"]))


def test_a_letter_alone_between_converted_words_is_converted():
    upper = lambda pieces: [p.upper() for p in pieces]  # noqa: E731
    french = Identifier().fit(["a d l n", "kayn bzaf"] * 3, ["fra_Latn", "ary_Latn"] * 3, spec=FeatureSpec(bits=12), epochs=5)
    # Darija's vocative a, d (ديال), l and verb prefixes written apart, between two Darija words
    assert keep.convert_darija(["3la a b7al", "9issa d m3a"], upper, french) == ["3LA A B7AL", "9ISSA D M3A"]
    # not at a text's edge, not beside a kept word, not a longer word
    assert keep.convert_darija(["a m3a", "m3a d", "3la a d", "3la ad m3a"], upper, french) == ["a M3A", "M3A d", "3LA a d", "3LA ad M3A"]


def test_a_word_of_a_short_text_in_ascii_is_not_kept_for_kabyle():
    texts = ["kayn bzaf dyal nas tikkelt", "il y a des gens", "tameddit tikkelt yiwen wactal"] * 3
    idf = Identifier().fit(texts, ["ary_Latn", "fra_Latn", "kab_Latn"] * 3, spec=FeatureSpec(bits=12), epochs=5)
    upper = lambda pieces: [p.upper() for p in pieces]  # noqa: E731
    # alone (or with one other word), a word the identifier finds about as Kabyle as Darija is
    # converted; French alone, a plainly Kabyle word alone, Kabyle among two other words or written
    # with a letter outside ASCII, stays
    texts = ["tikkelt", "gens", "yiwen", "tikkelt 200 !", "tikkelt kayn", "tikkelt yiwen wactal", "tikkelţ"]
    assert keep.convert_darija(texts, upper, idf) == [
        "TIKKELT", "gens", "yiwen", "TIKKELT 200 !", "TIKKELT KAYN", "tikkelt yiwen wactal", "tikkelţ"]


def test_convert_darija_keeps_layout(toy):
    upper = lambda pieces: [p.upper() for p in pieces]  # noqa: E731
    texts = ["", "wach kayn des gens? 200 dh www.x.ma", "@sahbi", "je suis", "kayn"]
    assert keep.convert_darija(texts, upper, toy) == ["", "WACH KAYN des gens? 200 dh www.x.ma", "@sahbi", "je suis", "KAYN"]
    assert keep.convert_darija([], upper, toy) == []
    repeated = ["kayn", "je suis kayn", "kayn", "", "je suis kayn"]
    assert keep.convert_darija(repeated, upper, toy) == [keep.convert_darija([t], upper, toy)[0] for t in repeated]


def reference_convert(texts: list[str], convert, idf: Identifier) -> list[str]:
    """The obvious layout, text by text: the stretch before the first kept token (empty or not),
    then each kept token as written and each non-empty stretch after it, every stretch converted alone."""
    starts, ends, text_of = keep.kept_tokens(TextBatch.from_strings(texts), idf)
    offsets = np.cumsum([0] + [len(t) for t in texts])
    kept: dict[int, list[tuple[int, int]]] = {}
    for a, b, i in zip(starts.tolist(), ends.tolist(), text_of.tolist()):
        kept.setdefault(i, []).append((a - int(offsets[i]), b - int(offsets[i])))
    out = []
    for i, text in enumerate(texts):
        spans = kept.get(i)
        if not spans:
            out.append(convert([text])[0])
            continue
        parts, cursor = [convert([text[: spans[0][0]]])[0]], spans[0][0]
        for a, b in spans:
            if a > cursor:
                parts.append(convert([text[cursor:a]])[0])
            parts.append(text[a:b])
            cursor = b
        if cursor < len(text):
            parts.append(convert([text[cursor:]])[0])
        out.append("".join(parts))
    return out


@examples(60)
@given(st.lists(st.lists(st.sampled_from(PIECES) | any_texts, max_size=4).map(" ".join) | st.sampled_from(PIECES), max_size=6))
def test_convert_darija_equals_the_layout_text_by_text(toy, texts):
    # a marking converter: an empty stretch shows as "<>" (a text that is one kept token has one, before it)
    mark = lambda pieces: [f"<{p.upper()}>" for p in pieces]  # noqa: E731
    assert keep.convert_darija(texts, mark, toy) == reference_convert(texts, mark, toy)
