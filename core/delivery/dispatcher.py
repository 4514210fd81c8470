"""One attempt of one delivery: claim it, call the channel, record what happened.

The database row is the truth. An attempt starts with a compare-and-set on
(state, attempt), so a job that rq runs twice, or a stale job after a retry
was scheduled, does nothing. A delivery whose outcome is unknown is
reconciled with the channel before anything is sent again, and stays
"unknown" until a reconcile has answered: a reconcile that fails (a 503, a
timeout) is retried as a reconcile, never followed by a blind re-send.
An outcome is written only while the row is still this attempt's and in
flight: a sweeper that has meanwhile declared the attempt lost keeps its word.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

from core import audit
from core.connections.health import Health, HealthChange, alert, set_health
from core.connections.refresh import fresh_target
from core.content.models import Article
from core.context import Context
from core.contract.assisted import AssistedTask, AssistRequired
from core.contract.channels import (
    AuthError,
    Channel,
    ChannelError,
    Item,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    Remote,
    Rendered,
    Target,
)
from core.db import rowcount, utcnow
from core.delivery import backoff, costs, live, outcomes, queue, recorder
from core.delivery.assisted import actions as assisted
from core.delivery.items import delivered_item
from core.delivery.models import OPEN_STATES, Action, Delivery, DeliveryState, Placement
from core.delivery.previews import render_checked
from core.delivery.unit_lexicons import delivery_lexicon
from core.moderation import Lexicon
from core.screening.payloads import check_rendered
from core.secrets import SecretError, redact
from core.targets.models import ChannelTarget
from core.workflow.record import approval_record
from core.workflow.states import PUBLIC

log = logging.getLogger("loa.delivery")


class Outcome(enum.StrEnum):
    SKIPPED = "skipped"  # not ours to run (already claimed, finished or superseded)
    DELIVERED = "delivered"
    ASSISTED = "assisted"  # handed to an operator as a task
    WAITING = "waiting"  # over the channel's allowance: tried again when it resets
    CANCELLED = "cancelled"
    RETRY = "retry"
    UNKNOWN = "unknown"
    FAILED = "failed"
    ATTENTION = "needs_attention"


@dataclass
class _Work:
    delivery: Delivery
    previous_state: str
    article: Article
    item: Item
    target_row: ChannelTarget
    target: Target
    channel: Channel
    placement: Placement | None
    lexicon: Lexicon
    follow_ups: list[int] = field(default_factory=list)
    #: False while an earlier attempt's outcome is unknown and no reconcile has answered.
    settled: bool = True
    #: What was rendered and what sending it costs (``core.contract.costs``), once known.
    rendered: Rendered | None = None
    cost: dict[str, float] | None = None


def _claim(ctx: Context, delivery_id: int, attempt: int) -> tuple[Delivery, str] | None:
    now = utcnow()
    with ctx.transaction() as session:
        row = session.get(Delivery, delivery_id)
        if row is None or row.attempt != attempt - 1 or row.state not in OPEN_STATES:
            return None
        previous = row.state
        late = max(0.0, (now - row.due_at).total_seconds())
        claim = {
            "state": DeliveryState.IN_FLIGHT,
            "attempt": attempt,
            "started_at": now,
            "updated_at": now,
            "lateness_seconds": late if attempt == 1 else row.lateness_seconds,
        }
        claimed = rowcount(
            session.execute(
                update(Delivery)
                .where(
                    Delivery.id == delivery_id,
                    Delivery.attempt == attempt - 1,
                    Delivery.state == previous,
                )
                .values(**claim)
                .execution_options(synchronize_session=False)
            )
        )
        if claimed != 1:
            return None
        # The row is now what was read plus what the compare-and-set wrote: no second read.
        for name, value in claim.items():
            set_committed_value(row, name, value)
        return row, previous


def _prepare(ctx: Context, delivery: Delivery, previous: str) -> _Work | str:
    """Load everything the attempt needs, or say why it cannot run."""
    with ctx.sessions() as session:
        # Not the search index: no channel sends it, and it is the article's largest column.
        article = session.get(Article, delivery.article_id, options=[defer(Article.search_text)])
        target_row = session.get(ChannelTarget, delivery.target_id)
        if article is None or target_row is None:
            return "the article or the channel target no longer exists"
        if not target_row.enabled:
            return "the channel target is disabled"
        try:
            channel = ctx.channel(target_row.plugin)
            secrets = ctx.sealer.open(target_row.secrets_sealed)
        except (LookupError, SecretError) as exc:
            return str(exc)
        placement = session.scalar(
            select(Placement).where(
                Placement.article_id == article.id, Placement.target_id == target_row.id
            )
        )
        item = replace(
            delivered_item(ctx, session, article),
            approvals=approval_record(session, article.id, target_row.id),
        )
        lexicon = delivery_lexicon(ctx, session, article.unit_id)
    target = Target(
        id=target_row.id,
        name=target_row.name,
        settings=dict(target_row.settings or {}),
        secrets=secrets,
        timeout=ctx.settings.http_timeout,
        allow_networks=ctx.settings.outbound_allow_networks,
    )
    return _Work(
        delivery,
        previous,
        article,
        item,
        target_row,
        target,
        channel,
        placement,
        lexicon,
        settled=previous != DeliveryState.UNKNOWN,
    )


def _render(work: _Work) -> Rendered:
    """The channel's payload, its media judged against what the channel accepts first
    (MediaUnfit), then judged by moderation before anything is sent (always on)."""
    try:
        rendered = render_checked(work.channel, work.item, work.target)
    except (ValueError, KeyError, TypeError) as exc:
        raise PermanentError(f"the item cannot be rendered for this channel: {exc}") from None
    check_rendered(rendered.text, work.lexicon, work.article)
    work.rendered = rendered
    return rendered


async def _within_allowance(ctx: Context, work: _Work, rendered: Rendered) -> None:
    """OverAllowance when sending would exceed what the channel has left; else note the cost."""
    with ctx.sessions() as session:
        weighed = await costs.weigh(work.channel, rendered, work.target, session)
    if weighed is None:
        return
    if weighed.over:
        raise costs.OverAllowance(weighed)
    work.cost = {k: float(v) for k, v in weighed.cost.amounts.items()}


async def _perform(ctx: Context, work: _Work) -> tuple[Outcome, Remote | None]:
    d, channel = work.delivery, work.channel
    # Credentials due for refresh are renewed (and stored) before anything is sent.
    target = work.target = await fresh_target(ctx, channel, work.target)
    key = d.idempotency_key
    if not work.settled:
        found = await channel.reconcile(target, key=key)
        work.settled = True
        if found is not None:
            return Outcome.DELIVERED, found
        if d.action == Action.RETRACT and work.placement is None:
            return Outcome.DELIVERED, None
    if d.action == Action.PUBLISH:
        if work.article.status not in PUBLIC:
            return Outcome.CANCELLED, None
        rendered = _render(work)
        await _within_allowance(ctx, work, rendered)
        return Outcome.DELIVERED, await channel.publish(rendered, target, key=key)
    if d.action == Action.UPDATE:
        if work.placement is None or not work.placement.live:
            return Outcome.CANCELLED, None
        remote = Remote(work.placement.remote_id, work.placement.remote_url)
        rendered = _render(work)
        await _within_allowance(ctx, work, rendered)
        return Outcome.DELIVERED, await channel.update(remote, rendered, target, key=key)
    if work.placement is None or not work.placement.live:
        return Outcome.DELIVERED, None  # nothing there to take down
    remote = Remote(work.placement.remote_id, work.placement.remote_url)
    await channel.retract(remote, target, key=key)
    return Outcome.DELIVERED, remote


def _finish_attempt(session: Session, d: Delivery, **values: Any) -> bool:
    """Write an attempt's outcome only over its own in-flight row (compare-and-set).

    False when something else decided first (the sweeper declared the attempt lost, or another
    run took the row): then that decision stands and this outcome is dropped.
    """
    return (
        rowcount(
            session.execute(
                update(Delivery)
                .where(
                    Delivery.id == d.id,
                    Delivery.attempt == d.attempt,
                    Delivery.state == DeliveryState.IN_FLIGHT,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    )


def _record_success(ctx: Context, work: _Work, outcome: Outcome, remote: Remote | None) -> None:
    d = work.delivery
    now = utcnow()

    def write(session: Session) -> None:
        done = _finish_attempt(
            session,
            d,
            state=DeliveryState.DELIVERED
            if outcome is Outcome.DELIVERED
            else DeliveryState.CANCELLED,
            remote_id=remote.remote_id if remote else "",
            remote_url=remote.url if remote else "",
            finished_at=now,
            updated_at=now,
            error_kind="",
            error_message="",
            cost=work.cost if outcome is Outcome.DELIVERED else None,
        )
        if not done or outcome is not Outcome.DELIVERED:
            return
        work.follow_ups = outcomes.delivered(session, d, remote, actor="system", now=now)

    # A worker's threads share one transaction for the outcomes that land together.
    recorder.write(ctx, write)


def _record_failure(ctx: Context, work: _Work | None, d: Delivery, error: Exception) -> Outcome:
    now = utcnow()
    secrets = work.target.secrets if work else {}
    # Only a channel's typed error says what it means; any other exception may quote
    # whatever answered (an internal service), so only its type is kept on the row.
    typed = isinstance(error, ChannelError)
    said = str(error) if typed else f"the channel plugin failed ({type(error).__name__})"
    message = redact(said or type(error).__name__, secrets)[:2000]
    kind = error.kind if isinstance(error, ChannelError) else "unknown"
    health: Health | None = None
    change: HealthChange | None = None
    if isinstance(error, AuthError):
        state, outcome, due = DeliveryState.NEEDS_ATTENTION, Outcome.ATTENTION, now
        health = Health.NEEDS_REAUTHORISATION
    elif isinstance(error, PermanentError):
        state, outcome, due = DeliveryState.FAILED, Outcome.FAILED, now
    elif d.attempt - d.waits >= ctx.settings.max_attempts:
        state, outcome, due = DeliveryState.NEEDS_ATTENTION, Outcome.ATTENTION, now
        message = f"gave up after {d.attempt} attempts: {message}"
    elif work is not None and not work.settled:  # the reconcile itself failed: ask again
        state, outcome = DeliveryState.UNKNOWN, Outcome.UNKNOWN
        wait = error.retry_after if isinstance(error, RateLimited) else 0.0
        due = now + dt.timedelta(seconds=max(wait, backoff.delay(d.attempt, base=1.0)))
        message = f"reconcile failed, will reconcile again: {message}"
    elif isinstance(error, RateLimited):
        state, outcome = DeliveryState.RETRYING, Outcome.RETRY
        due = now + dt.timedelta(seconds=max(error.retry_after, 0.5))
    elif isinstance(error, ChannelError) and not isinstance(error, OutcomeUnknown):
        state, outcome = DeliveryState.RETRYING, Outcome.RETRY
        due = now + dt.timedelta(seconds=backoff.delay(d.attempt))
    else:  # OutcomeUnknown, or a plugin crash that may have happened after sending
        state, outcome = DeliveryState.UNKNOWN, Outcome.UNKNOWN
        due = now + dt.timedelta(seconds=backoff.delay(d.attempt, base=1.0))
    with ctx.transaction() as session:
        written = _finish_attempt(
            session,
            d,
            state=state,
            due_at=due,
            error_kind=kind,
            error_message=message,
            updated_at=now,
            finished_at=now if state not in OPEN_STATES else None,
        )
        if not written:  # the sweeper declared this attempt lost: its "unknown" stands
            return Outcome.SKIPPED
        target_row = session.get(ChannelTarget, d.target_id) if health else None
        if health and target_row is not None:
            change = set_health(session, target_row, health, message, actor="system")
        audit.record(
            session,
            actor="system",
            action="delivery.error",
            subject_type="delivery",
            subject_id=d.id,
            data={"kind": kind, "state": state, "attempt": d.attempt, "message": message},
        )
    alert(ctx, change)  # the target's channel admins learn it needs them
    if state in (DeliveryState.FAILED, DeliveryState.NEEDS_ATTENTION):  # a person must act
        ctx.emit("delivery.failed", {"id": d.id, "attempt": d.attempt, "state": str(state)})
    if state in OPEN_STATES:
        queue.enqueue_attempts(ctx, [(d.id, d.attempt + 1)], at=due)
    return outcome


def _record_assisted(ctx: Context, work: _Work, task: AssistedTask) -> Outcome:
    """The channel needs an operator: the delivery waits in ``assisted`` on a new task."""
    d, now = work.delivery, utcnow()
    with ctx.transaction() as session:
        written = _finish_attempt(
            session,
            d,
            state=DeliveryState.ASSISTED,
            error_kind="assisted",
            error_message=redact(task.title, work.target.secrets)[:2000],
            updated_at=now,
        )
        if not written:
            return Outcome.SKIPPED
        assisted.open_task(
            session, d, work.target_row, task, work.rendered, ctx.settings.base_url, now
        )
    return Outcome.ASSISTED


def _record_waiting(ctx: Context, work: _Work, weighed: costs.Weighed) -> Outcome:
    """Over the allowance: wait, with the reason, until it resets (not a failed attempt)."""
    d, now = work.delivery, utcnow()
    due = max(weighed.resets_at or now + costs.RECHECK, now + dt.timedelta(seconds=1))
    with ctx.transaction() as session:
        written = _finish_attempt(
            session,
            d,
            state=DeliveryState.WAITING,
            due_at=due,
            waits=d.waits + 1,
            error_kind="allowance",
            error_message=weighed.reason()[:2000],
            updated_at=now,
        )
        if not written:
            return Outcome.SKIPPED
        audit.record(
            session,
            actor="system",
            action="delivery.waiting",
            subject_type="delivery",
            subject_id=d.id,
            data={"over": list(weighed.over), "until": due.isoformat()},
        )
    queue.enqueue_attempts(ctx, [(d.id, d.attempt + 1)], at=due)
    return Outcome.WAITING


async def run(ctx: Context, delivery_id: int, attempt: int) -> Outcome:
    claimed = _claim(ctx, delivery_id, attempt)
    if claimed is None:
        return Outcome.SKIPPED
    live.changed(ctx, [claimed[0].article_id])  # in flight
    try:
        return await _attempt(ctx, *claimed)
    finally:  # whatever the attempt came to, the item's board reads it again
        live.changed(ctx, [claimed[0].article_id])


async def _attempt(ctx: Context, delivery: Delivery, previous: str) -> Outcome:
    work = _prepare(ctx, delivery, previous)
    if isinstance(work, str):
        return _record_failure(ctx, None, delivery, AuthError(work))
    try:
        outcome, remote = await asyncio.wait_for(
            _perform(ctx, work), timeout=ctx.settings.http_timeout * 3
        )
    except TimeoutError:
        return _record_failure(ctx, work, delivery, OutcomeUnknown("the channel did not answer"))
    except AssistRequired as exc:
        return _record_assisted(ctx, work, exc.task)
    except costs.OverAllowance as exc:
        return _record_waiting(ctx, work, exc.weighed)
    except ChannelError as exc:
        return _record_failure(ctx, work, delivery, exc)
    except Exception as exc:
        log.error(
            "channel %s crashed on delivery %s: %s",
            work.target_row.plugin,
            delivery.id,
            redact(repr(exc), work.target.secrets),
        )
        return _record_failure(ctx, work, delivery, exc)
    _record_success(ctx, work, outcome, remote)
    queue.enqueue_deliveries(ctx, work.follow_ups)
    return outcome
