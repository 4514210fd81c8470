"""Status and comment webhooks of the ASSUMED partner API (CONTRACT.md §5): the platform tells
Loa when its reviewers decide (approved, rejected with a reason), when an announcement is
published or expires, and when a citizen comments.

A rejection is a ``StatusEvent(refused=True)``: the announcement is not shown, so core
turns its delivery into a failed one with the reviewers' reason and tells the item's
editors and the channel admins (``delivery.refused``).

``X-VNeID-Signature: sha256=<hex HMAC-SHA256(webhook_secret, raw body)>``, checked in
constant time over the raw bytes; several events per POST, each with a stable ``id``.
"""

from __future__ import annotations

import datetime as dt
import json

from core import (
    CitizenComment,
    CommentEvent,
    InboundRequest,
    StatusEvent,
    Target,
    WebhookEvent,
    require_sha256_signature,
)

SECRET = "webhook_secret"
HEADER = "x-vneid-signature"


def _when(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def receive(target: Target, request: InboundRequest) -> list[WebhookEvent]:
    given = request.headers.get(HEADER, "")
    refusal = "bad or missing X-VNeID-Signature"
    require_sha256_signature(target.secrets.get(SECRET, ""), request.body, given, refusal)
    events: list[WebhookEvent] = []
    for e in json.loads(request.body)["events"]:
        if e["type"] == "announcement.status":
            events.append(
                StatusEvent(
                    event_id=str(e["id"]),
                    remote_id=str(e["announcement_id"]),
                    status=str(e["status"]),
                    detail=str(e.get("reason", "")),
                    # Rejected by the Ministry's reviewers, possibly after Loa recorded the
                    # announcement as created: core fails that delivery with the reason.
                    refused=e["status"] == "rejected",
                )
            )
        elif e["type"] == "interaction.created" and e["interaction"]["kind"] == "comment":
            i = e["interaction"]
            comment = CitizenComment(
                remote_id=str(i["id"]),
                remote_item_id=str(i["announcement_id"]),
                author_id=str(i["author_ref"]),
                author_name=str(i.get("author_name", "")),
                text=str(i.get("text", "")),
                cursor=str(i["seq"]),
                created_at=_when(i.get("created_at")),
            )
            events.append(CommentEvent(event_id=str(e["id"]), comment=comment))
    return events
