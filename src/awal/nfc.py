"""Unicode NFC on a batch, with alignment, touching only the strings it changes.

NumPy finds the strings holding a code point that NFC could change (see
:func:`awal.unicode.nfc_sensitive_table`) or two combining marks out of
canonical order (which may straddle two strings: both are checked); CPython checks those with
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
from .kernels import ranges, string_ids
from .unicode import combining_class_table, nfc_sensitive_table


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


def nfc(
    cps: np.ndarray, offsets: np.ndarray, align: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """NFC of every string; returns ``(cps, offsets, start, end)``.

    Spans are ``None`` when nothing changed; with ``align=False`` changed
    strings are normalised in one call each and get string-wide spans.
    """
    ccc = combining_class_table()[cps]
    misordered = np.flatnonzero((ccc[:-1] > ccc[1:]) & (ccc[1:] > 0))
    suspects = np.concatenate([np.flatnonzero(nfc_sensitive_table()[cps]), misordered, misordered + 1])
    flagged = np.unique(string_ids(suspects, offsets))
    if not len(flagged):
        return cps, offsets, None, None
    if not align and len(flagged) > 64 and not (cps == 0).any():
        return _nfc_joined(cps, offsets)
    batch = TextBatch(cps, offsets)
    bounds = offsets.tolist()
    text = batch.joined()
    changed: dict[int, tuple[str, list[int], list[int]]] = {}
    for i in flagged.tolist():
        s = text[bounds[i] : bounds[i + 1]]
        if not unicodedata.is_normalized("NFC", s):
            changed[i] = _nfc_with_spans(s) if align else (unicodedata.normalize("NFC", s), None, None)
    if not changed:
        return cps, offsets, None, None
    return _splice(cps, offsets, changed)


def _nfc_joined(cps: np.ndarray, offsets: np.ndarray):
    """NFC of the whole batch in one CPython call, strings kept apart by NUL.

    NUL is a starter that composes with nothing, so no mark reorders or
    composes across it; only used when the batch holds no NUL itself.
    """
    text = TextBatch(np.insert(cps, offsets[1:-1], 0), np.array([0, len(cps) + len(offsets) - 2])).joined()
    pieces = unicodedata.normalize("NFC", text).split("\0")
    out = TextBatch.from_strings(pieces)
    return out.codepoints, out.offsets, None, None


def _splice(cps: np.ndarray, offsets: np.ndarray, changed: dict[int, tuple[str, list[int] | None, list[int] | None]]):
    """Replace the contents of some strings, keeping identity spans for the rest.

    Changed strings without their own spans get string-wide ones.
    """
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
    new_pos = ranges(new_offsets[rows], new_lengths[rows])
    out[new_pos] = np.frombuffer(fresh.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if next(iter(changed.values()))[1] is None:
        start[new_pos] = np.repeat(offsets[rows], new_lengths[rows])
        end[new_pos] = np.repeat(offsets[rows + 1], new_lengths[rows])
    else:
        base = np.repeat(offsets[rows], new_lengths[rows])
        start[new_pos] = base + np.concatenate([np.asarray(v[1], dtype=np.int64) for v in changed.values()])
        end[new_pos] = base + np.concatenate([np.asarray(v[2], dtype=np.int64) for v in changed.values()])
    return out, new_offsets, start, end
