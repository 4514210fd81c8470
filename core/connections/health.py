"""A target's credential health, and the alert its channel admins get when it changes.

There is no notification outbox in core yet: the alert is the event ``target.health``
(after commit) naming the accounts to tell (channel admins of the target's unit and the
units above it), and an audit record; a notifier plugin (e-mail, chat) observes the event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth.models import Role, RoleMembership, User
from core.context import Context
from core.contract.credentials import Health
from core.targets.models import ChannelTarget
from core.units.models import Unit


@dataclass(frozen=True)
class HealthChange:
    target_id: int
    plugin: str
    previous: str
    health: str
    detail: str
    recipients: tuple[int, ...]

    def payload(self) -> dict[str, object]:
        return {
            "id": self.target_id,
            "plugin": self.plugin,
            "previous": self.previous,
            "health": self.health,
            "detail": self.detail,
            "recipients": list(self.recipients),
        }


def channel_admins(session: Session, unit_id: int) -> tuple[int, ...]:
    """Active accounts holding channel_admin on the unit or any unit above it."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        return ()
    above = [int(i) for i in unit.path.strip("/").split("/") if i]
    rows = session.scalars(
        select(RoleMembership.user_id)
        .join(User, User.id == RoleMembership.user_id)
        .where(
            RoleMembership.unit_id.in_(above),
            RoleMembership.role == Role.CHANNEL_ADMIN,
            User.is_active.is_(True),
        )
        .distinct()
    )
    return tuple(sorted(rows))


def set_health(
    session: Session, target: ChannelTarget, health: Health, detail: str, *, actor: str
) -> HealthChange | None:
    """Record the target's health in the caller's transaction; the change, if it is one.

    Emit the change with :func:`alert` after the transaction commits.
    """
    previous = target.health
    target.health, target.health_detail = health.value, detail[:2000]
    if previous == health.value:
        return None
    audit.record(
        session,
        actor=actor,
        action="target.health",
        subject_type="channel_target",
        subject_id=target.id,
        data={"previous": previous, "health": health.value, "detail": detail[:500]},
    )
    return HealthChange(
        target.id,
        target.plugin,
        previous,
        health.value,
        detail[:500],
        channel_admins(session, target.unit_id),
    )


def alert(ctx: Context, change: HealthChange | None) -> None:
    """Tell observers (and through them the channel admins) about a committed change."""
    if change is not None:
        ctx.emit("target.health", change.payload())
