"""Where output goes: a file replaced atomically, or stdout."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from .base import STDIO, UsageError
from .parquet import _parquet
from .workers import Spooled


class Sink:
    """Where rendered chunks go: bytes to a binary file, or record batches to a Parquet writer.
    An operating-system error while writing becomes an :class:`OutputFailed` naming ``name``."""

    def __init__(self, file: BinaryIO, fmt: str, header: bytes = b"", name: str = STDIO):
        self.file, self.fmt, self.name = file, fmt, name
        self.writer: Any = None  # a ParquetWriter once the first batch gives the schema
        if header:
            with _failing(self.name):
                file.write(header)

    def write(self, rendered: Any) -> None:
        with _failing(self.name):
            if isinstance(rendered, Spooled):
                rendered.move_to(self.file)
            elif self.fmt != "parquet":
                self.file.write(rendered)
            else:
                if self.writer is None:
                    self.writer = _parquet().ParquetWriter(self.file, rendered.schema)
                self.writer.write_batch(rendered)

    def close(self) -> None:
        with _failing(self.name):
            if self.writer is not None:
                self.writer.close()
            self.file.flush()

    def discard(self) -> None:
        """After a failed run (its output is thrown away): close the Parquet writer while its file is open,
        so that it never tries to, from the garbage collector, once the file is closed ("Exception ignored")."""
        if self.writer is not None:
            with suppress(Exception):
                self.writer.close()
            self.writer = None


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
    removed: list[Path] = []
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


class OutputFailed(OSError):
    """The system refused to write the output (permission, read-only filesystem, disk full, file too large...)."""

    __module__ = "awal.io"

    @classmethod
    def of(cls, name: str, error: OSError) -> "OutputFailed":
        where = "stdout" if name == STDIO else name
        reason = "it is not open (closed with >&-?)" if error.errno == errno.EBADF else error.strerror or error
        return cls(error.errno, f"cannot write {where}: {reason}")

    def __str__(self) -> str:
        return str(self.strerror)


_INHERITED = re.compile(r"/dev/fd/(\d+)|/proc/self/fd/(\d+)|/dev/(stdout|stderr)")


def inherited_descriptor(path: str) -> int | None:
    """The file descriptor a path names when it is one this process already holds open
    (``/dev/stdout``, ``/dev/fd/N`` from a shell's process substitution ``>(...)``), else None.

    A pure look at the name: nothing is opened.

    >>> [inherited_descriptor(p) for p in ("/dev/fd/63", "/proc/self/fd/4", "/dev/stdout", "/dev/stderr")]
    [63, 4, 1, 2]
    >>> [inherited_descriptor(p) for p in ("out/fd/3", "dev/fd/3", "/dev/fd/x")]
    [None, None, None]
    """
    match = _INHERITED.fullmatch(path)
    if match is None:
        return None
    number, proc, std = match.groups()
    return int(number or proc) if std is None else (1 if std == "stdout" else 2)


@contextmanager
def open_output(path: str) -> Iterator[BinaryIO]:
    """A binary file to write the output of a run to, chosen by what ``path`` is:

    - ``"-"``: Python's ``sys.stdout``; ``/dev/stdout``, ``/dev/fd/N`` (process substitution): the
      descriptor this process already holds; both written as a stream;
    - an existing FIFO or device: opened and written as a stream (no temporary file can stand in
      for it, so a failed run may leave part of its output there, as in any pipe; a socket cannot
      be opened: an :class:`OutputFailed`);
    - a directory: refused (:class:`UsageError`) before any work;
    - anything else (a regular file, a name not yet taken, a symbolic link, which is followed to
      its target): replaced atomically by :func:`atomic_output`, keeping an existing file's mode;
      a file without any write permission (``chmod a-w``) is refused, for root as for anyone.

    Every refusal of the system becomes an :class:`OutputFailed` naming ``path``.
    """
    descriptor = inherited_descriptor(path)
    with ExitStack() as stack:
        try:
            if path == STDIO:
                file = _stdout()
            elif descriptor is not None:
                file = stack.enter_context(_closing(_reopen(descriptor)))
            else:
                try:
                    info: os.stat_result | None = os.stat(path)  # follows symbolic links
                except FileNotFoundError:
                    info = None  # (or a link to nothing yet: its target is created)
                if info is not None and stat.S_ISDIR(info.st_mode):
                    raise UsageError(f"cannot write {path}: it is a directory (give a file name)")
                if info is None or stat.S_ISREG(info.st_mode):
                    file = stack.enter_context(atomic_output(path))
                else:  # a FIFO, a device: written as it comes
                    file = stack.enter_context(_closing(open(path, "wb")))
        except OSError as e:
            raise OutputFailed.of(path, e) from None
        yield file
        with _failing(path):
            file.flush()


@contextmanager
def _closing(file: BinaryIO) -> Iterator[BinaryIO]:
    """Close ``file`` at the end of the block; after a failure, without a second error from
    flushing what is still buffered (the disk is full: the first error is the one to report)."""
    try:
        yield file
    except BaseException:
        with suppress(OSError):
            file.close()
        raise
    file.close()


@contextmanager
def _failing(name: str) -> Iterator[None]:
    """Turn an operating-system error of the block into an :class:`OutputFailed` naming ``name``."""
    try:
        yield
    except (BrokenPipeError, OutputFailed):
        raise
    except OSError as e:
        raise OutputFailed.of(name, e) from None


def _stdout() -> BinaryIO:
    """``sys.stdout``'s binary buffer (wherever Python's stdout points), not closed after the run."""
    if sys.stdout is None:  # closed when Python started (``>&-``): another file may hold descriptor 1 now
        raise OSError(errno.EBADF, "not open")
    return sys.stdout.buffer


def _reopen(descriptor: int) -> BinaryIO:
    """A binary file on a duplicate of an open ``descriptor`` (its position and append mode shared)."""
    standard = {1: sys.stdout, 2: sys.stderr}
    if descriptor in standard:
        if standard[descriptor] is None:  # closed when Python started (``>&-``): another file may hold the number now
            raise OSError(errno.EBADF, "not open")
        standard[descriptor].flush()
    return os.fdopen(os.dup(descriptor), "wb")  # EBADF: not open


def _writable(path: Path, info: os.stat_result) -> None:
    """Refuse to replace a file nobody may write (mode ``a-w``: protection a root run would ignore)."""
    if not info.st_mode & 0o222:
        raise PermissionError(errno.EACCES, f"Permission denied (the file is read-only, mode {stat.S_IMODE(info.st_mode):04o}; awal does not replace it)")
    if not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied")


def replaceable(path: str) -> tuple[Path, os.stat_result | None]:
    """Where a file written to ``path`` by replacing it goes (a symbolic link followed to its
    target) and what is there now (None: nothing). Refuses, before any work, a directory, a missing
    directory, something that is not a regular file (:class:`UsageError`) and a file nobody may
    write (:class:`OutputFailed`).

    >>> replaceable("/nonexistent-dir/x.json")
    Traceback (most recent call last):
    awal.io.UsageError: cannot write /nonexistent-dir/x.json: directory /nonexistent-dir does not exist
    """
    if not path:
        raise UsageError("cannot write an empty path: give a file name")
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise OutputFailed.of(path, e) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write {path}: it is a directory (give a file name)")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UsageError(f"cannot write {path}: it is not a regular file, and this output is made of files")
    if not target.parent.is_dir():
        link = f" (it is a link to {target})" if os.path.islink(path) else ""
        raise UsageError(f"cannot write {path}{link}: directory {target.parent} does not exist")
    if info is not None:
        try:
            _writable(target, info)
        except OSError as e:
            raise OutputFailed.of(path, e) from None
    return target, info


@contextmanager
def atomic_output(path: str) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only if the block finishes without an exception.

    What is refused is refused first (:func:`replaceable`). A symbolic link is followed: its target is
    replaced, the link stays; the new file keeps the mode and owner of the one it replaces. The data goes to an unnamed
    file in the same directory (Linux ``O_TMPFILE``: even ``kill -9`` leaves nothing behind) or,
    where that is not available, a hidden temporary file ``.NAME.XXXXXXXX.awal-tmp``
    that is removed on failure; on success it is linked or renamed over ``path`` in
    one step. Only ``kill -9`` on such a filesystem can leave that hidden file behind
    (nothing can run at SIGKILL); the next run writing ``path`` removes it
    (:func:`remove_stale_temporaries`).
    """
    target, existing = replaceable(path)
    remove_stale_temporaries(target)
    umask = os.umask(0)
    os.umask(umask)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~umask
    temp: str | None = None
    if _unnamed_files_work(target.parent):
        fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o600)
    else:  # no O_TMPFILE (macOS, Windows) or no linking it (overlayfs): a hidden named file
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".awal-tmp")
    try:
        if existing is not None and (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
            with suppress(PermissionError):  # only root may give a file away
                os.fchown(fd, existing.st_uid, existing.st_gid)
        os.fchmod(fd, mode)
        with _closing(os.fdopen(fd, "wb", buffering=1 << 20)) as file:
            yield file
            with _failing(path):
                file.flush()
                if temp is None:
                    temp = tempfile.mktemp(dir=target.parent, prefix=f".{target.name}.", suffix=".awal-tmp")
                    os.link(f"/proc/self/fd/{fd}", temp, follow_symlinks=True)
                os.replace(temp, target)
                temp = None
    finally:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
