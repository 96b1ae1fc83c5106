"""Helpers for the protocol tests: a bounded asyncio runner."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture
def run_async():
    """Run a coroutine to completion with a hard time limit."""

    def runner(coro, timeout: float = 30.0):
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return runner
