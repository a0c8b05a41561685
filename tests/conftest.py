"""Shared fixtures: where the real corpora are, and hypothesis settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles: "awal" (the default, what `make test` and CI run), "smoke" (a few
# examples per property: `make test-pythons` checks that every path runs on each Python,
# the properties themselves are tested by "awal") and "fuzz" (`make fuzz`: 10^5 examples
# per property, or AWAL_FUZZ_EXAMPLES). Choose with HYPOTHESIS_PROFILE=name or pytest's
# --hypothesis-profile=name.
settings.register_profile("awal", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("smoke", settings.get_profile("awal"), max_examples=20)
settings.register_profile(
    "fuzz",
    settings.get_profile("awal"),
    max_examples=int(os.environ.get("AWAL_FUZZ_EXAMPLES", "100000")),
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "awal"))

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis property is an invariant `make fuzz` runs longer (marker ``fuzz``)."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)
