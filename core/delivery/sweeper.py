"""The sweeper: Redis only carries work, so whatever it lost is found again here.

Run periodically and at worker start. It re-enqueues every open delivery
that is due (a job id that is still queued is refused by Redis, so nothing
runs twice), turns deliveries stuck in flight past their lease into
"unknown" (reconciled before any retry), and takes down items whose window
closed while nothing was running. It also has every target that can read comments read
again once its interval has passed. What belongs above delivery (expiry, scheduled
publication, expiry warnings, the daily retention, which targets are due a read) it asks
through the wired :mod:`core.delivery.upcalls`. Operators' tasks past their due time go to
the unit above (:func:`core.delivery.assisted.actions.escalate_due`); deliveries waiting for
an allowance are open and due at its reset, so they are found like any other. Replies to
citizens still owed are queued again (Redis may have lost their jobs), and the moderators of
comments held too long are alerted (once per comment).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select, update

from core.context import Context
from core.db import rowcount, utcnow
from core.delivery import queue, upcalls
from core.delivery.assisted import actions as assisted
from core.delivery.models import OPEN_STATES, Delivery, DeliveryState

log = logging.getLogger("loa.sweeper")


def lease(ctx: Context) -> dt.timedelta:
    """How long an attempt may stay in flight before we assume its worker died."""
    return dt.timedelta(seconds=ctx.settings.job_timeout * 2)


def _say_overdue(
    ctx: Context, now: dt.datetime, due_at: dict[int, dt.datetime], held: list[int]
) -> None:
    """A due delivery whose job id a job holds, but that has not run for a whole lease, is news.

    The job is waiting in Redis or started by a worker that still lives (a stuck worker,
    a long queue): nothing the sweeper may replace, so it says so instead of staying quiet.
    """
    overdue = sorted(d for d in held if due_at[d] < now - lease(ctx))
    if overdue:
        log.warning(
            "sweep: %d due deliveries wait on jobs that have not run them for over %s "
            "(a stuck worker or a long queue): %s",
            len(overdue),
            lease(ctx),
            ", ".join(map(str, overdue[:20])),
        )


def _due(
    ctx: Context, now: dt.datetime, batch: int | None, article_id: int | None = None
) -> list[tuple[int, int, dt.datetime, int]]:
    """Open deliveries due by ``now`` (of one item, or all): id, attempts made, due time, item."""
    stmt = select(Delivery.id, Delivery.attempt, Delivery.due_at, Delivery.article_id).where(
        Delivery.state.in_(OPEN_STATES), Delivery.due_at <= now
    )
    if article_id is not None:
        stmt = stmt.where(Delivery.article_id == article_id)
    with ctx.sessions() as session:
        rows = session.execute(stmt.order_by(Delivery.due_at).limit(batch)).all()
    return [(d_id, n, due_at, a_id) for d_id, n, due_at, a_id in rows]


def enqueue_due(ctx: Context, article_id: int, now: dt.datetime | None = None) -> int:
    """The fan-out of one item: put each of its due deliveries on the queue (a job id already
    held by a waiting job is left alone, so a second fan-out or a sweep adds nothing)."""
    due = _due(ctx, now or utcnow(), None, article_id)
    return queue.enqueue_attempts(ctx, [(d_id, n + 1) for d_id, n, _, _ in due])


def _left_to_fanouts(ctx: Context, due: list[tuple[int, int, dt.datetime, int]]) -> set[int]:
    """The ids of the due deliveries whose item's fan-out job is still to run (or running):
    that job enqueues them. A sweep enqueueing them first would only make the fan-out find
    their job ids taken and look at each job in turn (and, racing the workers that take them,
    replace jobs that were merely being started)."""
    items = {a_id for *_, a_id in due}
    if not items:
        return set()
    with ctx.sessions() as session:
        newest = dict(
            session.execute(
                select(Delivery.article_id, func.max(Delivery.id))
                .where(Delivery.article_id.in_(items))
                .group_by(Delivery.article_id)
            )
            .tuples()
            .all()
        )
    waiting = queue.fanouts_waiting(ctx, newest)
    return {d_id for d_id, *_, a_id in due if a_id in waiting}


def sweep(ctx: Context, now: dt.datetime | None = None, batch: int = 5000) -> dict[str, int]:
    now = now or utcnow()
    with ctx.transaction() as session:
        stuck = rowcount(
            session.execute(
                update(Delivery)
                .where(
                    Delivery.state == DeliveryState.IN_FLIGHT,
                    Delivery.started_at < now - lease(ctx),
                )
                .values(
                    state=DeliveryState.UNKNOWN,
                    due_at=now,
                    updated_at=now,
                    error_kind="unknown",
                    error_message="the worker stopped during the attempt",
                )
                .execution_options(synchronize_session=False)
            )
        )
    due = _due(ctx, now, batch)
    left = _left_to_fanouts(ctx, due)
    mine = [row for row in due if row[0] not in left]
    held: list[int] = []
    enqueued = queue.enqueue_attempts(ctx, [(d_id, n + 1) for d_id, n, _, _ in mine], held=held)
    _say_overdue(ctx, now, {d_id: due_at for d_id, _, due_at, _ in mine}, held)
    above = upcalls.current()
    expired = above.expire_due(ctx, now)
    taken_down = above.take_down_ended(ctx, now)  # banners, campaign sections at their end (S3.1)
    above.daily(ctx, now)  # once per day across all sweepers: inactive accounts, audit retention
    published = above.publish_due_all(ctx, now)
    warned = above.warn_expiring(ctx, now)
    reads = queue.enqueue_interactions(ctx, above.due_reads(ctx, now))
    escalated = assisted.escalate_due(ctx, now)
    owed_replies = above.enqueue_owed_replies(ctx)
    feedback_alerts = above.feedback_deadlines(ctx, now)
    overdue_holds = above.alert_overdue_holds(ctx, now)
    report = {
        "due": len(due),
        "enqueued": enqueued,
        "stuck": stuck or 0,
        "expired": expired,
        "published": published,
        "expiry_warnings": warned,
    }
    if left:
        report["left_to_fanout"] = len(left)
    if taken_down:
        report["gov_expired"] = taken_down
    if reads:
        report["comment_reads"] = reads
    if escalated:
        report["tasks_escalated"] = escalated
    if owed_replies:
        report["replies"] = owed_replies
    if feedback_alerts:
        report["feedback_alerts"] = feedback_alerts
    if overdue_holds:
        report["overdue_holds"] = overdue_holds
    if enqueued or stuck or expired or escalated:
        log.info("sweep: %s", report)
    return report
