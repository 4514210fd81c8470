"""The VNeID "Tin tức" channel, in one of two modes chosen by the target's ``mode`` setting.

- ``assisted`` (the default, how VNeID works today, S0.6): every publish, update and
  take-down is a task for the police of the item's area, with the kit (``kit.py``). The
  operator records the post's id or link and the delivery completes.
- ``partner``: the ASSUMED partner API of CONTRACT.md (not a published VNeID spec), called
  through ``client.py``: create with audience and window, platform review, read back,
  interactions, withdraw.

Both modes render the same way (``render.py``): switching a target from one to the other
is a settings change, nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from core import (
    AssistRequired,
    AuthError,
    Capabilities,
    CitizenComment,
    InboundRequest,
    Item,
    MediaAccepts,
    MediaRule,
    Remote,
    Rendered,
    Target,
    WebhookEvent,
    WebhookRefused,
)
from plugins.vneid import kit, webhooks
from plugins.vneid.client import PartnerClient
from plugins.vneid.render import COVER, MAX_TITLE, render
from plugins.vneid.settings_form import API_KEY, MODES, SCHEMA


def mode(target: Target) -> str:
    return str(target.settings.get("mode") or "assisted")


class VneidChannel:
    name = "vneid"
    title = "VNeID Tin tức"
    capabilities = Capabilities(
        audience=frozenset({"age", "gender", "scope", "window", "interactions"}),
        max_title_chars=MAX_TITLE,
        requires_cover=True,
        media=MediaAccepts(
            cover=COVER,
            gallery=MediaRule(max_count=0),
            video=MediaRule(max_count=0),
            attachment=MediaRule(max_count=0),
        ),
        can_update=True,
        can_retract=True,
        can_read_interactions=True,
        destinations=frozenset({"api_url"}),
    )
    settings_schema = SCHEMA

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        chosen = settings.get("mode", "assisted")
        if chosen not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        letter = settings.get("letter", {})
        if not isinstance(letter, dict) or not all(isinstance(v, str) for v in letter.values()):
            raise ValueError("letter must map names (issuer, symbol, signer_name…) to text")
        if chosen == "partner":
            url = settings.get("api_url")
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("partner mode needs api_url, an absolute http(s) URL")
            if not secrets.get(API_KEY):
                raise ValueError(f"partner mode needs the secret {API_KEY!r}")

    def render(self, item: Item, target: Target) -> Rendered:
        return render(item, target)

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        if mode(target) == "assisted":
            raise AssistRequired(kit.publish_task(rendered.payload))
        return await self._client(target).create(rendered, key=key)

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        if mode(target) == "assisted":
            raise AssistRequired(kit.publish_task(rendered.payload, update_of=remote))
        return await self._client(target).update(remote.remote_id, rendered, key=key)

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        if mode(target) == "assisted":
            raise AssistRequired(kit.take_down_task(remote))
        await self._client(target).withdraw(remote.remote_id, key=key)

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        if mode(target) == "assisted":
            return None  # Loa itself never sent anything
        return await self._client(target).find(key)

    async def fetch_comments(
        self, target: Target, *, since: str | None = None
    ) -> list[CitizenComment]:
        """Citizens' comments (partner mode); in assisted mode operators record them."""
        if mode(target) == "assisted":
            return []
        return await self._client(target).comments(since)

    async def hide_comment(self, target: Target, *, comment_id: str) -> None:
        if mode(target) == "partner":
            await self._client(target).hide(comment_id)

    def verify_subscription(self, target: Target, request: InboundRequest) -> str:
        raise WebhookRefused("the VNeID partner API makes no verification GET")

    def receive(self, target: Target, request: InboundRequest) -> list[WebhookEvent]:
        """Review outcomes and comments, pushed by the platform (partner mode)."""
        if mode(target) != "partner":
            raise WebhookRefused("an assisted VNeID target receives no webhooks")
        return webhooks.receive(target, request)

    async def check_connection(self, target: Target) -> str:
        """Partner mode: the API answers (asked about a key never used); assisted: nothing
        to reach, an operator posts."""
        if mode(target) == "assisted":
            return "Kênh đăng thủ công: không có gì để kết nối (assisted: nothing to connect)"
        await self._client(target).find(f"loa-check-{uuid.uuid4().hex}")
        return "API đối tác trả lời (the partner API answers)"

    def _client(self, target: Target) -> PartnerClient:
        api_key = target.secrets.get(API_KEY, "")
        if not api_key:
            raise AuthError(f"VNeID target {target.name!r} has no API key: connect it again")
        return PartnerClient(
            str(target.settings.get("api_url", "")),
            api_key,
            timeout=target.timeout,
            allow_networks=target.allow_networks,
            transport=self._transport,
        )
