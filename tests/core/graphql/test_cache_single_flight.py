"""A response-cache miss asked by many at once is computed once (no stampede on expiry)."""

from __future__ import annotations

import asyncio

import httpx

from core.graphql import app as graphql_app
from core.graphql import public_app
from core.graphql.cache import ResponseCache

QUERY = {"query": "{ categories { slug } }"}


def test_concurrent_misses_share_one_answer(ctx, monkeypatch) -> None:
    runs: list[int] = []
    answer = graphql_app.LoaView.answer

    async def counted(self, request, actor):
        runs.append(1)
        await asyncio.sleep(0.05)  # still computing when the others arrive
        return await answer(self, request, actor)

    monkeypatch.setattr(graphql_app.LoaView, "answer", counted)

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=public_app(ctx))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await asyncio.gather(*(client.post("/", json=QUERY) for _ in range(8)))

    answers = asyncio.run(many())
    assert len(runs) == 1
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert "categories" in answers[0].json()["data"]


def test_a_change_during_the_computation_is_not_shared() -> None:
    cache = ResponseCache()

    async def scenario() -> tuple[bytes | None, bytes | None]:
        with cache.computing(b"k") as flight:
            waiter = asyncio.create_task(cache.joined(b"k"))
            await asyncio.sleep(0)
            cache.bump()  # content changed while the answer was computed
            flight.share(b"old")
            cache.put(b"k", flight.generation, b"old")
        return await waiter, cache.get(b"k")

    shared, stored = asyncio.run(scenario())
    assert shared is None and stored is None  # the waiter computes its own, nothing cached


def test_an_uncacheable_answer_is_not_shared() -> None:
    cache = ResponseCache()

    async def scenario() -> bytes | None:
        with cache.computing(b"k"):
            waiter = asyncio.create_task(cache.joined(b"k"))
            await asyncio.sleep(0)  # the leader ends without share(): an error, a 400
        return await waiter

    assert asyncio.run(scenario()) is None
    assert asyncio.run(cache.joined(b"k")) is None  # nothing in flight any more
