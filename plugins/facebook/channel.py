"""The Facebook Page channel: render, publish, update, retract, reconcile, comments.

Facebook has no idempotency key, so every post carries Loa's marker, a short digest of the
delivery key (``Mã tin Loa: …``); after an unknown outcome ``reconcile`` reads the Page's
recent and scheduled posts for it, and a timeout never becomes a second post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import httpx

from core import (
    AuthError,
    Capabilities,
    ChannelError,
    CitizenComment,
    Item,
    RateLimited,
    Remote,
    Rendered,
    Target,
)
from plugins.facebook.client import DEFAULT_GRAPH, DEFAULT_VERSION, GraphClient, GraphComment
from plugins.facebook.connect import ConnectMixin
from plugins.facebook.graph_errors import Gone
from plugins.facebook.render import MEDIA, build
from plugins.facebook.settings_form import SCHEMA
from plugins.facebook.webhooks import WebhookMixin

log = logging.getLogger("loa.plugins.facebook")
#: Facebook's scheduling window (Posts guide): 10 minutes to 30 days ahead.
SCHEDULE_MIN = dt.timedelta(minutes=10)
SCHEDULE_MAX = dt.timedelta(days=30)
_DIGITS = re.compile(r"^\d{1,32}$")
_VERSION = re.compile(r"^v\d{1,3}\.\d$")


def marker(key: str) -> str:
    """The line that lets reconcile recognise a post made under ``key``."""
    return "Mã tin Loa: " + hashlib.sha256(key.encode()).hexdigest()[:12]


def _ts(text: str) -> int:
    try:
        return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").timestamp())
    except ValueError:
        return 0


class FacebookChannel(ConnectMixin, WebhookMixin):
    """A Facebook Page, reached through the Graph API with its Page token."""

    name = "facebook"
    title = "Facebook Page"
    #: Restrictive age minimum and region (``targeting``); the window by scheduling and
    #: take-down. Gender and age maximum are only preferences (``feed_targeting``), and a
    #: post's comments cannot be switched off by the API: both stay in the fidelity report.
    capabilities = Capabilities(
        audience=frozenset({"age", "scope", "window"}),
        max_title_chars=1000,
        requires_cover=False,
        media=MEDIA,
        can_update=True,
        can_retract=True,
        can_read_interactions=True,
        destinations=frozenset({"page_id", "app_id", "graph_url"}),
    )
    settings_schema = SCHEMA

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        for key in ("page_id", "app_id"):
            if not _DIGITS.match(str(settings.get(key, ""))):
                raise ValueError(f"{key} is required: the numeric id Facebook gives it")
        url = str(settings.get("graph_url", DEFAULT_GRAPH))
        if not url.startswith(("https://", "http://")) or "?" in url or "#" in url:
            raise ValueError("graph_url must be an absolute http(s) URL without a query")
        if not _VERSION.match(str(settings.get("graph_version", DEFAULT_VERSION))):
            raise ValueError("graph_version looks like v26.0")
        keys = settings.get("region_keys", {})
        if not isinstance(keys, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k and v for k, v in keys.items()
        ):
            raise ValueError("region_keys maps old province codes to Facebook region keys")
        if not secrets.get("app_secret"):
            raise ValueError("secret 'app_secret' is required (the Meta app's secret)")

    def client(self, target: Target, token: str | None = None) -> GraphClient:
        return GraphClient(
            page_id=str(target.settings.get("page_id", "")),
            token=target.secrets.get("page_token", "") if token is None else token,
            app_secret=target.secrets.get("app_secret", ""),
            graph_url=str(target.settings.get("graph_url", DEFAULT_GRAPH)),
            version=str(target.settings.get("graph_version", DEFAULT_VERSION)),
            timeout=target.timeout,
            allow=target.allow_networks,
            transport=self._transport,
        )

    # --- render and publish --------------------------------------------------------------

    def render(self, item: Item, target: Target) -> Rendered:
        wanted = target.settings.get("attribution_comment", True) is not False
        keys = target.settings.get("region_keys")
        payload, files, preview = build(
            item, first_comment=wanted, region_keys=keys if isinstance(keys, dict) else None
        )
        return Rendered(payload=payload, text=payload["message"], preview=preview, files=files)

    def _schedule(self, payload: Mapping[str, Any]) -> dict[str, str]:
        """``published=false`` with a time when the window opens 10 min–30 days ahead."""
        raw = payload.get("visible_from")
        if not raw:
            return {}
        when = dt.datetime.fromisoformat(raw)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        ahead = when - dt.datetime.now(dt.UTC)
        if ahead > SCHEDULE_MAX:
            wait = (ahead - SCHEDULE_MAX + dt.timedelta(minutes=5)).total_seconds()
            raise RateLimited(
                "Facebook hẹn giờ tối đa 30 ngày: sẽ gửi sau"
                " (Facebook schedules at most 30 days ahead: sent later)",
                wait,
            )
        if ahead < SCHEDULE_MIN:
            return {}
        return {"published": "false", "scheduled_publish_time": str(int(when.timestamp()))}

    @staticmethod
    def _audience(payload: Mapping[str, Any]) -> dict[str, str]:
        fields = {}
        for name in ("targeting", "feed_targeting"):
            if payload.get(name):
                fields[name] = json.dumps(payload[name], separators=(",", ":"))
        return fields

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        payload = rendered.payload
        client = self.client(target)
        message = f"{payload['message']}\n\n{marker(key)}"
        extra = {**self._schedule(payload), **self._audience(payload)}
        if payload["kind"] == "video":
            file = rendered.files[0]
            app_id = str(target.settings.get("app_id", ""))
            handle = await client.upload_video(
                app_id, file.media.filename or "video.mp4", file.rendition.size, file.stream()
            )
            fields = {
                "fbuploader_video_file_chunk": handle,
                "title": payload["title"][:255],
                "description": message,
                **extra,
            }
            post_id = await client.create_video(fields)
        else:
            fields = {"message": message, **extra}
            if payload["kind"] == "photos":
                ids = []
                for file in rendered.files:
                    data = b"".join([chunk async for chunk in file.stream()])
                    name = file.media.filename or f"{file.media.uid}.jpg"
                    ids.append(await client.upload_photo(data, file.rendition.content_type, name))
                fields["attached_media"] = json.dumps([{"media_fbid": i} for i in ids])
            elif payload.get("link"):
                fields["link"] = payload["link"]
            post_id = await client.create_post(fields)
        if payload.get("first_comment") and "scheduled_publish_time" not in extra:
            await self._first_comment(client, post_id, payload["first_comment"])
        return Remote(post_id, f"https://www.facebook.com/{post_id}")

    async def _first_comment(self, client: GraphClient, post_id: str, text: str) -> None:
        """The source and canonical link under the post; the post stands if this fails."""
        try:
            await client.comment(post_id, text)
        except ChannelError as exc:
            log.warning("first comment on %s not posted: %s", post_id, type(exc).__name__)

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        """Facebook lets a post's text change, not its media (CONTRACT.md §3)."""
        message = f"{rendered.payload['message']}\n\n{marker(key)}"
        await self.client(target).update_post(remote.remote_id, message)
        return Remote(
            remote.remote_id, remote.url or f"https://www.facebook.com/{remote.remote_id}"
        )

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        try:
            await self.client(target).delete(remote.remote_id)
        except Gone:
            return  # already deleted (by a person on Facebook, or an earlier attempt)

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        line = marker(key)
        for post in await self.client(target).recent_posts():
            if line in str(post.get("message", "")):
                post_id = str(post["id"])
                return Remote(post_id, str(post.get("permalink_url") or ""))
        return None

    # --- comments ------------------------------------------------------------------------

    async def fetch_comments(
        self, target: Target, *, since: str | None = None
    ) -> list[CitizenComment]:
        """Citizens' comments on the Page's recent posts newer than ``since`` (unix time)."""
        after = int(since) if since and since.isdigit() else 0
        client = self.client(target)
        page_id = client.page_id
        out: list[CitizenComment] = []
        for post in await client.page_posts():
            for c in await client.comments(str(post["id"]), after):
                if c.from_id != page_id:
                    out.append(_citizen(c))
        out.sort(key=lambda c: int(c.cursor))
        return out

    async def hide_comment(self, target: Target, *, comment_id: str) -> None:
        await self.client(target).hide_comment(comment_id)

    async def delete_comment(self, target: Target, *, comment_id: str) -> None:
        try:
            await self.client(target).delete(comment_id)
        except Gone:
            return

    async def reply(self, target: Target, *, to: str, text: str, key: str) -> Remote:
        """A reply under the citizen's comment, posted as the Page (Page token)."""
        if not target.secrets.get("page_token"):
            raise AuthError("the Page is not connected: no Page token")
        reply_id = await self.client(target).comment(to, text)
        return Remote(reply_id, f"https://www.facebook.com/{reply_id}")

    async def check_connection(self, target: Target) -> str:
        """The Page answers with its Page token (its settings: may visitors post? S4.4)."""
        if not target.secrets.get("page_token"):
            raise AuthError("the Page is not connected: no Page token")
        if await self.client(target).users_can_post():
            return (
                "Trang trả lời, nhưng đang cho khách đăng bài lên Trang: hãy tắt trên Facebook"
                " (the Page answers, but lets visitors post: switch it off on Facebook)"
            )
        return "Trang trả lời (the Page answers)"

    async def visitor_posts_allowed(self, target: Target) -> bool | None:
        return await self.client(target).users_can_post()


def _citizen(c: GraphComment) -> CitizenComment:
    ts = _ts(c.created_time)
    created = dt.datetime.fromtimestamp(ts, dt.UTC) if ts else None
    return CitizenComment(
        remote_id=c.id,
        remote_item_id=c.post_id,
        author_id=c.from_id,
        author_name=c.from_name,
        text=c.message,
        cursor=str(ts),
        created_at=created,
        hidden=c.is_hidden,
    )
