"""Fixtures for the credentials core tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
# The helper modules next to this file (vc_paths, vc_factories) must import under any pytest
# import mode, including importlib mode, which does not put test folders on sys.path.
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

SHARED_VC = _HERE.parents[1].parent / "shared" / "vc"


@pytest.fixture(autouse=True, scope="session")
def _shared_vectors_present() -> None:
    """The shared vectors must be next to the repository; fail loudly rather than skip."""
    assert SHARED_VC.is_dir(), f"{SHARED_VC} is missing: tests need ../shared/vc"
