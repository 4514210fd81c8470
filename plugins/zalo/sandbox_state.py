"""What the Zalo sandbox holds: apps, OAs, tokens, articles, broadcasts, messages, faults.

Plain data, guarded by the sandbox's single event loop; the clock is settable so tests can
travel past a token's 25 hours or a broadcast's review.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

#: The access token's lifetime, sent as the string "90000" (25 h).
ACCESS_SECONDS = 90_000
REFRESH_LIFETIME = dt.timedelta(days=90)
CODE_LIFETIME = dt.timedelta(minutes=10)
REVIEW_DELAY = dt.timedelta(minutes=30)
REPLY_WINDOW = dt.timedelta(days=7)


@dataclass
class Article:
    id: str
    oa_id: str
    body: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    removed: bool = False


@dataclass
class Broadcast:
    message_id: str
    oa_id: str
    target: dict[str, str]
    article_ids: list[str]
    created_at: dt.datetime

    def state(self, now: dt.datetime) -> str:
        """Zalo reviews a broadcast (about 30 min) before it is queued to followers."""
        return "sent" if now >= self.created_at + REVIEW_DELAY else "reviewing"


@dataclass
class Message:
    msg_id: str
    oa_id: str
    user_id: str
    text: str
    at: dt.datetime
    from_oa: bool = False


@dataclass
class Fault:
    """The next ``count`` calls to ``path`` answer ``error`` (HTTP 200), or HTTP ``status``,
    or are stored and then answered after ``delay`` seconds (a timeout after the write)."""

    path: str
    count: int = 1
    error: int | None = None
    message: str = ""
    status: int | None = None
    delay: float = 0.0


@dataclass
class State:
    app_id: str
    app_secret: str
    oa_secret: str
    oa_ids: tuple[str, ...]
    offset: dt.timedelta = dt.timedelta()
    codes: dict[str, tuple[str, str, dt.datetime]] = field(default_factory=dict)
    access: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    refresh: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    spent_refresh: list[str] = field(default_factory=list)
    articles: dict[str, Article] = field(default_factory=dict)
    tokens: dict[str, tuple[str, int]] = field(default_factory=dict)  # token → (id, -214s left)
    broadcasts: list[Broadcast] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    processing_verifies: int = 1
    article_quota: int = 1000
    broadcast_quota: int = 1000
    rate_limit: int = 4000
    calls_this_minute: dict[str, tuple[int, int]] = field(default_factory=dict)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def serial(self) -> str:
        return str(next(self._serial))

    def issue_pair(self, oa_id: str) -> dict[str, str]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        now = self.now()
        self.access[access] = (oa_id, now + dt.timedelta(seconds=ACCESS_SECONDS))
        self.refresh[refresh] = (oa_id, now + REFRESH_LIFETIME)
        return {"access_token": access, "refresh_token": refresh, "expires_in": str(ACCESS_SECONDS)}

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path == path and fault.count > 0:
                fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def month_count(self, oa_id: str, kind: str) -> int:
        start = self.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if kind == "article":
            return sum(
                1 for a in self.articles.values() if a.oa_id == oa_id and a.created_at >= start
            )
        return sum(1 for b in self.broadcasts if b.oa_id == oa_id and b.created_at >= start)

    def last_interaction(self, oa_id: str, user_id: str) -> dt.datetime | None:
        times = [
            m.at
            for m in self.messages
            if m.oa_id == oa_id and m.user_id == user_id and not m.from_oa
        ]
        return max(times) if times else None
