"""Acknowledgement deadlines that are near or passed: tell the people who must act, once.

Run by the sweeper (``Upcalls.feedback_deadlines``). A message still unacknowledged one
working hour before its deadline gets a ``due_soon`` alert, one past it an ``overdue`` alert
(only that one when the first sweep to see it is already late). Each (message, threshold)
is written once in ``feedback_alerts`` (unique), in one transaction; the events are emitted
after the commit, and the mail job claims each letter once per recipient, so however many
sweepers run, nobody hears of the same threshold twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.context import Context
from core.db import utcnow
from core.interactions.models import Feedback, FeedbackAlert

log = logging.getLogger("loa.feedback")
THRESHOLDS = ("due_soon", "overdue")


def alert_due(ctx: Context, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Record and emit the alerts owed now; how many."""
    now = now or utcnow()
    owed: list[tuple[int, str]] = []
    try:
        with ctx.transaction() as session:
            rows = session.execute(
                select(Feedback.id, Feedback.ack_due_at)
                .where(
                    Feedback.status == "new",
                    Feedback.acknowledged_at.is_(None),
                    Feedback.state != "hidden",
                    Feedback.ack_warn_at <= now,
                )
                .order_by(Feedback.ack_due_at)
                .limit(limit)
            ).all()
            ids = [i for i, _ in rows]
            sent = set(
                session.execute(
                    select(FeedbackAlert.feedback_id, FeedbackAlert.threshold).where(
                        FeedbackAlert.feedback_id.in_(ids)
                    )
                ).all()
            )
            for feedback_id, due in rows:
                threshold = "overdue" if due is not None and due <= now else "due_soon"
                if (feedback_id, threshold) in sent or (feedback_id, "overdue") in sent:
                    continue
                session.add(
                    FeedbackAlert(feedback_id=feedback_id, threshold=threshold, sent_at=now)
                )
                owed.append((feedback_id, threshold))
    except IntegrityError:  # another sweeper recorded them first: its events went out
        log.info("feedback alerts were recorded by a concurrent sweep")
        return 0
    for feedback_id, threshold in owed:
        ctx.emit(f"feedback.{threshold}", {"id": feedback_id})
    return len(owed)
