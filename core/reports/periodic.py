"""Periodic reports of a unit and its descendants (S2.4 monthly, S4.7 half-yearly and yearly).

For one period (Vietnam's calendar, see :mod:`core.quota.periods`):

* items by status: items of the unit created in the period, by their status now;
* items by channel: publish deliveries created in the period, by target, with their outcome
  (delivered, failed, needs attention, still pending, cancelled) and a success rate over the
  finished ones (cancelled ones left out);
* time from submit to publish: for items published in the period, hours from the first
  ``article.submit`` audit entry (the item's ``created_at`` when it was never submitted, e.g.
  written and approved by the same board) to ``published_at``: median and 90th percentile;
* interactions: citizens' comments received in the period, per channel target, on the
  unit's items (or on targets the unit owns when the comment matches no item of ours);
  "not tracked" when this installation has no comments.

Every section is one grouped query; nothing is loaded per item, agency or target.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, cast, func, inspect, or_, select
from sqlalchemy.orm import Session

from core.audit import AuditEntry
from core.content.models import Article, Status
from core.delivery.models import Action, Delivery, DeliveryState
from core.quota.periods import Period
from core.targets.models import ChannelTarget
from core.units.models import Unit

#: Delivery states reported as still pending: a worker has yet to finish them.
PENDING_STATES = (
    DeliveryState.PENDING,
    DeliveryState.IN_FLIGHT,
    DeliveryState.RETRYING,
    DeliveryState.UNKNOWN,
    DeliveryState.WAITING,
    DeliveryState.ASSISTED,
)
SUBMIT_ACTION = "article.submit"


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


@dataclass(frozen=True)
class ChannelStats:
    """Publish deliveries to one channel target."""

    target_id: int
    plugin: str
    name: str
    delivered: int
    failed: int
    needs_attention: int
    pending: int
    cancelled: int

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.needs_attention + self.pending + self.cancelled

    @property
    def success_rate(self) -> float | None:
        """Delivered among finished (delivered, failed, needs attention); None if none finished."""
        finished = self.delivered + self.failed + self.needs_attention
        return self.delivered / finished if finished else None


@dataclass(frozen=True)
class LeadTime:
    """Hours from submit to publish of the items published in the period."""

    items: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class ChannelComments:
    target_id: int
    plugin: str
    name: str
    comments: int
    hidden: int


@dataclass(frozen=True)
class Interactions:
    tracked: bool
    by_channel: tuple[ChannelComments, ...] = ()
    note: str = ""

    @property
    def comments(self) -> int:
        return sum(c.comments for c in self.by_channel)


@dataclass(frozen=True)
class PeriodicReport:
    unit_code: str
    unit_name: str
    period: Period
    by_status: tuple[StatusCount, ...]
    by_channel: tuple[ChannelStats, ...]
    lead_time: LeadTime
    interactions: Interactions

    @property
    def items(self) -> int:
        return sum(s.count for s in self.by_status)


def _in_unit(unit: Unit) -> Any:
    """Articles of ``unit`` and its descendants (a subquery of ids)."""
    return (
        select(Article.id)
        .join(Unit, Unit.id == Article.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True))
    )


def by_status(session: Session, unit: Unit, period: Period) -> tuple[StatusCount, ...]:
    """Every status in workflow order (zeros included), then any status this code lacks."""
    stmt = (
        select(Article.status, func.count(Article.id))
        .join(Unit, Unit.id == Article.unit_id)
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            Article.created_at >= period.start,
            Article.created_at < period.end,
        )
        .group_by(Article.status)
    )
    counts = {str(status): int(n) for status, n in session.execute(stmt)}
    known = [s.value for s in Status]
    extra = sorted(set(counts) - set(known))
    return tuple(StatusCount(s, counts.get(s, 0)) for s in [*known, *extra])


def by_channel(session: Session, unit: Unit, period: Period) -> tuple[ChannelStats, ...]:
    stmt = (
        select(ChannelTarget.id, ChannelTarget.plugin, ChannelTarget.name, Delivery.state)
        .add_columns(func.count(Delivery.id))
        .join(ChannelTarget, ChannelTarget.id == Delivery.target_id)
        .where(
            Delivery.action == Action.PUBLISH.value,
            Delivery.article_id.in_(_in_unit(unit)),
            Delivery.created_at >= period.start,
            Delivery.created_at < period.end,
        )
        .group_by(ChannelTarget.id, ChannelTarget.plugin, ChannelTarget.name, Delivery.state)
    )
    tally: dict[tuple[int, str, str], dict[str, int]] = {}
    for target_id, plugin, name, state, n in session.execute(stmt):
        tally.setdefault((int(target_id), plugin, name), {})[str(state)] = int(n)
    pending = {s.value for s in PENDING_STATES}
    out = [
        ChannelStats(
            target_id=target_id,
            plugin=plugin,
            name=name,
            delivered=states.get(DeliveryState.DELIVERED, 0),
            failed=states.get(DeliveryState.FAILED, 0),
            needs_attention=states.get(DeliveryState.NEEDS_ATTENTION, 0),
            pending=sum(n for s, n in states.items() if s in pending),
            cancelled=states.get(DeliveryState.CANCELLED, 0),
        )
        for (target_id, plugin, name), states in tally.items()
    ]
    return tuple(sorted(out, key=lambda c: (c.plugin, c.name, c.target_id)))


def _percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); ``q`` in [0, 1]."""
    position = (len(sorted_values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def lead_time(session: Session, unit: Unit, period: Period) -> LeadTime:
    submitted = (
        select(AuditEntry.subject_id, func.min(AuditEntry.at).label("at"))
        .where(
            AuditEntry.action == SUBMIT_ACTION,
            AuditEntry.subject_type == "article",
            AuditEntry.at < period.end,
        )
        .group_by(AuditEntry.subject_id)
        .subquery()
    )
    stmt = (
        select(Article.created_at, Article.published_at, submitted.c.at)
        .join(Unit, Unit.id == Article.unit_id)
        .outerjoin(submitted, submitted.c.subject_id == cast(Article.id, String))
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            Article.published_at >= period.start,
            Article.published_at < period.end,
        )
    )
    hours = []
    for created_at, published_at, submitted_at in session.execute(stmt):
        start = created_at if submitted_at is None else submitted_at
        hours.append(max(0.0, (published_at - start).total_seconds() / 3600))
    if not hours:
        return LeadTime(0, None, None)
    hours.sort()
    return LeadTime(len(hours), statistics.median(hours), _percentile(hours, 0.9))


def interactions(session: Session, unit: Unit, period: Period) -> Interactions:
    try:
        from core.interactions.models import Comment, CommentState
    except ImportError:
        return Interactions(tracked=False, note="not tracked: no comments module installed")
    if not inspect(session.connection()).has_table(Comment.__tablename__):
        return Interactions(tracked=False, note="not tracked: no comments table")
    own_targets = (
        select(ChannelTarget.id)
        .join(Unit, Unit.id == ChannelTarget.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True))
    )
    hidden = func.count(Comment.id).filter(Comment.state == CommentState.HIDDEN.value)
    stmt = (
        select(ChannelTarget.id, ChannelTarget.plugin, ChannelTarget.name)
        .add_columns(func.count(Comment.id), hidden)
        .join(ChannelTarget, ChannelTarget.id == Comment.target_id)
        .where(
            Comment.received_at >= period.start,
            Comment.received_at < period.end,
            or_(
                Comment.article_id.in_(_in_unit(unit)),
                and_(Comment.article_id.is_(None), Comment.target_id.in_(own_targets)),
            ),
        )
        .group_by(ChannelTarget.id, ChannelTarget.plugin, ChannelTarget.name)
        .order_by(ChannelTarget.plugin, ChannelTarget.name, ChannelTarget.id)
    )
    rows = tuple(
        ChannelComments(int(tid), plugin, name, int(n), int(h or 0))
        for tid, plugin, name, n, h in session.execute(stmt)
    )
    return Interactions(tracked=True, by_channel=rows)


def periodic(session: Session, unit: Unit, period: Period) -> PeriodicReport:
    return PeriodicReport(
        unit_code=unit.code,
        unit_name=unit.name,
        period=period,
        by_status=by_status(session, unit, period),
        by_channel=by_channel(session, unit, period),
        lead_time=lead_time(session, unit, period),
        interactions=interactions(session, unit, period),
    )
