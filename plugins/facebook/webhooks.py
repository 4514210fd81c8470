"""Facebook's webhooks for a Page: the ``hub.challenge`` handshake and signed ``feed`` changes.

GET ``hub.mode=subscribe&hub.verify_token=…&hub.challenge=…``: echo the challenge when the
verify token is the target's. POST: ``X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret,
raw body)>``, compared in constant time; each ``entry`` may carry several ``changes``.
A citizen's comment becomes a ``CommentEvent``; a visitor's post on the Page a
``MessageEvent``; one of the Page's posts removed a ``StatusEvent``.
"""

from __future__ import annotations

import datetime as dt
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

POST_ITEMS = frozenset({"status", "post", "photo", "video", "share"})


def _when(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _event(page_id: str, value: dict[str, Any]) -> WebhookEvent | None:
    item, verb = value.get("item"), value.get("verb")
    author = value.get("from") or {}
    from_id = str(author.get("id", ""))
    if item == "comment" and verb in ("add", "edited") and from_id != page_id:
        comment = CitizenComment(
            remote_id=str(value["comment_id"]),
            remote_item_id=str(value["post_id"]),
            author_id=from_id,
            author_name=str(author.get("name", "")),
            text=str(value.get("message", "")),
            cursor=str(value.get("created_time", "")),
            created_at=_when(value.get("created_time")),
        )
        return CommentEvent(
            f"{value['comment_id']}:{verb}:{value.get('created_time', '')}", comment
        )
    if item in POST_ITEMS and verb == "add" and from_id and from_id != page_id:
        return MessageEvent(
            f"{value['post_id']}:visitor",
            str(value["post_id"]),
            from_id,
            str(author.get("name", "")),
            str(value.get("message", "")),
            _when(value.get("created_time")),
        )
    if item in POST_ITEMS and verb == "remove":
        return StatusEvent(f"{value['post_id']}:remove", str(value["post_id"]), "removed")
    return None


class WebhookMixin:
    def verify_subscription(self, target: Target, request: InboundRequest) -> str:
        return hub_challenge(request, target.secrets.get("verify_token", ""))

    def receive(self, target: Target, request: InboundRequest) -> list[WebhookEvent]:
        given = request.headers.get("x-hub-signature-256", "")
        require_sha256_signature(target.secrets.get("app_secret", ""), request.body, given)
        doc = json.loads(request.body)
        if doc.get("object") != "page":
            raise ValueError("not a page webhook")
        page_id = str(target.settings.get("page_id", ""))
        events: list[WebhookEvent] = []
        for entry in doc["entry"]:
            if str(entry.get("id")) != page_id:
                continue  # another Page of the same app: not this target's
            for change in entry.get("changes", []):
                if change.get("field") == "feed" and isinstance(change.get("value"), dict):
                    event = _event(page_id, change["value"])
                    if event is not None:
                        events.append(event)
        return events
