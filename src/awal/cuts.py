"""Where to cut rows into pieces of about ``size`` units (code points, bytes) made of whole rows.

Every path that works piece by piece (so that its temporaries stay in cache) cuts the same way:
:meth:`awal.batch.TextBatch.chunk_bounds`, :meth:`awal.utf8map.Utf8Map.run`, the Arrow token lists.
"""

from __future__ import annotations

import numpy as np


def piece_bounds(offsets: np.ndarray, size: int) -> list[int]:
    """Row indices from 0 to ``len(offsets) - 1``, piece ``k`` being rows ``bounds[k]:bounds[k + 1]``
    (a row longer than ``size`` makes a piece of its own). A set, not ``np.unique``, whose first
    call imports ``numpy.ma`` (about 15 ms).

    >>> piece_bounds(np.array([0, 3, 3, 9, 10]), 4)
    [0, 2, 4]
    >>> piece_bounds(np.array([0]), 4)
    [0]
    """
    holding = np.searchsorted(offsets, np.arange(size, int(offsets[-1]), size), side="right") - 1  # the row holding each cut
    return sorted({0, *holding.tolist(), len(offsets) - 1})
