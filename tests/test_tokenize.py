"""Word tokenizer: documented cases, span properties on arbitrary Unicode, a pure-Python twin, UD F1."""

from __future__ import annotations

from importlib import import_module

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from awal import reference
from awal.batch import TextBatch
from awal.tokenize import token_spans, tokenize, tokenize_with_offsets
from strategies import INTERESTING, batches, texts
from ud_scoring import evaluate

tk = import_module("awal.tokenize")  # the module (awal.tokenize is also the function's name)

CASES = [
    # words, marks, tatweel
    ("", []),
    ("   \n\t ", []),
    ("وَقَالَ ٱلْحَمْدُ", ["وَقَالَ", "ٱلْحَمْدُ"]),
    ("جميـــل", ["جميـــل"]),
    ("الـ84 الـiPhone", ["الـ84", "الـiPhone"]),
    ("وـربما الأهمـ ـ11", ["و", "ـ", "ربما", "الأهم", "ـ", "ـ", "11"]),  # dashes, as in UD Arabic-PUD
    ("بـ 100 درهم، الـ, 1445هـ.", ["بـ", "100", "درهم", "،", "الـ", ",", "1445هـ", "."]),  # connecting forms
    ("بـAـ", ["بـAـ"]),  # a tatweel inside a word is not one of its letters: بـA is a two-letter word (found by `make fuzz`)
    ("ⴰⵣⵓⵍ ـ ـ", ["ⴰⵣⵓⵍ", "ـ", "ـ"]),  # no word next to it: a dash
    ("a\uf065rab \uf065", ["a\uf065rab", "\uf065"]),  # private use (legacy Kabyle fonts) inside a word
    ("كلمة ــــ كلمة", ["كلمة", "ــــ", "كلمة"]),
    ("\u064eكلمة", ["\u064eكلمة"]),  # a mark at the start of the string starts the word
    ("ⵜⴰⵎⴰⵣⵉⵖⵜ ⴰⴳⵯⵍⵍⵉⴷ ⴽ⵿ⵡ", ["ⵜⴰⵎⴰⵣⵉⵖⵜ", "ⴰⴳⵯⵍⵍⵉⴷ", "ⴽ⵿ⵡ"]),
    ("ⴰⵣⵓⵍ⵰ ⴰⵎⴷⴷⴰⴽⴽⵍ", ["ⴰⵣⵓⵍ", "⵰", "ⴰⵎⴷⴷⴰⴽⴽⵍ"]),
    ("tamaziɣt ḍḍerb", ["tamaziɣt", "ḍḍerb"]),
    # Arabizi and numbers
    ("ma3ndich 7ta 3lach", ["ma3ndich", "7ta", "3lach"]),
    ("1,000.5 ٣٫٥ 9:30 12/05/2024 ١٬٠٠٠", ["1,000.5", "٣٫٥", "9:30", "12/05/2024", "١٬٠٠٠"]),
    ("و1,4 مليار", ["و1,4", "مليار"]),
    ("2013-2014.", ["2013", "-", "2014", "."]),
    ("3, 4. 5:", ["3", ",", "4", ".", "5", ":"]),
    # punctuation
    ("نعم، لا؛ لماذا؟", ["نعم", "،", "لا", "؛", "لماذا", "؟"]),
    ('قال: "كذا"!?', ["قال", ":", '"', "كذا", '"', "!", "?"]),
    ("انتظر... ثم…", ["انتظر", "...", "ثم", "…"]),
    ("(a)[b]{c}", ["(", "a", ")", "[", "b", "]", "{", "c", "}"]),
    ("l'école aujourd'hui don’t 'quoted'", ["l'école", "aujourd'hui", "don’t", "'", "quoted", "'"]),
    ("a_b _x", ["a_b", "_x"]),
    ("Wikipediaويكيبيديا", ["Wikipedia", "ويكيبيديا"]),
    ("می\u200cخواهم \u200fكلمة\u200f.", ["می\u200cخواهم", "كلمة", "."]),
    # special tokens
    ("زوروا https://ar.wikipedia.org/wiki/المغرب_(دولة). و www.awal.ma!", ["زوروا", "https://ar.wikipedia.org/wiki/المغرب_(دولة", ")", ".", "و", "www.awal.ma", "!"]),
    ("(http://x.ma/a?b=1&c=2)", ["(", "http://x.ma/a?b=1&c=2", ")"]),
    ("راسلني: contact.me+ar@exemple.co.ma.", ["راسلني", ":", "contact.me+ar@exemple.co.ma", "."]),
    ("@user_1 شكرا @سعيد", ["@user_1", "شكرا", "@سعيد"]),
    ("#المغرب_الكبير #Awal2024 C# a#b", ["#المغرب_الكبير", "#Awal2024", "C", "#", "a", "#", "b"]),
    ("@ # : / www", ["@", "#", ":", "/", "www"]),
    # emoji
    ("👍🏽👍", ["👍🏽", "👍"]),
    ("👩\u200d💻 👨\u200d👩\u200d👧", ["👩\u200d💻", "👨\u200d👩\u200d👧"]),
    ("🇲🇦🇩🇿🇹", ["🇲🇦", "🇩🇿", "🇹"]),
    ("❤️ 1️⃣", ["❤️", "1️⃣"]),
    ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f!", ["🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "!"]),
    ("كلمة😀كلمة", ["كلمة", "😀", "كلمة"]),
    # robustness
    ("a\x00b", ["a", "b"]),
    ("\ud800x\udfff", ["\ud800", "x", "\udfff"]),
    ("\U00010000 \U0001d400x\U0001f600", ["\U00010000", "\U0001d400x", "\U0001f600"]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_documented_cases(text, expected):
    assert tokenize(text) == expected
    assert [t for t, _, _ in tokenize_with_offsets(text)] == expected


@pytest.mark.parametrize(
    "text,options,expected",
    [
        ("ma3ndich 7ta", {"split_digits": True}, ["ma", "3", "ndich", "7", "ta"]),
        ("3,5 و1", {"split_digits": True}, ["3,5", "و", "1"]),
        ("قال: «نعم»، 😀 #وسم ـ", {"keep_punctuation": False}, ["قال", "نعم", "😀", "#وسم"]),
        ("#tag @me http://x.ma", {"special_tokens": False}, ["#", "tag", "@", "me", "http", ":", "/", "/", "x", ".", "ma"]),
        ("l'école", {"split_apostrophes": True}, ["l", "'", "école"]),
        ("Wikipediaويكيبيديا", {"split_scripts": False}, ["Wikipediaويكيبيديا"]),
    ],
)
def test_options(text, options, expected):
    assert tokenize(text, **options) == expected


def test_containers_and_errors():
    assert tokenize([]) == []
    assert tokenize(["", "a b"]) == [[], ["a", "b"]]
    assert tokenize(("x",)) == (["x"],)  # a tuple gives a tuple (round 11)
    assert tokenize_with_offsets(["ab", "", " c"]) == [[("ab", 0, 2)], [], [("c", 1, 2)]]
    for bad in (None, 3, b"bytes", ["ok", 1]):
        with pytest.raises(TypeError):
            tokenize(bad)
    with pytest.raises(TypeError):
        tokenize("x", no_such_option=True)


def test_arrow_input():
    pa = pytest.importorskip("pyarrow")
    array = pa.chunked_array([["سلام عليكم", None], ["ⴰⵣⵓⵍ!"]])
    out = tokenize(array)  # Arrow in, Arrow out: list<string>, nulls and chunks kept
    assert isinstance(out, pa.ChunkedArray) and out.type == pa.list_(pa.string())
    assert out.to_pylist() == [["سلام", "عليكم"], None, ["ⴰⵣⵓⵍ", "!"]]


def test_whitespace_never_inside_a_token():
    """str.split() is how tokens are cut apart, so every str.isspace() character must be a SPACE."""
    table = tk.code_table()
    spaces = [cp for cp in range(0x110000) if chr(cp).isspace()]
    assert all(table[cp] == tk.SPACE for cp in spaces)


def check_spans(text, triples):
    previous_end = 0
    for token, start, end in triples:
        assert text[start:end] == token
        assert previous_end <= start < end <= len(text)
        assert not any(ch.isspace() for ch in token)
        previous_end = end


option_sets = st.fixed_dictionaries(
    {},
    optional={name: st.booleans() for name in ("split_digits", "keep_punctuation", "special_tokens", "split_apostrophes", "split_scripts")},
)
special_texts = st.text(alphabet=st.sampled_from(INTERESTING + "@#:/.wW") | st.characters(codec=None), max_size=60)


@given(st.one_of(texts, special_texts), option_sets)
def test_tokens_are_spans_of_the_input(text, options):
    triples = tokenize_with_offsets(text, **options)
    check_spans(text, triples)
    assert [t for t, _, _ in triples] == tokenize(text, **options)


@given(st.one_of(batches, st.lists(special_texts, max_size=8)), option_sets)
def test_batch_equals_one_by_one(texts_, options):
    assert tokenize(texts_, **options) == [tokenize(t, **options) for t in texts_]
    b = TextBatch.from_input(texts_)
    starts, ends, token_offsets = token_spans(b, **options)
    assert token_offsets[0] == 0 and token_offsets[-1] == len(starts)
    assert np.all(np.diff(token_offsets) >= 0)
    assert np.all(starts < ends) and np.all(ends[:-1] <= starts[1:])


@given(st.lists(special_texts, max_size=6))
def test_chunked_batches_equal_one_by_one(texts_):
    """Batches cut into many chunks give what one string at a time gives."""
    saved = tk._CHUNK
    tk._CHUNK = 7
    try:
        assert tokenize(texts_) == [tokenize(t) for t in texts_]
    finally:
        tk._CHUNK = saved


@given(st.text(alphabet=st.sampled_from(INTERESTING + "@#:/."), min_size=1, max_size=20), st.integers(1, 2000))
def test_very_long_lines(piece, repeat):
    text = piece * repeat
    check_spans(text, tokenize_with_offsets(text))


def test_long_line_with_triggers_is_linear():
    text = ("a" * 50_000 + "@") * 4 + " #" + "ب" * 100_000
    tokens = tokenize(text)
    assert tokens[-1] == "#" + "ب" * 100_000


@given(st.one_of(texts, st.text(alphabet=st.sampled_from("ـبوا1٫.,'’\u200c\u200d\u064e\uf065👍🏽🇲🇦 ab"), max_size=30)), option_sets)
def test_equals_reference(text, options):
    options["special_tokens"] = False
    got = [(s, e) for _, s, e in tokenize_with_offsets(text, **options)]
    assert got == reference.token_spans(text, **{k: v for k, v in options.items() if k != "special_tokens"})


_NO_JOINED_MARK = "ـبوا1٫.,'’\u200c\u200d\uf065👍🇲🇦 ab@#:/"  # no combining mark, skin tone or variation selector


@given(st.lists(st.text(alphabet=st.sampled_from(_NO_JOINED_MARK), max_size=20), max_size=6), st.booleans())
def test_batches_with_and_without_joined_marks_equal_reference(texts_, with_mark):
    """Batch spans equal the reference per string, whether the batch has marks joined to a base
    (the bases are gathered) or none (every code point is a base: the gather is skipped; a mark
    that starts a string or follows a space is a base of its own)."""
    texts_ = [*texts_, "ب\u064e👍🏽" if with_mark else "\u064eب \u0650ـ"]
    b = TextBatch.from_input(texts_)
    firsts = b.offsets[:-1][np.diff(b.offsets) > 0]
    assert (tk._bases(tk.map_table(b.codepoints, tk.code_table()), firsts) is None) != with_mark
    starts, ends, token_offsets = token_spans(b, special_tokens=False)
    for i, text in enumerate(texts_):
        tokens = slice(token_offsets[i], token_offsets[i + 1])
        origin = b.offsets[i]
        assert list(zip((starts[tokens] - origin).tolist(), (ends[tokens] - origin).tolist())) == reference.token_spans(text)


@pytest.mark.shared
def test_ud_arabic_pud_word_f1(shared_data):
    """Span F1 on the dev half of UD Arabic-PUD (anchors: regex \\w+|[^\\w\\s] 99.41, best peers 99.66)."""

    def spans_of(sentences):
        return [[(s, e) for _, s, e in triples] for triples in tokenize_with_offsets(sentences)]

    result = evaluate(shared_data / "ud" / "ar_pud-dev-half.conllu", spans_of)
    assert result["gold"] > 8000
    assert result["f1"] >= 99.8, result


@pytest.mark.parametrize("text", ["ـ", "ـــ", "ـب", "ـ ـ"])
def test_tatweel_at_the_start_of_a_string(text):
    """A tatweel at position 0 has no letters before it (it used to index past the start)."""
    assert [(s, e) for _, s, e in tokenize_with_offsets(text)] == reference.token_spans(text)
