"""What the interfaces read about deliveries (GraphQL types run no SQL themselves)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.delivery.models import Delivery
from core.targets.models import ChannelTarget


def deliveries_of(session: Session, article_id: int) -> list[tuple[Delivery, ChannelTarget]]:
    """Every delivery of the article with its target, oldest first."""
    rows = session.execute(
        select(Delivery, ChannelTarget)
        .join(ChannelTarget, ChannelTarget.id == Delivery.target_id)
        .where(Delivery.article_id == article_id)
        .order_by(Delivery.id)
    ).all()
    return [(d, t) for d, t in rows]
