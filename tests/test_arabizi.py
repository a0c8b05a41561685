"""Tests for awal.arabizi: Arabizi <-> Arabic script (arabizi2ar / ar2arabizi)."""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import numpy as np

from awal.arabizi import ArabiziModel, _flat, _lattice_codes, _lattice_forms, _prefix_tree, _unique_spans, romanize
from awal.arabizi_words import codes
from awal.reference import arabizi_readings, distinct_spans

from strategies import examples

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model() -> ArabiziModel:
    return ArabiziModel.default()


def _bench():
    spec = importlib.util.spec_from_file_location("evaluate_arabizi", ROOT / "benchmarks" / "evaluate_arabizi.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- distinct words of a batch
@examples(60)
@given(st.lists(st.text(min_size=1, max_size=6) | st.sampled_from(["wa", "la", "w", "a\U0001F600", "\ud800", "\x00"]),
                min_size=1, max_size=30), st.data())
def test_unique_spans_group_the_spans_as_strings(pieces, data):
    text = "".join(pieces)
    bounds = np.cumsum([0] + [len(p) for p in pieces])
    spans = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
    spans = data.draw(st.permutations(spans))  # any order, as words of several texts come
    inv, first = _unique_spans(codes(text), np.array([a for a, _ in spans]), np.array([b for _, b in spans]))
    ref_inv, ref_first = distinct_spans(text, spans)
    renumber = {k: n for n, k in enumerate(dict.fromkeys(inv.tolist()))}  # the kernel numbers by hash order
    assert [renumber[k] for k in inv.tolist()] == ref_inv
    assert sorted(first.tolist()) == ref_first and all(inv[first[k]] == k for k in range(len(first)))


# ---------------------------------------------------------------- prefix tree of the search
WORDS_ALIKE = st.lists(st.text(alphabet="kanbghiw3dlª", min_size=1, max_size=12), min_size=1, max_size=12, unique=True)


@examples(40)
@given(WORDS_ALIKE)
def test_words_that_start_alike_read_as_alone(model, words):
    """The search shares the hypotheses of common beginnings (kan, kanbghi, kk, kka): each
    word reads as it does alone, with its scores."""
    batch = model._decode(words, 4, 3)
    assert batch == [model._decode([w], 4, 3)[0] for w in words]
    assert model._best(*_flat(words)) == [model._best(*_flat([w]))[0] for w in words]


LATTICE_WORDS = st.lists(st.text(alphabet="kanbghiwlª3d9chSTAEéß\U0001d41a", min_size=1, max_size=10), min_size=1,
                         max_size=10, unique=True)


@examples(40)
@given(LATTICE_WORDS, st.sampled_from([(2, 1), (4, 3), (10, 5)]))
def test_search_is_the_one_word_beam_search(model, words, beam_nbest):
    """The batched search (prefix tree, candidate slots laid out in advance) reads each word as
    the obvious beam search over its positions does (:func:`awal.reference.arabizi_readings`),
    readings and float32 scores alike, at several beam widths."""
    beam, nbest = beam_nbest
    assert model._decode(words, beam, nbest) == [arabizi_readings(model, w, beam, nbest) for w in words]


def test_search_on_real_words_is_the_one_word_beam_search(model):
    """The same on words as the rules read them (articles, doubled starts, open vowels, noun
    endings) written for this test."""
    words = _lattice_forms(["ddar", "chchems", "ssa3a", "lmdrasa", "kanbghiwha", "kanbghi", "bghina", "l7al",
                            "faras", "mzyan", "mzyana", "tomobil", "tilifoun", "wayyli", "3la", "9ahwa", "xx"])
    for beam, nbest in ((2, 1), (4, 3)):
        assert model._decode(words, beam, nbest) == [arabizi_readings(model, w, beam, nbest) for w in words]


def test_words_of_many_letters_read_as_alone(model):
    """More distinct letters than the prefix tree's key holds (no sharing then), letters past
    U+3000 and astral ones: each word still reads as alone."""
    many = [chr(c) + chr(c + 1) + "a" + chr(c) for c in range(0xC0, 0x24F, 2)]
    odd = ["ka\U0001d41a", "ka\U0001d41ab", "ka\ufffd", "kan", "\U0001d41a"]
    for words in (many, odd, many[:5] + odd):
        assert model._best(*_flat(words)) == [model._best(*_flat([w]))[0] for w in words]


@given(WORDS_ALIKE)
def test_lattice_codes_are_the_flat_forms(words):
    cps, offsets = _lattice_codes(words)
    want_cps, want_offsets = _flat(_lattice_forms(words))
    assert np.array_equal(cps, want_cps) and np.array_equal(offsets, want_offsets)


@given(WORDS_ALIKE)
def test_prefix_tree_nodes(words):
    """Two beginnings share a node only if they are the same letters (and, within two letters,
    both words start doubled or neither: the lattice reads that start otherwise); the first
    word to reach a node creates it; a word's end is a node of its own."""
    order, so, row, creator, non_final, (ends, bounds) = _prefix_tree(*_flat(words))
    assert sorted(order.tolist()) == list(range(len(words)))
    seen: dict[tuple[int, int], tuple[str, tuple[bool, bool]]] = {}
    for w, word in enumerate(words[i] for i in order):
        doubled = (len(word) > 2 and word[0] == word[1], len(word) > 4 and word[:2] == word[2:4])
        for p in range(1, len(word) + 1):
            at = so[w] + p - 1
            if p == len(word):
                assert row[at] >= non_final[p] and creator[at] and w in ends[bounds[p] : bounds[p + 1]].tolist()
                continue
            key = (p, int(row[at]))
            assert row[at] < non_final[p]
            assert creator[at] == (key not in seen)
            assert seen.setdefault(key, (word[:p], doubled)) == (word[:p], doubled if p <= 2 else seen[key][1])
    assert all(sum(key[0] == p for key in seen) == non_final[p] for p in range(1, len(non_final)))


# ---------------------------------------------------------------- unit cases
@pytest.mark.parametrize("text", ["20", "1,000.5", "9:30", "2024-05-01", "3 / 7", "100dh", "5km", "2eme"])
def test_numbers_untouched(model, text):
    assert model.transliterate([text]) == [text]


def test_numbers_next_to_words(model):
    out = model.transliterate(["3la 20 dqiqa f 9:30"])[0].split()
    assert out[1] == "20" and out[4] == "9:30" and out[0] != "3la"


def test_arabic_passes_through(model):
    text = "بغيت نمشي للدار، واش كاين شي مشكل؟"
    assert model.transliterate([text]) == [text]


def test_mixed_script_never_raises(model):
    texts = ["ana بغيت 3 dyal l7lib", "ⴰⵡⴰⵍ salam", "é ñ ß ½ 😀 \x00 \ud800", "ب3ا", "a-b_c'd"]
    out = model.transliterate(texts)
    assert len(out) == len(texts)
    assert "بغيت" in out[0] and " 3 " in out[0] and "ⴰⵡⴰⵍ" in out[1] and "😀" in out[2]
    assert out[3] == "ب3ا"


def test_empty(model):
    assert model.transliterate([]) == []
    assert model.transliterate([""]) == [""]
    assert model.candidates("") == [("", 0.0)]
    assert romanize([""]) == [""]


def test_spacing_and_punctuation_kept(model):
    out = model.transliterate(["  wach?!\tlla,  salam...\n"])[0]
    assert out.startswith("  ") and "?!\t" in out and ",  " in out and out.endswith("...\n")
    assert not any("a" <= c <= "z" for c in out)


@pytest.mark.parametrize(
    "word, arabic",
    [("3ndi", "عندي"), ("7mar", "حمار"), ("5obz", "خبز"), ("9lb", "قلب"), ("8adi", "هادي"),
     ("chmch", "شمش"), ("ghzal", "غزال"), ("khrj", "خرج")],
)
def test_digits_and_digraphs_inside_words(model, word, arabic):
    assert model.candidates(word, 5)[0][0] == arabic or arabic in [c for c, _ in model.candidates(word, 5)]


def test_digits_read_as_letters(model):
    out = model.transliterate(["m3a 7out 9alb 8na 5ali"])[0]
    for letter in "عحقهخ":
        assert letter in out
    assert not any(c.isdigit() for c in out)


def test_emphatic_capitals(model):
    assert model.transliterate(["Sbr"])[0][0] == "ص"
    assert model.transliterate(["Tbl"])[0][0] == "ط"
    assert model.transliterate(["Drb"])[0][0] == "ض"
    assert model.transliterate(["Hmr"])[0][0] == "ح"
    assert model.transliterate(["sbr"])[0][0] == "س"
    assert model.transliterate(["SBR"])[0][0] == "س"  # all capitals: read as lowercase


def test_doubled_letters_one_letter_with_shadda(model):
    out = model.candidates("mcherref", 1)[0][0]
    assert out.count("ر") == 1 and "\u0651" in out
    assert model.candidates("ddar", 1)[0][0] == "الدار"


def test_candidates_ranked(model):
    cands = model.candidates("kelb", 5)
    assert 1 < len(cands) <= 5
    scores = [s for _, s in cands]
    assert scores == sorted(scores, reverse=True)
    assert len({c for c, _ in cands}) == len(cands)
    assert cands[0][0] == "كلب"


def test_candidates_of_non_words(model):
    assert model.candidates("2024") == [("2024", 0.0)]
    assert model.candidates("سلام") == [("سلام", 0.0)]


def test_fit_learns_and_round_trips(model, tmp_path):
    pairs = [("klb", "كلب"), ("kalb", "كلب"), ("kelb", "كلب"), ("wakha", "واخا"), ("zwin bzaf", "زوين بزاف")]
    fitted = model.fit(pairs, tune=False)
    assert fitted is not model
    assert fitted.transliterate(["kelb zwin"]) == ["كلب زوين"]
    path = tmp_path / "m.npz"
    fitted.save(path)
    loaded = ArabiziModel.load(path)
    words = ["kelb", "ghzala", "m3a", "tomobil", "bghit"]
    assert loaded.transliterate(words) == fitted.transliterate(words)
    assert loaded.candidates("sba3", 3) == fitted.candidates("sba3", 3)


def test_rule_file_errors(tmp_path):
    from awal.arabizi import _read_rules

    bad = tmp_path / "bad.tsv"
    bad.write_text("# ok\nb\tQ\tب\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:2"):
        _read_rules(bad)


def test_romanize():
    assert romanize(["واش بغيتي أتاي؟"]) == ["wach bghiti atay؟"]
    assert romanize(["خويا ڭال ليا 3 حوايج"]) == ["khouya gal lya 3 7wayj"]
    out = romanize(["صافي طبيب ضو قهوة عين غزال شي ء"])[0]
    assert out == "Safi Tbib Dou 9hwa 3in ghzal chi 2"
    assert romanize(["مشرّف", "الدار", "hello 20"]) == ["mchrrf", "ddar", "hello 20"]


def test_romanize_round_trip_common_words(model):
    words = ["واش", "بغيت", "ديال", "خويا", "شحال", "عندي", "قلب", "حوت"]
    back = model.transliterate(romanize([" ".join(words)]))[0].split()
    assert sum(a == b for a, b in zip(words, back)) >= 6


# ---------------------------------------------------------------- accuracy on DODa (shared data)
@pytest.fixture(scope="module")
def doda(shared_data):
    """The scoring helpers of benchmarks/evaluate_arabizi.py, pointed at the shared data."""
    os.environ.setdefault("AWAL_SHARED", str(shared_data.parent))
    return _bench()


@pytest.mark.shared
def test_shipped_rules_accuracy(model, doda):
    pairs = doda.load_pairs("doda_words_dev.tsv")
    acc, cer = doda.score(model.transliterate([x for x, _ in pairs]), [y for _, y in pairs])
    assert acc >= 83.5 and cer <= 5.0, (acc, cer)


@pytest.mark.shared
def test_fitted_accuracy_grouped_split(model, doda):
    train, test = doda.grouped_split(doda.load_pairs("doda_words_dev.tsv"), test=0.2, seed=0)
    assert not {doda.norm(a) for _, a in train} & {doda.norm(a) for _, a in test}
    fitted = model.fit(train)
    acc, cer = doda.score(fitted.transliterate([x for x, _ in test]), [y for _, y in test])
    assert acc >= 85.0 and cer <= 4.5, (acc, cer)  # 85.24 / 4.33 (round 8; the bar of issue 14 is 85)
    shipped, _ = doda.score(model.transliterate([x for x, _ in test]), [y for _, y in test])
    assert acc > shipped, (acc, shipped)  # fitting on the user's pairs reads unseen words better


@pytest.mark.shared
def test_fit_on_few_pairs_tunes_on_enough_words(model, doda):
    # 2,000 pairs: a tenth is ~130 words, too few to choose the settings on (82.6 before round 8)
    train, test = doda.grouped_split(doda.load_pairs("doda_words_dev.tsv"), test=0.2, seed=0)
    fitted = model.fit(random.Random(0).sample(train, 2000))
    acc, _ = doda.score(fitted.transliterate([x for x, _ in test]), [y for _, y in test])
    assert acc >= 84.0, acc  # 84.09 (round 8)


@pytest.mark.shared
def test_phrases_accuracy(model, doda):
    pairs = doda.load_pairs("doda_sentences_dev.tsv")
    acc, _ = doda.score(model.transliterate([x for x, _ in pairs]), [y for _, y in pairs])
    # 3la is written على (the usual Arabic-script spelling, issue 14) where DODa's phrases write علا, and
    # w / o attached (وعشرين) where DODa writes و apart (واحد و عشرين), kola كل (DODa كولا) and the
    # verb after allah with ي (DODa mostly ا), as AfriSenti's Arabic-script tweets write: benchmarks/README.md
    assert acc >= 41.0, acc  # 41.2 (round 10; 50.0 in rounds 7-9)
