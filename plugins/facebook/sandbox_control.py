"""``/__fake/…``: what tests and the demo use to steer the Graph sandbox.

Clock, queued faults (a Graph error envelope, or ``timeout_after_store``), latency, usage
percentages, Pages and tokens (revoke, expire), a consent code, citizens' comments and
visitor posts (each also emitted as a signed ``feed`` webhook), the request log and a dump.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from plugins.facebook.sandbox_state import SHORT_LIVED, Comment, Fault, GraphState, Post, Token

Signer = Callable[[GraphState, str, dict[str, Any]], dict[str, Any]]


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=422)


async def _doc(request: Request) -> dict[str, Any]:
    try:
        doc = await request.json()
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def control_routes(state: GraphState, sign: Signer) -> list[Route]:
    async def clock(request: Request) -> Response:
        doc = await _doc(request)
        if "advance" in doc:
            state.offset += float(doc["advance"])
        elif "now" in doc:
            state.offset += float(doc["now"]) - state.now()
        return JSONResponse({"now": state.now()})

    async def faults(request: Request) -> Response:
        doc = await _doc(request)
        known = {"path_contains", "method", "status", "error", "mode", "delay", "count", "headers"}
        if not doc or set(doc) - known:
            return _bad(f"fields: {', '.join(sorted(known))}")
        if doc.get("mode") not in (None, "timeout_after_store"):
            return _bad("mode is timeout_after_store")
        state.faults.append(Fault(**doc))
        return JSONResponse({"queued": len(state.faults)})

    async def latency(request: Request) -> Response:
        state.latency = max(0.0, float((await _doc(request)).get("seconds", 0)))
        return JSONResponse({"seconds": state.latency})

    async def usage(request: Request) -> Response:
        doc = await _doc(request)
        if "page_id" not in doc:
            return _bad("page_id is required")
        state.usage[str(doc["page_id"])] = int(doc.get("percent", 0))
        state.regain_minutes[str(doc["page_id"])] = int(doc.get("regain_minutes", 0))
        return JSONResponse({"usage": state.usage})

    async def pages(request: Request) -> Response:
        doc = await _doc(request)
        if not {"page_id", "name", "token"} <= set(doc):
            return _bad("page_id, name and token are required")
        page = state.add_page(
            str(doc["page_id"]),
            str(doc["name"]),
            str(doc["token"]),
            users_can_post=bool(doc.get("users_can_post", False)),
        )
        return JSONResponse({"id": page.id})

    async def revoke(request: Request) -> Response:
        doc = await _doc(request)
        token = state.tokens.get(str(doc.get("token", "")))
        if token is None:
            return _bad("unknown token")
        token.invalid_subcode = int(doc.get("subcode", 460))
        return JSONResponse({"revoked": True})

    async def expire(request: Request) -> Response:
        token = state.tokens.get(str((await _doc(request)).get("token", "")))
        if token is None:
            return _bad("unknown token")
        token.expires_at = state.now() - 1
        return JSONResponse({"expired": True})

    async def consent(request: Request) -> Response:
        """The admin approved the app: a one-time code for a short-lived user token."""
        value = "EAAS" + secrets.token_hex(16)
        state.tokens[value] = Token(
            value, "USER", state.app_id, user_id="u-admin", expires_at=state.now() + SHORT_LIVED
        )
        code = "AQ" + secrets.token_hex(12)
        state.codes[code] = value
        return JSONResponse({"code": code})

    async def comment(request: Request) -> Response:
        doc = await _doc(request)
        post = state.posts.get(str(doc.get("post_id", "")))
        if post is None or not doc.get("message"):
            return _bad("post_id of an existing post and message are required")
        parent = str(doc.get("parent_id") or post.id)
        c = Comment(
            f"{post.id.split('_')[1]}_{state.next_id()}",
            parent,
            post.id,
            str(doc.get("from_id", "10000" + state.next_id())),
            str(doc.get("from_name", "Người dân")),
            str(doc["message"]),
            state.now(),
        )
        state.comments[c.id] = c
        value = {
            "from": {"id": c.from_id, "name": c.from_name},
            "post": {"id": post.id, "status_type": post.kind, "is_published": True},
            "message": c.message,
            "post_id": post.id,
            "comment_id": c.id,
            "created_time": c.created_time,
            "item": "comment",
            "parent_id": parent,
            "verb": "add",
        }
        hook = sign(state, post.page_id, value)
        state.emit(hook)
        return JSONResponse({"comment_id": c.id, "webhook": hook})

    async def visitor_post(request: Request) -> Response:
        doc = await _doc(request)
        page = state.pages.get(str(doc.get("page_id", "")))
        if page is None or not doc.get("message"):
            return _bad("page_id of a known page and message are required")
        if not page.users_can_post:
            return _bad("this Page does not allow visitor posts")
        post = Post(
            f"{page.id}_{state.next_id()}",
            page.id,
            str(doc["message"]),
            state.now(),
            from_id=str(doc.get("from_id", "10000" + state.next_id())),
        )
        state.posts[post.id] = post
        value = {
            "from": {"id": post.from_id, "name": str(doc.get("from_name", "Người dân"))},
            "message": post.message,
            "post_id": post.id,
            "created_time": post.created_time,
            "item": "status",
            "verb": "add",
        }
        hook = sign(state, page.id, value)
        state.emit(hook)
        return JSONResponse({"post_id": post.id, "webhook": hook})

    async def requests(request: Request) -> Response:
        return JSONResponse({"requests": state.requests})

    async def webhooks(request: Request) -> Response:
        return JSONResponse({"webhooks": state.webhooks})

    async def dump(request: Request) -> Response:
        now = state.now()
        return JSONResponse(
            {
                "posts": {
                    p.id: {
                        "message": p.message,
                        "link": p.link,
                        "kind": p.kind,
                        "published": p.is_published(now),
                        "scheduled_publish_time": p.scheduled_publish_time,
                        "attached_media": p.attached_media,
                        "targeting": p.targeting,
                        "feed_targeting": p.feed_targeting,
                        "video_id": p.video_id,
                        "from_id": p.from_id,
                    }
                    for p in state.posts.values()
                },
                "photos": state.photos,
                "videos": state.videos,
                "comments": {
                    c.id: {
                        "post_id": c.post_id,
                        "message": c.message,
                        "is_hidden": c.is_hidden,
                        "from_id": c.from_id,
                        "parent_id": c.parent_id,
                    }
                    for c in state.comments.values()
                },
            }
        )

    async def reset(request: Request) -> Response:
        async with state.lock:
            state.reset()
        return JSONResponse({"reset": True})

    return [
        Route("/__fake/clock", clock, methods=["POST"]),
        Route("/__fake/faults", faults, methods=["POST"]),
        Route("/__fake/latency", latency, methods=["POST"]),
        Route("/__fake/usage", usage, methods=["POST"]),
        Route("/__fake/pages", pages, methods=["POST"]),
        Route("/__fake/tokens/revoke", revoke, methods=["POST"]),
        Route("/__fake/tokens/expire", expire, methods=["POST"]),
        Route("/__fake/consent", consent, methods=["POST"]),
        Route("/__fake/comments", comment, methods=["POST"]),
        Route("/__fake/visitor_posts", visitor_post, methods=["POST"]),
        Route("/__fake/requests", requests, methods=["GET"]),
        Route("/__fake/webhooks", webhooks, methods=["GET"]),
        Route("/__fake/state", dump, methods=["GET"]),
        Route("/__fake/reset", reset, methods=["POST"]),
    ]
