"""In-memory state of the Graph API sandbox: tokens, Pages, posts, media, comments, faults.

One ``asyncio.Lock`` guards every write. The clock is the real time plus an offset that
``/__fake/clock`` moves, so token expiry and scheduled posts can be rehearsed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

SHORT_LIVED = 2 * 3600
LONG_LIVED = 60 * 86400
#: Bounds of what a long-running ``loa demo`` keeps in memory.
MAX_REQUESTS = 5000
MAX_WEBHOOKS = 1000


@dataclass
class Token:
    """An access token as Facebook knows it: its kind, owner, lifetime and state."""

    value: str
    type: str  # "USER" | "PAGE" | "APP"
    app_id: str
    user_id: str = ""
    page_id: str = ""
    expires_at: int = 0  # 0: never
    #: Why it died (190's subcode): 460 password changed, 458 app removed, 463 expired…
    invalid_subcode: int | None = None
    scopes: tuple[str, ...] = (
        "pages_show_list",
        "pages_read_engagement",
        "pages_manage_posts",
        "pages_manage_engagement",
        "pages_read_user_content",
        "pages_manage_metadata",
        "publish_video",
    )


@dataclass
class Comment:
    id: str
    parent_id: str  # a post id (top-level) or a comment id (a reply)
    post_id: str
    from_id: str
    from_name: str
    message: str
    created_time: int
    is_hidden: bool = False


@dataclass
class Post:
    id: str
    page_id: str
    message: str
    created_time: int
    link: str = ""
    published: bool = True
    scheduled_publish_time: int | None = None
    attached_media: list[str] = field(default_factory=list)
    targeting: dict[str, Any] | None = None
    feed_targeting: dict[str, Any] | None = None
    kind: str = "status"  # status | link | photo | album | video
    from_id: str = ""  # the Page, or a visitor
    video_id: str = ""
    updated_time: int = 0

    def is_published(self, now: int) -> bool:
        if self.published:
            return True
        return self.scheduled_publish_time is not None and self.scheduled_publish_time <= now


@dataclass
class Page:
    id: str
    name: str
    app_id: str
    users_can_post: bool = False
    subscribed_fields: list[str] = field(default_factory=list)


@dataclass
class Upload:
    id: str
    app_id: str
    file_name: str
    file_length: int
    file_type: str
    data: bytearray = field(default_factory=bytearray)
    handle: str = ""


@dataclass
class Fault:
    """A queued misbehaviour for the next ``count`` requests whose path contains ``path_contains``.

    ``error``: a Graph error envelope's fields (``code``, ``error_subcode``…) answered with
    ``status``; ``mode="timeout_after_store"``: the request is processed, then answered
    ``delay`` seconds late; ``headers``: extra response headers (usage headers).
    """

    path_contains: str = "/feed"
    method: str = ""
    status: int = 400
    error: dict[str, Any] | None = None
    mode: str | None = None
    delay: float = 3.0
    count: int = 1
    headers: dict[str, str] = field(default_factory=dict)


class GraphState:
    def __init__(self, app_id: str, app_secret: str) -> None:
        self.lock = asyncio.Lock()
        self.app_id = app_id
        self.app_secret = app_secret
        self.require_proof = True
        #: ``loa demo``: a token ``<prefix><page id>`` opens that Page on first use.
        self.demo_prefix = ""
        self.offset = 0.0
        self.latency = 0.0
        self.tokens: dict[str, Token] = {}
        self.pages: dict[str, Page] = {}
        self.posts: dict[str, Post] = {}
        self.photos: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, Comment] = {}
        self.uploads: dict[str, Upload] = {}
        self.codes: dict[str, str] = {}  # consent code → short-lived user token
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []
        self.webhooks: list[dict[str, Any]] = []
        #: page id → the usage percentage reported in X-Business-Use-Case-Usage.
        self.usage: dict[str, int] = {}
        self.regain_minutes: dict[str, int] = {}
        self._ids = itertools.count(1001)

    def now(self) -> int:
        return int(time.time() + self.offset)

    def now_dt(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.now(), dt.UTC)

    def next_id(self) -> str:
        return str(next(self._ids))

    def add_page(
        self, page_id: str, name: str, token: str, *, users_can_post: bool = False
    ) -> Page:
        """A Page with a never-expiring Page token (as taken from a long-lived user token)."""
        page = Page(page_id, name, self.app_id, users_can_post=users_can_post)
        self.pages[page_id] = page
        self.tokens[token] = Token(token, "PAGE", self.app_id, user_id="u-admin", page_id=page_id)
        return page

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path_contains in path and fault.method in ("", method):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def log(self, entry: dict[str, Any]) -> None:
        self.requests.append(entry)
        del self.requests[:-MAX_REQUESTS]

    def emit(self, hook: dict[str, Any]) -> None:
        self.webhooks.append(hook)
        del self.webhooks[:-MAX_WEBHOOKS]

    def reset(self) -> None:
        for name in ("posts", "photos", "videos", "comments", "uploads", "codes", "usage"):
            getattr(self, name).clear()
        self.regain_minutes.clear()
        self.faults.clear()
        self.requests.clear()
        self.webhooks.clear()
        self.offset = 0.0
        self.latency = 0.0
