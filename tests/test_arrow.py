"""awal.arrow: Arrow-in/Arrow-out functions keep nulls, order, row count, type and chunking."""

from __future__ import annotations

import pickle
import sys
from functools import partial

import pytest

import awal
from awal import arrow

pa = pytest.importorskip("pyarrow")

TEXTS = ["أَهْلاً وَسَهْلاً", None, "ﻻ إِلَهَ", "", "wach nta mzyan?", None, "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ!"]
PRESENT = [t for t in TEXTS if t is not None]


def scatter(values, template=TEXTS):
    it = iter(values)
    return [None if t is None else next(it) for t in template]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
@pytest.mark.parametrize("chunked", [False, True])
def test_normalize_array(kind, chunked):
    array = pa.chunked_array([TEXTS[:3], TEXTS[3:]], type=kind) if chunked else pa.array(TEXTS, type=kind)
    out = arrow.normalize_array(array, "search")
    assert out.type == kind and type(out) is type(array) and len(out) == len(TEXTS)
    assert out.to_pylist() == scatter(awal.normalize(PRESENT, "search"))
    if chunked:
        assert [len(c) for c in out.chunks] == [3, len(TEXTS) - 3]


@pytest.mark.parametrize("profile", ["camel", "search"])
@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_long_arrays_go_in_slices_with_nulls_offsets_and_chunks(profile, kind):
    from awal.batch import STRINGS_PER_SLICE

    texts = (TEXTS + ["x😀ـَ", "\x00ى"]) * (STRINGS_PER_SLICE // 3)  # several slices, astral and NUL included
    array = pa.array(texts, type=kind).slice(5)  # a non-zero offset into the buffers
    expected = [None if t is None else awal.normalize(t, profile) for t in texts[5:]]
    out = awal.normalize(array, profile)
    assert out.type == kind and out.null_count == array.null_count and out.to_pylist() == expected
    chunked = pa.chunked_array([array.slice(0, 7), array.slice(7, 0), array.slice(7)], type=kind)
    out = awal.normalize(chunked, profile)
    assert [len(c) for c in out.chunks] == [7, 0, len(array) - 7] and out.to_pylist() == expected
    assert awal.normalize(pa.array([], type=kind), profile).to_pylist() == []


@pytest.mark.parametrize("chunked", [False, True])
def test_tokenize_array_is_list_of_strings(chunked):
    array = pa.chunked_array([TEXTS[:2], [], TEXTS[2:]]) if chunked else pa.array(TEXTS)
    out = arrow.tokenize_array(array)
    assert out.type == pa.list_(pa.string()) and len(out) == len(TEXTS)
    assert out.to_pylist() == scatter(awal.tokenize(PRESENT))
    assert out.null_count == 2


def test_tokenize_array_slices_and_empty():
    array = pa.array(TEXTS).slice(2, 3)
    assert arrow.tokenize_array(array).to_pylist() == awal.tokenize(TEXTS[2:5])
    assert arrow.tokenize_array(pa.array([], pa.string())).to_pylist() == []
    assert arrow.tokenize_array(pa.array([None, None], pa.string())).to_pylist() == [None, None]


def test_transliterate_and_detect_arrays():
    array = pa.array(TEXTS)
    assert arrow.transliterate_array(array, "ar2bw").to_pylist() == scatter(awal.transliterate(PRESENT, "ar2bw"))
    assert arrow.detect_array(array).to_pylist() == scatter(awal.dominant_script(PRESENT))


def test_wrong_types_are_clear():
    with pytest.raises(TypeError, match="string, large_string, string_view, dictionary of strings or null"):
        arrow.normalize_array(pa.array([1, 2]))
    with pytest.raises(TypeError, match="pyarrow Array or ChunkedArray"):
        arrow.tokenize_array(["a"])


def test_tables_append_replace_and_record_batches():
    table = pa.table({"id": list(range(len(TEXTS))), "text": TEXTS})
    appended = arrow.normalize_table(table, "text", profile="search", output="norm")
    assert appended.column_names == ["id", "text", "norm"]
    assert appended.column("norm").to_pylist() == arrow.normalize_array(pa.array(TEXTS), "search").to_pylist()
    replaced = arrow.tokenize_table(table, "text")
    assert replaced.column_names == ["id", "text"] and replaced.schema.field("text").type == pa.list_(pa.string())
    with pytest.raises(ValueError, match="output column 'norm' exists already"):  # never replaced by surprise
        arrow.transliterate_table(appended, "text", "ar2bw", output="norm")
    again = arrow.transliterate_table(appended, "text", "ar2bw", output="norm", replace=True)
    assert again.column_names == ["id", "text", "norm"]
    batches = list(arrow.map_batches(table.to_batches(max_chunksize=3), "text", partial(arrow.normalize_array, profile="search")))
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    assert pa.Table.from_batches(batches).column("text").to_pylist() == appended.column("norm").to_pylist()
    with pytest.raises(KeyError, match=r"no column 'body' \(columns: id, text\)"):
        arrow.normalize_table(table, "body")


def test_profile_file(tmp_path):
    profile = tmp_path / "mine.toml"
    profile.write_text('extends = "search"\n', encoding="utf-8")
    array = pa.array(TEXTS)
    assert arrow.normalize_array(array, profile).to_pylist() == arrow.normalize_array(array, "search").to_pylist()


def test_series_keep_index_name_and_dtype():
    pd = pytest.importorskip("pandas")
    for dtype in ("string[pyarrow]", pd.ArrowDtype(pa.string()), object):
        series = pd.Series(TEXTS, dtype=dtype, index=range(10, 10 + len(TEXTS)), name="body")
        out = arrow.normalize_series(series, "search")
        assert out.dtype == series.dtype and out.name == "body" and list(out.index) == list(series.index)
        assert [None if pd.isna(v) else v for v in out] == scatter(awal.normalize(PRESENT, "search"))
        tokens = arrow.tokenize_series(series)
        assert [None if v is None or (not isinstance(v, list) and pd.isna(v)) else list(v) for v in tokens] == scatter(awal.tokenize(PRESENT))
    assert arrow.transliterate_series(pd.Series(PRESENT, dtype="string[pyarrow]"), "ar2bw").tolist() == awal.transliterate(PRESENT, "ar2bw")


def test_functions_pickle_with_partial():
    function = pickle.loads(pickle.dumps(partial(arrow.normalize_table, column="text", profile="search")))
    table = pa.table({"text": TEXTS})
    assert function(table).equals(arrow.normalize_table(table, "text", profile="search"))


def test_missing_pyarrow_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"pip install 'awal\[arrow\]'"):
        arrow.normalize_array(object())


def test_feature_unavailable_is_clear(monkeypatch):
    with pytest.raises(arrow.FeatureUnavailable, match="awal.nonexistent is not available"):
        arrow.feature("nonexistent")


def test_string_view_arrays_give_what_strings_give():
    if not hasattr(pa, "string_view"):
        pytest.skip("pyarrow without string_view")
    plain = pa.chunked_array([pa.array([*TEXTS, None]), pa.array([], pa.string()), pa.array(TEXTS[:2])])
    view = pa.chunked_array([chunk.cast(pa.string_view()) for chunk in plain.chunks], type=pa.string_view())
    functions = [partial(arrow.normalize_array, profile="search"), partial(arrow.normalize_array, profile="camel"),
                 arrow.tokenize_array, arrow.sentences_array, arrow.detect_array, arrow.identify_array]
    for function in functions:
        got, want = function(view), function(plain)
        assert got.to_pylist() == want.to_pylist()
        assert [len(chunk) for chunk in got.chunks] == [len(chunk) for chunk in want.chunks]
    assert arrow.normalize_array(view, "camel").type == pa.string_view()
