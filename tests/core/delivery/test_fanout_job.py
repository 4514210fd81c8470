"""An item released to many targets at once: the approver does not wait for the queue (issue 19).

Above ``FANOUT_AT`` deliveries, approval puts one fan-out job on the queue instead of a job per
delivery; a worker then enqueues each delivery once. The rows are committed first, so a lost
fan-out job is found by the sweeper, and a fan-out run twice adds nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import queue as delivery_queue
from core.delivery import sweeper
from core.delivery.models import Delivery, DeliveryState
from tests.core.delivery.test_recovery import burst
from tests.support.pipeline import new_article, portal_target, sandbox_get

TARGETS = 5
SITE = "xa-cam-thuy-"  # one portal site per target (a site refuses the same article twice)


@pytest.fixture
def many_targets(ctx, tree, sandbox, monkeypatch) -> list[int]:
    monkeypatch.setattr(delivery_queue, "FANOUT_AT", 3)
    return [portal_target(ctx, i, f"{sandbox.url}/sites/{SITE}{i}/webhook") for i in range(TARGETS)]


def deliveries(ctx) -> list[Delivery]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_a_wide_release_queues_one_fanout_job_that_delivers_each_once(
    ctx, many_targets, sandbox
) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    released = [d.id for d in deliveries(ctx)]
    assert len(released) == TARGETS
    q = delivery_queue.rq_queue(ctx)
    assert q.job_ids == [delivery_queue.fanout_job_id(article.id, max(released))]

    burst(ctx)  # the fan-out job, then the deliveries it queued
    assert [d.state for d in deliveries(ctx)] == [DeliveryState.DELIVERED] * TARGETS
    sites = sandbox_get(sandbox, "/__fake/holdings")["sites"]
    assert [len(sites[f"{SITE}{i}"]) for i in range(TARGETS)] == [1] * TARGETS  # none twice

    assert sweeper.enqueue_due(ctx, article.id) == 0  # a second fan-out finds nothing due
    assert q.job_ids == []


def test_a_second_fanout_or_a_sweep_adds_no_second_job(ctx, many_targets) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    assert sweeper.enqueue_due(ctx, article.id) == TARGETS
    assert sweeper.enqueue_due(ctx, article.id) == 0  # the job ids are held
    assert sweeper.sweep(ctx)["enqueued"] == 0
    q = delivery_queue.rq_queue(ctx)
    ids = [d.id for d in deliveries(ctx)]
    assert sorted(q.job_ids) == sorted(
        [delivery_queue.fanout_job_id(article.id, max(ids))]
        + [delivery_queue.delivery_job_id(d, 1) for d in ids]
    )


def test_a_lost_fanout_job_is_made_good_by_the_sweeper(ctx, many_targets, sandbox) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    q = delivery_queue.rq_queue(ctx)
    q.empty()  # Redis lost the fan-out job
    assert sweeper.sweep(ctx)["enqueued"] == TARGETS
    burst(ctx)
    assert [d.state for d in deliveries(ctx)] == [DeliveryState.DELIVERED] * TARGETS


def test_a_scheduled_wide_release_fans_out_at_its_time(ctx, many_targets) -> None:
    starts = utcnow() + dt.timedelta(hours=1)
    article = new_article(ctx, visible_from=starts.isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    q = delivery_queue.rq_queue(ctx)
    assert q.job_ids == []
    job_id = delivery_queue.fanout_job_id(article.id, max(d.id for d in deliveries(ctx)))
    assert job_id in q.scheduled_job_registry.get_job_ids()  # beside the publish job
    assert sweeper.enqueue_due(ctx, article.id) == 0  # not due before its time
    assert sweeper.enqueue_due(ctx, article.id, now=starts) == TARGETS


def test_a_narrow_release_queues_its_deliveries_directly(ctx, many_targets, monkeypatch) -> None:
    monkeypatch.setattr(delivery_queue, "FANOUT_AT", TARGETS)
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    assert sorted(delivery_queue.rq_queue(ctx).job_ids) == sorted(
        delivery_queue.delivery_job_id(d.id, 1) for d in deliveries(ctx)
    )


def test_a_sweep_leaves_a_waiting_fanout_its_deliveries(ctx, many_targets, sandbox) -> None:
    """A sweep before the fan-out job runs enqueues none of its deliveries (the fan-out would
    find their job ids taken and look at each job in turn); the fan-out then delivers each once."""
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    ids = [d.id for d in deliveries(ctx)]
    report = sweeper.sweep(ctx)
    assert (report["due"], report["enqueued"], report["left_to_fanout"]) == (TARGETS, 0, TARGETS)
    q = delivery_queue.rq_queue(ctx)
    assert q.job_ids == [delivery_queue.fanout_job_id(article.id, max(ids))]

    burst(ctx)
    assert [d.state for d in deliveries(ctx)] == [DeliveryState.DELIVERED] * TARGETS
    sites = sandbox_get(sandbox, "/__fake/holdings")["sites"]
    assert [len(sites[f"{SITE}{i}"]) for i in range(TARGETS)] == [1] * TARGETS
