"""Two take-downs of one item at once (the expiry job and the sweeper's catch-up, or a
retraction racing the expiry) withdraw it once: the second waits for the first and finds the
item already down. On SQLite, where ``FOR UPDATE`` does not exist, this needs the write lock
that ``core.db`` takes in its place."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.content.queries import lock_article
from core.db import utcnow
from core.delivery.models import Action, Delivery
from tests.support.pipeline import new_article


def test_two_expiries_at_once_queue_one_retract(ctx, portal_target) -> None:
    article = new_article(ctx, visible_until=(utcnow() + dt.timedelta(hours=1)).isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:  # the item went out: the channel holds it
        from core.delivery.models import Placement

        session.add(Placement(article_id=article.id, target_id=portal_target.id, remote_id="p-1"))
        session.commit()
    later = utcnow() + dt.timedelta(hours=2)
    results: list[object] = []

    def expire() -> None:
        results.append(actions.expire(ctx, article.id, later))

    with ctx.transaction() as session:
        lock_article(session, article.id)  # another worker is in the middle of a take-down
        racers = [threading.Thread(target=expire) for _ in range(2)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(0.5)
        assert all(racer.is_alive() for racer in racers), "a take-down ignored the article lock"
    for racer in racers:
        racer.join(30)

    assert sum(r is not None for r in results) == 1
    with ctx.sessions() as session:
        retracts = session.scalars(
            select(Delivery)
            .where(Delivery.article_id == article.id, Delivery.action == Action.RETRACT)
            .order_by(Delivery.id)
        ).all()
    assert len(retracts) == 1
