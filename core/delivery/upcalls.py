"""The declared interface through which the queue runs work that belongs to the layers above it.

Delivery sits below content and workflow: their actions write deliveries and enqueue them, so
delivery may not import those actions back (not even inside a function, which only hides the
cycle). What a worker or the sweeper must run up there (take an item down when its window
closes, publish a scheduled item, read comments, send a reply, alert moderators of overdue
holds, the daily retention) is asked through :class:`Upcalls`; the application wires the one
implementation at start-up (``core.wiring``), before any worker or sweeper runs. Forked worker
processes inherit it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.context import Context


class Upcalls(Protocol):
    """What jobs and the sweeper call above delivery; each is safe to call twice."""

    def expire(self, ctx: Context, article_id: int) -> bool:
        """Take an item down at the end of its window; whether it was taken down."""

    def expire_due(self, ctx: Context, now: dt.datetime) -> int:
        """Take down every public item whose window has closed; how many."""

    def take_down_ended(self, ctx: Context, now: dt.datetime) -> int:
        """Take down what ends by its own window without deliveries (banners, campaign
        sections: S3.1); how many."""

    def publish_due(self, ctx: Context, article_id: int) -> bool:
        """Publish one scheduled item whose time has come; whether it was."""

    def publish_due_all(self, ctx: Context, now: dt.datetime) -> int:
        """Publish every scheduled item whose time has come (after downtime); how many."""

    def warn_expiring(self, ctx: Context, now: dt.datetime) -> int:
        """Warn editors of live items about to come down; how many warnings."""

    def daily(self, ctx: Context, now: dt.datetime) -> None:
        """The once-a-day housekeeping (retention), shared by every sweeper."""

    def due_reads(self, ctx: Context, now: dt.datetime) -> list[int]:
        """The channel targets whose comments are due to be read again."""

    def read_target(self, ctx: Context, target_id: int) -> dict[str, int]:
        """Read one target's comments (and push hides); the counts of what happened."""

    def send_reply(self, ctx: Context, reply_id: int, attempt: int) -> str:
        """Send one attempt of a reply to a citizen; the outcome's name."""

    def enqueue_owed_replies(self, ctx: Context) -> int:
        """Queue again the replies still owed (Redis may have lost their jobs); how many."""

    def alert_overdue_holds(self, ctx: Context, now: dt.datetime) -> int:
        """Alert the moderators of comments held too long (once each); how many now."""

    def observe(self, ctx: Context) -> None:
        """Install the observers of ``ctx``'s events that live above delivery (notices)."""

    def send_notices(self, ctx: Context, event: str, subject_id: int) -> int:
        """Mail the people ``event`` about ``subject_id`` concerns, once each; how many now."""

    def feedback_deadlines(self, ctx: Context, now: dt.datetime) -> int:
        """Alert the handlers of citizens' feedback near or past its deadline, once each."""


class NotWired(RuntimeError):
    """A job or sweep ran before the application wired the upcalls (a start-up bug)."""


_wired: Upcalls | None = None


def wire(upcalls: Upcalls) -> None:
    """Install the implementation; the application does this once at start-up."""
    global _wired
    _wired = upcalls


def current() -> Upcalls:
    """The wired implementation; :class:`NotWired` if start-up forgot it."""
    if _wired is None:
        raise NotWired("the delivery upcalls are not wired: call core.wiring.wire() at start-up")
    return _wired
