"""A child process forked from this one, run with a deadline: for tests that a fork never inherits a held lock."""

from __future__ import annotations

import os
import threading
import warnings
from typing import Callable

import pytest


def in_forked_child(work: Callable[[], object], seconds: float = 20) -> None:
    """Fork, run ``work`` in the child and leave it at once; fail the test if the child hangs past
    ``seconds`` (it is killed) or does not exit 0. (Python 3.12+ warns that forking a threaded process may
    deadlock the child: that is what the callers test.)"""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    for _ in range(int(seconds * 10)):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        threading.Event().wait(0.1)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    assert os.waitstatus_to_exitcode(status) == 0
