"""A post the platform refused or removed after Loa recorded it as delivered.

A platform's reviewers may reject a post after it accepted it (Loa already recorded the
delivery), or the platform may take it down. A channel reports it with a
``StatusEvent(refused=True)`` (``core.contract.webhooks``); core then, in one transaction:

- marks the placement no longer live (an edit no longer goes there, a take-down skips it);
- turns the delivery that put it there into ``failed`` with ``error_kind`` ``refused`` and
  the platform's reason in its ``error_message``, as an operator's refused task reads;
- audits ``delivery.refused`` and names who to tell: the target's channel admins (its unit
  and above) and the editors of the item's unit, in the ``delivery.refused`` event.

A report about a post Loa holds no live placement for (unknown, already taken down) changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth.models import Role, RoleMembership, User
from core.connections.health import channel_admins
from core.content.models import Article
from core.delivery.models import Action, Delivery, DeliveryState, Placement
from core.targets.models import ChannelTarget
from core.units.lookups import unit_path

NO_REASON = "nền tảng không nêu lý do"


@dataclass(frozen=True)
class Refusal:
    delivery_id: int | None
    article_id: int
    target_id: int
    remote_id: str
    reason: str
    recipients: tuple[int, ...]

    def payload(self) -> dict[str, object]:
        return {
            "id": self.delivery_id,
            "article": self.article_id,
            "target": self.target_id,
            "remote_id": self.remote_id,
            "reason": self.reason,
            "recipients": list(self.recipients),
        }


def message(reason: str) -> str:
    """What the editor reads on the delivery: plain Vietnamese first, the platform's words."""
    return (
        f"Nền tảng đã từ chối hoặc gỡ bài sau khi đăng; bài không còn hiển thị trên kênh này."
        f" Lý do: {reason or NO_REASON}. (refused by the platform after delivery)"
    )


def _editors(session: Session, unit_id: int) -> set[int]:
    rows = session.scalars(
        select(RoleMembership.user_id)
        .join(User, User.id == RoleMembership.user_id)
        .where(
            RoleMembership.unit_id == unit_id,
            RoleMembership.role == Role.EDITOR,
            User.is_active.is_(True),
        )
    )
    return set(rows)


def record(
    session: Session, target: ChannelTarget, remote_id: str, reason: str, *, now: dt.datetime
) -> Refusal | None:
    """Record in the caller's transaction that ``target`` no longer shows ``remote_id``."""
    placement = session.scalar(
        select(Placement)
        .where(
            Placement.target_id == target.id,
            Placement.remote_id == remote_id,
            Placement.live.is_(True),
        )
        .with_for_update()
    )
    if placement is None:
        return None
    placement.live, placement.updated_at = False, now
    reason = reason.strip()[:2000]
    d = session.scalar(
        select(Delivery)
        .where(
            Delivery.article_id == placement.article_id,
            Delivery.target_id == target.id,
            Delivery.action.in_([Action.PUBLISH, Action.UPDATE]),
            Delivery.state == DeliveryState.DELIVERED,
        )
        .order_by(Delivery.id.desc())
        .limit(1)
    )
    if d is not None:
        d.state, d.updated_at = DeliveryState.FAILED, now
        d.error_kind, d.error_message = "refused", message(reason)
    article = session.get(Article, placement.article_id)
    editors = _editors(session, article.unit_id) if article is not None else set()
    audit.record(
        session,
        actor="system",
        action="delivery.refused",
        subject_type="delivery" if d is not None else "channel_target",
        subject_id=d.id if d is not None else target.id,
        data={
            "article": placement.article_id,
            "target": target.id,
            "remote_id": remote_id[:300],
            "reason": reason[:500],
        },
        unit_path=unit_path(session, article.unit_id) if article is not None else "",
    )
    return Refusal(
        d.id if d is not None else None,
        placement.article_id,
        target.id,
        remote_id,
        reason,
        tuple(sorted(editors | set(channel_admins(session, target.unit_id)))),
    )
