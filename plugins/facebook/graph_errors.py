"""Graph API answers mapped to Loa's typed errors, and the usage headers read to slow down.

Facebook says what went wrong in ``error.code`` and ``error.error_subcode``, mostly with
HTTP 400; rate limits are 4xx with codes 4, 17, 32, 613 and the 800xx family, never 429
(CONTRACT.md §4). Two process-wide memories keep Loa polite:

- :class:`UsageGovernor`: when a usage header passes 90% of a limit (or a rate-limit error
  names the time to regain access), calls for that Page wait until then (``RateLimited``
  before anything is sent), as Mixpost does.
- :class:`DeadTokens`: once Facebook refused a token (190, or a missing permission), every
  later call with that token fails at once with ``AuthError`` for an hour, so a queue of
  deliveries to a Page whose admin changed their password makes one request, not hundreds.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from core import AuthError, OutcomeUnknown, PermanentError, RateLimited, TransientError

#: Pages Business Use Case rate limits (Mixpost's list, from Meta's rate-limiting doc).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, *range(80000, 80015)})
#: Subcodes that say "slow down" or "try later" whatever their code.
SLOW_SUBCODES = frozenset({1390008})
TRANSIENT_SUBCODES = frozenset({1363047, 1609010, 2207051})
#: 190 and its subcodes: the token is dead; 102 session; 10 and 200–299 permissions.
AUTH_CODES = frozenset({102, 190, 10, *range(200, 300)})
AUTH_SUBCODES = frozenset({458, 459, 460, 463, 464, 467, 492, 1404078})
#: 368: temporarily blocked from posting. Transient (CONTRACT.md), but never hammered.
BLOCKED_CODE = 368
BLOCKED_RETRY = 3600.0
DUPLICATE_CODE = 506
DEFAULT_RETRY = 300.0
SLOW_DOWN_AT = 90
DEAD_FOR = 3600.0


class Gone(PermanentError):
    """The object does not exist (any more): ``#100/33``. A retract finds its work done."""


def envelope(body: Any) -> dict[str, Any] | None:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def describe(status: int, error: dict[str, Any], token: str) -> str:
    """``Facebook 400 (#190/460 OAuthException): message`` with the token cut out."""
    code, sub = error.get("code"), error.get("error_subcode")
    said = str(error.get("message", ""))[:300]
    if token:
        said = said.replace(token, "[redacted]")
    where = f"#{code}" + (f"/{sub}" if sub is not None else "")
    return f"Facebook {status} ({where} {error.get('type', '')}): {said}".strip()


def classify(
    status: int, error: dict[str, Any] | None, token: str, regain: float | None
) -> Exception:
    """The typed error for a refused call (``regain``: seconds the usage header names)."""
    if error is None:
        if status >= 500:
            return TransientError(f"Facebook answered {status}")
        return PermanentError(f"Facebook answered {status} without an error envelope")
    code = _int(error.get("code"))
    sub = _int(error.get("error_subcode"))
    text = describe(status, error, token)
    if code in RATE_LIMIT_CODES or sub in SLOW_SUBCODES:
        return RateLimited(f"rate limited: {text}", regain or DEFAULT_RETRY)
    if code == BLOCKED_CODE:
        return RateLimited(f"temporarily blocked from posting: {text}", BLOCKED_RETRY)
    if code in AUTH_CODES or sub in AUTH_SUBCODES:
        return AuthError(f"the Page must be reconnected: {text}")
    if code == DUPLICATE_CODE:
        return OutcomeUnknown(f"Facebook says this post is a duplicate: {text}")
    if code in (1, 2) or sub in TRANSIENT_SUBCODES or error.get("is_transient") is True:
        return TransientError(text)
    if status >= 500:
        return TransientError(text)
    if code == 100 and sub == 33:
        return Gone(text)
    return PermanentError(text)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def usage_of(headers: Any, page_id: str) -> tuple[int, float]:
    """The highest usage percentage the headers report, and minutes to regain access (s)."""
    highest, regain = 0, 0.0
    raw = headers.get("x-business-use-case-usage")
    if raw:
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = {}
        rows: Any = []
        if isinstance(doc, dict):
            rows = doc.get(page_id) or [
                r for rs in doc.values() if isinstance(rs, list) for r in rs
            ]
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict):
                for key in ("call_count", "total_cputime", "total_time"):
                    highest = max(highest, _int(row.get(key)) or 0)
                regain = max(regain, 60.0 * (_int(row.get("estimated_time_to_regain_access")) or 0))
    raw = headers.get("x-app-usage")
    if raw:
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = {}
        if isinstance(doc, dict):
            for key in ("call_count", "total_cputime", "total_time"):
                highest = max(highest, _int(doc.get(key)) or 0)
    return highest, regain


class UsageGovernor:
    """Per Page: do not call before ``not_before`` (a monotonic time)."""

    def __init__(self) -> None:
        self._not_before: dict[str, float] = {}

    def check(self, page_id: str) -> None:
        wait = self._not_before.get(page_id, 0.0) - time.monotonic()
        if wait > 0:
            raise RateLimited(
                f"slowing down: Facebook reported this Page near its rate limit; next call in"
                f" {wait:.0f}s",
                wait,
            )

    def observe(self, page_id: str, percent: int, regain: float) -> None:
        if percent >= SLOW_DOWN_AT or regain > 0:
            # Past 90%, wait out the regain time, or a minute per point above 89 (≤ 10 min).
            delay = regain or min(600.0, 60.0 * (percent - SLOW_DOWN_AT + 1))
            self._not_before[page_id] = time.monotonic() + delay

    def clear(self) -> None:
        self._not_before.clear()


class DeadTokens:
    """Tokens Facebook refused, by digest (the token itself is never kept)."""

    def __init__(self) -> None:
        self._dead: dict[str, tuple[float, str]] = {}

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def check(self, token: str) -> None:
        found = self._dead.get(self._key(token))
        if found and found[0] > time.monotonic():
            raise AuthError(f"not sent: Facebook refused this Page token earlier ({found[1]})")

    def bury(self, token: str, why: str) -> None:
        self._dead[self._key(token)] = (time.monotonic() + DEAD_FOR, why[:300])

    def clear(self) -> None:
        self._dead.clear()


GOVERNOR = UsageGovernor()
DEAD = DeadTokens()
