"""YouTube Data API v3 and Google's OAuth token endpoint, emulated: strict, with faults.

The same paths, parameters, statuses and error envelopes the real services use
(CONTRACT.md): ``/token``, ``/o/oauth2/v2/auth``, the resumable
``/upload/youtube/v3/videos`` (session URI in ``Location``, chunks of 256 KiB multiples,
``308`` with ``Range``, the ``bytes */N`` status query; the video exists only once its last
byte arrived), ``/upload/youtube/v3/thumbnails/set``, ``/youtube/v3/videos`` (list, update,
delete), ``channels``, ``playlistItems``, ``commentThreads``, ``comments`` and
``comments/setModerationStatus``, a quota ledger in either model, reset at Pacific midnight.

``/__fake/…`` is the control plane (clock, faults, config, revocation, citizens' comments,
the request log, the state); ``/`` is a page showing what the sandbox holds.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import re
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plugins.youtube.limits import (
    CHUNK_QUANTUM,
    COSTS,
    MAX_THUMBNAIL_BYTES,
    MAX_VIDEO_BYTES,
    insert_cost,
)
from plugins.youtube.sandbox_page import render_page
from plugins.youtube.sandbox_rules import Invalid, parse_part, validate_video, yt_error
from plugins.youtube.sandbox_state import (
    SESSION_LIFETIME,
    Fault,
    SandboxState,
    Session,
    Video,
    YtComment,
)

SCOPE_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
SCOPE_YOUTUBE = "https://www.googleapis.com/auth/youtube"
DEMO_CLIENT_ID = "loa-demo.apps.googleusercontent.com"
#: The sandbox's demo OAuth client secret: public on purpose, it guards only the emulator.
DEMO_CLIENT_SECRET = "GOCSPX-loa-demo-sandbox-not-secret"
#: Refresh tokens with this prefix are granted on first use (demo targets), for the channel
#: named after the prefix.
DEMO_REFRESH_PREFIX = "1//loa-demo-"
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_QUERY = re.compile(r"^bytes \*/(\d+)$")
_LOGGED_BODY = 16_384


def _path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + request.scope.get("root_path", "")


class _Gate:
    """ASGI middleware: the request log and queued faults, before routing."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = _path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or path.startswith("/__fake/") or path in ("/", ""):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        for secret in ("authorization", "cookie"):
            if secret in headers:
                headers[secret] = "[redacted]"
        entry: dict[str, Any] = {
            "at": self.state.iso(),
            "method": scope["method"],
            "path": path,
            "query": scope.get("query_string", b"").decode("latin-1"),
            "headers": headers,
            "status": None,
        }
        self.state.requests.append(entry)
        scope.setdefault("state", {})["entry"] = entry

        async def logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        fault = self.state.take_fault(scope["method"], path)
        if fault is None:
            await self.app(scope, receive, logged)
        elif fault.mode == "drop":
            scope["state"]["drop"] = fault
            scope["state"]["abort"] = _aborter(receive)
            await self.app(scope, receive, logged)
        elif fault.mode == "timeout_after_store":
            held: list[Message] = []

            async def hold(message: Message) -> None:
                held.append(message)

            await self.app(scope, receive, hold)
            await asyncio.sleep(fault.delay)
            for message in held:
                await logged(message)
        else:
            headers_out = {}
            if fault.retry_after is not None:
                headers_out["retry-after"] = str(fault.retry_after)
            await yt_error(fault.status, fault.reason, **headers_out)(scope, receive, logged)


def _aborter(receive: Receive) -> Any:
    """How to cut this request's connection: the server's transport when it has one."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    return transport.abort if transport is not None else None


class YouTubeApi:
    """The Data API v3 and the OAuth endpoints over one :class:`SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.s = state

    # --- OAuth -----------------------------------------------------------------------------
    async def authorise(self, request: Request) -> Response:
        """The consent page: approves at once (an office rehearsing), as the channel's owner."""
        q = request.query_params
        if q.get("client_id") != self.s.client_id:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if q.get("response_type") != "code" or not q.get("redirect_uri") or not q.get("scope"):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        scopes = tuple(q["scope"].split())
        channel = q.get("login_hint") or "UCloa-sandbox-channel"
        challenge = q.get("code_challenge", "")
        if challenge and q.get("code_challenge_method") != "S256":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = self.s.issue_code(q["redirect_uri"], channel, scopes, challenge)
        back = {"state": q.get("state", ""), "code": code, "scope": " ".join(scopes)}
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode(back)}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if (
            form.get("client_id") != self.s.client_id
            or form.get("client_secret") != self.s.client_secret
        ):
            return _oauth_error(401, "invalid_client", "The OAuth client was not found.")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            found = self.s.codes.pop(str(form.get("code", "")), None)
            if found is None or found[0] != form.get("redirect_uri"):
                return _oauth_error(400, "invalid_grant", "Malformed auth code.")
            if found[3] and _s256(str(form.get("code_verifier", ""))) != found[3]:
                return _oauth_error(400, "invalid_grant", "Invalid code verifier.")
            issued = self.s.grant(found[1], found[2])
            return JSONResponse(self._tokens(issued, with_refresh=True))
        if grant_type == "refresh_token":
            token = str(form.get("refresh_token", ""))
            grant = self.s.grants.get(token)
            if grant is None and token.startswith(DEMO_REFRESH_PREFIX):
                grant = self.s.grant(token[len(DEMO_REFRESH_PREFIX) :] or "UCdemo", _ALL)
                self.s.grants[token] = grant
                del self.s.grants[grant.refresh_token]
                grant.refresh_token = token
            expired = (
                grant is not None
                and grant.expires_at is not None
                and grant.expires_at <= self.s.now()
            )
            if grant is None or grant.revoked or expired:
                return _oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            return JSONResponse(self._tokens(grant, with_refresh=False))
        return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type.")

    def _tokens(self, grant: Any, *, with_refresh: bool) -> dict[str, Any]:
        token, _ = self.s.access_token(grant.channel_id, grant.scopes)
        doc: dict[str, Any] = {
            "access_token": token,
            "expires_in": 3599,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer",
        }
        if with_refresh:
            doc["refresh_token"] = grant.refresh_token
        if grant.expires_at is not None:  # a time-limited grant says how long it has left
            doc["refresh_token_expires_in"] = int((grant.expires_at - self.s.now()).total_seconds())
        return doc

    def _caller(self, request: Request, scope: str) -> str:
        """The channel the bearer token speaks for; raises :class:`Invalid` (401/403)."""
        header = request.headers.get("authorization", "")
        access = (
            self.s.access.get(header.removeprefix("Bearer ").strip())
            if header.startswith("Bearer ")
            else None
        )
        if access is None or access.expires_at <= self.s.now():
            raise Invalid("authError", "Request had invalid authentication credentials.", 401)
        if (
            scope not in access.scopes
            and SCOPE_FORCE_SSL not in access.scopes
            and not (scope == SCOPE_UPLOAD and SCOPE_YOUTUBE in access.scopes)
        ):
            raise Invalid(
                "insufficientPermissions", "Request had insufficient authentication scopes.", 403
            )
        return access.channel_id

    def _charge(self, method: str) -> None:
        if not self.s.charge("units", COSTS[method]):
            raise Invalid("quotaExceeded", "", 403)

    # --- videos.insert (resumable) ---------------------------------------------------------
    async def insert_start(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_UPLOAD)
            q = request.query_params
            if q.get("uploadType") != "resumable":
                raise Invalid(
                    "badRequest", "Only resumable uploads are emulated (uploadType=resumable)."
                )
            part = parse_part(q.get("part"))
            for bucket, amount in insert_cost(self.s.quota_model).items():
                if not self.s.charge(bucket, amount):
                    raise Invalid("quotaExceeded", "", 403)
            try:
                total = int(request.headers.get("x-upload-content-length", ""))
            except ValueError:
                raise Invalid("badRequest", "X-Upload-Content-Length is required.") from None
            if not 0 < total <= MAX_VIDEO_BYTES:
                raise Invalid("badRequest", "The video is empty or larger than 256 GB.")
            content_type = request.headers.get("x-upload-content-type", "")
            if not (
                content_type.startswith("video/") or content_type == "application/octet-stream"
            ):
                raise Invalid("invalidFilename", "The media type is not a video.")
            try:
                doc = json.loads(await request.body())
            except ValueError:
                raise Invalid("badRequest", "Invalid JSON payload received.") from None
            resource = validate_video(doc, part, self.s.now())
        except Invalid as exc:
            return exc.response()
        upload_id = self.s.new_id("AEnB2U", 40)
        self.s.sessions[upload_id] = Session(
            upload_id,
            channel,
            resource,
            ",".join(sorted(part)),
            total,
            content_type,
            self.s.now() + SESSION_LIFETIME,
        )
        query = urlencode(
            {"uploadType": "resumable", "part": ",".join(sorted(part)), "upload_id": upload_id}
        )
        return Response(
            status_code=200,
            headers={"location": f"{_base(request)}/upload/youtube/v3/videos?{query}"},
        )

    async def insert_put(self, request: Request) -> Response:
        session = self.s.sessions.get(request.query_params.get("upload_id", ""))
        if session is None or session.expires_at <= self.s.now():
            return yt_error(404, "notFound", "The upload session was not found or has expired.")
        if session.video_id:
            return JSONResponse(self._video_doc(self.s.videos[session.video_id], "snippet,status"))
        header = request.headers.get("content-range", "")
        asked = _QUERY.match(header)
        if asked:
            return self._incomplete(session)
        m = _RANGE.match(header)
        if not m or int(m.group(3)) != session.total:
            return yt_error(400, "badRequest", "Invalid Content-Range header.")
        start, end = int(m.group(1)), int(m.group(2))
        last = end == session.total - 1
        if start != session.committed or end < start or end >= session.total:
            return yt_error(
                400, "badRequest", f"Invalid range: {session.committed} bytes received so far."
            )
        if not last and (end - start + 1) % CHUNK_QUANTUM:
            return yt_error(
                400, "badRequest", "Chunks must be multiples of 256 KiB except the last."
            )
        drop: Fault | None = request.scope.get("state", {}).get("drop")
        body = bytearray()
        async for piece in request.stream():
            body += piece
            if drop is not None and len(body) >= drop.after_bytes:
                return await self._drop(request, session, start, bytes(body))
        if len(body) != end - start + 1:
            return yt_error(400, "badRequest", "The body does not match Content-Range.")
        session.digest.update(body)
        session.committed = end + 1
        if not last:
            return self._incomplete(session)
        video = self._create(session)
        doc = self._video_doc(video, session.part)
        return JSONResponse(doc, status_code=200)

    async def _drop(self, request: Request, session: Session, start: int, got: bytes) -> Response:
        """Keep what arrived up to a 256 KiB boundary, then cut the connection."""
        keep = (len(got) // CHUNK_QUANTUM) * CHUNK_QUANTUM
        session.digest.update(got[:keep])
        session.committed = start + keep
        abort = request.scope["state"].get("abort")
        if abort is not None:
            abort()
            await asyncio.sleep(0.05)
        else:  # no socket to cut (in-process transport): never answer instead
            await asyncio.sleep(3600)
        return Response(status_code=500)

    def _incomplete(self, session: Session) -> Response:
        headers = {"range": f"bytes=0-{session.committed - 1}"} if session.committed else {}
        return Response(status_code=308, headers=headers)

    def _create(self, session: Session) -> Video:
        r = session.resource
        snippet = dict(r.get("snippet") or {})
        status = {"privacyStatus": "public", **(r.get("status") or {})}
        if self.s.unverified:  # projects not audited: every upload is locked private
            status["privacyStatus"] = "private"
            status.pop("publishAt", None)
        status["uploadStatus"] = "uploaded"
        if self.s.processing == "failed":
            status.update(uploadStatus="failed", failureReason="codec")
        elif self.s.processing == "rejected":
            status.update(uploadStatus="rejected", rejectionReason="duplicate")
        video = Video(
            self.s.new_id(""),
            session.channel_id,
            {**snippet, "channelId": session.channel_id, "publishedAt": self.s.iso()},
            status,
            session.total,
            session.digest.hexdigest(),
            self.s.iso(),
        )
        self.s.videos[video.id] = video
        session.video_id = video.id
        return video

    def _video_doc(self, video: Video, part: str) -> dict[str, Any]:
        self._tick(video)
        doc: dict[str, Any] = {"kind": "youtube#video", "etag": video.sha256[:27], "id": video.id}
        parts = set(part.split(","))
        if "snippet" in parts:
            snippet = {"categoryId": "22", "description": "", "tags": [], **video.snippet}
            if video.thumbnail:
                snippet["thumbnails"] = video.thumbnail
            doc["snippet"] = snippet
        if "status" in parts:
            doc["status"] = dict(video.status)
        return doc

    def _tick(self, video: Video) -> None:
        """A scheduled video becomes public at its ``publishAt``."""
        at = video.status.get("publishAt")
        if at and dt.datetime.fromisoformat(at.replace("Z", "+00:00")) <= self.s.now():
            video.status["privacyStatus"] = "public"
            video.status.pop("publishAt")

    # --- videos.list / update / delete, channels, playlistItems, thumbnails -----------------
    async def videos(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_YOUTUBE)
            if request.method == "GET":
                return self._list_videos(request, channel)
            if request.method == "PUT":
                return await self._update(request, channel)
            return self._delete(request, channel)
        except Invalid as exc:
            return exc.response()

    def _list_videos(self, request: Request, channel: str) -> Response:
        parse_part(request.query_params.get("part"))
        self._charge("videos.list")
        ids = [i for i in request.query_params.get("id", "").split(",") if i]
        if not ids:
            raise Invalid(
                "missingRequiredParameter",
                "No filter selected. Expected one of: id, myRating, chart",
            )
        items = [
            self._video_doc(self.s.videos[i], request.query_params["part"])
            for i in ids
            if i in self.s.videos and self.s.videos[i].channel_id == channel
        ]
        return JSONResponse(
            {
                "kind": "youtube#videoListResponse",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            }
        )

    async def _update(self, request: Request, channel: str) -> Response:
        part = parse_part(request.query_params.get("part"))
        self._charge("videos.update")
        try:
            doc = json.loads(await request.body())
        except ValueError:
            raise Invalid("badRequest", "Invalid JSON payload received.") from None
        doc = validate_video(doc, part, self.s.now(), update=True)
        video = self.s.videos.get(str(doc["id"]))
        if video is None or video.channel_id != channel:
            raise Invalid(
                "videoNotFound", "The video that you are trying to update cannot be found.", 404
            )
        if "snippet" in part:
            video.snippet = {
                **doc["snippet"],
                "channelId": channel,
                "publishedAt": video.published_at,
            }
        if "status" in part:
            kept = {
                k: v
                for k, v in video.status.items()
                if k in ("uploadStatus", "failureReason", "rejectionReason")
            }
            video.status = {"privacyStatus": "public", **doc.get("status", {}), **kept}
            if self.s.unverified:
                video.status["privacyStatus"] = "private"
        return JSONResponse(self._video_doc(video, ",".join(sorted(part))))

    def _delete(self, request: Request, channel: str) -> Response:
        self._charge("videos.delete")
        video = self.s.videos.get(request.query_params.get("id", ""))
        if video is None or video.channel_id != channel:
            raise Invalid(
                "videoNotFound", "The video that you are trying to delete cannot be found.", 404
            )
        del self.s.videos[video.id]
        return Response(status_code=204)

    async def channels(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_YOUTUBE)
            parse_part(request.query_params.get("part"))
            if request.query_params.get("mine") != "true":
                raise Invalid(
                    "missingRequiredParameter", "No filter selected. Expected one of: mine, id"
                )
            self._charge("channels.list")
        except Invalid as exc:
            return exc.response()
        item = {
            "kind": "youtube#channel",
            "id": channel,
            "contentDetails": {"relatedPlaylists": {"uploads": "UU" + channel[2:]}},
        }
        return JSONResponse({"kind": "youtube#channelListResponse", "items": [item]})

    async def playlist_items(self, request: Request) -> Response:
        """The uploads playlist, newest first (``maxResults`` ≤ 50)."""
        try:
            channel = self._caller(request, SCOPE_YOUTUBE)
            parse_part(request.query_params.get("part"))
            if request.query_params.get("playlistId") != "UU" + channel[2:]:
                raise Invalid(
                    "playlistNotFound",
                    "The playlist identified with the request's playlistId cannot be found.",
                    404,
                )
            size = int(request.query_params.get("maxResults", "5"))
            if not 0 <= size <= 50:
                raise Invalid("invalidValue", "maxResults must be between 0 and 50")
            self._charge("playlistItems.list")
        except Invalid as exc:
            return exc.response()
        mine = sorted(
            (v for v in self.s.videos.values() if v.channel_id == channel),
            key=lambda v: v.published_at,
            reverse=True,
        )[:size]
        items = [
            {
                "kind": "youtube#playlistItem",
                "id": f"pi-{v.id}",
                "snippet": {
                    "title": v.snippet.get("title", ""),
                    "publishedAt": v.published_at,
                    "resourceId": {"kind": "youtube#video", "videoId": v.id},
                },
                "contentDetails": {"videoId": v.id},
            }
            for v in mine
        ]
        return JSONResponse({"kind": "youtube#playlistItemListResponse", "items": items})

    async def thumbnail(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_UPLOAD)
            self._charge("thumbnails.set")
            video = self.s.videos.get(request.query_params.get("videoId", ""))
            if video is None or video.channel_id != channel:
                raise Invalid(
                    "videoNotFound", "The video that you are trying to update cannot be found.", 404
                )
            kind = request.headers.get("content-type", "")
            if kind not in ("image/jpeg", "image/png", "application/octet-stream"):
                raise Invalid("invalidImage", "The provided image content is invalid.")
            body = await request.body()
            if not body:
                raise Invalid(
                    "mediaBodyRequired", "The request does not include the image content."
                )
            if len(body) > MAX_THUMBNAIL_BYTES:
                raise Invalid("uploadTooLarge", "Media larger than: 2097152", 413)
        except Invalid as exc:
            return exc.response()
        digest = hashlib.sha256(body).hexdigest()[:16]
        url = f"{_base(request)}/__fake/thumbnails/{video.id}.jpg?v={digest}"
        video.thumbnail = {"default": {"url": url, "width": 120, "height": 90}}
        return JSONResponse({"kind": "youtube#thumbnailSetResponse", "items": [video.thumbnail]})

    # --- comments --------------------------------------------------------------------------
    async def comment_threads(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_FORCE_SSL)
            q = request.query_params
            parse_part((q.get("part") or "").replace("replies", "snippet") or None)
            filters = [k for k in ("videoId", "allThreadsRelatedToChannelId", "id") if q.get(k)]
            if len(filters) != 1:
                raise Invalid(
                    "missingRequiredParameter",
                    "Expected exactly one of: videoId, allThreadsRelatedToChannelId, id",
                )
            status = q.get("moderationStatus", "published")
            if status not in ("published", "heldForReview", "likelySpam", "rejected"):
                raise Invalid("invalidValue", "Invalid value for moderationStatus")
            if q.get("allThreadsRelatedToChannelId", channel) != channel:
                raise Invalid("forbidden", "", 403)
            size = int(q.get("maxResults", "20"))
            if not 1 <= size <= 100:
                raise Invalid("invalidValue", "maxResults must be between 1 and 100")
            self._charge("commentThreads.list")
        except Invalid as exc:
            return exc.response()
        tops = [
            c
            for c in self.s.comments.values()
            if c.channel_id == channel
            and not c.parent_id
            and c.moderation_status == status
            and (not q.get("videoId") or c.video_id == q["videoId"])
        ]
        tops.sort(key=lambda c: c.published_at, reverse=True)
        offset = int(q.get("pageToken") or 0)
        page = tops[offset : offset + size]
        items = [self._thread(c, q.get("textFormat", "html")) for c in page]
        doc: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "pageInfo": {"totalResults": len(tops), "resultsPerPage": size},
            "items": items,
        }
        if offset + size < len(tops):
            doc["nextPageToken"] = str(offset + size)
        return JSONResponse(doc)

    def _comment_doc(self, c: YtComment, fmt: str) -> dict[str, Any]:
        shown = c.text if fmt == "plainText" else c.text.replace("<", "&lt;").replace(">", "&gt;")
        snippet: dict[str, Any] = {
            "channelId": c.channel_id,
            "videoId": c.video_id,
            "textDisplay": shown,
            "textOriginal": c.text,
            "authorDisplayName": c.author_name,
            "authorChannelId": {"value": c.author_channel_id},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "moderationStatus": c.moderation_status,
            "publishedAt": c.published_at,
            "updatedAt": c.published_at,
        }
        if c.parent_id:
            snippet["parentId"] = c.parent_id
        return {"kind": "youtube#comment", "id": c.id, "snippet": snippet}

    def _thread(self, top: YtComment, fmt: str) -> dict[str, Any]:
        replies = [
            c
            for c in self.s.comments.values()
            if c.parent_id == top.id and c.moderation_status == "published"
        ]
        thread: dict[str, Any] = {
            "kind": "youtube#commentThread",
            "id": top.id,
            "snippet": {
                "channelId": top.channel_id,
                "videoId": top.video_id,
                "canReply": True,
                "totalReplyCount": len(replies),
                "isPublic": True,
                "topLevelComment": self._comment_doc(top, fmt),
            },
        }
        if replies:
            thread["replies"] = {"comments": [self._comment_doc(r, fmt) for r in replies[:5]]}
        return thread

    async def set_moderation(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_FORCE_SSL)
            q = request.query_params
            ids = [i for i in q.get("id", "").split(",") if i]
            status = q.get("moderationStatus", "")
            if not ids or not status:
                raise Invalid("required", "Required parameters: id, moderationStatus")
            if status not in ("heldForReview", "published", "rejected"):
                raise Invalid("invalidModerationStatus", "The moderation status is invalid.")
            ban = q.get("banAuthor", "false") == "true"
            if ban and status != "rejected":
                raise Invalid(
                    "banWithoutReject", "The banAuthor parameter can only be used with rejected."
                )
            self._charge("comments.setModerationStatus")
            found = [self.s.comments.get(i) for i in ids]
            if any(c is None or c.channel_id != channel for c in found):
                raise Invalid("commentNotFound", "The comment could not be found.", 404)
        except Invalid as exc:
            return exc.response()
        for c in found:
            assert c is not None
            c.moderation_status = status
            if ban:
                self.s.banned.add((channel, c.author_channel_id))
        return Response(status_code=204)

    async def comments_insert(self, request: Request) -> Response:
        try:
            channel = self._caller(request, SCOPE_FORCE_SSL)
            if request.query_params.get("part") != "snippet":
                raise Invalid("required", "Required parameter: part")
            try:
                doc = json.loads(await request.body())
            except ValueError:
                raise Invalid("badRequest", "Invalid JSON payload received.") from None
            snippet = doc.get("snippet") if isinstance(doc, dict) else None
            if (
                not isinstance(snippet, dict)
                or set(doc) - {"snippet"}
                or set(snippet) - {"parentId", "textOriginal"}
            ):
                raise Invalid("badRequest", "Invalid JSON payload received.")
            parent = self.s.comments.get(str(snippet.get("parentId", "")))
            if parent is None or parent.channel_id != channel:
                raise Invalid(
                    "parentCommentNotFound", "The parent comment could not be found.", 404
                )
            text = snippet.get("textOriginal")
            if not isinstance(text, str) or not text.strip() or len(text) > 10_000:
                raise Invalid("commentTextRequired", "The comment text is empty or too long.")
            self._charge("comments.insert")
        except Invalid as exc:
            return exc.response()
        reply = YtComment(
            f"{parent.id}.{self.s.new_id('9', 21)}",
            parent.video_id,
            channel,
            channel,
            "Kênh chính thức",
            text,
            self.s.iso(),
            parent_id=parent.id,
        )
        self.s.comments[reply.id] = reply
        return JSONResponse(self._comment_doc(reply, "html"))


_ALL = (SCOPE_YOUTUBE, SCOPE_UPLOAD, SCOPE_FORCE_SSL)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


class Control:
    """``/__fake/…``: what tests and ``loa demo`` use to steer the sandbox."""

    def __init__(self, state: SandboxState) -> None:
        self.s = state

    async def clock(self, request: Request) -> Response:
        if request.method == "POST":
            doc = await request.json()
            try:
                self.s.set_now(dt.datetime.fromisoformat(str(doc["now"]).replace("Z", "+00:00")))
            except (KeyError, ValueError):
                return JSONResponse({"error": "now must be an ISO 8601 time with an offset"}, 400)
        return JSONResponse({"now": self.s.iso()})

    async def faults(self, request: Request) -> Response:
        doc = await request.json()
        try:
            for row in doc.get("faults", [doc]):
                self.s.faults.append(Fault(**row))
        except TypeError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"queued": len(self.s.faults)})

    async def config(self, request: Request) -> Response:
        doc = await request.json()
        fields = {
            "testing_mode",
            "unverified",
            "quota_model",
            "daily_units",
            "daily_inserts",
            "processing",
        }
        if set(doc) - fields:
            return JSONResponse({"error": f"unknown: {sorted(set(doc) - fields)}"}, 400)
        for key, value in doc.items():
            setattr(self.s, key, value)
        return JSONResponse({k: getattr(self.s, k) for k in sorted(fields)})

    async def grant(self, request: Request) -> Response:
        """Consent without a browser: a refresh token for ``channel_id`` (tests, demo)."""
        doc = await request.json()
        grant = self.s.grant(str(doc["channel_id"]), tuple(doc.get("scopes") or _ALL))
        return JSONResponse({"refresh_token": grant.refresh_token})

    async def revoke(self, request: Request) -> Response:
        self.s.revoke_channel(str((await request.json())["channel_id"]))
        return JSONResponse({"revoked": True})

    async def comment(self, request: Request) -> Response:
        """A citizen comments on a video (the sandbox's way to make interactions happen)."""
        doc = await request.json()
        video = self.s.videos.get(str(doc.get("video_id", "")))
        if video is None:
            return JSONResponse({"error": "unknown video"}, 404)
        author = str(doc.get("author_channel_id") or f"UCcitizen{self.s.serial()}")
        banned = (video.channel_id, author) in self.s.banned
        c = YtComment(
            self.s.new_id("Ugz", 24),
            video.id,
            video.channel_id,
            author,
            str(doc.get("author_name", "Người dân")),
            str(doc.get("text", "")),
            self.s.iso(),
            moderation_status="rejected" if banned else "published",
        )
        self.s.comments[c.id] = c
        return JSONResponse({"id": c.id, "moderationStatus": c.moderation_status})

    async def requests(self, request: Request) -> Response:
        return JSONResponse({"requests": self.s.requests})

    async def state(self, request: Request) -> Response:
        return JSONResponse(
            {
                "now": self.s.iso(),
                "spent": self.s.spent_today(),
                "videos": {
                    v.id: {
                        "snippet": v.snippet,
                        "status": v.status,
                        "size": v.size,
                        "sha256": v.sha256,
                        "thumbnail": v.thumbnail,
                    }
                    for v in self.s.videos.values()
                },
                "sessions": {
                    s.upload_id: {
                        "committed": s.committed,
                        "total": s.total,
                        "video_id": s.video_id,
                    }
                    for s in self.s.sessions.values()
                },
                "comments": {
                    c.id: {
                        "text": c.text,
                        "moderationStatus": c.moderation_status,
                        "parentId": c.parent_id,
                        "author": c.author_channel_id,
                        "video": c.video_id,
                    }
                    for c in self.s.comments.values()
                },
                "banned": sorted(f"{ch}/{a}" for ch, a in self.s.banned),
            }
        )

    async def page(self, request: Request) -> Response:
        return Response(render_page(self.s), media_type="text/html; charset=utf-8")


def create_sandbox(
    client_id: str = DEMO_CLIENT_ID, client_secret: str = DEMO_CLIENT_SECRET
) -> Starlette:
    state = SandboxState(client_id, client_secret)
    api, control = YouTubeApi(state), Control(state)
    app = Starlette(
        routes=[
            Route("/", control.page, methods=["GET"]),
            Route("/o/oauth2/v2/auth", api.authorise, methods=["GET"]),
            Route("/token", api.token, methods=["POST"]),
            Route("/upload/youtube/v3/videos", api.insert_start, methods=["POST"]),
            Route("/upload/youtube/v3/videos", api.insert_put, methods=["PUT"]),
            Route("/upload/youtube/v3/thumbnails/set", api.thumbnail, methods=["POST"]),
            Route("/youtube/v3/videos", api.videos, methods=["GET", "PUT", "DELETE"]),
            Route("/youtube/v3/channels", api.channels, methods=["GET"]),
            Route("/youtube/v3/playlistItems", api.playlist_items, methods=["GET"]),
            Route("/youtube/v3/commentThreads", api.comment_threads, methods=["GET"]),
            Route("/youtube/v3/comments", api.comments_insert, methods=["POST"]),
            Route("/youtube/v3/comments/setModerationStatus", api.set_moderation, methods=["POST"]),
            Route("/__fake/clock", control.clock, methods=["GET", "POST"]),
            Route("/__fake/faults", control.faults, methods=["POST"]),
            Route("/__fake/config", control.config, methods=["POST"]),
            Route("/__fake/grant", control.grant, methods=["POST"]),
            Route("/__fake/revoke", control.revoke, methods=["POST"]),
            Route("/__fake/comments", control.comment, methods=["POST"]),
            Route("/__fake/requests", control.requests, methods=["GET"]),
            Route("/__fake/state", control.state, methods=["GET"]),
        ],
        middleware=[Middleware(_Gate, state=state)],
    )
    app.state.sandbox = state
    return app
