"""In-memory state of the portal sandbox: sites, articles, comments, faults, request log.

One ``asyncio.Lock`` guards every change, so concurrent deliveries of the same
webhook-id see exactly one processing and one stored answer, as a real
receiver with a unique index would guarantee.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Article:
    number: int
    site: str
    data: dict[str, Any]
    status: str = "published"  # or "withdrawn"
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class Comment:
    number: int
    site: str
    article: int
    author_id: str
    author_name: str
    text: str
    created_at: str = field(default_factory=now_iso)
    hidden: bool = False


@dataclass
class Event:
    """One webhook POST as the site saw it, shown on the sandbox's HTML page."""

    received_at: str
    webhook_id: str
    type: str
    signature_valid: bool
    status: int = 0
    duplicate: bool = False
    title: str = ""


@dataclass
class Fault:
    """A queued misbehaviour, consumed by the next ``count`` matching requests."""

    path_contains: str = "/webhook"
    status: int | None = None
    retry_after: float | None = None
    mode: str | None = None  # "timeout_after_store" | "timeout_before_store"
    delay: float = 3.0
    count: int = 1


@dataclass
class Chaos:
    """Random faults at given rates (chaos runs): each request draws at most one.

    A webhook POST may get a 5xx, a 429, or be stored and then answered too late
    (``timeout_after_store``); a reconcile read (``…/messages/…``) may get a 503.
    ``seed`` makes the sequence of draws repeatable.
    """

    error_rate: float = 0.0
    timeout_rate: float = 0.0
    rate_limit_rate: float = 0.0
    reconcile_error_rate: float = 0.0
    delay: float = 3.0
    retry_after: float = 1.0
    seed: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def draw(self, method: str, path: str) -> Fault | None:
        roll = self.rng.random()
        if method == "GET" and "/messages/" in path:
            return Fault(status=503) if roll < self.reconcile_error_rate else None
        if method != "POST" or not path.endswith("/webhook"):
            return None
        for rate, fault in (
            (self.error_rate, Fault(status=503)),
            (self.timeout_rate, Fault(mode="timeout_after_store", delay=self.delay)),
            (self.rate_limit_rate, Fault(status=429, retry_after=self.retry_after)),
        ):
            if roll < rate:
                return fault
            roll -= rate
        return None


@dataclass
class Site:
    name: str
    articles: dict[int, Article] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    #: webhook-id → (status, body) of the first successful processing.
    answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)
    next_article: int = 1
    next_comment: int = 1


#: Bounds of what a long-running ``loa demo`` keeps in memory.
MAX_REQUESTS = 5000
MAX_EVENTS_PER_SITE = 1000


class SandboxState:
    def __init__(self, latency: float = 0.0, dedupe: bool = True) -> None:
        self.lock = asyncio.Lock()
        self.latency = latency
        #: False: a receiver that processes every message, even one it has seen (chaos runs
        #: count what a re-send would have duplicated).
        self.dedupe = dedupe
        self.chaos: Chaos | None = None
        self.sites: dict[str, Site] = {}
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []

    def site(self, name: str) -> Site:
        """The site, created on first write, as each commune's receiver would exist."""
        if name not in self.sites:
            self.sites[name] = Site(name=name)
        return self.sites[name]

    def take_fault(self, path: str) -> Fault | None:
        """Consume one use of the first queued fault matching ``path``."""
        for fault in self.faults:
            if fault.path_contains in path:
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def log(self, entry: dict[str, Any]) -> None:
        self.requests.append(entry)
        del self.requests[:-MAX_REQUESTS]

    def add_event(self, site: Site, event: Event) -> None:
        site.events.append(event)
        del site.events[:-MAX_EVENTS_PER_SITE]

    def reset(self) -> None:
        self.sites.clear()
        self.faults.clear()
        self.requests.clear()
        self.chaos = None
