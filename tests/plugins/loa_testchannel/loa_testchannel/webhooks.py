"""The test channel's webhooks (``core.Webhooks``), signed like Facebook's.

GET: ``hub.mode=subscribe`` with the target's ``verify_token`` echoes ``hub.challenge``.
POST: ``X-Hub-Signature-256: sha256=<HMAC-SHA256(app_secret, raw body)>``, compared in
constant time; the body is ``{"events": [{"id", "type": "comment"|"message"|"status", …}]}``.
A status with ``"refused": true`` (and its ``reason``) says the platform no longer shows the
post by its own decision: a ``StatusEvent(refused=True)``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from core import (
    CitizenComment,
    CommentEvent,
    InboundRequest,
    MessageEvent,
    StatusEvent,
    Target,
    WebhookEvent,
    WebhookRefused,
)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _event(raw: dict[str, Any]) -> WebhookEvent:
    kind = raw["type"]
    if kind == "comment":
        comment = CitizenComment(
            remote_id=raw["comment_id"],
            remote_item_id=raw["post_id"],
            author_id=raw["from_id"],
            author_name=raw.get("from_name", ""),
            text=raw["message"],
            cursor="",
        )
        return CommentEvent(raw["id"], comment)
    if kind == "message":
        return MessageEvent(raw["id"], raw["message_id"], raw["from_id"], "", raw["message"])
    if kind == "status":
        refused = raw.get("refused", False) is True
        return StatusEvent(
            raw["id"], raw["post_id"], raw["status"], raw.get("reason", ""), refused=refused
        )
    raise ValueError(f"unknown event type {kind!r}")


class WebhookMixin:
    def verify_subscription(self, target: Target, request: InboundRequest) -> str:
        token = target.secrets.get("verify_token", "")
        given = request.query.get("hub.verify_token", "")
        if request.query.get("hub.mode") != "subscribe" or not token:
            raise WebhookRefused("not a subscription check")
        if not hmac.compare_digest(token.encode(), given.encode()):
            raise WebhookRefused("wrong verify token")
        return request.query.get("hub.challenge", "")

    def receive(self, target: Target, request: InboundRequest) -> list[WebhookEvent]:
        secret = target.secrets.get("app_secret", "")
        given = request.headers.get("x-hub-signature-256", "")
        if not secret or not hmac.compare_digest(
            signature(secret, request.body).encode(), given.encode()
        ):
            raise WebhookRefused("bad signature")
        return [_event(e) for e in json.loads(request.body)["events"]]
