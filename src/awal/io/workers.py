"""Worker plumbing: rendered batches handed back from worker processes through spool files."""

from __future__ import annotations

import errno
import io
import os
import tempfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Spooled:
    """Rendered output that a worker process wrote to a file of its own, to be appended to the
    real output by the kernel (``copy_file_range``/``sendfile``) instead of pickled through a pipe."""

    path: str
    nbytes: int

    @classmethod
    def write(cls, data: bytes, directory: str) -> "Spooled":
        handle, path = tempfile.mkstemp(dir=directory)
        with open(handle, "wb") as f:
            f.write(data)
        return cls(path, len(data))

    def move_to(self, file: BinaryIO) -> None:
        """Append the bytes to ``file``, then delete the spool file."""
        try:
            fd = file.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):  # not a real file (e.g. captured stdout)
            with open(self.path, "rb") as src:
                file.write(src.read())
            os.unlink(self.path)
            return
        file.flush()  # what is buffered goes first
        with open(self.path, "rb") as src:
            left = self.nbytes
            for copy in (_copy_file_range, _sendfile, _read_write):
                try:
                    while left:
                        done = copy(src.fileno(), fd, left)  # at the current positions of both
                        if not done:
                            raise OSError(f"{self.path}: shorter than {self.nbytes} bytes")
                        left -= done
                    break
                except OSError as e:
                    if e.errno not in _COPY_UNSUPPORTED:
                        raise
        os.unlink(self.path)


_COPY_UNSUPPORTED = {errno.EINVAL, errno.EXDEV, errno.ENOSYS, errno.EBADF, errno.EOPNOTSUPP}


def _copy_file_range(src: int, dst: int, count: int) -> int:
    if not hasattr(os, "copy_file_range"):
        raise OSError(errno.ENOSYS, "no copy_file_range")
    return os.copy_file_range(src, dst, count)


def _sendfile(src: int, dst: int, count: int) -> int:
    if not hasattr(os, "sendfile"):
        raise OSError(errno.ENOSYS, "no sendfile")
    return os.sendfile(dst, src, None, count)


def _read_write(src: int, dst: int, count: int) -> int:
    data = os.read(src, min(count, 1 << 20))
    view, written = memoryview(data), 0
    while written < len(data):
        written += os.write(dst, view[written:])
    return len(data)

