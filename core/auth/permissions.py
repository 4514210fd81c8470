"""Who may do what, where: roles held on a unit cover that unit and its descendants.

Every action calls :func:`require` before it changes anything; no interface
checks permissions on its own.
"""

from __future__ import annotations

import enum
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
}


@dataclass(frozen=True)
class Grant:
    role: Role
    unit_path: str  # materialised path of the unit the role is held on; "/" is the whole tree


@dataclass(frozen=True)
class Actor:
    """Whoever asks for an action: an account with its grants, or the system itself."""

    name: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    user_id: int | None = None

    def can(self, permission: Permission, unit_path: str) -> bool:
        return any(
            permission in GRANTS[g.role] and unit_path.startswith(g.unit_path) for g in self.grants
        )


#: The scheduler, sweeper and expiry jobs act as the system, over the whole tree.
SYSTEM = Actor(name="system", grants=(Grant(Role.ADMIN, "/"),))


def require(actor: Actor, permission: Permission, unit_path: str) -> None:
    if not actor.can(permission, unit_path):
        raise Forbidden(f"{actor.name} may not {permission.value.replace('_', ' ')} here")
