"""An idle embedded worker blocks until a job comes instead of polling (issue 19)."""

from __future__ import annotations

import threading
import time
from typing import Any

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.delivery import worker as workers
from tests.core.delivery.test_pipeline import delivered
from tests.support.pipeline import new_article, wait_for


class RoundTrips:
    """Counts the requests sent to Redis (a pipeline is one) by the worker's threads."""

    def __init__(self, monkeypatch: Any, ctx: Any) -> None:
        self.count = 0
        self.lock = threading.Lock()
        cls = ctx.redis.connection_pool.connection_class
        original = cls.send_packed_command

        def counting(conn: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name.startswith("loa-"):
                with self.lock:
                    self.count += 1
            return original(conn, *args, **kwargs)

        monkeypatch.setattr(cls, "send_packed_command", counting)


def test_an_idle_embedded_worker_barely_talks_to_redis(ctx, monkeypatch):
    trips = RoundTrips(monkeypatch, ctx)
    w = workers.EmbeddedWorker(ctx, threads=4)
    w.start()
    try:
        time.sleep(1)  # warm-up: registration, the first sweep
        before = trips.count
        time.sleep(3)
        idle = trips.count - before
    finally:
        w.stop()
    # Blocking, each thread wakes about once a second (its blocking wait times out), the
    # scheduler once a second: ~40 round trips in 3 s. Restarting burst mode every
    # 0.1 s made thousands.
    assert idle < 150, idle


def test_an_idle_worker_still_picks_up_a_delivery_at_once(ctx, portal_target, sandbox):
    w = workers.EmbeddedWorker(ctx, threads=2)
    w.start()
    try:
        time.sleep(1.5)  # every thread is blocked in its dequeue
        article = new_article(ctx)
        started = time.monotonic()
        actions.approve(ctx, SYSTEM, article.id)
        wait_for(delivered(ctx), timeout=10, what="delivery")
        # The blocking wait returns on the push: no wait for a poll interval or a timeout.
        assert time.monotonic() - started < 0.9
    finally:
        stopping = time.monotonic()
        w.stop()
    assert time.monotonic() - stopping < 2.5
