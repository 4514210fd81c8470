"""``POST /api/feedback``: where portals send citizens' feedback (JSON, no cookies).

Cross-origin by design (a commune's portal lives on its own host), so it
answers CORS preflights and carries no credentials; abuse is held back by a
per-client rate limit and moderation.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.edge import jsondoc
from core.edge.body import BodyTooLarge, read_limited
from core.errors import ModerationBlocked, TooManyRequests, ValidationFailed
from core.interactions import feedback
from core.interactions.tracking import shown

MAX_BODY = 32 * 1024
CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "86400",
}


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers = dict(CORS)
    if "retry_after" in extra:
        headers["retry-after"] = str(extra["retry_after"])
    return JSONResponse({"error": code, "message": message, **extra}, status, headers=headers)


async def receive(request: Request) -> Response:
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=CORS)
    try:  # read no further than MAX_BODY, whatever Content-Length says
        doc = jsondoc.decode_object(await read_limited(request, MAX_BODY))
    except BodyTooLarge:
        return _error(413, BodyTooLarge.code, f"at most {MAX_BODY} bytes")
    except jsondoc.NotJson as exc:
        return _error(400, "BAD_REQUEST", str(exc))
    ctx = request.app.state.loa
    address = request.client.host if request.client else "unknown"
    try:
        item = await run_in_threadpool(
            lambda: feedback.submit(
                ctx,
                unit_code=str(doc.get("unit") or ""),
                text=str(doc.get("text") or ""),
                name=str(doc.get("name") or ""),
                contact=str(doc.get("contact") or ""),
                article_slug=str(doc.get("article") or ""),
                address=address,
            )
        )
    except ValidationFailed as exc:
        return _error(422, exc.code, exc.message, fields=exc.fields)
    except ModerationBlocked as exc:
        terms = sorted({str(s.get("term")) for s in exc.spans})
        return _error(422, exc.code, exc.message, terms=terms)
    except TooManyRequests as exc:
        return _error(429, exc.code, exc.message, retry_after=exc.retry_after)
    return JSONResponse(
        {"id": item.id, "state": item.state, "code": shown(item.tracking_code)}, 201, headers=CORS
    )


def feedback_routes() -> list[Route]:
    return [Route("/api/feedback", receive, methods=["POST", "OPTIONS"])]
