"""Unicode NFC on a batch, with alignment, touching only the strings it changes.

Most of what NFC does to real text is putting combining marks back in
canonical order (Arabic typed as shadda + fatha becomes fatha + shadda).
That part runs vectorised: each run of marks out of order is stably sorted
by combining class, and its characters share the run's span. Strings that
need more (a code point NFC may compose, decompose or replace, see
:func:`awal.unicode.nfc_sensitive_table`, or a misordered run after a
precomposed letter) go to CPython's ``unicodedata`` -- only the stretch
between spaces around such a code point, and one segment at a time when
spans are wanted (a segment starts at each starter NFC cannot touch).

>>> import numpy as np
>>> cps = np.array([ord(c) for c in "e\u0301x"], dtype=np.uint32)
>>> out, offs, start, end = nfc(cps, np.array([0, 3]))
>>> "".join(map(chr, out)), start.tolist(), end.tolist()
('éx', [0, 2], [2, 3])
>>> cps = np.array([ord(c) for c in "بَّ"], dtype=np.uint32)
>>> out, offs, start, end = nfc(cps, np.array([0, 3]))
>>> [hex(c) for c in out], start.tolist(), end.tolist()
(['0x628', '0x64e', '0x651'], [0, 1, 1], [1, 3, 3])
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .batch import TextBatch
from .kernels import compose, map_table, ranges, string_ids
from .unicode import combining_class_table, decomposition_floor_table, nfc_sensitive_table


def _nfc_with_spans(text: str) -> tuple[str, list[int], list[int]]:
    """NFC of one string, with each output character's source segment ``[start, end)``."""
    sensitive = nfc_sensitive_table()
    ccc = combining_class_table()
    cuts = [i for i, ch in enumerate(text) if i == 0 or not (sensitive[ord(ch)] or ccc[ord(ch)])] + [len(text)]
    out, starts, ends = [], [], []
    for a, b in zip(cuts, cuts[1:]):
        piece = unicodedata.normalize("NFC", text[a:b])
        out.append(piece)
        starts.extend([a] * len(piece))
        ends.extend([b] * len(piece))
    return "".join(out), starts, ends


def reorder_marks(
    cps: np.ndarray, offsets: np.ndarray, align: bool = True
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray]:
    """Canonical ordering: runs of combining marks stably sorted by combining class.

    Returns ``(cps, start, end, hard)``: the reordered code points, spans (a
    reordered run's characters share its span), and the first positions of
    runs after a precomposed letter whose decomposition would mix with the
    run (those strings need the full algorithm). Work is done on mark
    positions only; spans are ``None`` when ``align`` is false.
    """
    n = len(cps)
    start: np.ndarray | None = np.arange(n, dtype=np.int64) if align else None
    end: np.ndarray | None = start + 1 if start is not None else None
    none = np.zeros(0, dtype=np.int64)
    ccc_all = map_table(cps, combining_class_table())
    marks = np.flatnonzero(ccc_all)
    if len(marks) < 2:
        return cps, start, end, none
    ccc = ccc_all[marks].astype(np.int64)
    # a run continues while marks are adjacent and inside one string
    starts_string = np.zeros(n + 1, dtype=bool)
    starts_string[offsets[:-1]] = True
    joined = np.zeros(len(marks), dtype=bool)
    joined[1:] = (marks[1:] == marks[:-1] + 1) & ~starts_string[marks[1:]]
    descent = np.zeros(len(marks), dtype=bool)
    descent[1:] = joined[1:] & (ccc[:-1] > ccc[1:])
    if not descent.any():
        return cps, start, end, none
    run_id = np.cumsum(~joined) - 1
    bad = np.zeros(int(run_id[-1]) + 1, dtype=bool)
    bad[run_id[descent]] = True
    pick = bad[run_id]
    members, member_ccc, member_run = marks[pick], ccc[pick], run_id[pick]
    order = np.lexsort((members, member_ccc, member_run))
    out = cps.copy()
    out[members] = cps[members[order]]
    group = np.flatnonzero(np.r_[True, member_run[1:] != member_run[:-1]])  # first member of each bad run
    size = np.diff(np.r_[group, len(members)])
    if start is not None and end is not None:
        start[members] = np.repeat(members[group], size)
        end[members] = np.repeat(members[group] + size, size)
    # A run after a precomposed letter sorts the same as NFC when its marks all
    # rank below the letter's own decomposed marks (أ + shadda + fatha); else CPython.
    first = members[group]
    before = first - 1
    inside = (before >= 0) & ~starts_string[first]
    floor = decomposition_floor_table()[cps[np.maximum(before, 0)]]
    top = np.maximum.reduceat(member_ccc, group)
    hard = inside & (floor > 0) & (top >= floor)
    return out, start, end, first[hard]


_SEPARATORS = np.array([0x09, 0x0A, 0x0D, 0x20], dtype=np.uint32)  # starters nothing composes with


def _regions(cps: np.ndarray, offsets: np.ndarray, suspects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stretches between separators (spaces, tabs, newlines) or string edges around each suspect."""
    sid = string_ids(suspects, offsets)
    separators = np.r_[-1, np.flatnonzero(np.isin(cps, _SEPARATORS)), len(cps)]
    after = np.searchsorted(separators, suspects)  # separators[after - 1] < suspect <= separators[after]
    lo = np.maximum(separators[after - 1] + 1, offsets[sid])
    hi = np.minimum(separators[after], offsets[sid + 1])
    lo, first = np.unique(lo, return_index=True)
    return lo, hi[first]


def nfc(
    cps: np.ndarray, offsets: np.ndarray, align: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """NFC of every string; returns ``(cps, offsets, start, end)``.

    Spans are ``None`` when nothing moved, and never built with ``align=False``.
    CPython only sees the space-delimited stretches around code points it must handle.
    """
    reordered, start, end, hard_runs = reorder_marks(cps, offsets, align)
    suspects = np.unique(np.concatenate([np.flatnonzero(map_table(cps, nfc_sensitive_table())), hard_runs]))
    moved = reordered is not cps
    cps = reordered
    changed = []
    if len(suspects):
        los, his = _regions(cps, offsets, suspects)
        lengths = his - los
        texts = TextBatch(cps[ranges(los, lengths)], np.r_[0, np.cumsum(lengths)]).to_list()
        for lo, hi, text in zip(los.tolist(), his.tolist(), texts):
            if not unicodedata.is_normalized("NFC", text):
                fixed = _nfc_with_spans(text) if align else (unicodedata.normalize("NFC", text), None, None)
                changed.append((lo, hi, *fixed))
    if not changed:
        return (cps, offsets, start, end) if moved else (cps, offsets, None, None)
    out, new_offsets, s2, e2 = _splice(cps, offsets, changed, align)
    if moved and start is not None and end is not None:
        s2, e2 = compose(start, end, s2, e2)
    return out, new_offsets, s2, e2


def _splice(cps: np.ndarray, offsets: np.ndarray, changed: list[tuple], align: bool):
    """Replace some stretches ``(lo, hi, text, starts, ends)``, keeping identity spans elsewhere.

    Unchanged stretches are copied as slices; spans are only built when
    ``align`` is true (``starts``/``ends`` are relative to ``lo``).
    """
    los = np.array([c[0] for c in changed], dtype=np.int64)
    delta = np.array([len(c[2]) - (c[1] - c[0]) for c in changed], dtype=np.int64)
    shift = np.r_[0, np.cumsum(delta)]
    new_offsets = offsets + shift[np.searchsorted(los, offsets)]
    fresh = np.frombuffer("".join(c[2] for c in changed).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out_pieces, start_pieces, end_pieces = [], [], []
    done = used = 0
    for lo, hi, text, own_start, own_end in changed:
        out_pieces += [cps[done:lo], fresh[used : used + len(text)]]
        if align:
            keep = np.arange(done, lo, dtype=np.int64)
            start_pieces += [keep, lo + np.asarray(own_start, dtype=np.int64)]
            end_pieces += [keep + 1, lo + np.asarray(own_end, dtype=np.int64)]
        done, used = hi, used + len(text)
    out_pieces.append(cps[done:])
    out = np.concatenate(out_pieces).astype(np.uint32)
    if not align:
        return out, new_offsets, None, None
    tail = np.arange(done, len(cps), dtype=np.int64)
    start = np.concatenate([*start_pieces, tail]).astype(np.int64)
    end = np.concatenate([*end_pieces, tail + 1]).astype(np.int64)
    return out, new_offsets, start, end
