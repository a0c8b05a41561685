"""Invariants of every public function on hostile text (the properties the other modules do not already hold).

Every hypothesis test in the suite is an invariant; `make fuzz` runs them all with
10^5 examples each (the ``fuzz`` profile in conftest.py), CI with the default count.
Here: nothing crashes and types are kept on hostile text (empty strings, astral
planes, combining marks, lone surrogates, NUL, the characters awal joins batches
with, very long lines), the model schemes give a list what they give one string at
a time, and Arrow input gives what a list gives.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from strategies import INTERESTING, characters, examples, texts

pa = pytest.importorskip("pyarrow")

# characters awal itself uses to join batches (list separators, sentinels), and C0 controls
JOINERS = "\x00\x01\x1f\x1e\ufdd0\ufdd1\ufffe\uffff\U0010ffff"
MODEL_SCHEMES = ("arabizi2ar", "ar2arabizi")

hostile_pieces = st.text(alphabet=st.one_of(st.sampled_from(INTERESTING + JOINERS), characters), max_size=12)
long_lines = st.builds(lambda piece, repeat: piece * repeat, hostile_pieces, st.integers(1, 3000))
combining_runs = st.builds(
    lambda base, marks: base + marks,
    st.sampled_from("aبⴰ \x00"),
    st.text(alphabet=st.characters(categories=["Mn", "Me"]), max_size=30),
)
hostile = st.one_of(hostile_pieces, st.text(alphabet=st.sampled_from(JOINERS), max_size=8), combining_runs, long_lines)


def _public_functions() -> dict[str, object]:
    functions: dict[str, object] = {f"normalize:{p}": (lambda x, p=p: awal.normalize(x, p)) for p in awal.profiles()}
    functions |= {f"transliterate:{s}": (lambda x, s=s: awal.transliterate(x, s)) for s in awal.schemes()}
    functions |= {
        "tokenize": awal.tokenize,
        "tokenize(options)": lambda x: awal.tokenize(x, split_digits=True, keep_punctuation=False, split_scripts=False),
        "tokenize_with_offsets": awal.tokenize_with_offsets,
        "dominant_script": awal.dominant_script,
        "script_spans": awal.script_spans,
        "transliterate:arabizi2ar(keep_foreign=False)": lambda x: awal.transliterate(x, "arabizi2ar", keep_foreign=False),
        "identify": awal.identify,
        "identify_tokens": awal.identify_tokens,
        "language_spans": awal.language_spans,
        "mixedness": awal.mixedness,
        "sentences": awal.sentences,
        "sentence_spans": awal.sentence_spans,
    }
    return functions


PUBLIC = _public_functions()


@given(text=hostile)
def test_nothing_crashes_and_types_are_kept(text):
    """Every public function (each profile, each scheme) on one hostile text (one invariant, one example each)."""
    for name, fn in PUBLIC.items():
        one = fn(text)
        assert type(one) is type(fn("x")), name
        assert fn([text, "", text]) == [one, fn(""), one], name


@pytest.mark.parametrize("profile", awal.profiles())
@given(text=hostile)
def test_alignment_on_hostile_text(profile, text):
    n = awal.Normalizer(profile)
    out, spans = n.normalize_with_alignment(text)
    assert out == n(text) and spans.shape == (len(out), 2)
    if len(out):
        assert spans[0, 0] == 0 and spans[-1, 1] == len(text)
        assert np.all(spans[:, 0] < spans[:, 1]) and np.all(np.diff(spans, axis=0) >= 0)


@pytest.mark.parametrize("scheme", MODEL_SCHEMES)
@given(items=st.lists(st.one_of(texts, hostile_pieces), max_size=8))
def test_model_schemes_list_equals_one_by_one(scheme, items):
    assert awal.transliterate(items, scheme) == [awal.transliterate(t, scheme) for t in items]


def _utf8_safe(text: str) -> str:
    """Arrow holds UTF-8: lone surrogates cannot be in it."""
    return text.encode("utf-8", "replace").decode("utf-8")


@given(items=st.lists(st.one_of(texts, hostile_pieces).map(_utf8_safe), max_size=8))
def test_arrow_equals_list(items):
    """Every profile and scheme gives an Arrow array what it gives a list."""
    array = pa.array(items, type=pa.large_string())
    for name, fn in PUBLIC.items():
        if name.startswith(("normalize", "transliterate")):
            assert fn(array).to_pylist() == fn(items), name


def test_the_batch_joiners_in_one_string():
    """Regression: a text holding every joiner candidate recursed until RecursionError in arabizi2ar."""
    text = "\x00\x01\x1f\ufdd0\ufdd1\uffff"
    assert awal.transliterate(text, "arabizi2ar") == text
    assert awal.transliterate([text, "bghit"], "arabizi2ar") == [text, "بغيت"]


# Texts of words where arabizi2ar's proclitics written apart meet prepositions, kept tokens, other scripts and
# hostile characters between them (round 11's trust pass: 3,000 examples held).
_CLITIC_WORDS = ["b", "bi", "f", "l", "el", "al", "bl", "fel", "lil", "L", "B", "EL", "3la", "fi", "mn", "m3a", "7ta", "naja7",
                 "lmghrib", "blad", "match", "200", "dh", "je", "suis", "http://x.ma", "@user", "ⴰⵣⵓⵍ", "سلام", "😀", "\u0301",
                 "\x00", "\ud800", "l'", "b-"]  # fmt: skip
_clitic_texts = st.lists(
    st.tuples(st.sampled_from(_CLITIC_WORDS), st.sampled_from([" ", "  ", "\t", "\n", ", ", "", "\u00a0", " \u200c "])), max_size=8
).map(lambda pieces: "".join(word + gap for word, gap in pieces))


@examples(150)
@given(items=st.lists(_clitic_texts, max_size=5), keep=st.booleans())
def test_proclitics_batch_equals_one_by_one(items, keep):
    out = awal.transliterate(items, "arabizi2ar", keep_foreign=keep)
    assert out == [awal.transliterate(text, "arabizi2ar", keep_foreign=keep) for text in items]
    assert awal.transliterate(tuple(items), "arabizi2ar", keep_foreign=keep) == tuple(out)
