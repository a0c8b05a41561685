"""awal (ⴰⵡⴰⵍ, "word"): normalisation, transliteration and tokenisation for Arabic, Darija and Amazigh.

>>> import awal
>>> awal.normalize("بِسْمِ اللَّهِ", profile="search")
'بسم الله'
"""

from __future__ import annotations

import sys as _sys
import types as _types
from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

__version__ = "0.1.0"

# The public API. Normalisation (with NumPy and the rule engine every other function builds on) is
# imported here, so a first call pays for its tables, not for imports; every other name imports its
# module on first access (`__getattr__`): the command line and a program that only normalises never
# load tokenisation, transliteration, quality or language identification. Tables are built on first use.
from .batch import TextBatch
from .normalize import Normalizer, normalize, profiles
from .rules import RuleError

_LAZY = {
    "Identifier": "lid",
    "Transliterator": "translit",
    "dominant_script": "scripts",
    "identify": "lid",
    "identify_tokens": "lid",
    "language_spans": "lid",
    "mixedness": "lid",
    "quality": "quality",
    "quality_filter": "quality",
    "schemes": "translit",
    "script_spans": "scripts",
    "sentence_spans": "sentences",
    "sentences": "sentences",
    "shingles": "shingles",
    "tokenize": "tokenize",
    "tokenize_with_offsets": "tokenize",
    "transliterate": "translit",
}
__all__ = [  # (a list type checkers read: names in it are exported)
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

if _TYPE_CHECKING:  # what the names are, for type checkers (at run time: __getattr__)
    from typing import Any

    from .lid import Identifier, identify, identify_tokens, language_spans, mixedness
    from .quality import quality, quality_filter
    from .scripts import dominant_script, script_spans
    from .sentences import sentence_spans, sentences
    from .shingles import shingles
    from .tokenize import tokenize, tokenize_with_offsets
    from .translit import Transliterator, schemes, transliterate


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first access; or a submodule (``awal.batch``)."""
    if name in _LAZY:
        value = getattr(_import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    try:
        if name.isidentifier():  # (not "", "lid.model" or "..x": no attribute names a module)
            return _import_module(f".{name}", __name__)
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.{name}":
            raise
    raise AttributeError(f"module 'awal' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*(name for name in globals() if not name.startswith("_") or name.startswith("__")), *_LAZY})


class _Package(_types.ModuleType):
    """The package's module type: importing a submodule named like a function of the API
    (``awal.tokenize``, ``awal.quality``, ``awal.sentences``, ``awal.shingles``) does not rebind the
    name to the module, so ``awal.tokenize`` is the function whatever was imported before."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and value is _sys.modules.get(f"{__name__}.{name}"):  # the import system binding the submodule
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
