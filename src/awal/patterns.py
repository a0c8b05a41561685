"""Patterns for pieces of text with a syntax of their own: URLs, e-mail addresses, mentions,
hashtags, numbers and Roman numerals.

The tokenizer keeps them whole (:func:`special_pattern`); run collapsing leaves them alone
(:func:`protected`): ``https://example.com/aaa``, ``Louis XIII`` and ``0xFFF`` are not
elongated words. No pattern matches whitespace, and every lookaround treats whitespace
like the edge of the text, so a pattern finds the same matches in the whole text and
in the whitespace-free stretch around a match (what :func:`protected` searches).

>>> [m.group() for m in special_pattern().finditer("voir https://ex.ma/aaa, #Maroc et a@b.ma")]
['https://ex.ma/aaa', '#Maroc', 'a@b.ma']
>>> [m.group() for m in scanner(("roman",)).finditer("Louis XIII, XVIIIe siècle, mix")]
['XIII', 'XVIIIe', 'mix']
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .kernels import map_table
from .unicode import property_mask

if TYPE_CHECKING:
    import regex

_URL_CHAR = r"""[^\p{White_Space}\p{Cc}\p{Cf}<>"]"""
_URL_END = r"""[^\p{White_Space}\p{Cc}\p{Cf}<>"'.,;:!?)\]}»،؛؟…]"""
# every alternative may only start where a run of its characters starts: linear time on long lines
URL = rf"(?:(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://|(?<!\w)www\.)(?:{_URL_CHAR}*{_URL_END})?"
EMAIL = r"(?<![\w.+\-])\w[\w.+\-]*@\w[\w\-]*(?:\.\w[\w\-]*)+"
MENTION = r"(?<![\w@])@\w+"
HASHTAG = r"(?<![\w#&])#\w+"
# hexadecimal literals, and digits with the separators of a number (1,000.5 ٣٫٥ 9:30 1e-5)
NUMBER = r"(?<!\w)0[xX][0-9A-Fa-f]+(?!\w)|(?<!\d)\d+(?:[.,:/\u066b\u066c]\d+)*(?:[eE][+-]?\d+)?"
# a valid Roman numeral (1..3999, either case), alone or with an ordinal ending: XIII, XVIIIe, xiv.
# Words such as "mix" or "le" match too; that is harmless for run collapsing, since a valid
# numeral never holds a run of more than three letters (MMM, CCC, XXX, III).
ROMAN = r"(?<!\w)(?i:(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})(?:e|er|ère|ème|th|st|nd|rd)?)(?!\w)"


@lru_cache(maxsize=1)
def special_pattern() -> regex.Pattern:
    """What the tokenizer keeps as one token (compiled on first use: ``import awal.rules`` stays cheap)."""
    import regex

    return regex.compile("|".join((URL, EMAIL, MENTION, HASHTAG)))


PROTECT_KINDS = ("url", "email", "hashtag", "number", "roman")
PROTECT_PATTERNS = {"url": URL, "email": EMAIL, "hashtag": HASHTAG, "number": NUMBER, "roman": ROMAN}
"""Pieces a rule can be told to leave alone, by name (see :func:`protected_in`). In a hashtag only
the ASCII characters are protected: ``#Maroc`` stays, the Arabic of ``#مبرووووك`` is text like any other."""


@lru_cache(maxsize=None)
def scanner(kinds: tuple[str, ...]) -> regex.Pattern:
    """One pattern for the protected ``kinds``, alternatives in that order (a named group each):
    a left-to-right scan takes the first alternative that matches, pieces never overlap."""
    import regex

    return regex.compile("|".join(f"(?P<{kind}>{PROTECT_PATTERNS[kind]})" for kind in kinds))


def protected_in(text: str, kinds: tuple[str, ...]) -> list[tuple[int, int]]:
    """Protected ``(start, end)`` character ranges of ``text`` (hashtags: their ASCII characters only).

    >>> protected_in("Louis XIII à #Rabat_الرباط", ("roman", "hashtag"))
    [(6, 10), (13, 20)]
    """
    import regex

    spans = []
    for match in scanner(kinds).finditer(text):
        if match.lastgroup != "hashtag":
            spans.append(match.span())
            continue
        start = match.start()
        for piece in regex.finditer(r"[\x00-\x7f]+", match.group()):
            spans.append((start + piece.start(), start + piece.end()))
    return spans


@lru_cache(maxsize=None)
def _white_space() -> np.ndarray:
    return property_mask(r"\p{White_Space}")


def prepare(kinds: tuple[str, ...]) -> None:
    """Build now what :func:`protected` needs for ``kinds`` (a pattern compilation takes
    milliseconds): a pass compiled with it pays nothing on its first text with a run to check,
    so a long text's first slice costs what the others do."""
    if kinds:
        scanner(kinds)
        _white_space()


def protected(cps: np.ndarray, offsets: np.ndarray, positions: np.ndarray, kinds: tuple[str, ...]) -> np.ndarray:
    """For each of the sorted ``positions`` in a batch, whether it lies in a protected piece of its string.

    Only the whitespace-free stretches around ``positions`` are decoded and searched.

    >>> cps = np.array([ord(c) for c in "XIII iii"], dtype=np.uint32)
    >>> protected(cps, np.array([0, 8]), np.array([1, 5]), ("roman",)).tolist()
    [True, True]
    """
    out = np.zeros(len(positions), dtype=bool)
    if not len(positions) or not kinds:
        return out
    spaces = np.concatenate([[-1], np.flatnonzero(map_table(cps, _white_space())), [len(cps)]])
    string = np.searchsorted(offsets, positions, side="right") - 1
    at = np.searchsorted(spaces, positions)  # spaces[at - 1] < position <= spaces[at]
    lo = np.maximum(spaces[at - 1] + 1, offsets[string])
    hi = np.minimum(spaces[at], offsets[string + 1])
    for a, b in np.unique(np.stack([lo, hi], axis=1), axis=0).tolist():
        for s, e in protected_in(cps[a:b].tobytes().decode("utf-32-le", "surrogatepass"), kinds):
            first, last = np.searchsorted(positions, [a + s, a + e])
            out[first:last] = True
    return out
