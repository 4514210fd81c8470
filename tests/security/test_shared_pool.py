"""A worker's loop keeps its connections between calls, without widening what may be reached.

The loop's pool (``core.outbound.shared``) serves one allowance: a connection opened where
loopback is allowed must never carry a call made under production's rule, and closing one
client must not close the pool the next call borrows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core import DestinationRefused, outbound_client
from core.outbound import parse_networks
from core.outbound.backend import GuardedBackend

LOOPBACK = parse_networks("127.0.0.1/32")


@pytest.fixture
def inside(serve: Callable[[Any], Any]) -> tuple[str, list[str]]:
    seen: list[str] = []

    async def answer(request: Request) -> JSONResponse:
        seen.append(request.url.path)
        return JSONResponse({"ok": True})

    server = serve(Starlette(routes=[Route("/{path:path}", answer)]))
    return f"http://127.0.0.1:{server.port}", seen


def test_clients_of_one_loop_share_one_guarded_pool_per_allowance() -> None:
    async def pools() -> tuple[Any, Any, Any]:
        a, b = outbound_client(timeout=1), outbound_client(timeout=5)
        wider = outbound_client(timeout=1, allow=LOOPBACK)
        return a._transport.pool, b._transport.pool, wider._transport.pool

    a, b, wider = asyncio.run(pools())
    assert a is b and wider is not a
    assert isinstance(a._pool._network_backend, GuardedBackend)
    assert isinstance(wider._pool._network_backend, GuardedBackend)


def test_a_kept_connection_never_serves_a_narrower_allowance(inside: Any) -> None:
    url, seen = inside

    async def calls() -> None:
        async with outbound_client(timeout=5, allow=LOOPBACK) as http:
            assert (await http.get(f"{url}/allowed")).status_code == 200
        async with outbound_client(timeout=5, allow=LOOPBACK) as http:  # the pool outlived
            assert (await http.get(f"{url}/again")).status_code == 200
        async with outbound_client(timeout=5) as http:
            await http.get(f"{url}/refused")

    with pytest.raises(DestinationRefused):
        asyncio.run(calls())
    assert seen == ["/allowed", "/again"]
