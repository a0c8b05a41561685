"""A long string cut into slices (awal.slices) gives exactly the output of the whole string."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import characters, examples

import awal
from awal.batch import TextBatch
from awal.normalize import Normalizer
from awal.slices import SLICE, cut_rule, map_long
from awal.translit import MODEL_SCHEMES, _table_scheme

# runs, marks, context characters, NFC pairs, spaces: what a cut could break
NEAR_CUTS = "هههaaa  \n\u0301\u0301\u064eیىيεγⵯⴽ\u0654اe\u0300\u1100\u1161ـ>{|"
long_texts = st.text(alphabet=st.one_of(st.sampled_from(NEAR_CUTS), characters), max_size=60)


def whole(function, text: str) -> str:
    return function(TextBatch.from_input(text)).to_output()


@pytest.mark.parametrize("profile", awal.profiles())
@given(text=long_texts, size=st.integers(1, 8))
def test_profiles_in_slices(profile, text, size):
    n = Normalizer(profile)
    rule = cut_rule(n.steps)
    assert rule is not None
    steps, mode, _ = n._compile()
    assert map_long(text, n.normalize_batch, rule, size, mode) == whole(n.normalize_batch, text)


@pytest.mark.parametrize("scheme", [s for s in awal.schemes() if s not in MODEL_SCHEMES])
@examples(30)
@given(text=long_texts, size=st.integers(1, 8))
def test_schemes_in_slices(scheme, text, size):
    table = _table_scheme(scheme)
    assert map_long(text, table.apply, cut_rule(table.steps), size, table.list_mode) == whole(table.apply, text)


@given(text=long_texts, start=st.integers(0, 70), width=st.sampled_from([1, 3, 70, 300]))
def test_the_first_cut_is_the_first_safe_pair(text, start, width):
    """Tried character by character, then in NumPy windows: the same as testing every pair."""
    rule = cut_rule(Normalizer("search").steps)
    text = text * width
    want = next((i for i in range(max(start, 1), len(text))
                 if rule.left[ord(text[i - 1])] and rule.right[ord(text[i])] and text[i - 1] != text[i]), None)
    assert rule.first_cut(text, start) == want


def test_a_long_string_goes_in_slices_and_unknown_steps_do_not():
    n = Normalizer("search")
    text = ("بِسْمِ اللَّهِ ههههههه wooow\n" * (SLICE // 20))[: SLICE + 999]
    assert n(text) == whole(n.normalize_batch, text)
    assert awal.transliterate(text, "ar2bw") == whole(_table_scheme("ar2bw").apply, text)

    @dataclasses.dataclass(frozen=True)
    class NewKind:
        names: tuple[str, ...]

    assert cut_rule([*n.steps, NewKind(("x",))]) is None
