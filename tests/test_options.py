"""Options and containers every public function agrees on: flags are bools, unknown option names
suggest close ones, and a batch comes back as the same kind of batch."""

import numpy as np
import pytest

import awal


@pytest.mark.parametrize("value", ["no", "False", 0, 1, None, [], np.int64(1)])
@pytest.mark.parametrize(
    "call",
    [
        lambda v: awal.transliterate("salam je suis", "arabizi2ar", keep_foreign=v),
        lambda v: awal.Transliterator("arabizi2ar", keep_foreign=v),
        lambda v: awal.sentences("a\nb", line_breaks=v),
        lambda v: awal.sentence_spans(["a\nb"], line_breaks=v),
        lambda v: awal.tokenize("7ta", split_digits=v),
        lambda v: awal.tokenize(["7ta"], keep_punctuation=v),
        lambda v: awal.tokenize_with_offsets("7ta", split_scripts=v),
    ],
    ids=["transliterate", "Transliterator", "sentences", "sentence_spans", "tokenize", "tokenize-list", "offsets"],
)
def test_a_flag_that_is_not_a_bool_is_a_type_error(call, value):
    # keep_foreign="no" was taken as True (a truthy string): the opposite of what was meant
    with pytest.raises(TypeError, match="must be True or False"):
        call(value)


def test_bool_flags_work_numpy_bools_included():
    assert awal.tokenize("7ta", split_digits=np.bool_(True)) == awal.tokenize("7ta", split_digits=True) == ["7", "ta"]
    assert awal.transliterate("je suis", "arabizi2ar", keep_foreign=False) != "je suis"


def test_an_unknown_tokenizer_option_suggests_the_close_name():
    with pytest.raises(TypeError, match="unknown option 'split_digit'; did you mean 'split_digits'"):
        awal.tokenize("7ta", split_digit=True)
    with pytest.raises(TypeError, match="did you mean 'keep_punctuation'"):
        awal.tokenize_with_offsets("7ta", keep_punctation=False)


TEXTS = ("سلام عليكم. labas?", "", "ⴰⵣⵓⵍ 7ta 3lach")
PER_TEXT = {  # every public function whose result is one value per text
    "normalize": lambda x: awal.normalize(x),
    "transliterate": lambda x: awal.transliterate(x, "ar2bw"),
    "tokenize": lambda x: awal.tokenize(x),
    "tokenize-options": lambda x: awal.tokenize(x, split_digits=True),
    "tokenize_with_offsets": lambda x: awal.tokenize_with_offsets(x),
    "sentences": lambda x: awal.sentences(x),
    "sentence_spans": lambda x: awal.sentence_spans(x),
    "shingles": lambda x: awal.shingles(x, n=2),
    "dominant_script": lambda x: awal.dominant_script(x),
    "script_spans": lambda x: awal.script_spans(x),
    "identify": lambda x: awal.identify(x),
    "top_k": lambda x: awal.Identifier().top_k(x, k=2),
    "identify_tokens": lambda x: awal.identify_tokens(x),
    "language_spans": lambda x: awal.language_spans(x),
    "mixedness": lambda x: awal.mixedness(x),
}


@pytest.mark.parametrize("name", sorted(PER_TEXT))
def test_a_tuple_gives_a_tuple_of_what_the_list_gives(name):
    # tokenize, sentences, shingles, ... gave a list for a tuple while normalize gave a tuple
    run = PER_TEXT[name]
    out, expected = run(TEXTS), run(list(TEXTS))
    assert type(out) is tuple and type(expected) is list
    assert len(out) == len(expected) == len(TEXTS)
    for got, want in zip(out, expected):
        assert type(got) is type(want)
        if isinstance(want, np.ndarray):
            assert np.array_equal(got, want)
        else:
            assert got == want
    assert run(()) == ()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: awal.Identifier(threshold=True), "threshold must be a number"),  # was: threshold 1.0
        (lambda: awal.Identifier(threshold=float("nan")), "threshold must be a number"),
        (lambda: awal.Identifier(priors={"ary_Latn": True})("salam"), "positive finite"),
        (lambda: awal.Identifier().top_k("salam", k=True), "k must be a whole number from 0"),  # was: k = 1
        (lambda: awal.shingles("a b c", n=True), "n must be a whole number from 1"),  # was: n = 1
        (lambda: awal.Transliterator("arabizi2ar").candidates("salam", n=-1), "n must be a whole number"),  # was: []
        (lambda: awal.Transliterator("ar2bw").candidates("سلام", n="3"), "n must be a whole number"),
        (lambda: awal.Transliterator("arabizi2ar").candidates("salam", n="3"), "n must be a whole number"),  # was: '>' not supported
    ],
)
def test_numbers_out_of_range_or_bools_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: awal.Identifier(priors=[1, 2]), "priors must be a dict"),  # was: cannot convert dictionary update sequence
        (lambda: awal.identify_tokens("salam", 3), "idf must be an awal.Identifier"),  # was: 'int' object has no attribute 'logits'
        (lambda: awal.language_spans("salam", ""), "idf must be an awal.Identifier"),  # was: "" taken for the bundled model
        (lambda: awal.mixedness("salam", "ary"), "idf must be an awal.Identifier"),
    ],
)
def test_wrong_kinds_of_model_options_are_type_errors(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_numpy_numbers_still_work():
    assert len(awal.Identifier().top_k("salam", k=np.int64(2))) == 2
    assert np.array_equal(awal.shingles("a b c d", n=np.int64(2)), awal.shingles("a b c d", n=2))
    assert awal.Identifier(threshold=np.float64(0.5)).threshold == 0.5


def test_a_quality_variety_that_is_not_a_name_is_a_type_error_and_close_names_are_quoted():
    with pytest.raises(TypeError, match="variety must be a str name, got int"):  # was: 'int' object is not iterable
        awal.quality_filter("x", variety=3)
    with pytest.raises(ValueError, match="unknown variety 'aryy'; did you mean 'ary' or 'ar'"):
        awal.quality("x", variety="aryy")


@pytest.mark.parametrize(
    "pairs, error, message",
    [
        ([("kalb", 1)], TypeError, r"pair 0 is \('kalb', 1\): expected \(latin, arabic\), two str"),  # was: a bytes-like object is required
        ([("kalb", "كلب"), (None, "كلب")], TypeError, "pair 1 is"),
        ("kalb", TypeError, "pair 0 is 'kalb'"),  # was: not enough values to unpack
        ([("a",)], TypeError, "pair 0 is"),
        ([], ValueError, "at least one"),  # was: IndexError
    ],
)
def test_fit_names_the_pair_that_is_not_two_strings(pairs, error, message):
    with pytest.raises(error, match=message):
        awal.Transliterator("arabizi2ar").fit(pairs)


def test_at_most_three_proclitics_attach_in_a_row():
    """A run of standalone proclitics made each one a longer copy of the word (memory grew as the run's square:
    a 400 KB line of 'b b b ... x' killed the process); more than three in a row is not Arabizi writing."""
    assert awal.transliterate("b b naja7", "arabizi2ar") == "ببنجاح"
    assert awal.transliterate("b " * 5 + "naja7", "arabizi2ar") == "ب ب بببنجاح"
    long = awal.transliterate("b " * 20_000 + "naja7", "arabizi2ar")
    assert long == "ب " * 19_997 + "بببنجاح"
