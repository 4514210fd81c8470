"""The steps every government content type shares: save a draft, publish, withdraw, expire.

Each step checks permission first (writing needs ``write_content`` on the unit, publishing,
withdrawing and editing what is live need ``approve``: the editorial board's, S4.1), changes
the row in one transaction with its audit entry, and only after commit tells plugins (which
also moves the content generation, so cached public answers are purged). Text is judged by
moderation like an article's: a block refuses the save, a hold refuses publication.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import SYSTEM, Actor, Permission, require
from core.content.queries import unit_by_code
from core.context import Context
from core.db import utcnow
from core.errors import (
    InvalidTransition,
    ModerationBlocked,
    ModerationHeld,
    NotFound,
    ValidationFailed,
)
from core.govcontent.fields import Form
from core.govcontent.models import Publication
from core.moderation import Decision
from core.screening.articles import judge, summary
from core.screening.lexicons import unit_lexicon
from core.units.models import Unit

#: Reads a save's fields into the form: (session, form, unit, row being edited or None).
Reader = Callable[[Session, Form, Unit, Any], None]


@dataclass(frozen=True)
class Kind:
    """One content type: its model, how its input is read, what moderation reads of a row."""

    name: str
    model: Any
    read: Reader
    texts: Callable[[Any], dict[str, str]]
    #: Runs after the row's columns are set (relations, search text): (session, row, values).
    after: Callable[[Session, Any, Mapping[str, Any]], None] | None = None
    #: Rows with ``visible_from``/``visible_until``: hidden outside, expired by the sweeper.
    windowed: bool = False
    #: Who may write drafts of this type.
    permission: Permission = Permission.WRITE_CONTENT
    extra: dict[str, Any] = field(default_factory=dict)


def unit_of(session: Session, code: str | None, argument: str = "unit") -> Unit:
    """The unit a client named; BAD_USER_INPUT naming ``argument`` if it names none."""
    try:
        return unit_by_code(session, code or "")
    except LookupError as exc:
        raise ValidationFailed({argument: str(exc)}) from None


def load(session: Session, kind: Kind, uid: str, *, lock: bool = False) -> Any:
    query = select(kind.model).where(kind.model.uid == str(uid))
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"no {kind.name.replace('_', ' ')} with id {uid}")
    return row


def _path(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    assert unit is not None
    return unit.path


def _screen(session: Session, kind: Kind, row: Any) -> Decision:
    decision, spans = judge(unit_lexicon(session, row.unit_id), kind.texts(row))
    if decision is Decision.BLOCK:
        raise ModerationBlocked(f"moderation blocks this text ({summary(spans)})", spans)
    if decision is Decision.REVIEW and row.state == Publication.PUBLISHED:
        raise ModerationHeld(f"moderation holds this text ({summary(spans)})", spans)
    return decision


def save(
    ctx: Context,
    actor: Actor,
    kind: Kind,
    data: Mapping[str, Any],
    *,
    uid: str | None = None,
    unit_code: str | None = None,
) -> Any:
    """Create a draft in ``unit_code``, or edit the row ``uid`` (live rows: the board only)."""
    with ctx.transaction() as session:
        row = load(session, kind, uid, lock=True) if uid else None
        unit = session.get(Unit, row.unit_id) if row is not None else unit_of(session, unit_code)
        assert unit is not None
        require(actor, kind.permission, unit.path)
        if row is not None and row.state == Publication.PUBLISHED:
            require(actor, Permission.APPROVE, unit.path)
        form = Form(data, kind.model, partial=row is not None)
        kind.read(session, form, unit, row)
        values = form.done()
        created = row is None
        if row is None:
            row = kind.model(
                uid=str(uuid.uuid4()),
                unit_id=unit.id,
                state=Publication.DRAFT,
                created_by=actor.name,
            )
            session.add(row)
        columns = kind.model.__table__.c
        for name, value in values.items():
            if name in columns:
                setattr(row, name, value)
        row.updated_at = utcnow()
        session.flush()
        if kind.after is not None:
            kind.after(session, row, values)
        _screen(session, kind, row)
        audit.record(
            session,
            actor=actor.name,
            action=f"{kind.name}.{'create' if created else 'update'}",
            subject_type=kind.name,
            subject_id=row.uid,
            data={"unit": unit.code, "fields": sorted(values), "state": row.state},
            unit_path=unit.path,
        )
    ctx.emit(f"gov.{kind.name}.saved", {"id": row.uid})
    return row


def publish(ctx: Context, actor: Actor, kind: Kind, uid: str) -> Any:
    """Put a draft (or a withdrawn row) in public; a closed window cannot be published."""
    now = utcnow()
    with ctx.transaction() as session:
        row = load(session, kind, uid, lock=True)
        path = _path(session, row.unit_id)
        require(actor, Permission.APPROVE, path)
        if row.state == Publication.PUBLISHED:
            raise InvalidTransition(f"this {kind.name.replace('_', ' ')} is already published")
        if kind.windowed and row.visible_until is not None and row.visible_until <= now:
            raise InvalidTransition("its window has closed: set a later visible_until first")
        row.state = Publication.PUBLISHED
        _screen(session, kind, row)
        row.published_at = now
        _record(session, actor, kind, row, "publish", path)
    ctx.emit(f"gov.{kind.name}.published", {"id": row.uid})
    return row


def withdraw(ctx: Context, actor: Actor, kind: Kind, uid: str, reason: str = "") -> Any:
    """Take a live row out of public (never deleted: C18 keeps it)."""
    with ctx.transaction() as session:
        row = load(session, kind, uid, lock=True)
        path = _path(session, row.unit_id)
        require(actor, Permission.APPROVE, path)
        if row.state != Publication.PUBLISHED:
            raise InvalidTransition(f"only a published {kind.name.replace('_', ' ')} is withdrawn")
        row.state = Publication.WITHDRAWN
        _record(session, actor, kind, row, "withdraw", path, reason=reason[:500])
    ctx.emit(f"gov.{kind.name}.withdrawn", {"id": row.uid})
    return row


def _record(
    session: Session, actor: Actor, kind: Kind, row: Any, verb: str, path: str, **data: Any
) -> None:
    audit.record(
        session,
        actor=actor.name,
        action=f"{kind.name}.{verb}",
        subject_type=kind.name,
        subject_id=row.uid,
        data={"state": row.state, **data},
        unit_path=path,
    )


def expire_due(ctx: Context, kinds: list[Kind], now: dt.datetime | None = None) -> list[str]:
    """Mark every live row whose window has closed expired, one audit entry each (S3.1).

    The public API already hides them by their window; this records the take-down, so a
    portal's campaign banners are seen to have come down. Safe to run twice.
    """
    now = now or utcnow()
    done: list[str] = []
    for kind in kinds:
        if not kind.windowed:
            continue
        with ctx.transaction() as session:
            rows = session.scalars(
                select(kind.model)
                .where(
                    kind.model.state == Publication.PUBLISHED,
                    kind.model.visible_until <= now,
                )
                .with_for_update()
            ).all()
            for row in rows:
                row.state = Publication.EXPIRED
                _record(session, SYSTEM, kind, row, "expire", _path(session, row.unit_id))
                done.append(row.uid)
    if done:
        ctx.emit("gov.expired", {"ids": done})
    return done
