"""What Loa does with a plugin's verified webhook events, each once per (target, event id).

Comments and direct messages go through the interactions pipeline (moderation; what it
blocks is hidden on the channel when the channel can hide); a status change is recorded
in the audit log and emitted (``webhook.status``) for observers; one that says the platform
refused or removed a post Loa delivered (``refused``) also fails that delivery and tells
the people concerned (``core.delivery.refusals``, event ``delivery.refused``). The event row
and what it changes are written in one transaction per event: a redelivered event, or two
deliveries racing, record it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.context import Context
from core.contract.channels import CitizenComment
from core.contract.webhooks import CommentEvent, MessageEvent, StatusEvent, WebhookEvent
from core.db import utcnow
from core.delivery import refusals
from core.interactions import feedback
from core.interactions.reading import Report, record_comments, tell_held
from core.targets.models import ChannelTarget
from core.webhooks.models import ReceivedEvent

log = logging.getLogger("loa.webhooks")


@dataclass
class Intake:
    received: int = 0
    duplicates: int = 0
    comments: int = 0
    statuses: int = 0
    refusals: int = 0


def _comment(event: CommentEvent | MessageEvent) -> CitizenComment:
    if isinstance(event, CommentEvent):
        return event.comment
    # A direct message has no item: it is judged and kept like a comment on none.
    return CitizenComment(
        remote_id=event.remote_id,
        remote_item_id="",
        author_id=event.author_id,
        author_name=event.author_name,
        text=event.text,
        cursor="",
        created_at=event.created_at,
    )


def _seen(ctx: Context, target_id: int, event_id: str) -> bool:
    with ctx.sessions() as session:
        return (
            session.scalar(
                select(ReceivedEvent.id).where(
                    ReceivedEvent.target_id == target_id, ReceivedEvent.event_id == event_id
                )
            )
            is not None
        )


def take(ctx: Context, row: ChannelTarget, events: list[WebhookEvent]) -> Intake:
    """Process each event not processed before; return what was done."""
    done = Intake()
    for event in events:
        event_id = event.event_id[:200]
        if _seen(ctx, row.id, event_id):
            done.duplicates += 1
            continue
        kind = {CommentEvent: "comment", MessageEvent: "message"}.get(type(event), "status")
        refusal: refusals.Refusal | None = None
        read = Report()
        try:
            with ctx.transaction() as session:
                session.add(ReceivedEvent(target_id=row.id, event_id=event_id, kind=kind))
                session.flush()  # a concurrent delivery of the same event fails here
                if isinstance(event, StatusEvent):
                    audit.record(
                        session,
                        actor="system",
                        action="webhook.status",
                        subject_type="channel_target",
                        subject_id=row.id,
                        data={"remote_id": event.remote_id[:300], "status": event.status[:64]},
                    )
                    if event.refused:
                        refusal = refusals.record(
                            session, row, event.remote_id[:300], event.detail, now=utcnow()
                        )
                else:
                    record_comments(session, ctx, row, [_comment(event)], read)
                    if isinstance(event, MessageEvent):  # a message to the office: feedback too
                        feedback.from_message(session, ctx, row, event.remote_id)
        except IntegrityError:
            done.duplicates += 1
            continue
        done.received += 1
        if isinstance(event, StatusEvent):
            done.statuses += 1
            ctx.emit(
                "webhook.status",
                {"target": row.id, "remote_id": event.remote_id, "status": event.status},
            )
            if refusal is not None:
                done.refusals += 1
                ctx.emit("delivery.refused", refusal.payload())
        else:
            done.comments += 1
            tell_held(ctx, read)
    return done
