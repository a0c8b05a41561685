"""Standard Buckwalter-family schemes equal camel-tools' maps; the extended ones round-trip any text."""

from __future__ import annotations

import pytest
from hypothesis import given

import awal
from strategies import texts

# camel-tools 1.6.0 utils/charmaps/<name>_map.json ("default": null, so every other character passes
# through unchanged), written out as (keys, values) strings. Built with:
#   pip download camel-tools==1.6.0 --no-deps; read camel_tools/utils/charmaps/*_map.json
CAMEL = {
    "ar2bw": dict(zip('ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ', "'|>&<}AbptvjHxd*rzs$SDTZEg_fqklmnhwYyFNKaui~o`{PJVG")),
    "bw2ar": dict(zip("'|>&<}AbptvjHxd*rzs$SDTZEg_fqklmnhwYyFNKaui~o`{PJVG", 'ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ')),
    "ar2safebw": dict(zip('ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ', 'CMOWIQAbptvjHxdVrzscSDTZEg_fqklmnhwYyFNKaui~oeLPJBG')),
    "safebw2ar": dict(zip('CMOWIQAbptvjHxdVrzscSDTZEg_fqklmnhwYyFNKaui~oeLPJBG', 'ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ')),
    "ar2xmlbw": dict(zip('ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ', "'|OWI}AbptvjHxd*rzs$SDTZEg_fqklmnhwYyFNKaui~o`{PJVG")),
    "xmlbw2ar": dict(zip("'|OWI}AbptvjHxd*rzs$SDTZEg_fqklmnhwYyFNKaui~o`{PJVG", 'ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ')),
    "ar2hsb": dict(zip('ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ', "'ĀÂŵĂŷAbħtθjHxdðrzsšSDTĎςγ_fqklmnhwýyãũĩaui~.áÄpcvg")),
    "hsb2ar": dict(zip("'ĀÂŵĂŷAbħtθjHxdðrzsšSDTĎςγ_fqklmnhwýyãũĩaui~.áÄpcvg", 'ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْٰٱپچڤگ')),
}


def camel(text: str, scheme: str) -> str:
    """What camel-tools' ``CharMapper.builtin_mapper(scheme)`` gives: one character at a time."""
    return "".join(CAMEL[scheme].get(ch, ch) for ch in text)


@pytest.mark.parametrize("scheme", sorted(CAMEL))
def test_every_character_camel_maps(scheme):
    keys = "".join(CAMEL[scheme])
    assert awal.transliterate(keys, scheme) == camel(keys, scheme)
    assert awal.transliterate(list(keys), scheme) == [CAMEL[scheme][k] for k in keys]


@pytest.mark.parametrize("scheme", sorted(CAMEL))
@given(text=texts)
def test_byte_identical_to_camel_on_any_text(scheme, text):
    assert awal.transliterate(text, scheme) == camel(text, scheme)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("#Almgrb", "#المغرب"),  # the hashtag sign is not hamza above
        ("x = 5", "خ = 5"),  # = is not hamza below
        ("Al<inotirnit", "الإِنْتِرنِت"),
        ("I L c ^", "I L c ^"),  # letters and symbols outside the standard pass through
        ("\\A", "\\ا"),  # no escapes in the standard scheme
    ],
)
def test_standard_bw2ar_reads_treebank_buckwalter(text, expected):
    assert awal.transliterate(text, "bw2ar") == expected


def test_ar2bw_passes_latin_through_like_camel():
    assert awal.transliterate("كتاب Arabic 3*4", "ar2bw") == "ktAb Arabic 3*4"


EXTENDED = [("ar2bwx", "bwx2ar"), ("ar2safebwx", "safebwx2ar"), ("ar2xmlbwx", "xmlbwx2ar"), ("ar2hsbx", "hsbx2ar")]


@pytest.mark.parametrize("forward, reverse", EXTENDED)
@given(text=texts)
def test_extended_schemes_round_trip_any_text(forward, reverse, text):
    assert awal.transliterate(awal.transliterate(text, forward), reverse) == text


@pytest.mark.parametrize("forward, reverse", EXTENDED)
def test_extended_schemes_agree_with_standard_on_plain_arabic(forward, reverse):
    standard_forward = forward[:-1]
    text = "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ"
    assert awal.transliterate(text, forward) == awal.transliterate(text, standard_forward)


def test_extended_keeps_its_own_letters():
    assert awal.transliterate("ڭال ی", "ar2bwx") == "cAl I"
    assert awal.transliterate("cAl I", "bwx2ar") == "ڭال ی"
