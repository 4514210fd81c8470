"""Per-client request counters in Redis: a fixed window, shared by every process.

The client's address is keyed with the first secret key before it reaches
Redis, so Redis never holds who asked. The window is created together with its
expiry (one MULTI: ``SET NX EX`` then ``INCRBY``), so a crash between the two can
never leave a counter that outlives its window and locks a client out for good.

:func:`hit` asks Redis on every request (rare, costly actions: sign-in, feedback).
:class:`SharedLimit` counts in the process and adds its counts to the same Redis
counter in batches, for a read path that answers thousands of requests a second.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from core.context import Context
from core.errors import TooManyRequests

#: Most requests of one client a process counts before it adds them to the shared counter.
MAX_BATCH = 32


def counter_name(ctx: Context, bucket: str, address: str) -> str:
    key = ctx.settings.secret_keys[0].reveal().encode()
    digest = hmac.new(key, f"{bucket}:{address}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"loa:{bucket}:{digest}"


def add(ctx: Context, name: str, n: int, window: int) -> tuple[int, int]:
    """Add ``n`` to the counter ``name`` (its window made if new): the total and seconds left."""
    pipe = ctx.redis.pipeline()
    pipe.set(name, 0, ex=window, nx=True)
    pipe.incrby(name, n)
    pipe.ttl(name)
    _, count, ttl = pipe.execute()
    return int(count), max(int(ttl), 1)


def hit(ctx: Context, bucket: str, address: str, *, limit: int, window: int, message: str) -> None:
    """Count one request of ``address`` in ``bucket``; :class:`TooManyRequests` past ``limit``."""
    count, ttl = add(ctx, counter_name(ctx, bucket, address), 1, window)
    if count > limit:
        raise TooManyRequests(message, ttl)


@dataclass
class Tally:
    """One client's window as this process sees it."""

    ends: float  #: monotonic time the window ends
    synced: float  #: monotonic time of the last exchange with Redis
    seen: int = 0  #: the shared count as Redis last answered (every process's sent counts)
    unsent: int = 0  #: requests admitted here and not yet added to Redis
    sending: bool = False


@dataclass(frozen=True)
class Batch:
    """Requests of one client counted here, on their way to Redis."""

    address: str
    n: int
    tally: Tally


class SharedLimit:
    """``limit`` requests per ``window`` seconds per client, counted here, shared in batches.

    A request is admitted while the shared count last read plus this process's unsent
    count stays within ``limit``; the unsent count goes to Redis (one ``INCRBY``, which
    also reads the total back) once it reaches ``batch`` or a second has passed, so the
    event loop meets Redis (through a thread) once per batch, not once per request.

    The bound: with one process the count is exact. With N processes, each holds fewer
    than ``batch`` unsent requests of a client and re-reads the total at least every
    ``batch`` requests or second, so a client gets at most about ``limit + N × batch``
    requests in a window (600 a minute, batch 18, 2 web workers: at most ~636), and once
    over, every process refuses it after its next exchange. ``batch`` is ``limit / 32``
    (at most :data:`MAX_BATCH`); a limit under 64 is counted in Redis on every request,
    and exact however many processes share it.
    """

    def __init__(
        self,
        ctx: Context,
        bucket: str,
        *,
        limit: int,
        window: int,
        message: str,
        batch: int | None = None,
        max_age: float = 1.0,
        max_clients: int = 65536,
    ) -> None:
        self.ctx, self.bucket = ctx, bucket
        self.limit, self.window, self.message = limit, window, message
        self.batch = batch or max(1, min(MAX_BATCH, limit // 32))
        self.max_age = max_age
        #: Clients seen in their current window; past this many, the oldest are forgotten.
        self.max_clients = max_clients
        self._tallies: dict[str, Tally] = {}

    def count(self, address: str) -> Batch | None:
        """Admit a request (else :class:`TooManyRequests`); the :class:`Batch` to send now, if due.

        Runs on the event loop: no I/O, no lock (one thread touches the tallies).
        """
        now = time.monotonic()
        tally = self._tallies.get(address)
        if tally is None or tally.ends <= now:
            tally = self._start(address, now)
        if tally.seen + tally.unsent >= self.limit:
            raise TooManyRequests(self.message, max(int(tally.ends - now), 1))
        tally.unsent += 1
        if tally.sending or (tally.unsent < self.batch and now - tally.synced < self.max_age):
            return None
        tally.sending = True
        return Batch(address, tally.unsent, tally)

    def send(self, batch: Batch) -> tuple[int, int]:
        """Add ``batch`` to the client's Redis counter (blocking: call it in a thread)."""
        name = counter_name(self.ctx, self.bucket, batch.address)
        return add(self.ctx, name, batch.n, self.window)

    def sent(self, batch: Batch, answer: tuple[int, int] | None) -> None:
        """Record Redis's ``(total, seconds left)`` for ``batch``; None: Redis failed.

        :class:`TooManyRequests` when the total is past the limit: the request that sent
        is refused, so a limit counted on every request (batch 1) is exact. Redis down,
        the client's counts are dropped: reads stay up, as with :func:`hit`.
        """
        tally = batch.tally
        if self._tallies.get(batch.address) is not tally:  # forgotten, or a new window began
            return
        now = time.monotonic()
        tally.sending, tally.synced = False, now
        if answer is None:
            tally.seen = tally.unsent = 0
            return
        total, ttl = answer
        tally.seen, tally.unsent, tally.ends = total, max(tally.unsent - batch.n, 0), now + ttl
        if total > self.limit:  # the request that sent is the one too many
            raise TooManyRequests(self.message, ttl)

    def _start(self, address: str, now: float) -> Tally:
        if len(self._tallies) >= self.max_clients:
            for stale in [a for a, t in self._tallies.items() if t.ends <= now]:
                del self._tallies[stale]
            while len(self._tallies) >= self.max_clients:
                del self._tallies[next(iter(self._tallies))]
        self._tallies.pop(address, None)
        tally = self._tallies[address] = Tally(ends=now + self.window, synced=now)
        return tally
