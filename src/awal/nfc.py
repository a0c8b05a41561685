"""Unicode NFC on a batch, with alignment, touching only the strings it changes.

NumPy finds the strings holding a code point that NFC could change (see
:func:`awal.unicode.nfc_sensitive_table`); CPython checks those with
``unicodedata.is_normalized`` and rewrites only the ones that are not NFC,
segment by segment (a segment starts at each code point NFC cannot touch),
so every output code point keeps the span of the segment it came from.

>>> import numpy as np
>>> cps = np.array([ord(c) for c in "e\\u0301x"], dtype=np.uint32)
>>> out, offs, start, end = nfc(cps, np.array([0, 3]))
>>> "".join(map(chr, out)), start.tolist(), end.tolist()
('éx', [0, 2], [2, 3])
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .batch import TextBatch
from .kernels import string_ids
from .unicode import nfc_sensitive_table


def _nfc_with_spans(text: str) -> tuple[str, list[int], list[int]]:
    """NFC of one string, with each output character's source segment ``[start, end)``."""
    sensitive = nfc_sensitive_table()
    cuts = [i for i, ch in enumerate(text) if i == 0 or not sensitive[ord(ch)]] + [len(text)]
    out, starts, ends = [], [], []
    for a, b in zip(cuts, cuts[1:]):
        piece = unicodedata.normalize("NFC", text[a:b])
        out.append(piece)
        starts.extend([a] * len(piece))
        ends.extend([b] * len(piece))
    return "".join(out), starts, ends


def nfc(cps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """NFC of every string; returns ``(cps, offsets, start, end)`` (``None`` spans when nothing changed)."""
    flagged = np.unique(string_ids(np.flatnonzero(nfc_sensitive_table()[cps]), offsets))
    if not len(flagged):
        return cps, offsets, None, None
    batch = TextBatch(cps, offsets)
    bounds = offsets.tolist()
    text = batch.joined()
    changed: dict[int, tuple[str, list[int], list[int]]] = {}
    for i in flagged.tolist():
        s = text[bounds[i] : bounds[i + 1]]
        if not unicodedata.is_normalized("NFC", s):
            changed[i] = _nfc_with_spans(s)
    if not changed:
        return cps, offsets, None, None
    return _splice(cps, offsets, changed)


def _splice(cps: np.ndarray, offsets: np.ndarray, changed: dict[int, tuple[str, list[int], list[int]]]):
    """Replace the contents of some strings, keeping identity spans for the rest."""
    lengths = np.diff(offsets)
    rows = np.fromiter(changed, dtype=np.int64, count=len(changed))
    new_lengths = lengths.copy()
    new_lengths[rows] = [len(v[0]) for v in changed.values()]
    new_offsets = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(new_lengths, out=new_offsets[1:])
    out = np.empty(int(new_offsets[-1]), dtype=np.uint32)
    start = np.empty(len(out), dtype=np.int64)
    end = np.empty(len(out), dtype=np.int64)
    is_changed = np.zeros(len(lengths), dtype=bool)
    is_changed[rows] = True
    old_sid = np.repeat(np.arange(len(lengths)), lengths)
    kept = np.flatnonzero(~is_changed[old_sid])
    target = kept + (new_offsets[:-1] - offsets[:-1])[old_sid[kept]]
    out[target] = cps[kept]
    start[target] = kept
    end[target] = kept + 1
    fresh = "".join(v[0] for v in changed.values())
    new_pos = np.concatenate([np.arange(new_offsets[r], new_offsets[r + 1]) for r in rows])
    out[new_pos] = np.frombuffer(fresh.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    base = np.repeat(offsets[rows], new_lengths[rows])
    start[new_pos] = base + np.concatenate([np.asarray(v[1], dtype=np.int64) for v in changed.values()])
    end[new_pos] = base + np.concatenate([np.asarray(v[2], dtype=np.int64) for v in changed.values()])
    return out, new_offsets, start, end
