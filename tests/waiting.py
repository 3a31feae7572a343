"""Polling helpers for tests that wait on real background work."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for[T](check: Callable[[], T], *, timeout: float = 60, what: str = "condition") -> T:
    """Call `check` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)
