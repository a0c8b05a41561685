"""A pyarrow column of type ``null`` (no value at all, common in real tables): read as the ``string`` column of nulls
it stands for, in every function that takes Arrow, in awal.arrow and in the command line's parquet path."""

import numpy as np
import pytest

import awal
from awal import arrow
from awal.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

COLUMNS = [pa.nulls(3), pa.chunked_array([pa.nulls(2), pa.nulls(0), pa.nulls(1)]), pa.nulls(0)]
FUNCTIONS = {
    "normalize": awal.normalize,
    "transliterate": lambda a: awal.transliterate(a, "ar2bw"),
    "identify": awal.identify,
    "dominant_script": awal.dominant_script,
    "tokenize": awal.tokenize,
    "tokenize_with_offsets": awal.tokenize_with_offsets,
    "sentences": awal.sentences,
    "sentence_spans": awal.sentence_spans,
    "shingles": awal.shingles,
    "script_spans": awal.script_spans,
    "identify_tokens": awal.identify_tokens,
    "language_spans": awal.language_spans,
    "mixedness": awal.mixedness,
    "normalize_array": arrow.normalize_array,
    "transliterate_array": lambda a: arrow.transliterate_array(a, "ar2bw"),
    "detect_array": arrow.detect_array,
    "identify_array": arrow.identify_array,
    "tokenize_array": arrow.tokenize_array,
    "sentences_array": arrow.sentences_array,
}


@pytest.mark.parametrize("column", COLUMNS, ids=["array", "chunked", "empty"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_null_column_gives_what_a_string_column_of_nulls_gives(name, column):
    # round 11: a text result (normalize, identify...) was the null column itself, so a Parquet "lang" column
    # was null-typed in a file without text and string in the others
    function = FUNCTIONS[name]
    out = function(column)
    assert out.to_pylist() == [None] * len(column)
    assert out.type == function(column.cast(pa.string())).type and out.type != pa.null()
    chunked = isinstance(column, pa.ChunkedArray)
    assert isinstance(out, pa.ChunkedArray) == chunked and (not chunked or out.num_chunks == column.num_chunks)


def test_quality_scores_and_top_k_of_a_null_column():
    column = pa.nulls(2)
    assert awal.quality(column).to_pylist() == awal.quality(pa.array([None, None], pa.string())).to_pylist()
    assert awal.quality_filter(column)[0].tolist() == [False, False]
    idf = awal.Identifier()
    assert idf.top_k(column) == [[], []]
    assert np.array_equal(idf.scores(column), np.zeros((2, len(idf.labels))))


def test_a_table_with_a_null_column(tmp_path):
    table = arrow.normalize_table(pa.table({"id": [1, 2], "text": pa.nulls(2)}), "text", output="norm")
    assert table.column("norm").type == pa.string() and table.num_rows == 2


def test_replace_output_field_replaces_a_parquet_null_column(tmp_path, capsys):
    # was refused: "exists with type null; awal replaces only a column of the type it writes"
    pq.write_table(pa.table({"text": ["salam khoya"], "lang": pa.nulls(1)}), tmp_path / "in.parquet")
    args = ["identify", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"), "--replace-output-field"]
    assert main(args) == 0, capsys.readouterr().err
    assert pq.read_table(tmp_path / "out.parquet").column("lang").to_pylist() == ["ary_Latn"]


@pytest.mark.parametrize(
    "command, kind",
    [(["normalize"], pa.string()), (["tokenize"], pa.list_(pa.string())), (["identify"], pa.string()), (["identify", "--scores"], pa.list_(pa.string()))],
)
def test_the_cli_reads_a_parquet_null_column(tmp_path, capsys, command, kind):
    # was: "column 'text' has type null, not string", exit 1
    pq.write_table(pa.table({"id": [1, 2], "text": pa.nulls(2)}), tmp_path / "in.parquet")
    assert main([*command, str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet")]) == 0, capsys.readouterr().err
    table = pq.read_table(tmp_path / "out.parquet")
    field = {"normalize": "text", "tokenize": "text"}.get(command[0], "lang")
    assert table.column("id").to_pylist() == [1, 2]
    assert table.column(field).to_pylist() == [None, None]
    assert table.column(field).type == kind or (pa.types.is_list(kind) and pa.types.is_list(table.column(field).type))
