"""Creating accounts: no password is ever chosen or printed by an operator.

An account starts with a one-time enrolment link (its token stored as a SHA-256
digest, valid ``LOA_ENROL_LINK_HOURS``): the person opens it, chooses a password and
enrols a TOTP app; until then the account can do nothing else. Running ``create``
again for an account that has not enrolled yet issues a fresh link (and the old one
stops working). For an enrolled account the link would let its holder choose a new
password, so it is refused unless the operator asks for a reset (``--reset``), which is
audited as ``user.enrol_reset``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth.models import Role, RoleMembership, User
from core.context import Context
from core.db import utcnow
from core.errors import Conflict
from core.units.lookups import find_unit


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    ctx: Context,
    *,
    username: str,
    unit_code: str,
    role: str,
    enrol_token: str,
    reset: bool = False,
) -> User:
    """The account with a fresh enrolment link; :class:`Conflict` if enrolled and not ``reset``."""
    with ctx.transaction() as session:
        unit = find_unit(session, unit_code)
        if unit is None:
            raise LookupError(f"no unit {unit_code!r}: run `loa units sync` first")
        user = session.scalar(select(User).where(User.username == username))
        enrolled = user is not None and user.totp_enabled_at is not None
    if enrolled and not reset:
        assert user is not None
        with ctx.transaction() as session:
            audit.record(
                session,
                actor="cli",
                action="user.create_refused",
                subject_type="user",
                subject_id=user.id,
                data={"username": username, "reason": "already enrolled"},
                unit_path=unit.path,
            )
        raise Conflict(
            f"{username} has already enrolled: a new link would let its holder choose a new "
            "password. Run again with --reset to do that on purpose (audited)."
        )
    with ctx.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, display_name=username)
            session.add(user)
        user.enrol_token_digest = token_digest(enrol_token)
        user.enrol_token_expires_at = utcnow() + dt.timedelta(hours=ctx.settings.enrol_link_hours)
        user.is_active, user.disabled_reason = True, ""
        session.flush()
        if (
            session.scalar(
                select(RoleMembership.id).where(
                    RoleMembership.user_id == user.id,
                    RoleMembership.unit_id == unit.id,
                    RoleMembership.role == role,
                )
            )
            is None
        ):
            session.add(RoleMembership(user_id=user.id, unit_id=unit.id, role=Role(role)))
        audit.record(
            session,
            actor="cli",
            action="user.enrol_reset" if enrolled else "user.create",
            subject_type="user",
            subject_id=user.id,
            data={"username": username, "role": role, "unit": unit_code},
            unit_path=unit.path,
        )
    return user


def username_of(session: Session, user_id: int | None) -> str:
    """The account's username ("" when there is no such account)."""
    user = session.get(User, user_id) if user_id is not None else None
    return user.username if user else ""
