"""The portal channel: push an article to a commune/province portal by signed webhook.

A portal receiver is told what happened to an article (``article.published``,
``article.updated``, ``article.withdrawn``) and answers where it keeps it. The
delivery ``key`` travels as ``webhook-id``: receivers must dedupe by it, so a
retry after a timeout never creates a second article, and ``reconcile`` can ask
about that same id (see CONTRACT.md).
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from core import (
    AuthError,
    Capabilities,
    CitizenComment,
    Item,
    Remote,
    Rendered,
    Target,
)
from plugins.portal.client import Comment, PortalClient, secret_key_bytes
from plugins.portal.dates import rfc3339
from plugins.portal.plaintext import html_to_text
from plugins.portal.settings_form import NEXT_SECRET_KEY, SCHEMA, SECRET_KEY

EVENT_PUBLISHED = "article.published"
EVENT_UPDATED = "article.updated"
EVENT_WITHDRAWN = "article.withdrawn"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _citizen(c: Comment) -> CitizenComment:
    """The portal's comment in core's shape; its sequence number is the cursor."""
    try:
        created: dt.datetime | None = dt.datetime.fromisoformat(c.created_at)
    except (TypeError, ValueError):
        created = None
    return CitizenComment(
        remote_id=c.id,
        remote_item_id=c.article_id,
        author_id=c.author_id,
        author_name=c.author_name,
        text=c.text,
        cursor=c.id,
        created_at=created,
        hidden=c.hidden,
    )


class PortalChannel:
    """Commune/province portal reached by a Standard Webhooks receiver."""

    name = "portal"
    title = "Cổng thông tin điện tử (web portal)"
    #: A portal can honour the viewing window and switch comments off; it has no
    #: logged-in audience, so it cannot restrict by age, gender or area.
    capabilities = Capabilities(
        audience=frozenset({"window", "interactions"}),
        max_title_chars=500,
        requires_cover=False,
        can_update=True,
        can_retract=True,
        can_read_interactions=True,
        destinations=frozenset({"webhook_url"}),
    )

    settings_schema = SCHEMA

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    async def check_connection(self, target: Target) -> str:
        """Ask the receiver about a message never sent: it must accept our signature."""
        await self._client(target).lookup(f"msg_check_{uuid.uuid4().hex}")
        return "Cổng nhận chữ ký và trả lời (the portal accepted the signature and answered)"

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        """Raise ``ValueError`` for a channel admin; never quotes a secret."""
        url = settings.get("webhook_url")
        if not isinstance(url, str) or not url:
            raise ValueError("webhook_url is required")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("webhook_url must be an absolute http(s) URL")
        if parts.query or parts.fragment:
            raise ValueError("webhook_url must not carry a query string or fragment")
        secret = secrets.get(SECRET_KEY)
        if not secret:
            raise ValueError(f"secret {SECRET_KEY!r} is required (format whsec_<base64>)")
        try:
            secret_key_bytes(secret)
        except ValueError as exc:
            raise ValueError(f"{SECRET_KEY}: {exc}") from None
        if secrets.get(NEXT_SECRET_KEY):
            try:
                secret_key_bytes(secrets[NEXT_SECRET_KEY])
            except ValueError as exc:
                raise ValueError(f"{NEXT_SECRET_KEY}: {exc}") from None

    def render(self, item: Item, target: Target) -> Rendered:
        """The article in a shape close to vnPortal's public API (see CONTRACT.md)."""
        audience = item.audience
        image = (
            {"url": item.cover_url, "caption": _nfc(item.cover_caption)} if item.cover_url else None
        )
        payload: dict[str, Any] = {
            "id": item.uid,
            "revision": item.revision,
            "slug": item.slug,
            "title": _nfc(item.title),
            "summary": _nfc(item.summary),
            "content_html": _nfc(item.body_html) or _figure(item),
            "image": image,
            "category": _nfc(item.category),
            "unit": {"code": item.unit_code, "name": _nfc(item.unit_name)},
            "source": _nfc(item.source),
            "author": _nfc(item.author),
            "agency": _nfc(item.agency),
            "url": item.url,
            "published_at": rfc3339(item.published_at),
            "updated_at": rfc3339(item.updated_at),
            "visible_from": rfc3339(audience.visible_from),
            "visible_until": rfc3339(audience.visible_until),
            "interactions_allowed": audience.interactions_allowed,
        }
        parts = [payload["title"], payload["summary"], html_to_text(item.body_html)]
        if image and image["caption"]:
            parts.append(image["caption"])
        return Rendered(payload=payload, text="\n\n".join(p for p in parts if p))

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        return await self._client(target).send(EVENT_PUBLISHED, rendered.payload, message_id=key)

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        data = {**rendered.payload, "portal_id": remote.remote_id}
        return await self._client(target).send(EVENT_UPDATED, data, message_id=key)

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        data = {"portal_id": remote.remote_id}
        await self._client(target).send(EVENT_WITHDRAWN, data, message_id=key)

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        """What the message sent under ``key`` produced, asked of the receiver.

        ``None`` (never processed, or the receiver has no lookup endpoint) is
        safe: the retry reuses ``key`` and the receiver dedupes it.
        """
        return await self._client(target).lookup(key)

    async def fetch_comments(
        self, target: Target, *, since: str | None = None
    ) -> list[CitizenComment]:
        """Citizens' comments newer than ``since`` (the portal's comment sequence number)."""
        after = int(since) if since and since.isdigit() else 0
        return [_citizen(c) for c in await self._client(target).list_comments(after)]

    async def hide_comment(self, target: Target, *, comment_id: str) -> None:
        await self._client(target).hide_comment(comment_id)

    def _client(self, target: Target) -> PortalClient:
        secrets = [target.secrets.get(SECRET_KEY, "")]
        if target.secrets.get(NEXT_SECRET_KEY):
            secrets.append(target.secrets[NEXT_SECRET_KEY])
        try:
            return PortalClient(
                str(target.settings.get("webhook_url", "")),
                secrets,
                timeout=target.timeout,
                allow_networks=target.allow_networks,
                transport=self._transport,
            )
        except ValueError as exc:
            raise AuthError(f"portal target {target.name!r} is misconfigured: {exc}") from None


def _figure(item: Item) -> str:
    """A banner or notice without a body still needs content on a portal: its image, or title."""
    if item.cover_url:
        src, caption = html.escape(item.cover_url), html.escape(item.cover_caption)
        return (
            f'<figure><img src="{src}" alt="{caption}"><figcaption>{caption}</figcaption></figure>'
        )
    return f"<p>{html.escape(item.summary or item.title)}</p>"
