"""Which scripts a text is written in: per-string letter counts, dominant script, script runs.

Script codes are ISO 15924, as in :data:`awal.unicode.SCRIPTS`: ``"Arab"``,
``"Latn"``, ``"Tfng"``, ... ; ``"Zzzz"`` stands for any script awal does not
tell apart and ``"Zyyy"`` (Common) for text with no letters at all.

Counts are vectorised over a :class:`~awal.batch.TextBatch`: one table lookup
and one ``bincount`` for the whole batch.

>>> dominant_script(["ⴰⵣⵓⵍ ⴼⵍⴰⵏ فلان", "salam 3likom", "123 !", "سلام"])
['Tfng', 'Latn', 'Zyyy', 'Arab']
>>> script_spans("Salam, ⴰⵣⵓⵍ «مرحبا»!")
[(0, 7, 'Latn'), (7, 12, 'Tfng'), (12, 20, 'Arab')]
>>> mix_statistics("abc دهـو")
{'Arab': 0.5, 'Latn': 0.5}
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .batch import TextBatch, list_slices
from .columns import accepts_columns
from .kernels import map_table
from .unicode import SCRIPTS, category_mask, script_table

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd
    import pyarrow as pa

    from .typing import ArrayT, SeriesT

__all__ = ["script_counts", "dominant_script", "mix_statistics", "script_runs", "script_spans"]

_COMMON = SCRIPTS.index("Zyyy")
_INHERITED = SCRIPTS.index("Zinh")
_NONE = 255  # "no script": a Common or Inherited character, in the run tables


@lru_cache(maxsize=None)
def _letter_scripts() -> np.ndarray:
    """Script index of every letter; ``len(SCRIPTS)`` for other code points and Common letters (tatweel, ʼ)."""
    table = script_table().copy()
    table[~category_mask("L") | (table == _COMMON) | (table == _INHERITED)] = len(SCRIPTS)
    return table


@lru_cache(maxsize=None)
def _run_scripts() -> np.ndarray:
    """Script index of every code point, ``_NONE`` for Common and Inherited ones."""
    table = script_table().copy()
    table[(table == _COMMON) | (table == _INHERITED)] = _NONE
    return table


@lru_cache(maxsize=None)
def _white_space() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    table[[cp for cp in range(0x3000 + 1) if chr(cp).isspace()]] = True
    return table


def script_counts(batch: TextBatch) -> np.ndarray:
    """Letters per script: an int64 matrix of shape ``(len(batch), len(SCRIPTS))``.

    Column ``j`` counts letters (general category L*) whose script is ``SCRIPTS[j]``;
    letters of the Common script (tatweel, ʼ) are not counted, so those columns are 0.

    >>> counts = script_counts(TextBatch.from_input(["ⴰⵣⵓⵍ!", "", "abc سلام"]))
    >>> counts[:, [SCRIPTS.index(s) for s in ("Arab", "Latn", "Tfng")]].tolist()
    [[0, 0, 4], [0, 0, 0], [4, 3, 0]]
    """
    width = len(SCRIPTS) + 1
    lengths = np.diff(batch.offsets)
    keys = np.repeat(np.arange(len(batch), dtype=np.int64) * width, lengths)
    keys += _letter_scripts()[batch.codepoints]
    counts = np.bincount(keys, minlength=len(batch) * width).reshape(len(batch), width)
    return counts[:, :-1]


def _dominant(counts: np.ndarray) -> list[str]:
    """Most frequent script per row (first in ``SCRIPTS`` order on a tie), ``"Zyyy"`` without letters."""
    best = np.argmax(counts, axis=1)
    best[counts.sum(axis=1) == 0] = _COMMON
    return [SCRIPTS[i] for i in best.tolist()]


@overload
def dominant_script(x: str) -> str: ...
@overload
def dominant_script(x: list[str]) -> list[str]: ...
@overload
def dominant_script(x: tuple[str, ...]) -> tuple[str, ...]: ...
@overload
def dominant_script(x: pa.Array[Any]) -> pa.Array[Any]: ...
@overload
def dominant_script(x: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]: ...
@overload
def dominant_script(x: SeriesT) -> SeriesT: ...
@overload
def dominant_script(x: ArrayT) -> ArrayT: ...
@accepts_columns
def dominant_script(x: Any) -> Any:
    """The script most letters belong to: ``str`` → ``str``, a list → ``list[str]``, a pyarrow
    string array → a ``string`` array (a null stays null; chunks are kept), a pandas Series or
    NumPy array → the same container.

    Text without letters (digits, punctuation, emoji, empty) gives ``"Zyyy"``.

    >>> dominant_script("Marrakech مراكش ⵎⵕⵕⴰⴽⵛ ⵎⵕⵕⴰⴽⵛ")
    'Tfng'
    """
    if isinstance(x, (list, tuple)):
        return [script for batch in list_slices(x) for script in _dominant(script_counts(batch))]
    batch = TextBatch.from_input(x)
    result = _dominant(script_counts(batch))
    if batch.kind == "arrow":
        return batch.rows_to_arrow(result, import_module("pyarrow").string())
    return result[0] if batch.kind == "str" else result


@overload
def mix_statistics(x: str) -> dict[str, float]: ...
@overload
def mix_statistics(x: list[str]) -> list[dict[str, float]]: ...
@overload
def mix_statistics(x: tuple[str, ...]) -> tuple[dict[str, float], ...]: ...
@overload
def mix_statistics(x: pa.Array[Any]) -> pa.Array[Any]: ...
@overload
def mix_statistics(x: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]: ...
@overload
def mix_statistics(x: pd.Series[Any]) -> pd.Series[Any]: ...
@overload
def mix_statistics(x: npt.NDArray[Any]) -> npt.NDArray[np.object_]: ...
@accepts_columns
def mix_statistics(x: Any) -> Any:
    """Share of letters per script, ``{script: share}`` (largest first, shares sum to 1; ``{}`` without letters).

    ``str`` → ``dict``; a list → ``list[dict]``; a pyarrow string array → a
    ``map<string, double>`` array (nulls and chunks kept).

    >>> mix_statistics(["ⴰⵣⵓⵍ azul", "..."])
    [{'Latn': 0.5, 'Tfng': 0.5}, {}]
    """
    batch = TextBatch.from_input(x)
    counts = script_counts(batch)
    totals = counts.sum(axis=1, keepdims=True)
    shares = counts / np.maximum(totals, 1)
    result = []
    for row in shares.tolist():
        used = sorted(((share, SCRIPTS[j]) for j, share in enumerate(row) if share), key=lambda t: -t[0])
        result.append({script: share for share, script in used})
    if batch.kind == "arrow":
        pa = import_module("pyarrow")
        return batch.rows_to_arrow(result, pa.map_(pa.string(), pa.float64()))
    return result[0] if batch.kind == "str" else result


def script_runs(batch: TextBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Script runs of a whole batch: ``(starts, ends, scripts, run_offsets)`` as arrays.

    Runs cover every string: ``starts``/``ends`` are positions in
    ``batch.codepoints``, ``scripts`` indices into :data:`SCRIPTS`, and string
    ``i`` has runs ``run_offsets[i]:run_offsets[i + 1]``. Common and Inherited
    characters (spaces, punctuation, digits, marks) join the run around them:
    marks and anything else directly after a run stay in it; in a stretch of
    them between two different scripts, what follows the last space goes to
    the next run (so an opening quote goes with the word it opens); a string
    with no script at all is one ``"Zyyy"`` run.

    >>> b = TextBatch.from_input(["ab سلام", "...", ""])
    >>> starts, ends, scripts, run_offsets = script_runs(b)
    >>> starts.tolist(), ends.tolist(), [SCRIPTS[s] for s in scripts], run_offsets.tolist()
    ([0, 3, 7], [3, 7, 10], ['Latn', 'Arab', 'Zyyy'], [0, 2, 3, 3])
    """
    cps, offsets = batch.codepoints, batch.offsets
    n = len(cps)
    script = map_table(cps, _run_scripts())
    has_script = script != _NONE
    space = map_table(cps, _white_space())
    string_start = np.zeros(n + 1, dtype=bool)
    string_start[offsets[:-1]] = True
    string_start[n] = True
    before = _previous_index(has_script, string_start)
    after = _next_index(has_script, string_start)
    prev_script = np.where(before >= 0, script[np.maximum(before, 0)], _NONE)
    next_script = np.where(after < n, script[np.minimum(after, n - 1)], _NONE)
    # after the last space of a stretch without script: the space is behind, none is ahead
    behind = _previous_index(has_script | space, string_start)
    after_last_space = (behind >= 0) & space[np.maximum(behind, 0)]
    after_last_space &= _next_index(has_script | space, string_start) == after
    use_next = (next_script != _NONE) & ((prev_script == _NONE) | after_last_space)
    assigned = np.where(has_script, script, np.where(use_next, next_script, prev_script))
    assigned[assigned == _NONE] = _COMMON
    change = string_start[:n].copy()
    change[1:] |= assigned[1:] != assigned[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)  # strings are contiguous: a run ends where the next one starts
    return starts, ends, assigned[starts].astype(np.int64), np.searchsorted(starts, offsets)


def _previous_index(member: np.ndarray, string_start: np.ndarray) -> np.ndarray:
    """For each position, the last position at or before it in ``member`` and in the same string (else -1)."""
    n = len(member)
    position = np.arange(n, dtype=np.int64)
    found = np.maximum.accumulate(np.where(member | string_start[:n], position, 0)) if n else position
    return np.where(member[found], found, -1) if n else found


def _next_index(member: np.ndarray, string_start: np.ndarray) -> np.ndarray:
    """For each position, the first position at or after it in ``member`` and in the same string (else n)."""
    n = len(member)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    position = np.arange(n, dtype=np.int64)
    stop = np.where(member | string_start[1:], position, n)  # a member, or the last position of a string
    found = np.minimum.accumulate(stop[::-1])[::-1]
    return np.where(member[np.minimum(found, n - 1)] & (found < n), found, n)


@overload
def script_spans(x: str) -> list[tuple[int, int, str]]: ...
@overload
def script_spans(x: list[str]) -> list[list[tuple[int, int, str]]]: ...
@overload
def script_spans(x: tuple[str, ...]) -> tuple[list[tuple[int, int, str]], ...]: ...
@overload
def script_spans(x: pa.Array[Any]) -> pa.Array[Any]: ...
@overload
def script_spans(x: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]: ...
@overload
def script_spans(x: pd.Series[Any]) -> pd.Series[Any]: ...
@overload
def script_spans(x: npt.NDArray[Any]) -> npt.NDArray[np.object_]: ...
@accepts_columns
def script_spans(x: Any) -> Any:
    """``[(start, end, script), ...]`` covering the text: ``str`` → list; a list of ``str`` → list of
    lists; a pyarrow string array → a ``list<struct<start, end, script>>`` array (nulls and chunks kept).

    See :func:`script_runs` for how spaces, punctuation, digits and marks are attached.

    >>> script_spans("ⴰⵢⵓⵣ ⵎⵉⵔⵉⵡⵏ tanmirt ⵓⵍⴰ")
    [(0, 12, 'Tfng'), (12, 20, 'Latn'), (20, 23, 'Tfng')]
    """
    if isinstance(x, (list, tuple)):  # a slice at a time: the working arrays stay small
        return [spans for batch in list_slices(x) for spans in _spans_of(batch)]
    batch = TextBatch.from_input(x)
    result = _spans_of(batch)
    if batch.kind == "arrow":
        pa = import_module("pyarrow")
        fields = [("start", pa.int64()), ("end", pa.int64()), ("script", pa.string())]
        return batch.rows_to_arrow(result, pa.list_(pa.struct(fields)))
    return result[0] if batch.kind == "str" else result


def _spans_of(batch: TextBatch) -> list[list[tuple[int, int, str]]]:
    starts, ends, scripts, run_offsets = script_runs(batch)
    local = starts - np.repeat(batch.offsets[:-1], np.diff(run_offsets))
    local_end = local + (ends - starts)
    names = [SCRIPTS[s] for s in scripts.tolist()]
    rows = list(zip(local.tolist(), local_end.tolist(), names))
    bounds = run_offsets.tolist()
    return [rows[a:b] for a, b in zip(bounds, bounds[1:])]
