"""Awaiting a channel's coroutine from synchronous code, with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_bounded(call: Coroutine[Any, Any, T], timeout: float) -> T:
    """Await ``call`` on an event loop of its own thread, at most ``timeout`` seconds
    (``TimeoutError`` after that): a synchronous caller may ask a channel without blocking,
    or needing, an event loop of its own. A channel that hangs is left behind, not waited for."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(asyncio.run, call).result(timeout)
    finally:
        pool.shutdown(wait=False)
