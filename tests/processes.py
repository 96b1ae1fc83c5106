"""Stopping the real processes tests start (Celery workers, JupyterHub)."""

import subprocess


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """Ask ``process`` to end (SIGTERM), kill it if it has not within ``timeout`` s, and reap it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
