"""A short-lived cache of public responses, dropped whenever content changes.

The public API is read far more than content changes, and most readers ask
the same few queries (a unit's front page). An entry is the exact response
body for the exact request (method, query string, body), keyed by a SHA-256
digest of those (so a key costs 32 bytes however long the request); it is served until
either the content generation moves on (a committed ``article.*`` or
``target.*`` or ``gov.*`` event in this process, or in another process: the context bumps
a counter in Redis that the cache polls every ``shared_poll`` seconds) or
``ttl`` seconds pass. The TTL bounds what events cannot tell us: a viewing
window opening or closing with the clock.

A miss is computed once however many ask for it at the same moment: when an entry
expires under load, every connection asking for it would otherwise run the same query
(a stampede). The first computes (:meth:`ResponseCache.computing`); the others wait for
it (:meth:`ResponseCache.joined`) and take its answer only if it may be cached and the
content generation did not move meanwhile; otherwise each computes its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from core.hookspecs import hookimpl

Key = bytes


def cache_key(method: str, query_string: str, body: bytes) -> Key:
    """One request's key: a digest, so the cache holds no client text, however long."""
    digest = hashlib.sha256(f"{method} {len(query_string)} {query_string} ".encode())
    digest.update(body)
    return digest.digest()


class Flight:
    """One miss being computed; those asking the same meanwhile wait for :meth:`share`."""

    def __init__(self, cache: ResponseCache) -> None:
        self.cache = cache
        #: The content generation the answer is computed under.
        self.generation = cache.generation
        self.body: bytes | None = None
        self.done = asyncio.Event()

    def share(self, body: bytes) -> None:
        """Offer a cacheable answer to the waiters (not if content moved on meanwhile)."""
        if self.generation == self.cache.generation:
            self.body = body


class ResponseCache:
    def __init__(
        self,
        *,
        ttl: float = 2.0,
        max_entries: int = 1024,
        shared: Callable[[], int] | None = None,
        shared_poll: float = 0.25,
    ):
        self.ttl = ttl
        self.max_entries = max_entries
        self.generation = 0
        self._entries: OrderedDict[Key, tuple[int, float, bytes]] = OrderedDict()
        #: Reads the generation other processes bump (a Redis counter); polled, not per request.
        self.shared = shared
        self.shared_poll = shared_poll
        self._shared_seen: int | None = None
        self._shared_checked = 0.0
        self._flights: dict[Key, Flight] = {}

    def _sync_shared(self) -> None:
        now = time.monotonic()
        if self.shared is None or now - self._shared_checked < self.shared_poll:
            return
        self._shared_checked = now
        try:
            seen = self.shared()
        except Exception:  # the queue's Redis being down must not take the read path with it
            self.bump()
            return
        if seen != self._shared_seen:
            self._shared_seen = seen
            self.bump()

    def get(self, key: Key) -> bytes | None:
        self._sync_shared()
        entry = self._entries.get(key)
        if entry is None:
            return None
        generation, expires, body = entry
        if generation != self.generation or expires < time.monotonic():
            self._entries.pop(key, None)
            return None
        return body

    async def joined(self, key: Key) -> bytes | None:
        """The answer of the same request computed right now, once done; None: compute it."""
        flight = self._flights.get(key)
        if flight is None:
            return None
        await flight.done.wait()
        return flight.body if flight.generation == self.generation else None

    @contextmanager
    def computing(self, key: Key) -> Iterator[Flight]:
        """Mark ``key`` as being computed, so others asking for it wait (see :meth:`joined`)."""
        flight = Flight(self)
        mine = self._flights.setdefault(key, flight) is flight
        try:
            yield flight
        finally:
            flight.done.set()
            if mine:
                del self._flights[key]

    def put(self, key: Key, generation: int, body: bytes) -> None:
        """Store ``body`` computed under ``generation``; stale on arrival if content moved on."""
        if generation != self.generation:
            return
        self._entries[key] = (generation, time.monotonic() + self.ttl, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def bump(self) -> None:
        self.generation += 1
        self._entries.clear()


class Invalidator:
    """A plugin-manager observer: any committed content or target change drops the cache."""

    PREFIXES = ("article.", "target.", "category.", "agency.", "unit.", "gov.")

    def __init__(self, cache: ResponseCache) -> None:
        self.cache = cache

    @hookimpl
    def loa_event(self, name: str, payload: dict[str, Any]) -> None:
        if name.startswith(self.PREFIXES):
            self.cache.bump()
