"""What a delivery that landed changes: the placement, the target's health, the audit trail.

One function for every way a delivery completes, so a worker's successful call and an
operator's recorded outcome of an assisted task (:mod:`core.delivery.assisted`) leave the
same trace: the placement says what the channel holds, the audit log has
``delivery.<action>``, and a publish or update that landed on an item taken down meanwhile
gets its own retract (unless a later take-down already queued one).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.content.models import Article
from core.contract.channels import Remote
from core.delivery import outbox
from core.delivery.models import Action, Delivery, DeliveryState, Placement
from core.targets.models import ChannelTarget
from core.workflow.states import PUBLIC


def delivered(
    session: Session, d: Delivery, remote: Remote | None, *, actor: str, now: dt.datetime
) -> list[int]:
    """Record ``d`` as landed (its row already says so); the follow-up deliveries it needs."""
    placement = session.scalar(
        select(Placement).where(
            Placement.article_id == d.article_id, Placement.target_id == d.target_id
        )
    )
    if d.action == Action.RETRACT:
        if placement is not None:
            placement.live = False
            placement.updated_at = now
    elif remote is not None:
        if placement is None:
            placement = Placement(article_id=d.article_id, target_id=d.target_id, remote_id="")
            session.add(placement)
        placement.remote_id = remote.remote_id
        placement.remote_url = remote.url or placement.remote_url
        placement.live = True
        placement.revision = d.revision
        placement.updated_at = now
    session.execute(
        update(ChannelTarget)
        .where(ChannelTarget.id == d.target_id)
        .values(health="ok", health_detail="")
    )
    audit.record(
        session,
        actor=actor,
        action=f"delivery.{d.action}",
        subject_type="delivery",
        subject_id=d.id,
        data={
            "article": d.article_id,
            "target": d.target_id,
            "remote_id": placement.remote_id if placement else "",
            "attempt": d.attempt,
        },
    )
    if d.action == Action.RETRACT:
        return []
    # The status alone, read now: a take-down while the call was out needs a retract.
    status = session.scalar(select(Article.status).where(Article.id == d.article_id))
    article = session.get(Article, d.article_id) if status not in PUBLIC else None
    if article is not None:
        session.flush()
        if not _retract_waiting(session, d):
            return outbox.add(session, article, [d.target_id], Action.RETRACT)
    return []


def _retract_waiting(session: Session, d: Delivery) -> bool:
    """Whether a take-down that came after this delivery already queued a retract of the item
    on this target (waiting, on its way or done). It removes whatever this attempt placed: a
    channel refuses an update of a post it no longer holds, so an update that succeeded
    landed before that retract. A second retract would only tell the channel twice."""
    later = session.scalar(
        select(Delivery.id)
        .where(
            Delivery.article_id == d.article_id,
            Delivery.target_id == d.target_id,
            Delivery.action == Action.RETRACT,
            Delivery.id > d.id,
            Delivery.state.in_(
                [
                    DeliveryState.PENDING,
                    DeliveryState.RETRYING,
                    DeliveryState.IN_FLIGHT,
                    DeliveryState.UNKNOWN,
                    DeliveryState.DELIVERED,
                ]
            ),
        )
        .limit(1)
    )
    return later is not None
