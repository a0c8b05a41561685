"""Arrow-in/Arrow-out batch functions for data engines (Dask, HF datasets, Ray, Spark).

Every function here is module-level and picklable (bind its options with
:func:`functools.partial`, never a lambda), takes a pyarrow ``Array`` or
``ChunkedArray`` of ``string``/``large_string`` (or ``string_view``, mapped as a
copy with offsets) and gives back one with the same row count, order, nulls and
chunking. Compiled tables are cached per process, so an engine worker pays for
them once, not once per batch.
pyarrow is an optional extra (``pip install 'awal[arrow]'``), imported on first use.

Three levels:

* arrays: :func:`normalize_array`, :func:`transliterate_array`,
  :func:`tokenize_array` and :func:`sentences_array` (``list<string>``), :func:`detect_array` (script codes);
* tables and record batches: :func:`normalize_table` and friends, built on
  :func:`map_table` (a column in, a new column appended or replacing it), and
  :func:`map_batches` for an iterator of record batches;
* pandas series (Dask ``map_partitions``): :func:`normalize_series` and
  friends, built on :func:`map_series`; ``string[pyarrow]`` stays Arrow end to end.

>>> import pyarrow as pa
>>> normalize_array(pa.array(["أَهْلاً", None, "ﻻ"]), profile="search").to_pylist()
['اهلا', None, 'لا']
>>> t = normalize_table(pa.table({"id": [1, 2], "text": ["إِلى", None]}), "text", profile="search", output="norm")
>>> t.column_names, t.column("norm").to_pylist()
(['id', 'text', 'norm'], ['الي', None])

Recipes (each verified to give the same output as a direct call):

Dask, ``map_partitions`` over a ``string[pyarrow]`` column (never
``dask.bag.from_sequence`` over strings: it pickles them into the graph)::

    import dask.dataframe as dd
    from functools import partial
    from awal.arrow import normalize_series
    ddf = dd.read_parquet("corpus/")                     # text: string[pyarrow]
    ddf["norm"] = ddf["text"].map_partitions(partial(normalize_series, profile="search"))

Hugging Face datasets, a batched map over Arrow tables::

    from awal.arrow import normalize_table
    ds = ds.with_format("arrow").map(partial(normalize_table, column="text", profile="search"), batched=True)

Ray Data, ``map_batches`` with pyarrow batches::

    ds = ray.data.read_parquet("corpus/")
    ds = ds.map_batches(partial(normalize_table, column="text", profile="search"), batch_format="pyarrow")

Spark, ``mapInArrow`` (the schema is unchanged when the column is replaced)::

    from awal.arrow import map_batches, normalize_array
    fn = partial(map_batches, column="text", function=partial(normalize_array, profile="search"))
    df = df.mapInArrow(fn, df.schema)

For tokens, pass ``tokenize_array`` and a schema with ``array<string>`` for the column.
Spark's Python workers must have awal installed (``PYSPARK_PYTHON`` or the
``spark.pyspark.python`` setting). The Spark and Ray recipes are tests in
``tests/test_engines.py``, skipped where the engine is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .batch import TextBatch, chunk_rows, is_string_view
from .columns import column_strings, is_dictionary_of_text, is_null_column, is_text_type
from .names import check_flag, column_problem
from .extras import optional
from .normalize import Normalizer

__all__ = [
    "FeatureUnavailable",
    "feature",
    "normalizer",
    "normalize_array",
    "transliterate_array",
    "tokenize_array",
    "sentences_array",
    "detect_array",
    "identify_array",
    "map_table",
    "map_batches",
    "normalize_table",
    "transliterate_table",
    "tokenize_table",
    "map_series",
    "normalize_series",
    "transliterate_series",
    "tokenize_series",
]

ArrayFunction = Callable[[Any], Any]


class FeatureUnavailable(ImportError):
    """A part of awal (or an optional extra it needs) is not installed."""


def pyarrow() -> Any:
    """The ``pyarrow`` module, or an ImportError that says how to install it."""
    return optional("pyarrow")


def feature(name: str) -> Any:
    """``awal.<name>`` (e.g. ``"transliterate"``), or :class:`FeatureUnavailable` if this build lacks it.

    >>> feature("normalize") is __import__("awal").normalize
    True
    """
    import awal

    try:
        return getattr(awal, name)
    except (AttributeError, ImportError) as e:
        raise FeatureUnavailable(f"awal.{name} is not available in this installation of awal ({e})") from e


@lru_cache(maxsize=32)
def normalizer(profile: str | os.PathLike = "default") -> Normalizer:
    """A cached :class:`~awal.Normalizer`: a built-in profile name, or a path to a profile file.

    A ``Path`` or a string ending in ``.toml`` is read with :meth:`Normalizer.from_file`.
    """
    if isinstance(profile, os.PathLike) or str(profile).endswith(".toml"):
        return Normalizer.from_file(Path(profile))
    return Normalizer(profile)


# ---------------------------------------------------------------- arrays
def _check_strings(array: Any) -> Any:
    pa = pyarrow()
    if not isinstance(array, (pa.Array, pa.ChunkedArray)):
        raise TypeError(f"expected a pyarrow Array or ChunkedArray, got {type(array).__name__}")
    if not is_text_type(array.type):
        raise TypeError(f"expected a string, large_string, string_view, dictionary of strings or null array, got type {array.type}")
    return pa


def _by_chunk(pa: Any, array: Any) -> bool:
    """Whether ``array`` is run chunk by chunk (bounded memory): a ChunkedArray of strings (a ``null`` one
    goes whole, as the :func:`_check_strings` that let it in: every row stays null)."""
    return isinstance(array, pa.ChunkedArray) and not is_null_column(array)


def _per_chunk(function: ArrayFunction, array: Any, result_type: Any) -> Any:
    """Apply ``function`` to each chunk of a ChunkedArray (bounded memory, chunking kept); a chunk
    that is not UTF-8 is named by its row in the whole array, not in the chunk."""
    pa = pyarrow()
    done = []
    for chunk, first in zip(array.chunks, chunk_rows(array)):
        try:
            done.append(function(chunk))
        except ValueError:
            TextBatch.from_arrow(chunk, first_row=first)  # raises that error if the chunk is not UTF-8
            raise
    return pa.chunked_array(done, type=result_type)


def normalize_array(array: Any, profile: str | os.PathLike = "default") -> Any:
    """Normalise every string of an Arrow array; same type, nulls and chunking.

    >>> import pyarrow as pa
    >>> normalize_array(pa.chunked_array([["ﻻ"], [None]]), "search").to_pylist()
    ['لا', None]
    """
    _check_strings(array)
    return normalizer(profile)(array)  # type: ignore[arg-type]  # a path is hashable; os.PathLike's stub does not say so


def transliterate_array(array: Any, scheme: str) -> Any:
    """Transliterate every string of an Arrow array with ``scheme`` (see ``awal.schemes()``)."""
    _check_strings(array)
    return feature("transliterate")(array, scheme)


def tokenize_array(array: Any, **options: bool) -> Any:
    """Word tokens as a ``list<string>`` array (``list<large_string>`` for ``large_string`` input); nulls stay null.

    ``options`` are those of :func:`awal.tokenize`, which this is (checked for an Arrow string array).

    >>> import pyarrow as pa
    >>> tokenize_array(pa.array(["wach nta?", None])).to_pylist()
    [['wach', 'nta', '?'], None]
    """
    _check_strings(array)
    return feature("tokenize")(array, **options)


def sentences_array(array: Any, line_breaks: bool = True) -> Any:
    """Sentences as a ``list<string>`` array (``list<large_string>`` for large input); nulls stay null.

    >>> import pyarrow as pa
    >>> sentences_array(pa.array(["Salam! Labas?", None])).to_pylist()
    [['Salam!', 'Labas?'], None]
    """
    return _list_array(array, lambda a: feature("sentences")(a, line_breaks=line_breaks))


def _list_array(array: Any, lists_of: Callable[[Any], Any]) -> Any:
    """``lists_of(array)`` (an awal function giving a list array for an Arrow array), chunk by chunk."""
    pa = _check_strings(array)
    if _by_chunk(pa, array):
        kind = array.type.value_type if is_dictionary_of_text(array) else array.type  # (the strings a dictionary encodes)
        item = pa.string() if is_string_view(kind) else kind  # (as awal.sentences gives for string_view)
        return _per_chunk(lambda chunk: _list_array(chunk, lists_of), array, pa.list_(item))
    return lists_of(array)


def detect_array(array: Any) -> Any:
    """The dominant script of every string (``"Arab"``, ``"Latn"``, ``"Tfng"``...), as a string array.

    Nulls stay null; the result has the input's chunking.
    """
    pa = _check_strings(array)
    if _by_chunk(pa, array):
        return _per_chunk(detect_array, array, pa.string())
    return feature("dominant_script")(array)


def identify_array(array: Any, threshold: float = 0.0) -> Any:
    """The language label of every string (``"ary_Arab"``, ``"fra_Latn"``, ``"und"``...), as a string array.

    Nulls stay null; the result has the input's chunking.

    >>> import pyarrow as pa
    >>> identify_array(pa.array(["ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ", None, "!"])).to_pylist()
    ['zgh_Tfng', None, 'und']
    """
    _check_strings(array)
    return feature("identify")(array, threshold=threshold)


# ---------------------------------------------------------------- tables
def map_table(table: Any, column: str, function: ArrayFunction, output: str | None = None, replace: bool = False) -> Any:
    """Apply an array ``function`` to ``table[column]``; the result replaces it, or is appended as ``output``.

    Works on a ``pyarrow.Table`` or ``RecordBatch`` and returns the same kind.
    An ``output`` naming another column that exists is a ``ValueError`` (nothing replaced by
    surprise), unless ``replace=True``: then that column is replaced in place.
    """
    name, replace = output or column, check_flag("replace", replace)
    problem = column_problem(table.schema.names, column, name)
    if problem:
        raise KeyError(problem)
    if name != column and name in table.schema.names and not replace:
        raise ValueError(f"output column {name!r} exists already: choose another output, or pass replace=True to replace it")
    result = function(table.column(column))
    if name in table.schema.names:
        return table.set_column(table.schema.get_field_index(name), name, result)
    return table.append_column(name, result)


def map_batches(
    batches: Iterable[Any], column: str, function: ArrayFunction, output: str | None = None, replace: bool = False
) -> Iterator[Any]:
    """:func:`map_table` over an iterator of record batches (Spark ``mapInArrow``)."""
    for batch in batches:
        yield map_table(batch, column, function, output, replace)


def normalize_table(
    table: Any, column: str, profile: str | os.PathLike = "default", output: str | None = None, replace: bool = False
) -> Any:
    """``table`` with ``column`` normalised (in place, or into a new column ``output``: see :func:`map_table`)."""
    return map_table(table, column, lambda a: normalize_array(a, profile), output, replace)


def transliterate_table(table: Any, column: str, scheme: str, output: str | None = None, replace: bool = False) -> Any:
    """``table`` with ``column`` transliterated (in place, or into a new column ``output``: see :func:`map_table`)."""
    return map_table(table, column, lambda a: transliterate_array(a, scheme), output, replace)


def tokenize_table(table: Any, column: str, output: str | None = None, replace: bool = False, **options: bool) -> Any:
    """``table`` with ``column`` tokenised into a ``list<string>`` column (in place, or ``output``: see :func:`map_table`)."""
    return map_table(table, column, lambda a: tokenize_array(a, **options), output, replace)


# ---------------------------------------------------------------- pandas
def map_series(series: Any, function: ArrayFunction) -> Any:
    """Apply an array ``function`` to a pandas Series; index and name kept.

    A ``string[pyarrow]`` or ``ArrowDtype`` series goes to Arrow without a copy
    and comes back Arrow-backed; an object series comes back as objects.
    """
    import pandas as pd

    pa = pyarrow()
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(series).__name__}")
    arrow_backed = isinstance(series.dtype, pd.ArrowDtype) or getattr(series.dtype, "storage", None) == "pyarrow"
    if arrow_backed:
        array = pa.array(series.array)
    else:  # the type inferred, not asked for: a conversion to strings would take bytes as text
        objects = series.to_numpy(dtype=object)
        try:
            array = pa.array(objects, from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            array = None
        if array is None or not is_text_type(array.type):
            column_strings(series)  # the TypeError naming the index of a value that is not text
            array = pa.array(objects, type=pa.large_string(), from_pandas=True)
    result = function(array)
    if not arrow_backed:
        return pd.Series(result.to_pylist(), index=series.index, name=series.name, dtype=object)
    if isinstance(series.dtype, pd.StringDtype) and (pa.types.is_string(result.type) or pa.types.is_large_string(result.type)):
        values: Any = pd.array(result, dtype=series.dtype)  # zero-copy; keeps the NA flavour (pd.NA or nan)
    else:
        values = pd.arrays.ArrowExtensionArray(result)
    return pd.Series(values, index=series.index, name=series.name)


def normalize_series(series: Any, profile: str | os.PathLike = "default") -> Any:
    """Normalise a pandas Series of strings (for Dask ``map_partitions``); nulls kept."""
    return map_series(series, lambda a: normalize_array(a, profile))


def transliterate_series(series: Any, scheme: str) -> Any:
    """Transliterate a pandas Series of strings (for Dask ``map_partitions``); nulls kept."""
    return map_series(series, lambda a: transliterate_array(a, scheme))


def tokenize_series(series: Any, **options: bool) -> Any:
    """Tokenise a pandas Series of strings into lists of tokens (``ArrowDtype(list<string>)``)."""
    return map_series(series, lambda a: tokenize_array(a, **options))
