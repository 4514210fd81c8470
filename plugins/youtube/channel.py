"""The YouTube channel: an item with a video, uploaded to an office's YouTube channel.

Publish uploads through the resumable protocol (``upload.py``) with Loa's marker in the tags
(``loa-<digest of the delivery key>``); reconcile asks the upload session this process
opened, or else lists the channel's newest uploads for the marker, so a timeout never
becomes a second video. A take-down makes the video private (or deletes it, setting
``on_window_close``). Consent and refresh are Google OAuth (``oauth.py``), comments are
read and moderated through ``commentThreads``/``setModerationStatus`` (``comments.py``),
quota is counted per Pacific day (``quota.py``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from core import (
    AuthError,
    Capabilities,
    ChannelError,
    Item,
    MediaAccepts,
    MediaFile,
    MediaRule,
    PermanentError,
    Remote,
    Rendered,
    Target,
)
from plugins.youtube import upload
from plugins.youtube.client import Account, YouTubeClient
from plugins.youtube.comments import CommentsMixin
from plugins.youtube.limits import (
    CATEGORIES,
    CHUNK_QUANTUM,
    MAX_THUMBNAIL_BYTES,
    MAX_VIDEO_BYTES,
    PRIVACY,
    QUOTA_MODELS,
)
from plugins.youtube.oauth import OAuthMixin
from plugins.youtube.quota import QuotaMixin
from plugins.youtube.render import THUMBNAIL_TYPES, VIDEO_TYPES, render_item
from plugins.youtube.settings_form import SCHEMA

log = logging.getLogger("loa.plugins.youtube")

API_BASE = "https://youtube.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
#: 8 MiB chunks, as most uploaders use; a multiple of 256 KiB.
DEFAULT_CHUNK = 8 * 1024 * 1024
WATCH = "https://www.youtube.com/watch?v="
VIDEO_RULE = MediaRule(types=VIDEO_TYPES, max_bytes=MAX_VIDEO_BYTES, max_count=1, min_count=1)
COVER_RULE = MediaRule(types=THUMBNAIL_TYPES, max_bytes=MAX_THUMBNAIL_BYTES)
_URL_SETTINGS = ("api_base", "token_url", "auth_url")


def marker(key: str) -> str:
    """Loa's tag on a video uploaded under delivery ``key`` (no key itself leaves Loa)."""
    return "loa-" + hashlib.sha256(key.encode()).hexdigest()[:20]


class YouTubeChannel(OAuthMixin, CommentsMixin, QuotaMixin):
    """An office's YouTube channel, reached through the Data API v3."""

    name = "youtube"
    title = "YouTube"
    #: The viewing window is kept (``publishAt`` opens it, a take-down closes it); YouTube
    #: targets no audience and its API cannot close comments: the rest is reported.
    capabilities = Capabilities(
        audience=frozenset({"window"}),
        max_title_chars=None,
        can_update=True,
        can_retract=True,
        can_read_interactions=True,
        media=MediaAccepts(
            cover=COVER_RULE,
            gallery=MediaRule(max_count=0),
            video=VIDEO_RULE,
            attachment=MediaRule(max_count=0),
        ),
        destinations=frozenset({"api_base", "token_url", "auth_url", "client_id"}),
    )
    settings_schema = SCHEMA

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport
        #: Upload sessions this process opened, by delivery key: asked first on reconcile.
        self._sessions: dict[str, upload.UploadSession] = {}

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        if not isinstance(settings.get("client_id"), str) or not settings["client_id"]:
            raise ValueError("client_id (the Google OAuth client) is required")
        if not secrets.get("client_secret"):
            raise ValueError("secret 'client_secret' (the Google OAuth client's) is required")
        for key in _URL_SETTINGS:
            url = settings.get(key)
            if url is None:
                continue
            parts = urlsplit(str(url))
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
                raise ValueError(f"{key} must be an absolute http(s) URL")
        if settings.get("privacy", "public") not in PRIVACY:
            raise ValueError(f"privacy must be one of {sorted(PRIVACY)}")
        if str(settings.get("category_id", "25")) not in CATEGORIES:
            raise ValueError("category_id is not an assignable YouTube category")
        if settings.get("on_window_close", "private") not in ("private", "delete"):
            raise ValueError("on_window_close must be 'private' or 'delete'")
        if settings.get("quota_model", "bucketed") not in QUOTA_MODELS:
            raise ValueError(f"quota_model must be one of {sorted(QUOTA_MODELS)}")
        for key in ("daily_units", "daily_inserts"):
            if not isinstance(settings.get(key, 1), int) or settings.get(key, 1) < 0:
                raise ValueError(f"{key} must be a whole number")
        chunk = settings.get("chunk_bytes", DEFAULT_CHUNK)
        if not isinstance(chunk, int) or chunk <= 0 or chunk % CHUNK_QUANTUM:
            raise ValueError("chunk_bytes must be a positive multiple of 262144 (256 KiB)")
        if not isinstance(settings.get("testing_mode", False), bool):
            raise ValueError("testing_mode must be true or false")

    def render(self, item: Item, target: Target) -> Rendered:
        return render_item(item, target, VIDEO_RULE, COVER_RULE)

    # --- publish, update, retract, reconcile ----------------------------------------------
    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        video_file, thumb = _files(rendered)
        resource = _with_marker(rendered.payload["resource"], key)
        part = str(rendered.payload["part"])
        async with self.client(target) as yt:
            session = self._sessions.get(key)
            offset = 0
            if session is not None:  # an earlier attempt of this delivery: go on from there
                state = await upload.status(yt, session)
                if state.video is not None:
                    return await self._finish(yt, state.video, thumb)
                offset = 0 if state.expired else state.committed
                if state.expired:
                    session = None
            if session is None:
                session = await upload.start(
                    yt, resource, part, video_file.rendition.size, video_file.rendition.content_type
                )
                self._sessions[key] = session
            source = upload.ByteSource(video_file.stream)
            video = await upload.send(
                yt, session, source, chunk_bytes=_chunk(target), offset=offset
            )
            self._sessions.pop(key, None)
            return await self._finish(yt, video, thumb)

    async def _finish(
        self, yt: YouTubeClient, video: dict[str, Any], thumb: MediaFile | None
    ) -> Remote:
        _check_processing(video)
        remote = Remote(str(video["id"]), WATCH + str(video["id"]))
        if thumb is not None:
            await self._thumbnail(yt, remote.remote_id, thumb)
        return remote

    async def _thumbnail(self, yt: YouTubeClient, video_id: str, thumb: MediaFile) -> None:
        """The cover as the custom thumbnail; a refusal leaves YouTube's own frame (logged)."""
        data = bytearray()
        async for chunk in thumb.stream():
            data += chunk
        try:
            await yt.set_thumbnail(video_id, bytes(data), thumb.rendition.content_type)
        except AuthError:
            raise
        except ChannelError as exc:
            log.warning("thumbnail of video %s not set (%s)", video_id, exc.kind)

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        """New title, description, tags and privacy; the video file itself cannot be replaced."""
        _, thumb = _files(rendered)
        async with self.client(target) as yt:
            found = await yt.videos([remote.remote_id])
            if not found:
                raise PermanentError("YouTube videos.update: the video is gone (videoNotFound)")
            current = found[0]
            _check_processing(current)
            wanted = rendered.payload["resource"]
            kept = [
                t for t in current.get("snippet", {}).get("tags", []) if str(t).startswith("loa-")
            ]
            snippet = {**wanted["snippet"], "tags": [*wanted["snippet"]["tags"], *kept]}
            status = dict(wanted["status"])
            if current.get("status", {}).get("privacyStatus") == "public":
                status.pop("publishAt", None)  # already public: nothing left to schedule
                if status.get("privacyStatus") == "private" and "publishAt" in wanted["status"]:
                    status["privacyStatus"] = "public"
            await yt.update_video(
                {"id": remote.remote_id, "snippet": snippet, "status": status}, "snippet,status"
            )
            if thumb is not None:
                await self._thumbnail(yt, remote.remote_id, thumb)
        return Remote(remote.remote_id, remote.url or WATCH + remote.remote_id)

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        """Make the video private (default) or delete it; a video already gone is done."""
        async with self.client(target) as yt:
            if target.settings.get("on_window_close", "private") == "delete":
                await yt.delete_video(remote.remote_id)
                return
            status = {"privacyStatus": "private", "selfDeclaredMadeForKids": False}
            try:
                await yt.update_video({"id": remote.remote_id, "status": status}, "status")
            except PermanentError as exc:
                if "videoNotFound" not in str(exc):
                    raise

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        """What an attempt under ``key`` created: the session's answer, else the marker."""
        async with self.client(target) as yt:
            session = self._sessions.get(key)
            if session is not None:
                state = await upload.status(yt, session)
                if state.video is not None:
                    self._sessions.pop(key, None)
                    return Remote(str(state.video["id"]), WATCH + str(state.video["id"]))
                if not state.expired:
                    return None  # incomplete: no video exists, publish resumes the session
            tag = marker(key)
            ids = await yt.recent_uploads()
            for video in await yt.videos(ids, part="snippet"):
                if tag in video.get("snippet", {}).get("tags", []):
                    return Remote(str(video["id"]), WATCH + str(video["id"]))
        return None

    async def check_connection(self, target: Target) -> str:
        """The channel the grant speaks for answers (``channels.list?mine=true``)."""
        async with self.client(target) as yt:
            channel_id = await yt.my_channel()
        return f"Kênh YouTube {channel_id} trả lời (the YouTube channel answers)"

    def client(self, target: Target) -> YouTubeClient:
        s = target.settings
        account = Account(
            api_base=str(s.get("api_base", API_BASE)),
            token_url=str(s.get("token_url", TOKEN_URL)),
            client_id=str(s.get("client_id", "")),
            client_secret=target.secrets.get("client_secret", ""),
            refresh_token=target.secrets.get("refresh_token", ""),
            access_token=target.secrets.get("access_token", ""),
        )
        if not account.refresh_token and not account.access_token:
            raise AuthError(f"YouTube target {target.name!r} is not connected (no grant)")
        return YouTubeClient(
            account,
            timeout=target.timeout,
            allow_networks=target.allow_networks,
            transport=self._transport,
        )


def _files(rendered: Rendered) -> tuple[MediaFile, MediaFile | None]:
    videos = [f for f in rendered.files if f.media.role == "video"]
    if not videos:
        raise PermanentError("the rendered item carries no video")
    covers = [f for f in rendered.files if f.media.role == "cover"]
    return videos[0], (covers[0] if covers else None)


def _with_marker(resource: Mapping[str, Any], key: str) -> dict[str, Any]:
    snippet = dict(resource["snippet"])
    snippet["tags"] = [*snippet.get("tags", []), marker(key)]
    return {**resource, "snippet": snippet}


def _chunk(target: Target) -> int:
    return int(target.settings.get("chunk_bytes", DEFAULT_CHUNK))


def _check_processing(video: Mapping[str, Any]) -> None:
    status = video.get("status") or {}
    state = status.get("uploadStatus")
    if state in ("failed", "rejected"):
        why = status.get("failureReason") or status.get("rejectionReason") or state
        raise PermanentError(f"YouTube could not process the video (processingFailure: {why})")
