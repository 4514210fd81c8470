"""The desk's bell: what waits for me, newest concern first.

A step I may decide, a delivery that failed or needs a person, an item whose window closes
soon, a citizen's comment held for moderation on a channel I moderate (held too long:
overdue), citizens' feedback near or past its acknowledgement deadline that I must take up.
Built from the home page's :class:`core.actions.desk.Overview` (already filtered to what the
actor may read) and the moderation queue (its own permission: approvers moderate).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.actions.desk import Overview
from core.auth.permissions import Actor, Permission
from core.context import Context
from core.delivery.models import DeliveryState
from core.interactions import actions as moderation
from core.interactions import inbox as feedback_inbox
from core.interactions.held_alerts import is_overdue
from core.interactions.models import CommentState

#: Delivery states a notice is raised for (waiting and retrying sort themselves out).
FAILED = frozenset({DeliveryState.FAILED, DeliveryState.NEEDS_ATTENTION, DeliveryState.UNKNOWN})
#: How many held comments the bell lists.
HELD_LIMIT = 20


class Kind(enum.StrEnum):
    STEP = "step"
    DELIVERY_FAILED = "delivery_failed"
    EXPIRING = "expiring"
    COMMENT_HELD = "comment_held"
    FEEDBACK_LATE = "feedback_late"
    COMMENT_OVERDUE = "comment_overdue"


@dataclass(frozen=True)
class Notice:
    kind: Kind
    title: str
    #: The admin page where the person acts on it.
    link: str
    note: str = ""


def _held(ctx: Context, actor: Actor) -> list[Notice]:
    if not actor.paths(Permission.APPROVE):
        return []
    held = moderation.queue(ctx, actor, CommentState.HELD, limit=HELD_LIMIT)
    return [
        Notice(
            Kind.COMMENT_OVERDUE if is_overdue(ctx, c) else Kind.COMMENT_HELD,
            c.text[:120],
            f"/admin/moderation#comment-{c.id}",  # the queue, where a moderator acts on it
            c.author_name,
        )
        for c in held
    ]


def _late_feedback(ctx: Context, actor: Actor) -> list[Notice]:
    return [
        Notice(
            Kind.FEEDBACK_LATE,
            f"{line.code}: {line.excerpt[:100]}",
            f"/admin/feedback/{line.id}",
            "quá hạn tiếp nhận / overdue" if line.overdue else "sắp đến hạn / due soon",
        )
        for line in feedback_inbox.late_for(ctx, actor)
    ]


def inbox(ctx: Context, actor: Actor, overview: Overview) -> list[Notice]:
    """Every notice for ``actor``: steps, failed deliveries, expiring items, held comments."""
    out = [
        Notice(Kind.STEP, i.title, f"/admin/items/{i.uid}/review", i.note)
        for i in overview.decidable
    ]
    out += [
        Notice(
            Kind.DELIVERY_FAILED,
            d.item.title,
            f"/admin/items/{d.item.uid}",
            f"{d.target}: {d.error_message}" if d.error_message else d.target,
        )
        for d in overview.troubled
        if d.state in FAILED
    ]
    out += [
        Notice(Kind.EXPIRING, i.title, f"/admin/items/{i.uid}", i.note) for i in overview.expiring
    ]
    return out + _held(ctx, actor) + _late_feedback(ctx, actor)
