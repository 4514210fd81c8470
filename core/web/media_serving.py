"""``GET /media/{key}``: stored files streamed from the media store, never read whole.

Public files (a published item's media, the library's albums) are immutable under their
content key: ``Cache-Control: public, max-age=31536000, immutable`` and a strong ETag (the
key is the hash). Anything else needs a signed, unexpired URL (:mod:`core.media.urls`) and
is never cached by shared caches. Range requests give 206 or 416 (video seeking).

A PDF is shown inline, with ``nosniff`` and a ``sandbox`` Content-Security-Policy: the
viewer renders it as a unique, script-less origin, so a hostile document cannot reach the
site's cookies or pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from core.context import Context
from core.db import utcnow
from core.media.current_store import media_store
from core.media.ranges import Unsatisfiable, byte_range
from core.media.urls import signature_valid
from core.web.media_access import Served, lookup

IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"
DOCUMENT_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def _find(ctx: Context, key: str) -> Served | None:
    with ctx.sessions() as session:
        return lookup(session, key, utcnow())


def _not_found() -> Response:
    return Response("Not Found", status_code=404, media_type="text/plain")


def _etag(key: str) -> str:
    return '"' + key.rsplit("/", 1)[-1].split(".", 1)[0] + '"'


def _headers(served: Served, size: int, signed: bool) -> dict[str, str]:
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": _etag(served.key),
        "Cache-Control": PRIVATE if signed else IMMUTABLE,
        "X-Content-Type-Options": "nosniff",
    }
    if served.content_type == "application/pdf":
        name = served.filename or "document.pdf"
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
        headers["Content-Security-Policy"] = DOCUMENT_CSP
    return headers


async def serve_media(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    key = request.path_params["key"]
    served = await run_in_threadpool(_find, ctx, key)
    if served is None:
        return _not_found()
    signed = not served.public
    if signed:
        params = request.query_params
        if not signature_valid(ctx.sealer, key, params.get("exp", ""), params.get("sig", "")):
            return _not_found()  # a draft's file is not there for whoever guesses its key
    store = media_store(ctx)
    try:
        size = await run_in_threadpool(store.size, key)
    except LookupError:  # MediaMissing: a row whose file went (a failed cleanup); none to serve
        return _not_found()
    headers = _headers(served, size, signed)
    given = request.headers.get("if-none-match", "")
    if headers["ETag"] in (tag.strip().removeprefix("W/") for tag in given.split(",")):
        return Response(status_code=304, headers=headers)
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except Unsatisfiable:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if wanted is None:
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = wanted, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1 if size else 0)

    def body() -> Iterator[bytes]:
        if size:
            yield from store.read_range(key, start, end)

    return StreamingResponse(
        body(), status_code=status, headers=headers, media_type=served.content_type
    )
