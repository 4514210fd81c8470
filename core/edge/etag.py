"""Answers that pollers re-fetch (feeds, calendars): a strong ETag over the body, so a client
that already has it gets a 304 and no body; shared by core's feeds and the portal plugin's."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

#: Feeds change with content; five minutes is what importers poll at anyway.
FEED_CACHE = "public, max-age=300"


def conditional(
    request: Request, body: bytes, media_type: str, cache: str = FEED_CACHE
) -> Response:
    """``body`` with a strong ETag; 304 without a body when the client holds that version."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"etag": etag, "cache-control": cache}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
