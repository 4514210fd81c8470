"""Sign-in throttling in Redis: lock the source, slow the account, never lock out its owner.

Guessing wrong for a named account every 15 minutes used to keep that account locked
for its real owner (issue 8). Failures are now counted three ways, each for
``LOA_LOGIN_LOCKOUT`` seconds after the last one:

* per client address, whatever the name: at ``LOA_LOGIN_MAX_FAILURES_PER_ADDRESS``
  that address may not try any account;
* per (account name, address): at ``LOA_LOGIN_MAX_FAILURES`` that address may not try
  that account. This is the lock: it stops the source that guessed, not the account;
* per account name, from every address: from :data:`SLOW_AFTER` × ``LOA_LOGIN_MAX_FAILURES``
  failures on, each further failure makes every *unknown* address wait a doubling delay
  (:data:`FIRST_DELAY` s, then twice that, at most ``LOA_LOGIN_LOCKOUT``) before its
  next try: an attacker spreading guesses over many addresses gets a few an hour.

An address where the account completed sign-in (both factors) within
:data:`KNOWN_FOR` is known for that account and never waits for the account-wide delay:
an attacker elsewhere cannot keep the owner out at their usual place, whatever they do.
From a new place the owner waits at most ``LOA_LOGIN_LOCKOUT`` while an attack goes on.

Counted for every name tried, existing or not, so a lock says nothing about whether an
account exists. Names and addresses are hashed in keys.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from core.settings import Settings

ADDRESS = "loa:throttle:address:"
PAIR = "loa:throttle:pair:"
ACCOUNT = "loa:throttle:account:"
DELAY = "loa:throttle:delay:"
KNOWN = "loa:throttle:known:"
#: Account-wide failures (as a multiple of LOA_LOGIN_MAX_FAILURES) before unknown sources wait.
SLOW_AFTER = 2
FIRST_DELAY = 60
KNOWN_FOR = 60 * 60 * 24 * 30


def _name(username: str) -> str:
    folded = unicodedata.normalize("NFC", username).strip().lower()
    return hashlib.sha256(folded.encode()).hexdigest()


def _pair(username: str, address: str) -> str:
    return hashlib.sha256(f"{_name(username)}\x00{address}".encode()).hexdigest()


class Throttle:
    def __init__(self, redis: Any, settings: Settings) -> None:
        self.redis = redis
        self.window = settings.login_lockout
        self.per_account = settings.login_max_failures
        self.per_address = settings.login_max_failures_per_address
        self.slow_after = SLOW_AFTER * settings.login_max_failures

    def _count(self, key: str) -> tuple[int, int]:
        pipe = self.redis.pipeline()
        pipe.get(key)
        pipe.ttl(key)
        raw, ttl = pipe.execute()
        return int(raw or 0), max(int(ttl or 0), 0)

    def known(self, username: str, address: str) -> bool:
        return bool(self.redis.exists(KNOWN + _pair(username, address)))

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until an attempt is allowed again; 0 when it is allowed now."""
        waits = []
        count, ttl = self._count(ADDRESS + address)
        if count >= self.per_address:
            waits.append(ttl or self.window)
        count, ttl = self._count(PAIR + _pair(username, address))
        if count >= self.per_account:
            waits.append(ttl or self.window)
        if not self.known(username, address):
            delay = int(self.redis.ttl(DELAY + _name(username)) or 0)
            if delay > 0:
                waits.append(delay)
        return max(waits, default=0)

    def failed(self, username: str, address: str) -> None:
        pipe = self.redis.pipeline()
        for key in (ADDRESS + address, PAIR + _pair(username, address), ACCOUNT + _name(username)):
            pipe.incr(key)
            pipe.expire(key, self.window)
        *_, account_failures, _ = pipe.execute()
        beyond = int(account_failures) - self.slow_after
        if beyond >= 0:
            delay = min(self.window, FIRST_DELAY * 2 ** min(beyond, 16))
            self.redis.set(DELAY + _name(username), 1, ex=delay)

    def succeeded(self, username: str, address: str) -> None:
        """Both factors given here: clear this source's count and know it for a while."""
        pipe = self.redis.pipeline()
        pipe.delete(PAIR + _pair(username, address))
        pipe.set(KNOWN + _pair(username, address), 1, ex=KNOWN_FOR)
        pipe.execute()
