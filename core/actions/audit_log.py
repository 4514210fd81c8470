"""Reading the audit log: what an admin may see of it, by the units their role covers.

The log itself (:mod:`core.audit`) sits below accounts and permissions, which write to it;
reading it is a permission-checked action, so it lives here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.audit import AuditEntry
from core.auth.permissions import Actor, Permission, require
from core.errors import ValidationFailed


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    has_next: bool


def search(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    actor_name: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    unit_path: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    first: int = 50,
    before_id: int | None = None,
) -> AuditPage:
    """Entries an admin may read, newest first: those on units their admin role covers.

    Entries about no unit (sign-ins by unknown names, system jobs) are for admins of the
    whole tree (a role on the top unit). ``action`` matches a prefix ("auth." finds all
    sign-in events).
    """
    paths = actor.paths(Permission.READ_AUDIT)
    if not paths:
        require(actor, Permission.READ_AUDIT, "/")  # raises, and records the refusal
    if not 1 <= first <= 200:
        raise ValidationFailed({"first": "must be between 1 and 200"})
    visible = [AuditEntry.unit_path.startswith(p) for p in paths]
    if any(p.count("/") <= 2 for p in paths):  # "/" or "/<top unit id>/": the whole tree
        visible.append(AuditEntry.unit_path == "")
    stmt = select(AuditEntry).where(or_(*visible))
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    if actor_name:
        stmt = stmt.where(AuditEntry.actor == actor_name)
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    if unit_path:
        stmt = stmt.where(AuditEntry.unit_path.startswith(unit_path))
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    if before_id:
        stmt = stmt.where(AuditEntry.id < before_id)
    rows = list(session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(first + 1)))
    return AuditPage(rows[:first], len(rows) > first)
