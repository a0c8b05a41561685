"""The dedup profile and awal.shingles: folding, the documented hash, the reference twin, near-duplicate recall."""

from __future__ import annotations

import importlib

import numpy as np
import pyarrow as pa
import pytest
from dedup_scoring import THRESHOLD, evaluate, variant
from hypothesis import given
from hypothesis import strategies as st
from strategies import batches, texts

import awal
from awal import reference
from awal.batch import TextBatch

sh = importlib.import_module("awal.shingles")  # awal.shingles is also the function


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("أَلسَّلامُ عَلَيْكُمْ", "السلام عليكم"),  # diacritics, hamza on alef
        ("مكتبة على", "مكتبه علي"),  # teh marbuta, alef maksura
        ("صديقــــي ههههههه", "صديقي ه"),  # tatweel, elongation to one letter
        ("کتاب ژاله", "كتاب زاله"),  # Persian letters
        ("\u200fسلام\u200d \u2066عليكم\u2069", "سلام عليكم"),  # bidi marks, joiners
        ("٢٠٢٦ ۱۴", "2026 14"),  # Eastern and Persian digits
        ("BZZZZAF Mzyan", "bzaf mzyan"),  # case, Latin elongation
        ("ⴰⴳʷⵔⴰⵡ ⴰⴳⵯⵔⴰⵡ ⴰⵣⵓⵓⵓⵓⵍ", "ⴰⴳⵔⴰⵡ ⴰⴳⵔⴰⵡ ⴰⵣⵓⵍ"),  # labialisation, Tifinagh elongation
    ],
)
def test_dedup_profile_folds_variants(a, b):
    assert awal.normalize(a, profile="dedup") == awal.normalize(b, profile="dedup")


def test_hash_is_the_documented_one():
    """Fixed values: keys made anywhere, any run, must equal these."""
    assert sh.fnv1a64(b"") == 0xCBF29CE484222325
    assert sh.fnv1a64(b"a") == 0xAF63DC4C8601EC8C  # published FNV-1a 64 test vector
    assert awal.shingles("ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ", n=5, profile=None).tolist() == reference.shingle_hashes(["ⴰⵣⵓⵍ", "ⴼⵍⵍⴰⵡⵏ"], 5)
    assert awal.shingles("a b", n=1).tolist() == [
        sh.fnv1a64(sh.fnv1a64(b"a").to_bytes(8, "little")), sh.fnv1a64(sh.fnv1a64(b"b").to_bytes(8, "little"))
    ]


def test_containers_and_counts():
    items = ["one two three four five six", "two words", "", "!!!"]
    out = awal.shingles(items)
    assert [len(h) for h in out] == [2, 1, 0, 0] and all(h.dtype == np.uint64 for h in out)
    arrow = awal.shingles(pa.array(items[:2] + [None]))
    assert arrow.type == pa.list_(pa.uint64())
    assert arrow.to_pylist() == [h.tolist() for h in out[:2]] + [None]
    with pytest.raises(ValueError, match="n must be"):
        awal.shingles("x", n=0)


@given(st.one_of(texts, st.text(alphabet=st.sampled_from("ab ⴰⵣ سلام.!😍\u0301"), max_size=40)), st.integers(1, 6))
def test_equals_reference(text, n):
    tokens = [t for t, _, _ in awal.tokenize_with_offsets(text, keep_punctuation=False)]
    assert awal.shingles(text, n=n, profile=None).tolist() == reference.shingle_hashes(tokens, n)


@given(batches, st.integers(1, 6))
def test_batch_equals_one_at_a_time(items, n):
    hashes, offsets = sh.shingle_hashes(TextBatch.from_input(items), n)
    assert [hashes[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:])] == [
        awal.shingles(t, n=n, profile=None).tolist() for t in items
    ]


def test_variants_are_seeded():
    assert variant("كتب الطالب الدرس", 3) == variant("كتب الطالب الدرس", 3)


@pytest.mark.shared
@pytest.mark.parametrize("language", ["ary_Arab", "arb_Arab", "tzm_Tfng"])
def test_near_duplicate_recall(shared_data, language):
    """Spelling-variant copies of FLORES dev (seeded): >= 90% found at Jaccard >= 0.7, no false merge."""
    lines = (shared_data / "flores200" / "dev" / f"{language}.dev").read_text(encoding="utf-8").splitlines()
    result = evaluate(lines, lambda batch: awal.shingles(batch, n=5))
    assert THRESHOLD == 0.7 and result["sentences"] > 900
    assert result["recall"] >= 0.9 and result["false_merges"] == 0, result


@given(texts)
def test_dedup_profile_is_idempotent(text):
    once = awal.normalize(text, profile="dedup")
    assert awal.normalize(once, profile="dedup") == once
