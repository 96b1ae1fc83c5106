"""Compile every gettext catalogue of the project with Babel (no system gettext needed).

Run as `python -m lms.i18n_build`; the setup script and the test suite call it, so a fresh
machine has compiled .mo files without installing gettext. .mo files are never committed.
"""

import os
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
APPS = ("lms", "courses", "labs", "credentials")


def catalogues(root: Path = ROOT) -> list[Path]:
    """Every django.po / djangojs.po below the apps' locale folders."""
    found: list[Path] = []
    for app in APPS:
        found.extend(sorted((root / app).glob("**/locale/*/LC_MESSAGES/*.po")))
    return found


def compile_catalogues(root: Path = ROOT, *, force: bool = False) -> int:
    """Write the .mo beside each .po that is newer than its .mo; returns how many were written."""
    written = 0
    for po_path in catalogues(root):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, abort_invalid=True)
        # Write beside it and rename: a process reading catalogues meanwhile (a running test
        # suite or server) sees the old file or the new one, never half of one.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(partial, mo_path)
        written += 1
    return written


if __name__ == "__main__":
    count = compile_catalogues(force="--force" in sys.argv)
    sys.stdout.write(f"Compiled {count} message catalogue(s).\n")
