"""The desk's navigation, per person: each link shows only to whom its page is of use.

Decided here, once, from the actor's grants (:mod:`core.auth.permissions`), and handed to
every desk template by :meth:`admin.page.Page.html`. This is convenience, not security: the
pages' actions still refuse (and audit) whoever lacks the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.auth.models import Role
from core.auth.permissions import Actor, Permission, acts_as

#: Whether the actor may use a page somewhere (on any unit it holds a role on).
Rule = Callable[[Actor], bool]


def anyone(actor: Actor) -> bool:
    """Every signed-in person (the desk itself, the API explorer)."""
    return True


def granted(*permissions: Permission) -> Rule:
    """One of ``permissions`` on any unit the actor holds a role on."""

    def rule(actor: Actor) -> bool:
        return any(actor.can(p, g.unit_path) for p in permissions for g in actor.grants)

    return rule


def acting_as(role: Role) -> Rule:
    """The role (or admin) on any unit: for pages whose actions check a role, not a permission."""

    def rule(actor: Actor) -> bool:
        return any(acts_as(actor, role, g.unit_path) for g in actor.grants)

    return rule


@dataclass(frozen=True)
class Link:
    href: str
    vi: str
    en: str
    rule: Rule

    def current(self, here: str) -> str | None:
        """``aria-current``: ``page`` on the page itself, ``true`` on one of its sub-pages."""
        if here == self.href:
            return "page"
        if self.href != "/admin/" and here.startswith(self.href.rstrip("/") + "/"):
            return "true"
        return None


@dataclass(frozen=True)
class Group:
    key: str
    vi: str
    en: str
    links: tuple[Link, ...]


GROUPS = (
    Group(
        "editing",
        "Biên tập",
        "Editing",
        (
            Link("/admin/", "Bàn làm việc", "Desk", anyone),
            Link("/admin/compose", "Soạn bài", "Compose", granted(Permission.WRITE_CONTENT)),
            Link("/admin/templates", "Mẫu bài", "Templates", granted(Permission.WRITE_CONTENT)),
            Link("/admin/calendar", "Lịch", "Calendar", granted(Permission.READ_DRAFTS)),
            Link(
                "/admin/gov",
                "Nội dung hành chính",
                "Government content",
                granted(Permission.WRITE_CONTENT, Permission.APPROVE),
            ),
        ),
    ),
    Group(
        "operations",
        "Vận hành",
        "Operations",
        (
            Link("/admin/channels", "Kênh đăng", "Channels", granted(Permission.MANAGE_CHANNELS)),
            Link(
                "/admin/moderation",
                "Kiểm duyệt",
                "Moderation",
                granted(Permission.APPROVE, Permission.MANAGE_LEXICON),
            ),
            Link("/admin/feedback", "Góp ý", "Feedback", granted(Permission.READ_DRAFTS)),
            Link("/admin/ops/people", "Người dùng", "People", granted(Permission.MANAGE_USERS)),
            Link("/admin/ops/structure", "Cơ cấu", "Structure", acting_as(Role.ADMIN)),
            Link("/admin/reports", "Báo cáo", "Reports", granted(Permission.READ_DRAFTS)),
            Link("/admin/audit", "Nhật ký", "Audit log", granted(Permission.READ_AUDIT)),
            Link("/admin/graphql", "GraphQL", "API explorer", anyone),
        ),
    ),
)


@dataclass(frozen=True)
class Shown:
    """One link as the template draws it."""

    href: str
    vi: str
    en: str
    current: str | None


@dataclass(frozen=True)
class ShownGroup:
    key: str
    vi: str
    en: str
    links: tuple[Shown, ...]


def nav_for(actor: Actor, here: str) -> tuple[ShownGroup, ...]:
    """The groups and links ``actor`` may use, the one for ``here`` marked current."""
    shown = (
        ShownGroup(
            group.key,
            group.vi,
            group.en,
            tuple(
                Shown(link.href, link.vi, link.en, link.current(here))
                for link in group.links
                if link.rule(actor)
            ),
        )
        for group in GROUPS
    )
    return tuple(group for group in shown if group.links)
