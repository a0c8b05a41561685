"""Normalisation profiles: properties on arbitrary Unicode, the documented behaviour, bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from awal import Normalizer, RuleError, TextBatch
from strategies import batches, characters, examples, texts

PROFILES = awal.profiles()


def test_builtin_profiles():
    assert {"default", "search", "darija", "camel"} <= set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
@given(text=texts)
def test_idempotent(profile, text):
    once = awal.normalize(text, profile)
    assert awal.normalize(once, profile) == once


@pytest.mark.parametrize("profile", PROFILES)
@given(items=batches)
def test_batch_equals_one_by_one(profile, items):
    assert awal.normalize(items, profile) == [awal.normalize(t, profile) for t in items]


# lists long enough for the joined way (awal.batch.map_text), of text with and without the
# characters the character maps change: Latin-1, other Latin, Tifinagh, a tatweel (between
# camel's keys, not one of them), Arabic letters and marks, NUL, a lone surrogate
UNTOUCHED_OR_NOT = st.text(alphabet=st.sampled_from("abé ’ṭⴰⵣⵓⵍـ\x00\ud800") | characters, max_size=30)
LONG_LISTS = st.lists(st.one_of(UNTOUCHED_OR_NOT, st.text(alphabet="abé ’ⴰⵣـ", max_size=30)), min_size=9, max_size=40)


@pytest.mark.parametrize("profile", PROFILES)
@examples(60)
@given(items=LONG_LISTS)
def test_lists_equal_one_by_one_batches(profile, items):
    """Joined slices, with those no rule can change given back as they came (awal.batch._map_joined)."""
    n = Normalizer(profile)
    assert n(items) == [n.normalize_batch(TextBatch.from_input(t)).to_output() for t in items]


def test_a_string_holding_the_list_separator():
    items = ["", "", "", "", "", "", "", "\x00", "آ"]  # found by `make fuzz`: the separator split one string in two
    n = Normalizer("camel")
    assert n(items) == [n.normalize_batch(TextBatch.from_input(t)).to_output() for t in items] == [*items[:8], "ا"]


def test_strings_without_a_changed_character_come_back_as_they_went_in():
    ascii_, latin, tifinagh, arabic = ["hello, world"] * 10, ["l'école"] * 10, ["ⴰⵣⵓⵍ ‘ṭ’"] * 10, ["إلى المدرسة"]
    for items in (ascii_, latin, tifinagh, latin + arabic + tifinagh):
        out = awal.normalize(items, "camel")
        assert [a is b for a, b in zip(out, items)] == [s != arabic[0] for s in items]  # the same objects: no work done
        assert out == [s.replace("إلى المدرسة", "الي المدرسه") for s in items]


@pytest.mark.parametrize("profile", PROFILES)
@given(text=texts)
def test_alignment_is_monotone_and_covers_the_input(profile, text):
    n = Normalizer(profile)
    out, spans = n.normalize_with_alignment(text)
    assert out == n(text)
    assert spans.shape == (len(out), 2) and spans.dtype == np.int64
    if len(out):
        assert spans[0, 0] == 0 and spans[-1, 1] == len(text)
        assert np.all(spans[:, 0] < spans[:, 1])
        assert np.all(np.diff(spans[:, 0]) >= 0) and np.all(np.diff(spans[:, 1]) >= 0)
        assert np.all(spans[1:, 0] <= spans[:-1, 1])  # no gaps


@pytest.mark.parametrize("profile", PROFILES)
@given(text=texts)
def test_explain_names_real_rules_and_spans(profile, text):
    n = Normalizer(profile)
    names = {r.name for r in n.rules}
    for rule, (start, end), before, after in n.explain(text):
        assert rule in names
        assert 0 <= start <= end <= len(text) and before == text[start:end]
        assert before != after


_CAMEL_DIAC = re.compile("[\u064b-\u0652\u0670]")


def camel_reference(s: str) -> str:
    """camel-tools 1.6 dediac_ar + normalize_alef_ar + normalize_alef_maksura_ar + normalize_teh_marbuta_ar."""
    s = _CAMEL_DIAC.sub("", s)
    s = re.sub("[\u0625\u0623\u0671\u0622]", "\u0627", s)
    return s.replace("\u0649", "\u064a").replace("\u0629", "\u0647")


@given(text=texts)
def test_camel_profile_equals_camel_tools_code(text):
    assert awal.normalize(text, "camel") == camel_reference(text)


CASES = [
    ("default", "ﻻ", "لا"),  # lam-alef ligature 1 -> 2
    ("default", "ﺑﺴﻢ", "بسم"),
    ("default", "كـــتاب", "كتاب"),
    ("default", "a\u200fb\ufeffc\u00add", "abcd"),
    ("default", "a\u00a0b\u2003c", "a b c"),
    ("default", "کتاب", "كتاب"),
    ("default", "فی", "فى"),
    ("default", "فیها", "فيها"),
    ("default", "بَیْت", "بَيْت"),  # yeh before sukun and a letter is inside the word
    ("default", "ههههههه", "هه"),
    ("default", "bzzzzzaf", "bzzaf"),
    ("default", "www.example.com", "www.example.com"),
    ("default", "ayεni", "ayɛni"),
    ("default", "γer", "ɣer"),
    ("default", "μεγάλος", "μεγάλος"),  # Greek stays Greek
    ("default", "ⴳʷ", "ⴳⵯ"),
    ("default", "ⴽ°", "ⴽⵯ"),
    ("default", "ⵯ", "ⵯ"),  # never NFKC
    ("default", "d\u0323", "ḍ"),
    ("default", "ا\u0654", "أ"),
    ("default", "إِنَّ", "إِنَّ"),  # diacritics kept
    ("search", "إِنَّ", "ان"),
    ("search", "مدرسة", "مدرسه"),
    ("search", "على", "علي"),
    ("search", "مسؤول", "مسوول"),
    ("search", "٣٫٥ ۴", "3.5 4"),
    ("search", "ماذا؟ نعم، لا؛", "ماذا? نعم, لا;"),
    ("search", "Bonjour ÉTÉ", "bonjour été"),
    ("search", "ڭال ڤيديو پاپا", "كال فيديو بابا"),
    ("search", "ٱلْحَمْدُ", "الحمد"),
    ("darija", "گال ݣال", "ڭال ڭال"),
    ("darija", "ڤيديو پاپا شدّة", "ڤيديو پاپا شدّة"),
    ("darija", "بزااااف", "بزااف"),
    ("camel", "إِنَّ مدرسةٌ على", "ان مدرسه علي"),
    ("camel", "ـ ڭ ی", "ـ ڭ ی"),
]


@pytest.mark.parametrize("profile, before, after", CASES)
def test_documented_behaviour(profile, before, after):
    assert awal.normalize(before, profile) == after


def test_types_round_trip():
    assert awal.normalize(("a", "ب")) == ("a", "ب")
    assert awal.normalize([]) == []
    assert awal.normalize("") == ""


def test_arrow_round_trip_keeps_nulls_and_type():
    pa = pytest.importorskip("pyarrow")
    for typ in (pa.string(), pa.large_string()):
        arr = pa.array(["كـتاب", None, "", "ﻻ"], type=typ)
        out = awal.normalize(arr)
        assert out.type == typ and out.to_pylist() == ["كتاب", None, "", "لا"]
    chunked = pa.chunked_array([["ﻻ", None], ["ـ"]])
    out = awal.normalize(chunked)
    assert isinstance(out, pa.ChunkedArray) and out.to_pylist() == ["لا", None, ""]
    assert [len(c) for c in out.chunks] == [2, 1]
    sliced = pa.array(["x", "ﻻ", None, "كـ"]).slice(1, 3)
    assert awal.normalize(sliced).to_pylist() == ["لا", None, "ك"]


def test_bad_input():
    with pytest.raises(ValueError, match="available: .*default"):
        Normalizer("nope")
    with pytest.raises(TypeError, match="item 1 is int"):
        awal.normalize(["a", 3])
    with pytest.raises(TypeError, match="decode bytes"):
        awal.normalize(b"abc")
    with pytest.raises(TypeError):
        awal.normalize(None)
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(TypeError, match="int64"):
        awal.normalize(pa.array([1, 2]))


def test_user_profile_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'extends = "default"\ndrop = ["tatweel"]\n\n[[rule]]\nname = "collapse-elongation"\nkind = "collapse"\nlimit = 1\nchars = "ه"\n\n'
        '[[rule]]\nname = "x-to-y"\nkind = "replace"\nmap = { "xx" = "y" }\n',
        encoding="utf-8",
    )
    n = Normalizer.from_file(path)
    assert n("كـتاب ههه xxx") == "كـتاب ه yx"


@pytest.mark.parametrize(
    "body, message",
    [
        ('[[rule]]\nname = "a"\nkind = "map"\nmap = { "ab" = "c" }\n', r"mine.toml:1\b.*single characters"),
        ('\n\n[[rule]]\nname = "a"\nkind = "frob"\n', r"mine.toml:3\b.*kind 'frob'"),
        ('[[rule]]\nname = "a"\nkind = "delete"\nchars = ["U+ZZ"]\n', r"mine.toml:1\b.*bad code point"),
        ('[[rule]]\nname = "a"\nkind = "delete"\n', r"needs 'chars'"),
        ('[[rule]]\nname = "a"\nkind = "context"\nmap = { "a" = "b" }\nnext = "planets"\n', "unknown class"),
        ('[[rule]]\nname = "a"\nkind = "collapse"\n', "limit"),
        ('[[rule]\nname = "a"\n', r"mine.toml: .*line 1"),
        ('extends = "nope"\n', "unknown profile"),
        ('drop = ["x"]\nextends = "default"\n', "no rule .x. in the base profile"),
        ("colour = 1\n", "unknown field 'colour'"),
    ],
)
def test_malformed_profile_names_file_and_line(tmp_path, body, message):
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises((RuleError, ValueError), match=message):
        Normalizer.from_file(path)


def test_profile_file_with_invalid_utf8(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_bytes(b'# mine\ndescription = "\xff"\n')
    with pytest.raises(RuleError, match=r"mine.toml: line 2, byte offset 22: invalid UTF-8 \(invalid start byte\)$"):  # (round 12: no line)
        Normalizer.from_file(path)


def test_profile_file_with_a_byte_order_mark(tmp_path):
    """Notepad saves UTF-8 with a byte order mark: round 12 read it as text ("Invalid statement (at line 1, column 1)")."""
    path = tmp_path / "mine.toml"
    path.write_bytes(b'\xef\xbb\xbfextends = "default"\r\ndrop = ["tatweel"]\r\n')
    assert Normalizer.from_file(path)("كـتاب") == "كـتاب" and Normalizer("default")("كـتاب") == "كتاب"


def test_character_rules_fuse_into_one_pass():
    steps = Normalizer("camel").steps
    assert len(steps) == 1 and steps[0].charmap.wide is None


@pytest.mark.shared
def test_camel_profile_on_real_corpus_matches_reference(shared_data):
    lines = (shared_data / "arabic" / "corpus_bench.txt").read_text(encoding="utf-8").splitlines()[:5000]
    assert awal.normalize(lines, "camel") == [camel_reference(s) for s in lines]
