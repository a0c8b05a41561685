"""awal (ⴰⵡⴰⵍ, "word"): normalisation, transliteration and tokenisation for Arabic, Darija and Amazigh.

>>> import awal
>>> awal.normalize("بِسْمِ اللَّهِ", profile="search")
'بسم الله'
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Function names shadow the submodules of the same name (awal.normalize is the function).
from .batch import TextBatch
from .normalize import Normalizer, normalize, profiles
from .rules import RuleError

# public name -> module that defines it; modules load on first use so `import awal` stays fast
_API = {
    "transliterate": "translit",
    "schemes": "translit",
    "Transliterator": "translit",
    "tokenize": "tokenize",
    "tokenize_with_offsets": "tokenize",
    "script_spans": "scripts",
    "dominant_script": "scripts",
}

__all__ = sorted([*_API, "TextBatch", "Normalizer", "normalize", "profiles", "RuleError"])


def __getattr__(name: str) -> Any:
    if name in _API:
        module = import_module(f".{_API[name]}", __name__)
        for public, home in _API.items():  # rebind every name of that module over the submodule
            if home == _API[name]:
                globals()[public] = getattr(module, public)
        return globals()[name]
    raise AttributeError(f"module 'awal' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
