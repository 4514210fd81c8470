"""Articles in any status, for editors: one by id, or a page filtered by status and unit.

The read permission (READ_DRAFTS on the unit) is checked here because
``core.content`` has no read action yet; it should move there.
"""

from __future__ import annotations

import base64
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, false, func, or_, select

from core.auth.permissions import GRANTS, Actor, Permission, require
from core.content.models import Article as ArticleModel
from core.content.models import Status
from core.content.queries import unit_by_code
from core.errors import NotFound, ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.managed_article import ManagedArticle, managed_article
from core.units.models import Unit

Info = strawberry.Info[RequestContext, Any]
MAX_FIRST = 100


@strawberry.type
class ManagedArticleEdge:
    cursor: str
    node: ManagedArticle


@strawberry.type
class ManagedPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ManagedArticleConnection:
    edges: list[ManagedArticleEdge]
    page_info: ManagedPageInfo
    total_count: int


def _readable(actor: Actor) -> ColumnElement[bool]:
    paths = [g.unit_path for g in actor.grants if Permission.READ_DRAFTS in GRANTS[g.role]]
    return or_(*(Unit.path.startswith(p) for p in paths)) if paths else false()


def _cursor(article_id: int) -> str:
    return base64.urlsafe_b64encode(f"id|{article_id}".encode()).decode()


def _after(cursor: str) -> int:
    try:
        tag, value = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        if tag == "id":
            return int(value)
    except ValueError:
        pass
    raise ValidationFailed({"after": "not a cursor this API issued"})


def article(info: Info, id: strawberry.ID) -> ManagedArticle | None:
    rc = info.context
    assert rc.actor is not None
    with rc.read() as session:
        row = session.execute(
            select(ArticleModel, Unit.path)
            .join(Unit, Unit.id == ArticleModel.unit_id)
            .where(ArticleModel.uid == str(id))
        ).first()
    if row is None:
        return None
    require(rc.actor, Permission.READ_DRAFTS, row[1])
    return managed_article(row[0], rc)


def articles(
    info: Info,
    status: Status | None = None,
    unit: str | None = None,
    first: int = 20,
    after: str | None = None,
) -> ManagedArticleConnection:
    """Newest first (by id), only on units the caller may read drafts of."""
    if not 1 <= first <= MAX_FIRST:
        raise ValidationFailed({"first": f"must be between 1 and {MAX_FIRST}"})
    rc = info.context
    assert rc.actor is not None
    stmt = (
        select(ArticleModel).join(Unit, Unit.id == ArticleModel.unit_id).where(_readable(rc.actor))
    )
    if status is not None:
        stmt = stmt.where(ArticleModel.status == Status(status).value)
    with rc.read() as session:
        if unit:
            try:
                stmt = stmt.where(Unit.path.startswith(unit_by_code(session, unit).path))
            except LookupError as exc:
                raise NotFound(str(exc)) from None
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        if after:
            stmt = stmt.where(ArticleModel.id < _after(after))
        rows = session.scalars(stmt.order_by(ArticleModel.id.desc()).limit(first + 1)).all()
    edges = [
        ManagedArticleEdge(cursor=_cursor(a.id), node=managed_article(a, rc)) for a in rows[:first]
    ]
    return ManagedArticleConnection(
        edges=edges,
        page_info=ManagedPageInfo(
            has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=total,
    )
