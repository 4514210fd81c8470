"""The accounts of my units, as their admin sees and keeps them: who they are, their roles,
last sign-in and second factor; new accounts (a one-time enrolment link, never a password);
disabling and re-enabling.

Every change needs MANAGE_USERS over each unit where the account holds a role, a fresh
code (step-up) and never touches the actor's own account; it is audited.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth import actions
from core.auth.models import RoleMembership, User
from core.auth.permissions import Actor, Permission, require, require_step_up
from core.context import Context
from core.db import utcnow
from core.errors import Forbidden, ValidationFailed
from core.text import fold, nfc, storable
from core.units.models import Unit

#: Usernames are what people type at sign-in: lower-case letters, digits, dot, dash, underscore.
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
LIST_LIMIT = 200


@dataclass(frozen=True)
class RoleHeld:
    role: str
    unit_code: str
    unit_name: str


@dataclass(frozen=True)
class AccountRow:
    username: str
    display_name: str
    email: str
    active: bool
    disabled_reason: str
    last_login_at: dt.datetime | None
    totp_enrolled: bool
    link_pending: bool  # an enrolment link was issued and not used yet
    roles: tuple[RoleHeld, ...]


def _roles(session: Session, user_ids: list[int]) -> dict[int, list[tuple[RoleHeld, str]]]:
    rows = session.execute(
        select(RoleMembership.user_id, RoleMembership.role, Unit.code, Unit.name, Unit.path)
        .join(Unit, Unit.id == RoleMembership.unit_id)
        .where(RoleMembership.user_id.in_(user_ids))
        .order_by(Unit.path, RoleMembership.role)
    ).all()
    found: dict[int, list[tuple[RoleHeld, str]]] = {}
    for user_id, role, code, name, path in rows:
        found.setdefault(user_id, []).append((RoleHeld(role, code, name), path))
    return found


def _row(user: User, roles: list[tuple[RoleHeld, str]]) -> AccountRow:
    return AccountRow(
        user.username,
        user.display_name,
        user.email,
        user.is_active,
        user.disabled_reason,
        user.last_login_at,
        user.totp_enabled_at is not None,
        bool(user.enrol_token_digest),
        tuple(r for r, _ in roles),
    )


def _manages_all(actor: Actor) -> bool:
    """Admin of the whole tree (or the system): also sees accounts that hold no role."""
    return any(p.count("/") <= 2 for p in actor.paths(Permission.MANAGE_USERS))


def list_accounts(ctx: Context, actor: Actor, query: str = "") -> list[AccountRow]:
    """Accounts holding a role on one of my units (every role they hold is shown), matched on
    username or name with or without diacritics; by username."""
    mine = actor.paths(Permission.MANAGE_USERS)
    if not mine:
        require(actor, Permission.MANAGE_USERS, "/")
    words = fold(query).split()
    with ctx.sessions() as session:
        users = list(session.scalars(select(User).order_by(User.username)))
        roles = _roles(session, [u.id for u in users])
    found = []
    for user in users:
        held = roles.get(user.id, [])
        reach = any(path.startswith(p) for _, path in held for p in mine)
        if not (reach or (not held and _manages_all(actor))):
            continue
        text = fold(f"{user.username} {user.display_name} {user.email}")
        if all(w in text for w in words):
            found.append(_row(user, held))
    return found[:LIST_LIMIT]


def account(ctx: Context, actor: Actor, username: str) -> AccountRow:
    """One account I manage (NotFound alike for a missing one and one outside my units)."""
    with ctx.sessions() as session:
        user = _managed(session, actor, username)
        return _row(user, _roles(session, [user.id]).get(user.id, []))


def _managed(session: Session, actor: Actor, username: str) -> User:
    return actions.managed_user(session, actor, username)


def _audit(session: Session, actor: Actor, action: str, user: User, **data: object) -> None:
    audit.record(
        session,
        actor=actor.name,
        action=action,
        subject_type="user",
        subject_id=user.id,
        data={"username": user.username, **data},
        unit_path=actions.covering_path(session, user.id),
    )


def create_account(
    ctx: Context,
    actor: Actor,
    *,
    username: str,
    unit_code: str,
    role: str,
    display_name: str = "",
    email: str = "",
) -> actions.EnrolmentLink:
    """A new account with one role and a one-time enrolment link (shown once; step-up)."""
    name = username.strip()
    role_value = actions.role_of(role)
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=ctx.settings.enrol_link_hours)
    with ctx.transaction() as session:
        unit = actions.role_unit(session, unit_code)
        actions.require_grantable(actor, role_value, unit.path)
        if not USERNAME.match(name):
            raise ValidationFailed(
                {"username": "3–60 chữ thường, số, . - _ / lower-case letters, digits, . - _"}
            )
        shown = " ".join(nfc(display_name).split())[:200]
        mail = email.strip()[:254]
        if not storable(shown + mail) or (mail and "@" not in mail):
            raise ValidationFailed({"email": "an e-mail address, or nothing"})
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise ValidationFailed({"username": "Tên đăng nhập đã có / this username is taken"})
        require_step_up(actor)
        user = User(username=name, display_name=shown or name, email=mail)
        user.enrol_token_digest = actions.enrol_digest(token)
        user.enrol_token_expires_at = expires
        session.add(user)
        session.flush()
        session.add(RoleMembership(user_id=user.id, unit_id=unit.id, role=role_value))
        session.flush()
        _audit(session, actor, "user.create", user, role=role_value.value, unit=unit.code)
    return actions.EnrolmentLink(name, token, expires)


def set_active(
    ctx: Context, actor: Actor, username: str, active: bool, reason: str = ""
) -> AccountRow:
    """Disable an account (its sessions end, its link stops working) or enable it again."""
    with ctx.transaction() as session:
        user = _managed(session, actor, username)
        require_step_up(actor)
        if not active and actions.last_root_admin(session, user.id):
            raise Forbidden("the last admin of the whole tree cannot be disabled")
        if user.is_active != active:
            user.is_active = active
            if active:
                user.disabled_reason = ""
            else:
                user.disabled_reason = nfc(reason.strip())[:200] or f"disabled by {actor.name}"
                user.enrol_token_digest, user.enrol_token_expires_at = "", None
            action = "user.enabled" if active else "user.disabled"
            _audit(session, actor, action, user, reason=user.disabled_reason)
        user_id = user.id
        row = _row(user, _roles(session, [user.id]).get(user.id, []))
    if not active:
        actions.sessions(ctx).destroy_all(user_id)
    return row
