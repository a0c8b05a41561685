"""Dense per-code-point tables generated from Unicode data, never typed by hand.

Each table has one entry per code point (``0x110000``) so kernels can index it
with a whole code-point buffer. Tables are built on first use from
``unicodedata`` (general category, combining class, decompositions) and the
``regex`` module (scripts), then cached for the life of the process and on disk
(:mod:`awal.cache`), so a new process loads them instead of building them again.

>>> int(general_category_table()[ord("ⵯ")]) == CATEGORIES.index("Lm")
True
>>> SCRIPTS[script_table()[ord("ⴰ")]]
'Tfng'
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import lru_cache

import numpy as np

from .cache import cached_table, source_key
from .kernels import UNICODE_SIZE


def _cached(name: str, build):
    """``build()`` through the disk cache, keyed by this module's source and the ``regex`` version."""
    import regex  # (here, not at the top: awal.rules imports this module, and most of its users never build a table)

    return cached_table(name, f"{source_key(__file__)}\0{regex.__version__}", build)


CATEGORIES = (
    "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
    "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co",
)  # fmt: skip

# Scripts awal tells apart; everything else is "Zzzz" (other). Codes are ISO 15924.
SCRIPTS = ("Zzzz", "Zyyy", "Zinh", "Arab", "Latn", "Tfng", "Grek", "Cyrl", "Hebr", "Hani", "Deva")
_SCRIPT_NAMES = {
    "Zyyy": "Common", "Zinh": "Inherited", "Arab": "Arabic", "Latn": "Latin", "Tfng": "Tifinagh",
    "Grek": "Greek", "Cyrl": "Cyrillic", "Hebr": "Hebrew", "Hani": "Han", "Deva": "Devanagari",
}  # fmt: skip


@lru_cache(maxsize=None)
def _all_characters() -> str:
    return np.arange(UNICODE_SIZE, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def property_mask(pattern: str) -> np.ndarray:
    r"""Boolean table of the code points matching a one-character ``regex`` class.

    >>> bool(property_mask(r"\p{Extended_Pictographic}")[0x1F600])
    True
    """
    return _cached("property-" + hashlib.sha256(pattern.encode()).hexdigest()[:12], lambda: _property_mask(pattern))


def _property_mask(pattern: str) -> np.ndarray:
    import regex

    mask = np.zeros(UNICODE_SIZE, dtype=bool)
    for m in regex.finditer(pattern + "+", _all_characters()):
        mask[m.start() : m.end()] = True
    return mask


@lru_cache(maxsize=None)
def general_category_table() -> np.ndarray:
    """uint8 index into :data:`CATEGORIES` for every code point."""
    return _cached("general-category", _build_general_category_table)


def _build_general_category_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=np.uint8)
    for code, name in enumerate(CATEGORIES):
        if name != "Cn":  # unassigned is the default
            table[property_mask(rf"\p{{gc={name}}}")] = code
    return table


def category_mask(*prefixes: str) -> np.ndarray:
    """Boolean table: code points whose general category starts with any of ``prefixes`` ("L", "Mn", ...)."""
    wanted = np.array([name.startswith(prefixes) for name in CATEGORIES])
    return np.take(wanted, general_category_table())


@lru_cache(maxsize=None)
def script_table() -> np.ndarray:
    """uint8 index into :data:`SCRIPTS` for every code point (Unicode Script property)."""
    return _cached("script", _build_script_table)


def _build_script_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=np.uint8)
    for code, name in _SCRIPT_NAMES.items():
        table[property_mask(rf"\p{{Script={name}}}")] = SCRIPTS.index(code)
    return table


@lru_cache(maxsize=None)
def combining_class_table() -> np.ndarray:
    """uint8 canonical combining class of every code point."""
    return _cached("combining-class", _build_combining_class_table)


def _build_combining_class_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=np.uint8)
    marks = np.flatnonzero(category_mask("M"))
    table[marks] = [unicodedata.combining(chr(int(cp))) for cp in marks]
    return table


@lru_cache(maxsize=None)
def _canonical_decompositions() -> dict[int, str]:
    """Code point -> its canonical (not compatibility) decomposition, read once from ``unicodedata``."""
    out = {}
    for cp in range(0xA0, UNICODE_SIZE):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            out[cp] = decomposition
    return out


@lru_cache(maxsize=None)
def nfc_sensitive_table() -> np.ndarray:
    """Code points that NFC may change on their own or together with the character before them.

    That is NFC_Quick_Check = No (singletons, composition exclusions: NFC
    changes the character alone) or Maybe (second halves of canonical pairs,
    Hangul vowels and trailing consonants). Marks out of canonical order are
    the other case; :func:`awal.nfc.nfc` finds those from :func:`combining_class_table`.
    """
    return _cached("nfc-sensitive", _build_nfc_sensitive_table)


def _build_nfc_sensitive_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=bool)
    for cp, decomposition in _canonical_decompositions().items():
        parts = decomposition.split()
        if unicodedata.normalize("NFC", chr(cp)) != chr(cp):
            table[cp] = True
        if len(parts) == 2:
            table[int(parts[1], 16)] = True
    table[0x1161:0x1176] = True  # Hangul vowels and trailing consonants compose algorithmically
    table[0x11A8:0x11C3] = True
    return table


@lru_cache(maxsize=None)
def decomposition_floor_table() -> np.ndarray:
    """For letters with a canonical decomposition: the lowest combining class among its marks.

    أ (ا + U+0654, class 230) gives 230; 255 stands for a decomposition
    without marks; 0 for characters that do not decompose.
    """
    return _cached("decomposition-floor", _build_decomposition_floor_table)


def _build_decomposition_floor_table() -> np.ndarray:
    table = np.zeros(UNICODE_SIZE, dtype=np.uint8)
    for cp in _canonical_decompositions():
        classes = [unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", chr(cp)) if unicodedata.combining(ch)]
        table[cp] = min(classes) if classes else 255
    return table


def version() -> str:
    """Unicode version of the tables (that of this Python's ``unicodedata``)."""
    return f"{unicodedata.unidata_version} (Python {sys.version_info.major}.{sys.version_info.minor})"
