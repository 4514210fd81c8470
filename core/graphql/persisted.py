"""Automatic persisted queries (Apollo's protocol): a query sent once, then asked for by hash.

A front-end page asks the same few long queries on every visit. With APQ it sends a
query's SHA-256 over GET (``?extensions={"persistedQuery":{"version":1,"sha256Hash":…}}``),
which a CDN or the browser can cache; the first time, Loa answers
``PERSISTED_QUERY_NOT_FOUND`` and the client sends the query with its hash once, which
Loa checks and stores. Only documents that ran without a request error are stored (a
refused or invalid document is kept nowhere), each in Redis for :data:`TTL` so every
web process shares them, and in a small LRU per process so Redis down does not take
the read path with it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("loa.graphql")

PREFIX = "loa:apq:"
TTL = 7 * 24 * 3600
LOCAL_ENTRIES = 512
_HASH = re.compile(r"^[0-9a-f]{64}$")
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


class BadPersistedQuery(ValueError):
    """The request's ``persistedQuery`` extension is malformed or its hash is not its query's."""


@dataclass(frozen=True)
class Ask:
    """What a request says about persisted queries: the hash, and the query if it sent one."""

    sha256: str
    query: str | None


def ask_of(params: dict[str, Any]) -> Ask | None:
    """The persisted-query ask of decoded request parameters; None when there is none."""
    extensions = params.get("extensions")
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise BadPersistedQuery("persistedQuery: only version 1 is supported")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HASH.match(digest):
        raise BadPersistedQuery("persistedQuery.sha256Hash: 64 lower-case hex digits")
    query = params.get("query")
    if query is not None and not isinstance(query, str):
        raise BadPersistedQuery("query: must be a string")
    if query is not None and hashlib.sha256(query.encode()).hexdigest() != digest:
        raise BadPersistedQuery("provided sha256Hash does not match the query")
    return Ask(digest, query or None)


class PersistedQueries:
    """The store of documents by hash: Redis (shared) behind a per-process LRU."""

    def __init__(self, redis: Any, *, local_entries: int = LOCAL_ENTRIES) -> None:
        self.redis = redis
        self.local: OrderedDict[str, str] = OrderedDict()
        self.local_entries = local_entries

    def get(self, digest: str) -> str | None:
        if (query := self.local.get(digest)) is not None:
            self.local.move_to_end(digest)
            return query
        try:
            raw = self.redis.get(PREFIX + digest)
        except Exception as exc:  # Redis down: the local copies still serve
            log.warning("persisted query not looked up (%s)", type(exc).__name__)
            return None
        if raw is None:
            return None
        query = raw.decode() if isinstance(raw, bytes) else str(raw)
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            return None  # whatever wrote it, it is not this hash's document
        self._remember(digest, query)
        return query

    def put(self, digest: str, query: str) -> None:
        self._remember(digest, query)
        try:
            self.redis.set(PREFIX + digest, query.encode(), ex=TTL)
        except Exception as exc:
            log.warning("persisted query kept in this process only (%s)", type(exc).__name__)

    def _remember(self, digest: str, query: str) -> None:
        self.local[digest] = query
        self.local.move_to_end(digest)
        while len(self.local) > self.local_entries:
            self.local.popitem(last=False)
