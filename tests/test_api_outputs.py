"""Public functions give back the input's type (Arrow in, Arrow out), work on lists in slices,
and do not recompile rules on every call."""

from __future__ import annotations

import pytest

import awal
from awal.batch import STRINGS_PER_SLICE

pa = pytest.importorskip("pyarrow")

TEXTS = ["wach nta mzyan?", None, "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ!", "", "سلام عليكم", "123 !"]


@pytest.mark.parametrize("string_type", [pa.string(), pa.large_string()])
def test_tokenize_arrow_gives_list_array(string_type):
    array = pa.array(TEXTS, type=string_type)
    out = awal.tokenize(array)
    assert isinstance(out, pa.Array) and out.type == pa.list_(string_type)
    present = [t for t in TEXTS if t is not None]
    expected = iter(awal.tokenize(present))
    assert out.to_pylist() == [None if t is None else next(expected) for t in TEXTS]
    assert out.null_count == 1


def test_tokenize_chunked_arrow_keeps_chunks():
    array = pa.chunked_array([TEXTS[:2], TEXTS[2:]])
    out = awal.tokenize(array)
    assert isinstance(out, pa.ChunkedArray) and [len(c) for c in out.chunks] == [2, len(TEXTS) - 2]
    assert out.to_pylist()[1] is None and out.to_pylist()[2] == ["ⴰⵣⵓⵍ", "ⴼⵍⴰⵡⵏ", "!"]


def test_dominant_script_arrow_keeps_nulls():
    out = awal.dominant_script(pa.array(TEXTS))
    assert isinstance(out, pa.Array) and out.type == pa.string()
    assert out.to_pylist() == ["Latn", None, "Tfng", "Zyyy", "Arab", "Zyyy"]
    chunked = awal.dominant_script(pa.chunked_array([TEXTS[:3], TEXTS[3:]]))
    assert isinstance(chunked, pa.ChunkedArray) and chunked.to_pylist() == out.to_pylist()


def test_arrow_helpers_agree():
    from awal import arrow

    array = pa.chunked_array([TEXTS[:3], TEXTS[3:]])
    assert arrow.tokenize_array(array).to_pylist() == awal.tokenize(array).to_pylist()
    assert arrow.detect_array(array).to_pylist() == awal.dominant_script(array).to_pylist()


@pytest.mark.parametrize("function", ["script_spans", "dominant_script", "tokenize"])
def test_lists_are_processed_in_slices(monkeypatch, function):
    """A long list never becomes one batch: memory stays bounded whatever its length."""
    import awal.batch

    sizes = []
    original = awal.batch.TextBatch.from_strings.__func__

    def recording(cls, strings, *args, **kwargs):
        sizes.append(len(strings))
        return original(cls, strings, *args, **kwargs)

    monkeypatch.setattr(awal.batch.TextBatch, "from_strings", classmethod(recording))
    texts = ["ab سلام ⴰⵣⵓⵍ"] * (2 * STRINGS_PER_SLICE + 5)
    result = getattr(awal, function)(texts)
    assert len(result) == len(texts) and max(sizes) <= STRINGS_PER_SLICE
    monkeypatch.undo()
    assert result == getattr(awal, function)(texts[:1]) * len(texts)


def test_explain_compiles_its_rules_once(monkeypatch):
    import sys

    module = sys.modules["awal.normalize"]  # awal.normalize is the function
    n = awal.Normalizer("search")
    first = n.explain("أَهْلاً Louis XIII")
    calls = []
    real = module.compile_rule
    monkeypatch.setattr(module, "compile_rule", lambda rule: calls.append(rule) or real(rule))
    for _ in range(3):
        assert n.explain("أَهْلاً Louis XIII") == first
    assert calls == []


def test_every_per_string_function_gives_arrow_for_arrow():
    from awal.scripts import mix_statistics

    array = pa.chunked_array([TEXTS[:2], TEXTS[2:]])
    present = [t for t in TEXTS if t is not None]
    for function in (awal.script_spans, awal.tokenize_with_offsets, mix_statistics):
        out = function(array)
        assert isinstance(out, pa.ChunkedArray) and out.null_count == 1, function
        rows = out.to_pylist()
        expected = iter(function(present))
        if function is mix_statistics:
            rows = [None if r is None else dict(r) for r in rows]
        else:
            rows = [None if r is None else [tuple(d.values()) for d in r] for r in rows]
        assert rows == [None if t is None else next(expected) for t in TEXTS], function
