"""The feedback inbox: what citizens sent a unit (form, portals, channels' messages), to read.

A list filtered by status, unit, channel and lateness, and one message with its history and
the people it may be assigned to. Who may read: whoever reads a unit's drafts reads its
feedback and that of the units below (the same rule as :func:`core.interactions.feedback.
listing`, as a query over the actor's grants). What is done with a message is in
:mod:`core.interactions.handling`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.auth.models import RoleMembership, User
from core.auth.permissions import GRANTS, Actor, Permission, require
from core.context import Context
from core.db import utcnow
from core.errors import Forbidden, NotFound, ValidationFailed
from core.interactions.feedback import contact_of
from core.interactions.models import Feedback, FeedbackEvent
from core.interactions.tracking import shown
from core.units.lookups import ancestor_ids, find_unit
from core.units.models import Unit

#: Handling statuses, in order.
STATUSES = ("new", "in_progress", "answered", "closed")
#: Where feedback comes from besides channel plugins.
OWN_CHANNELS = ("form", "api")
LIMIT = 100


@dataclass(frozen=True)
class Line:
    id: int
    code: str
    unit: str
    unit_code: str
    channel: str
    status: str
    #: Moderation: received, held (a moderator first), approved, hidden.
    state: str
    urgent: bool
    received_at: dt.datetime
    ack_due_at: dt.datetime | None
    overdue: bool
    due_soon: bool
    assignee: str
    excerpt: str


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    action: str
    status: str
    actor: str
    note: str


@dataclass(frozen=True)
class Detail:
    line: Line
    text: str
    author_name: str
    contact: str
    answer: str
    answered_at: dt.datetime | None
    answered_by: str
    answered_via: str
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    history: list[Step]
    #: (user id, name) of the people it may be assigned to.
    candidates: list[tuple[int, str]]
    may_assign: bool
    may_handle: bool


def waiting(item: Feedback) -> bool:
    """Still owed an acknowledgement."""
    return item.status == "new" and item.acknowledged_at is None and item.state != "hidden"


def _name(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else ""


def _line(item: Feedback, unit: Unit, assignee: User | None, now: dt.datetime) -> Line:
    owed = waiting(item)
    due = item.ack_due_at
    return Line(
        id=item.id,
        code=shown(item.tracking_code),
        unit=unit.name,
        unit_code=unit.code,
        channel=item.channel,
        status=item.status,
        state=item.state,
        urgent=item.urgent,
        received_at=item.received_at,
        ack_due_at=due,
        overdue=owed and due is not None and due <= now,
        due_soon=owed
        and due is not None
        and due > now
        and item.ack_warn_at is not None
        and item.ack_warn_at <= now,
        assignee=_name(assignee),
        excerpt=item.text[:160],
    )


def channels(ctx: Context) -> list[str]:
    """Every channel feedback may come from: Loa's form, portals, installed plugins."""
    return [*OWN_CHANNELS, *sorted(ctx.channels)]


def units(ctx: Context, actor: Actor, limit: int = 300) -> list[tuple[str, str]]:
    """(code, name) of the units whose feedback the actor reads, the tree's order."""
    paths = actor.paths(Permission.READ_DRAFTS)
    if not paths:
        return []
    with ctx.sessions() as session:
        rows = session.execute(
            select(Unit.code, Unit.name)
            .where(or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)))
            .order_by(Unit.path)
            .limit(limit)
        ).all()
    return [(str(c), str(n)) for c, n in rows]


def listing(
    ctx: Context,
    actor: Actor,
    *,
    status: str = "",
    unit: str = "",
    channel: str = "",
    overdue: bool = False,
    now: dt.datetime | None = None,
    limit: int = LIMIT,
) -> list[Line]:
    """Feedback the actor may read, newest first, narrowed by the filters given."""
    if status and status not in STATUSES:
        raise ValidationFailed({"status": f"must be one of {list(STATUSES)}"})
    paths = actor.paths(Permission.READ_DRAFTS)
    if not paths:
        raise Forbidden(f"{actor.name} may not read citizens' feedback")
    now = now or utcnow()
    stmt = (
        select(Feedback, Unit, User)
        .join(Unit, Unit.id == Feedback.unit_id)
        .outerjoin(User, User.id == Feedback.assignee_id)
        .where(or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)))
        .where(Feedback.state != "hidden")
    )
    with ctx.sessions() as session:
        if unit:
            found = find_unit(session, unit[:16])
            if found is None:
                raise ValidationFailed({"unit": f"no unit {unit!r}"})
            stmt = stmt.where(Unit.path.startswith(found.path, autoescape=True))
        if status:
            stmt = stmt.where(Feedback.status == status)
        if channel:
            stmt = stmt.where(Feedback.channel == channel[:32])
        if overdue:
            stmt = stmt.where(
                Feedback.status == "new",
                Feedback.acknowledged_at.is_(None),
                Feedback.ack_due_at <= now,
            )
        rows = session.execute(
            stmt.order_by(Feedback.received_at.desc(), Feedback.id.desc()).limit(
                max(1, min(limit, 500))
            )
        ).all()
        return [_line(item, u, user, now) for item, u, user in rows]


def late_for(
    ctx: Context, actor: Actor, now: dt.datetime | None = None, limit: int = 20
) -> list[Line]:
    """Messages near or past their acknowledgement deadline that this person must act on:
    assigned to them, or not assigned on a unit whose leaders they are (the desk's bell)."""
    now = now or utcnow()
    paths = actor.paths(Permission.APPROVE)
    mine = Feedback.assignee_id == actor.user_id if actor.user_id is not None else None
    unassigned = (
        and_(
            Feedback.assignee_id.is_(None),
            or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)),
        )
        if paths
        else None
    )
    whose = [c for c in (mine, unassigned) if c is not None]
    if not whose:
        return []
    with ctx.sessions() as session:
        rows = session.execute(
            select(Feedback, Unit, User)
            .join(Unit, Unit.id == Feedback.unit_id)
            .outerjoin(User, User.id == Feedback.assignee_id)
            .where(
                Feedback.status == "new",
                Feedback.acknowledged_at.is_(None),
                Feedback.state != "hidden",
                Feedback.ack_warn_at <= now,
                or_(*whose),
            )
            .order_by(Feedback.ack_due_at)
            .limit(limit)
        ).all()
        return [_line(item, u, user, now) for item, u, user in rows]


def unit_of(session: Session, item: Feedback) -> Unit:
    unit = session.get(Unit, item.unit_id)
    assert unit is not None  # a foreign key
    return unit


def may_handle(actor: Actor, item: Feedback, path: str) -> bool:
    """Who answers, acknowledges and closes: the unit's approvers, or its assignee."""
    if actor.can(Permission.APPROVE, path):
        return True
    return (
        item.assignee_id is not None
        and actor.user_id == item.assignee_id
        and actor.can(Permission.READ_DRAFTS, path)
    )


def candidates(session: Session, unit: Unit) -> list[tuple[int, str]]:
    """Active accounts who read the unit's drafts (a role on it or above): who may be assigned."""
    readers = [r for r, granted in GRANTS.items() if Permission.READ_DRAFTS in granted]
    rows = session.execute(
        select(User)
        .join(RoleMembership, RoleMembership.user_id == User.id)
        .where(
            RoleMembership.unit_id.in_(ancestor_ids(unit)),
            RoleMembership.role.in_([r.value for r in readers]),
            User.is_active.is_(True),
            User.totp_enabled_at.is_not(None),
        )
        .distinct()
        .order_by(User.username)
    ).scalars()
    return [(u.id, _name(u)) for u in rows]


def load(session: Session, feedback_id: int, *, lock: bool = False) -> Feedback:
    stmt = select(Feedback).where(Feedback.id == feedback_id)
    item = session.scalar(stmt.with_for_update() if lock else stmt)
    if item is None or item.state == "hidden":
        raise NotFound(f"no feedback with id {feedback_id}")
    return item


def detail(ctx: Context, actor: Actor, feedback_id: int, now: dt.datetime | None = None) -> Detail:
    """One message for the desk: its text, contact, answer, history and who may take it."""
    now = now or utcnow()
    with ctx.sessions() as session:
        item = load(session, feedback_id)
        unit = unit_of(session, item)
        require(actor, Permission.READ_DRAFTS, unit.path)
        assignee = session.get(User, item.assignee_id) if item.assignee_id else None
        history = [
            Step(e.at, e.action, e.status, e.actor, e.note)
            for e in session.scalars(
                select(FeedbackEvent)
                .where(FeedbackEvent.feedback_id == item.id)
                .order_by(FeedbackEvent.id)
            )
        ]
        may_assign = actor.can(Permission.APPROVE, unit.path)
        return Detail(
            line=_line(item, unit, assignee, now),
            text=item.text,
            author_name=item.author_name,
            contact=contact_of(ctx, item),
            answer=item.answer,
            answered_at=item.answered_at,
            answered_by=item.answered_by,
            answered_via=item.answered_via,
            acknowledged_at=item.acknowledged_at,
            closed_at=item.closed_at,
            history=history,
            candidates=candidates(session, unit) if may_assign else [],
            may_assign=may_assign,
            may_handle=may_handle(actor, item, unit.path),
        )
