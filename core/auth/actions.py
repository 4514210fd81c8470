"""Sign-in, enrolment, second factor, step-up, roles and account lifecycle.

Like every action: check → change → audit, in one transaction. Interfaces (the admin
pages, the management GraphQL) call these and keep no security logic of their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.auth import password_context, passwords, recovery, totp
from core.auth.errors import LockedOut, SignInFailed
from core.auth.models import RecoveryCode, Role, RoleMembership, User
from core.auth.permissions import (
    Actor,
    Grant,
    Permission,
    holds,
    require,
    require_step_up,
)
from core.auth.sessions import SessionStore
from core.auth.throttle import Throttle
from core.context import Context
from core.db import utcnow
from core.errors import Forbidden, NotFound, ValidationFailed
from core.secrets import SecretError
from core.units.lookups import find_unit, root_unit_id
from core.units.models import Unit

RECOVERY_CODES = recovery.COUNT


def sessions(ctx: Context) -> SessionStore:
    s = ctx.settings
    return SessionStore(ctx.redis, idle=s.session_idle, lifetime=s.session_lifetime)


def throttle(ctx: Context) -> Throttle:
    return Throttle(ctx.redis, ctx.settings)


def enrol_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _name_tag(username: str) -> str:
    """A short, stable tag for a name that matched no account (never the name itself)."""
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:12]


# --- who the account is --------------------------------------------------------------------


def covering_path(session: Session, user_id: int) -> str:
    """The narrowest unit path covering every role of the account ("" when it has none)."""
    paths = list(
        session.scalars(
            select(Unit.path)
            .join(RoleMembership, RoleMembership.unit_id == Unit.id)
            .where(RoleMembership.user_id == user_id)
        )
    )
    if not paths:
        return ""
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for segment in zip(*parts, strict=False):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    return "/" + "/".join(common) + "/" if common else ""


def grants_of(session: Session, user_id: int) -> tuple[Grant, ...]:
    rows = session.execute(
        select(RoleMembership.role, Unit.path)
        .join(Unit, Unit.id == RoleMembership.unit_id)
        .where(RoleMembership.user_id == user_id)
        .order_by(RoleMembership.id)
    ).all()
    return tuple(Grant(Role(role), path) for role, path in rows)


def actor_for(session: Session, user_id: int) -> Actor | None:
    """The account as an actor with its grants; None when it is gone, disabled or not enrolled."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.totp_enabled_at is None:
        return None
    return Actor(name=user.username, grants=grants_of(session, user.id), user_id=user.id)


def _user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip()))


def _audit(
    session: Session,
    action: str,
    *,
    actor: str,
    user: User | None = None,
    address: str = "",
    **data: object,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type="user" if user is not None else "",
        subject_id=user.id if user is not None else "",
        data={**({"address": address} if address else {}), **data},
        unit_path=covering_path(session, user.id) if user is not None else "",
    )


def _refuse(
    ctx: Context, action: str, user: User | None, username: str, address: str, reason: str
) -> None:
    with ctx.transaction() as session:
        if user is not None:
            _audit(session, action, actor=user.username, user=user, address=address, reason=reason)
        else:
            _audit(
                session,
                action,
                actor="anonymous",
                address=address,
                reason=reason,
                name_tag=_name_tag(username),
            )


# --- first factor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordStep:
    user_id: int
    username: str
    enrolled: bool  # False: the session may only enrol a TOTP app


def sign_in_password(ctx: Context, username: str, password: str, address: str) -> PasswordStep:
    """Check the password; refuse with one message whatever was wrong, and count failures."""
    guard = throttle(ctx)
    wait = guard.retry_after(username, address)
    with ctx.sessions() as session:
        user = _user_by_name(session, username)
    if wait:
        _refuse(ctx, "auth.login_locked", user, username, address, "too many failures")
        raise LockedOut(wait)
    if user is None:
        passwords.burn_time(password)
        ok = False
    else:
        ok = passwords.verify(user.password_hash, password)
    if not ok or user is None or not user.is_active or user.totp_enabled_at is None:
        # Without an enrolled second factor the password opens nothing: enrolment starts
        # only from a one-time link (issue 8: after a TOTP reset, the password alone
        # re-enrolled). Same answer and count as a wrong password: no password oracle.
        guard.failed(username, address)
        reason = (
            "password"
            if not ok or user is None
            else "disabled"
            if not user.is_active
            else "not enrolled"
        )
        _refuse(ctx, "auth.login_failed", user, username, address, reason)
        raise SignInFailed()
    with ctx.transaction() as session:
        row = session.get(User, user.id, with_for_update=True)
        assert row is not None
        if passwords.needs_rehash(row.password_hash):
            row.password_hash = passwords.hash_password(password)
        _audit(session, "auth.password_ok", actor=row.username, user=row, address=address)
    return PasswordStep(user.id, user.username, enrolled=True)


# --- second factor ---------------------------------------------------------------------------


def _open_totp(ctx: Context, user: User) -> str:
    try:
        return ctx.sealer.open(user.totp_sealed).get("secret", "")
    except SecretError:
        return ""


def _second_factor_gate(ctx: Context, user_id: int, address: str) -> tuple[User, Throttle]:
    """Who is at the second factor, if they may try now (active, enrolled, not locked out)."""
    with ctx.sessions() as session:
        user = session.get(User, user_id)
    if user is None or not user.is_active or user.totp_enabled_at is None:
        raise SignInFailed()
    guard = throttle(ctx)
    wait = guard.retry_after(user.username, address)
    if wait:
        _refuse(ctx, "auth.login_locked", user, user.username, address, "too many failures")
        raise LockedOut(wait)
    return user, guard


def sign_in_code(ctx: Context, user_id: int, code: str, address: str) -> None:
    """Second factor: a TOTP code within one step of drift, never a step already used."""
    user, guard = _second_factor_gate(ctx, user_id, address)
    secret = _open_totp(ctx, user)
    with ctx.transaction() as session:
        row = session.get(User, user_id, with_for_update=True)
        assert row is not None
        step = totp.match(secret, code, row.totp_last_step) if secret else None
        if step is not None:
            row.totp_last_step = step
            row.last_login_at = utcnow()
            _audit(
                session, "auth.login", actor=row.username, user=row, address=address, factor="totp"
            )
    if step is None:
        guard.failed(user.username, address)
        replay = bool(secret) and totp.replayed(secret, code, user.totp_last_step)
        _refuse(
            ctx,
            "auth.login_failed",
            user,
            user.username,
            address,
            "totp replayed" if replay else "totp",
        )
        raise SignInFailed(
            "Mã xác thực không đúng hoặc đã dùng. / The code is wrong or was already used."
        )
    guard.succeeded(user.username, address)


def sign_in_recovery(ctx: Context, user_id: int, code: str, address: str) -> int:
    """Second factor by a one-time recovery code; returns how many remain."""
    user, guard = _second_factor_gate(ctx, user_id, address)
    with ctx.transaction() as session:
        unused = session.execute(
            select(RecoveryCode.id, RecoveryCode.digest, RecoveryCode.scheme).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
        found = [i for i, d, scheme in unused if recovery.matches(ctx.sealer, code, d, scheme)]
        ok = False
        if found:  # used once: a concurrent use of the same code updates nothing
            used = session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == found[0], RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            ok = bool(used.rowcount)  # type: ignore[attr-defined]
        remaining = 0
        if ok:
            row = session.get(User, user_id)
            assert row is not None
            row.last_login_at = utcnow()
            remaining = len(
                session.scalars(
                    select(RecoveryCode.id).where(
                        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
                    )
                ).all()
            )
            _audit(
                session,
                "auth.login",
                actor=row.username,
                user=row,
                address=address,
                factor="recovery code",
                recovery_codes_left=remaining,
            )
    if not ok:
        guard.failed(user.username, address)
        _refuse(ctx, "auth.login_failed", user, user.username, address, "recovery code")
        raise SignInFailed(
            "Mã khôi phục không đúng hoặc đã dùng. / "
            "The recovery code is wrong or was already used."
        )
    guard.succeeded(user.username, address)
    return remaining


# --- enrolment -------------------------------------------------------------------------------


LINK_REFUSED = "Liên kết không hợp lệ hoặc đã hết hạn. / The link is not valid or has expired."


def enrolment_user(ctx: Context, token: str, address: str) -> User:
    """The account a one-time enrolment link belongs to, while the link is valid.

    A refused link (unknown, expired, account disabled) is audited, on the account's
    units when the link was one of its own, and answered with one message.
    """
    user = None
    if token and len(token) <= 100:
        with ctx.sessions() as session:
            user = session.scalar(
                select(User).where(User.enrol_token_digest == enrol_digest(token))
            )
    if user is None:
        reason = "unknown"
    elif not user.is_active:
        reason = "disabled"
    elif user.enrol_token_expires_at is None or user.enrol_token_expires_at < utcnow():
        reason = "expired"
    else:
        return user
    with ctx.transaction() as session:
        if user is None:
            _audit(
                session,
                "auth.enrol_link_refused",
                actor="anonymous",
                address=address,
                reason=reason,
            )
        else:
            _audit(
                session,
                "auth.enrol_link_refused",
                actor=user.username,
                user=user,
                address=address,
                reason=reason,
            )
    raise SignInFailed(LINK_REFUSED)


def redeem_enrolment(ctx: Context, token: str, password: str, address: str) -> PasswordStep:
    """Use a one-time link: choose the password; the session may then only enrol TOTP."""
    user = enrolment_user(ctx, token, address)
    with ctx.sessions() as session:
        context = password_context.words_for(session, user)
    problem = passwords.problems(password, user.username, context)
    if problem:
        raise ValidationFailed({"password": problem})
    with ctx.transaction() as session:
        row = session.get(User, user.id, with_for_update=True)
        assert row is not None
        if row.enrol_token_digest != enrol_digest(token):
            raise SignInFailed("Liên kết đã được dùng. / The link was already used.")
        row.password_hash = passwords.hash_password(password)
        row.password_changed_at = utcnow()
        row.enrol_token_digest = ""
        row.enrol_token_expires_at = None
        # A new link means a new start: any earlier second factor is replaced.
        row.totp_sealed, row.totp_enabled_at, row.totp_last_step = "", None, 0
        session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == row.id).values(used_at=utcnow())
        )
        _audit(session, "auth.enrol_link_used", actor=row.username, user=row, address=address)
    sessions(ctx).destroy_all(user.id)
    return PasswordStep(user.id, user.username, enrolled=False)


def confirm_totp(ctx: Context, user_id: int, secret: str, code: str, address: str) -> list[str]:
    """Store the TOTP secret once a code from it checks; returns ten recovery codes (shown once)."""
    step = totp.match(secret, code, 0)
    with ctx.transaction() as session:
        row = session.get(User, user_id, with_for_update=True)
        if row is None or not row.is_active or not row.password_hash:
            raise SignInFailed()
        if row.totp_enabled_at is not None:
            raise ValidationFailed({"code": "Tài khoản đã đăng ký / already enrolled"})
        username = row.username
        if step is None:
            _audit(session, "auth.enrol_failed", actor=row.username, user=row, address=address)
        else:
            codes = [recovery.new_code() for _ in range(RECOVERY_CODES)]
            session.execute(
                update(RecoveryCode).where(RecoveryCode.user_id == row.id).values(used_at=utcnow())
            )
            session.add_all(
                RecoveryCode(
                    user_id=row.id,
                    digest=recovery.digest(ctx.sealer, c),
                    scheme=recovery.KEYED,
                )
                for c in codes
            )
            row.totp_sealed = ctx.sealer.seal({"secret": secret})
            row.totp_last_step = step
            row.totp_enabled_at = utcnow()
            row.last_login_at = utcnow()
            _audit(session, "auth.enrol", actor=row.username, user=row, address=address)
            _audit(
                session,
                "auth.login",
                actor=row.username,
                user=row,
                address=address,
                factor="totp (enrolment)",
            )
    if step is None:
        raise SignInFailed("Mã xác thực không đúng. / The code is not correct.")
    throttle(ctx).succeeded(username, address)  # both factors given from here
    return codes


@dataclass(frozen=True)
class EnrolmentLink:
    username: str
    token: str  # shown once to the admin, who hands it over; only its digest is stored
    expires_at: dt.datetime


def reset_totp(ctx: Context, actor: Actor, username: str, address: str = "") -> EnrolmentLink:
    """An admin covering every unit of the account clears its TOTP and gets a one-time link
    (with a fresh code of their own: step-up).

    The account can then do nothing until the person opens the link, chooses a password
    and enrols again: a stolen password alone re-enrols nothing (issue 8).
    """
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=ctx.settings.enrol_link_hours)
    with ctx.transaction() as session:
        user = managed_user(session, actor, username)
        require_step_up(actor)
        user.totp_sealed, user.totp_enabled_at, user.totp_last_step = "", None, 0
        user.enrol_token_digest, user.enrol_token_expires_at = enrol_digest(token), expires
        session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == user.id).values(used_at=utcnow())
        )
        _audit(
            session,
            "auth.totp_reset",
            actor=actor.name,
            user=user,
            address=address,
            link_expires_at=expires.isoformat(),
        )
        user_id, name = user.id, user.username
    sessions(ctx).destroy_all(user_id)
    return EnrolmentLink(name, token, expires)


def managed_user(session: Session, actor: Actor, username: str) -> User:
    """The named account, if ``actor`` manages it; whether it exists stays unsaid otherwise.

    An actor who manages no one is refused whatever the name; one who manages some units
    hears "no account" alike for a missing name and for one outside their reach (the
    refusal is still collected for the audit log).
    """
    if not actor.paths(Permission.MANAGE_USERS):
        require(actor, Permission.MANAGE_USERS, "/")
    user = _user_by_name(session, username)
    if user is None:
        raise NotFound(f"no account {username!r}")
    if actor.user_id == user.id:
        raise Forbidden("an account cannot manage its own second factor or roles")
    try:
        _require_over(session, actor, user)
    except Forbidden:
        raise NotFound(f"no account {username!r}") from None
    return user


def _require_over(session: Session, actor: Actor, user: User) -> None:
    """MANAGE_USERS over every unit where ``user`` holds a role (or the root for none)."""
    paths = [g.unit_path for g in grants_of(session, user.id)]
    for path in paths:
        require(actor, Permission.MANAGE_USERS, path)
    if not paths and not any(p.count("/") <= 2 for p in actor.paths(Permission.MANAGE_USERS)):
        require(actor, Permission.MANAGE_USERS, "/")  # no roles: admins of the whole tree only
    if actor.user_id == user.id:
        raise Forbidden("an account cannot manage its own second factor or roles")


# --- step-up ---------------------------------------------------------------------------------


def step_up(ctx: Context, actor: Actor, code: str, address: str = "") -> Actor:
    """A fresh TOTP code for a sensitive action: the same actor, marked as stepped up now."""
    if actor.user_id is None:
        return actor
    with ctx.sessions() as session:
        user = session.get(User, actor.user_id)
    if user is None or user.totp_enabled_at is None:
        raise SignInFailed()
    guard = throttle(ctx)
    wait = guard.retry_after(user.username, address)
    if wait:
        raise LockedOut(wait)
    secret = _open_totp(ctx, user)
    with ctx.transaction() as session:
        row = session.get(User, user.id, with_for_update=True)
        assert row is not None
        step = totp.match(secret, code, row.totp_last_step) if secret else None
        if step is not None:
            row.totp_last_step = step
            _audit(session, "auth.step_up", actor=row.username, user=row, address=address)
    if step is None:
        guard.failed(user.username, address)
        _refuse(
            ctx,
            "auth.step_up_failed",
            user,
            user.username,
            address,
            "totp replayed"
            if secret and totp.replayed(secret, code, user.totp_last_step)
            else "totp",
        )
        raise SignInFailed(
            "Mã xác thực không đúng hoặc đã dùng. / The code is wrong or was already used."
        )
    from dataclasses import replace

    return replace(actor, stepped_up_at=utcnow())


# --- sessions --------------------------------------------------------------------------------


def sign_out_everywhere(ctx: Context, actor: Actor, address: str = "") -> int:
    if actor.user_id is None:
        return 0
    ended = sessions(ctx).destroy_all(actor.user_id)
    with ctx.transaction() as session:
        user = session.get(User, actor.user_id)
        _audit(
            session,
            "auth.logout_everywhere",
            actor=actor.name,
            user=user,
            address=address,
            sessions=ended,
        )
    return ended


def sign_out(ctx: Context, user_id: int, address: str = "") -> None:
    with ctx.transaction() as session:
        user = session.get(User, user_id)
        if user is not None:
            _audit(session, "auth.logout", actor=user.username, user=user, address=address)


# --- roles -----------------------------------------------------------------------------------


def role_unit(session: Session, code: str) -> Unit:
    unit = find_unit(session, code)
    if unit is None:
        raise ValidationFailed({"unit_code": f"no unit {code!r}"})
    return unit


def role_of(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationFailed({"role": f"must be one of {[r.value for r in Role]}"}) from None


def require_grantable(actor: Actor, role: Role, unit_path: str) -> None:
    """Manage accounts on the unit, and hold the role there (or be its admin): nobody hands
    out a role above their own, nor on a unit above theirs."""
    require(actor, Permission.MANAGE_USERS, unit_path)
    if not holds(actor, role, unit_path):
        raise Forbidden(f"{actor.name} may not grant {role.value}, a role above their own, here")


def grant_role(ctx: Context, actor: Actor, username: str, unit_code: str, role: str) -> None:
    """Give ``role`` on the unit (with a fresh code: step-up); audited."""
    role_value = role_of(role)
    with ctx.transaction() as session:
        unit = role_unit(session, unit_code)
        require_grantable(actor, role_value, unit.path)
        user = _user_by_name(session, username)
        if user is None:
            raise NotFound(f"no account {username!r}")
        if actor.user_id == user.id:
            raise Forbidden("an account cannot change its own roles")
        require_step_up(actor)
        exists = session.scalar(
            select(RoleMembership.id).where(
                RoleMembership.user_id == user.id,
                RoleMembership.unit_id == unit.id,
                RoleMembership.role == role_value,
            )
        )
        if exists is None:
            session.add(RoleMembership(user_id=user.id, unit_id=unit.id, role=role_value))
            audit.record(
                session,
                actor=actor.name,
                action="role.grant",
                subject_type="user",
                subject_id=user.id,
                data={"role": role_value.value, "unit": unit.code},
                unit_path=unit.path,
            )


def revoke_role(ctx: Context, actor: Actor, username: str, unit_code: str, role: str) -> None:
    """Take ``role`` on the unit away (step-up); the last admin of the root keeps it."""
    with ctx.transaction() as session:
        unit = role_unit(session, unit_code)
        require(actor, Permission.MANAGE_USERS, unit.path)
        user = _user_by_name(session, username)
        if user is not None and actor.user_id == user.id:
            raise Forbidden("an account cannot change its own roles")
        membership = (
            session.scalar(
                select(RoleMembership).where(
                    RoleMembership.user_id == user.id,
                    RoleMembership.unit_id == unit.id,
                    RoleMembership.role == role,
                )
            )
            if user is not None
            else None
        )
        if user is None or membership is None:  # one answer: whether the name exists stays unsaid
            raise NotFound(f"{username} holds no role {role!r} on {unit_code}")
        require_step_up(actor)
        if (
            role == Role.ADMIN
            and unit.id == root_unit_id(session)
            and last_root_admin(session, user.id)
        ):
            raise Forbidden("the last admin of the whole tree keeps the role: grant it first")
        session.delete(membership)
        audit.record(
            session,
            actor=actor.name,
            action="role.revoke",
            subject_type="user",
            subject_id=user.id,
            data={"role": role, "unit": unit.code},
            unit_path=unit.path,
        )


def last_root_admin(session: Session, user_id: int) -> bool:
    """Whether ``user_id`` is the only active, enrolled account holding admin on the root."""
    holders = set(
        session.scalars(
            select(RoleMembership.user_id)
            .join(User, User.id == RoleMembership.user_id)
            .where(
                RoleMembership.role == Role.ADMIN,
                RoleMembership.unit_id == root_unit_id(session),
                User.is_active.is_(True),
                User.totp_enabled_at.is_not(None),
            )
        )
    )
    return holders == {user_id}


# --- lifecycle -------------------------------------------------------------------------------


def disable_inactive(ctx: Context, now: dt.datetime | None = None) -> list[int]:
    """Disable accounts with no sign-in for ``LOA_INACTIVE_DAYS`` (level 2: 45 days)."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=ctx.settings.inactive_days)
    with ctx.transaction() as session:
        users = list(
            session.scalars(select(User).where(User.is_active.is_(True)).with_for_update())
        )
        disabled = []
        for user in users:
            seen = user.last_login_at or user.created_at
            if seen >= cutoff:
                continue
            user.is_active = False
            user.disabled_reason = f"inactive {ctx.settings.inactive_days} days"
            user.enrol_token_digest, user.enrol_token_expires_at = "", None
            _audit(
                session,
                "user.disabled",
                actor="system",
                user=user,
                reason=user.disabled_reason,
                last_login_at=user.last_login_at,
            )
            disabled.append(user.id)
    store = sessions(ctx)
    for user_id in disabled:
        store.destroy_all(user_id)
    return disabled


# --- refusals seen by interfaces -------------------------------------------------------------


def record_refusal(
    ctx: Context, action: str, *, address: str, user_id: int | None = None, **data: object
) -> None:
    """Audit a refused request (stale session, missing CSRF token, no second factor yet)."""
    with ctx.transaction() as session:
        user = session.get(User, user_id) if user_id is not None else None
        _audit(
            session,
            action,
            actor=user.username if user else "anonymous",
            user=user,
            address=address,
            **data,
        )


def record_forbidden(
    ctx: Context, refusals: list[tuple[str, str, str]], *, address: str, via: str
) -> None:
    """Audit what :func:`core.auth.permissions.require` refused while serving one request."""
    seen = list(dict.fromkeys(refusals))
    if not seen:
        return
    with ctx.transaction() as session:
        for actor, permission, unit_path in seen:
            audit.record(
                session,
                actor=actor,
                action="auth.forbidden",
                data={"permission": permission, "address": address, "via": via},
                unit_path=unit_path,
            )
