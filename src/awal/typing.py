"""Type variables of the public API, for type checkers: a function gives back the container it was given.

The public functions are overloaded on these (``str`` → ``str``, ``list[str]`` →
``list[str]``, a pyarrow array, pandas Series or NumPy array → the same type), so
``mypy --strict`` infers each result's type. pandas, pyarrow and numpy are imported
here only by type checkers (with ``pandas-stubs`` and ``pyarrow-stubs`` installed the
types are exact; without them those inputs are typed ``Any``).

>>> from awal.typing import ArrowT
>>> ArrowT.__name__
'ArrowT'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = ["ArrowT", "SeriesT", "ArrayT"]

ArrowT = TypeVar("ArrowT", bound="pa.Array[Any] | pa.ChunkedArray[Any]")
"""A pyarrow string array (``string``, ``large_string``) or a ChunkedArray of one."""

SeriesT = TypeVar("SeriesT", bound="pd.Series[Any]")
"""A pandas Series of text."""

ArrayT = TypeVar("ArrayT", bound="np.ndarray[Any, Any]")
"""A NumPy array of text (``str_``, ``StringDType`` or ``object`` dtype)."""
