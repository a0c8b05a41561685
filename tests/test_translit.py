"""Table transliteration schemes: reversibility, peers' conventions, bad input."""

from __future__ import annotations


import pytest
from hypothesis import given

import awal
from awal import Transliterator
from strategies import batches, texts

# the extended schemes round-trip any text; the standard ones (ar2bw...) only text in their alphabet
REVERSIBLE = [("ar2bwx", "bwx2ar"), ("ar2safebwx", "safebwx2ar"), ("ar2xmlbwx", "xmlbwx2ar"), ("ar2hsbx", "hsbx2ar")]

# camel-tools 1.6 ar2bw_map.json, for the letters both cover
CAMEL_AR2BW = dict(zip("ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ", "'|>&<}AbptvjHxd*rzs$SDTZEg_fqklmnhwYyFNKaui~o`{PJVG"))


@pytest.mark.parametrize("forward, reverse", REVERSIBLE)
@given(text=texts)
def test_reversible_schemes_round_trip_any_text(forward, reverse, text):
    assert awal.transliterate(awal.transliterate(text, forward), reverse) == text


def test_ar2bw_equals_camel_tools_where_camel_maps():
    text = "".join(CAMEL_AR2BW) + " " + "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ"
    assert awal.transliterate(text, "ar2bw") == "".join(CAMEL_AR2BW.get(c, c) for c in text)


def test_escape_keeps_latin_and_scheme_symbols():
    assert awal.transliterate("كتاب {Arabic} 3*4", "ar2bwx") == "ktAb \\{\\A\\r\\a\\b\\i\\c\\} 3\\*4"
    assert awal.transliterate("ڭال", "ar2bwx") == "cAl"


def test_batches_and_types():
    words = ["كتاب", "", "قلم"]
    assert awal.transliterate(words, "ar2bw") == ["ktAb", "", "qlm"]
    assert awal.transliterate(tuple(words), "ar2bw") == ("ktAb", "", "qlm")


TABLE_SCHEMES = [name for name in awal.schemes() if name not in ("arabizi2ar", "ar2arabizi")]


@pytest.mark.parametrize("scheme", TABLE_SCHEMES)
@given(items=batches)
def test_list_equals_one_by_one(scheme, items):
    assert awal.transliterate(items, scheme) == [awal.transliterate(t, scheme) for t in items]


def test_long_lists_with_the_list_separator_in_some_slices():
    from awal.batch import STRINGS_PER_SLICE

    words = ["ⴰⵣⵓⵍ", "a\x00b", ""] * STRINGS_PER_SLICE  # the joined way for none, some or all slices
    words[:STRINGS_PER_SLICE] = ["ⵜⵉⴼⵉⵏⴰⵖ"] * STRINGS_PER_SLICE
    assert awal.transliterate(words, "tfng2latn") == [awal.transliterate(w, "tfng2latn") for w in words]
    with pytest.raises(TypeError, match=f"item {STRINGS_PER_SLICE + 4} is int"):
        awal.transliterate(words[: STRINGS_PER_SLICE + 4] + [5], "tfng2latn")


def test_unknown_text_passes_through():
    assert awal.transliterate("ⴰⵣⵓⵍ 😀 ١٢٣", "ar2bw") == "ⴰⵣⵓⵍ 😀 ١٢٣"


def test_bad_input():
    with pytest.raises(ValueError, match="available: .*ar2bw"):
        awal.transliterate("x", "ar2klingon")
    with pytest.raises(TypeError):
        awal.transliterate(b"x", "ar2bw")
    with pytest.raises(TypeError):
        awal.transliterate("x", 3)
    with pytest.raises(ValueError, match="only arabizi2ar"):
        Transliterator("ar2bw").fit([("a", "b")])


def test_schemes_include_the_contract():
    names = set(awal.schemes())
    assert {"ar2bw", "bw2ar", "ar2bwx", "bwx2ar", "ar2safebw", "safebw2ar", "ar2xmlbw", "xmlbw2ar", "ar2hsb", "hsb2ar", "arabizi2ar", "ar2arabizi"} <= names


@pytest.mark.shared
@pytest.mark.parametrize("forward, reverse", REVERSIBLE)
def test_round_trip_every_line_of_the_real_corpus(shared_data, forward, reverse):
    lines = (shared_data / "arabic" / "corpus_bench.txt").read_text(encoding="utf-8").splitlines()
    back = awal.transliterate(awal.transliterate(lines, forward), reverse)
    failures = [i for i, (a, b) in enumerate(zip(lines, back)) if a != b]
    assert len(back) == len(lines) and not failures, f"{len(failures)} lines not restored, first {failures[:3]}"


def test_joined_parts_cut_only_between_strings(monkeypatch):
    from awal import batch

    words = ["ⴰⵣⵓⵍ", "", "ⵜⵉⴼⵉⵏⴰⵖ ⴰⵎⴰⵣⵉⵖ", ""] * 50
    expected = [awal.transliterate(w, "tfng2latn") for w in words]
    for part in (1, 3, 7, 1 << 17):
        monkeypatch.setattr(batch, "JOINED_PART", part)
        assert awal.transliterate(words, "tfng2latn") == expected
        assert awal.transliterate([""], "tfng2latn") == [""]
