"""Fixtures for the credentials core tests."""

from __future__ import annotations

import pytest
from vc_paths import SHARED_VC


@pytest.fixture(autouse=True, scope="session")
def _shared_vectors_present() -> None:
    """The shared vectors must be next to the repository; fail loudly rather than skip."""
    assert SHARED_VC.is_dir(), f"{SHARED_VC} is missing: tests need ../shared/vc"
