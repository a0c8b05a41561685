"""awal.lookup.lookup (pyarrow's take when pyarrow is imported) against NumPy's take, for every
kind of table the kernels use: boolean flags, classes, 16- and 32-bit maps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from awal import kernels
from awal.lookup import lookup

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyarrow.compute")

TABLE_TYPES = [np.bool_, np.uint8, np.uint16, np.uint32, np.int64]
INDEX_TYPES = [np.uint8, np.uint16, np.uint32, np.int64]


@given(kind=st.sampled_from(TABLE_TYPES), index_kind=st.sampled_from(INDEX_TYPES), seed=st.integers(0, 2**32 - 1),
       size=st.integers(1, 300), count=st.integers(0, 50), start=st.integers(0, 3), step=st.sampled_from([1, 2, -1]),
       rows=st.sampled_from([None, 2]))
def test_lookup_is_numpy_take(kind, index_kind, seed, size, count, start, step, rows):
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 2 if kind is np.bool_ else 1 << 20, size).astype(kind)
    indices = rng.integers(0, min(size, np.iinfo(index_kind).max + 1), 2 * count + start).astype(index_kind)[start::step]  # views too
    if rows:
        indices = indices[: len(indices) // rows * rows].reshape(rows, -1)  # any shape
    got = lookup(table, indices)
    assert got.dtype == table.dtype and got.tolist() == np.take(table, indices).tolist()
    got[:1] = table[:1]  # writable, as the kernels need


def test_code_point_tables_through_map_table():
    flags = np.zeros(kernels.UNICODE_SIZE, dtype=bool)
    flags[0x064B:0x0653] = True
    cps = np.array([ord(c) for c in "قَالَ 😀"], dtype=np.uint32)
    assert kernels.map_table(cps, flags).tolist() == [False, True, False, False, True, False, False]
