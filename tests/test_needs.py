"""Steps skipped where no code point of a slice may set them off (awal.needs) change nothing:
every profile gives exactly what running all its steps gives."""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import batches, characters

import awal
from awal.batch import TextBatch
from awal.needs import step_triggers
from awal.normalize import Normalizer
from awal.rules import run_steps
from awal.translit import MODEL_SCHEMES, _table_scheme

# sources of later steps written by earlier ones: presentation forms, Farsi yeh, Greek and Latin
# lookalikes, Tifinagh labialisation, carons, NFC pairs, runs
WRITTEN_LATER = "ﯼﯾﻯﻰیىيεγɛɣⵯⴽⴳ\u02b7ǧǦ\u030cge\u0301\u0654ا\u1100\u1161ههههsssSSS"
mixed = st.lists(st.text(alphabet=st.one_of(st.sampled_from(WRITTEN_LATER), characters), max_size=40), max_size=8)


@pytest.mark.parametrize("profile", awal.profiles())
@given(strings=st.one_of(batches, mixed))
def test_skipping_steps_changes_nothing(profile, strings):
    n = Normalizer(profile)
    batch = TextBatch.from_input(strings)
    assert n.normalize_batch(batch).to_output() == run_steps(n.steps, batch).to_output()


@lru_cache(maxsize=None)
def scheme_triggers(scheme: str):
    return step_triggers(_table_scheme(scheme).steps)


@pytest.mark.parametrize("scheme", [s for s in awal.schemes() if s not in MODEL_SCHEMES])
@given(strings=mixed)
def test_skipping_scheme_steps_changes_nothing(scheme, strings):
    steps = _table_scheme(scheme).steps
    batch = TextBatch.from_input(strings)
    assert run_steps(steps, batch, scheme_triggers(scheme)).to_output() == run_steps(steps, batch).to_output()


def test_arabic_through_search_skips_the_context_rules_and_nfc():
    steps = Normalizer("search").steps
    table = step_triggers(steps)
    text = "قَالَ الرَّئِيسُ إِنَّ الاجْتِمَاعَ سَيُعْقَدُ غَدًا، ١٢٣"
    wanted = 0
    for ch in text:
        wanted |= int(table[ord(ch)])
    ran = [type(steps[k]).__name__ for k in range(len(steps)) if wanted >> k & 1]
    assert "ContextStep" not in ran and "NfcStep" not in ran and "CharStep" in ran
