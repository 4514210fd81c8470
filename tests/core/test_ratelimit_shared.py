"""The batched per-client limit of the public read path (:class:`core.ratelimit.SharedLimit`).

Several web processes share one Redis counter per client; each counts in memory and sends
its counts in batches. These tests drive two limiters on one Redis, as two web workers,
and hold them to the documented bound.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from core.errors import TooManyRequests
from core.ratelimit import SharedLimit, counter_name


def limiter(ctx, limit: int, **kw) -> SharedLimit:
    return SharedLimit(ctx, "test", limit=limit, window=60, message="slow down", **kw)


def ask(limit: SharedLimit, address: str) -> bool:
    """One request through ``limit`` as the view does it (the send made inline): admitted?"""
    try:
        batch = limit.count(address)
        if batch is not None:
            limit.sent(batch, limit.send(batch))
    except TooManyRequests:
        return False
    return True


def test_one_process_is_exact(ctx) -> None:
    one = limiter(ctx, 100)
    assert one.batch == 3
    assert sum(ask(one, "203.0.113.1") for _ in range(150)) == 100
    with pytest.raises(TooManyRequests) as refused:
        one.count("203.0.113.1")
    assert 0 < refused.value.retry_after <= 60
    assert ask(one, "203.0.113.2")  # another client is not held


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_processes_stay_within_the_bound(ctx, seed: int) -> None:
    limit = 600
    a, b = limiter(ctx, limit), limiter(ctx, limit)
    rng = random.Random(seed)
    admitted = sum(ask(rng.choice((a, b)), "203.0.113.9") for _ in range(2000))
    assert limit <= admitted <= limit + 2 * a.batch  # the documented bound for N = 2
    # Over the limit, both refuse (after their next exchange with Redis at the latest).
    for side in (a, b):
        for _ in range(side.batch):
            ask(side, "203.0.113.9")
        assert not ask(side, "203.0.113.9")


def test_small_limits_are_counted_in_redis_every_time(ctx) -> None:
    a, b = limiter(ctx, 5), limiter(ctx, 5)
    assert a.batch == 1
    assert [ask(p, "198.51.100.4") for p in (a, b, a, b, a, b, a)] == [True] * 5 + [False] * 2


def test_counts_reach_redis_within_a_second(ctx, monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("core.ratelimit.time.monotonic", lambda: clock[0])
    a = limiter(ctx, 600)
    for _ in range(5):  # under a batch: kept in the process
        assert ask(a, "192.0.2.7")
    clock[0] += 1.5
    assert ask(a, "192.0.2.7")  # a second later the next request sends all six
    assert int(ctx.redis.get(counter_name(ctx, "test", "192.0.2.7"))) == 6


def test_redis_down_serves_and_forgets(ctx) -> None:
    one = limiter(ctx, 2)
    for _ in range(5):
        batch = one.count("192.0.2.8")
        assert batch is not None and batch.n == 1
        one.sent(batch, None)  # what the view reports when the send raised


def test_a_window_sent_late_does_not_count_in_the_next(ctx, monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("core.ratelimit.time.monotonic", lambda: clock[0])
    one = limiter(ctx, 2)
    old = one.count("192.0.2.9")  # a send begins…
    clock[0] += 61  # …and the window ends before it returns
    new = one.count("192.0.2.9")
    assert old is not None and new is not None
    one.sent(old, (2, 1))  # the old window's answer: ignored, not a refusal
    one.sent(new, (1, 60))
    assert one._tallies["192.0.2.9"].seen == 1


def test_forgets_the_oldest_clients_past_its_size(ctx) -> None:
    one = limiter(ctx, 600, max_clients=3)
    for n in range(5):
        ask(one, f"10.0.0.{n}")
    assert list(one._tallies) == ["10.0.0.2", "10.0.0.3", "10.0.0.4"]


def test_the_view_hops_to_redis_once_per_batch(ctx, monkeypatch) -> None:
    from core.graphql import app as graphql_app
    from core.graphql.public import public_schema

    view = graphql_app.LoaView(
        public_schema(ctx.settings), ctx, authenticated=False, ide=False, rate_limit=600
    )
    hops: list[int] = []

    async def hop(fn, batch):
        hops.append(batch.n)
        return fn(batch)

    monkeypatch.setattr(graphql_app, "run_in_threadpool", hop)

    async def many() -> None:
        for _ in range(90):
            await view.throttle("203.0.113.50")

    asyncio.run(many())
    assert hops == [view.limiter.batch] * (90 // view.limiter.batch)
