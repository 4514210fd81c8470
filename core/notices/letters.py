"""Who must hear of an event, and what the plain-text mail says (Vietnamese first).

The same people the desk's bell shows it to: the holders of an open approval step (on its
unit or above); for a failed delivery or an item about to expire, the accounts of the item's
own unit who may read its drafts; for a held comment, the approvers (moderators) of the
channel's unit (and again when it waits too long). Only active, enrolled accounts with an
e-mail address. Each letter carries the key that makes sending it once per recipient possible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import actions
from core.auth.models import RoleMembership, User
from core.auth.permissions import Actor, Permission
from core.content.models import Article
from core.delivery.models import Delivery
from core.interactions.models import Comment, CommentState, Feedback
from core.interactions.tracking import shown
from core.interactions.workhours import LOCAL
from core.secrets import Sealer
from core.settings import Settings
from core.targets.models import ChannelTarget
from core.units.lookups import ancestor_ids
from core.units.models import Unit
from core.workflow import steps as steps_mod
from core.workflow.models import ApprovalStep


@dataclass(frozen=True)
class Letter:
    #: What makes this letter to this recipient unique (an event may be emitted twice).
    key: str
    user_id: int
    to: str
    subject: str
    body: str


def _people(session: Session, unit_ids: Iterable[int]) -> list[tuple[Actor, str]]:
    """Active, enrolled accounts with an address and a role on one of ``unit_ids``."""
    rows = session.execute(
        select(User.id, User.email)
        .join(RoleMembership, RoleMembership.user_id == User.id)
        .where(
            RoleMembership.unit_id.in_(list(unit_ids)), User.is_active.is_(True), User.email != ""
        )
        .distinct()
        .order_by(User.id)
    ).all()
    out = []
    for user_id, email in rows:
        actor = actions.actor_for(session, user_id)
        if actor is not None:
            out.append((actor, str(email)))
    return out


def _may(actor: Actor, permission: Permission, path: str) -> bool:
    return any(path.startswith(p) for p in actor.paths(permission))


def _body(settings: Settings, vi: str, en: str, link: str) -> str:
    url = f"{settings.base_url}{link}"
    return (
        f"{vi}\n\nMở trên bàn làm việc: {url}\n\n— \n{en}\nOpen it on the desk: {url}\n\n"
        "Thư này do Loa gửi tự động; không cần trả lời.\n"
        "Sent by Loa automatically; no need to reply.\n"
    )


def _steps(session: Session, settings: Settings, article_id: int) -> list[Letter]:
    article = session.get(Article, article_id)
    if article is None:
        return []
    rows = list(session.scalars(select(ApprovalStep).where(ApprovalStep.article_id == article.id)))
    out = []
    for step in steps_mod.open_steps(rows):
        unit = session.get(Unit, step.unit_id)
        if unit is None:
            continue
        for actor, email in _people(session, ancestor_ids(unit)):
            if steps_mod.holds(actor, step.role, unit.path):
                vi = f"Bài “{article.title}” đang chờ bạn duyệt ({step.label})."
                en = f"“{article.title}” waits for your decision ({step.label})."
                out.append(
                    Letter(
                        f"step:{step.id}",
                        actor.user_id or 0,
                        email,
                        f"[Loa] Chờ bạn duyệt: {article.title}",
                        _body(settings, vi, en, f"/admin/items/{article.uid}/review"),
                    )
                )
    return out


def _readers(
    session: Session, settings: Settings, article: Article, key: str, vi: str, en: str, what: str
) -> list[Letter]:
    unit = session.get(Unit, article.unit_id)
    if unit is None:
        return []
    return [
        Letter(
            key,
            actor.user_id or 0,
            email,
            f"[Loa] {what}: {article.title}",
            _body(settings, vi, en, f"/admin/items/{article.uid}"),
        )
        for actor, email in _people(session, [unit.id])
        if _may(actor, Permission.READ_DRAFTS, unit.path)
    ]


def _failed(session: Session, settings: Settings, delivery_id: int) -> list[Letter]:
    row = session.execute(
        select(Delivery, ChannelTarget, Article)
        .join(ChannelTarget, ChannelTarget.id == Delivery.target_id)
        .join(Article, Article.id == Delivery.article_id)
        .where(Delivery.id == delivery_id)
    ).first()
    if row is None:
        return []
    d, target, article = row
    vi = f"Đăng bài “{article.title}” lên {target.name} không thành công: {d.error_message}"
    en = f"Delivering “{article.title}” to {target.name} failed: {d.error_message}"
    key = f"delivery:{d.id}:{d.attempt}"
    return _readers(session, settings, article, key, vi, en, "Đăng lỗi")


def _expiring(session: Session, settings: Settings, article_id: int) -> list[Letter]:
    article = session.get(Article, article_id)
    if article is None or article.audience is None or article.audience.visible_until is None:
        return []
    # A window moved later warns again: the key names the end it warns of.
    return _readers(
        session,
        settings,
        article,
        f"expiring:{article.id}:{article.audience.visible_until.isoformat()}",
        f"Bài “{article.title}” sắp hết thời gian hiển thị.",
        f"“{article.title}” is about to expire.",
        "Sắp hết hạn",
    )


def _moderators(
    session: Session, settings: Settings, comment_id: int, overdue: bool
) -> list[Letter]:
    """To the moderators of a held comment's channel: it is held, or held for too long."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.state != CommentState.HELD:
        return []
    target = session.get(ChannelTarget, comment.target_id)
    unit = session.get(Unit, target.unit_id) if target else None
    if target is None or unit is None:
        return []
    if overdue:
        minutes = settings.held_alert_minutes
        vi = (
            f"Một bình luận trên {target.name} đã chờ duyệt hơn {minutes} phút và có thể vẫn "
            f"hiển thị trên kênh: “{comment.text[:200]}”"
        )
        en = f"A comment on {target.name} has been held for over {minutes} minutes."
        key, subject = f"comment-overdue:{comment.id}", "Bình luận chờ duyệt quá lâu"
    else:
        vi = f"Một bình luận trên {target.name} đang chờ duyệt: “{comment.text[:200]}”"
        en = f"A comment on {target.name} is held for moderation."
        key, subject = f"comment:{comment.id}", "Bình luận chờ duyệt"
    link = f"/admin/moderation#comment-{comment.id}"  # the queue, where a moderator acts on it
    return [
        Letter(
            key,
            actor.user_id or 0,
            email,
            f"[Loa] {subject} trên {target.name}",
            _body(settings, vi, en, link),
        )
        for actor, email in _people(session, [unit.id])
        if _may(actor, Permission.APPROVE, unit.path)
    ]


def _late(session: Session, settings: Settings, feedback_id: int, threshold: str) -> list[Letter]:
    """The assignee, or else the unit's approvers (who assign), of a message still owed an
    acknowledgement; the key names the threshold, so each is mailed once."""
    item = session.get(Feedback, feedback_id)
    unit = session.get(Unit, item.unit_id) if item is not None else None
    if item is None or unit is None or item.acknowledged_at is not None:
        return []
    people = _people(session, [unit.id])
    if item.assignee_id is not None:
        people = [
            (a, e) for a, e in _people(session, ancestor_ids(unit)) if a.user_id == item.assignee_id
        ]
    else:
        people = [(a, e) for a, e in people if _may(a, Permission.APPROVE, unit.path)]
    due = item.ack_due_at.astimezone(LOCAL).strftime("%H:%M %d/%m/%Y") if item.ack_due_at else ""
    if threshold == "overdue":
        vi, en, what = (
            f"Góp ý {shown(item.tracking_code)} đã quá hạn tiếp nhận ({due}).",
            "is overdue",
            "Quá hạn",
        )
    else:
        vi, en, what = (
            f"Góp ý {shown(item.tracking_code)} sắp đến hạn tiếp nhận ({due}).",
            "is due soon",
            "Sắp đến hạn",
        )
    body = _body(
        settings,
        f"{vi}\n“{item.text[:200]}”",
        f"Citizen feedback {shown(item.tracking_code)} {en} ({due}).",
        f"/admin/feedback/{item.id}",
    )
    return [
        Letter(
            f"feedback:{item.id}:{threshold}",
            actor.user_id or 0,
            email,
            f"[Loa] Góp ý {what.lower()}: {shown(item.tracking_code)}",
            body,
        )
        for actor, email in people
    ]


def _due_soon(session: Session, settings: Settings, feedback_id: int) -> list[Letter]:
    return _late(session, settings, feedback_id, "due_soon")


def _overdue(session: Session, settings: Settings, feedback_id: int) -> list[Letter]:
    return _late(session, settings, feedback_id, "overdue")


def _answered(session: Session, settings: Settings, feedback_id: int) -> list[Letter]:
    """The answer, to the citizen who left an e-mail address (and nobody else)."""
    item = session.get(Feedback, feedback_id)
    if item is None or item.answered_via != "email" or not item.contact_sealed:
        return []
    to = Sealer(settings.secret_keys).open(item.contact_sealed).get("contact", "")
    unit = session.get(Unit, item.unit_id)
    code = shown(item.tracking_code)
    url = f"{settings.base_url}/gop-y/tra-cuu"
    body = (
        f"{unit.name if unit else ''} trả lời góp ý {code} của bạn:\n\n{item.answer}\n\n"
        f"Tra cứu bằng mã {code} tại {url}\n\n— \nAn answer to your feedback {code}; "
        f"follow it with the code at {url}\n\nThư này do Loa gửi tự động; không cần trả lời.\n"
    )
    return [Letter(f"feedback-answer:{item.id}", 0, to, f"Trả lời góp ý {code}", body)]


def _held(session: Session, settings: Settings, comment_id: int) -> list[Letter]:
    return _moderators(session, settings, comment_id, overdue=False)


def _held_overdue(session: Session, settings: Settings, comment_id: int) -> list[Letter]:
    return _moderators(session, settings, comment_id, overdue=True)


#: The events that send mail, and who hears of each (the payload's ``id``).
WRITERS = {
    "article.submitted": _steps,
    "article.decided": _steps,
    "article.expiring": _expiring,
    "delivery.failed": _failed,
    "comment.held": _held,
    "feedback.due_soon": _due_soon,
    "feedback.overdue": _overdue,
    "feedback.answered": _answered,
    "comment.overdue": _held_overdue,
}
#: Mailed to the citizen who wrote, never to an account: no account chooses these.
TO_CITIZENS = frozenset({"feedback.answered"})
#: The notices an account may choose to get by e-mail (the account screen lists each).
ACCOUNT_NOTICES = tuple(e for e in WRITERS if e not in TO_CITIZENS)


def letters(session: Session, settings: Settings, event: str, subject_id: int) -> list[Letter]:
    """Every letter ``event`` about ``subject_id`` calls for (none for another event), but
    to the accounts that muted ``event`` (``User.notices_muted``)."""
    writer = WRITERS.get(event)
    owed = writer(session, settings, subject_id) if writer else []
    if not owed:
        return []
    muted = dict(
        session.execute(
            select(User.id, User.notices_muted).where(User.id.in_({x.user_id for x in owed}))
        ).all()
    )
    return [x for x in owed if event not in str(muted.get(x.user_id) or "").split(",")]
