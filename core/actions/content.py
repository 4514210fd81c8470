"""Everything that changes content: check → change → audit → event.

Each action checks permission first, changes state in one transaction
together with its audit entry and outbox rows, and only after commit hands
deliveries to the queue and tells plugins.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import audit
from core.actions import workflow
from core.auth.permissions import SYSTEM, Actor, Permission, require
from core.content.fields import ALWAYS_WRITTEN, RESTORED_FIELDS
from core.content.models import Article, ArticleTarget, Audience, Category, Revision, Status
from core.content.queries import lock_article as _load
from core.content.queries import unit_by_code
from core.content.revisions import revision
from core.content.snapshots import apply_snapshot, content_hash, current_data, refold, snapshot
from core.content.validation import clean_article
from core.context import Context
from core.db import utcnow
from core.delivery import outbox, queue
from core.errors import InvalidTransition, ValidationFailed
from core.screening.articles import screen
from core.targets.models import ChannelTarget
from core.text import slugify
from core.units.models import Unit
from core.workflow import edits
from core.workflow import steps as approval
from core.workflow.models import ApprovalStep
from core.workflow.states import EDITABLE, INITIAL, PUBLIC, WRITING, Move, advance


def _unit_path(session: Session, unit_id: int) -> str:
    return outbox.unit_path(session, unit_id)


def _apply(session: Session, article: Article, data: Mapping[str, Any]) -> None:
    for field in ALWAYS_WRITTEN:
        if field in data and field != "slug":
            setattr(article, field, data[field])
    if data.get("slug"):
        article.slug = data["slug"]
    if "category" in data:
        article.category_id = _category_id(session, data["category"])
    if "agency_id" in data:
        article.agency_id = data["agency_id"]
    for field in ("kind", "topic", "justification", "release_together"):
        if field in data:
            setattr(article, field, data[field])
    for field, value in (data.get("audience") or {}).items():
        setattr(article.audience, field, value)
    refold(article)


def _category_id(session: Session, ref: str | None) -> int | None:
    if not ref:
        return None
    found = session.scalar(select(Category.id).where(Category.slug == ref))
    if found is None:
        found = session.scalar(select(Category.id).where(Category.name == ref))
    if found is None:
        raise ValidationFailed({"category": f"no category {ref!r}"})
    return found


def _unique_slug(session: Session, base: str, article_id: int | None = None) -> str:
    slug, n = base, 1
    while True:
        other = session.scalar(select(Article.id).where(Article.slug == slug))
        if other is None or other == article_id:
            return slug
        n += 1
        slug = f"{base}-{n}"


def _set_targets(session: Session, article: Article, target_ids: list[int]) -> None:
    """Choose channels: the item's unit's own, or those of a unit above it (a province portal).

    Another commune's channel is refused as unknown, so ids of other units leak nothing.
    """
    item_path = _unit_path(session, article.unit_id)
    rows = session.execute(
        select(ChannelTarget.id, Unit.path)
        .join(Unit, Unit.id == ChannelTarget.unit_id)
        .where(ChannelTarget.id.in_(target_ids))
    ).all()
    found = {tid for tid, path in rows if item_path.startswith(path)}
    missing = set(target_ids) - found
    if missing:
        raise ValidationFailed({"target_ids": f"unknown targets {sorted(missing)}"})
    session.execute(delete(ArticleTarget).where(ArticleTarget.article_id == article.id))
    session.add_all(ArticleTarget(article_id=article.id, target_id=t) for t in target_ids)


def _revise(session: Session, article: Article, actor: Actor, first: bool = False) -> None:
    data = snapshot(article)
    digest = content_hash(data)
    if not first and digest == article.content_hash:
        return
    if not first:
        article.revision += 1
    article.content_hash = digest
    article.updated_at = utcnow()
    session.add(
        Revision(
            article_id=article.id,
            number=article.revision,
            content_hash=digest,
            data=data,
            author=actor.name,
        )
    )


def create(ctx: Context, actor: Actor, data: Mapping[str, Any]) -> Article:
    clean = clean_article(data)
    with ctx.transaction() as session:
        try:
            unit = unit_by_code(session, clean["unit_code"])
        except LookupError as exc:
            raise ValidationFailed({"unit_code": str(exc)}) from None
        require(actor, Permission.WRITE_CONTENT, unit.path)
        article = Article(
            uid=str(uuid.uuid4()),
            slug=_unique_slug(session, clean.get("slug") or slugify(clean["title"])),
            unit_id=unit.id,
            status=INITIAL,
            audience=Audience(genders=[], scope_units=[unit.code]),
        )
        session.add(article)
        _apply(session, article, clean)
        session.flush()
        if clean.get("target_ids"):
            _set_targets(session, article, clean["target_ids"])
        _revise(session, article, actor, first=True)
        screen(session, article)
        audit.about(
            session,
            actor,
            "article.create",
            article,
            data={
                "title": article.title,
                "unit": unit.code,
                "revision": article.revision,
                "moderation": article.moderation,
            },
        )
    ctx.emit("article.created", {"id": article.id})
    return article


def update(
    ctx: Context,
    actor: Actor,
    article_id: int,
    data: Mapping[str, Any],
    *,
    expected_revision: int | None = None,
    autosave: bool = False,
) -> Article:
    """Save an edit as a new revision; approvals it touches are voided, and say so.

    A live item keeps its approved content in public and on every channel: the
    edit waits as a pending revision until the touched approvals pass again.
    ``expected_revision`` (the revision the form was loaded with) refuses a stale edit
    with Conflict instead of overwriting another tab's; ``autosave`` applies to drafts
    only and is audited sparingly (``core.actions.autosave``).
    """
    clean = clean_article(data, partial=True)
    with ctx.transaction() as session:
        article = _load(session, article_id)
        require(actor, Permission.WRITE_CONTENT, _unit_path(session, article.unit_id))
        if article.status not in EDITABLE:
            raise InvalidTransition(f"an article that is {article.status} cannot be edited")
        edits.check_edit(session, article, expected_revision, autosave=autosave)
        if clean.get("unit_code"):
            try:
                unit = unit_by_code(session, clean["unit_code"])
            except LookupError as exc:
                raise ValidationFailed({"unit_code": str(exc)}) from None
            require(actor, Permission.WRITE_CONTENT, unit.path)
            clean = {**clean, "unit_id": unit.id}
        if clean.get("slug"):
            clean = {**clean, "slug": _unique_slug(session, clean["slug"], article.id)}
        live = article.status in PUBLIC
        if live:
            revision = _propose(session, article, actor, clean)
        else:
            if "unit_id" in clean:
                article.unit_id = clean["unit_id"]
            _apply(session, article, clean)
            before = article.revision
            _revise(session, article, actor)
            revision = article.revision if article.revision != before else None
            screen(session, article)
        if "target_ids" in clean:
            _set_targets(session, article, clean["target_ids"])
        voided: list[ApprovalStep] = []
        if revision is not None or "target_ids" in clean:
            voided = _replan(session, article, live=live)
        facts = {
            "revision": revision,
            "pending": live,
            "fields": sorted(clean),
            "moderation": article.moderation,
            "voided": [f"{s.source}/{s.key}" for s in voided],
        }
        if not autosave:
            audit.about(session, actor, "article.update", article, data=facts)
        elif revision is not None:
            edits.audit_autosave(session, actor, article, revision)
    ctx.emit("article.updated", {"id": article.id, "revision": revision})
    return article


def _replan(session: Session, article: Article, *, live: bool) -> list[ApprovalStep]:
    """After an edit of an item past its draft: the steps follow the revision under review.

    A wider audience, a move or a new channel adds steps (pending until decided), a
    narrower one voids those no longer needed, and only approvals the edit touched
    go back to pending. S0.4 holds here too: the edit that makes the item national
    or off-topic must carry its justification. Returns the approvals voided.
    """
    if article.status == Status.DRAFT and not approval.steps_of(session, article.id):
        return []  # planned at submission, where S0.4 is checked
    data = current_data(session, article)
    targets = workflow.chosen_targets(session, article)
    if article.status not in WRITING:
        workflow.require_justification(session, data, targets)
    report = approval.sync(session, article, targets, data, reopen=False)
    if live:  # an edit answers the changes asked for: those steps are open again
        approval.reopen_requested(session, article)
    return report.voided


def _propose(
    session: Session, article: Article, actor: Actor, clean: Mapping[str, Any]
) -> int | None:
    """Record an edit of a live item as a pending revision; the row keeps the live content."""
    live = snapshot(article)
    base = current_data(session, article)
    apply_snapshot(session, article, base)
    if "unit_id" in clean:
        article.unit_id = clean["unit_id"]
    _apply(session, article, clean)
    proposed = snapshot(article)
    screen(session, article)  # the verdict on the row now speaks of the pending revision
    apply_snapshot(session, article, live)
    digest = content_hash(proposed)
    if proposed == base:
        return None
    latest = session.scalar(
        select(Revision.number)
        .where(Revision.article_id == article.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    number = (latest or article.revision) + 1
    session.add(
        Revision(
            article_id=article.id,
            number=number,
            content_hash=digest,
            data=proposed,
            author=actor.name,
        )
    )
    article.pending_revision = number
    article.updated_at = utcnow()
    return number


def approve(ctx: Context, actor: Actor, article_id: int, now: dt.datetime | None = None) -> Article:
    """Approve every open step this actor may decide (see core.actions.workflow.approve)."""
    return workflow.approve(ctx, actor, article_id, now=now).article


def _take_down(
    ctx: Context, actor: Actor, article_id: int, status: Status, reason: str, now: dt.datetime
) -> Article | None:
    with ctx.transaction() as session:
        article = _load(session, article_id)
        if status is Status.RETRACTED:
            require(actor, Permission.RETRACT, _unit_path(session, article.unit_id))
            if article.status not in PUBLIC:
                raise InvalidTransition(f"an article that is {article.status} cannot be retracted")
        else:
            ends = article.audience.visible_until
            if article.status not in PUBLIC or ends is None or ends > now:
                return None  # not due: an early or repeated expiry job is a no-op
        advance(article, Move.RETRACT if status is Status.RETRACTED else Move.EXPIRE)
        ids = outbox.take_down(session, article)
        audit.about(
            session,
            actor,
            f"article.{status.value}",
            article,
            data={"reason": reason, "deliveries": ids},
        )
    queue.enqueue_deliveries(ctx, ids)
    ctx.emit(f"article.{status.value}", {"id": article.id})
    return article


def retract(ctx: Context, actor: Actor, article_id: int, reason: str = "") -> Article:
    article = _take_down(ctx, actor, article_id, Status.RETRACTED, reason, utcnow())
    assert article is not None
    return article


def retract_from(
    ctx: Context, actor: Actor, article_id: int, target_id: int, reason: str = ""
) -> Article:
    """Take a live item down from one of its channels; the others keep it.

    The channel leaves the item's choice (an edit no longer sends it there), what was not
    yet sent to it is cancelled, and where it is live a retraction is queued. The item's
    last channel cannot be left this way: retract the item instead (with no channel
    chosen, the item would fall back to its unit's own).
    """
    with ctx.transaction() as session:
        article = _load(session, article_id)
        require(actor, Permission.RETRACT, _unit_path(session, article.unit_id))
        if article.status not in PUBLIC:
            raise InvalidTransition(f"an article that is {article.status} cannot be retracted")
        chosen = [t.id for t in outbox.targets_for(session, article)]
        if target_id not in chosen:
            raise ValidationFailed({"target_id": "not one of this article's targets"})
        if len(chosen) == 1:
            raise ValidationFailed(
                {"target_id": "the item's last channel: retract the item instead"}
            )
        _set_targets(session, article, [t for t in chosen if t != target_id])
        ids = outbox.take_down_from(session, article, target_id)
        audit.about(
            session,
            actor,
            "article.retract_target",
            article,
            data={"target": target_id, "reason": reason, "deliveries": ids},
        )
    queue.enqueue_deliveries(ctx, ids)
    ctx.emit("article.updated", {"id": article.id, "revision": None})
    return article


def expire(ctx: Context, article_id: int, now: dt.datetime | None = None) -> Article | None:
    """Take an item down at the end of its window; safe to call early or twice."""
    return _take_down(
        ctx, SYSTEM, article_id, Status.EXPIRED, "visible_until reached", now or utcnow()
    )


def expire_due(ctx: Context, now: dt.datetime | None = None) -> list[int]:
    """Every public item whose window has closed: run by the sweeper after downtime."""
    now = now or utcnow()
    with ctx.sessions() as session:
        due = session.scalars(
            select(Article.id)
            .join(Audience, Audience.article_id == Article.id)
            .where(Article.status.in_(tuple(PUBLIC)), Audience.visible_until <= now)
        ).all()
    return [a for a in due if expire(ctx, a, now) is not None]


def restore(ctx: Context, actor: Actor, article_id: int, number: int) -> Article:
    """Bring back an old revision's content as a new revision (history is never rewritten)."""
    with ctx.sessions() as session:
        old = dict(revision(session, article_id, number).data)
        category = session.get(Category, old["category_id"]) if old.get("category_id") else None
    fields: dict[str, Any] = {k: old.get(k) for k in RESTORED_FIELDS if k in old}
    fields["category"] = category.slug if category else None
    fields["audience"] = old.get("audience") or {}
    return update(ctx, actor, article_id, fields)
