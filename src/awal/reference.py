"""The obvious pure-Python twin of every kernel in :mod:`awal.kernels`.

These work on one string at a time, character by character. They are slow
on purpose: the hypothesis tests check that each vectorised kernel gives
exactly what its twin gives, on arbitrary Unicode.

>>> replace_longest("abcab", {"ab": "X", "b": "yy"})
('XcX', [(0, 2), (2, 3), (3, 5)])
"""

from __future__ import annotations

from typing import Callable, Mapping

Span = tuple[int, int]


def map_table(text: str, table: Mapping[str, str]) -> str:
    """Each character replaced by ``table.get(ch, ch)`` (1:1)."""
    return "".join(table.get(ch, ch) for ch in text)


def delete(text: str, drop: Callable[[str], bool]) -> tuple[str, list[int]]:
    """Characters for which ``drop`` is true removed; returns the text and kept indices."""
    kept = [i for i, ch in enumerate(text) if not drop(ch)]
    return "".join(text[i] for i in kept), kept


def expand(text: str, table: Mapping[str, str]) -> tuple[str, list[int]]:
    """Each character replaced by the string ``table.get(ch, ch)`` (0..N characters)."""
    out, source = [], []
    for i, ch in enumerate(text):
        value = table.get(ch, ch)
        out.append(value)
        source.extend([i] * len(value))
    return "".join(out), source


def replace_longest(text: str, table: Mapping[str, str]) -> tuple[str, list[Span]]:
    """Scan left to right; at each position replace the longest key that matches."""
    longest = max(map(len, table), default=1)
    out: list[str] = []
    spans: list[Span] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in table:
                value = table[piece]
                break
        else:
            size, value = 1, text[i]
        out.append(value)
        spans.extend([(i, i + size)] * len(value))
        i += size
    return "".join(out), spans


def collapse_runs(text: str, limit: Callable[[str], int]) -> tuple[str, list[int]]:
    """Runs of one repeated character cut to ``limit(ch)`` characters (0 = no limit)."""
    kept = []
    run = 0
    for i, ch in enumerate(text):
        run = run + 1 if i and text[i - 1] == ch else 1
        if limit(ch) == 0 or run <= limit(ch):
            kept.append(i)
    return "".join(text[i] for i in kept), kept


def neighbour_in(
    text: str, member: Callable[[str], bool], step: int, skip: Callable[[str], bool] = lambda ch: False
) -> list[bool]:
    """Whether the nearest character ``step`` away (looking past ``skip``) exists and is a member."""
    out = []
    for i in range(len(text)):
        j = i + step
        while 0 <= j < len(text) and skip(text[j]):
            j += step
        out.append(0 <= j < len(text) and member(text[j]))
    return out


def tile(spans: list[Span], length: int) -> list[Span]:
    """Stretch exact spans so they cover ``[0, length)``: deletions join the span before them."""
    if not spans:
        return []
    starts = [0 if s == spans[0][0] else s for s, _ in spans]
    out = []
    for j, s in enumerate(starts):
        later = [t for t in starts[j + 1 :] if t > s]
        out.append((s, later[0] if later else length))
    return out
