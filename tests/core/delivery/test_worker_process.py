"""A ``loa worker`` started as its own process delivers against the real Redis."""

from __future__ import annotations

from sqlalchemy import select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.delivery.models import Delivery, DeliveryState
from tests.support.pipeline import new_article, sandbox_get
from tests.support.worker_process import real_redis, run_worker_burst


def test_separate_worker_process_delivers(ctx, portal_target, sandbox) -> None:
    # On the embedded run the test's own queue is fakeredis: the worker process finds the
    # delivery through its start-up sweep instead, on the real Redis CI names for processes.
    redis_url = real_redis(ctx)
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    done = run_worker_burst(ctx, redis_url)
    assert done.returncode == 0, done.stderr[-2000:]
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert d.state == DeliveryState.DELIVERED
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1
