"""The credentials core stays pure: no Django, no project apps, no network, no env reads."""

from __future__ import annotations

import ast
from pathlib import Path

import credentials.vc

CORE = Path(credentials.vc.__file__).parent
ALLOWED = {
    "__future__", "base64", "binascii", "collections", "contextlib", "copy", "dataclasses", "datetime",
    "enum", "functools", "gzip", "hashlib", "hmac", "io", "json", "os", "pathlib", "re",
    "secrets", "struct", "threading", "types", "typing", "urllib", "uuid", "zlib",
    "base58", "cachetools", "cryptography", "fastjsonschema", "jsonschema", "PIL", "pyld",
    "referencing", "rfc8785", "orjson",
}  # fmt: skip


def _imports(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def test_core_imports_only_the_standard_library_and_its_dependencies() -> None:
    """No module under credentials/vc imports Django, another app, or a network client."""
    bad = [
        f"{path.name}:{line} {name}"
        for path in CORE.glob("*.py")
        for name, line in _imports(path)
        if name.split(".")[0] not in ALLOWED
    ]
    assert not bad


def test_core_never_reads_the_environment_or_opens_sockets() -> None:
    """Secrets and fetchers are parameters: no os.environ/getenv, urlopen or sockets."""
    for path in CORE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("os.environ", "getenv", "urlopen", "socket", "requests", "httpx"):
            assert needle not in text, f"{path.name} uses {needle}"


def test_core_does_not_read_the_shared_vectors() -> None:
    """The product never reads ../shared at run time (only tests do)."""
    for path in CORE.rglob("*.py"):
        assert "shared/vc" not in path.read_text(encoding="utf-8"), path.name
