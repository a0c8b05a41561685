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
