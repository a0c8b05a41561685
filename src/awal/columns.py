"""pandas Series, NumPy arrays and tuples of text: in as one list through the batch path, out as the same container.

Every public function that takes a list of strings also takes a tuple (a tuple of results back), a ``pandas.Series``
or a NumPy array of ``str`` (``<U`` dtype, ``StringDType``) or ``object`` dtype,
and gives back the same container: a Series keeps its index and name (and its
dtype when the results are strings and the dtype is a pandas string dtype), an
array keeps its shape. The values go through the function's list path in one
call (``tolist`` and the batch kernels, no Python call per element).

Missing values stay missing: ``None``, a float NaN and pandas' ``NA``/``NaT``
are not processed and come back as they were, in the same positions (as NaN where the
results are numbers, :func:`awal.mixedness`'s: a float64 column). A pyarrow
array of type ``null`` (a column with no value, common in real tables) is read as
the ``string`` array of nulls it stands for: every function gives its usual type
(``string`` for text and labels) with every row null, so an output column has one
type whether or not a file held any text. A pyarrow ``dictionary`` array of strings (a pandas
categorical, a Parquet column written from one) is read as the strings it encodes:
results come back as plain (not dictionary-encoded) arrays. Any other
value that is not a ``str`` raises ``TypeError`` naming its position.

pandas is never imported by awal unless the input is already a pandas object
(recognised by the module name of its type).

>>> import numpy as np
>>> from awal import normalize, tokenize
>>> normalize(np.array(["ﻻ", None, "أَهْلاً"], dtype=object), profile="search")
array(['لا', None, 'اهلا'], dtype=object)
>>> normalize(np.array([["ﷲ", "ﻻ"]]))
array([['الله', 'لا']], dtype='<U4')
>>> tokenize(np.array(["سلام، عليكم", float("nan")], dtype=object))
array([list(['سلام', '،', 'عليكم']), nan], dtype=object)
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

import numpy as np

from .batch import ACCEPTED

if TYPE_CHECKING:
    from .typing import ArrayT, ArrowT, SeriesT

F = TypeVar("F", bound=Callable[..., Any])


def is_pandas(x: Any) -> bool:
    """True for pandas objects, without importing pandas."""
    return type(x).__module__.partition(".")[0] == "pandas"


def is_null_column(x: Any) -> bool:
    """True for a pyarrow array or chunked array of type ``null`` (a column where every value is missing).

    >>> import pyarrow as pa
    >>> is_null_column(pa.nulls(2)), is_null_column(pa.array(["a"])), is_null_column([None])
    (True, False, False)
    """
    return type(x).__module__.startswith("pyarrow") and str(getattr(x, "type", "")) == "null"


STRING_TYPES = ("string", "large_string", "string_view")  # the pyarrow types of text, by name


def is_text_type(kind: Any) -> bool:
    """Whether awal reads a pyarrow column of type ``kind`` as text: a string type of :data:`STRING_TYPES`,
    ``null`` (no value at all) or a dictionary of strings (the one test for the API and the command line).

    >>> import pyarrow as pa
    >>> [is_text_type(t) for t in (pa.large_string(), pa.null(), pa.dictionary(pa.int8(), pa.string()), pa.int64())]
    [True, True, True, False]
    """
    import pyarrow as pa  # already imported: ``kind`` is a pyarrow type

    return str(kind) == "null" or str(kind.value_type if isinstance(kind, pa.DictionaryType) else kind) in STRING_TYPES


def is_dictionary_of_text(x: Any) -> bool:
    """True for a pyarrow array or chunked array of dictionary-encoded strings (values of :data:`STRING_TYPES`).

    >>> import pyarrow as pa
    >>> is_dictionary_of_text(pa.array(["a", "a"]).dictionary_encode()), is_dictionary_of_text(pa.array([1]).dictionary_encode())
    (True, False)
    """
    if not type(x).__module__.startswith("pyarrow"):
        return False
    import pyarrow as pa  # already imported: the input is a pyarrow object

    kind = getattr(x, "type", None)
    return isinstance(kind, pa.DictionaryType) and str(kind.value_type) in STRING_TYPES


def strings_of_dictionary(column: Any) -> Any:
    """A dictionary-encoded column of text as the strings it encodes (nulls and chunks kept)."""
    return column.cast(column.type.value_type)


def plain_strings(x: Any) -> Any:
    """A ``null`` or dictionary-encoded Arrow column as the string column it stands for; anything else as it is."""
    return strings_of_nulls(x) if is_null_column(x) else strings_of_dictionary(x) if is_dictionary_of_text(x) else x


def strings_of_nulls(column: Any) -> Any:
    """A ``null`` column as the ``string`` column it stands for (every row null, chunks kept, empty ones too:
    ``cast`` drops them).

    >>> import pyarrow as pa
    >>> strings_of_nulls(pa.chunked_array([pa.nulls(1), pa.nulls(0)])).num_chunks
    2
    """
    import pyarrow as pa  # already imported: the input is a pyarrow object

    if isinstance(column, pa.ChunkedArray):
        return pa.chunked_array([pa.nulls(len(chunk), pa.string()) for chunk in column.chunks], pa.string())
    return pa.nulls(len(column), pa.string())


def accepts_columns(fn: F) -> F:
    """Let ``fn(x, ...)`` (or a method ``fn(self, x, ...)``) take a pandas Series or a NumPy array for ``x``.

    ``fn`` must accept a ``list[str]`` and return one result per string; the
    results are put back into the input's container (see the module docstring).
    """
    at = 1 if fn.__code__.co_varnames[:1] == ("self",) else 0
    name = fn.__code__.co_varnames[at]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        x: Any = args[at] if len(args) > at else kwargs.get(name)
        if type(x) is str:
            return fn(*args, **kwargs)
        if type(x).__module__.startswith("pyarrow"):  # (one test for the other inputs)
            if is_dictionary_of_text(x):  # the strings it encodes, then as any column of them
                decoded = strings_of_dictionary(x)
                return wrapper(*args[:at], decoded, *args[at + 1 :], **kwargs) if len(args) > at else wrapper(*args, **{**kwargs, name: decoded})
            if is_null_column(x):  # every value missing: as the string column of nulls it stands for
                return fn(*args[:at], strings_of_nulls(x), *args[at + 1 :], **{k: v for k, v in kwargs.items() if k != name})
        if not (isinstance(x, (np.ndarray, tuple)) or is_pandas(x)):
            return fn(*args, **kwargs)
        before, after = args[:at], args[at + 1 :]
        options = {key: value for key, value in kwargs.items() if key != name}

        def run(strings: list[str]) -> list[Any]:
            results: list[Any] = fn(*before, strings, *after, **options)
            return results

        if isinstance(x, tuple):  # a tuple in, a tuple out (a NamedTuple too: its values, as a plain tuple)
            return tuple(run(list(x)))
        return _series(x, run) if is_pandas(x) else _array(x, run)

    return wrapper  # type: ignore[return-value]


class TextMap(ABC):
    """Base of the callables from text to text (:class:`~awal.Normalizer`, :class:`~awal.Transliterator`):
    calling one gives back the input's container, typed so (a subclass defines :meth:`apply`).

    >>> class Upper(TextMap):
    ...     def apply(self, x):
    ...         return x.upper() if isinstance(x, str) else [s.upper() for s in x]
    >>> Upper()(np.array(["a", None], dtype=object))
    array(['A', None], dtype=object)
    """

    @overload
    def __call__(self, x: str) -> str: ...
    @overload
    def __call__(self, x: list[str]) -> list[str]: ...
    @overload
    def __call__(self, x: tuple[str, ...]) -> tuple[str, ...]: ...
    @overload
    def __call__(self, x: ArrowT) -> ArrowT: ...
    @overload
    def __call__(self, x: SeriesT) -> SeriesT: ...
    @overload
    def __call__(self, x: ArrayT) -> ArrayT: ...
    @accepts_columns
    def __call__(self, x: Any) -> Any:
        return self.apply(x)

    @abstractmethod
    def apply(self, x: Any) -> Any:
        """``str`` → ``str``, a list/tuple of ``str`` → the same container, a pyarrow string array → the same type."""


def column_strings(x: Any) -> tuple[list[str], np.ndarray | None]:
    """The strings of a pandas Series or a NumPy array (flattened), and the mask of where they are
    among its values (None when no value is missing); raises ``TypeError`` on any other value.

    For functions whose result is not one value per string (:func:`awal.quality` gives columns).

    >>> column_strings(np.array(["a", None, "b"], dtype=object))
    (['a', 'b'], array([ True, False,  True]))
    """
    if is_pandas(x):
        return _series_strings(x)
    if x.dtype.kind == "U":
        return x.ravel().tolist(), None
    values = _object_values(x)
    present = _present(values)
    return _strings(values, present), present


def _object_values(array: np.ndarray) -> np.ndarray:
    """The values of a NumPy array of text as a flat object array (TypeError for any other dtype)."""
    if array.dtype.kind not in "OT":
        raise TypeError(
            f"expected a NumPy array of str (dtype str_, StringDType or object), got dtype {array.dtype}; "
            f"awal takes {ACCEPTED}"
        )
    return array.ravel().astype(object, copy=False)


def _series_strings(series: Any) -> tuple[list[str], np.ndarray | None]:
    """The strings of a pandas Series and the mask of where they are (None: no value missing)."""
    import pandas as pd  # already imported: the input is a pandas object

    if not isinstance(series, pd.Series):
        hint = ": pass one column, e.g. df['text']" if isinstance(series, pd.DataFrame) else ""
        raise TypeError(f"expected {ACCEPTED}, got pandas {type(series).__name__}{hint}")
    values = series.to_numpy(dtype=object)
    missing = np.asarray(pd.isna(values), dtype=bool)
    present = ~missing if missing.any() else None
    strings = _strings(values, present)
    if not _all(str, strings):
        bad = next(i for i, s in enumerate(strings) if not isinstance(s, str))
        label = series.index[np.flatnonzero(present)[bad] if present is not None else bad]
        label = label.item() if isinstance(label, np.generic) else label  # (8, not np.int64(8))
        raise TypeError(f"the Series value at index {label!r} is {type(strings[bad]).__name__}, not str")
    return strings, present


def _array(array: np.ndarray, run: Callable[[list[str]], list[Any]]) -> np.ndarray:
    """``run`` over a NumPy array of text, same shape out: str results in the input's dtype
    (``<U`` of the needed width, the same ``StringDType``, object), numbers in a float64 array (NaN where a value is missing), other results in an object array."""
    kind = array.dtype.kind
    if kind == "U":
        results = run(array.ravel().tolist())
        out = np.array(results, dtype=str) if _results_are(str, results, run) else _merge(results, None, None, run)
        return out.reshape(array.shape)
    values = _object_values(array)
    present = _present(values)
    results = run(_strings(values, present))
    out = _merge(results, values, present, run)
    if kind == "T" and _results_are(str, results, run):
        out = out.astype(array.dtype)
    return out.reshape(array.shape)


def _series(series: Any, run: Callable[[list[str]], list[Any]]) -> Any:
    """``run`` over a pandas Series: same index and name; a pandas string dtype (``str``, ``string``, or an
    ``ArrowDtype`` of ``string``/``large_string`` as ``read_parquet(dtype_backend="pyarrow")`` gives) is kept for str results."""
    import pandas as pd  # already imported: the input is a pandas object

    strings, present = _series_strings(series)
    results = run(strings)
    values = series.to_numpy(dtype=object)
    arrow = isinstance(series.dtype, pd.ArrowDtype) and str(series.dtype.pyarrow_dtype) in ("string", "large_string")
    keep = (arrow or isinstance(series.dtype, pd.StringDtype)) and _results_are(str, results, run)
    out = _merge(results, values, present, run)
    return pd.Series(out, index=series.index, name=series.name, dtype=series.dtype if keep else out.dtype)


def _present(values: np.ndarray) -> np.ndarray | None:
    """Mask of the strings among ``values`` (None when all are); raises on a value that is neither str nor missing."""
    is_str = np.fromiter(map(isinstance, values.tolist(), repeat(str)), dtype=bool, count=len(values))
    if is_str.all():
        return None
    for i in np.flatnonzero(~is_str).tolist():
        if not _is_missing(values[i]):
            raise TypeError(f"item {i} is {type(values[i]).__name__}, not str (missing values: None or NaN)")
    return is_str


def _is_missing(value: Any) -> bool:
    """None, a float NaN, or pandas' NA/NaT."""
    if value is None or is_pandas(value):
        return True
    return isinstance(value, (float, np.floating)) and bool(value != value)


def _results_are(kind: type, results: list[Any], run: Callable[[list[str]], list[Any]]) -> bool:
    """Whether ``run`` gives values of ``kind`` (``str``, ``float``): its ``results`` are; none (no text, or every value
    missing): its result for an empty text is (an empty column's type is the one a full column of the same function has)."""
    return _all(kind, results) if results else _all(kind, run([""]))


def _all(kind: type, values: list[Any]) -> bool:
    return all(map(isinstance, values, repeat(kind)))


def _strings(values: np.ndarray, present: np.ndarray | None) -> list[Any]:
    """The values where ``present`` (all of them when None), as a list."""
    return values.tolist() if present is None else list(compress(values.tolist(), present.tolist()))


def _objects(results: list[Any]) -> np.ndarray:
    """A 1-D object array of ``results`` (lists stay lists, never a 2-D array)."""
    return np.fromiter(results, dtype=object, count=len(results))


def _merge(results: list[Any], values: np.ndarray | None, present: np.ndarray | None, run: Callable[[list[str]], list[Any]]) -> np.ndarray:
    """``results`` where ``present`` (everywhere when None), the (missing) ``values`` elsewhere: an object array,
    or a float64 one with NaN for the missing values when ``run`` gives numbers (:func:`awal.mixedness`)."""
    if _results_are(float, results, run):
        numbers = np.full(len(values) if values is not None else len(results), np.nan)
        numbers[slice(None) if present is None else present] = results
        return numbers
    if present is None or values is None:
        return _objects(results)
    out = values.copy()
    out[present] = _objects(results)
    return out
