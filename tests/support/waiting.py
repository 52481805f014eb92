"""Waiting on a condition, never on the clock: a test polls for what it needs (a log line, a
process gone, a file written) and fails, saying what it waited for, only after a generous
timeout. Green on a slow machine and a fast one alike."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T], *, timeout: float = 30.0, what: str = "the condition"
) -> T:
    """Poll `condition` until it returns something truthy, and return that; an AssertionError
    naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (outcome := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)
    return outcome
