"""What a person does to one delivery: "retry now".

Who may: an editor of the item's unit (``write_content`` there: the item is theirs to get
out) or a channel admin of the target's unit (``manage_channels``: the channel is theirs to
mend). Retry now only moves the delivery's time to now: the attempt that follows is the
delivery's next one, under its own job id, with every check of an attempt (the channel's
allowance and quota, screening, the item still being public) applied as always. So it never
makes a second job (a queued or running attempt is left to run), never re-sends what was
delivered, and a superseded delivery (a newer one of the same item and target) stays put.
"""

from __future__ import annotations

from sqlalchemy import select, update

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.content.models import Article
from core.context import Context
from core.db import rowcount, utcnow
from core.delivery import live, queue
from core.delivery.models import Delivery, DeliveryState
from core.errors import InvalidTransition, NotFound
from core.targets.models import ChannelTarget
from core.units.lookups import unit_path

#: States retry now moves: waiting for their time (a transient error or rate limit, the
#: allowance) or given up on (a refusal, a human must act) and now mended.
RETRYABLE = frozenset(
    {
        DeliveryState.RETRYING,
        DeliveryState.WAITING,
        DeliveryState.FAILED,
        DeliveryState.NEEDS_ATTENTION,
    }
)
#: Given-up states: retry now reopens them as retrying.
_REOPENED = frozenset({DeliveryState.FAILED, DeliveryState.NEEDS_ATTENTION})
_WHY_NOT = {
    DeliveryState.DELIVERED: "this delivery was delivered: there is nothing to retry",
    DeliveryState.PENDING: "this delivery is already due: a worker will take it",
    DeliveryState.IN_FLIGHT: "this delivery is being sent right now",
    DeliveryState.CANCELLED: "this delivery was cancelled",
    DeliveryState.ASSISTED: "this delivery waits for an operator's task",
    DeliveryState.UNKNOWN: "Loa is reconciling this delivery with the channel first",
}


def may_retry(actor: Actor, item_path: str, target_path: str) -> bool:
    """The rule of the module's docstring, for a screen deciding whether to offer the button."""
    return actor.can(Permission.WRITE_CONTENT, item_path) or actor.can(
        Permission.MANAGE_CHANNELS, target_path
    )


def retry_now(ctx: Context, actor: Actor, delivery_id: int) -> tuple[Delivery, ChannelTarget]:
    """Make the delivery due now (see the module); the row as it now stands, and its target."""
    now = utcnow()
    if not 0 < delivery_id < 2**31:  # beyond an SQL INTEGER: names no row (and no query)
        raise NotFound(f"no delivery {delivery_id}")
    with ctx.transaction() as session:
        d = session.get(Delivery, delivery_id)
        if d is None:
            raise NotFound(f"no delivery {delivery_id}")
        article = session.get(Article, d.article_id)
        target = session.get(ChannelTarget, d.target_id)
        assert article is not None and target is not None  # foreign keys
        item_path = unit_path(session, article.unit_id)
        if not may_retry(actor, item_path, unit_path(session, target.unit_id)):
            require(actor, Permission.WRITE_CONTENT, item_path)  # refused, and audited
        if d.state not in RETRYABLE:
            raise InvalidTransition(_WHY_NOT.get(DeliveryState(d.state), f"it is {d.state}"))
        newer = session.scalar(
            select(Delivery.id).where(
                Delivery.article_id == d.article_id,
                Delivery.target_id == d.target_id,
                Delivery.id > d.id,
            )
        )
        if newer is not None:
            raise InvalidTransition(f"delivery {newer} of the same channel supersedes this one")
        was, attempt = d.state, d.attempt
        values: dict[str, object] = {"due_at": now, "updated_at": now}
        if was in _REOPENED:
            values.update(state=DeliveryState.RETRYING, finished_at=None)
        moved = rowcount(
            session.execute(  # compare-and-set: a worker or another click that came first wins
                update(Delivery)
                .where(Delivery.id == d.id, Delivery.state == was, Delivery.attempt == attempt)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        )
        if moved != 1:
            raise InvalidTransition("this delivery changed meanwhile: look again")
        audit.record(
            session,
            actor=actor.name,
            action="delivery.retry_now",
            subject_type="delivery",
            subject_id=d.id,
            data={"from": was, "attempt": attempt + 1, "target": d.target_id},
            unit_path=item_path,
        )
        session.refresh(d)
    queue.hurry_attempt(ctx, d.id, attempt + 1)
    live.changed(ctx, [d.article_id])
    return d, target
