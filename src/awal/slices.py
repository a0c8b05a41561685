"""One long string in bounded slices, cut where no step looks across the cut.

A whole book as one ``str`` would otherwise become one UTF-32 buffer four times
its size, with every kernel's temporaries on top. :func:`map_long` cuts it into
slices of about :data:`SLICE` characters and runs each through the batch path, so
memory stays bounded and the cost per megabyte stays flat. A cut between the
characters ``p`` and ``n`` is safe when every step gives the same result on both
sides as on the whole: :func:`cut_rule` derives that from the compiled steps.

* a character map: it changes neither ``p`` nor ``n`` (so every later step sees them at the cut);
* a multi-character replacement: neither is in a key of two or more characters
  (no key occurrence can span the cut, so the greedy scan reaches it exactly);
* a context rule: neither is one of its source characters or a character it looks
  past (every neighbour search stops before the cut);
* run collapsing: ``p != n``, and ``n`` is whitespace if the rule protects URLs, numbers...
  (they are found in the stretches between whitespace);
* NFC: both are starters (combining class 0) that NFC leaves alone and never combines
  with what precedes them.

A step of another kind gives no rule: the string is then processed whole.

>>> from awal import Normalizer, TextBatch
>>> n = Normalizer("search")
>>> def whole(piece): return n.normalize_batch(TextBatch.from_input(piece)).to_output()
>>> text = "أَهْلاً بِكُمْ، ههههه\\n" * 4
>>> map_long(text, whole, cut_rule(n.steps), size=10) == whole(text)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from .fastpath import known_step
from .kernels import UNICODE_SIZE
from .rules import CharStep, CollapseStep, ContextStep, ListMode, NfcStep, ReplaceStep
from .unicode import combining_class_table, nfc_sensitive_table, property_mask

SLICE = 1 << 18  # characters per slice: the kernels' temporaries stay in cache
SLICES_AT_LEAST = 8  # a text of under SLICES_AT_LEAST * SLICE characters is cut in this many slices...
SMALLEST_SLICE = 1 << 15  # ... of at least this many characters
_FIRST_WINDOW = 1 << 6  # characters first searched for a safe cut
_WINDOW = 1 << 12  # at most this many at a time after that


@dataclass(frozen=True)
class CutRule:
    """Where a cut is safe: before ``n`` after ``p`` when ``left[p] and right[n]`` (and ``p != n``
    if ``distinct``)."""

    left: np.ndarray  # bool per code point
    right: np.ndarray
    distinct: bool

    def first_cut(self, text: str, start: int) -> int | None:
        """The first safe cut at or after ``start`` (an index into ``text``), or None. The windows
        searched grow from :data:`_FIRST_WINDOW` characters: a cut is usually a few characters away.

        >>> CutRule(np.ones(UNICODE_SIZE, bool), np.arange(UNICODE_SIZE) == ord(" "), False).first_cut("ab cd" * 50, 3)
        7
        """
        lo, width = max(start, 1), _FIRST_WINDOW
        while lo < len(text):
            window = text[lo - 1 : lo + width]
            cps = np.frombuffer(window.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            ok = self.left[cps[:-1]] & self.right[cps[1:]]
            if self.distinct:
                ok &= cps[:-1] != cps[1:]
            hit = np.flatnonzero(ok)
            if len(hit):
                return lo + int(hit[0])
            lo, width = lo + width, min(4 * width, _WINDOW)
        return None


def _chars(strings: Iterable[str]) -> np.ndarray:
    mask = np.zeros(UNICODE_SIZE, dtype=bool)
    cps = [ord(ch) for s in strings for ch in s]
    mask[cps] = True
    return mask


def cut_rule(steps: Iterable[object]) -> CutRule | None:
    """The safe cuts for ``steps``; None if a step is of a kind this module does not know."""
    left = np.ones(UNICODE_SIZE, dtype=bool)
    right = np.ones(UNICODE_SIZE, dtype=bool)
    distinct = False
    for step in steps:
        if not known_step(step):
            return None
        if isinstance(step, CharStep):  # keeps p and n as they are, so later steps see them at the cut
            changed = _chars(step.mapping)
            left &= ~changed
            right &= ~changed
        elif isinstance(step, ReplaceStep):
            m = step.matcher
            in_key = _chars("".join(map(chr, key)) for keys in m.keys for key in keys.tolist())
            left &= ~in_key
            right &= ~in_key
        elif isinstance(step, ContextStep):
            looked_at = step.table != np.arange(UNICODE_SIZE, dtype=step.table.dtype)
            if step.skip is not None:
                looked_at |= step.skip
            left &= ~looked_at
            right &= ~looked_at
        elif isinstance(step, CollapseStep):
            distinct = True
            if step.protect:  # protected pieces are found in whitespace-free stretches: cut before a space
                right &= property_mask(r"\p{White_Space}")
        elif isinstance(step, NfcStep):  # starters NFC leaves as they are and never combines with what precedes
            stable = (combining_class_table() == 0) & ~nfc_sensitive_table()
            left &= stable
            right &= stable
        else:
            return None
    return CutRule(left, right, distinct)


def slice_size(length: int) -> int:
    """Characters per slice for a text of ``length``: :data:`SLICE`, or less for a text of a few
    slices, so that a slice's working memory (the kernels need about 20 bytes per character)
    stays small next to the text itself.

    >>> slice_size(100 * SLICE) == SLICE, slice_size(4 * SLICE) == SLICE // 2
    (True, True)
    """
    return max(SMALLEST_SLICE, min(SLICE, length // SLICES_AT_LEAST))


def map_long(text: str, function: Callable[[str], str], rule: CutRule, size: int | None = None) -> str:
    """``function(text)`` computed slice by slice (slices of about ``size`` characters, by default
    :func:`slice_size`, cut where ``rule`` allows; a slice with no safe cut runs on to the next one)."""
    size = size or slice_size(len(text))
    pieces = []
    start = 0
    while len(text) - start > size:
        cut = rule.first_cut(text, start + size)
        if cut is None:
            break
        pieces.append(function(text[start:cut]))
        start = cut
    pieces.append(function(text[start:]))
    return "".join(pieces)


def run_long(x: object, rule: CutRule | None, batch_function: Callable, list_mode: ListMode) -> str | None:
    """``x`` through ``batch_function`` (a TextBatch function) in slices, if it is a ``str`` longer
    than :data:`SLICE` and ``rule`` is known; else None (the caller takes the usual path)."""
    if type(x) is not str or len(x) <= SLICE or rule is None:
        return None
    from .batch import map_text

    return map_long(x, lambda piece: map_text([piece], batch_function, *list_mode)[0], rule)
