"""Sign-in throttling in Redis: failures per account name and per client address.

Counted for every name tried, existing or not, so a lock says nothing about whether
an account exists. A failure counts for ``LOA_LOGIN_LOCKOUT`` seconds; at
``LOA_LOGIN_MAX_FAILURES`` for a name (or ``…_PER_ADDRESS`` for an address) further
attempts are refused until the oldest failures age out. Success clears the name's count.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from core.settings import Settings

ACCOUNT = "loa:throttle:account:"
ADDRESS = "loa:throttle:address:"


def _name(username: str) -> str:
    folded = unicodedata.normalize("NFC", username).strip().lower()
    return hashlib.sha256(folded.encode()).hexdigest()


class Throttle:
    def __init__(self, redis: Any, settings: Settings) -> None:
        self.redis = redis
        self.window = settings.login_lockout
        self.per_account = settings.login_max_failures
        self.per_address = settings.login_max_failures_per_address

    def _count(self, key: str) -> tuple[int, int]:
        pipe = self.redis.pipeline()
        pipe.get(key)
        pipe.ttl(key)
        raw, ttl = pipe.execute()
        return int(raw or 0), max(int(ttl or 0), 0)

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until an attempt is allowed again; 0 when it is allowed now."""
        waits = []
        count, ttl = self._count(ACCOUNT + _name(username))
        if count >= self.per_account:
            waits.append(ttl or self.window)
        count, ttl = self._count(ADDRESS + address)
        if count >= self.per_address:
            waits.append(ttl or self.window)
        return max(waits, default=0)

    def failed(self, username: str, address: str) -> None:
        pipe = self.redis.pipeline()
        for key in (ACCOUNT + _name(username), ADDRESS + address):
            pipe.incr(key)
            pipe.expire(key, self.window)
        pipe.execute()

    def succeeded(self, username: str) -> None:
        self.redis.delete(ACCOUNT + _name(username))
