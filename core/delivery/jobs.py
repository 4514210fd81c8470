"""The job entry points: what an rq worker runs, by these names only.

Jobs in Redis name these functions (``core.delivery.jobs.run_delivery`` …), so they stay in
this module; :data:`core.delivery.queue.JOB_FUNCTIONS` lists them and workers refuse any other.
Each takes ids, never objects. Work that belongs above delivery (expiry, scheduled
publication, comment reads) is asked through the wired :mod:`core.delivery.upcalls`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from core.context import Context, build_context
from core.delivery import dispatcher, sweeper, upcalls
from core.settings import load_settings

_context: Context | None = None
_loops = threading.local()
T = TypeVar("T")


def set_worker_context(ctx: Context | None) -> None:
    """Workers build one context at start; jobs use it."""
    global _context
    _context = ctx


def worker_context() -> Context:
    global _context
    if _context is None:
        _context = build_context(load_settings())
        upcalls.current().observe(_context)
    return _context


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on this thread's own event loop, kept from one job to the next.

    ``asyncio.run`` would build and tear down a loop (and its default executor) for every
    delivery; a loop that saw an exception (a job timeout lands anywhere) is replaced.
    """
    runner: asyncio.Runner | None = getattr(_loops, "runner", None)
    if runner is None:
        runner = _loops.runner = asyncio.Runner()
    try:
        return runner.run(coro)
    except BaseException:
        _loops.runner = None
        runner.close()
        raise


def run_delivery(delivery_id: int, attempt: int) -> str:
    return run_async(dispatcher.run(worker_context(), delivery_id, attempt)).value


def run_expiry(article_id: int) -> bool:
    return upcalls.current().expire(worker_context(), article_id)


def run_publish(article_id: int) -> bool:
    return upcalls.current().publish_due(worker_context(), article_id)


def run_interactions(target_id: int) -> dict[str, int]:
    return upcalls.current().read_target(worker_context(), target_id)


def run_reply(reply_id: int, attempt: int) -> str:
    return upcalls.current().send_reply(worker_context(), reply_id, attempt)


def run_notice(event: str, subject_id: int) -> int:
    return upcalls.current().send_notices(worker_context(), event, subject_id)


def run_fanout(article_id: int) -> int:
    return sweeper.enqueue_due(worker_context(), article_id=article_id)


def run_sweep() -> dict[str, int]:
    return sweeper.sweep(worker_context())
