"""Script detection: documented cases and properties on arbitrary Unicode."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from awal.batch import TextBatch
from awal.scripts import dominant_script, mix_statistics, script_counts, script_runs, script_spans
from awal.unicode import SCRIPTS
from strategies import INTERESTING, batches, texts

REAL = set(SCRIPTS) - {"Zyyy", "Zinh"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", []),
        ("   ", [(0, 3, "Zyyy")]),
        ("123, ٣٤!", [(0, 8, "Arab")]),  # Arabic-Indic digits are Arabic; what leads goes to the first script
        ("سلام", [(0, 4, "Arab")]),
        ("سلام 123 عليكم.", [(0, 15, "Arab")]),  # digits and spaces between two Arabic runs stay Arabic
        ("وَقَالَ abc", [(0, 8, "Arab"), (8, 11, "Latn")]),  # harakat stay with their letter
        ("e\u0301سلام", [(0, 2, "Latn"), (2, 6, "Arab")]),  # a mark goes with the letter before it
        ("...ⴰⵣⵓⵍ", [(0, 7, "Tfng")]),  # leading punctuation goes to the first script
        ("Salam, ⴰⵣⵓⵍ «مرحبا»!", [(0, 7, "Latn"), (7, 12, "Tfng"), (12, 20, "Arab")]),
        ("ⴰⴳⵯⵍⵍⵉⴷ ⴽ⵿ⵡ", [(0, 11, "Tfng")]),
        ("abc«مرحبا»", [(0, 4, "Latn"), (4, 10, "Arab")]),  # no space in between: the previous run keeps it
        ("abc. «مرحبا»", [(0, 5, "Latn"), (5, 12, "Arab")]),
        ("Ελλάδα Россия", [(0, 7, "Grek"), (7, 13, "Cyrl")]),
        ("ไทย", [(0, 3, "Zzzz")]),
    ],
)
def test_script_spans_cases(text, expected):
    assert script_spans(text) == expected


def test_dominant_and_mix():
    assert dominant_script(["ⴰⵣⵓⵍ ⴼⵍⴰⵏ فلان", "salam 3likom", "123 !", "", "سلام"]) == ["Tfng", "Latn", "Zyyy", "Zyyy", "Arab"]
    assert dominant_script("ـــ ʼ") == "Zyyy"  # Common letters count for no script
    assert dominant_script([]) == []
    assert mix_statistics("abc دهـو") == {"Arab": 0.5, "Latn": 0.5}
    assert mix_statistics(["", "ⴰ"]) == [{}, {"Tfng": 1.0}]
    for bad in (None, b"x", 5):
        with pytest.raises(TypeError):
            dominant_script(bad)


def letter_scripts(text):
    """Pure-Python count of letters per script (Common letters not counted)."""
    import regex

    counts = dict.fromkeys(SCRIPTS, 0)
    names = {"Arab": "Arabic", "Latn": "Latin", "Tfng": "Tifinagh", "Grek": "Greek", "Cyrl": "Cyrillic",
             "Hebr": "Hebrew", "Hani": "Han", "Deva": "Devanagari"}  # fmt: skip
    for ch in text:
        if not regex.match(r"\p{L}", ch):  # regex's Unicode version, like awal.unicode
            continue
        code = next((c for c, name in names.items() if regex.match(rf"\p{{Script={name}}}", ch)), None)
        if code is None and not regex.match(r"[\p{Script=Common}\p{Script=Inherited}]", ch):
            code = "Zzzz"
        if code:
            counts[code] += 1
    return counts


@given(batches)
def test_counts_equal_reference(texts_):
    counts = script_counts(TextBatch.from_input(texts_))
    assert counts.shape == (len(texts_), len(SCRIPTS))
    for row, text in zip(counts.tolist(), texts_):
        assert dict(zip(SCRIPTS, row)) == letter_scripts(text)


@given(st.one_of(texts, st.text(alphabet=st.sampled_from(INTERESTING + "Ελλάδα Россия"), max_size=50)))
def test_spans_cover_the_text(text):
    spans = script_spans(text)
    assert [s for s, _, _ in spans[:1]] == ([0] if text else [])
    assert all(a < b for a, b, _ in spans)
    assert all(end == start for (_, end, _), (start, _, _) in zip(spans, spans[1:]))
    assert (spans[-1][1] if spans else 0) == len(text)
    assert all(x != y for (_, _, x), (_, _, y) in zip(spans, spans[1:]))
    present = {code for code, n in letter_scripts(text).items() if n}
    assert present <= {code for _, _, code in spans}
    if len(spans) == 1 and spans[0][2] == "Zyyy":
        assert not present


@given(batches)
def test_batch_equals_one_by_one(texts_):
    assert script_spans(texts_) == [script_spans(t) for t in texts_]
    assert dominant_script(texts_) == [dominant_script(t) for t in texts_]
    assert mix_statistics(texts_) == [mix_statistics(t) for t in texts_]
    starts, ends, scripts, run_offsets = script_runs(TextBatch.from_input(texts_))
    assert run_offsets[-1] == len(starts) and np.all(np.diff(run_offsets) >= 0)
    for shares in mix_statistics(texts_):
        assert not shares or abs(sum(shares.values()) - 1) < 1e-9
        assert set(shares) <= REAL
