"""JSONL: what a record becomes never depends on the other lines of its batch (fast path == general path)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from strategies import examples

from awal.io import Chunk, DataError, JsonlCodec

TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(["\u2028", "\\", '"', "ﻻ", "\x00"]), max_size=8)
KEYS = st.sampled_from(["text", "id", "norm", "a", "k\\u00e9", "tok"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), TEXTS, st.sampled_from(["1.5", "1e400", "NaN", "-0"]))


@st.composite
def lines(draw) -> bytes:
    """One line of many shapes: canonical records (the fast paths), other spacing, escapes, floats,
    nesting, duplicate keys, non-string fields, lone surrogate escapes, blank and malformed lines."""
    kind = draw(st.sampled_from(["canonical", "canonical", "canonical", "ascii", "compact", "raw", "blank", "broken"]))
    if kind == "blank":
        return draw(st.sampled_from([b"", b"   ", b" \r"]))
    if kind == "broken":
        return draw(st.sampled_from([b'{"text": "a",', b"[1, 2]", b'{"text": "odd\\"}', b'{"id": 2, "text": ", "x"}']))
    members = draw(st.lists(st.tuples(KEYS, SCALARS), max_size=4))
    if draw(st.booleans()):
        members.insert(draw(st.integers(0, len(members))), ("text", draw(TEXTS | st.just(None) | st.integers(0, 9))))
    body = []
    for key, value in members:  # written by hand: keys may repeat and numbers may be out of range
        if isinstance(value, str) and value in ("1.5", "1e400", "NaN", "-0"):
            written = value
        elif kind == "raw" and isinstance(value, str):
            written = '"' + value.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode().replace("\\\\u", "\\u") + '"'
            written = written if _valid(written) else json.dumps(value)
        else:
            written = json.dumps(value, ensure_ascii=kind == "ascii")
        body.append(f'"{key}": {written}' if kind != "compact" else f'"{key}":{written}')
    if draw(st.booleans()):
        body.append('"s": "\\ud800"')  # a lone surrogate escape
    line = ("{" + (", " if kind != "compact" else ",").join(body) + "}").encode("utf-8")
    return line


def _valid(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def run_batch(data: bytes, output: tuple[str, ...] | None, splice: bool, make) -> bytes:
    codec = JsonlCodec(("text",), output, splice=splice)
    parsed = codec.parse(Chunk("t", 1, 0, data), "skip")
    return codec.render(parsed, make(parsed.texts))


RESULTS = [
    lambda texts: [None if t is None else t.upper() + ' "q" \\ \t' for t in texts],
    lambda texts: [None if t is None else t.replace("ﻻ", "لا").replace("\u2028", "\n") for t in texts],
]


@examples(150)
@given(st.lists(lines(), min_size=1, max_size=12), st.sampled_from([None, ("norm",)]), st.sampled_from(RESULTS))
def test_batch_composition_never_changes_a_record(batch, output, make):
    """Each line alone on the general path gives the bytes that line gives inside any batch on the fast path."""
    whole = run_batch(b"\n".join(batch) + b"\n", output, True, make)
    alone = b"".join(run_batch(line + b"\n", output, False, make) for line in batch)
    assert whole == alone
    whole.decode("utf-8")  # never anything but UTF-8


@examples(60)
@given(st.lists(lines(), min_size=1, max_size=12))
def test_strict_fails_in_a_batch_exactly_when_a_line_fails_alone(batch):
    def fails(data: bytes, splice: bool) -> bool:
        codec = JsonlCodec(("text",), splice=splice)
        try:
            codec.parse(Chunk("t", 1, 0, data), "strict")
        except DataError:
            return True
        return False

    assert fails(b"\n".join(batch) + b"\n", True) == any(fails(line + b"\n", False) for line in batch)


ARABIC_TEXTS = st.text(st.sampled_from("بتةىيأإآٱاَُِّْـ \\\"\t") | st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)


@st.composite
def camel_lines(draw, shape: bool) -> bytes:
    """With ``shape``, the byte path's shape (the text last, a string, canonical); else any line of
    ``lines()`` or one close to the shape."""
    heads = ["{", '{"id": 7, ', '{"a": null, "b": "x\\\\\\"y", ']
    if shape or draw(st.booleans()):
        head = draw(st.sampled_from(heads if shape else [*heads, '{"k": "بَ", ', '{"text": 1, ', '{"id":1, ']))
        body = json.dumps(draw(ARABIC_TEXTS), ensure_ascii=False)[1:-1]
        if not shape:
            body = draw(st.sampled_from([body, body.replace("\\", "\\/"), body + "\\u0041", body + '", "z": "']))
        return f'{head}"text": "{body}"}}'.encode()
    return draw(lines())


@examples(200)
@given(st.booleans().flatmap(lambda shape: st.lists(camel_lines(shape), min_size=1, max_size=8)), st.booleans(), st.booleans())
def test_the_byte_path_writes_what_parsing_writes(batch, newline, to_ascii):
    """JsonlCodec.map_bytes (the camel map, or Arabic to Buckwalter ASCII, on UTF-8 bytes), where it
    takes a batch, gives the bytes of the parsing path."""
    import awal
    from awal.rules import list_mode
    from awal.translit import _table_scheme

    umap = _table_scheme("ar2bw").list_mode.utf8 if to_ascii else list_mode(awal.Normalizer("camel").steps).utf8
    function = (lambda texts: awal.transliterate(texts, "ar2bw")) if to_ascii else (lambda texts: awal.normalize(texts, "camel"))
    data = b"\n".join(batch) + (b"\n" if newline else b"")
    mapped = JsonlCodec(("text",)).map_bytes(Chunk("t", 1, 0, data), umap)
    if mapped is not None:  # only a chunk of whole lines ends in a newline: it holds that many records
        assert mapped == (run_batch(data, None, False, function), data.count(b"\n"))


def test_the_byte_path_takes_canonical_batches():
    import awal
    from awal.rules import list_mode

    camel = list_mode(awal.Normalizer("camel").steps).utf8
    data = '{"id": 1, "text": "قَالَ \\"لا\\"\\t"}\n{"text": "مدرسة"}\n'.encode()
    assert JsonlCodec(("text",)).map_bytes(Chunk("t", 1, 0, data), camel) == ('{"id": 1, "text": "قال \\"لا\\"\\t"}\n{"text": "مدرسه"}\n'.encode(), 2)
    for other in (b'{"k": "\xd8\xa9", "text": "a"}\n', b'{"text": "a\\/"}\n', b'{"text": "a", "n": 1}\n', b'{"text": "a"}'):
        assert JsonlCodec(("text",)).map_bytes(Chunk("t", 1, 0, other), camel) is None
    assert JsonlCodec(("text",), ("norm",)).map_bytes(Chunk("t", 1, 0, data), camel) is None
