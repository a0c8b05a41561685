"""The batch NFC step equals CPython's unicodedata NFC, string by string, with covering spans."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from awal.batch import TextBatch
from awal.nfc import nfc
from strategies import characters

MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670\u0300\u0301\u0323\u0302\u0345\u05b0\u093c"
BASES = "ابوي هeaoEḍéآأÅ\u1100\u1161\u11a8가ⴰ"
dense = st.lists(st.text(alphabet=st.sampled_from(MARKS + BASES) | characters, max_size=30), max_size=6)


@given(dense, st.booleans())
def test_nfc_equals_unicodedata(texts, align):
    b = TextBatch.from_input(texts)
    out, offsets, start, end = nfc(b.codepoints, b.offsets, align)
    expected = [unicodedata.normalize("NFC", t) for t in texts]
    assert b.replace(out, offsets).to_list() == expected
    if align and start is not None:
        assert len(start) == len(out)
        for k in range(len(texts)):
            s, e = start[offsets[k] : offsets[k + 1]], end[offsets[k] : offsets[k + 1]]
            assert np.all((s >= b.offsets[k]) & (e <= b.offsets[k + 1]) & (s < e))
            assert np.all(np.diff(s) >= 0)


def test_reordered_arabic_marks_keep_run_spans():
    b = TextBatch.from_input(["بّ\u064eت"])
    out, _, start, end = nfc(b.codepoints, b.offsets)
    assert [chr(c) for c in out] == ["ب", "\u064e", "\u0651", "ت"]
    assert start.tolist() == [0, 1, 1, 3] and end.tolist() == [1, 3, 3, 4]
