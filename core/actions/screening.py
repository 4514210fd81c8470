"""Moderation actions: a unit's own terms, and a moderator clearing a held item (and the list of
held items a moderator may clear).

check → change → audit, in one transaction, like every action. Unit terms take effect at
once everywhere (see ``lexicons``); items already judged are judged again at their next save
and, in any case, every channel's payload is judged again before it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.content.models import Article, Revision
from core.content.queries import unit_by_code
from core.context import Context
from core.delivery import outbox, queue
from core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from core.moderation import Category, Decision, Entry
from core.moderation.lexicon import FLAGS
from core.screening.models import TermKind, UnitTerm
from core.text import nfc
from core.units.models import Unit
from core.workflow.states import PUBLIC

MAX_TERM = 200


def _clean_term(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or TermKind.TERM)
    if kind not in set(TermKind):
        errors["kind"] = "must be term or allow"
    term = " ".join(nfc(str(data.get("term") or "")).split())
    if not term:
        errors["term"] = "is required"
    elif len(term) > MAX_TERM:
        errors["term"] = f"is longer than {MAX_TERM} characters"
    out: dict[str, Any] = {"kind": kind, "term": term, "category": "", "severity": 0, "flags": ""}
    if kind == TermKind.TERM:
        category = str(data.get("category") or "")
        if category not in set(Category):
            errors["category"] = "must be profanity, insult or sensitive"
        severity = data.get("severity")
        if not isinstance(severity, int) or not 1 <= severity <= 3:
            errors["severity"] = "must be 1, 2 or 3"
        flags = sorted({f.strip() for f in str(data.get("flags") or "").split(",") if f.strip()})
        unknown = set(flags) - FLAGS - {"en"}
        if unknown:
            errors["flags"] = f"unknown flags {sorted(unknown)}"
        if not errors and isinstance(severity, int):
            try:
                Entry(term, Category(category), severity, frozenset(flags) - {"en"})
            except ValueError as exc:
                errors["term"] = str(exc)
        out.update(category=category, severity=severity, flags=",".join(flags))
    if errors:
        raise ValidationFailed(errors)
    return out


def add_term(ctx: Context, actor: Actor, unit_code: str, data: Mapping[str, Any]) -> UnitTerm:
    """Add a term (or allowlist entry) to a unit's lexicon; it covers the unit's descendants."""
    clean = _clean_term(data)
    with ctx.transaction() as session:
        try:
            unit = unit_by_code(session, unit_code)
        except LookupError as exc:
            raise ValidationFailed({"unit_code": str(exc)}) from None
        require(actor, Permission.MANAGE_LEXICON, unit.path)
        exists = session.scalar(
            select(UnitTerm.id).where(
                UnitTerm.unit_id == unit.id,
                UnitTerm.kind == clean["kind"],
                UnitTerm.term == clean["term"],
            )
        )
        if exists is not None:
            raise Conflict(f"{clean['term']!r} is already in this unit's lexicon")
        row = UnitTerm(unit_id=unit.id, created_by=actor.name, **clean)
        session.add(row)
        session.flush()
        audit.about(
            session,
            actor,
            "lexicon.add",
            row,
            data={"unit": unit.code, **clean},
        )
    ctx.emit("lexicon.changed", {"unit": unit.code})  # workers judge with it from now on
    return row


def remove_term(ctx: Context, actor: Actor, term_id: int) -> UnitTerm:
    with ctx.transaction() as session:
        row = session.get(UnitTerm, term_id)
        if row is None:
            raise NotFound(f"no unit term with id {term_id}")
        unit = session.get(Unit, row.unit_id)
        require(actor, Permission.MANAGE_LEXICON, unit.path if unit else "/")
        session.delete(row)
        audit.about(
            session,
            actor,
            "lexicon.remove",
            row,
            data={"unit": unit.code if unit else "", "kind": row.kind, "term": row.term},
        )
    ctx.emit("lexicon.changed", {"unit": unit.code if unit else ""})
    return row


def list_terms(ctx: Context, actor: Actor, unit_code: str) -> list[tuple[UnitTerm, str]]:
    """The entries that apply to a unit (its own and its ancestors'), with their unit's code."""
    from core.screening.lexicons import path_ids

    with ctx.sessions() as session:
        try:
            unit = unit_by_code(session, unit_code)
        except LookupError as exc:
            raise ValidationFailed({"unit_code": str(exc)}) from None
        require(actor, Permission.READ_DRAFTS, unit.path)
        rows = session.execute(
            select(UnitTerm, Unit.code)
            .join(Unit, Unit.id == UnitTerm.unit_id)
            .where(UnitTerm.unit_id.in_(path_ids(unit.path) or [unit.id]))
            .order_by(UnitTerm.id)
        ).all()
    return [(t, code) for t, code in rows]


def clear_moderation(ctx: Context, actor: Actor, article_id: int) -> Article:
    """A moderator lets a held item go on to approval; binds to its current content hash.

    A block cannot be cleared: the text must change. Only a hold can.
    """
    with ctx.transaction() as session:
        article = session.scalar(
            select(Article).where(Article.id == article_id).with_for_update(of=Article)
        )
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        unit = session.get(Unit, article.unit_id)
        require(actor, Permission.APPROVE, unit.path if unit else "/")
        if article.moderation != Decision.REVIEW:
            raise InvalidTransition(
                f"only a held item can be cleared; moderation says {article.moderation}"
            )
        pending = None
        if article.pending_revision is not None:  # a held edit of a live item
            pending = session.scalar(
                select(Revision.content_hash).where(
                    Revision.article_id == article.id,
                    Revision.number == article.pending_revision,
                )
            )
        article.moderation_cleared_hash = pending or article.content_hash
        article.moderation_cleared_by = actor.name
        ids: list[int] = []
        if article.status in PUBLIC and pending is None:
            ids = outbox.update_live(session, article)
        audit.about(
            session,
            actor,
            "article.moderation_cleared",
            article,
            data={
                "revision": article.revision,
                "content_hash": article.content_hash,
                "spans": article.moderation_spans,
                "deliveries": ids,
            },
        )
    queue.enqueue_deliveries(ctx, ids)
    return article


#: Item states where a hold no longer matters (the item will not go out as it is).
_SETTLED = ("retracted", "rejected", "expired")


def held_items(ctx: Context, actor: Actor, limit: int = 100) -> list[Article]:
    """Items moderation holds for a moderator (not cleared for their current text), on the units
    the actor may moderate; oldest change first. The same rule as ``clear_moderation``'s."""
    paths = actor.paths(Permission.APPROVE)
    if not paths:
        return []
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(Article)
                .join(Unit, Unit.id == Article.unit_id)
                .where(
                    Article.moderation == Decision.REVIEW,
                    Article.moderation_cleared_hash != Article.content_hash,
                    Article.status.not_in(_SETTLED),
                    or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)),
                )
                .order_by(Article.updated_at)
                .limit(limit)
            )
        )
