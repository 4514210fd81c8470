"""Finding legal documents for a portal: faceted (type, field, issuing level, status, dates),
searched without diacritics, newest issue date first, a page at a time by opaque cursor.

A commune portal lists its own documents and, with ``include_superior``, those of the units
above it; :func:`superior_sections` gives the links to those units' own document sections
(S4.2, and S3.5's "documents of the province: links").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.errors import ValidationFailed
from core.govcontent.legal import LegalStatus, status_clause, today
from core.govcontent.models import LegalDocument, Publication, UnitProfile
from core.govcontent.visibility import visible_to
from core.text import fold
from core.units.models import Unit

MAX_PAGE = 100


@dataclass(frozen=True)
class DocumentQuery:
    doc_type: str | None = None
    field: str | None = None
    issuing_level: str | None = None
    status: LegalStatus | None = None
    query: str | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    include_superior: bool = False


def ancestor_ids(unit: Unit) -> list[int]:
    """Ids of the units above ``unit``, nearest last (from its materialised path)."""
    return [int(p) for p in unit.path.strip("/").split("/") if p and int(p) != unit.id]


def encode(doc: LegalDocument) -> str:
    return base64.urlsafe_b64encode(f"{doc.issued_on.isoformat()}|{doc.id}".encode()).decode()


def decode(cursor: str) -> tuple[dt.date, int]:
    try:
        day, ident = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return dt.date.fromisoformat(day), int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed({"after": "not a cursor this list gave"}) from None


def _filtered(unit: Unit, actor: Actor | None, q: DocumentQuery, now: dt.datetime) -> Select:
    units = [unit.id, *(ancestor_ids(unit) if q.include_superior else [])]
    stmt = select(LegalDocument).where(
        LegalDocument.unit_id.in_(units), visible_to(actor, LegalDocument, unit.path, now)
    )
    if actor is not None and q.include_superior:  # drafts of units above are not this editor's
        stmt = stmt.where(
            or_(LegalDocument.unit_id == unit.id, LegalDocument.state == Publication.PUBLISHED)
        )
    for column, value in (
        (LegalDocument.doc_type, q.doc_type),
        (LegalDocument.field, q.field),
        (LegalDocument.issuing_level, q.issuing_level),
    ):
        if value:
            stmt = stmt.where(column == value)
    if q.status is not None:
        stmt = stmt.where(status_clause(q.status, today(now)))
    if q.issued_from is not None:
        stmt = stmt.where(LegalDocument.issued_on >= q.issued_from)
    if q.issued_to is not None:
        stmt = stmt.where(LegalDocument.issued_on <= q.issued_to)
    for word in fold(q.query or "").split()[:10]:
        stmt = stmt.where(LegalDocument.search_text.contains(word, autoescape=True))
    return stmt


def documents(
    session: Session,
    unit: Unit,
    actor: Actor | None,
    q: DocumentQuery,
    *,
    first: int,
    after: str | None,
    now: dt.datetime,
) -> tuple[list[LegalDocument], bool]:
    """A page of documents (newest issue date first) and whether more follow."""
    stmt = _filtered(unit, actor, q, now)
    if after:
        day, ident = decode(after)
        stmt = stmt.where(
            or_(
                LegalDocument.issued_on < day,
                (LegalDocument.issued_on == day) & (LegalDocument.id < ident),
            )
        )
    size = max(0, min(first, MAX_PAGE))
    rows = list(
        session.scalars(
            stmt.order_by(LegalDocument.issued_on.desc(), LegalDocument.id.desc()).limit(size + 1)
        )
    )
    return rows[:size], len(rows) > size


def superior_sections(session: Session, unit: Unit) -> list[tuple[Unit, str]]:
    """Units above ``unit`` (nearest first) whose published profile names a documents section."""
    ids = ancestor_ids(unit)
    if not ids:
        return []
    rows = session.execute(
        select(Unit, UnitProfile.legal_documents_url)
        .join(UnitProfile, UnitProfile.unit_id == Unit.id)
        .where(
            Unit.id.in_(ids),
            UnitProfile.state == Publication.PUBLISHED,
            UnitProfile.legal_documents_url != "",
        )
    ).all()
    order = {i: n for n, i in enumerate(reversed(ids))}
    return sorted(((u, url) for u, url in rows), key=lambda pair: order[pair[0].id])


def total(
    session: Session, unit: Unit, actor: Actor | None, q: DocumentQuery, now: dt.datetime
) -> int:
    """How many documents the filters match, across all pages."""
    sub = _filtered(unit, actor, q, now).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


@dataclass(frozen=True)
class Facets:
    """Counts of the matching documents by type, field and year of issue: a search page's
    filter lists ("Quyết định (12)"), each value what the matching filter argument takes."""

    types: list[tuple[str, int]]
    fields: list[tuple[str, int]]
    years: list[tuple[int, int]]


def facets(
    session: Session, unit: Unit, actor: Actor | None, q: DocumentQuery, now: dt.datetime
) -> Facets:
    sub = _filtered(unit, actor, q, now).subquery()
    n = func.count().label("n")

    def by(column: Any) -> list[Any]:
        rows = session.execute(
            select(column, n).select_from(sub).group_by(column).order_by(n.desc(), column)
        )
        return [(value, int(count)) for value, count in rows if value not in (None, "")]

    year = extract("year", sub.c.issued_on)
    years = sorted(((int(y), c) for y, c in by(year)), reverse=True)  # newest first
    return Facets(by(sub.c.doc_type), by(sub.c.field), years)
