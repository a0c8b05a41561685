"""awal (ⴰⵡⴰⵍ, "word"): normalisation, transliteration and tokenisation for Arabic, Darija and Amazigh.

>>> import awal
>>> awal.normalize("بِسْمِ اللَّهِ", profile="search")
'بسم الله'
"""

from __future__ import annotations

__version__ = "0.1.0"

# The public API. Importing the functions here, after their modules, makes the
# names `awal.normalize` and `awal.tokenize` the functions, whatever is imported
# later (`from awal.tokenize import token_spans` no longer rebinds them). Tables
# are built on first use, so this stays cheap.
from .batch import TextBatch
from .normalize import Normalizer, normalize, profiles
from .quality import quality, quality_filter
from .rules import RuleError
from .scripts import dominant_script, script_spans
from .sentences import sentence_spans, sentences
from .shingles import shingles
from .tokenize import tokenize, tokenize_with_offsets
from .translit import Transliterator, schemes, transliterate

# Language identification loads its model on first use; its module on first access.
_LAZY = {"Identifier": "lid", "identify": "lid", "identify_tokens": "lid", "language_spans": "lid", "mixedness": "lid"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'awal' has no attribute {name!r}")


__all__ = [
    "Identifier",
    "Normalizer",
    "RuleError",
    "TextBatch",
    "Transliterator",
    "dominant_script",
    "identify",
    "identify_tokens",
    "language_spans",
    "mixedness",
    "normalize",
    "profiles",
    "quality",
    "quality_filter",
    "schemes",
    "script_spans",
    "sentence_spans",
    "sentences",
    "shingles",
    "tokenize",
    "tokenize_with_offsets",
    "transliterate",
]
