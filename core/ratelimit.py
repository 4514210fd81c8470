"""Per-client request counters in Redis: a fixed window, shared by every process.

The client's address is keyed with the first secret key before it reaches
Redis, so Redis never holds who asked. The window is created together with its
expiry (one MULTI: ``SET NX EX`` then ``INCR``), so a crash between the two can
never leave a counter that outlives its window and locks a client out for good.
"""

from __future__ import annotations

import hashlib
import hmac

from core.context import Context
from core.errors import TooManyRequests


def hit(ctx: Context, bucket: str, address: str, *, limit: int, window: int, message: str) -> None:
    """Count one request of ``address`` in ``bucket``; :class:`TooManyRequests` past ``limit``."""
    key = ctx.settings.secret_keys[0].reveal().encode()
    digest = hmac.new(key, f"{bucket}:{address}".encode(), hashlib.sha256).hexdigest()[:32]
    name = f"loa:{bucket}:{digest}"
    pipe = ctx.redis.pipeline()
    pipe.set(name, 0, ex=window, nx=True)
    pipe.incr(name)
    pipe.ttl(name)
    _, count, ttl = pipe.execute()
    if int(count) > limit:
        raise TooManyRequests(message, max(int(ttl), 1))
