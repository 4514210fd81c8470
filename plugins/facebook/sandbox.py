"""A strict emulator of the Graph API a Facebook Page integration uses, with ``/__fake/``.

Versioned paths (``/v26.0/…``, or none), tokens in the query, form or header, the
``appsecret_proof``, unknown parameters refused, Facebook's error envelope and statuses,
usage headers on every answer, Page posts (text and link, photos uploaded unpublished and
attached, video by the Resumable Upload API on graph.facebook.com), scheduled posts within
10 minutes to 30 days, comments (hide, delete, reply as the Page), consent, ``debug_token``,
the ``adgeolocation`` targeting search over a fake region table (``sandbox_regions.py``).
``/__fake/…`` is the control plane tests and ``loa demo`` use (see CONTRACT.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from plugins.facebook.sandbox_audience import check_feed_targeting, check_targeting
from plugins.facebook.sandbox_control import control_routes
from plugins.facebook.sandbox_graph import (
    VERSION,
    GraphError,
    as_bool,
    as_json,
    authenticate,
    bad_param,
    check_usage,
    fault_error,
    only,
    read_params,
    token_of,
    usage_headers,
)
from plugins.facebook.sandbox_page import STYLE, render_page
from plugins.facebook.sandbox_regions import search
from plugins.facebook.sandbox_state import (
    LONG_LIVED,
    SHORT_LIVED,
    Comment,
    GraphState,
    Post,
    Token,
    Upload,
)

SCHEDULE_MIN = 600
SCHEDULE_MAX = 30 * 86400
MAX_MESSAGE = 63_206
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"}
_UPLOAD = re.compile(r"^upload:(\d+)$")
_REDACTED = frozenset({"authorization", "cookie"})


def _not_found(obj: str) -> GraphError:
    return GraphError(
        f"Unsupported get request. Object with ID '{obj}' does not exist, cannot be loaded due"
        " to missing permissions, or does not support this operation.",
        100,
        subcode=33,
        type_="GraphMethodException",
    )


class Graph:
    """The Graph routes of one sandbox; handlers share ``state``."""

    def __init__(self, state: GraphState) -> None:
        self.state = state

    async def dispatch(self, request: Request) -> Response:
        state = self.state
        parts = [p for p in request.path_params["path"].split("/") if p]
        if parts and VERSION.match(parts[0]):
            parts = parts[1:]
        entry = self._log(request, "/" + "/".join(parts))
        if state.latency:
            await asyncio.sleep(state.latency)
        fault = state.take_fault(request.method, entry["path"])
        if fault is not None and fault.mode is None:
            error = fault_error(fault.error or {}, fault.status)
            error.headers.update(fault.headers)
            entry["status"] = fault.status
            return error.response()
        try:
            params, files = await read_params(request)
            async with state.lock:
                body, headers = await self._route(request, parts, params, files)
            response: Response = JSONResponse(body, headers=headers)
        except GraphError as exc:
            response = exc.response()
        if fault is not None and fault.mode == "timeout_after_store":
            await asyncio.sleep(fault.delay)
        entry["status"] = response.status_code
        return response

    def _log(self, request: Request, path: str) -> dict[str, Any]:
        headers = {k: ("[redacted]" if k in _REDACTED else v) for k, v in request.headers.items()}
        query = {
            k: ("[redacted]" if k in ("access_token", "client_secret", "input_token") else v)
            for k, v in request.query_params.items()
        }
        entry = {
            "method": request.method,
            "path": path,
            "query": query,
            "headers": headers,
            "status": None,
            "at": self.state.now(),
        }
        self.state.log(entry)
        return entry

    async def _route(
        self, request: Request, parts: list[str], params: dict[str, Any], files: dict[str, Any]
    ) -> tuple[Any, dict[str, str]]:
        state, method = self.state, request.method
        if parts == ["oauth", "access_token"] and method == "GET":
            return self._oauth(params), {}
        if parts == ["debug_token"] and method == "GET":
            return self._debug_token(request, params), {}
        token = authenticate(state, request, params)
        check_usage(state, token)
        headers = usage_headers(state, token)
        if len(parts) == 1 and _UPLOAD.match(parts[0]):
            return await self._transfer(request, parts[0], token), headers
        if parts == ["search"] and method == "GET":
            return search(params), headers  # any valid token; the Page token is what Loa uses
        if parts == ["me", "accounts"] and method == "GET":
            return self._accounts(token), headers
        if len(parts) == 2 and parts[0] == state.app_id and parts[1] == "uploads":
            return self._start_upload(params, method), headers
        if len(parts) == 2 and parts[0] in state.pages:
            return await self._page_edge(method, parts[0], parts[1], params, files, token), headers
        if len(parts) == 2 and parts[1] == "comments":
            return self._comments_edge(method, parts[0], params, token), headers
        if len(parts) == 1:
            return self._node(method, parts[0], params, token), headers
        raise _not_found("/".join(parts))

    # --- consent and tokens ---------------------------------------------------------------

    def _oauth(self, params: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        if (
            params.get("client_id") != state.app_id
            or params.get("client_secret") != state.app_secret
        ):
            raise GraphError("Error validating client secret.", 1, subcode=None)
        if params.get("grant_type") == "fb_exchange_token":
            only(params, {"grant_type", "client_id", "client_secret", "fb_exchange_token"})
            old = state.tokens.get(str(params.get("fb_exchange_token", "")))
            if old is None or old.type != "USER" or old.invalid_subcode is not None:
                raise GraphError("Invalid OAuth access token - Cannot parse access token", 190)
            value = "EAAU" + secrets.token_hex(16)
            state.tokens[value] = Token(
                value,
                "USER",
                state.app_id,
                user_id=old.user_id,
                expires_at=state.now() + LONG_LIVED,
            )
            return {"access_token": value, "token_type": "bearer", "expires_in": LONG_LIVED - 56}
        only(
            params, {"client_id", "client_secret", "redirect_uri", "code"}, {"code", "redirect_uri"}
        )
        user_token = state.codes.pop(str(params["code"]), None)
        if user_token is None:
            raise GraphError(
                "This authorization code has been used.", 100, subcode=36009, type_="OAuthException"
            )
        return {"access_token": user_token, "token_type": "bearer", "expires_in": SHORT_LIVED}

    def _debug_token(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        only(params, {"input_token"}, {"input_token"})
        if token_of(request, params) != f"{state.app_id}|{state.app_secret}":
            authenticate(state, request, params)  # a user/page token may inspect too
        token = state.tokens.get(str(params["input_token"]))
        if token is None:
            return {"data": {"is_valid": False, "error": {"code": 190, "message": "Invalid token"}}}
        data: dict[str, Any] = {
            "app_id": token.app_id,
            "type": token.type,
            "application": "Loa",
            "expires_at": token.expires_at,
            "data_access_expires_at": state.now() + 90 * 86400,
            "is_valid": True,
            "scopes": list(token.scopes),
            "user_id": token.user_id,
        }
        if token.page_id:
            data["profile_id"] = token.page_id
        expired = bool(token.expires_at and token.expires_at <= state.now())
        if token.invalid_subcode is not None or expired:
            data["is_valid"] = False
            data["error"] = {
                "code": 190,
                "subcode": 463 if expired else token.invalid_subcode,
                "message": "Error validating access token",
            }
        return {"data": data}

    def _accounts(self, token: Token) -> dict[str, Any]:
        if token.type != "USER":
            raise bad_param("Tried accessing nonexisting field (accounts) on node type (Page)")
        rows = []
        for page in self.state.pages.values():
            page_token = next(
                (
                    t
                    for t in self.state.tokens.values()
                    if t.type == "PAGE" and t.page_id == page.id
                ),
                None,
            )
            if page_token is None:
                continue
            rows.append(
                {
                    "id": page.id,
                    "name": page.name,
                    "access_token": page_token.value,
                    "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
                }
            )
        cursor = "QVFIU" + secrets.token_hex(4)
        return {"data": rows, "paging": {"cursors": {"before": cursor, "after": cursor}}}

    # --- the Page's edges -------------------------------------------------------------------

    def _page_token(self, token: Token, page_id: str) -> None:
        if token.type != "PAGE" or token.page_id != page_id:
            raise GraphError(
                "(#200) Unpublished posts must be posted to a page as the page itself.",
                200,
                type_="OAuthException",
            )

    async def _page_edge(
        self,
        method: str,
        page_id: str,
        edge: str,
        params: dict[str, Any],
        files: dict[str, Any],
        token: Token,
    ) -> Any:
        if edge == "feed" and method == "POST":
            self._page_token(token, page_id)
            return self._create_post(page_id, params)
        if edge in ("feed", "posts", "scheduled_posts") and method == "GET":
            return self._list_posts(page_id, edge, params)
        if edge == "photos" and method == "POST":
            self._page_token(token, page_id)
            return await self._photo(page_id, params, files)
        if edge == "videos" and method == "POST":
            self._page_token(token, page_id)
            return self._video(page_id, params)
        if edge == "settings" and method == "GET":
            page = self.state.pages[page_id]
            return {"data": [{"setting": "USERS_CAN_POST", "value": page.users_can_post}]}
        if edge == "subscribed_apps":
            page = self.state.pages[page_id]
            if method == "POST":
                only(params, {"subscribed_fields"}, {"subscribed_fields"})
                page.subscribed_fields = str(params["subscribed_fields"]).split(",")
                return {"success": True}
            return {"data": [{"id": page.app_id, "subscribed_fields": page.subscribed_fields}]}
        raise _not_found(f"{page_id}/{edge}")

    def _schedule(self, params: dict[str, Any], published: bool) -> int | None:
        if "scheduled_publish_time" not in params:
            return None
        if published:
            raise bad_param("scheduled_publish_time can only be set with published=false")
        try:
            when = int(params["scheduled_publish_time"])
        except (TypeError, ValueError):
            raise bad_param("The specified scheduled publish time is invalid.") from None
        ahead = when - self.state.now()
        if not SCHEDULE_MIN <= ahead <= SCHEDULE_MAX:
            raise bad_param(
                "The specified scheduled publish time is invalid. It must be between 10 minutes"
                " and 30 days from the time of the API request."
            )
        return when

    def _create_post(self, page_id: str, params: dict[str, Any]) -> dict[str, Any]:
        only(
            params,
            {
                "message",
                "link",
                "published",
                "scheduled_publish_time",
                "attached_media",
                "targeting",
                "feed_targeting",
            },
        )
        message = str(params.get("message", ""))
        link = str(params.get("link", ""))
        media_ids: list[str] = []
        if "attached_media" in params:
            media = as_json(params["attached_media"], "attached_media")
            if not isinstance(media, list) or not media:
                raise bad_param("attached_media must be a non-empty array")
            for row in media:
                if not isinstance(row, dict) or set(row) != {"media_fbid"}:
                    raise bad_param('attached_media entries are {"media_fbid": "<photo id>"}')
                photo = self.state.photos.get(str(row["media_fbid"]))
                if photo is None or photo["page_id"] != page_id:
                    raise _not_found(str(row["media_fbid"]))
                if photo["published"] or photo["attached"]:
                    raise bad_param("attached_media must be unpublished photos not yet attached")
                media_ids.append(str(row["media_fbid"]))
        if not message and not link and not media_ids:
            raise bad_param("One of message, link or attached_media is required")
        if len(message) > MAX_MESSAGE:
            raise bad_param(f"The message is longer than {MAX_MESSAGE} characters")
        if link and not link.startswith(("http://", "https://")):
            raise GraphError("(#100) Error posting link", 100, subcode=1609005)
        published = as_bool(params.get("published", True), "published")
        post = Post(
            id=f"{page_id}_{self.state.next_id()}",
            page_id=page_id,
            message=message,
            created_time=self.state.now(),
            link=link,
            published=published,
            scheduled_publish_time=self._schedule(params, published),
            attached_media=media_ids,
            targeting=check_targeting(params["targeting"]) if "targeting" in params else None,
            feed_targeting=check_feed_targeting(params["feed_targeting"])
            if "feed_targeting" in params
            else None,
            kind="album" if media_ids else ("link" if link else "status"),
            from_id=page_id,
        )
        for mid in media_ids:
            self.state.photos[mid]["attached"] = post.id
        self.state.posts[post.id] = post
        return {"id": post.id}

    def _list_posts(self, page_id: str, edge: str, params: dict[str, Any]) -> dict[str, Any]:
        only(params, {"limit", "since", "until", "after"})
        now = self.state.now()
        try:
            limit = min(100, int(params.get("limit", 25)))
        except ValueError:
            raise bad_param("limit must be an integer") from None
        rows = [p for p in self.state.posts.values() if p.page_id == page_id]
        if edge == "scheduled_posts":
            rows = [p for p in rows if not p.is_published(now) and p.scheduled_publish_time]
        else:
            rows = [p for p in rows if p.is_published(now)]
            if edge == "posts":
                rows = [p for p in rows if p.from_id == page_id]
        rows.sort(key=lambda p: p.created_time, reverse=True)
        return {"data": [self._post_json(p) for p in rows[:limit]]}

    def _post_json(self, post: Post) -> dict[str, Any]:
        now = self.state.now()
        page = self.state.pages.get(post.page_id)
        author = {
            "id": post.from_id,
            "name": page.name if page and post.from_id == page.id else "Visitor",
        }
        doc: dict[str, Any] = {
            "id": post.id,
            "message": post.message,
            "created_time": _iso(post.created_time),
            "updated_time": _iso(post.updated_time or post.created_time),
            "is_published": post.is_published(now),
            "permalink_url": f"https://www.facebook.com/{post.page_id}/posts/{post.id.split('_')[1]}",
            "from": author,
            "status_type": post.kind,
        }
        if post.scheduled_publish_time and not post.is_published(now):
            doc["scheduled_publish_time"] = post.scheduled_publish_time
        return doc

    async def _photo(self, page_id: str, params: dict[str, Any], files: dict[str, Any]) -> Any:
        only(params, {"published", "caption", "message", "url", "temporary"})
        source = files.get("source")
        if source is None and "url" not in params:
            raise bad_param("Requires upload file (source) or url")
        size = 0
        if source is not None:
            if source.content_type not in PHOTO_TYPES:
                raise GraphError("(#324) Requires upload file", 324, type_="OAuthException")
            size = len(await source.read())
            if size == 0:
                raise GraphError("(#324) Requires upload file", 324)
        published = as_bool(params.get("published", True), "published")
        photo_id = self.state.next_id()
        self.state.photos[photo_id] = {
            "page_id": page_id,
            "published": published,
            "attached": "",
            "size": size,
            "caption": str(params.get("caption", params.get("message", ""))),
        }
        if not published:
            return {"id": photo_id}
        post = Post(
            f"{page_id}_{self.state.next_id()}",
            page_id,
            self.state.photos[photo_id]["caption"],
            self.state.now(),
            kind="photo",
            from_id=page_id,
        )
        self.state.posts[post.id] = post
        self.state.photos[photo_id]["attached"] = post.id
        return {"id": photo_id, "post_id": post.id}

    def _start_upload(self, params: dict[str, Any], method: str) -> dict[str, Any]:
        if method != "POST":
            raise _not_found("uploads")
        only(params, {"file_name", "file_length", "file_type"}, {"file_length", "file_type"})
        if params["file_type"] not in (
            "video/mp4",
            "image/jpeg",
            "image/jpg",
            "image/png",
            "application/pdf",
        ):
            raise bad_param("file_type is not supported")
        try:
            length = int(params["file_length"])
        except ValueError:
            raise bad_param("file_length must be an integer") from None
        upload = Upload(
            f"upload:{self.state.next_id()}",
            self.state.app_id,
            str(params.get("file_name", "")),
            length,
            str(params["file_type"]),
        )
        self.state.uploads[upload.id] = upload
        return {"id": upload.id}

    async def _transfer(self, request: Request, upload_id: str, token: Token) -> dict[str, Any]:
        upload = self.state.uploads.get(upload_id)
        if upload is None:
            raise _not_found(upload_id)
        if request.method == "GET":
            return {"id": upload.id, "file_offset": len(upload.data)}
        if not request.headers.get("authorization", "").startswith("OAuth "):
            raise GraphError("The upload needs an Authorization: OAuth header", 190)
        try:
            offset = int(request.headers.get("file_offset", ""))
        except ValueError:
            raise bad_param("The file_offset header is required") from None
        if offset != len(upload.data):
            raise bad_param(f"file_offset must be {len(upload.data)}")
        upload.data.extend(await request.body())
        if len(upload.data) > upload.file_length:
            raise bad_param("More bytes than file_length were sent")
        if len(upload.data) < upload.file_length:
            return {"id": upload.id, "file_offset": len(upload.data)}
        upload.handle = "4:" + hashlib.sha256(bytes(upload.data)).hexdigest()[:24]
        return {"h": upload.handle}

    def _video(self, page_id: str, params: dict[str, Any]) -> dict[str, Any]:
        only(
            params,
            {
                "fbuploader_video_file_chunk",
                "title",
                "description",
                "published",
                "scheduled_publish_time",
                "targeting",
                "feed_targeting",
            },
            {"fbuploader_video_file_chunk"},
        )
        handle = str(params["fbuploader_video_file_chunk"])
        upload = next((u for u in self.state.uploads.values() if u.handle == handle), None)
        if upload is None or upload.file_type != "video/mp4":
            raise GraphError("(#6000) There was a problem uploading your video file.", 6000)
        published = as_bool(params.get("published", True), "published")
        video_id = self.state.next_id()
        post = Post(
            f"{page_id}_{self.state.next_id()}",
            page_id,
            str(params.get("description", "")),
            self.state.now(),
            published=published,
            scheduled_publish_time=self._schedule(params, published),
            targeting=check_targeting(params["targeting"]) if "targeting" in params else None,
            feed_targeting=check_feed_targeting(params["feed_targeting"])
            if "feed_targeting" in params
            else None,
            kind="video",
            from_id=page_id,
            video_id=video_id,
        )
        self.state.posts[post.id] = post
        self.state.videos[video_id] = {
            "page_id": page_id,
            "post_id": post.id,
            "title": str(params.get("title", "")),
            "bytes": len(upload.data),
        }
        return {"id": video_id}

    # --- nodes: posts, comments, videos --------------------------------------------------

    def _node(self, method: str, obj: str, params: dict[str, Any], token: Token) -> Any:
        state = self.state
        if obj in state.pages and method == "GET":
            page = state.pages[obj]
            return {"id": page.id, "name": page.name}
        if obj in state.videos and method == "GET":
            video = state.videos[obj]
            return {"id": obj, "post_id": video["post_id"], "title": video["title"]}
        if obj in state.posts:
            post = state.posts[obj]
            if method == "GET":
                return self._post_json(post)
            self._page_token(token, post.page_id)
            if method == "DELETE":
                del state.posts[obj]
                return {"success": True}
            only(params, {"message"}, {"message"})
            post.message = str(params["message"])
            post.updated_time = state.now()
            return {"success": True}
        if obj in state.comments:
            comment = state.comments[obj]
            on = state.posts.get(comment.post_id)
            if method == "GET":
                return _comment_json(comment)
            if on is None:
                raise _not_found(obj)
            self._page_token(token, on.page_id)
            if method == "DELETE":
                del state.comments[obj]
                return {"success": True}
            only(params, {"is_hidden", "message"})
            if "is_hidden" in params:
                if comment.from_id == on.page_id:
                    raise bad_param("A Page cannot hide its own comments")
                comment.is_hidden = as_bool(params["is_hidden"], "is_hidden")
            return {"success": True}
        raise _not_found(obj)

    def _comments_edge(self, method: str, obj: str, params: dict[str, Any], token: Token) -> Any:
        state = self.state
        parent = state.posts.get(obj) or state.comments.get(obj)
        if parent is None:
            raise _not_found(obj)
        post_id = obj if isinstance(parent, Post) else parent.post_id
        if method == "GET":
            only(params, {"filter", "order", "since", "limit", "live_filter"})
            since = int(params.get("since", 0) or 0)
            rows = [
                c
                for c in state.comments.values()
                if (c.post_id == obj if params.get("filter") == "stream" else c.parent_id == obj)
                and c.created_time >= since
            ]
            rows.sort(key=lambda c: c.created_time)
            return {"data": [_comment_json(c) for c in rows]}
        post = state.posts[post_id]
        self._page_token(token, post.page_id)
        only(params, {"message"}, {"message"})
        if not str(params["message"]).strip():
            raise bad_param("message must not be empty")
        page = state.pages[post.page_id]
        comment = Comment(
            f"{post_id.split('_')[1]}_{state.next_id()}",
            obj,
            post_id,
            page.id,
            page.name,
            str(params["message"]),
            state.now(),
        )
        state.comments[comment.id] = comment
        return {"id": comment.id}


def _iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _comment_json(c: Comment) -> dict[str, Any]:
    return {
        "id": c.id,
        "message": c.message,
        "from": {"id": c.from_id, "name": c.from_name},
        "created_time": _iso(c.created_time),
        "is_hidden": c.is_hidden,
        "parent": {"id": c.parent_id},
    }


def webhook_body(state: GraphState, page_id: str, value: dict[str, Any]) -> dict[str, Any]:
    """A ``feed`` change as Facebook delivers it, signed with the app secret."""
    doc = {
        "object": "page",
        "entry": [
            {"id": page_id, "time": state.now(), "changes": [{"field": "feed", "value": value}]}
        ],
    }
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    signature = "sha256=" + hmac.new(state.app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return {"body": raw.decode(), "signature": signature}


def create_sandbox(
    app_id: str,
    app_secret: str,
    pages: dict[str, tuple[str, str]] | None = None,
    demo_prefix: str = "",
) -> Starlette:
    """A Graph sandbox for one app; ``pages``: page id → (name, its Page token).

    ``demo_prefix``: a token ``<prefix><digits>`` opens Page ``<digits>`` on first use (the
    demo's targets, one per unit, need no set-up call).
    """
    state = GraphState(app_id, app_secret)
    state.demo_prefix = demo_prefix
    for page_id, (name, token) in (pages or {}).items():
        state.add_page(page_id, name, token)
    graph = Graph(state)

    async def page(request: Request) -> Response:
        return HTMLResponse(render_page(state))

    async def stylesheet(request: Request) -> Response:
        cache = "public, max-age=31536000, immutable"
        return Response(STYLE, media_type="text/css", headers={"cache-control": cache})

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/page.css", stylesheet, methods=["GET"]),
        *control_routes(state, webhook_body),
        Route("/{path:path}", graph.dispatch, methods=["GET", "POST", "DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = state
    return app
