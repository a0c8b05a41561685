"""awal.quality: signals on hand-made texts, the reference twin, containers, thresholds as data, explanations."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import INTERESTING, batches, examples, texts

from awal import reference
from awal.batch import TextBatch

ql = importlib.import_module("awal.quality")


def one(text: str, variety: str = "default") -> dict[str, float]:
    return {k: v[0].item() for k, v in ql.quality([text], variety).items()}


def test_line_and_repetition_signals():
    text = "- item one\n- item one\n\nsame para\n\nsame para\n\n• last line..."
    s = one(text)
    assert s["bullet_lines_ratio"] == pytest.approx(3 / 8)  # splitlines keeps the empty lines
    assert s["ellipsis_lines_ratio"] == pytest.approx(1 / 8)
    assert s["dup_line_frac"] == pytest.approx(2 / 5)  # "- item one" and "same para" repeat
    assert s["dup_para_frac"] == pytest.approx(1 / 4)
    assert s["dup_para_char_frac"] == pytest.approx(len("same para") / len(text))


def test_ngram_signals():
    text = "a b c d e a b c d e a b c d e"
    s = one(text)
    assert s["top_2_gram_char_frac"] == pytest.approx(3 * 3 / len(text))
    assert s["dup_5_gram_char_frac"] == pytest.approx(10 / len(text))  # two repeats of "abcde", greedy
    assert one("one two")["dup_5_gram_char_frac"] == 0


def test_arabic_and_amazigh_signals():
    s = one("كَتَبَ\u200f الولددددد 7ta 3lach ⴰⵣⵓⵍ؟", "ary")
    # letters: 12 Arabic (3 with a diacritic), 6 Latin, 4 Tifinagh; 33 characters
    assert s["diacritic_ratio"] == pytest.approx(3 / 12)
    assert s["invisible_ratio"] == pytest.approx(1 / 33)
    assert s["elongation_ratio"] == pytest.approx(5 / 22)
    assert s["arabizi_digit_ratio"] == 1.0
    assert (s["arab_ratio"], s["latn_ratio"], s["tfng_ratio"]) == pytest.approx((12 / 22, 6 / 22, 4 / 22))
    assert s["line_punct_ratio"] == 1.0  # ؟ is terminal; so is ⵰
    assert one("ⴰⵣⵓⵍ⵰")["line_punct_ratio"] == 1.0


def test_stop_words_fold_spelling():
    assert one("عَلَى الطاولة، إلى الدار", "arb")["stop_words"] == 2
    assert one("علي الطاوله الي الدار", "arb")["stop_words"] == 2  # ى/ي and إ/ا folded
    assert one("The cat AND the dog", "eng")["stop_words"] == 2


def test_empty_and_containers():
    s = one("")
    assert s["words"] == 0 and math.isnan(s["mean_word_length"]) and s["sentences"] == 0
    assert all(len(v) == 0 for v in ql.quality([]).values())
    table = ql.quality(pa.array(["Salam labas", None]))
    assert table.num_rows == 2 and table.column("words").to_pylist() == [2, None]
    assert ql.quality("Salam")["words"].tolist() == [1]


def test_pandas_and_numpy_columns():
    pd = pytest.importorskip("pandas")
    texts = ["Salam labas, kolchi mzyan?", "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ"]
    expected = ql.quality(texts)
    frame = ql.quality(pd.Series([texts[0], None, texts[1]], index=["a", "b", "c"]))
    assert list(frame.columns) == list(ql.SIGNALS) and list(frame.index) == ["a", "b", "c"]
    assert frame.loc[["a", "c"], "words"].tolist() == expected["words"].tolist() and frame.loc["b"].isna().all()
    signals = ql.quality(np.array([[texts[0]], [None]], dtype=object))
    assert signals["chars"][0] == expected["chars"][0] and np.isnan(signals["chars"][1])
    for column in (pd.Series([texts[0], None]), pa.array([texts[0], None]), np.array([texts[0], None], dtype=object)):
        keep, reasons = ql.quality_filter(column)
        assert not keep[1] and reasons[1] == ["missing text (null, None or NaN)"]
        assert reasons[0] == ql.quality_filter([texts[0]])[1][0]


def test_unknown_variety_suggests():
    with pytest.raises(ValueError, match="did you mean 'ary'"):
        ql.quality("x", "aryy")


def test_thresholds_are_cited_and_exist():
    names = set(ql.SIGNALS)
    for name in set(ql.varieties().values()):
        spec = ql.load_variety(name)
        assert spec.stop_words, name
        for signal, (low, high, source) in spec.thresholds.items():
            assert signal in names and source and (low is not None or high is not None), (name, signal)


def test_filter_explains_every_drop():
    good = " ".join(["The model was trained with a large amount of text and that is what it does."] * 1)
    keep, reasons = ql.quality_filter([good, "{short}"], "eng")
    assert not keep[1] and any(r.startswith("curly_brackets 1 > 0") for r in reasons[1])
    assert all(r.endswith(")") and "(" in r for r in reasons[0] + reasons[1])  # every reason cites its source


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or math.isclose(a, b, rel_tol=1e-12)


quality_texts = st.text(alphabet=st.sampled_from(INTERESTING + "•…#{}\n\n" + "ab ab "), max_size=60)


@given(st.lists(st.one_of(texts, quality_texts), max_size=5))
def test_equals_reference(items):
    stop = {"the", "في", "ab"}
    ql._stop_hashes.cache_clear()
    got = ql._signals(TextBatch.from_input(items), _stop_keys(stop)) if items else None
    for i, text in enumerate(items):
        expected = reference.quality_signals(text, stop)
        for name in ql.SIGNALS:
            assert _close(float(got[name][i]), float(expected[name])), (name, text, got[name][i], expected[name])


def _stop_keys(words: set[str]) -> np.ndarray:
    batch = TextBatch.from_input(sorted(words))
    prefix = ql._stop_prefix(batch.codepoints, ql.map_table(batch.codepoints, ql.flag_table()))
    return np.unique(ql.range_hashes(prefix, batch.offsets[:-1], batch.offsets[1:]))


@examples(40)
@given(batches)
def test_slices_equal_whole(items):
    whole = ql.quality(items)
    for i, text in enumerate(items):
        single = ql.quality([text])
        assert all(_close(float(whole[k][i]), float(single[k][0])) for k in ql.SIGNALS)


@given(st.lists(st.lists(st.sampled_from(["ab", "cd", "ef", "ab\n", "cd."]), max_size=80).map(" ".join), min_size=1, max_size=4))
def test_repetitive_texts_equal_reference(items):
    """Few distinct words: repeated n-grams everywhere, skipped first occurrences included."""
    got = ql.quality(items)
    for i, text in enumerate(items):
        expected = reference.quality_signals(text, set(ql.load_variety("default").stop_words))
        for name in ql.SIGNALS:
            assert _close(float(got[name][i]), float(expected[name])), (name, text)
