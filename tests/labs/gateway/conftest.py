"""Helpers for the protocol tests: free loopback ports and a bounded asyncio runner."""

from __future__ import annotations

import asyncio
import socket

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def run_async():
    """Run a coroutine to completion with a hard time limit."""

    def runner(coro, timeout: float = 30.0):
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return runner
