"""Reading content in any status: for editors and approvers, inside the units they cover.

Like every action, each read checks permission here, not in the interface.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor, Permission, require
from core.content.models import Article, Status
from core.content.queries import unit_by_code
from core.errors import NotFound, ValidationFailed
from core.units.models import Unit

MAX_FIRST = 100


def readable(actor: Actor) -> ColumnElement[bool]:
    """Units where ``actor`` may read drafts, as a clause on ``Unit.path``."""
    paths = actor.paths(Permission.READ_DRAFTS)
    return or_(*(Unit.path.startswith(p) for p in paths)) if paths else false()


def get_article(session: Session, actor: Actor, uid: str) -> Article | None:
    row = session.execute(
        select(Article, Unit.path).join(Unit, Unit.id == Article.unit_id).where(Article.uid == uid)
    ).first()
    if row is None:
        return None
    require(actor, Permission.READ_DRAFTS, row[1])
    return row[0]


def _cursor(article_id: int) -> str:
    return base64.urlsafe_b64encode(f"id|{article_id}".encode()).decode()


def _after(cursor: str) -> int:
    try:
        tag, value = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        if tag == "id" and value.isascii() and value.isdigit() and len(value) <= 10:
            number = int(value)
            if number <= 2**31 - 1:  # PostgreSQL refuses a larger INTEGER parameter outright
                return number
    except ValueError:
        pass
    raise ValidationFailed({"after": "not a cursor this API issued"})


@dataclass(frozen=True)
class ArticlePage:
    articles: Sequence[Article]
    cursors: Sequence[str]
    total: int
    has_next: bool


def list_articles(
    session: Session,
    actor: Actor,
    *,
    status: Status | None = None,
    unit: str | None = None,
    first: int = 20,
    after: str | None = None,
) -> ArticlePage:
    """Newest first (by id), only on units the actor may read drafts of."""
    if not 1 <= first <= MAX_FIRST:
        raise ValidationFailed({"first": f"must be between 1 and {MAX_FIRST}"})
    stmt = select(Article).join(Unit, Unit.id == Article.unit_id).where(readable(actor))
    if status is not None:
        stmt = stmt.where(Article.status == Status(status).value)
    if unit:
        try:
            stmt = stmt.where(Unit.path.startswith(unit_by_code(session, unit).path))
        except LookupError as exc:
            raise NotFound(str(exc)) from None
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    if after:
        stmt = stmt.where(Article.id < _after(after))
    rows = list(session.scalars(stmt.order_by(Article.id.desc()).limit(first + 1)))
    page = rows[:first]
    return ArticlePage(page, [_cursor(a.id) for a in page], total, len(rows) > first)
