"""Table lookups of many small indices, by pyarrow's ``take`` when pyarrow is already imported.

``np.take`` first widens uint8/uint16/uint32 indices to 64-bit ones; pyarrow's ``take``
reads them as they are, about twice as fast on the code-point tables of the kernels
(:func:`awal.kernels.map_table`), the code tables of :mod:`awal.tokenize` and the pair tables
of :mod:`awal.utf8map`. pyarrow is never imported here: a process that has not imported it
(no Arrow input) gets NumPy's lookup, with the same result.

>>> lookup(np.array([10, 20, 30], dtype=np.uint8), np.array([2, 0], dtype=np.uint16)).tolist()
[30, 10]
>>> lookup(np.array([True, False]), np.array([1, 1, 0], dtype=np.uint32)).tolist()
[False, False, True]
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

_ARROW_TABLES: dict[int, tuple[np.ndarray, Any]] = {}  # id(table) -> (table, its pyarrow array)
_MOST_TABLES = 32  # tables kept as pyarrow arrays (a few in use at a time)


def lookup(table: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """``table[indices]`` (every index in 0..len(table) - 1: no bounds check) as a writable NumPy array of
    ``table``'s type and ``indices``' shape. A boolean table is read as bytes (pyarrow packs
    booleans into bits); indices of more than one dimension go to ``np.take``."""
    compute = sys.modules.get("pyarrow.compute")
    if compute is None or indices.ndim != 1 or not len(indices):
        return np.take(table, indices)
    pa = sys.modules["pyarrow"]
    kept = _ARROW_TABLES.get(id(table))
    if kept is None or kept[0] is not table:
        if len(_ARROW_TABLES) >= _MOST_TABLES:
            _ARROW_TABLES.clear()
        kept = _ARROW_TABLES[id(table)] = (table, pa.array(table.view(np.uint8) if table.dtype == np.bool_ else table))
    done = compute.take(kept[1], pa.array(indices), boundscheck=False)
    width = table.dtype.itemsize
    values = np.frombuffer(done.buffers()[1], dtype=f"u{width}", count=len(indices), offset=done.offset * width)
    return values.view(table.dtype)
