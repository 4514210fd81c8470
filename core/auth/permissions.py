"""Who may do what, where: roles held on a unit cover that unit and its descendants.

Every action calls :func:`require` before it changes anything; no interface
checks permissions on its own.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from core.auth.models import Role
from core.errors import Forbidden


class Permission(enum.StrEnum):
    READ_DRAFTS = "read_drafts"
    WRITE_CONTENT = "write_content"
    APPROVE = "approve"
    RETRACT = "retract"
    MANAGE_CHANNELS = "manage_channels"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    #: Add or remove a unit's own moderation terms and allowlist entries (admins only).
    MANAGE_LEXICON = "manage_lexicon"


#: Which roles grant which permissions. Data, so a later policy can extend it.
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CONTRIBUTOR: frozenset({Permission.READ_DRAFTS, Permission.WRITE_CONTENT}),
    Role.EDITOR: frozenset({Permission.READ_DRAFTS, Permission.WRITE_CONTENT}),
    Role.APPROVER: frozenset({Permission.READ_DRAFTS, Permission.APPROVE, Permission.RETRACT}),
    Role.CHANNEL_ADMIN: frozenset({Permission.READ_DRAFTS, Permission.MANAGE_CHANNELS}),
    Role.ADMIN: frozenset(Permission),
    Role.POLICE: frozenset({Permission.READ_DRAFTS}),
    Role.EDITORIAL_BOARD: frozenset({Permission.READ_DRAFTS}),
    Role.AGENCY_LEADER: frozenset({Permission.READ_DRAFTS}),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    unit_path: str  # materialised path of the unit the role is held on; "/" is the whole tree


@dataclass(frozen=True)
class Actor:
    """Whoever asks for an action: an account with its grants, or the system itself.

    ``scopes`` narrows the grants (an API token's scopes): ``None`` means no narrowing.
    ``stepped_up_at`` is when the account last gave a fresh second-factor code for this
    request (step-up); sensitive actions call :func:`require_step_up`.
    """

    name: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    user_id: int | None = None
    scopes: frozenset[Permission] | None = None
    stepped_up_at: dt.datetime | None = None

    def can(self, permission: Permission, unit_path: str) -> bool:
        if self.scopes is not None and permission not in self.scopes:
            return False
        return any(
            permission in GRANTS[g.role] and unit_path.startswith(g.unit_path) for g in self.grants
        )

    def paths(self, permission: Permission) -> list[str]:
        """Unit paths under which ``permission`` holds (each covers its descendants)."""
        if self.scopes is not None and permission not in self.scopes:
            return []
        return [g.unit_path for g in self.grants if permission in GRANTS[g.role]]


#: The scheduler, the sweeper and seeding act as the system: every role, over the whole tree.
SYSTEM = Actor(name="system", grants=tuple(Grant(role, "/") for role in Role))

#: How long a step-up code counts as fresh.
STEP_UP_WINDOW = dt.timedelta(minutes=5)

#: Refusals seen while serving one request; the interface writes them to the audit log.
_refusals: ContextVar[list[tuple[str, str, str]] | None] = ContextVar("loa_refusals", default=None)


@contextmanager
def watch_refusals() -> Iterator[list[tuple[str, str, str]]]:
    """Collect (actor, permission, unit path) of every refused :func:`require` in this block."""
    seen: list[tuple[str, str, str]] = []
    token = _refusals.set(seen)
    try:
        yield seen
    finally:
        _refusals.reset(token)


def _refuse(actor: Actor, what: str, unit_path: str, message: str) -> Forbidden:
    seen = _refusals.get()
    if seen is not None:
        seen.append((actor.name, what, unit_path))
    return Forbidden(message)


def require(actor: Actor, permission: Permission, unit_path: str) -> None:
    if not actor.can(permission, unit_path):
        raise _refuse(
            actor,
            permission.value,
            unit_path,
            f"{actor.name} may not {permission.value.replace('_', ' ')} here",
        )


def acts_as(actor: Actor, role: str, unit_path: str) -> bool:
    """Whether the actor holds ``role`` (or is an admin) on this unit or one above it.

    For work a role does outside the permission table (an operator carrying out an assisted
    delivery); a token needs the publish scope (``approve``), as publishing is what it does.
    """
    if actor.scopes is not None and Permission.APPROVE not in actor.scopes:
        return False
    return any(
        g.role in (role, Role.ADMIN) and unit_path.startswith(g.unit_path) for g in actor.grants
    )


def holds(actor: Actor, role: str, unit_path: str) -> bool:
    """Whether the actor holds ``role`` or admin on this unit or one above it (any scope)."""
    return any(
        g.role in (role, Role.ADMIN) and unit_path.startswith(g.unit_path) for g in actor.grants
    )


def require_role(actor: Actor, role: str, unit_path: str) -> None:
    """:func:`acts_as`, or Forbidden (collected like every refusal, so it is audited)."""
    if not acts_as(actor, role, unit_path):
        raise _refuse(actor, f"role:{role}", unit_path, f"{actor.name} does not act as {role} here")


def require_session(actor: Actor, what: str, unit_path: str) -> None:
    """Refuse an API token (whatever its scopes) and the system: ``what`` needs a person.

    No scope grants managing tokens or accounts, so a leaked read token cannot revoke,
    list or mint its siblings; the refusal is collected like any other.
    """
    if actor.user_id is None or actor.scopes is not None:
        raise _refuse(
            actor,
            what,
            unit_path,
            f"{actor.name} may not {what.replace('_', ' ')} with an API token: sign in",
        )


class StepUpRequired(Forbidden):
    """The action needs a fresh TOTP code from the account (``totpCode``)."""

    code = "STEP_UP_REQUIRED"


def require_step_up(actor: Actor, now: dt.datetime | None = None) -> None:
    """Sensitive actions (national approvals, channel credentials) need a fresh code."""
    if actor.user_id is None and actor.scopes is None:
        return  # the system itself (scheduler, CLI, demo seeding)
    now = now or dt.datetime.now(dt.UTC)
    if actor.stepped_up_at is not None and now - actor.stepped_up_at <= STEP_UP_WINDOW:
        return
    seen = _refusals.get()
    if seen is not None:
        seen.append((actor.name, "step_up", ""))
    raise StepUpRequired("this action needs a fresh two-factor code (totpCode)")
