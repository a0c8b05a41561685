"""On-disk cache of the dense tables awal derives from Unicode data and rule files.

Building a table over all 0x110000 code points takes CPython tenths of a second;
loading it back from a ``.npy`` file takes about a millisecond, so the first call
in a new process stays cheap. Files are plain NumPy arrays (never pickle), named
by a hash of everything they are built from (the caller's key: rule file contents,
the source of the module that builds them, Unicode and ``regex`` versions) plus
awal's version, so a changed rule or a new release never reads a stale table.

The folder is ``$AWAL_CACHE_DIR`` if set (empty: no cache), else the user cache
folder of the platform (``$XDG_CACHE_HOME/awal`` or ``~/.cache/awal``;
``~/Library/Caches/awal``; ``%LOCALAPPDATA%\\awal\\Cache``). A folder that cannot be
created or written, or a damaged file, only means the table is built again.

>>> import numpy as np, tempfile, os
>>> before = os.environ.get("AWAL_CACHE_DIR")
>>> os.environ["AWAL_CACHE_DIR"] = tempfile.mkdtemp()
>>> cached_table("demo", "v1", lambda: np.arange(3)).tolist()
[0, 1, 2]
>>> cached_table("demo", "v1", lambda: np.zeros(3)).tolist()  # read back, not rebuilt
[0, 1, 2]
>>> _ = os.environ.pop("AWAL_CACHE_DIR") if before is None else os.environ.update(AWAL_CACHE_DIR=before)
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np


def cache_dir() -> Path | None:
    """The folder cached tables live in, or None when caching is switched off."""
    explicit = os.environ.get("AWAL_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "awal" / "Cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "awal"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "awal"


@lru_cache(maxsize=None)
def source_key(*paths: str) -> str:
    """A hash of files' bytes (rule files, the module that builds a table), with the
    Unicode version of this Python: part of a cache key."""
    digest = hashlib.sha256(unicodedata.unidata_version.encode())
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def cached_table(name: str, key: str, build: Callable[[], np.ndarray]) -> np.ndarray:
    """``build()``, or the array a previous call with the same ``name`` and ``key`` stored."""
    from . import __version__

    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{__version__}\0{name}\0{key}".encode()).hexdigest()[:20]
    path = folder / f"{name}-{digest}.npy"
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        pass  # absent, unreadable or damaged: build it again
    table = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}-", suffix=".tmp", delete=False) as tmp:
            np.save(tmp, table, allow_pickle=False)
        os.replace(tmp.name, path)  # atomic: a reader sees the whole file or none
    except OSError:
        try:
            os.unlink(tmp.name)
        except (OSError, NameError):
            pass
    return table
