"""Character maps on UTF-8 bytes (awal.utf8map) against their pure-Python twins, and the Arrow and
CLI paths that use them against the decoding path."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from awal import batch, reference, utf8map
from awal.utf8map import Utf8Map, valid_utf8

from strategies import characters, examples

ARABIC = [chr(c) for c in range(0x0600, 0x06C0)]  # leads 0xD8-0xDA
TWO_BYTE = st.one_of(st.sampled_from(ARABIC), st.characters(min_codepoint=0x80, max_codepoint=0x7FF))  # every 2-byte character
CAMEL = awal.Normalizer("camel").steps[0].mapping

utf8_texts = st.text(alphabet=st.one_of(characters, TWO_BYTE).filter(lambda c: not 0xD800 <= ord(c) < 0xE000), max_size=30)
rows = st.lists(utf8_texts, max_size=8)


def as_rows(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def run(umap: Utf8Map, encoded: list[bytes]) -> list[bytes] | None:
    data, offsets = as_rows(encoded)
    done = umap.run(data, offsets)
    if done is None:
        return None
    out, new = done
    return [bytes(out[a:b]) for a, b in zip(new.tolist(), new[1:].tolist())]


@st.composite
def two_byte_maps(draw):
    """A map of 2-byte characters (mostly Arabic) to one of them, a printable ASCII character or nothing."""
    keys = draw(st.lists(TWO_BYTE, min_size=1, max_size=20, unique=True))
    return {key: draw(st.one_of(st.just(""), TWO_BYTE, st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters='"\\'))) for key in keys}


@given(texts=rows)
def test_camel_on_bytes_is_the_character_map(texts):
    encoded = [t.encode("utf-8") for t in texts]
    assert run(Utf8Map.from_mapping(CAMEL), encoded) == reference.map_utf8(encoded, CAMEL)


@given(texts=rows, mapping=two_byte_maps(), numpy_only=st.booleans())
@examples(300)
def test_any_two_byte_map_on_bytes_is_the_character_map(texts, mapping, numpy_only):
    umap = Utf8Map.from_mapping(mapping)
    assert umap is not None
    encoded = [t.encode("utf-8") for t in texts]
    with pytest.MonkeyPatch.context() as patch:
        if numpy_only or importlib.util.find_spec("pyarrow") is None:  # words looked up by NumPy (pyarrow not imported)
            patch.delitem(sys.modules, "pyarrow.compute", raising=False)
        else:
            importlib.import_module("pyarrow.compute")  # by pyarrow's take
        assert run(umap, encoded) == reference.map_utf8(encoded, mapping)


utf8_pieces = st.one_of(utf8_texts.map(lambda t: t.encode("utf-8")), st.sampled_from([c.encode() for c in ARABIC]))
bytes_rows = st.lists(st.lists(st.one_of(st.binary(max_size=4), utf8_pieces), max_size=4).map(b"".join), max_size=6)


@given(encoded=bytes_rows, numpy_only=st.booleans())
@examples(400)
def test_validity_is_that_of_the_decoder(encoded, numpy_only):
    data, offsets = as_rows(encoded)
    assert valid_utf8(data, offsets[1:-1]) == reference.valid_utf8(encoded)
    assert valid_utf8(data) == reference.valid_utf8([b"".join(encoded)])
    with pytest.MonkeyPatch.context() as patch:
        if numpy_only:
            patch.delitem(sys.modules, "pyarrow.compute", raising=False)
        mapped = run(Utf8Map.from_mapping(CAMEL), encoded)  # checked on the way (the bytes hold a lead of the map)
    assert (mapped is None) == (not reference.valid_utf8(encoded))


@given(encoded=bytes_rows, piece=st.integers(1, 9))
@examples(300)
def test_one_text_in_pieces_is_the_character_map(encoded, piece):
    data = b"".join(encoded)  # valid or not; cut every few bytes (before a character where it is UTF-8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(utf8map, "ROWS_PIECE", piece)
        got = Utf8Map.from_mapping(CAMEL).map_text(data)
    assert got == (reference.map_utf8([data], CAMEL)[0] if reference.valid_utf8([data]) else None)


@pytest.mark.parametrize("raw", [b"\xe0\x9f\xbf", b"\xed\xa0\x80", b"\xf0\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xc1\xbf", b"\xf5\x80\x80\x80", b"a\xe2\x82"])
def test_each_kind_of_invalid_utf8_is_found(raw):
    assert not valid_utf8(np.frombuffer(raw, dtype=np.uint8))


def test_maps_that_are_not_two_byte_pairs_take_the_other_ways():
    assert Utf8Map.from_mapping({"a": ""}) is None  # ASCII
    assert Utf8Map.from_mapping({"ى": "ي", "ⴰ": ""}) is None  # 3-byte key
    assert Utf8Map.from_mapping({"ة": "ه "}) is None  # two characters
    assert Utf8Map.from_mapping({"ي": "ⴰ"}) is None  # to a 3-byte character
    for value in ("\n", "\r", "\x00", '"', "\\", "\x7f"):  # a line break or a JSON escape: never in place
        assert Utf8Map.from_mapping({"ي": value}) is None
    for profile in ("default", "search"):
        assert awal.Normalizer(profile)._compile()[1].utf8 is None  # context rules, NFC: code points
    assert awal.Normalizer("camel")._compile()[1].utf8 is not None
    from awal.translit import _table_scheme

    assert _table_scheme("ar2bw").list_mode.utf8 is not None and _table_scheme("bw2ar").list_mode.utf8 is None


pa = pytest.importorskip("pyarrow")
arrow_texts = st.lists(st.one_of(st.none(), utf8_texts), max_size=12)


STRING_TYPES = ["string", "large_string"] + (["string_view"] if hasattr(pa, "string_view") else [])


@given(values=arrow_texts, start=st.integers(0, 2), kind=st.sampled_from(STRING_TYPES), rows=st.integers(1, 5))
def test_arrow_camel_on_bytes_is_the_list_path(values, start, kind, rows):
    array = pa.array(values, type=getattr(pa, kind)()).slice(start)
    want = [None if v is None else awal.normalize(v, "camel") for v in values[start:]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "STRINGS_PER_SLICE", rows)
        patch.setattr(utf8map, "ROWS_PIECE", rows)  # pieces of a few bytes: some changed, some not
        got = awal.normalize(array, "camel")
        chunked = awal.normalize(pa.chunked_array([array, array], type=array.type), "camel")
    got.validate(full=True)
    assert got.type == array.type and got.null_count == array.null_count and got.to_pylist() == want
    assert chunked.to_pylist() == want * 2


@given(values=arrow_texts, start=st.integers(0, 2), kind=st.sampled_from(STRING_TYPES), rows=st.integers(1, 5))
def test_arrow_buckwalter_on_bytes_is_the_list_path(values, start, kind, rows):
    array = pa.array(values, type=getattr(pa, kind)()).slice(start)
    want = [None if v is None else awal.transliterate(v, "ar2bw") for v in values[start:]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(utf8map, "ROWS_PIECE", rows)  # Arabic to ASCII: the second byte of every pair goes
        got = awal.transliterate(array, "ar2bw")
    assert got.type == array.type and got.to_pylist() == want


def test_invalid_utf8_in_arrow_is_still_named():
    offsets = pa.py_buffer(pa.array([0, 4, 7], pa.int32()).buffers()[1])
    array = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer("ىَ".encode() + b"a\xd9b")])
    with pytest.raises(ValueError, match="invalid UTF-8 in Arrow row 1 at byte 1"):
        awal.normalize(array, "camel")


@given(lines=st.lists(st.text(alphabet=st.one_of(st.sampled_from([*ARABIC[:64], "\r", " ", "a"]), characters), max_size=12), max_size=6),
       newline=st.booleans(), to_ascii=st.booleans())
def test_txt_lines_on_bytes_are_the_parsing_path(lines, newline, to_ascii):
    from awal.io import Chunk, TxtCodec
    from awal.translit import _table_scheme

    data = "\n".join(lines).encode("utf-8", "surrogatepass") + (b"\n" if newline else b"")
    if not data:
        return
    chunk, codec = Chunk("t", 1, 0, data), TxtCodec()
    mapped = codec.map_bytes(chunk, _table_scheme("ar2bw").list_mode.utf8 if to_ascii else Utf8Map.from_mapping(CAMEL))
    if not reference.valid_utf8([data]):
        assert mapped is None
        return
    parsed = codec.parse(chunk, "strict")
    results = awal.transliterate(parsed.texts, "ar2bw") if to_ascii else awal.normalize(parsed.texts, "camel")
    assert mapped == (codec.render(parsed, results), len(parsed.texts))
