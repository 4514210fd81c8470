"""What staff do with a citizen's feedback: assign, acknowledge, mark urgent, answer, close.

Each action checks its permission here, once (:func:`core.interactions.inbox.may_handle`:
the unit's approvers, or the person it is assigned to; assigning and marking urgent are the
approvers'), writes a history step and an audit entry in the same transaction. An answer is
published by the office, so it passes the strict outbound moderation first; it goes back
over the channel the message came from when that channel can reply (a queued reply, sent
once by the reply job), by e-mail when the citizen left an address, and is always shown on
the status page the citizen opens with the tracking code.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.db import utcnow
from core.delivery import queue
from core.errors import InvalidTransition, ValidationFailed
from core.interactions import replies
from core.interactions.feedback import contact_of
from core.interactions.inbox import candidates, load, may_handle, unit_of
from core.interactions.models import Comment, Feedback, FeedbackEvent
from core.interactions.workhours import deadlines
from core.targets.models import ChannelTarget
from core.text import nfc
from core.units.models import Unit

MAX_ANSWER = 5000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _step(
    session: Session, actor: Actor, item: Feedback, unit: Unit, action: str, **data: object
) -> None:
    session.add(
        FeedbackEvent(
            feedback_id=item.id,
            action=action,
            status=item.status,
            actor=actor.name,
            note=str(data.pop("note", "")),
        )
    )
    audit.record(
        session,
        actor=actor.name,
        action=f"feedback.{action}",
        subject_type="feedback",
        subject_id=item.id,
        data={"status": item.status, **data},
        unit_path=unit.path,
    )


#: How a message's status may move: the only place it is assigned is :func:`_move`.
MOVES = {
    "new": {"in_progress", "answered", "closed"},
    "in_progress": {"answered", "closed"},
    "answered": {"answered", "closed"},
}


def _move(item: Feedback, status: str) -> None:
    """The one door for a message's status (an article's is ``core.workflow.states``)."""
    if status not in MOVES.get(item.status, set()):
        raise InvalidTransition(f"feedback that is {item.status} cannot become {status}")
    item.status = status


def _acknowledge(item: Feedback) -> None:
    if item.acknowledged_at is None:
        item.acknowledged_at = utcnow()
    if item.status == "new":
        _move(item, "in_progress")


def _open(item: Feedback) -> None:
    if item.status == "closed":
        raise InvalidTransition("this feedback is closed")


def _handler(actor: Actor, item: Feedback, unit: Unit) -> None:
    if not may_handle(actor, item, unit.path):
        require(actor, Permission.APPROVE, unit.path)  # refuses, and records the refusal


def assign(ctx: Context, actor: Actor, feedback_id: int, user_id: int) -> Feedback:
    """Give the message to a person who reads the unit's drafts; acknowledges it."""
    with ctx.transaction() as session:
        item = load(session, feedback_id, lock=True)
        unit = unit_of(session, item)
        require(actor, Permission.APPROVE, unit.path)
        _open(item)
        people = dict(candidates(session, unit))
        if user_id not in people:
            raise ValidationFailed({"assignee": "this person cannot handle this unit's feedback"})
        item.assignee_id = user_id
        _acknowledge(item)
        _step(session, actor, item, unit, "assigned", assignee=user_id, note=people[user_id])
    ctx.emit("feedback.assigned", {"id": item.id})
    return item


def acknowledge(ctx: Context, actor: Actor, feedback_id: int) -> Feedback:
    """Say the message was received and is being handled (stops the acknowledgement clock)."""
    with ctx.transaction() as session:
        item = load(session, feedback_id, lock=True)
        unit = unit_of(session, item)
        _handler(actor, item, unit)
        _open(item)
        if item.acknowledged_at is not None:
            raise InvalidTransition("this feedback was acknowledged already")
        _acknowledge(item)
        _step(session, actor, item, unit, "acknowledged")
    return item


def mark_urgent(ctx: Context, actor: Actor, feedback_id: int, urgent: bool) -> Feedback:
    """Urgent messages must be acknowledged within the shorter allowance; the deadline is
    computed again from when the message arrived."""
    with ctx.transaction() as session:
        item = load(session, feedback_id, lock=True)
        unit = unit_of(session, item)
        require(actor, Permission.APPROVE, unit.path)
        _open(item)
        item.urgent = urgent
        item.ack_due_at, item.ack_warn_at = deadlines(item.received_at, urgent, ctx.settings)
        _step(session, actor, item, unit, "urgent" if urgent else "not_urgent")
    return item


def _via(
    ctx: Context, session: Session, actor: Actor, item: Feedback, text: str
) -> tuple[str, int | None]:
    """How the answer reaches the citizen, and the reply to queue (over a channel)."""
    if item.comment_id is not None:
        comment = session.get(Comment, item.comment_id)
        target = session.get(ChannelTarget, comment.target_id) if comment else None
        if comment is not None and target is not None and replies.can_reply(ctx, target):
            return "channel", replies.accept(session, actor, comment, target, text).id
    if EMAIL.match(contact_of(ctx, item)):
        return "email", None
    return "page", None


def answer(ctx: Context, actor: Actor, feedback_id: int, text: str) -> Feedback:
    """Answer the citizen (moderated, audited); sent where it can go, shown on the status page."""
    clean = nfc(text or "").strip()
    if not clean:
        raise ValidationFailed({"answer": "an answer needs some text"})
    if len(clean) > MAX_ANSWER:
        raise ValidationFailed({"answer": f"at most {MAX_ANSWER} characters"})
    with ctx.transaction() as session:
        item = load(session, feedback_id, lock=True)
        unit = unit_of(session, item)
        _handler(actor, item, unit)
        _open(item)
        if item.answered_at is not None:
            raise InvalidTransition("this feedback was answered already")
        try:
            replies.check_outbound(session, unit.id, clean)
        except ValidationFailed as exc:
            raise ValidationFailed({"answer": exc.fields["text"]}) from None
        via, reply_id = _via(ctx, session, actor, item, clean)
        _acknowledge(item)
        _move(item, "answered")
        item.answer = clean
        item.answered_at = utcnow()
        item.answered_by = actor.name
        item.answered_via = via
        _step(session, actor, item, unit, "answered", via=via, text=clean)
    if reply_id is not None:
        queue.enqueue_reply(ctx, reply_id, 1)
    ctx.emit("feedback.answered", {"id": item.id, "via": via})
    return item


def close(ctx: Context, actor: Actor, feedback_id: int, note: str = "") -> Feedback:
    """Close the message (answered, or needing no answer: the note says why)."""
    with ctx.transaction() as session:
        item = load(session, feedback_id, lock=True)
        unit = unit_of(session, item)
        _handler(actor, item, unit)
        _open(item)
        if item.answered_at is None and not note.strip():
            raise ValidationFailed({"note": "say why an unanswered message is closed"})
        _acknowledge(item)
        _move(item, "closed")
        item.closed_at = utcnow()
        _step(session, actor, item, unit, "closed", note=nfc(note).strip()[:2000])
    return item
