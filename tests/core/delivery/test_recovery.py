"""What a chaos run found (reliability issue 9): each defect reproduced, deterministically.

The portal sandbox is switched to a receiver that does NOT deduplicate by webhook-id,
so any blind re-send shows up as a second article: Loa alone must prevent it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest
from rq.job import JobStatus
from sqlalchemy import select

from core.actions import content as actions
from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.contract.channels import TransientError
from core.db import utcnow
from core.delivery import dispatcher, jobs, sweeper
from core.delivery import queue as delivery_queue
from core.delivery import worker as workers
from core.delivery.models import Delivery, DeliveryState
from tests.support.pipeline import new_article, sandbox_get, sandbox_post


@pytest.fixture
def no_dedupe(sandbox):
    """A receiver that stores every message it gets, repeats included."""
    sandbox_post(sandbox, "/__fake/dedupe", {"dedupe": False})
    return sandbox


def the_delivery(ctx) -> Delivery:
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    return d


def stored(sandbox) -> list[dict]:
    """Every article the receiver stored (withdrawn ones too)."""
    return sandbox_get(sandbox, "/__fake/holdings")["sites"].get("14932", [])


def run(ctx, d: Delivery, attempt: int) -> dispatcher.Outcome:
    return asyncio.run(dispatcher.run(ctx, d.id, attempt))


def burst(ctx) -> None:
    jobs.set_worker_context(ctx)
    try:
        workers._simple_worker(ctx, in_thread=True).work(burst=True, logging_level="WARNING")
    finally:
        jobs.set_worker_context(None)


# --- 1. a job id held by a job that will never run ------------------------------------------


def _leave_job(ctx, job_id: str, status: str, worker: str = "dead-worker") -> None:
    """What rq leaves when a worker dequeues a job and then dies (or the job ends unclaimed)."""
    q = delivery_queue.rq_queue(ctx)
    job = q.fetch_job(job_id)
    q.remove(job_id)
    if status == "dequeued":  # taken off the queue by a worker that died before starting it
        return
    if status == "heartbeat-only":  # a FLUSHDB, then a worker's heartbeat writes one field back
        ctx.redis.delete(job.key)
        ctx.redis.hset(job.key, "last_heartbeat", "2026-11-30T08:44:43.000000Z")
        return
    if status == JobStatus.SCHEDULED:  # due a minute ago; no scheduler has moved it
        q.scheduled_job_registry.schedule(job, utcnow() - dt.timedelta(seconds=60))
        job.set_status(JobStatus.SCHEDULED)
        return
    with ctx.redis.pipeline() as pipe:
        job.prepare_for_execution(worker, pipe)  # status started, worker_name
        pipe.execute()
    if status != JobStatus.STARTED:
        job.set_status(status)


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (JobStatus.STARTED, "started (worker dead-worker)"),
        (JobStatus.FAILED, "failed (worker dead-worker)"),
        (JobStatus.FINISHED, "finished (worker dead-worker)"),
        (JobStatus.SCHEDULED, "scheduled but never moved (worker -)"),
        ("heartbeat-only", "not a whole job (worker -)"),
        ("dequeued", "queued but not in the queue (worker -)"),
    ],
)
def test_a_due_delivery_whose_job_died_gets_a_job_that_runs(
    ctx, portal_target, no_dedupe, caplog, monkeypatch, status, said
) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    job_id = delivery_queue.delivery_job_id(d.id, 1)
    _leave_job(ctx, job_id, status)
    caplog.set_level(logging.INFO, logger="loa.delivery")
    if status == "dequeued":  # a worker may be starting it: left alone for the grace
        assert sweeper.sweep(ctx)["enqueued"] == 0
        later = delivery_queue.clock() + delivery_queue.DEQUEUED_GRACE
        monkeypatch.setattr(delivery_queue, "clock", lambda: later)
    report = sweeper.sweep(ctx)
    assert report["due"] == 1 and report["enqueued"] == 1
    assert delivery_queue.rq_queue(ctx).job_ids == [job_id]
    assert f"job {job_id} was " in caplog.text and said in caplog.text
    assert "will never run; replacing it" in caplog.text
    burst(ctx)
    d = the_delivery(ctx)
    assert (d.state, d.attempt) == (DeliveryState.DELIVERED, 1)
    assert len(stored(no_dedupe)) == 1


def test_a_job_started_by_a_live_worker_is_left_alone(ctx, portal_target, sandbox) -> None:
    """Blocked on the row lock, say: its worker lives, so the sweep must not add a second run."""
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    job_id = delivery_queue.delivery_job_id(d.id, 1)
    _leave_job(ctx, job_id, JobStatus.STARTED, worker="live-worker")
    ctx.redis.hset("rq:worker:live-worker", "state", "busy")
    report = sweeper.sweep(ctx)
    assert report["enqueued"] == 0
    assert delivery_queue.rq_queue(ctx).job_ids == []
    assert delivery_queue.rq_queue(ctx).fetch_job(job_id).get_status() == JobStatus.STARTED


def test_a_sweep_says_when_a_due_delivery_waits_on_a_job_too_long(
    ctx, portal_target, sandbox, caplog
) -> None:
    """A stuck live worker holds the job: nothing to replace, but the sweep does not stay quiet."""
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    _leave_job(
        ctx, delivery_queue.delivery_job_id(d.id, 1), JobStatus.STARTED, worker="stuck-worker"
    )
    ctx.redis.hset("rq:worker:stuck-worker", "state", "busy")
    caplog.set_level(logging.WARNING, logger="loa.sweeper")
    sweeper.sweep(ctx)
    assert "wait on jobs" not in caplog.text  # just due: a queue may simply be long
    later = utcnow() + sweeper.lease(ctx) + dt.timedelta(seconds=1)
    assert sweeper.sweep(ctx, now=later)["enqueued"] == 0
    assert "1 due deliveries wait on jobs that have not run them for over" in caplog.text
    assert caplog.text.rstrip().endswith(f": {d.id}")


# --- 2. a reconcile that fails must be retried as a reconcile --------------------------------


def test_failed_reconcile_never_leads_to_a_blind_resend(ctx, portal_target, no_dedupe) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    # attempt 1: stored by the portal, answered after our timeout
    sandbox_post(no_dedupe, "/__fake/faults", {"mode": "timeout_after_store", "delay": 3})
    assert run(ctx, d, 1) is dispatcher.Outcome.UNKNOWN
    # attempt 2: the reconcile read answers 503 (then 429): still unknown, nothing re-sent
    sandbox_post(no_dedupe, "/__fake/faults", {"path_contains": "/messages/", "status": 503})
    assert run(ctx, d, 2) is dispatcher.Outcome.UNKNOWN
    sandbox_post(
        no_dedupe,
        "/__fake/faults",
        {"path_contains": "/messages/", "status": 429, "retry_after": 2},
    )
    assert run(ctx, d, 3) is dispatcher.Outcome.UNKNOWN
    d = the_delivery(ctx)
    assert d.state == DeliveryState.UNKNOWN
    assert d.error_message.startswith("reconcile failed, will reconcile again")
    assert len(stored(no_dedupe)) == 1
    # attempt 4: the reconcile answers: delivered under the first post's id, no second post
    assert run(ctx, d, 4) is dispatcher.Outcome.DELIVERED
    d = the_delivery(ctx)
    assert d.state == DeliveryState.DELIVERED and d.remote_id == "14932-1"
    assert len(stored(no_dedupe)) == 1


def test_retracted_while_a_reconcile_fails_still_comes_down(ctx, portal_target, no_dedupe) -> None:
    """A blind "retrying" would let the take-down cancel a publish that in fact landed."""
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    sandbox_post(no_dedupe, "/__fake/faults", {"mode": "timeout_after_store", "delay": 3})
    assert run(ctx, d, 1) is dispatcher.Outcome.UNKNOWN
    sandbox_post(no_dedupe, "/__fake/faults", {"path_contains": "/messages/", "status": 503})
    assert run(ctx, d, 2) is dispatcher.Outcome.UNKNOWN
    actions.retract(ctx, SYSTEM, article.id, reason="sai thông tin")
    assert the_delivery(ctx).state == DeliveryState.UNKNOWN  # kept open by the take-down
    assert run(ctx, d, 3) is dispatcher.Outcome.DELIVERED  # reconciled: it had landed
    with ctx.sessions() as session:
        follow_ups = session.scalars(
            select(Delivery).where(Delivery.id != d.id).order_by(Delivery.id)
        ).all()
    [retract] = follow_ups
    assert retract.action == "retract"
    assert asyncio.run(dispatcher.run(ctx, retract.id, 1)) is dispatcher.Outcome.DELIVERED
    assert [a["status"] for a in stored(no_dedupe)] == ["withdrawn"]


def test_reconcile_that_finds_nothing_sends_once(ctx, portal_target, no_dedupe) -> None:
    """The rule holds only until a reconcile answers: nothing landed, so send (once)."""
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    sandbox_post(no_dedupe, "/__fake/faults", {"mode": "timeout_before_store", "delay": 3})
    assert run(ctx, d, 1) is dispatcher.Outcome.UNKNOWN
    assert stored(no_dedupe) == []
    assert run(ctx, d, 2) is dispatcher.Outcome.DELIVERED
    assert len(stored(no_dedupe)) == 1


# --- 3. an outcome is written only over this attempt's in-flight row ------------------------


def test_failure_does_not_overwrite_what_the_sweeper_decided(
    ctx, portal_target, no_dedupe, monkeypatch
) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)
    portal = ctx.channel("portal")

    async def slow_then_503(rendered, target, *, key):
        # The attempt outlives its lease: the sweeper declares it lost meanwhile.
        later = utcnow() + sweeper.lease(ctx) + dt.timedelta(seconds=1)
        assert sweeper.sweep(ctx, now=later)["stuck"] == 1
        raise TransientError("portal answered 503: injected")

    monkeypatch.setattr(portal, "publish", slow_then_503)
    assert run(ctx, d, 1) is dispatcher.Outcome.SKIPPED
    d = the_delivery(ctx)
    assert (d.state, d.attempt) == (DeliveryState.UNKNOWN, 1)
    assert d.error_message == "the worker stopped during the attempt"


# --- 4. the lease path, scheduled publication, the expiry warning ---------------------------


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it in the attempt runs, no handler sees it."""


def test_worker_killed_mid_attempt_is_reconciled_not_reposted(
    ctx, portal_target, no_dedupe, monkeypatch
) -> None:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    d = the_delivery(ctx)

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(dispatcher, "_record_success", killed)
        with pytest.raises(Killed):
            run(ctx, d, 1)  # the post landed; the worker died before writing it down
    d = the_delivery(ctx)
    assert (d.state, d.attempt) == (DeliveryState.IN_FLIGHT, 1)
    assert len(stored(no_dedupe)) == 1
    # Within the lease nothing moves; past it, the sweeper makes it "unknown" and due.
    assert sweeper.sweep(ctx)["stuck"] == 0
    later = utcnow() + sweeper.lease(ctx) + dt.timedelta(seconds=1)
    report = sweeper.sweep(ctx, now=later)
    assert report["stuck"] == 1 and report["enqueued"] == 1
    assert delivery_queue.delivery_job_id(d.id, 2) in delivery_queue.rq_queue(ctx).job_ids
    burst(ctx)
    d = the_delivery(ctx)
    assert (d.state, d.attempt, d.remote_id) == (DeliveryState.DELIVERED, 2, "14932-1")
    assert len(stored(no_dedupe)) == 1


def _audit(ctx, action: str) -> list[AuditEntry]:
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_sweep_publishes_a_scheduled_item_when_due(ctx, portal_target, sandbox) -> None:
    from core.content.models import Article, Status

    starts = utcnow() + dt.timedelta(hours=1)
    article = new_article(ctx, visible_from=starts.isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        assert session.get(Article, article.id).status == Status.SCHEDULED
    assert sweeper.sweep(ctx)["published"] == 0
    late = starts + dt.timedelta(seconds=90)
    assert sweeper.sweep(ctx, now=late)["published"] == 1
    with ctx.sessions() as session:
        assert session.get(Article, article.id).status == Status.PUBLISHED
    [entry] = _audit(ctx, "article.published")
    assert entry.subject_id == str(article.id) or entry.subject_id == article.id
    assert entry.data["lateness_seconds"] == pytest.approx(90, abs=1)
    assert sweeper.sweep(ctx, now=late)["published"] == 0  # once


def test_publish_job_publishes_a_scheduled_item(ctx, portal_target, sandbox) -> None:
    from core.actions import workflow
    from core.content.models import Article, Status

    starts = utcnow() + dt.timedelta(hours=1)
    article = new_article(ctx, visible_from=starts.isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    scheduled = delivery_queue.rq_queue(ctx).scheduled_job_registry.get_job_ids()
    assert f"loa-publish-{article.id}-{int(starts.timestamp())}" in scheduled
    assert workflow.publish_due(ctx, article.id) is False  # not yet
    assert workflow.publish_due(ctx, article.id, now=starts) is True
    with ctx.sessions() as session:
        assert session.get(Article, article.id).status == Status.PUBLISHED


def test_sweep_warns_once_before_an_item_expires(ctx, portal_target, sandbox) -> None:
    ends = utcnow() + dt.timedelta(hours=30)
    article = new_article(ctx, visible_until=ends.isoformat())
    far = new_article(ctx, visible_until=(utcnow() + dt.timedelta(days=5)).isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    actions.approve(ctx, SYSTEM, far.id)
    assert sweeper.sweep(ctx)["expiry_warnings"] == 1
    [entry] = _audit(ctx, "article.expiry_warning")
    assert str(entry.subject_id) == str(article.id)
    assert sweeper.sweep(ctx)["expiry_warnings"] == 0  # once per end date
