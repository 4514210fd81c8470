"""The delivery pipeline against the portal sandbox: exactly once, whatever fails."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery import queue as delivery_queue
from core.delivery import worker as workers
from core.delivery.models import Delivery, DeliveryState
from core.targets.models import ChannelTarget
from tests.support.pipeline import new_article, sandbox_get, sandbox_post, wait_for


def deliveries(ctx) -> list[Delivery]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def delivered(ctx, n: int = 1):
    return lambda: (
        [d for d in deliveries(ctx) if d.state == DeliveryState.DELIVERED]
        if sum(d.state == DeliveryState.DELIVERED for d in deliveries(ctx)) >= n
        else None
    )


def site_articles(sandbox) -> list[dict]:
    return sandbox_get(sandbox, "/sites/14932/articles")["articles"]


def test_approve_writes_one_delivery_per_target_and_delivers(ctx, portal_target, sandbox, worker):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(delivered(ctx), what="delivery")
    assert d.target_id == portal_target.id
    assert d.remote_id and d.remote_url
    [stored] = site_articles(sandbox)
    assert stored["title"] == "Thông báo lịch tiêm chủng mở rộng"
    requests = sandbox_get(sandbox, "/__fake/requests")["requests"]
    assert all(r["signature_valid"] for r in requests if r["path"].endswith("/webhook"))


def test_server_error_then_success_posts_exactly_once(ctx, portal_target, sandbox, worker):
    sandbox_post(sandbox, "/__fake/faults", {"status": 500, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(delivered(ctx), what="delivery after a 500")
    assert d.attempt == 2
    assert len(site_articles(sandbox)) == 1


def test_timeout_after_store_is_reconciled_not_reposted(ctx, portal_target, sandbox, worker):
    sandbox_post(sandbox, "/__fake/faults", {"mode": "timeout_after_store", "delay": 3, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(delivered(ctx), timeout=30, what="reconciled delivery")
    assert d.attempt >= 2
    assert len(site_articles(sandbox)) == 1
    stats = sandbox_get(sandbox, "/__fake/stats")["sites"]["14932"]
    assert stats.get("article.published", 0) == 1


def test_redis_flushed_before_work_loses_nothing(ctx, portal_target, sandbox):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    assert delivery_queue.rq_queue(ctx).count == 1
    ctx.redis.flushdb()
    assert delivery_queue.rq_queue(ctx).count == 0
    w = workers.EmbeddedWorker(ctx, threads=1, poll=0.05)
    w.start()
    try:
        wait_for(delivered(ctx), what="delivery recovered by the sweeper")
    finally:
        w.stop()
    assert len(site_articles(sandbox)) == 1


def test_a_job_run_twice_does_nothing_the_second_time(ctx, portal_target, sandbox):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.DELIVERED
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.SKIPPED
    assert len(site_articles(sandbox)) == 1


def test_auth_failure_stops_and_asks_for_a_human(ctx, portal_target, sandbox):
    sandbox_post(sandbox, "/__fake/faults", {"status": 401, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.ATTENTION
    [d] = deliveries(ctx)
    assert d.state == DeliveryState.NEEDS_ATTENTION and d.error_kind == "auth"
    with ctx.sessions() as session:
        assert session.get(ChannelTarget, portal_target.id).health == "needs_reauthorisation"
    # only the first attempt (run by hand above) was ever enqueued: no retry
    assert delivery_queue.rq_queue(ctx).job_ids == [delivery_queue.delivery_job_id(d.id, 1)]


def test_rate_limit_honours_the_channels_delay(ctx, portal_target, sandbox):
    sandbox_post(sandbox, "/__fake/faults", {"status": 429, "retry_after": 7, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = deliveries(ctx)
    before = utcnow()
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.RETRY
    [d] = deliveries(ctx)
    assert d.state == DeliveryState.RETRYING and d.error_kind == "rate_limited"
    assert d.due_at - before >= dt.timedelta(seconds=6.5)


def test_edit_updates_and_expiry_takes_down(ctx, portal_target, sandbox, worker):
    ends = utcnow() + dt.timedelta(seconds=4)
    article = new_article(ctx, visible_until=ends.isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    wait_for(delivered(ctx), what="publish")
    actions.update(ctx, SYSTEM, article.id, {"title": "Thông báo lịch tiêm chủng (cập nhật)"})
    actions.approve(ctx, SYSTEM, article.id)  # an edit of a live item goes out once approved
    wait_for(delivered(ctx, 2), what="update")
    assert site_articles(sandbox)[0]["title"] == "Thông báo lịch tiêm chủng (cập nhật)"
    wait_for(delivered(ctx, 3), timeout=30, what="take-down at expiry")
    assert site_articles(sandbox) == []
    with ctx.sessions() as session:
        from core.content.models import Article

        assert session.get(Article, article.id).status == "expired"


def test_a_take_down_during_an_update_withdraws_once(ctx, portal_target, sandbox, monkeypatch):
    """The item expires (or is retracted) while its update is in flight: the take-down already
    queued a retract for the live placement, so the update's success must not queue another
    (two "article.withdrawn" messages for one take-down)."""
    from core.delivery.models import Action

    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [publish] = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, publish.id, 1)) is dispatcher.Outcome.DELIVERED
    actions.update(ctx, SYSTEM, article.id, {"title": "Thông báo lịch tiêm chủng (cập nhật)"})
    actions.approve(ctx, SYSTEM, article.id)
    [update] = [d for d in deliveries(ctx) if d.action == Action.UPDATE]
    portal = ctx.channel("portal")
    real_update = portal.update

    async def taken_down_meanwhile(remote, rendered, target, *, key):
        actions.retract(ctx, SYSTEM, article.id, "withdrawn while the update was on its way")
        return await real_update(remote, rendered, target, key=key)

    monkeypatch.setattr(portal, "update", taken_down_meanwhile)
    assert asyncio.run(dispatcher.run(ctx, update.id, 1)) is dispatcher.Outcome.DELIVERED
    retracts = [d for d in deliveries(ctx) if d.action == Action.RETRACT]
    assert len(retracts) == 1
    assert asyncio.run(dispatcher.run(ctx, retracts[0].id, 1)) is dispatcher.Outcome.DELIVERED
    assert site_articles(sandbox) == []
