"""The on-disk table cache: read back, rebuilt when damaged, harmless when unwritable or off."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from awal.cache import cache_dir, cached_table


def test_read_back_and_keyed(tmp_path, monkeypatch):
    monkeypatch.setenv("AWAL_CACHE_DIR", str(tmp_path))
    assert cached_table("t", "k1", lambda: np.arange(4)).tolist() == [0, 1, 2, 3]
    assert cached_table("t", "k1", lambda: np.zeros(4)).tolist() == [0, 1, 2, 3]  # from the file
    assert cached_table("t", "k2", lambda: np.ones(2)).tolist() == [1, 1]  # another key: built
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".npy", ".npy"]  # no temporary left


def test_damaged_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("AWAL_CACHE_DIR", str(tmp_path))
    cached_table("t", "k", lambda: np.arange(3))
    (path,) = tmp_path.iterdir()
    path.write_bytes(b"\x93NUMPY garbage")
    assert cached_table("t", "k", lambda: np.arange(5)).tolist() == [0, 1, 2, 3, 4]
    assert np.load(path).tolist() == [0, 1, 2, 3, 4]


def test_unwritable_folder_and_switched_off(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AWAL_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even as root
    assert cached_table("t", "k", lambda: np.arange(2)).tolist() == [0, 1]
    monkeypatch.setenv("AWAL_CACHE_DIR", "")
    assert cache_dir() is None
    assert cached_table("t", "k", lambda: np.arange(2)).tolist() == [0, 1]


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG folders are for Linux and other Unixes")
def test_default_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("AWAL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "awal"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "awal"
