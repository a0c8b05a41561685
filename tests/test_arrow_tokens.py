"""tokenize_array cuts tokens from the UTF-8 buffer by offsets: same tokens as awal.tokenize."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import INTERESTING

import awal

pa = pytest.importorskip("pyarrow")
from awal.arrow import tokenize_array  # noqa: E402

utf8_texts = st.text(
    alphabet=st.one_of(st.sampled_from(INTERESTING), st.characters(codec="utf-8")), max_size=30
)  # Arrow holds UTF-8: no lone surrogates
rows = st.lists(st.one_of(st.none(), utf8_texts), max_size=12)


@given(values=rows, start=st.integers(0, 3), large=st.booleans(), split_digits=st.booleans())
def test_token_lists_from_offsets(values, start, large, split_digits):
    array = pa.array(values, type=pa.large_string() if large else pa.string()).slice(start)
    want = [None if v is None else awal.tokenize(v, split_digits=split_digits) for v in values[start:]]
    got = tokenize_array(array, split_digits=split_digits)
    assert got.type == pa.list_(array.type)
    assert got.to_pylist() == want
    chunked = pa.chunked_array([array, array], type=array.type)
    assert tokenize_array(chunked).to_pylist() == [None if v is None else awal.tokenize(v) for v in values[start:]] * 2
