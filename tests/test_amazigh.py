"""Amazigh schemes: tfng2latn / latn2tfng (IRCAM), tfng2ar, latn2ar, latn2tfng_digraphs."""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from strategies import texts

ROOT = Path(__file__).resolve().parents[1]

# IRCAM: 31 letters + the labialisation mark (ⴳⵯ ⴽⵯ make the 33).
IRCAM = dict(zip(
    "ⴰⴱⴳⴷⴹⴻⴼⴽⵀⵃⵄⵅⵇⵉⵊⵍⵎⵏⵓⵔⵕⵖⵙⵚⵛⵜⵟⵡⵢⵣⵥⵯ",
    ["a", "b", "g", "d", "ḍ", "e", "f", "k", "h", "ḥ", "ɛ", "x", "q", "i", "j", "l", "m", "n",
     "u", "r", "ṛ", "ɣ", "s", "ṣ", "c", "t", "ṭ", "w", "y", "z", "ẓ", "ʷ"],
))
# Extension, Kabyle and Tuareg letters with a Latin letter of their own (two-way).
EXTENDED = {"ⵒ": "p", "ⵠ": "v", "ⵧ": "o", "ⵦ": "ė", "ⴶ": "ǧ", "ⴵ": "ǰ", "ⵞ": "č", "ⴸ": "ḏ", "ⵝ": "ṯ",
            "ⴲ": "ḇ", "ⴴ": "ḡ", "ⴿ": "ḵ", "ⴺ": "ḏ̣", "ⵑ": "ŋ", "ⵐ": "ɲ", "⵿": "‿"}
# Glyph variants that read back as the IRCAM letter (one-way, documented as lossy).
FOLDED = {"ⵁ": "ⵀ", "ⵂ": "ⵀ", "ⴾ": "ⴽ", "ⵆ": "ⵅ", "ⵈ": "ⵇ", "ⵗ": "ⵖ", "ⵘ": "ⵖ", "ⵌ": "ⵊ", "ⵋ": "ⵊ", "ⵤ": "ⵣ"}
FOLD = str.maketrans(FOLDED)
NAMES = ("tfng2latn", "latn2tfng", "tfng2ar", "latn2ar", "latn2tfng_digraphs", "latn_informal2ircam")


def t2l(x):
    return awal.transliterate(x, "tfng2latn")


def l2t(x):
    return awal.transliterate(x, "latn2tfng")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _bench():
    spec = importlib.util.spec_from_file_location("evaluate_amazigh", ROOT / "benchmarks" / "evaluate_amazigh.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- scheme catalogue
@pytest.mark.parametrize("name", NAMES)
def test_scheme_listed(name):
    assert name in awal.schemes()


# ---------------------------------------------------------------- letters
@pytest.mark.parametrize("tfng, latn", sorted({**IRCAM, **EXTENDED}.items()))
def test_each_letter_both_ways(tfng, latn):
    assert t2l(tfng) == nfc(latn)
    assert l2t(latn) == tfng
    assert l2t(unicodedata.normalize("NFD", latn)) == tfng


def test_all_33_ircam_letters():
    word = "ⴰⴱⴳⴳⵯⴷⴹⴻⴼⴽⴽⵯⵀⵃⵄⵅⵇⵉⵊⵍⵎⵏⵓⵔⵕⵖⵙⵚⵛⵜⵟⵡⵢⵣⵥ"
    assert t2l(word) == "abggʷdḍefkkʷhḥɛxqijlmnurṛɣsṣctṭwyzẓ"
    assert l2t(t2l(word)) == word


@pytest.mark.parametrize("tfng, latn", sorted({**IRCAM, **EXTENDED}.items()))
def test_uppercase_reads_as_same_letter(tfng, latn):
    upper = latn.upper()
    assert l2t(upper) == tfng
    assert l2t(unicodedata.normalize("NFD", upper)) == tfng


@pytest.mark.parametrize("variant, fold", sorted(FOLDED.items()))
def test_glyph_variants_fold_to_ircam_letter(variant, fold):
    latn = t2l(variant)
    assert latn == t2l(fold) or (variant, latn) == ("ⵋ", "ž")
    assert l2t(latn) == fold


# ---------------------------------------------------------------- labialisation, joiner
@pytest.mark.parametrize("tfng, latn", [("ⴳⵯ", "gʷ"), ("ⴽⵯ", "kʷ"), ("ⵅⵯ", "xʷ"), ("ⵇⵯ", "qʷ"), ("ⵖⵯ", "ɣʷ")])
def test_labialised(tfng, latn):
    assert t2l(tfng) == latn
    assert l2t(latn) == tfng
    assert l2t(latn[0].upper() + latn[1:]) == tfng


def test_labialisation_mark_survives_everywhere():
    text = "ⵜⴰⴷⴳⴳⵯⴰⵜ ⴰⴽⵯ ⵯ"
    assert t2l(text) == "tadggʷat akʷ ʷ"
    assert l2t(t2l(text)) == text
    assert awal.transliterate(text, "tfng2ar").count("ۥ") == 3
    # NFKC would turn ⵯ into ⵡ; the default normaliser must not.
    assert "ⵯ" in awal.normalize(text)


def test_consonant_joiner_round_trips_and_is_visible():
    text = "ⵜ⵿ⵜ ⴹ⵿ⵕ"
    latn = t2l(text)
    assert latn == "t‿t ḍ‿ṛ"
    assert l2t(latn) == text
    assert l2t("t‿t") == "ⵜ⵿ⵜ"
    # an undertie already in Tifinagh text is escaped, not read as a joiner
    assert t2l("ⴰ‿ⴱ") == "a\\‿b" and l2t("a\\‿b") == "ⴰ‿ⴱ"
    assert "⵿" in awal.transliterate(text, "tfng2ar")  # kept, not dropped


# ---------------------------------------------------------------- input variants
@pytest.mark.parametrize("latn, tfng", [
    ("ε", "ⵄ"), ("Ɛ", "ⵄ"), ("ɛ", "ⵄ"), ("γ", "ⵖ"), ("Ɣ", "ⵖ"), ("ɣ", "ⵖ"), ("ə", "ⴻ"), ("ǝ", "ⴻ"),
    ("š", "ⵛ"), ("ž", "ⵊ"), ("Ž", "ⵊ"), ("ġ", "ⵖ"), ("ʕ", "ⵄ"), ("ɡ", "ⴳ"), ("ţ", "ⵜⵙ"),
    ("d\u0323", "ⴹ"), ("D\u0323", "ⴹ"), ("\u1e0d", "ⴹ"), ("s\u0323", "ⵚ"), ("z\u0323", "ⵥ"),
    ("Tamaziɣt", "ⵜⴰⵎⴰⵣⵉⵖⵜ"), ("TAMAZIƔT", "ⵜⴰⵎⴰⵣⵉⵖⵜ"), ("taεrabt", "ⵜⴰⵄⵔⴰⴱⵜ"),
])
def test_input_variants(latn, tfng):
    assert l2t(latn) == tfng


def test_nfd_and_nfc_input_agree():
    text = "aḍaṛ ṭṭaṣ ẓẓ ḥḥ Ḍ Ṭ ǧ č"
    assert l2t(unicodedata.normalize("NFD", text)) == l2t(text)


def test_no_digraphs_by_default():
    assert l2t("gh ch kh sh") == "ⴳⵀ ⵛⵀ ⴽⵀ ⵙⵀ"


def test_digraph_scheme_is_opt_in():
    f = lambda x: awal.transliterate(x, "latn2tfng_digraphs")
    assert f("taghdemt") == "ⵜⴰⵖⴷⴻⵎⵜ"
    assert f("Tachelhit akh ash") == "ⵜⴰⵛⴻⵍⵀⵉⵜ ⴰⵅ ⴰⵛ"
    assert f("GHCHKHSH") == "ⵖⵛⵅⵛ"
    assert f("yâggalen") == "ⵢⵄⴳⴳⴰⵍⴻⵏ"
    assert f("tamaziɣt ḍ gʷ") == l2t("tamaziɣt ḍ gʷ")  # IRCAM input unchanged


# ---------------------------------------------------------------- passthrough, escape
@pytest.mark.parametrize("text", ["0123456789", " ,.;:!?()«»\"'-–—/%", "٣ كتاب", "😀 \U00010000", "⵰", "\t\n"])
def test_other_text_passes_through(text):
    assert t2l(text) == text
    assert l2t(text) == text
    assert awal.transliterate(text, "tfng2ar") == text


def test_latin_inside_tifinagh_is_escaped_and_survives():
    text = "ⴰⵙⵙⴰ UTC 9:30 printer \\ ⵍⵎⵖⵔⵉⴱ"
    latn = t2l(text)
    assert latn == "assa \\U\\T\\C 9:30 \\p\\r\\i\\n\\t\\e\\r \\\\ lmɣrib"
    assert l2t(latn) == text


def test_empty():
    for name in NAMES:
        assert awal.transliterate("", name) == ""
        assert awal.transliterate([], name) == []
        assert awal.transliterate(["", "ⴰ", ""], name)[0::2] == ["", ""]


def test_batch_equals_single():
    items = ["ⵜⴰⵎⴰⵣⵉⵖⵜ", "", "ⴰⴽⵯ ABC", "ⵣⵓⵍ"]
    assert t2l(items) == [t2l(s) for s in items]


def test_canonical_latin_round_trip():
    latn = "tamaziɣt d tutlayt taɣlant, ggʷ kʷ ḍ ṛ ṣ ṭ ẓ ḥ ɛ x q c j 2024!"
    assert t2l(l2t(latn)) == latn


# ---------------------------------------------------------------- properties
@given(texts)
def test_round_trip_property(text):
    """tfng2latn then latn2tfng returns any text exactly, up to the documented glyph-variant folding."""
    assert l2t(t2l(text)) == text.translate(FOLD)


_tfng_heavy = st.text(alphabet=st.sampled_from(
    list(IRCAM) + list(EXTENDED) + list(FOLDED) + list("abcxyzABC ɛγε\\‿ḍ\u0323\u030c0.,")), max_size=40)


@given(_tfng_heavy)
def test_round_trip_property_tifinagh_heavy(text):
    assert l2t(t2l(text)) == text.translate(FOLD)


@given(texts)
def test_arabic_schemes_never_raise(text):
    assert isinstance(awal.transliterate(text, "tfng2ar"), str)
    assert isinstance(awal.transliterate(text, "latn2ar"), str)


# ---------------------------------------------------------------- Arabic script
@pytest.mark.parametrize("tfng, ar", [
    ("ⴰ", "ا"), ("ⴱ", "ب"), ("ⴳ", "ݣ"), ("ⴳⵯ", "ݣۥ"), ("ⴽⵯ", "کۥ"), ("ⴹ", "ض"), ("ⵃ", "ح"), ("ⵄ", "ع"),
    ("ⵅ", "خ"), ("ⵇ", "ق"), ("ⵉ", "ي"), ("ⵢ", "ي"), ("ⵊ", "ج"), ("ⵓ", "و"), ("ⵡ", "ۉ"), ("ⵕ", "ڕ"),
    ("ⵖ", "غ"), ("ⵚ", "ص"), ("ⵛ", "ش"), ("ⵟ", "ط"), ("ⵥ", "ژ"), ("ⵒ", "پ"), ("ⵠ", "ڤ"), ("ⴻ", "\u064e"),
])
def test_tfng2ar_letters(tfng, ar):
    assert awal.transliterate(tfng, "tfng2ar") == ar


def test_every_tifinagh_letter_has_arabic():
    for cp in range(0x2D30, 0x2D68):
        ch = chr(cp)
        if unicodedata.category(ch) == "Lo" and ch in {**IRCAM, **EXTENDED, **FOLDED}:
            assert not (0x2D30 <= ord(awal.transliterate(ch, "tfng2ar")[0]) <= 0x2D7F), ch


def test_latn2ar_is_latn2tfng_then_tfng2ar():
    texts_ = ["Tamaziɣt", "tadggʷat", "aḍaṛ n ṭṭaṣ", "ssaɛudiya", "ḍ" + "d\u0323", ""]
    assert awal.transliterate(texts_, "latn2ar") == awal.transliterate(l2t(texts_), "tfng2ar")
    assert awal.transliterate("tamaziɣt", "latn2ar") == "تامازيغت"


# ---------------------------------------------------------------- real data (shared)
@pytest.mark.shared
def test_cldr_tachelhit_both_directions(shared_data):
    scores = _bench().cldr_scores(shared_data)
    assert scores["tfng2latn"]["exact"] >= 0.975, scores
    assert scores["latn2tfng"]["exact"] >= 0.975, scores
    assert scores["tfng2latn"]["cer"] < 0.01 and scores["latn2tfng"]["cer"] < 0.01


@pytest.mark.shared
def test_flores_tzm_round_trip_is_exact(shared_data):
    lines = _bench().load_flores("tzm_Tfng", shared_data)
    assert len(lines) == 997
    back = l2t(t2l(lines))
    bad = [i for i, (a, b) in enumerate(zip(lines, back)) if a != b]
    assert not bad, f"{len(bad)} lines differ, first {bad[:5]}"


@pytest.mark.shared
def test_flores_taq_round_trip_up_to_folding(shared_data):
    r = _bench().round_trip(_bench().load_flores("taq_Tfng", shared_data))
    assert r["folded"] == 1.0, r


@pytest.mark.shared
def test_speed_baseline_agrees(shared_data):
    """The benchmark's str.translate baseline gives the same output as awal (speed is in the benchmark)."""
    bench = _bench()
    lines = bench.load_flores("tzm_Tfng", shared_data)
    table = bench.translate_table()
    assert t2l(lines) == [s.translate(table) for s in lines]
