"""Optional dependencies, imported on first use with a message that says how to install them.

>>> optional("json").__name__
'json'
>>> try:
...     optional("no_such_module_for_awal")
... except ImportError as e:
...     print(e)
this needs no_such_module_for_awal, an optional dependency of awal: pip install no_such_module_for_awal
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

# top-level module -> the awal extra that installs it (see pyproject.toml)
EXTRAS = {"pyarrow": "arrow", "tokenizers": "subword", "sentencepiece": "subword", "dask": "engines", "datasets": "engines"}


def optional(module: str) -> ModuleType:
    """``import_module(module)``, or an ``ImportError`` naming the ``pip install`` that provides it."""
    try:
        return import_module(module)
    except ImportError as e:
        top = module.split(".")[0]
        extra = EXTRAS.get(top)
        how = f"pip install 'awal[{extra}]'" if extra else f"pip install {top}"
        raise ImportError(f"this needs {top}, an optional dependency of awal: {how}") from e
