"""What citizens sent back on a channel Loa cannot read, recorded by the operator who saw it.

A channel with no API (an assisted one) shows citizens' feedback only to the people who post
on it. They copy it here (S0.3): it is moderated and kept exactly like a comment the sweeper
read from a channel (``reading.record_comments``), so the moderators' queue and the unit's
feedback inbox hold it like any other. Who may: whoever carries out that target's tasks (the
role of its assisted tasks) or moderates its comments (approvers), on its unit or above.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from core import audit
from core.auth.permissions import Actor, Permission, acts_as, require
from core.context import Context
from core.contract.channels import CitizenComment
from core.db import utcnow
from core.delivery.models import Placement
from core.delivery.tasks import AssistTask
from core.errors import NotFound, ValidationFailed
from core.interactions.models import Comment
from core.interactions.reading import Report, record_comments
from core.targets.models import ChannelTarget
from core.text import nfc
from core.units.models import Unit

MAX_TEXT = 5000


def record(
    ctx: Context, actor: Actor, target_id: int, article_id: int, text: str, author_name: str = ""
) -> Comment:
    """Record one citizen's comment on the item's post on the target; moderated on the way."""
    clean, name = nfc(text or "").strip(), nfc(author_name or "").strip()[:200]
    if not clean or len(clean) > MAX_TEXT:
        raise ValidationFailed({"text": f"required, at most {MAX_TEXT} characters"})
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, target_id)
        if row is None:
            raise NotFound(f"no channel target {target_id}")
        path = session.scalar(select(Unit.path).where(Unit.id == row.unit_id)) or "/"
        roles = set(session.scalars(select(AssistTask.role).where(AssistTask.target_id == row.id)))
        if not any(acts_as(actor, r, path) for r in roles):
            require(actor, Permission.APPROVE, path)
        post = session.scalar(
            select(Placement.remote_id).where(
                Placement.target_id == row.id, Placement.article_id == article_id
            )
        )
        if not post:
            raise ValidationFailed({"article_id": "this item has no post on this channel"})
        remote_id = f"recorded-{uuid.uuid4().hex}"
        comment = CitizenComment(
            remote_id=remote_id,
            remote_item_id=post,
            author_id=f"recorded:{name or 'anonymous'}",
            author_name=name,
            text=clean,
            cursor="",
            created_at=utcnow(),
        )
        record_comments(session, ctx, row, [comment], Report())
        session.flush()
        stored = session.scalar(
            select(Comment).where(Comment.target_id == row.id, Comment.remote_id == remote_id)
        )
        assert stored is not None
        audit.record(
            session,
            actor=actor.name,
            action="comment.recorded",
            subject_type="comment",
            subject_id=stored.id,
            data={"target": row.id, "article": article_id, "state": stored.state},
            unit_path=path,
        )
    return stored
