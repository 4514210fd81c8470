"""What the VNeID partner-API sandbox holds: announcements, media, interactions, keys, a
clock, queued faults and the request log. Status follows the platform's review and the
clock: pending_review → approved | rejected → published (window open) → expired, or
withdrawn at any time."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

REVIEW_STATES = ("pending_review", "approved", "rejected", "published", "expired", "withdrawn")


def parse_time(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("times must carry a zone")
    return moment


@dataclass
class Announcement:
    id: str
    issuer_key: str
    idempotency_key: str
    body: dict[str, Any]
    created_at: dt.datetime
    review: str = "pending_review"  # pending_review | approved | rejected
    reason: str = ""
    withdrawn_at: dt.datetime | None = None
    versions: int = 1

    def status(self, now: dt.datetime) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.review != "approved":
            return self.review
        until = parse_time(self.body.get("visible_until"))
        if until is not None and now >= until:
            return "expired"
        start = parse_time(self.body.get("visible_from"))
        return "approved" if start is not None and now < start else "published"

    def view(self, now: dt.datetime, base: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status(now),
            "reason": self.reason,
            "share_url": f"{base}/tin-tuc/{self.id}",
            "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "versions": self.versions,
            **{k: self.body[k] for k in ("title", "visible_from", "visible_until")},
        }


@dataclass
class Interaction:
    seq: int
    id: str
    announcement_id: str
    kind: str  # comment | reaction
    author_ref: str
    author_name: str
    text: str
    created_at: dt.datetime
    hidden: bool = False

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "announcement_id": self.announcement_id,
            "kind": self.kind,
            "author_ref": self.author_ref,
            "author_name": self.author_name,
            "text": self.text,
            "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "hidden": self.hidden,
        }


@dataclass
class Fault:
    path: str  # a prefix of the API path
    status: int = 500
    mode: str = "error"  # error | timeout_after_store
    retry_after: int | None = None
    delay: float = 0.0
    code: str = "internal"


@dataclass
class SandboxState:
    keys: set[str]
    auto_review: bool = False
    latency: float = 0.0
    #: Where and with what secret the platform pushes its events (``/__fake/webhook``).
    webhook_url: str = ""
    webhook_secret: str = ""
    #: Requests allowed per key per minute of the sandbox's clock (429 beyond).
    rate_per_minute: int = 600
    offset: dt.timedelta = dt.timedelta()
    announcements: dict[str, Announcement] = field(default_factory=dict)
    by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    interactions: list[Interaction] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    calls: dict[tuple[str, int], int] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def set_clock(self, moment: dt.datetime) -> None:
        self.offset = moment - dt.datetime.now(dt.UTC)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids)}"

    def take_fault(self, path: str) -> Fault | None:
        for i, fault in enumerate(self.faults):
            if path.startswith(fault.path):
                return self.faults.pop(i)
        return None

    def over_rate(self, key: str) -> int | None:
        """Seconds until the key may call again, or None when under its rate."""
        now = self.now()
        minute = int(now.timestamp() // 60)
        count = self.calls.get((key, minute), 0) + 1
        self.calls[(key, minute)] = count
        if count > self.rate_per_minute:
            return 60 - int(now.timestamp()) % 60
        return None
