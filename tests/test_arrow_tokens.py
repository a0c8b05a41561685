"""Token lists of Arrow arrays are cut from the UTF-8 buffer by offsets (awal.token_arrays): the same
tokens as the list path, for awal.tokenize and awal.arrow.tokenize_array alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import INTERESTING

import awal
from awal import token_arrays

pa = pytest.importorskip("pyarrow")
from awal.arrow import tokenize_array  # noqa: E402

utf8_texts = st.text(
    alphabet=st.one_of(st.sampled_from(INTERESTING), st.characters(codec="utf-8")), max_size=30
)  # Arrow holds UTF-8: no lone surrogates
rows = st.lists(st.one_of(st.none(), utf8_texts), max_size=12)
options = st.fixed_dictionaries(
    {}, optional={name: st.booleans() for name in ("split_digits", "keep_punctuation", "special_tokens", "split_apostrophes", "split_scripts")}
)


STRING_TYPES = ["string", "large_string"] + (["string_view"] if hasattr(pa, "string_view") else [])


@given(values=rows, start=st.integers(0, 3), kind=st.sampled_from(STRING_TYPES), chosen=options, slice_bytes=st.integers(1, 64))
def test_token_lists_from_offsets(values, start, kind, chosen, slice_bytes):
    array = pa.array(values, type=getattr(pa, kind)()).slice(start)
    want = [None if v is None else tokens for v, tokens in zip(values[start:], awal.tokenize([v or "" for v in values[start:]], **chosen))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(token_arrays, "SLICE_BYTES", slice_bytes)  # slices of a few rows, joined
        assert awal.tokenize(array, **chosen).to_pylist() == want
    got = awal.tokenize(array, **chosen)
    assert got.type == pa.list_(pa.large_string() if kind == "large_string" else pa.string())
    assert got.to_pylist() == want
    assert tokenize_array(array, **chosen).to_pylist() == want
    chunked = pa.chunked_array([array, array.slice(1)], type=array.type)
    got = awal.tokenize(chunked, **chosen)
    assert [len(chunk) for chunk in got.chunks] == [len(array), max(len(array) - 1, 0)]
    assert got.to_pylist() == want + want[1:]


def test_string_view_gives_lists_of_strings():
    if not hasattr(pa, "string_view"):
        pytest.skip("pyarrow without string_view")
    array = pa.array(["ما عندي والو!", None], type=pa.string_view())
    assert awal.tokenize(array).to_pylist() == [["ما", "عندي", "والو", "!"], None]
    assert tokenize_array(pa.chunked_array([array, array])).type == pa.list_(pa.string())


def test_invalid_utf8_names_the_row():
    offsets = pa.py_buffer(pa.array([0, 3, 5], pa.int32()).buffers()[1])
    array = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"abc\xffd")])
    with pytest.raises(ValueError, match="invalid UTF-8 in Arrow row 1 at byte 0"):
        awal.tokenize(array)


def test_invalid_utf8_is_named_by_its_row_in_the_whole_array():
    """Arrays of several slices and chunked arrays: the error names the row in the whole array."""
    import numpy as np

    from awal import arrow

    rows = [b"abc " * 100] * 5000
    rows[4500] = b"a\xffb"
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int32)
    array = pa.Array.from_buffers(pa.string(), len(rows), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(rows))])
    chunked = pa.chunked_array([array.slice(0, 3000), array.slice(3000)])
    calls = [
        awal.tokenize,
        tokenize_array,
        lambda x: awal.normalize(x, "search"),
        lambda x: awal.normalize(x, "camel"),
        lambda x: awal.transliterate(x, "ar2bw"),
        arrow.sentences_array,
        arrow.detect_array,
    ]
    for x in (array, chunked, chunked.cast(pa.large_string())):
        for call in calls:
            with pytest.raises(ValueError, match="invalid UTF-8 in Arrow row 4500 at byte 1 "):
                call(x)
