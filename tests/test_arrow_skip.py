"""Arrow slices a character-map profile cannot change (no lead byte of any of its sources) come out
as they went in: same output as the list path, and invalid UTF-8 is still an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from awal import batch

pa = pytest.importorskip("pyarrow")

pieces = st.sampled_from(["salam", "ⴰⵣⵓⵍ", "é", " ", "", "ى", "أَ", "ة", "😀", "\x00", "ﻻ"])
texts = st.lists(st.one_of(pieces, st.text(st.characters(codec="utf-8"), max_size=3)), max_size=4).map("".join)  # Arrow: UTF-8


@given(values=st.lists(st.one_of(st.none(), texts), max_size=12), start=st.integers(0, 2), large=st.booleans(), rows=st.integers(1, 4))
def test_slices_without_sources_are_kept(values, start, large, rows):
    array = pa.array(values, type=pa.large_string() if large else pa.string()).slice(start)
    want = [None if v is None else awal.normalize(v, "camel") for v in values[start:]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "STRINGS_PER_SLICE", rows)  # many slices: some kept, some mapped
        got = awal.normalize(array, "camel")
        chunked = awal.normalize(pa.chunked_array([array, array], type=array.type), "camel")
    assert got.type == array.type and got.null_count == array.null_count and got.to_pylist() == want
    assert chunked.to_pylist() == want * 2


def test_invalid_utf8_in_a_slice_without_sources_is_still_an_error():
    offsets = pa.py_buffer(pa.array([0, 3, 5], pa.int32()).buffers()[1])
    array = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"abc\xffd")])
    with pytest.raises(ValueError, match="invalid UTF-8 in Arrow row 1 at byte 0"):
        awal.normalize(array, "camel")


def test_leads_only_for_character_maps():
    from awal.rules import list_mode

    assert list_mode(awal.Normalizer("camel").steps).leads == bytes([0xD8, 0xD9])
    assert list_mode(awal.Normalizer("search").steps).leads is None


@given(values=st.lists(st.one_of(st.none(), texts), max_size=12), rows=st.integers(1, 4))
def test_transliteration_slices_without_sources_are_kept(values, rows):
    array = pa.array(values, type=pa.string())
    want = [None if v is None else awal.transliterate(v, "ar2bw") for v in values]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "STRINGS_PER_SLICE", rows)
        assert awal.transliterate(array, "ar2bw").to_pylist() == want
