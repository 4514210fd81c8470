"""Citizens' feedback to a unit: moderated on arrival, read by the unit, never lost silently.

A blocked message is refused with a clear answer and not stored: the citizen
keeps the text and can say it again in other words. A held one waits for a
moderator; everything else goes straight to the unit's editors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, ratelimit
from core.auth.permissions import Actor, Permission, require
from core.content.queries import get_published, unit_by_code
from core.context import Context
from core.db import utcnow
from core.errors import ModerationBlocked, NotFound, ValidationFailed
from core.interactions.labels import record_feedback
from core.interactions.models import Comment, CommentState, Feedback, FeedbackEvent
from core.interactions.tracking import new_code
from core.interactions.workhours import deadlines
from core.moderation import Decision, Direction
from core.screening.articles import judge
from core.screening.lexicons import unit_lexicon
from core.screening.policies import unit_policy
from core.targets.models import ChannelTarget
from core.text import nfc
from core.units.lookups import unit_path
from core.units.models import Unit

MAX_TEXT = 5000
#: Messages one client address may send per window; generous for a family, not for a script.
LIMIT, WINDOW_SECONDS = 10, 3600
STATES = ("received", "held", "hidden", "approved")


def _throttle(ctx: Context, address: str) -> None:
    ratelimit.hit(
        ctx,
        "feedback",
        address,
        limit=LIMIT,
        window=WINDOW_SECONDS,
        message="Bạn đã gửi quá nhiều góp ý; vui lòng thử lại sau (too many messages, try later).",
    )


def unique_code(session: Session) -> str:
    """A tracking code no feedback holds yet (the unique index is the last word)."""
    for _ in range(5):
        code = new_code()
        if session.scalar(select(Feedback.id).where(Feedback.tracking_code == code)) is None:
            return code
    raise RuntimeError("five random tracking codes in a row were taken")  # 2^-250: a broken RNG


def _file(session: Session, item: Feedback, data: dict[str, Any], path: str) -> None:
    """Store a new item with its ``received`` event, audited as the citizen's."""
    session.add(item)
    session.flush()
    session.add(FeedbackEvent(feedback_id=item.id, action="received", status=item.status))
    audit.record(
        session,
        actor="citizen",
        action="feedback.receive",
        subject_type="feedback",
        subject_id=item.id,
        data=data,
        unit_path=path,
    )


def submit(
    ctx: Context,
    *,
    unit_code: str,
    text: str,
    name: str = "",
    contact: str = "",
    article_slug: str = "",
    address: str,
    channel: str = "api",
) -> Feedback:
    clean = nfc(text or "").strip()
    errors: dict[str, str] = {}
    if not clean:
        errors["text"] = "is required"
    elif len(clean) > MAX_TEXT:
        errors["text"] = f"at most {MAX_TEXT} characters"
    if len(name) > 200:
        errors["name"] = "at most 200 characters"
    if len(contact) > 200:
        errors["contact"] = "at most 200 characters"
    fields = {"unit": unit_code, "text": text, "name": name, "contact": contact}
    for key, value in {**fields, "article": article_slug}.items():
        if "\x00" in value:  # PostgreSQL cannot store or compare it: a 500 otherwise
            errors[key] = "must not contain NUL characters"
    if errors:
        raise ValidationFailed(errors)
    _throttle(ctx, address)
    with ctx.transaction() as session:
        try:
            unit = unit_by_code(session, unit_code)
        except LookupError:
            raise ValidationFailed({"unit": f"no unit {unit_code!r}"}) from None
        article_id = None
        if article_slug:  # only what the public sees: an unpublished slug answers as a missing one
            article = get_published(session, article_slug)
            if article is None:
                raise ValidationFailed({"article": f"no published article {article_slug!r}"})
            article_id = article.id
        decision, spans = judge(
            unit_lexicon(session, unit.id),
            {"text": clean, "name": nfc(name).strip()},
            Direction.INBOUND,
            unit_policy(session, unit.id),
        )
        if decision == Decision.BLOCK:
            raise ModerationBlocked(
                "Góp ý có từ ngữ không phù hợp; vui lòng viết lại "
                "(the message contains words we cannot accept; please rephrase).",
                spans,
            )
        now = utcnow()
        due, warn = deadlines(now, False, ctx.settings)
        item = Feedback(
            tracking_code=unique_code(session),
            channel=channel,
            received_at=now,
            ack_due_at=due,
            ack_warn_at=warn,
            unit_id=unit.id,
            article_id=article_id,
            author_name=nfc(name).strip(),
            contact_sealed=ctx.sealer.seal({"contact": contact.strip()}) if contact.strip() else "",
            text=clean,
            decision=decision.value,
            spans=spans,
            state="held" if decision == Decision.REVIEW else "received",
        )
        data = {"unit": unit.code, "state": item.state, "channel": channel}
        _file(session, item, data, unit.path)
    ctx.emit("feedback.received", {"id": item.id, "state": item.state})
    return item


def listing(
    ctx: Context, actor: Actor, unit_code: str, state: str | None = None, first: int = 50
) -> Sequence[Feedback]:
    """Feedback of a unit and the units below it, newest first, for its editors."""
    if state is not None and state not in STATES:
        raise ValidationFailed({"state": f"must be one of {list(STATES)}"})
    with ctx.sessions() as session:
        try:
            unit = unit_by_code(session, unit_code)
        except LookupError as exc:
            raise NotFound(str(exc)) from None
        require(actor, Permission.READ_DRAFTS, unit.path)
        stmt = (
            select(Feedback)
            .join(Unit, Unit.id == Feedback.unit_id)
            .where(Unit.path.startswith(unit.path))
        )
        if state:
            stmt = stmt.where(Feedback.state == state)
        return list(
            session.scalars(stmt.order_by(Feedback.id.desc()).limit(max(1, min(first, 200))))
        )


def decide(ctx: Context, actor: Actor, feedback_id: int, decision: str) -> Feedback:
    """A moderator approves a held message or hides one (audited)."""
    if decision not in ("approve", "hide"):
        raise ValidationFailed({"decision": "must be approve or hide"})
    with ctx.transaction() as session:
        item = session.get(Feedback, feedback_id)
        if item is None:
            raise NotFound(f"no feedback with id {feedback_id}")
        unit = session.get(Unit, item.unit_id)
        require(actor, Permission.APPROVE, unit.path if unit else "/")
        item.state = "approved" if decision == "approve" else "hidden"
        item.decided_at = utcnow()
        item.decided_by = actor.name
        record_feedback(session, item, approved=decision == "approve", decided_by=actor.name)
        audit.record(
            session,
            actor=actor.name,
            action=f"feedback.{decision}",
            subject_type="feedback",
            subject_id=item.id,
        )
    return item


def contact_of(ctx: Context, item: Feedback) -> str:
    return ctx.sealer.open(item.contact_sealed).get("contact", "") if item.contact_sealed else ""


def from_message(session: Session, ctx: Context, target: ChannelTarget, remote_id: str) -> None:
    """A citizen's direct message on a channel, recorded as a comment on no item
    (``reading.record_comments``), joins the unit's feedback inbox in the same transaction;
    what moderation hid stays out. The answer goes back over that channel when it can reply."""
    comment = session.scalar(
        select(Comment).where(Comment.target_id == target.id, Comment.remote_id == remote_id[:300])
    )
    if comment is None or comment.state == CommentState.HIDDEN:
        return
    now = utcnow()
    due, warn = deadlines(now, False, ctx.settings)
    item = Feedback(
        tracking_code=unique_code(session),
        channel=target.plugin[:32],
        comment_id=comment.id,
        unit_id=target.unit_id,
        author_name=comment.author_name,
        text=comment.text[:MAX_TEXT],
        decision=comment.decision,
        spans=comment.spans,
        state="held" if comment.state == CommentState.HELD else "received",
        received_at=now,
        ack_due_at=due,
        ack_warn_at=warn,
    )
    data = {"state": item.state, "channel": item.channel, "comment": comment.id}
    _file(session, item, data, unit_path(session, target.unit_id))
