"""Every vectorised kernel equals its pure-Python twin on arbitrary Unicode."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from awal import kernels, reference
from awal.batch import TextBatch
from strategies import INTERESTING, batches, characters

MAP = {"ا": "b", "ى": "ي", "a": "ⴰ", "\x00": "N", "\U0001f600": "☺"}
DROP = set("ًٌٍَُِّْـ\u200f\x00")
EXPAND = {"ﻻ": "لا", "ـ": "", "x": "xyz", "\ud800": "?!", "é": ""}
REPLACE = {"ab": "X", "b": "yy", "aaa": "", "abca": "Q", "ⴳⵯ": "gʷ", "ch": "ش", "c": "", "\U0001f600\U0001f600": "2"}
LIMITS = {"h": 2, "ه": 2, "z": 3, "!": 1}


def batch_of(texts):
    return TextBatch.from_input(texts)


def strings_of(cps, offsets):
    return TextBatch(cps, offsets).to_list()


def per_string(values, offsets):
    return [list(values[a:b]) for a, b in zip(offsets[:-1], offsets[1:])]


def table_for(mapping):
    table = kernels.identity_table()
    for k, v in mapping.items():
        table[ord(k)] = ord(v)
    return table


def mask_for(chars):
    mask = np.zeros(kernels.UNICODE_SIZE, dtype=bool)
    mask[[ord(c) for c in chars]] = True
    return mask


@lru_cache(maxsize=None)
def charmap_of(items: tuple[tuple[str, str], ...]) -> kernels.CharMap:
    """A compiled map, built once per mapping (dense tables over every code point)."""
    return kernels.CharMap.from_mapping(dict(items))


texts_with_keys = st.lists(st.text(alphabet=st.sampled_from("abcaxéﻻـ" + "ⴳⵯh\U0001f600") | st.characters(codec=None), max_size=30), max_size=6)


@given(batches)
def test_batch_round_trip_is_lossless(texts):
    assert batch_of(texts).to_output() == texts
    for t in texts:
        assert TextBatch.from_input(t).to_output() == t


@given(batches)
def test_map_table(texts):
    b = batch_of(texts)
    out = kernels.map_table(b.codepoints, table_for(MAP))
    assert strings_of(out, b.offsets) == [reference.map_table(t, MAP) for t in texts]


@given(batches)
def test_delete(texts):
    b = batch_of(texts)
    cps, offs, source = kernels.delete(b.codepoints, b.offsets, mask_for(DROP))
    expected = [reference.delete(t, DROP.__contains__) for t in texts]
    assert strings_of(cps, offs) == [e[0] for e in expected]
    local = [[i + int(b.offsets[k]) for i in e[1]] for k, e in enumerate(expected)]
    assert source.tolist() == sum(local, [])


@given(texts_with_keys)
def test_expand(texts):
    b = batch_of(texts)
    cps, offs, source = kernels.expand(b.codepoints, b.offsets, charmap_of(tuple(EXPAND.items())))
    expected = [reference.expand(t, EXPAND) for t in texts]
    assert strings_of(cps, offs) == [e[0] for e in expected]
    if source is None:
        source = np.arange(len(cps))
    local = [[i + int(b.offsets[k]) for i in e[1]] for k, e in enumerate(expected)]
    assert source.tolist() == sum(local, [])


TWO_CHARS = {"x": "\\x", "a": "\\a", "\\": "\\\\", "ﻻ": "لا", "\U0001f600": "☺!", "é": "e"}  # every long value two characters


@given(texts_with_keys)
def test_expand_with_two_character_values(texts):
    b = batch_of(texts)
    charmap = charmap_of(tuple(TWO_CHARS.items()))
    assert charmap.wide.two_chars is not None
    cps, offs, source = kernels.expand(b.codepoints, b.offsets, charmap)
    expected = [reference.expand(t, TWO_CHARS) for t in texts]
    assert strings_of(cps, offs) == [e[0] for e in expected]
    local = [[i + int(b.offsets[k]) for i in e[1]] for k, e in enumerate(expected)]
    assert (source.tolist() if source is not None else list(range(len(cps)))) == sum(local, [])


@given(st.lists(st.integers(0, 9), max_size=30), st.data())
def test_insert_sorted(values, data):
    at = sorted(data.draw(st.lists(st.integers(0, len(values)), max_size=12)))
    new = [100 + k for k in range(len(at))]
    got = kernels.insert_sorted(np.array(values, dtype=np.int64), np.array(at, dtype=np.int64), np.array(new, dtype=np.int64))
    assert got.tolist() == reference.insert_sorted(values, at, new)


# BMP text without surrogates, with the characters from U+E000 up that sit beside the UTF-16 marks
bmp_texts = st.lists(
    st.text(alphabet=st.sampled_from("xéﻻـa\ue000\uffff\ufffd\uf8ff") | st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=30),
    max_size=6,
)


@given(bmp_texts)
def test_expand_on_utf16_units_equals_utf32(texts):
    b = batch_of(texts)
    for mapping in (EXPAND, {"x": "\ue000\uffff", "a": "", "ﻻ": "\ufffd"}, {"x": "yz", "a": "b"}, {"a": "b", "é": "ⴰ"}, {"é": ""}):
        charmap = charmap_of(tuple(mapping.items()))
        wide, offs, _ = kernels.expand(b.codepoints, b.offsets, charmap)
        narrow, offs16, _ = kernels.expand(b.codepoints.astype(np.uint16), b.offsets, charmap, align=False)
        assert narrow.dtype == np.uint16 and narrow.tolist() == wide.tolist() and offs16.tolist() == offs.tolist()


@given(texts_with_keys)
def test_replace_longest_equals_greedy_scan(texts):
    b = batch_of(texts)
    m = kernels.Matcher.from_pairs(REPLACE.items())
    cps, offs, start, end = kernels.replace_longest(b.codepoints, b.offsets, m)
    expected = [reference.replace_longest(t, REPLACE) for t in texts]
    assert strings_of(cps, offs) == [e[0] for e in expected]
    got_spans = [list(zip(s, e)) for s, e in zip(per_string(start, offs), per_string(end, offs))]
    for k, (spans, exp) in enumerate(zip(got_spans, expected)):
        base = int(b.offsets[k])
        assert [(s - base, e - base) for s, e in spans] == exp[1]


TWO_CHAR_REPLACE = {"ab": "XY", "b": "yy", "c": "zz", "\U0001f600": "!!"}  # every value two characters
TWO_CHAR_MATCHER = kernels.Matcher.from_pairs(TWO_CHAR_REPLACE.items())


@given(texts_with_keys)
def test_replace_longest_with_two_character_values(texts):
    b = batch_of(texts)
    cps, offs, start, end = kernels.replace_longest(b.codepoints, b.offsets, TWO_CHAR_MATCHER)
    expected = [reference.replace_longest(t, TWO_CHAR_REPLACE) for t in texts]
    assert strings_of(cps, offs) == [e[0] for e in expected]
    spans = [(s - int(b.offsets[k]), e - int(b.offsets[k])) for k, (ss, es) in enumerate(zip(per_string(start, offs), per_string(end, offs)))
             for s, e in zip(ss, es)]
    assert spans == [span for e in expected for span in e[1]]


@given(st.lists(st.text(alphabet="ab", max_size=200), max_size=4))
def test_replace_longest_long_overlapping_chains(texts):
    table = {"aa": "1", "ab": "2", "aab": "3", "bab": "4", "abab": "5"}
    b = batch_of(texts)
    cps, offs, _, _ = kernels.replace_longest(b.codepoints, b.offsets, kernels.Matcher.from_pairs(table.items()))
    assert strings_of(cps, offs) == [reference.replace_longest(t, table)[0] for t in texts]


def test_replace_longest_matches_regex_sub():
    import regex

    table = {"ab": "X", "b": "yy", "abca": "Q", "aaa": ""}
    pattern = regex.compile("|".join(regex.escape(k) for k in sorted(table, key=len, reverse=True)))
    text = "abcabcaaaabbabca" * 50
    b = batch_of([text])
    cps, offs, _, _ = kernels.replace_longest(b.codepoints, b.offsets, kernels.Matcher.from_pairs(table.items()))
    assert strings_of(cps, offs) == [pattern.sub(lambda m: table[m.group()], text)]


@given(st.lists(st.text(alphabet=st.sampled_from("hhhzzz!ه a") | st.characters(codec=None), max_size=40), max_size=6))
def test_collapse_runs(texts):
    b = batch_of(texts)
    limit = np.zeros(kernels.UNICODE_SIZE, dtype=np.int64)
    for k, v in LIMITS.items():
        limit[ord(k)] = v
    cps, offs, _ = kernels.collapse_runs(b.codepoints, b.offsets, limit)
    assert strings_of(cps, offs) == [reference.collapse_runs(t, lambda c: LIMITS.get(c, 0))[0] for t in texts]


@given(batches, st.sampled_from([-1, 1]), st.booleans())
def test_neighbour_in(texts, step, skipping):
    b = batch_of(texts)
    members, skipped = INTERESTING[:40], "ًٌٍَُِّْٰٕٓٔ\u0301"
    skip = mask_for(skipped) if skipping else None
    got = kernels.neighbour_in(b.codepoints, b.offsets, mask_for(members), step, skip)
    expected = [
        reference.neighbour_in(t, members.__contains__, step, (skipped if skipping else "").__contains__) for t in texts
    ]
    assert got.tolist() == sum(expected, [])


@given(texts_with_keys)
def test_tile_spans_are_monotone_and_cover(texts):
    table = dict(REPLACE, **{"x": "", "é": "ee"})
    b = batch_of(texts)
    cps, offs, start, end = kernels.replace_longest(b.codepoints, b.offsets, kernels.Matcher.from_pairs(table.items()))
    start, end = kernels.tile(start, end, b.offsets, offs)
    for k, t in enumerate(texts):
        a, z = int(offs[k]), int(offs[k + 1])
        base = int(b.offsets[k])
        spans = [(int(s) - base, int(e) - base) for s, e in zip(start[a:z], end[a:z])]
        exact = reference.replace_longest(t, table)[1]
        assert spans == reference.tile(exact, len(t))
        if spans:
            assert spans[0][0] == 0 and spans[-1][1] == len(t)
            assert all(s0 <= s1 and e0 <= e1 and s1 <= e0 for (s0, e0), (s1, e1) in zip(spans, spans[1:]))


def test_empty_batch():
    b = batch_of([])
    assert b.to_output() == []
    cps, offs, _, _ = kernels.replace_longest(b.codepoints, b.offsets, kernels.Matcher.from_pairs(REPLACE.items()))
    assert len(cps) == 0 and offs.tolist() == [0]


@given(st.text(alphabet=characters, max_size=40), st.integers(1, 80))
def test_code_points_and_back_through_utf16_or_utf32(text, repeat):
    """Long enough text goes through UTF-16 when it can: the same code points and text as UTF-32."""
    from awal.batch import code_points, text_of

    text = text * repeat
    want = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    assert np.array_equal(code_points(text), want)
    assert text_of(want) == text
