#!/usr/bin/env python3
"""The two commands of the README's quick start.

    python3 dev.py serve   create ./.venv, install, migrate, load the demo, serve on :8000
    python3 dev.py test    create ./.venv, install the test tools, run the whole suite

Needs only Python 3.11+, git and the package registries. Everything else (database, tasks,
cache) runs embedded: SQLite, Celery tasks in-process, local-memory cache.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
MIN_PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str, env: dict | None = None) -> None:
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, **(env or {})})


def reexec_with_newer_python() -> None:
    """Restart under a Python >= 3.11 found on PATH when started by an older one."""
    for name in ("python3.13", "python3.12", "python3.11"):
        found = shutil.which(name)
        if found:
            os.execv(found, [found, __file__, *sys.argv[1:]])  # noqa: S606 (no shell involved)
    sys.exit(f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is required.")


def ensure_venv(extra: str | None) -> None:
    if not PY.exists():
        say("Creating ./.venv")
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / ".installed"
    installed = stamp.read_text().split() if stamp.exists() else []
    if digest in installed:
        return
    say(f"Installing the project ({spec}) into ./.venv")
    run(str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec)
    stamp.write_text("\n".join([*installed, digest]))


def compile_messages() -> None:
    run(str(PY), "-m", "lms.i18n_build")


def serve(argv: list[str]) -> None:
    ensure_venv(None)
    compile_messages()
    env = {"DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    (ROOT / "var").mkdir(exist_ok=True)
    say("Migrating the SQLite database in ./var")
    run(str(PY), "manage.py", "migrate", "--no-input", "-v", "0", env=env)
    say("Loading the demo content")
    run(str(PY), "manage.py", "load_demo", env=env)
    address = argv[0] if argv else "127.0.0.1:8000"
    say(f"Serving on http://{address}/  (admin: http://{address}/admin/, Ctrl+C to stop)")
    run(str(PY), "manage.py", "runserver", address, env=env)


def missing_tools() -> list[str]:
    notices = []
    if not Path("/usr/bin/chromium").exists():
        notices.append("browser tests: Debian's chromium is missing (apt-get install chromium)")
    if not shutil.which("configurable-http-proxy"):
        notices.append(
            "JupyterHub tests: configurable-http-proxy is missing "
            "(npm install -g configurable-http-proxy)"
        )
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        notices.append("service tier: DATABASE_URL and REDIS_URL are not both set")
    return notices


def test(argv: list[str]) -> None:
    ensure_venv("test")
    compile_messages()
    for notice in missing_tools():
        say(f"NOTICE: skipping {notice}")
    completed = subprocess.run([str(PY), "-m", "pytest", *argv], cwd=ROOT, check=False)
    sys.exit(completed.returncode)


def main() -> None:
    if sys.version_info < MIN_PYTHON:
        reexec_with_newer_python()
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(f"Command failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
