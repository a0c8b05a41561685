"""Shared fixtures: where the real corpora are, and hypothesis settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("awal", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("awal")

REPO = Path(__file__).resolve().parents[1]


def _shared_root() -> Path:
    return Path(os.environ.get("AWAL_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: skipped when absent, unless ``AWAL_REQUIRE_SHARED=1`` makes that a failure."""
    data = _shared_root() / "data"
    if not data.is_dir():
        if os.environ.get("AWAL_REQUIRE_SHARED") == "1":
            pytest.fail(f"AWAL_REQUIRE_SHARED=1 but the shared corpora are missing: {data}")
        pytest.skip(f"shared corpora not found at {data} (set AWAL_SHARED)")
    return data
