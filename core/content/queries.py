"""Reading published content: the one place that decides what the public may see.

An item is public when it is published and inside its viewing window. Every
public reader (GraphQL, feeds, sitemap) goes through :func:`published_clause`.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, defer
from sqlalchemy.orm.interfaces import ORMOption

from core.content.lookups import Lookups
from core.content.models import Agency, Article, Audience, Category, Status
from core.content.urls import canonical_url
from core.contract.channels import Audience as AudienceView
from core.contract.channels import Item, ItemImage
from core.contract.media import ItemMedia, MediaSource
from core.db import utcnow
from core.errors import ValidationFailed
from core.media.covers import cover_images
from core.media.item_media import item_media
from core.text import fold
from core.units.lookups import unit_by_code as unit_by_code  # where older code looks
from core.units.lookups import units_by_code, units_by_id
from core.units.models import Unit


def published_clause(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        Article.status == Status.PUBLISHED,
        or_(Audience.visible_from.is_(None), Audience.visible_from <= now),
        or_(Audience.visible_until.is_(None), Audience.visible_until > now),
    )


def lock_article(session: Session, article_id: int) -> Article:
    """The article, locked for this transaction (PostgreSQL); NotFound when it does not exist."""
    from core.errors import NotFound

    article = session.scalar(
        select(Article).where(Article.id == article_id).with_for_update(of=Article)
    )
    if article is None:
        raise NotFound(f"no article with id {article_id}")
    return article


def article_by_id(session: Session, article_id: int) -> Article | None:
    """The article ``article_id``, or None (a read; ``lock_article`` locks it for a change)."""
    return session.get(Article, article_id)


def article_id_by_uid(session: Session, uid: str) -> int | None:
    """The row id of the article with the public ``uid``."""
    return session.scalar(select(Article.id).where(Article.uid == uid))


def article_uids(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The public uids of the articles ``ids``, by row id."""
    if not ids:
        return {}
    rows = session.execute(select(Article.id, Article.uid).where(Article.id.in_(list(ids)))).all()
    return {pk: uid for pk, uid in rows}


def all_categories(session: Session) -> list[Category]:
    """Every active category, in the order its admins gave (then by name)."""
    return list(
        session.scalars(
            select(Category)
            .where(Category.is_active.is_(True))
            .order_by(Category.position, Category.name)
        )
    )


def portal_templates(session: Session, unit_ids: Collection[int]) -> dict[int, str]:
    """Each unit's portal URL template: its own, else its nearest ancestor's, else "".

    One query: every ancestor (a path prefix) that sets a template; the longest path wins.
    """
    ancestor = aliased(Unit)
    rows = session.execute(
        select(Unit.id, ancestor.path, ancestor.portal_url_template)
        .join(ancestor, Unit.path.startswith(ancestor.path))
        .where(Unit.id.in_(list(unit_ids)), ancestor.portal_url_template != "")
    )
    best: dict[int, tuple[int, str]] = {}
    for unit_id, path, template in rows:
        if len(path) > best.get(unit_id, (-1, ""))[0]:
            best[unit_id] = (len(path), template)
    return {i: best[i][1] if i in best else "" for i in unit_ids}


#: The largest id an INTEGER row id can have.
MAX_ROW_ID = 2**31 - 1


@dataclass(frozen=True)
class Cursor:
    published_at: dt.datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.published_at.timestamp():.6f}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode()

    @classmethod
    def decode(cls, value: str, argument: str = "after") -> Cursor:
        try:
            ts, ident = base64.urlsafe_b64decode(value.encode()).decode().split("|")
            row_id = int(ident)
            if not 0 < row_id <= MAX_ROW_ID:  # PostgreSQL refuses a larger INTEGER outright
                raise ValueError(ident)
            return cls(dt.datetime.fromtimestamp(float(ts), dt.UTC), row_id)
        except (ValueError, UnicodeDecodeError, OverflowError, OSError):
            raise ValidationFailed({argument: "not a cursor this API issued"}) from None

    def newer(self) -> ColumnElement[bool]:
        """Rows listed before this cursor (newest first: published later, or same time, id up)."""
        return or_(
            Article.published_at > self.published_at,
            and_(Article.published_at == self.published_at, Article.id > self.id),
        )

    def older(self) -> ColumnElement[bool]:
        """Rows listed after this cursor."""
        return or_(
            Article.published_at < self.published_at,
            and_(Article.published_at == self.published_at, Article.id < self.id),
        )


#: A plain row of the columns a reader asked for (``shown``): no ORM object behind it.
PlainRow = Row[Any]


@dataclass(frozen=True)
class Page:
    articles: Sequence[Article]
    total: int
    has_next: bool
    #: Rows exist before this page (newer ones): Relay's ``hasPreviousPage``.
    has_previous: bool = False
    #: The page as plain rows of the columns asked for (``list_published(shown=…)``), in
    #: place of ``articles``.
    rows: Sequence[PlainRow] = ()


#: The page size when a client names neither ``first`` nor ``last``.
DEFAULT_PAGE = 20


def _filtered(
    session: Session,
    *,
    now: dt.datetime,
    unit_code: str | None,
    include_descendants: bool,
    category: str | None,
    search: str | None,
    kinds: Sequence[str] = (),
    published_from: dt.datetime | None = None,
    published_to: dt.datetime | None = None,
    former_unit_code: str | None = None,
    lookups: Lookups | None = None,
) -> Select[Any] | None:
    lookups = lookups or Lookups()
    stmt = select(Article).join(Audience, Audience.article_id == Article.id)
    stmt = stmt.where(published_clause(now))
    if unit_code:
        unit = lookups.subtree(session, unit_code)
        if not include_descendants:
            stmt = stmt.where(Article.unit_id == unit.unit_id)
        elif unit.ids is not None:
            stmt = stmt.where(Article.unit_id.in_(unit.ids))
        else:
            under = select(Unit.id).where(Unit.path.startswith(unit.path))
            stmt = stmt.where(Article.unit_id.in_(under))
    if category:
        cat_id = lookups.category_id(session, category)
        if cat_id is None:
            return None
        stmt = stmt.where(Article.category_id == cat_id)
    if former_unit_code:
        from core.units.succession import successors

        try:
            paths = [u.path for u, _ in successors(session, former_unit_code)[1]]
        except LookupError as exc:
            raise ValidationFailed({"former_unit": str(exc)}) from None
        if not paths:
            return None
        under = select(Unit.id).where(or_(*(Unit.path.startswith(p) for p in paths)))
        stmt = stmt.where(Article.unit_id.in_(under))
    if kinds:
        stmt = stmt.where(Article.kind.in_(list(kinds)))
    if published_from is not None:
        stmt = stmt.where(Article.published_at >= published_from)
    if published_to is not None:
        stmt = stmt.where(Article.published_at < published_to)
    if search:
        for word in fold(search).split()[:8]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(Article.search_text.like(f"%{escaped}%", escape="\\"))
    return stmt


def list_published(
    session: Session,
    *,
    unit_code: str | None = None,
    include_descendants: bool = True,
    category: str | None = None,
    search: str | None = None,
    kinds: Sequence[str] = (),
    published_from: dt.datetime | None = None,
    published_to: dt.datetime | None = None,
    former_unit_code: str | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    now: dt.datetime | None = None,
    with_total: bool = True,
    columns: Sequence[ORMOption] | None = None,
    shown: Sequence[Any] | None = None,
    lookups: Lookups | None = None,
) -> Page:
    """A page of published articles, newest first, by keyset pagination (Relay's algorithm).

    ``after``/``before`` cut the list at cursors; then ``first`` keeps the newest rows left,
    ``last`` the oldest (both: ``first``, then the last ``last`` of those). Neither:
    :data:`DEFAULT_PAGE` from the top. A cursor is the row's (published_at, id), so it stays
    valid however many items are published meanwhile.

    The rows never carry ``search_text``; ``columns`` (loader options) narrows them further to
    what a reader shows (the public API's list leaves out the body: ~6 KB a row it never shows);
    ``shown`` (columns) reads only those, as plain rows in ``Page.rows``: no ORM object, identity
    map or loader option per row, a third of a public list's CPU otherwise;
    ``lookups`` caches the unit and category.
    """
    now = now or utcnow()
    stmt = _filtered(
        session,
        now=now,
        unit_code=unit_code,
        include_descendants=include_descendants,
        category=category,
        search=search,
        kinds=kinds,
        published_from=published_from,
        published_to=published_to,
        former_unit_code=former_unit_code,
        lookups=lookups,
    )
    if stmt is None:
        return Page([], 0, False)
    total = 0
    if with_total:
        counted = stmt.with_only_columns(Article.id).subquery()
        total = session.scalar(select(func.count()).select_from(counted)) or 0
    if shown is not None:
        stmt = stmt.with_only_columns(*shown)
    else:
        stmt = stmt.options(*(UNREAD if columns is None else columns))

    def fetch(query: Select[Any]) -> Sequence[Any]:
        return session.execute(query).all() if shown is not None else session.scalars(query).all()

    def paged(found: list[Any], total: int, has_next: bool, has_previous: bool) -> Page:
        if shown is not None:
            return Page((), total, has_next, has_previous, rows=found)
        return Page(found, total, has_next, has_previous)

    start = Cursor.decode(after, "after") if after else None
    end = Cursor.decode(before, "before") if before else None
    window = stmt
    if start is not None:
        window = window.where(start.older())
    if end is not None:
        window = window.where(end.newer())
    newest = (Article.published_at.desc(), Article.id.desc())
    if last is not None and first is None:
        oldest = (Article.published_at.asc(), Article.id.asc())
        rows = fetch(window.order_by(*oldest).limit(last + 1))
        page = list(reversed(rows[:last]))
        has_previous = len(rows) > last
        has_next = end is not None and _any(session, stmt.where(~end.newer()))
        return paged(page, total, has_next, has_previous)
    size = first if first is not None else DEFAULT_PAGE
    rows = fetch(window.order_by(*newest).limit(size + 1))
    page = list(rows[:size])
    has_previous = start is not None and _any(session, stmt.where(~start.older()))
    if last is not None and len(page) > last:
        page, has_previous = page[-last:], True
    return paged(page, total, len(rows) > size, has_previous)


def _any(session: Session, stmt: Select[Any]) -> bool:
    """Whether ``stmt`` matches a row: one indexed probe, not a count."""
    return session.scalar(stmt.with_only_columns(Article.id).limit(1)) is not None


def get_published(
    session: Session,
    slug: str,
    now: dt.datetime | None = None,
    *,
    uid: str | None = None,
    columns: Sequence[ORMOption] | None = None,
) -> Article | None:
    """The public article with this slug (or, given ``uid``, this UUID); None if not public."""
    key = Article.uid == uid if uid is not None else Article.slug == slug
    stmt = _published(key, now).options(*(UNREAD if columns is None else columns))
    return session.scalar(stmt)


def get_published_row(
    session: Session, slug: str, shown: Sequence[Any], now: dt.datetime | None = None
) -> PlainRow | None:
    """:func:`get_published` as a plain row of the ``shown`` columns (no ORM object)."""
    stmt = _published(Article.slug == slug, now).with_only_columns(*shown)
    return session.execute(stmt).first()


def _published(key: ColumnElement[bool], now: dt.datetime | None) -> Select[Any]:
    return (
        select(Article)
        .join(Audience, Audience.article_id == Article.id)
        .where(key, published_clause(now or utcnow()))
    )


#: What no public reader shows: left out of every public read (``raiseload``: reading it fails
#: loudly instead of quietly costing a query).
UNREAD: tuple[ORMOption, ...] = (defer(Article.search_text, raiseload=True),)


def category_by_slug(session: Session, slug: str) -> Category | None:
    return session.scalar(select(Category).where(Category.slug == slug))


def to_item(
    article: Article,
    *,
    unit: Unit,
    category: Category | None,
    agency: Agency | None,
    base_url: str,
    cover_image: ItemImage | None = None,
    media: tuple[ItemMedia, ...] = (),
    portal_template: str = "",
    scope_names: tuple[str, ...] = (),
) -> Item:
    a = article.audience
    return Item(
        uid=article.uid,
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        body_html=article.body_html,
        url=canonical_url(base_url, article.slug, portal_template),
        cover_url=article.cover_url,
        cover_caption=article.cover_caption,
        source=article.source,
        author=article.author_name,
        agency=agency.name if agency else "",
        category=category.name if category else "",
        unit_code=unit.code,
        unit_name=unit.name,
        revision=article.revision,
        published_at=article.published_at,
        updated_at=article.updated_at,
        audience=AudienceView(
            age_min=a.age_min,
            age_max=a.age_max,
            genders=tuple(a.genders or ()),
            scope_level=a.scope_level,
            scope_units=tuple(a.scope_units or ()),
            visible_from=a.visible_from,
            visible_until=a.visible_until,
            interactions_allowed=a.interactions_allowed,
            scope_names=scope_names,
        )
        if a
        else AudienceView(),
        cover_image=cover_image,
        media=media,
        topic=article.topic or "other",
        justification=article.justification or "",
    )


def item_for(
    session: Session, article: Article, base_url: str, source: MediaSource | None = None
) -> Item:
    """The article as a channel sees it; with ``source`` its media's bytes can be streamed."""
    unit = session.get(Unit, article.unit_id)
    assert unit is not None
    category = session.get(Category, article.category_id) if article.category_id else None
    agency = session.get(Agency, article.agency_id) if article.agency_id else None
    cover = cover_images(session, [article.id], base_url).get(article.id)
    return to_item(
        article,
        unit=unit,
        category=category,
        agency=agency,
        base_url=base_url,
        cover_image=cover,
        media=item_media(session, [article.id], source).get(article.id, ()),
        portal_template=portal_templates(session, [unit.id]).get(unit.id, ""),
        scope_names=_scope_names(session, article),
    )


def _scope_names(session: Session, article: Article) -> tuple[str, ...]:
    """The names of the units the item's audience is scoped to, in order ("" if unknown)."""
    codes = tuple(article.audience.scope_units or ()) if article.audience else ()
    found = units_by_code(session, codes) if codes else {}
    return tuple(found[c].name if c in found else "" for c in codes)


def published_items(
    session: Session,
    *,
    base_url: str,
    unit_code: str | None,
    include_descendants: bool = True,
    limit: int = 50,
    now: dt.datetime | None = None,
    category: str | None = None,
    kinds: Sequence[str] = (),
) -> list[Item]:
    """Published items for feeds and the sitemap; LookupError for an unknown unit."""
    page = list_published(
        session,
        unit_code=unit_code,
        include_descendants=include_descendants,
        category=category,
        kinds=kinds,
        first=limit,
        now=now,
        with_total=False,
    )
    unit_ids = {a.unit_id for a in page.articles}
    cat_ids = {a.category_id for a in page.articles if a.category_id}
    agency_ids = {a.agency_id for a in page.articles if a.agency_id}
    units = units_by_id(session, unit_ids)
    cats = {c.id: c for c in session.scalars(select(Category).where(Category.id.in_(cat_ids)))}
    agencies = {g.id: g for g in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))}
    covers = cover_images(session, [a.id for a in page.articles], base_url)
    media = item_media(session, [a.id for a in page.articles])
    portals = portal_templates(session, unit_ids)
    return [
        to_item(
            a,
            unit=units[a.unit_id],
            category=cats.get(a.category_id) if a.category_id else None,
            agency=agencies.get(a.agency_id) if a.agency_id else None,
            base_url=base_url,
            cover_image=covers.get(a.id),
            media=media.get(a.id, ()),
            portal_template=portals.get(a.unit_id, ""),
        )
        for a in page.articles
    ]
