"""HTTP caching of public GraphQL GETs: ``ETag``, ``Cache-Control`` and ``304 Not Modified``.

A query asked over GET (a persisted query's hash, most of all) has a URL a CDN or a
browser can cache. Answers are public for :data:`MAX_AGE` seconds only, so what
changes on publish reaches readers within that window; the ``ETag`` is a digest of
the body, so a client revalidating after that gets a 304 (no body) until content
really changed (the response cache drops its entries on every publish). Errors and
anything not GET are never cached by intermediaries.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

#: Seconds a CDN or browser may reuse an answer without asking again.
MAX_AGE = 30
PUBLIC = f"public, max-age={MAX_AGE}"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or ``*``), weak forms included."""
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


def finish(request: Request, response: Response, *, cacheable: bool) -> Response:
    """``response`` with its caching headers, or a 304 when the client already holds it."""
    if request.method not in ("GET", "HEAD"):
        return response
    if not cacheable or response.status_code != 200:
        response.headers["cache-control"] = "no-store"
        return response
    etag = etag_of(bytes(response.body))
    headers = {"etag": etag, "cache-control": PUBLIC}
    if matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response
