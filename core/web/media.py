"""The media endpoints: uploads for the management API's callers, and the public files.

* ``POST /api/media?unit=&filename=&alt=&caption=&title=``: the body is the file;
* ``POST /api/media/uploads`` (JSON: unit, filename, size, alt, caption, title) opens a
  chunked upload; ``PUT /api/media/uploads/{id}`` with ``Content-Range: bytes a-b/size``
  sends the next chunk; ``GET`` says how far it got; ``POST .../complete`` finishes it;
* ``GET /media/{key}``: a stored file (:mod:`core.web.media_serving`).

Authentication is the management API's (:func:`core.auth.requests.authenticate`: a session with
both factors and its CSRF token, or a bearer token; writing needs the ``write`` scope,
which the action checks). Bodies stream to a temporary file and stop at the limit of the
kind: the edge bounds them by :func:`edge_limits`, not ``LOA_MAX_BODY_BYTES``.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from core.actions import media_uploads as uploads
from core.actions.media import MediaRejected, size_limit, too_large
from core.actions.media import upload as upload_action
from core.auth.actions import record_forbidden
from core.auth.permissions import Actor, watch_refusals
from core.auth.web import client_address
from core.context import Context
from core.edge import jsondoc
from core.edge.body import BodyTooLarge, declared_length, read_limited
from core.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    LoaError,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from core.media.models import MediaAsset, MediaKind
from core.media.urls import signed_url
from core.settings import Settings
from core.web.media_serving import serve_media

log = logging.getLogger("loa.media")
#: Largest JSON body of an upload's opening (names and texts, never the file).
OPEN_BODY_LIMIT = 16_384
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")

_STATUS: dict[type[LoaError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidTransition: 409,
    ValidationFailed: 400,
}


def _error(exc: LoaError) -> JSONResponse:
    status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 400)
    error: dict[str, Any] = {"message": exc.message, "code": exc.code}
    if isinstance(exc, MediaRejected):
        status = 413 if exc.too_large else 422
        error["reason"] = exc.reason
    if isinstance(exc, BodyTooLarge):
        status = 413
    if isinstance(exc, ValidationFailed):
        error["fields"] = exc.fields
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def asset_json(ctx: Context, asset: MediaAsset) -> dict[str, Any]:
    """An asset as the upload endpoints answer it (signed URLs: it is not public yet)."""
    base, sealer = ctx.settings.base_url, ctx.sealer
    return {
        "id": asset.uid,
        "kind": asset.kind,
        "contentType": asset.content_type,
        "size": asset.size,
        "width": asset.width,
        "height": asset.height,
        "duration": asset.duration,
        "pages": asset.pages,
        "alt": asset.alt,
        "caption": asset.caption,
        "title": asset.title,
        "renditions": [
            {
                "name": r.name,
                "url": signed_url(base, sealer, r.key),
                "contentType": r.content_type,
                "width": r.width,
                "height": r.height,
                "size": r.size,
            }
            for r in asset.renditions
        ],
    }


async def _guarded(request: Request, work: Callable[[Context, Actor], Any]) -> Response:
    """Authenticate, run ``work`` with refusals audited, and map failures to typed JSON."""
    ctx: Context = request.app.state.loa
    with watch_refusals() as refused:
        try:
            from core.auth.requests import authenticate

            actor = await run_in_threadpool(authenticate, request, ctx)
            response: Response = await work(ctx, actor)
        except LoaError as exc:
            response = _error(exc)
    if refused:
        await run_in_threadpool(
            record_forbidden, ctx, refused, address=client_address(request), via="api"
        )
    return response


def _kind_hint(request: Request) -> MediaKind | None:
    raw = request.query_params.get("kind", "")
    try:
        return MediaKind(raw) if raw else None
    except ValueError:
        raise ValidationFailed({"kind": "image, video or document"}) from None


async def _stream_to(request: Request, fh: Any, limit: int, kind: MediaKind | None) -> int:
    """Write the body to ``fh``; :class:`MediaRejected` (413) as soon as it passes ``limit``."""
    declared = declared_length(request.headers)
    if declared is not None and declared > limit:
        raise too_large(kind, limit)
    written = 0
    async for chunk in request.stream():
        written += len(chunk)
        if written > limit:
            raise too_large(kind, limit)
        await run_in_threadpool(fh.write, chunk)
    return written


async def upload_endpoint(request: Request) -> Response:
    async def work(ctx: Context, actor: Actor) -> Response:
        params = request.query_params
        kind = _kind_hint(request)
        limit = size_limit(ctx.settings, kind)
        fd, name = tempfile.mkstemp(prefix="loa-upload-")
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as fh:
                await _stream_to(request, fh, limit, kind)
            asset = await run_in_threadpool(
                lambda: upload_action(
                    ctx,
                    actor,
                    params.get("unit", ""),
                    path,
                    params.get("filename", ""),
                    alt=params.get("alt", ""),
                    caption=params.get("caption", ""),
                    title=params.get("title", ""),
                )
            )
        finally:
            path.unlink(missing_ok=True)
        return JSONResponse(asset_json(ctx, asset), status_code=201)

    return await _guarded(request, work)


async def open_endpoint(request: Request) -> Response:
    async def work(ctx: Context, actor: Actor) -> Response:
        try:
            data = jsondoc.decode_object(await read_limited(request, OPEN_BODY_LIMIT))
        except jsondoc.NotJson as exc:
            raise ValidationFailed({"body": str(exc)}) from None
        size = data.get("size")
        if not isinstance(size, int) or isinstance(size, bool):
            raise ValidationFailed({"size": "the file's size in bytes"})
        texts = {k: data.get(k) for k in ("unit", "filename", "alt", "caption", "title")}
        if not all(isinstance(v, str | None) for v in texts.values()):
            raise ValidationFailed({"body": "unit, filename, alt, caption and title are strings"})
        session = await run_in_threadpool(
            lambda: uploads.open_upload(
                ctx,
                actor,
                texts["unit"] or "",
                texts["filename"] or "",
                size,
                alt=texts["alt"] or "",
                caption=texts["caption"] or "",
                title=texts["title"] or "",
            )
        )
        return JSONResponse(
            {"id": session.id, "size": session.size, "received": 0}, status_code=201
        )

    return await _guarded(request, work)


async def chunk_endpoint(request: Request) -> Response:
    upload_id = request.path_params["upload_id"]

    async def status(ctx: Context, actor: Actor) -> Response:
        session = await run_in_threadpool(uploads.load, ctx, actor, upload_id)
        return JSONResponse({"id": session.id, "size": session.size, "received": session.received})

    async def put(ctx: Context, actor: Actor) -> Response:
        session = await run_in_threadpool(uploads.load, ctx, actor, upload_id)
        match = _CONTENT_RANGE.match(request.headers.get("content-range", "").strip())
        if match is None:
            raise ValidationFailed({"Content-Range": "bytes <first>-<last>/<size> is required"})
        start, end, total = (int(g) for g in match.groups())
        uploads.check_range(session, start, end, total)
        if not await run_in_threadpool(uploads.lock, ctx, upload_id):
            raise Conflict("another request is sending to this upload")
        try:
            expected = end - start + 1
            with uploads.part_path(ctx, upload_id).open("r+b") as fh:
                fh.seek(start)
                try:
                    written = await _stream_to(request, fh, expected, None)
                    if written != expected:
                        raise ValidationFailed({"body": f"{written} bytes, not {expected}"})
                except BaseException:
                    fh.truncate(start)  # the chunk is sent again whole
                    raise
            session = await run_in_threadpool(uploads.advance, ctx, session, end + 1)
        finally:
            await run_in_threadpool(uploads.unlock, ctx, upload_id)
        return JSONResponse({"id": session.id, "size": session.size, "received": session.received})

    return await _guarded(request, put if request.method == "PUT" else status)


async def complete_endpoint(request: Request) -> Response:
    upload_id = request.path_params["upload_id"]

    async def work(ctx: Context, actor: Actor) -> Response:
        asset = await run_in_threadpool(uploads.complete, ctx, actor, upload_id)
        return JSONResponse(asset_json(ctx, asset), status_code=201)

    return await _guarded(request, work)


def media_routes() -> list[Route]:
    return [
        Route("/api/media", upload_endpoint, methods=["POST"]),
        Route("/api/media/uploads", open_endpoint, methods=["POST"]),
        Route("/api/media/uploads/{upload_id}", chunk_endpoint, methods=["GET", "PUT"]),
        Route("/api/media/uploads/{upload_id}/complete", complete_endpoint, methods=["POST"]),
        Route("/media/{key:path}", serve_media, methods=["GET", "HEAD"]),
    ]


def edge_limits(settings: Settings) -> Callable[[Scope], int | None]:
    """The body limit of media requests at the edge, in place of ``LOA_MAX_BODY_BYTES``.

    Upload endpoints stop at the limit of the kind themselves, so the edge bounds them by
    the largest kind; a GraphQL multipart request (``uploadMedia``) by the largest kind it
    takes (images, documents: video goes through the chunked upload) plus its operations.
    """
    largest = size_limit(settings, None)
    multipart = max(settings.media_max_image_bytes, settings.media_max_document_bytes)
    multipart += settings.max_body_bytes

    def limit(scope: Scope) -> int | None:
        path = scope.get("path", "")
        if path == "/api/media" or path.startswith("/api/media/"):
            return largest
        if path == "/api/graphql" and scope.get("method") == "POST":
            for name, value in scope.get("headers", []):
                if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                    return multipart
        return None

    return limit
