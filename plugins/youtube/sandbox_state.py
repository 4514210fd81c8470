"""What the YouTube sandbox holds: its clock, OAuth grants, quota ledger, upload sessions,
videos and comments, queued faults and the request log. Plain data; the routes are in
``sandbox.py``, the rules of the API (limits, costs) in ``limits.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from plugins.youtube.limits import pacific_day

#: Access tokens last an hour (``expires_in: 3599``), as Google's do.
ACCESS_LIFETIME = dt.timedelta(seconds=3599)
#: Refresh tokens of a project in "Testing" publishing status die after 7 days.
TESTING_REFRESH_LIFETIME = dt.timedelta(days=7)
#: An upload session lives a week (Google documents "at least a week" for resumable URIs).
SESSION_LIFETIME = dt.timedelta(days=7)


@dataclass
class Grant:
    """One consent: its refresh token, the channel it speaks for, the scopes granted."""

    refresh_token: str
    channel_id: str
    scopes: tuple[str, ...]
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    revoked: bool = False


@dataclass
class Access:
    channel_id: str
    scopes: tuple[str, ...]
    expires_at: dt.datetime


@dataclass
class Session:
    """A resumable upload: metadata sent first, bytes committed so far (hashed, not kept)."""

    upload_id: str
    channel_id: str
    resource: dict[str, Any]
    part: str
    total: int
    content_type: str
    expires_at: dt.datetime
    committed: int = 0
    digest: Any = field(default_factory=hashlib.sha256)
    video_id: str = ""


@dataclass
class Video:
    id: str
    channel_id: str
    snippet: dict[str, Any]
    status: dict[str, Any]
    size: int
    sha256: str
    published_at: str
    thumbnail: dict[str, Any] | None = None


@dataclass
class YtComment:
    id: str
    video_id: str
    channel_id: str
    author_channel_id: str
    author_name: str
    text: str
    published_at: str
    moderation_status: str = "published"
    parent_id: str = ""


@dataclass
class Fault:
    """A queued answer for the next request matching ``method`` and ``path`` (a prefix).

    ``mode``: ``error`` (``status`` with a YouTube envelope of ``reason``), ``timeout_after_store``
    (the request is handled, then the answer waits ``delay`` seconds), ``drop`` (the connection
    is cut after ``after_bytes`` of the body arrived; what arrived is kept up to the last
    256 KiB boundary, as an upload server does).
    """

    path: str
    method: str = ""
    mode: str = "error"
    status: int = 500
    reason: str = "backendError"
    retry_after: int | None = None
    delay: float = 0.0
    after_bytes: int = 0


class SandboxState:
    """Everything one sandbox holds; one Google Cloud project with its channels."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.offset = dt.timedelta()
        self.testing_mode = False
        self.unverified = False
        self.quota_model = "bucketed"
        self.daily_units = 10_000
        self.daily_inserts = 100
        self.spent: dict[tuple[Any, str], int] = {}
        self.codes: dict[str, tuple[str, str, tuple[str, ...], str]] = {}
        self.grants: dict[str, Grant] = {}
        self.access: dict[str, Access] = {}
        self.sessions: dict[str, Session] = {}
        self.videos: dict[str, Video] = {}
        self.comments: dict[str, YtComment] = {}
        self.banned: set[tuple[str, str]] = set()
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []
        self.processing: str = "processed"
        self._serial = itertools.count(1)

    # --- clock -------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def set_now(self, when: dt.datetime) -> None:
        self.offset = when - dt.datetime.now(dt.UTC)

    def iso(self, when: dt.datetime | None = None) -> str:
        return (when or self.now()).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def new_id(self, prefix: str, size: int = 11) -> str:
        return prefix + secrets.token_urlsafe(size)[:size].replace("-", "x").replace("_", "y")

    # --- OAuth -------------------------------------------------------------------------------
    def issue_code(
        self, redirect_uri: str, channel_id: str, scopes: tuple[str, ...], challenge: str
    ) -> str:
        code = f"4/{self.new_id('0A', 24)}"
        self.codes[code] = (redirect_uri, channel_id, scopes, challenge)
        return code

    def grant(self, channel_id: str, scopes: tuple[str, ...]) -> Grant:
        now = self.now()
        lifetime = TESTING_REFRESH_LIFETIME if self.testing_mode else None
        g = Grant(
            f"1//{self.new_id('0g', 40)}",
            channel_id,
            scopes,
            now,
            now + lifetime if lifetime else None,
        )
        self.grants[g.refresh_token] = g
        return g

    def access_token(self, channel_id: str, scopes: tuple[str, ...]) -> tuple[str, Access]:
        token = f"ya29.{self.new_id('a0', 48)}"
        self.access[token] = Access(channel_id, scopes, self.now() + ACCESS_LIFETIME)
        return token, self.access[token]

    def revoke_channel(self, channel_id: str) -> None:
        """The channel's owner removed the app's access in their Google account."""
        for g in self.grants.values():
            if g.channel_id == channel_id:
                g.revoked = True
        for token in [t for t, a in self.access.items() if a.channel_id == channel_id]:
            del self.access[token]

    # --- quota -------------------------------------------------------------------------------
    def charge(self, bucket: str, amount: int) -> bool:
        """Spend ``amount`` of today's ``bucket`` (``units`` or ``inserts``); False if it would
        go over. Every request costs at least its price, refused ones included (the ledger
        is charged before the check, as Google counts invalid requests too)."""
        day = pacific_day(self.now())
        limit = self.daily_inserts if bucket == "inserts" else self.daily_units
        spent = self.spent.get((day, bucket), 0)
        if spent + amount > limit:
            return False
        self.spent[(day, bucket)] = spent + amount
        return True

    def spent_today(self) -> dict[str, int]:
        day = pacific_day(self.now())
        return {b: n for (d, b), n in self.spent.items() if d == day}

    # --- faults ------------------------------------------------------------------------------
    def take_fault(self, method: str, path: str) -> Fault | None:
        for i, f in enumerate(self.faults):
            if path.startswith(f.path) and (not f.method or f.method == method):
                return self.faults.pop(i)
        return None

    def serial(self) -> int:
        return next(self._serial)
