"""One short text scored in plain Python (awal.lid.one) against the batch path on arbitrary Unicode."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from awal.lid import Identifier, one
from awal.lid.dialect import Dialect
from awal.lid.features import FeatureSpec
from awal.lid.model import UNDETERMINED
from awal.lid.one import LONGEST, SMALL_LIST, one_text
from awal.lid.vocabulary import Vocabulary

from strategies import texts as any_texts

TOY_TEXTS = ["kayn bzaf dyal nas wach", "wach nta labas bikhir", "il y a des gens je suis", "c'est vraiment très bien", "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ"] * 3
TOY_LABELS = ["ary_Latn", "ary_Latn", "fra_Latn", "fra_Latn", "zgh_Tfng"] * 3
LONG_WORDS = ["kayn" * 20 + " bzaf", "ⴰ" * 70, "wach " * 300, "é\u0301" * 45 + " nta"]  # past the packed sums' limit, past the 64 hash keys
texts = st.one_of(any_texts, st.text(alphabet="kaynbzf wachlé ⴰⵣⵓⵍسلام3\u064e!\x00\U0001f600", max_size=60),
                  st.text(alphabet="كتنيمشغوفابلزدهذا ", max_size=40))  # Darija and MSA marker words (awal.lid.markers)


@pytest.fixture(scope="module")
def toy() -> Identifier:
    """A model with every part the fast path reads: word pairs, frequent words, a dialect layer."""
    idf = Identifier().fit(TOY_TEXTS, TOY_LABELS, spec=FeatureSpec(bits=12, pairs=True), epochs=5)
    idf.state["vocabulary"] = Vocabulary.build(idf.state, ["kayn bzaf wach", "il y a"], size=3)
    idf.state["dialect"] = Dialect(0, 1, np.array([0.7, 0.3, 0.4, 0.2, -0.3]), -0.2)
    return idf


def batch_probabilities(idf: Identifier, text: str) -> tuple[list[float], int]:
    p, letters = idf.probabilities([text])  # lists go through the batch path
    return p[0].tolist(), int(letters[0])


def assert_same(idf: Identifier, text: str) -> None:
    p, letters = batch_probabilities(idf, text)
    expected = idf._labels_of(np.array([p]), np.array([letters]))[0]
    assert idf.identify(text) == expected
    scores = idf.scores(text)
    assert list(scores) == idf.labels
    np.testing.assert_allclose(list(scores.values()), p if letters else np.zeros(len(p)), rtol=1e-9, atol=1e-12)
    top = idf.top_k(text, k=3)
    assert [label for label, _ in top] == ([idf.labels[j] for j in np.argsort(-np.array(p), kind="stable")[:3]] if letters else [])
    scored = one_text(idf.state).logits(text)  # its words are cached now, unless the text has more than MOST_NEW
    if scored is None:
        return
    fast_z, fast_letters = scored
    batch_z, batch_letters = idf.logits([text])
    assert fast_letters == batch_letters[0]
    np.testing.assert_allclose(fast_z, batch_z[0], rtol=1e-12, atol=1e-12)


@given(texts)
@example("")
@example(" \t\n")
@example("2024 12,5")
@example("\ud800 lone \udfff surrogates \x00")
@example("a\u0301b\u0301 combining")
def test_one_text_equals_the_batch_path(text):
    assert_same(Identifier(), text)


@given(st.lists(texts, max_size=4))
def test_one_text_equals_the_batch_path_with_pairs_vocabulary_dialect_priors(toy, words):
    for idf in (toy, Identifier(threshold=0.6, priors={"fra_Latn": 3.0}, _state=toy.state)):
        for text in [*words, " ".join(words)]:
            assert_same(idf, text)


@pytest.mark.parametrize("text", LONG_WORDS)
def test_long_words_and_texts(toy, text):
    for idf in (Identifier(), toy):
        assert_same(idf, text)


def test_chosen_for_one_short_str_or_a_few(monkeypatch):
    idf = Identifier()
    calls = []
    scorer = one_text(idf.state)
    monkeypatch.setattr(scorer, "logits", lambda text, real=scorer.logits: calls.append(text) or real(text))
    assert idf.identify("wach nta mzyan") == "ary_Latn" and calls == ["wach nta mzyan"]
    assert idf.identify(("wach", "des gens")) == ("ary_Latn", "fra_Latn") and len(calls) == 3
    many = ["wach nta mzyan"] * (SMALL_LIST + 1)
    assert idf.identify(many) == ["ary_Latn"] * len(many) and len(calls) == 3  # a long list: the batch path
    long = "wach nta mzyan " * (LONGEST // 15 + 1)
    assert idf.identify(long) == "ary_Latn" and idf.identify(["12", long]) == ["und", "ary_Latn"] and len(calls) == 3
    assert idf.identify([]) == [] and idf.identify(("12",)) == ("und",)


def test_a_text_of_many_new_words_takes_the_batch_path(toy):
    idf = Identifier(_state=dict(toy.state, one=None))
    text = " ".join(f"kayn{i}z" for i in range(one.MOST_NEW + 1))
    assert one_text(idf.state).logits(text) is None and idf._one(text) is None and idf._one([text]) is None
    assert_same(idf, text)
    assert one_text(idf.state).logits(" ".join(text.split()[:-1])) is not None  # MOST_NEW new words: scored here


def test_unknown_model_parts_keep_the_batch_path(toy):
    state = dict(toy.state, label_offsets=np.zeros(len(toy.labels)))
    state.pop("one", None)
    assert one_text(state) is None
    assert Identifier(_state=state).identify("wach labas") == toy.identify(["wach labas"])[0]


def test_a_changed_model_gets_a_new_scorer(toy):
    idf = Identifier(_state=dict(toy.state))
    before = one_text(idf.state)
    assert one_text(idf.state) is before
    idf.state["vocabulary"] = Vocabulary.build(idf.state, ["des gens"], size=2)
    assert one_text(idf.state) is not before
    assert_same(idf, "des gens kayn")
    idf.state["dialect"] = None
    assert_same(idf, "des gens kayn")


def test_full_caches_forget_their_oldest_half(toy, monkeypatch):
    monkeypatch.setattr(one, "WORDS_CACHED", 4)
    monkeypatch.setattr(one, "GRAMS_CACHED", 40)
    idf = Identifier(_state=dict(toy.state, one=None))
    for text in TOY_TEXTS + LONG_WORDS[:2] + TOY_TEXTS:
        assert_same(idf, text)
    scorer = one_text(idf.state)
    assert len(scorer.words) <= 4 + 5 and len(scorer.grams) <= 40 + 250


def test_threads_share_one_scorer(toy, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(one, "WORDS_CACHED", 8)
    monkeypatch.setattr(one, "GRAMS_CACHED", 64)
    idf = Identifier(_state=dict(toy.state, one=None))
    lines = [f"{a} {b}" for a in TOY_TEXTS for b in TOY_TEXTS[:5]] * 4
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(idf.identify, lines))
    assert got == idf.identify(lines)


def test_no_letters_and_threshold(toy):
    assert Identifier().identify("") == UNDETERMINED and Identifier().scores("12")["ary_Arab"] == 0.0
    best = max(toy.scores("wach labas").values())  # a threshold just above the best probability makes it und
    assert Identifier(threshold=best, _state=toy.state).identify("wach labas") == "ary_Latn"
    assert Identifier(threshold=np.nextafter(best, 1), _state=toy.state).identify("wach labas") == UNDETERMINED


def test_the_marker_lists_are_built_only_for_words_that_may_be_one():
    # the Darija/MSA marker lists (awal.lid.markers) cost ~5 ms to build: text without a word opening with an
    # Arabic letter (Arabizi, French, Tifinagh) never needs them, on either path
    from awal.lid.model import Identifier, model_dir

    for one_by_one in (False, True):
        identifier = Identifier.load(model_dir())
        latin = ["salam khoya labas 3lik", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ", "Le chat dort."]
        labels = [identifier.identify(text) for text in latin] if one_by_one else identifier.identify(latin)
        assert labels == ["ary_Latn", "zgh_Tfng", "fra_Latn"] and "markers" not in identifier.state
        darija = "كنبغي نمشي للدار دابا"
        assert (identifier.identify(darija) if one_by_one else identifier.identify([darija] * (SMALL_LIST + 1))[0]) == "ary_Arab"
        assert "markers" in identifier.state
