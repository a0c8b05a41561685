"""Where output goes: a file replaced atomically, or stdout."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from .base import STDIO, UsageError
from .parquet import _parquet
from .workers import Spooled


class Sink:
    """Where rendered chunks go: bytes to a binary file, or record batches to a Parquet writer."""

    def __init__(self, file: BinaryIO, fmt: str, header: bytes = b""):
        self.file, self.fmt, self.writer = file, fmt, None
        if header:
            file.write(header)

    def write(self, rendered: Any) -> None:
        if isinstance(rendered, Spooled):
            rendered.move_to(self.file)
            return
        if self.fmt != "parquet":
            self.file.write(rendered)
            return
        if self.writer is None:
            self.writer = _parquet().ParquetWriter(self.file, rendered.schema)
        self.writer.write_batch(rendered)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.file.flush()



def _unnamed_files_work(directory: Path) -> bool:
    """Whether ``directory`` supports an ``O_TMPFILE`` file that is later given a name (probed once)."""
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except (AttributeError, OSError):
        return False
    probe = tempfile.mktemp(dir=directory, prefix=".awal-probe-")
    try:
        os.link(f"/proc/self/fd/{fd}", probe, follow_symlinks=True)
        os.unlink(probe)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


_STARTED = time.time()  # about when this process started: temporary files older than this are not ours


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove hidden temporary files of ``target`` (``.NAME.XXXXXXXX.awal-tmp``, the pattern of
    :func:`atomic_output`) last written before this process started: what a run killed with
    SIGKILL leaves behind where ``O_TMPFILE`` is not available. Returns the removed paths."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}" + re.escape(".awal-tmp"))
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        if not pattern.fullmatch(name):
            continue
        path = target.parent / name
        try:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < _STARTED:
                path.unlink()
                removed.append(path)
        except OSError:
            pass  # gone already, or not ours to remove
    return removed


@contextmanager
def atomic_output(path: str) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only if the block finishes without an exception.

    ``"-"`` is stdout. Otherwise the data goes to an unnamed file in the same
    directory (Linux ``O_TMPFILE``: even ``kill -9`` leaves nothing behind) or,
    where that is not available, a hidden temporary file ``.NAME.XXXXXXXX.awal-tmp``
    that is removed on failure; on success it is linked or renamed over ``path`` in
    one step. Only ``kill -9`` on such a filesystem can leave that hidden file behind
    (nothing can run at SIGKILL); the next run writing ``path`` removes it
    (:func:`remove_stale_temporaries`).
    """
    if path == STDIO:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path).absolute()
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {path}: directory {target.parent} does not exist")
    remove_stale_temporaries(target)
    umask = os.umask(0)
    os.umask(umask)
    temp: str | None = None
    if _unnamed_files_work(target.parent):
        fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o666 & ~umask)
    else:  # no O_TMPFILE (macOS, Windows) or no linking it (overlayfs): a hidden named file
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".awal-tmp")
        os.chmod(temp, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as file:
            yield file
            file.flush()
            if temp is None:
                temp = tempfile.mktemp(dir=target.parent, prefix=f".{target.name}.", suffix=".awal-tmp")
                os.link(f"/proc/self/fd/{fd}", temp, follow_symlinks=True)
            os.replace(temp, target)
            temp = None
    finally:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)

