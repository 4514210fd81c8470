"""One guarded connection pool per event loop and allowed networks, lent to every client.

A worker thread keeps its event loop from one delivery to the next; a pool made per call
opened (and resolved, and checked) a new connection for every message to the same receiver,
a sixth of a delivery's CPU (issue 19). The pool lent here keeps its connections open
between calls. Every connection it opens still goes through the guarded backend, and a pool
serves one ``allow`` only, so a connection opened under a wider allowance never carries a
call made under a narrower one. The pool is the loop's (its connections belong to it) and
goes with the loop; a client that borrows it closes its own state only.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Iterable

import httpx

from core.outbound.addresses import Network

_Pools = dict[tuple[Network, ...], httpx.AsyncBaseTransport]
_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pools] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


class Lent(httpx.AsyncBaseTransport):
    """A loop's transport lent to one client: closing the client leaves the pool open."""

    def __init__(self, pool: httpx.AsyncBaseTransport) -> None:
        self.pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.pool.handle_async_request(request)

    async def aclose(self) -> None:
        """The pool is the loop's, not this client's."""


def loop_transport(
    allow: Iterable[Network], make: Callable[[tuple[Network, ...]], httpx.AsyncBaseTransport]
) -> httpx.AsyncBaseTransport | None:
    """The running loop's pool for ``allow`` (made by ``make(allow)``), or None outside a loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    key = tuple(allow)
    with _lock:
        pools = _by_loop.setdefault(loop, {})
        pool = pools.get(key)
        if pool is None:
            pool = pools[key] = make(key)
    return Lent(pool)
