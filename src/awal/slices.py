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

>>> from awal import Normalizer
>>> n = Normalizer("search")
>>> text = "أَهْلاً بِكُمْ، ههههه\\n" * 4
>>> map_long(text, n.normalize_batch, cut_rule(n.steps), size=10) == n.normalize_batch(TextBatch.from_input(text)).to_output()
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from .batch import TextBatch, code_points, range_search, utf16_units
from .fastpath import known_step
from .kernels import UNICODE_SIZE
from .lazy import lazy
from .needs import key_chars, sources
from .rules import CollapseStep, ContextStep, ListMode, ReplaceStep
from .unicode import property_mask

SLICE = 1 << 18  # a string of more characters than this is cut into slices
PIECE = 1 << 17  # characters per slice, whatever the length: see map_long
_PROBED = 1 << 8  # characters _touched searches with a regular expression before it looks at all in NumPy
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
        """The first safe cut at or after ``start`` (an index into ``text``), or None. The first
        :data:`_FIRST_WINDOW` characters are tried one by one (a cut is usually a few characters
        away), then windows growing to :data:`_WINDOW` characters at a time in NumPy.

        >>> CutRule(np.ones(UNICODE_SIZE, bool), np.arange(UNICODE_SIZE) == ord(" "), False).first_cut("ab cd" * 50, 3)
        7
        """
        lo = max(start, 1)
        left, right = self._bytes
        hi = min(len(text), lo + _FIRST_WINDOW)
        if lo < hi:
            before = text[lo - 1]
            for at, after in enumerate(text[lo:hi], lo):
                if left[ord(before)] and right[ord(after)] and not (self.distinct and before == after):
                    return at
                before = after
        lo, width = hi, 4 * _FIRST_WINDOW
        while lo < len(text):
            window = text[lo - 1 : lo + width]
            cps = code_points(window)
            ok = self.left[cps[:-1]] & self.right[cps[1:]]
            if self.distinct:
                ok &= cps[:-1] != cps[1:]
            hit = np.flatnonzero(ok)
            if len(hit):
                return lo + int(hit[0])
            lo, width = lo + width, min(4 * width, _WINDOW)
        return None

    @lazy
    def _bytes(self) -> tuple[bytes, bytes]:
        """``left`` and ``right`` as bytes, for tests one character at a time (built once)."""
        return self.left.astype(np.uint8).tobytes(), self.right.astype(np.uint8).tobytes()


def cut_rule(steps: Iterable[object]) -> CutRule | None:
    """The safe cuts for ``steps``; None if a step is of a kind this module does not know."""
    left = np.ones(UNICODE_SIZE, dtype=bool)
    right = np.ones(UNICODE_SIZE, dtype=bool)
    distinct = False
    for step in steps:
        if not known_step(step):
            return None
        if isinstance(step, CollapseStep):
            distinct = True
            if step.protect:  # protected pieces are found in whitespace-free stretches: cut before a space
                right &= property_mask(r"\p{White_Space}")
            continue
        if isinstance(step, ReplaceStep):  # no key occurrence may span the cut
            unsafe = key_chars(step.matcher, shortest=2)
        else:  # a map, NFC or a context rule: what it may change (and a context rule looks past)
            unsafe = sources(step)
            if isinstance(step, ContextStep) and step.skip is not None:
                unsafe |= step.skip
        left &= ~unsafe
        right &= ~unsafe
    return CutRule(left, right, distinct)


def map_long(
    text: str,
    batch_function: Callable[[TextBatch], TextBatch],
    rule: CutRule,
    size: int | None = None,
    mode: ListMode = ListMode(None, False),
) -> str:
    """``batch_function`` (a TextBatch function) over ``text``, slice by slice (slices of about
    ``size`` characters, by default :data:`PIECE`, cut where ``rule`` allows; a slice with no
    safe cut runs on to the next one).

    Slices have the same size at every length of text: the kernels' working memory (about 20
    bytes per character) stays small next to any text cut at all, in cache, and made of blocks
    of the same sizes call after call, which the allocator hands back without asking the kernel
    for fresh pages (slices sized by the text's length made every new length fault in memory
    of its own: the first megabyte cost a third more than the hundredth).

    A slice goes in as UTF-16 code units when ``mode.utf16`` allows, and one with no code point in
    ``mode.changes`` is not run at all. The results are written one after another into one buffer
    and decoded once at the end (:class:`_Output`): no string per slice and no join, whose fresh
    memory cost a 100 MB text a page fault every 4 kB.
    """
    size = size or PIECE
    output = _Output(len(text))
    start = 0
    while True:
        cut = rule.first_cut(text, start + size) if len(text) - start > size else None
        piece = text[start:cut]
        units = _units(piece, mode.utf16)
        if _touched(piece, units, mode.changes):
            units = batch_function(TextBatch(units, np.array([0, len(units)], dtype=np.int64), "str")).codepoints
        output.write(units)
        if cut is None:
            return output.text()
        start = cut


def _units(text: str, utf16: bool) -> np.ndarray:
    """The code units of ``text``: UTF-16 if ``utf16`` and it has no character outside the BMP
    nor a lone surrogate, else UTF-32 (lone surrogates kept)."""
    units = utf16_units(text) if utf16 else None
    return units if units is not None else code_points(text)


def _touched(text: str, units: np.ndarray, changes: tuple[int, int] | None) -> bool:
    """Whether ``text`` (its code ``units``) may hold a code point in ``changes`` (``(first, last)``,
    see :func:`awal.rules.list_mode`; None: any text may change). One that holds none comes out
    as it went in.

    >>> units = np.array([ord(c) for c in "abc ⴰⵡⴰⵍ"], dtype=np.uint16)
    >>> _touched("abc ⴰⵡⴰⵍ", units, (0x600, 0x6FF)), _touched("abc ⴰⵡⴰⵍ", units, (0x2D30, 0x2D7F)), _touched("ab", units[:2], None)
    (False, True, True)
    """
    if changes is None:
        return True
    first, last = changes
    if first > 0x7F and text.isascii():  # a flag CPython keeps: no scan
        return False
    if range_search(first, last)(text, 0, _PROBED):  # text that may change shows it in its first characters
        return True
    top = 0xFFFF if units.dtype == np.uint16 else 0xFFFFFFFF
    if first > top:
        return False
    span = units.dtype.type(min(last, top) - first)
    return bool(np.any((units - units.dtype.type(first)) <= span))  # below first wraps round to above


class _Output:
    """Code units written one after another, decoded to one ``str`` at the end.

    UTF-16 units (and UTF-32 ones below U+D800 or between U+E000 and U+FFFF) go into one
    ``uint16`` buffer sized for the whole text, whose fresh memory NumPy asks the kernel to back
    with huge pages; the rare result holding a character outside the BMP or a lone surrogate is
    kept apart as it is, in order, and the pieces are joined at the end.

    >>> out = _Output(4)
    >>> out.write(np.array([ord("a"), ord("b")], dtype=np.uint16))
    >>> out.write(np.array([0x1F600, 0xD800], dtype=np.uint32))
    >>> out.write(np.array([ord(c) for c in "cdef"], dtype=np.uint32))
    >>> out.text() == "ab\\U0001F600\\ud800cdef"
    True
    """

    def __init__(self, length: int):
        self.parts: list[np.ndarray] = []
        self.buffer = np.empty(length, dtype=np.uint16)
        self.start = self.end = 0

    def write(self, units: np.ndarray) -> None:
        if units.dtype != np.uint16 and not _fits_utf16(units):
            self._close()
            self.parts.append(np.ascontiguousarray(units, dtype=np.uint32))
            return
        if self.end + len(units) > len(self.buffer):  # longer than the text so far: a new buffer
            self._close()
            self.buffer = np.empty(max(len(units), len(self.buffer) // 4), dtype=np.uint16)
            self.start = self.end = 0
        self.buffer[self.end : self.end + len(units)] = units
        self.end += len(units)

    def _close(self) -> None:
        if self.end > self.start:
            self.parts.append(self.buffer[self.start : self.end])
        self.start = self.end

    def text(self) -> str:
        self._close()
        texts = [
            str(part.data, "utf-16-le") if part.dtype == np.uint16 else str(part.data, "utf-32-le", "surrogatepass")
            for part in self.parts
        ]
        return texts[0] if len(texts) == 1 else "".join(texts)


def _fits_utf16(units: np.ndarray) -> bool:
    """Whether UTF-32 ``units`` are all BMP characters other than surrogates (one UTF-16 unit each).

    >>> _fits_utf16(np.array([0x41, 0xFFFD], np.uint32)), _fits_utf16(np.array([0xD800], np.uint32))
    (True, False)
    """
    top = int(units.max(initial=0))
    if top < 0xD800:
        return True
    return top <= 0xFFFF and not ((units >= 0xD800) & (units < 0xE000)).any()


def run_long(x: object, rule: CutRule | None, batch_function: Callable[[TextBatch], TextBatch], mode: ListMode) -> str | None:
    """``x`` through ``batch_function`` (a TextBatch function) in slices, if it is a ``str`` longer
    than :data:`SLICE` and ``rule`` is known; else None (the caller takes the usual path)."""
    if type(x) is not str or len(x) <= SLICE or rule is None:
        return None
    return map_long(x, batch_function, rule, mode=mode)
