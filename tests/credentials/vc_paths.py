"""Paths of the shared published vectors for the credentials core tests.

The vectors live in ``../shared/vc`` relative to the repository root (the parent of
``tests/``); only tests read them, the product never does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_VC = REPO_ROOT.parent / "shared" / "vc"
W3C = SHARED_VC / "vectors" / "w3c-vc-di-eddsa" / "TestVectors"
OB_SPEC = SHARED_VC / "vectors" / "1edtech-ob-spec"
OB_FIXTURES = SHARED_VC / "vectors" / "1edtech-validator-ob30"


def load_json(path: Path) -> Any:
    """Parse a JSON file of the shared vectors."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_text(path: Path) -> str:
    """Read a text vector exactly as published."""
    return path.read_text(encoding="utf-8")
