"""pandas Series and NumPy arrays: same container out, same index and name, missing values kept, batch path used."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from awal import batch
from strategies import texts

TEXTS = ["ﻻ إلهَ", "", "Tamaziγt ⴰⵣⵓⵍ", "wach nta mzyan? 3lach"]

# every public function that maps one string to one result, called as a user would
FUNCTIONS = {
    "normalize": lambda x: awal.normalize(x, profile="search"),
    "Normalizer": awal.Normalizer("default"),
    "transliterate": lambda x: awal.transliterate(x, "ar2bw"),
    "arabizi2ar": lambda x: awal.transliterate(x, "arabizi2ar"),
    "tokenize": lambda x: awal.tokenize(x, split_digits=True),
    "tokenize_with_offsets": awal.tokenize_with_offsets,
    "dominant_script": awal.dominant_script,
    "script_spans": awal.script_spans,
    "sentences": awal.sentences,
    "sentence_spans": lambda x: awal.sentence_spans(x, line_breaks=False),
    "identify": awal.identify,
    "identify_tokens": awal.identify_tokens,
}


def test_shingles_of_a_series_and_an_array() -> None:
    series = pd.Series([TEXTS[3], None], index=["a", "b"])
    out = awal.shingles(series, n=2)
    assert out.index.equals(series.index) and out.iloc[1] is series.iloc[1]  # missing, as it was
    assert out.iloc[0].tolist() == awal.shingles(TEXTS[3], n=2).tolist()
    out = awal.shingles(np.array(TEXTS))
    assert [h.tolist() for h in out] == [h.tolist() for h in awal.shingles(TEXTS)]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("dtype", [object, "string[python]", "str"])
def test_series_keeps_index_name_and_missing(name: str, dtype: object) -> None:
    fn = FUNCTIONS[name]
    series = pd.Series([*TEXTS, None], index=[10, 11, "b", 13, "gap"], name="text", dtype=dtype)
    out = fn(series)
    assert isinstance(out, pd.Series)
    assert out.index.equals(series.index) and out.name == "text"
    assert out.iloc[:-1].tolist() == fn(TEXTS)
    assert pd.isna(out.iloc[-1])
    string_results = isinstance(fn("x"), str)
    assert out.dtype == (series.dtype if string_results and dtype != object else object)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_numpy_arrays(name: str) -> None:
    fn = FUNCTIONS[name]
    expected = fn(TEXTS)
    fixed = np.array(TEXTS).reshape(2, 2)
    out = fn(fixed)
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)
    assert out.ravel().tolist() == expected
    if isinstance(expected[0], str):
        assert out.dtype.kind == "U"

    objects = np.array([TEXTS[0], None, TEXTS[2], float("nan")], dtype=object)
    out = fn(objects)
    assert out.dtype == object and out.shape == (4,)
    assert out[1] is None and out[3] != out[3]  # missing values stay missing, as they were
    assert [out[0], out[2]] == [expected[0], expected[2]]

    strings = np.array([TEXTS[0], None], dtype=np.dtypes.StringDType(na_object=None))
    out = fn(strings)
    assert out[0] == expected[0] and out[1] is None
    if isinstance(expected[0], str):
        assert out.dtype == strings.dtype


def test_empty_containers() -> None:
    assert awal.normalize(pd.Series([], dtype=object)).tolist() == []
    assert awal.normalize(np.array([], dtype=str)).shape == (0,)
    assert awal.tokenize(np.array([], dtype=object)).shape == (0,)


def test_keyword_argument_and_options() -> None:
    assert awal.tokenize(x=np.array(["ma3ndich"]), split_digits=True)[0] == ["ma", "3", "ndich"]


def test_series_go_through_the_batch_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Series of n strings is one list call (sliced by the batch layer), not n single-string calls."""
    calls = []
    real = batch.TextBatch.from_strings.__func__

    def counting(cls, strings, *args, **kwargs):
        calls.append(len(strings))
        return real(cls, strings, *args, **kwargs)

    monkeypatch.setattr(batch.TextBatch, "from_strings", classmethod(counting))
    series = pd.Series(["a tatweel كـــتاب"] * 5000)
    awal.tokenize(series)
    assert sum(calls) == 5000 and len(calls) <= 5000 // batch.STRINGS_PER_SLICE + 1


@pytest.mark.parametrize(
    "bad, message",
    [
        (pd.Series(["a", 3], index=["x", "y"]), "Series value at index 'y' is int, not str"),
        (np.array([1, 2]), "NumPy array of str (dtype str_, StringDType or object), got dtype int64"),
        (np.array(["a", b"b"], dtype=object), "item 1 is bytes, not str"),
        (pd.DataFrame({"text": ["a"]}), "got pandas DataFrame: pass one column, e.g. df['text']"),
        ({"a"}, "a pandas Series or a NumPy array of str, got set"),
        (b"bytes", "decode bytes first"),
    ],
)
def test_wrong_inputs_say_what_is_accepted(bad: object, message: str) -> None:
    for fn in (lambda x: awal.normalize(x), awal.tokenize, awal.dominant_script):
        with pytest.raises(TypeError, match=re.escape(message)):
            fn(bad)


def test_pandas_is_not_imported_for_other_inputs() -> None:
    code = "import sys, numpy as np, awal; awal.normalize(np.array(['a'])); awal.tokenize(['a']); print('pandas' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


@given(st.lists(st.one_of(texts, st.none()), max_size=8))
def test_series_equals_the_list_path(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    strings = [v for v in values if v is not None]
    for fn in (lambda x: awal.normalize(x, profile="search"), awal.tokenize, awal.dominant_script):
        out = fn(series)
        assert [v for v in out.tolist() if v is not None] == fn(strings)
        assert out.isna().tolist() == [v is None for v in values]
