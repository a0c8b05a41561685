"""A static check of every module (ruff with pyflakes' rules, configured in pyproject.toml): an undefined
name or a stale import in a branch the tests never reach shows up here, not at a user's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_undefined_names_unused_imports_or_redefinitions():
    pytest.importorskip("ruff", reason="ruff is in the `test` extra (the core suite on other Pythons runs without it)")
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "src", "tests", "benchmarks"],
                         cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
