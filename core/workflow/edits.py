"""The rules of an edit: a stale form is refused, and autosave touches drafts only.

Approvals bind to revisions (``ApprovalStep.revision``), so an edit of an item past its draft
makes a new revision that needs approval again. An explicit save may do that (the editor
asked for it); an autosave must not, silently: it applies to drafts alone, and anything
else waits for the editor's own save (the desk says "đã có thay đổi chưa lưu").

Two tabs, or two editors, saving the same item: each form carries the revision it was
loaded with; a save from an older revision is refused with :class:`Conflict` rather than
overwriting what the other saved.

Autosave is audited sparingly: one ``article.autosave`` entry per item and editor in
:data:`AUDIT_WINDOW`; every autosaved revision is kept in the item's history anyway
(``revisions``: number, author, time), so nothing is lost from the record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.audit import AuditEntry
from core.auth.permissions import Actor
from core.content.models import Article, Status
from core.db import utcnow
from core.errors import Conflict, InvalidTransition

#: How long one audited autosave stands for the ones after it (same item, same editor).
AUDIT_WINDOW = dt.timedelta(minutes=30)
#: The only state an autosave may change: nobody has been asked to decide on it yet.
AUTOSAVED = frozenset({Status.DRAFT})


def newest_revision(article: Article) -> int:
    """The revision an editor's form shows: a live item's pending edit, else the current one."""
    return article.pending_revision or article.revision


def check_edit(
    session: Session, article: Article, expected_revision: int | None, *, autosave: bool
) -> None:
    """Refuse an autosave of an item past its draft, and an edit of a stale revision.

    Called with the article locked, so two saves from the same revision cannot both pass.
    """
    if autosave and article.status not in AUTOSAVED:
        raise InvalidTransition(
            f"autosave applies to drafts only; this item is {article.status}: save it explicitly"
        )
    newest = newest_revision(article)
    if expected_revision is not None and expected_revision != newest:
        raise Conflict(
            f"this item was changed elsewhere (revision {newest}, the form has revision "
            f"{expected_revision}): reload it before saving"
        )


def audit_autosave(session: Session, actor: Actor, article: Article, revision: int) -> None:
    """Audit an autosave unless this editor's autosave of this item was audited lately."""
    since = utcnow() - AUDIT_WINDOW
    recent = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.action == "article.autosave",
            AuditEntry.subject_type == Article.audit_subject,
            AuditEntry.subject_id == str(article.id),
            AuditEntry.actor == actor.name,
            AuditEntry.at >= since,
        )
        .limit(1)
    )
    if recent is None:
        audit.about(
            session,
            actor,
            "article.autosave",
            article,
            data={"revision": revision, "window_minutes": AUDIT_WINDOW.seconds // 60},
        )
