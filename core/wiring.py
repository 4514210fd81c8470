"""Start-up wiring: the upcalls the delivery queue makes into content, workflow and interactions.

This module sits at the application layer, so it may import every layer; delivery only knows
the :class:`core.delivery.upcalls.Upcalls` protocol. :func:`wire` is called by ``create_app``,
the ``loa`` command and the test suite before any worker or sweeper runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import asdict

from core import retention
from core.actions import content, workflow
from core.context import Context
from core.delivery import live, upcalls
from core.govcontent import kinds as govcontent
from core.interactions import held_alerts, overdue, reading, replies
from core.notices import mail
from core.reports import mailing


class CoreUpcalls:
    """:class:`core.delivery.upcalls.Upcalls` over core's own actions."""

    def expire(self, ctx: Context, article_id: int) -> bool:
        return content.expire(ctx, article_id) is not None

    def expire_due(self, ctx: Context, now: dt.datetime) -> int:
        return len(content.expire_due(ctx, now))

    def take_down_ended(self, ctx: Context, now: dt.datetime) -> int:
        return len(govcontent.expire_due(ctx, now))

    def publish_due(self, ctx: Context, article_id: int) -> bool:
        return workflow.publish_due(ctx, article_id)

    def publish_due_all(self, ctx: Context, now: dt.datetime) -> int:
        return len(workflow.publish_due_all(ctx, now))

    def warn_expiring(self, ctx: Context, now: dt.datetime) -> int:
        return len(workflow.warn_expiring(ctx, now))

    def daily(self, ctx: Context, now: dt.datetime) -> None:
        retention.daily(ctx, now)  # once a day (claimed in Redis)
        mailing.send_due(ctx, now)  # each schedule's finished period, once (kept in its row)

    def due_reads(self, ctx: Context, now: dt.datetime) -> list[int]:
        return reading.due_targets(ctx, now)

    def read_target(self, ctx: Context, target_id: int) -> dict[str, int]:
        report = asyncio.run(reading.read_target(ctx, target_id))
        return {k: v for k, v in asdict(report).items() if isinstance(v, int)}

    def send_reply(self, ctx: Context, reply_id: int, attempt: int) -> str:
        return str(asyncio.run(replies.send(ctx, reply_id, attempt)))

    def enqueue_owed_replies(self, ctx: Context) -> int:
        return replies.enqueue_owed(ctx)

    def alert_overdue_holds(self, ctx: Context, now: dt.datetime) -> int:
        return len(held_alerts.alert_overdue(ctx, now))

    def observe(self, ctx: Context) -> None:
        mail.install(ctx)
        live.install(ctx)

    def send_notices(self, ctx: Context, event: str, subject_id: int) -> int:
        return mail.send(ctx, event, subject_id)

    def feedback_deadlines(self, ctx: Context, now: dt.datetime) -> int:
        return overdue.alert_due(ctx, now)


def wire() -> None:
    """Install core's upcalls (idempotent)."""
    upcalls.wire(CoreUpcalls())
