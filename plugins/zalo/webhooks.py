"""Zalo's webhook: ``X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp + OA secret)>``.

Plain SHA-256, not HMAC (CONTRACT.md §5). The timestamp is the body's own ``timestamp``
field (a string of milliseconds); every id is a string. Direct messages (``user_send_text``)
become :class:`core.MessageEvent`; other events are acknowledged and dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from core import InboundRequest, MessageEvent, Target, WebhookEvent, WebhookRefused

#: Events that carry a citizen's text.
TEXT_EVENTS = frozenset({"user_send_text", "user_send_link"})


def signature(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    data = app_id.encode() + body + timestamp.encode() + oa_secret.encode()
    return hashlib.sha256(data).hexdigest()


def receive(target: Target, request: InboundRequest) -> list[WebhookEvent]:
    """Verify the signature over the raw body, then read the events it carries."""
    secret = target.secrets.get("oa_secret_key", "")
    app_id = str(target.settings.get("app_id", ""))
    given = request.headers.get("x-zevent-signature", "").removeprefix("mac=")
    doc = json.loads(request.body)
    if not isinstance(doc, dict):
        raise ValueError("the webhook body is not an object")
    timestamp = str(doc["timestamp"])
    if not secret or not app_id:
        raise WebhookRefused("the target has no app id or OA secret key")
    expected = signature(app_id, request.body, timestamp, secret)
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebhookRefused("bad signature")
    oa_id = str(target.settings.get("oa_id", ""))
    if oa_id and str(doc.get("recipient", {}).get("id", "")) not in ("", oa_id):
        raise WebhookRefused("the event is for another OA")
    if doc.get("event_name") not in TEXT_EVENTS:
        return []
    message = doc["message"]
    when = dt.datetime.fromtimestamp(int(timestamp) / 1000, dt.UTC)
    msg_id = str(message["msg_id"])
    return [
        MessageEvent(
            event_id=msg_id,
            remote_id=msg_id,
            author_id=str(doc["sender"]["id"]),
            author_name="",
            text=str(message.get("text", "")),
            created_at=when,
        )
    ]
