"""``loa worker``'s threads: many deliveries in flight in one process, each exactly once.

The worker is :class:`core.delivery.worker.ThreadedWorker` (``loa worker --concurrency N``
runs one with N threads; ``loa serve`` embeds one); its outcomes are group-committed by
:mod:`core.delivery.recorder`.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from typing import Any

from sqlalchemy import func, select

from core import audit
from core.actions import content as actions
from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import recorder, sweeper
from core.delivery import worker as workers
from core.delivery.models import Delivery
from tests.core.delivery.test_recovery import burst
from tests.support.pipeline import (
    new_article,
    portal_target,
    sandbox_get,
    sandbox_post,
    wait_for,
)
from tests.support.worker_process import real_redis, start_worker

#: Under the tests' 1 s HTTP timeout.
LATENCY = 0.6


def add_targets(ctx: Any, sandbox: Any, n: int) -> None:
    for i in range(n):
        portal_target(ctx, i, f"{sandbox.url}/sites/s{i}/webhook")


def states(ctx: Any) -> dict[str, int]:
    with ctx.sessions() as session:
        rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {str(s): int(c) for s, c in rows}


def posts(sandbox: Any) -> tuple[int, int]:
    """(posts the receiver stored, duplicates it saw) over every site."""
    sites = sandbox_get(sandbox, "/__fake/stats")["sites"]
    published = sum(s.get("article.published", 0) for s in sites.values())
    return published, sum(s.get("duplicate", 0) for s in sites.values())


def test_one_process_keeps_many_deliveries_in_flight(ctx, tree, sandbox) -> None:
    add_targets(ctx, sandbox, 8)
    sandbox_post(sandbox, "/__fake/latency", {"seconds": LATENCY})
    w = workers.ThreadedWorker(ctx, threads=8, poll=0.05)
    w.start()
    try:
        time.sleep(0.5)
        article = new_article(ctx)
        actions.approve(ctx, SYSTEM, article.id)
        # Several wait on the slow platform at the same moment: one process, many in flight
        # (one after another, at most one would be). Seen in the rows, not by a stopwatch, so
        # a loaded machine cannot fail it.
        wait_for(lambda: states(ctx).get("in_flight", 0) >= 4, timeout=30, what="4 in flight")
        wait_for(lambda: states(ctx) == {"delivered": 8}, timeout=30, what="8 deliveries")
    finally:
        w.stop()
    assert posts(sandbox) == (8, 0)


def test_stop_finishes_the_delivery_in_flight_and_takes_no_more(ctx, tree, sandbox) -> None:
    add_targets(ctx, sandbox, 1)
    sandbox_post(sandbox, "/__fake/latency", {"seconds": LATENCY})
    w = workers.ThreadedWorker(ctx, threads=1, poll=0.05)
    w.start()
    try:
        actions.approve(ctx, SYSTEM, new_article(ctx).id)
        wait_for(lambda: states(ctx).get("in_flight") == 1, timeout=10, what="in flight")
        # Queued behind it: a stop must not start it.
        actions.approve(ctx, SYSTEM, new_article(ctx).id)
    finally:
        w.stop()
    assert states(ctx) == {"delivered": 1, "pending": 1}
    assert posts(sandbox) == (1, 0)


def test_outcomes_landing_together_share_a_commit_and_a_bad_one_fails_alone(ctx) -> None:
    r = recorder.Recorder(ctx)
    gate = threading.Event()
    commits = []

    def slow_first(session):  # holds the recorder while the others queue behind it
        gate.wait(5)
        commits.append(session.connection())
        return "first"

    def entry(n: int):
        def write(session):
            commits.append(session.connection())
            if n == 3:
                raise ValueError("bad outcome")
            audit.record(session, actor="system", action="test.outcome", subject_id=n)
            return n

        return write

    results: dict[int, Any] = {}

    def call(n: int, fn) -> None:
        try:
            results[n] = r.write(fn)
        except ValueError as exc:
            results[n] = exc

    r.start()
    try:
        first = threading.Thread(target=call, args=(0, slow_first))
        first.start()
        time.sleep(0.2)
        others = [threading.Thread(target=call, args=(n, entry(n))) for n in range(1, 6)]
        for t in others:
            t.start()
        time.sleep(0.3)
        gate.set()
        for t in [first, *others]:
            t.join(10)
    finally:
        r.stop()
    assert results[0] == "first"
    assert [results[n] for n in (1, 2, 4, 5)] == [1, 2, 4, 5]
    assert isinstance(results[3], ValueError)
    with ctx.sessions() as session:
        written = session.scalars(
            select(AuditEntry.subject_id)
            .where(AuditEntry.action == "test.outcome")
            .order_by(AuditEntry.id)
        ).all()
        assert sorted(written) == ["1", "2", "4", "5"]
        assert audit.verify(session).ok  # the chain holds across the shared commit
    # The five queued behind the first were tried in one transaction (until the bad one),
    # then written one by one.
    assert commits[1] is commits[2] is commits[3] and commits[0] is not commits[1]
    assert len(commits) == 1 + 3 + 5


def test_recorder_writes_in_the_callers_transaction_without_a_worker(ctx) -> None:
    assert recorder.write(ctx, lambda session: session.scalar(select(func.count(Delivery.id)))) == 0


def test_kill_9_of_a_worker_process_mid_flight_delivers_each_once(ctx, tree, sandbox) -> None:
    redis_url = real_redis(ctx)
    sandbox_post(sandbox, "/__fake/dedupe", {"dedupe": False})  # a repeat would be stored
    add_targets(ctx, sandbox, 4)
    sandbox_post(sandbox, "/__fake/latency", {"seconds": LATENCY})
    proc = start_worker(ctx, redis_url, "--concurrency", "4")
    try:
        actions.approve(ctx, SYSTEM, new_article(ctx).id)
        wait_for(lambda: states(ctx).get("in_flight") == 4, timeout=60, what="4 in flight")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    time.sleep(2)  # the posts the killed worker sent land; none was written down
    assert states(ctx) == {"in_flight": 4}
    # Past the lease the sweeper makes them "unknown"; the next attempt reconciles.
    later = utcnow() + sweeper.lease(ctx) + dt.timedelta(seconds=1)
    assert sweeper.sweep(ctx, now=later)["stuck"] == 4
    sandbox_post(sandbox, "/__fake/latency", {"seconds": 0})
    burst(ctx)
    assert states(ctx) == {"delivered": 4}
    assert posts(sandbox)[0] == 4
