"""The outbox: delivery rows written in the same transaction as the change they carry.

Nothing here talks to Redis. After the transaction commits, the caller hands
the new ids to :func:`core.delivery.queue.enqueue_deliveries`; if that fails,
the sweeper finds the rows anyway.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.content.models import Article, ArticleTarget
from core.db import utcnow
from core.delivery.models import Action, Delivery, DeliveryState, Placement
from core.delivery.tasks import AssistTask, TaskState
from core.targets.models import ChannelTarget
from core.targets.rows import insert_per_target
from core.units.lookups import unit_path as unit_path  # where older code looks


def targets_for(session: Session, article: Article) -> list[ChannelTarget]:
    """The enabled targets chosen for the item, or, if none were chosen, its unit's own."""
    chosen = select(ArticleTarget.target_id).where(ArticleTarget.article_id == article.id)
    stmt = select(ChannelTarget).where(ChannelTarget.enabled.is_(True))
    if session.scalar(chosen.limit(1)) is not None:
        stmt = stmt.where(ChannelTarget.id.in_(chosen))
    else:
        stmt = stmt.where(ChannelTarget.unit_id == article.unit_id)
    return list(session.scalars(stmt.order_by(ChannelTarget.id)))


def add(
    session: Session,
    article: Article,
    target_ids: list[int],
    action: Action,
    due_at: dt.datetime | None = None,
) -> list[int]:
    """One delivery row per target, in the caller's transaction; their ids, in target order.

    Written by the database from the targets (``core.targets.rows``), not sent row by row: an
    item approved for ten thousand targets writes its outbox in a few statements. A target
    named twice still gets one row.
    """
    if not target_ids:
        return []
    now = utcnow()
    values = {
        "article_id": article.id,
        "action": action,
        "state": DeliveryState.PENDING,
        "revision": article.revision,
        "due_at": due_at or now,
        "created_at": now,
        "updated_at": now,
    }
    written = insert_per_target(
        session, Delivery, target_ids, values, returning=(Delivery.target_id, Delivery.id)
    )
    made = {target_id: delivery_id for target_id, delivery_id in written}
    return [made[t] for t in dict.fromkeys(target_ids) if t in made]


def publish(session: Session, article: Article, due_at: dt.datetime | None = None) -> list[int]:
    return add(
        session, article, [t.id for t in targets_for(session, article)], Action.PUBLISH, due_at
    )


def update_live(session: Session, article: Article) -> list[int]:
    """An edited item: every channel that holds it gets the new revision."""
    live = session.scalars(
        select(Placement.target_id).where(Placement.article_id == article.id, Placement.live)
    ).all()
    return add(session, article, list(live), Action.UPDATE)


def take_down(session: Session, article: Article) -> list[int]:
    """Cancel what has not been sent; tell every channel that holds the item to remove it.

    Deliveries waiting for an allowance or an operator are cancelled too (with the operator's
    task). Deliveries whose outcome is unknown stay open: once reconciled, the
    dispatcher sees the item is no longer public and takes it down.
    """
    return _take_down(session, article, None)


def take_down_from(session: Session, article: Article, target_id: int) -> list[int]:
    """The same as :func:`take_down`, on one channel only (the item stays public elsewhere)."""
    return _take_down(session, article, target_id)


def _take_down(session: Session, article: Article, target_id: int | None) -> list[int]:
    only = [Delivery.target_id == target_id] if target_id is not None else []
    unsent = [
        DeliveryState.PENDING,
        DeliveryState.RETRYING,
        DeliveryState.WAITING,
        DeliveryState.ASSISTED,
    ]
    cancelled = session.scalars(
        update(Delivery)
        .where(
            Delivery.article_id == article.id,
            Delivery.action.in_([Action.PUBLISH, Action.UPDATE]),
            Delivery.state.in_(unsent),
            *only,
        )
        .values(state=DeliveryState.CANCELLED, finished_at=utcnow(), updated_at=utcnow())
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    if cancelled:  # an operator's task for one of them is no longer to be done
        session.execute(
            update(AssistTask)
            .where(AssistTask.delivery_id.in_(cancelled), AssistTask.state == TaskState.OPEN)
            .values(state=TaskState.CANCELLED, completed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    live = session.scalars(
        select(Placement.target_id).where(
            Placement.article_id == article.id,
            Placement.live,
            *([Placement.target_id == target_id] if target_id is not None else []),
        )
    ).all()
    return add(session, article, list(live), Action.RETRACT)
