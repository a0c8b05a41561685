"""awal.arrow inside distributed engines: the same output as a direct call, 2 local workers.

Dask (LocalCluster, 2 worker processes) and HF datasets run here; Spark
(``mapInArrow``) and Ray Data (``map_batches``) run when installed, else skip.
The recipes are in the docstring of :mod:`awal.arrow`.
"""

from __future__ import annotations

import sys

from functools import partial

import pytest

from awal import arrow

pa = pytest.importorskip("pyarrow")

TEXTS = ["أَهْلاً وَسَهْلاً", None, "ﻻ إِلَهَ", "", "wach nta mzyan? l7amdolillah", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ!", "إلى المدرسة"] * 50
ROWS = {"id": list(range(len(TEXTS))), "text": TEXTS}


def direct(profile: str = "search") -> list:
    return arrow.normalize_array(pa.array(TEXTS), profile).to_pylist()


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def test_dask_map_partitions_over_string_pyarrow(dask_client):
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame(ROWS).astype({"text": "string[pyarrow]"})
    ddf = dd.from_pandas(frame, npartitions=4)
    ddf["norm"] = ddf["text"].map_partitions(partial(arrow.normalize_series, profile="search"), meta=ddf["text"]._meta)
    result = ddf.compute(scheduler=dask_client)
    assert len(dask_client.scheduler_info()["workers"]) == 2
    assert result["id"].tolist() == ROWS["id"]  # order and row count kept
    assert [None if pd.isna(v) else v for v in result["norm"]] == direct()


def test_dask_tokens_match_direct_call(dask_client):
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame(ROWS).astype({"text": "string[pyarrow]"})
    ddf = dd.from_pandas(frame, npartitions=3)
    tokens = ddf["text"].map_partitions(arrow.tokenize_series, meta=pd.Series([], dtype=pd.ArrowDtype(pa.list_(pa.large_string()))))
    got = tokens.compute(scheduler=dask_client)
    expected = arrow.tokenize_array(pa.array(TEXTS)).to_pylist()
    assert [None if v is None or v is pd.NA else list(v) for v in got] == expected


def test_hf_datasets_batched_map():
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset.from_dict(ROWS).with_format("arrow")
    mapped = dataset.map(partial(arrow.normalize_table, column="text", profile="search", output="norm"), batched=True, batch_size=64)
    assert mapped["id"].to_pylist() == ROWS["id"]
    assert mapped["norm"].to_pylist() == direct()
    tokens = dataset.map(partial(arrow.tokenize_table, column="text", output="tokens"), batched=True, batch_size=64)
    assert tokens["tokens"].to_pylist() == arrow.tokenize_array(pa.array(TEXTS)).to_pylist()


def test_hf_datasets_two_processes():
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset.from_dict(ROWS).with_format("arrow")
    mapped = dataset.map(partial(arrow.normalize_table, column="text", profile="search"), batched=True, batch_size=50, num_proc=2)
    assert mapped["text"].to_pylist() == direct()


def test_spark_map_in_arrow():
    pytest.importorskip("pyspark", reason="pyspark not installed (needs Java 17; optional): recipe in awal.arrow docstring")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[2]").appName("awal-test")
    spark = builder.config("spark.pyspark.python", sys.executable).getOrCreate()  # workers that have awal
    try:
        df = spark.createDataFrame(list(zip(ROWS["id"], TEXTS)), "id long, text string")
        fn = partial(arrow.map_batches, column="text", function=partial(arrow.normalize_array, profile="search"))
        rows = df.mapInArrow(fn, df.schema).orderBy("id").collect()
        assert [r["text"] for r in rows] == direct()
    finally:
        spark.stop()


def test_ray_data_map_batches():
    ray = pytest.importorskip("ray", reason="ray not installed (optional): recipe in awal.arrow docstring")
    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True)
    try:
        ds = ray.data.from_arrow(pa.table(ROWS))
        out = ds.map_batches(partial(arrow.normalize_table, column="text", profile="search"), batch_format="pyarrow")
        table = pa.concat_tables(ray.get(ref) for ref in out.to_arrow_refs()).sort_by("id")
        assert table.column("text").to_pylist() == direct()
    finally:
        ray.shutdown()
