"""The one-string paths (awal.fastpath, the tokenizer's regex) give exactly the batch output."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import INTERESTING, characters, examples, texts

import awal
from awal.batch import TextBatch
from awal.fastpath import LONGEST, SMALL_LIST, run_fast, text_function
from awal.normalize import Normalizer
from awal.rules import CharStep, CollapseStep, NfcStep
from awal.tokenize import _fast_spans, _fast_tokens, token_spans, tokens_from_spans
from awal.translit import MODEL_SCHEMES, _table_scheme

TABLE_SCHEMES = [name for name in awal.schemes() if name not in MODEL_SCHEMES]

# what the tokenizer's rules look at: several scripts, marks, digits, glue characters
TOKEN_ALPHABET = (
    "abzéABسلامⴰⵣⵓⵍαβжשׁ中ह0129٣,.:/٫'’-!؟«»_²Ⅳ \t\n\x00\u0301\u064e\u0651\u0654ـ\u200c\u200d@#www"
)
SPECIAL_PIECES = ["https://ex.ma/a?b=1", "http://", "www.x.ma", "WwW.", "@awal", "#المغرب_الكبير", "a@b.co", "1.2@x.ma", "x.ma/1.5"]
token_texts = st.lists(
    st.one_of(st.sampled_from(TOKEN_ALPHABET), characters, st.sampled_from(SPECIAL_PIECES)), max_size=25
).map("".join)


def batch_normalize(normalizer: Normalizer, text: str) -> str:
    return normalizer.normalize_batch(TextBatch.from_input(text)).to_output()


@pytest.mark.parametrize("profile", awal.profiles())
@given(text=texts)
def test_every_profile_one_string_equals_batch(profile, text):
    normalizer = Normalizer(profile)
    function = text_function(normalizer.steps)
    assert function is not None  # every built-in profile has a fast form today
    assert function(text) == batch_normalize(normalizer, text)


@pytest.mark.parametrize("profile", awal.profiles())
@examples(60)
@given(text=st.text(alphabet=st.sampled_from("هههاللهممممaaaw.ⵯⵯⵯ\u0301\u064eیىيεγ \u0654"), max_size=40))
def test_profiles_on_runs_and_contexts(profile, text):
    normalizer = Normalizer(profile)
    assert normalizer(text) == batch_normalize(normalizer, text)


@pytest.mark.parametrize("scheme", TABLE_SCHEMES)
@examples(40)  # 13 schemes
@given(text=texts)
def test_every_table_scheme_one_string_equals_batch(scheme, text):
    table = _table_scheme(scheme)
    assert table.text_function is not None
    assert table.text_function(text) == table.apply(TextBatch.from_input(text)).to_output()


@given(strings=st.lists(texts, max_size=SMALL_LIST + 2))
def test_small_lists_and_tuples_keep_their_type(strings):
    n = Normalizer("search")
    assert n(strings) == [batch_normalize(n, s) for s in strings]
    assert n(tuple(strings)) == tuple(batch_normalize(n, s) for s in strings)
    assert awal.transliterate(strings, "ar2bw") == [awal.transliterate(s, "ar2bw") for s in strings]


def test_long_strings_and_bad_items_take_the_batch_path():
    assert run_fast("a" * (LONGEST + 1), str.upper) is None
    assert run_fast(["a", 1], str.upper) is None
    assert run_fast(["a"] * (SMALL_LIST + 1), str.upper) is None
    with pytest.raises(TypeError, match="item 1 is int"):
        awal.normalize(["a", 1], "search")


def test_unknown_step_kinds_fall_back_to_the_batch_path():
    @dataclasses.dataclass(frozen=True)
    class NewKind:
        names: tuple[str, ...]

    assert text_function([NfcStep(("nfc",)), NewKind(("x",))]) is None

    @dataclasses.dataclass(frozen=True)
    class CollapseWithOption(CollapseStep):  # a known kind that gained a field it does not read
        new_option: str = "x"

    step = next(s for s in Normalizer("default").steps if isinstance(s, CollapseStep))
    assert text_function([step]) is not None
    assert text_function([CollapseWithOption(**{f.name: getattr(step, f.name) for f in dataclasses.fields(step)})]) is None
    assert text_function([CharStep.build(("x",), {"a": "b"})])("abc") == "bbc"


def batch_tokens(text: str) -> list[str]:
    batch = TextBatch.from_input(text)
    return tokens_from_spans(batch, *token_spans(batch))[0]


def batch_spans(text: str) -> list[tuple[str, int, int]]:
    starts, ends, _ = token_spans(TextBatch.from_input(text))
    return [(text[a:b], a, b) for a, b in zip(starts.tolist(), ends.tolist())]


@given(text=token_texts)
def test_token_regex_equals_the_array_tokenizer(text):
    fast = _fast_tokens(text)
    if fast is not None:
        assert fast == batch_tokens(text)
    spans = _fast_spans(text)
    assert (spans is None) == (fast is None)
    if spans is not None:
        assert spans == batch_spans(text)
    assert awal.tokenize(text) == batch_tokens(text)
    assert awal.tokenize_with_offsets(text) == batch_spans(text)


@given(text=st.text(alphabet=st.sampled_from("abéسلامⴰⵣαж09,.'’:! \u0301\u064e\u200c\u200f"), max_size=40))
def test_token_regex_covers_plain_text(text):
    """Text of the project's scripts with ordinary punctuation takes the regex (so the test above is not vacuous)."""
    assert _fast_tokens(text) == batch_tokens(text)


# tatweel between, after and before letters of every joining type, words of one to three letters,
# digits, marks (U+0670 on a tatweel is how Quranic text writes a dagger alif), glue and triggers
TATWEEL_ALPHABET = "ـــــبلهاودئ ٰ\u064e\u0654\u200cAxé19٣',.#@ \t"


@given(text=st.text(alphabet=st.sampled_from(TATWEEL_ALPHABET), max_size=30))
def test_token_regex_on_tatweel_equals_the_array_tokenizer(text):
    fast, spans = _fast_tokens(text), _fast_spans(text)
    if "@" not in text and "#" not in text:  # the tatweel rules are in the fast path: only a special token's edge declines
        assert fast is not None
    if fast is not None:
        assert fast == batch_tokens(text)
        assert spans == batch_spans(text)


# pictographs, flags (regional indicators, one or paired), their modifiers (skin tone, variation
# selector, keycap, tags), zero-width joiners and non-joiners, next to letters, marks, digits, tatweel
EMOJI_ALPHABET = "👍👩💻❤©🏴🇲🇦🇩\U0001F3FD\ufe0f\u20e3\U000E0067\U000E007F\u200d\u200c\u0301 aب1ـ'#@ "


@given(text=st.text(alphabet=st.sampled_from(EMOJI_ALPHABET), max_size=25))
def test_token_regex_on_emoji_equals_the_array_tokenizer(text):
    fast, spans = _fast_tokens(text), _fast_spans(text)  # None: the array path (a modifier with no emoji before it, ...)
    if fast is not None:
        assert fast == batch_tokens(text)
        assert spans == batch_spans(text)


@pytest.mark.parametrize("text", ["شكرا 👍🏽👍🏽", "❤️ dima maghrib 🇲🇦🇲🇦", "👩\u200d💻 ت", "1\ufe0f\u20e3 ©", "🏴\U000E0067\U000E007F بـ😀"])
def test_emoji_in_the_fast_path(text):
    assert _fast_tokens(text) == batch_tokens(text)
    assert _fast_spans(text) == batch_spans(text)


@pytest.mark.parametrize(
    "text",
    ["جميـــل", "بـ الـ 1445هـ الـ84 الـiPhone", "ـ11 الأهمـ وـربما ــــ", "ٱلصَّـٰلِحَـٰتِ", "#الـمغرب بـ#x ـ@a"],
)
def test_tatweel_words_and_dashes(text):
    assert _fast_tokens(text) == batch_tokens(text)
    assert awal.tokenize_with_offsets(text) == batch_spans(text)


@given(strings=st.lists(token_texts, max_size=10))
def test_tokenize_small_lists(strings):
    assert awal.tokenize(strings) == [batch_tokens(s) for s in strings]
    assert awal.tokenize(tuple(strings)) == tuple(batch_tokens(s) for s in strings)


def test_token_regex_declines_what_it_does_not_cover():
    for text in ("中文", "👍 中", "@1.\u064e1", "\ud800", "a" * 3000, "l'https://x.ma"):
        assert _fast_tokens(text) is None, text
        assert awal.tokenize(text) == batch_tokens(text)
    for text in ("see https://x.ma.", "www.ex.ma", "@awal, #tag", "a@b.co", "👍🏽", "👩\u200d💻 🇲🇦!"):  # found as the array path finds them
        assert _fast_tokens(text) == batch_tokens(text), text
    assert awal.tokenize("l'école, 9:30 ma3ndich", split_digits=True) == ["l'école", ",", "9:30", "ma", "3", "ndich"]


@pytest.mark.parametrize("text", ["", "ⵣ", INTERESTING])
def test_interesting_characters(text):
    for profile in awal.profiles():
        n = Normalizer(profile)
        assert n(text) == batch_normalize(n, text)
