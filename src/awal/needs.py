"""Which compiled steps a slice of text can need: per code point, the steps it may set off.

A step changes nothing in text holding none of its *sources*: the characters a map
changes, a context rule's keys, the characters whose runs a collapse rule cuts, the
characters a replacement's keys hold, the characters NFC may change or reorder. Earlier
steps may write the sources of later ones (``ﻯ`` becomes ``ى``, which a later map folds),
so :func:`step_triggers` follows every code point through the steps before each one:
bit ``k`` of ``table[cp]`` is set when ``cp``, or anything the steps before ``k`` may turn
it into, is a source of step ``k``. NFC (which composes with neighbours) and multi-character
replacements are not followed character by character: when they act, every later step
counts as set off. :func:`awal.rules.run_steps` ORs the table over a slice once and runs
only the steps set off (Arabic text through ``search`` skips the Farsi-yeh, Greek and
Tifinagh context rules, NFC and the Latin caron map).

>>> from awal import Normalizer
>>> steps = Normalizer("search").steps
>>> table = step_triggers(steps)
>>> def set_off(ch): return [type(steps[k]).__name__ for k in range(len(steps)) if int(table[ord(ch)]) >> k & 1]
>>> set_off("ب"), set_off("\u064e"), "ContextStep" in set_off("\ufbfc")
(['CollapseStep'], ['CharStep'], True)
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from .kernels import UNICODE_SIZE, Matcher, identity_table
from .rules import CharStep, CollapseStep, ContextStep, NfcStep, ReplaceStep, Step
from .unicode import combining_class_table, nfc_sensitive_table

MOST_STEPS = 32  # bits of the table (uint16 up to 16 steps)


def sources(step: Step) -> np.ndarray:
    """The code points where ``step`` may change anything (bool per code point): a map's keys,
    a context rule's keys, the characters whose runs a collapse rule cuts, every character of a
    replacement's keys, the characters NFC may change or reorder. :func:`awal.slices.cut_rule`
    keeps cuts away from them too.

    >>> from awal.rules import CharStep
    >>> np.flatnonzero(sources(CharStep.build(("x",), {"ـ": "", "ى": "ي"}))).tolist()
    [1600, 1609]
    """
    if isinstance(step, CharStep):
        mask = np.zeros(UNICODE_SIZE, dtype=bool)
        mask[[ord(key) for key in step.mapping]] = True
        return mask
    if isinstance(step, ContextStep):
        return step.table != identity_table()
    if isinstance(step, CollapseStep):
        return step.limit > 0
    if isinstance(step, NfcStep):
        return nfc_sensitive_table() | (combining_class_table() != 0)
    return key_chars(step.matcher)  # ReplaceStep


def key_chars(matcher: Matcher, shortest: int = 1) -> np.ndarray:
    """The code points in the keys of ``matcher`` of ``shortest`` characters or more (bool per code point).

    >>> m = Matcher.from_pairs([("ab", "x"), ("c", "y")])
    >>> [chr(cp) for cp in np.flatnonzero(key_chars(m))], [chr(cp) for cp in np.flatnonzero(key_chars(m, 2))]
    (['a', 'b', 'c'], ['a', 'b'])
    """
    mask = np.zeros(UNICODE_SIZE, dtype=bool)
    if shortest <= 1:
        mask[np.flatnonzero(matcher.single >= 0)] = True
    for keys in matcher.keys:  # keys of two characters or more, by length
        if keys.shape[1] >= shortest:
            mask[keys.ravel()] = True
    return mask


def step_triggers(steps: Iterable[Step]) -> np.ndarray | None:
    """Bit ``k`` of ``table[cp]``: ``cp`` may set off step ``k`` (see the module). None when there
    is nothing to skip (one step), too many steps, or a step of a kind this module does not know."""
    steps = tuple(steps)
    known = (CharStep, ContextStep, CollapseStep, NfcStep, ReplaceStep)
    if not 1 < len(steps) <= MOST_STEPS or not all(type(step) in known for step in steps):
        return None
    dtype = np.uint16 if len(steps) <= 16 else np.uint32
    later = np.zeros(UNICODE_SIZE, dtype=dtype)  # the steps after j a code point set off, met after step j
    for j in reversed(range(len(steps))):
        step, changed = steps[j], sources(steps[j])
        if isinstance(step, CharStep):  # a key becomes its value
            before = later.copy()
            before[[ord(key) for key in step.mapping]] = _values_bits(later, list(step.mapping.values()))
        elif isinstance(step, ContextStep):  # a key stays or becomes its value
            before = later | np.take(later, step.table)
        elif isinstance(step, CollapseStep):  # runs get shorter: no new character
            before = later.copy()
        else:  # NFC or replacement: when it acts, anything may follow
            before = later.copy()
            before[changed] |= dtype(((1 << len(steps)) - 1) ^ ((1 << (j + 1)) - 1))
        before[changed] |= dtype(1 << j)
        later = before
    return later


def _values_bits(later: np.ndarray, values: list[str]) -> np.ndarray:
    """``later`` ORed over the characters of each value (0 for an empty one)."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    bits = np.zeros(len(values), dtype=later.dtype)
    chars = np.array([ord(ch) for value in values for ch in value], dtype=np.int64)
    full = lengths > 0
    if full.any():
        bits[full] = np.bitwise_or.reduceat(later[chars], (np.cumsum(lengths) - lengths)[full])
    return bits
