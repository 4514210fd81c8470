"""The test channel's webhooks (``core.Webhooks``), signed like Facebook's.

GET: ``hub.mode=subscribe`` with the target's ``verify_token`` echoes ``hub.challenge``.
POST: ``X-Hub-Signature-256: sha256=<HMAC-SHA256(app_secret, raw body)>``, compared in
constant time; the body is ``{"events": [{"id", "type": "comment"|"message"|"status", …}]}``.
A status with ``"refused": true`` (and its ``reason``) says the platform no longer shows the
post by its own decision: a ``StatusEvent(refused=True)``.
"""

from __future__ import annotations

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
    hub_challenge,
    require_sha256_signature,
)


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
        return hub_challenge(request, target.secrets.get("verify_token", ""))

    def receive(self, target: Target, request: InboundRequest) -> list[WebhookEvent]:
        given = request.headers.get("x-hub-signature-256", "")
        require_sha256_signature(target.secrets.get("app_secret", ""), request.body, given)
        return [_event(e) for e in json.loads(request.body)["events"]]
