"""Legal documents in GraphQL: ``legalDocuments`` (faceted, searchable, paged), ``legalDocument``
and ``saveLegalDocument``. A document's ``file`` is its PDF, served inline for the browser's
own viewer (S4.3); ``status`` is computed for today in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated

import strawberry
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.govcontent import legal
from core.govcontent.legal import DOC_TYPES, LegalStatus
from core.govcontent.legal_reads import (
    DocumentQuery,
    documents,
    encode,
    facets,
    superior_sections,
    total,
)
from core.govcontent.models import LegalDocument as Row
from core.govcontent.models import LegalRelation, Publication
from core.govcontent.visibility import visible_to
from core.graphql.gov.common import (
    STATE_HELP,
    UNIT_HELP,
    Failures,
    Info,
    View,
    describe_values,
    read_unit,
    save_resolver,
)
from core.graphql.gov.common import view as view_of
from core.graphql.types.connection import PageInfo
from core.graphql.types.media import Document, document_of, page
from core.graphql.types.unit import Unit
from core.media.models import MediaAsset
from core.units.lookups import units_by_id
from core.units.models import Unit as UnitRow

strawberry.enum(LegalStatus, name="LegalStatus", description="In force, expired, replaced…")
describe_values(
    LegalStatus,
    {
        "NOT_YET_IN_FORCE": "Chưa có hiệu lực: its effective date (ngày có hiệu lực) is later.",
        "IN_FORCE": "Còn hiệu lực: in effect today, not expired and not replaced.",
        "EXPIRED": "Hết hiệu lực: its expiry date (expiresOn) has come.",
        "REPLACED": "Bị thay thế: a published document already in force replaces it.",
    },
)
RELATED_FIRST = strawberry.argument(description="At most this many (up to 100).")
TYPE_HELP = "Hình thức: " + ", ".join(f"{k} ({v})" for k, v in DOC_TYPES.items())


@strawberry.type(description="Another document this one names (replaces, amends, replaced by).")
class LegalDocumentRef:
    id: strawberry.ID = strawberry.field(
        description="The document's id: `legalDocument(id:)` gives all of it."
    )
    number: str = strawberry.field(description="Số ký hiệu, e.g. 12/2026/QĐ-UBND.")
    abstract: str = strawberry.field(description="Trích yếu: what the document is about.")


@strawberry.type(description="A legal or administrative document (văn bản) with its metadata.")
class LegalDocument:
    id: strawberry.ID = strawberry.field(
        description="Stable public identifier (a UUID): `legalDocument(id:)` finds it."
    )
    number: str = strawberry.field(description="Số ký hiệu, e.g. 12/2026/QĐ-UBND.")
    type: str = strawberry.field(description=TYPE_HELP)
    type_name: str = strawberry.field(description="The type's Vietnamese name.")
    issuing_body: str = strawberry.field(description="Cơ quan ban hành.")
    signer: str = strawberry.field(description="Người ký.")
    issued_on: dt.date = strawberry.field(description="Ngày ban hành.")
    effective_on: dt.date | None = strawberry.field(description="Ngày có hiệu lực.")
    expires_on: dt.date | None = strawberry.field(description="Ngày hết hiệu lực (first day).")
    abstract: str = strawberry.field(description="Trích yếu.")
    field: str = strawberry.field(description="Lĩnh vực.")
    issuing_level: str = strawberry.field(description="Level of the issuing unit: province…")
    unit: Unit = strawberry.field(
        description="The unit whose document it is (a unit above with `includeSuperior`)."
    )
    status: LegalStatus = strawberry.field(description="Computed for today (Asia/Ho_Chi_Minh).")
    state: Publication = strawberry.field(description=STATE_HELP)
    file: Document | None = strawberry.field(description="The PDF, readable in the browser.")
    related: strawberry.Private[dict[str, list[LegalDocumentRef]]]

    @strawberry.field(description="Documents this one replaces.")
    def replaces(self, first: Annotated[int, RELATED_FIRST] = 10) -> list[LegalDocumentRef]:
        return self.related.get("replaces", [])[: page(first)]

    @strawberry.field(description="Documents this one amends.")
    def amends(self, first: Annotated[int, RELATED_FIRST] = 10) -> list[LegalDocumentRef]:
        return self.related.get("amends", [])[: page(first)]

    @strawberry.field(description="Published documents that replace this one.")
    def replaced_by(self, first: Annotated[int, RELATED_FIRST] = 10) -> list[LegalDocumentRef]:
        return self.related.get("replaced_by", [])[: page(first)]

    @strawberry.field(description="Published documents that amend this one.")
    def amended_by(self, first: Annotated[int, RELATED_FIRST] = 10) -> list[LegalDocumentRef]:
        return self.related.get("amended_by", [])[: page(first)]


def _refs(
    session: Session, rows: list[Row], view: View
) -> dict[tuple[int, str], list[LegalDocumentRef]]:
    """(document id, relation) → the documents on the other end the reader may see."""
    ids = [r.id for r in rows]
    out: dict[tuple[int, str], list[LegalDocumentRef]] = defaultdict(list)
    if not ids:
        return out
    links = session.execute(
        select(LegalRelation).where(
            or_(LegalRelation.document_id.in_(ids), LegalRelation.target_id.in_(ids))
        )
    ).scalars()
    pairs = list(links)
    others = {p.document_id for p in pairs} | {p.target_id for p in pairs}
    docs = {
        d.id: d
        for d in session.scalars(select(Row).where(Row.id.in_(others)))
        if d.state == Publication.PUBLISHED or view.actor is not None
    }
    for p in pairs:
        target, source = docs.get(p.target_id), docs.get(p.document_id)
        if p.document_id in ids and target is not None:
            out[(p.document_id, p.relation)].append(_ref(target))
        if p.target_id in ids and source is not None:
            back = "replaced_by" if p.relation == "replaces" else "amended_by"
            out[(p.target_id, back)].append(_ref(source))
    return out


def _ref(row: Row) -> LegalDocumentRef:
    return LegalDocumentRef(id=strawberry.ID(row.uid), number=row.number, abstract=row.abstract)


def shaped(session: Session, rows: list[Row], view: View) -> list[LegalDocument]:
    statuses = legal.statuses(session, rows, legal.today(view.now))
    refs = _refs(session, rows, view)
    files = {
        a.id: a
        for a in session.scalars(
            select(MediaAsset).where(MediaAsset.id.in_([r.file_id for r in rows if r.file_id]))
        )
    }
    units = units_by_id(session, {r.unit_id for r in rows})
    return [
        LegalDocument(
            id=strawberry.ID(r.uid),
            number=r.number,
            type=r.doc_type,
            type_name=DOC_TYPES[r.doc_type],
            issuing_body=r.issuing_body,
            signer=r.signer,
            issued_on=r.issued_on,
            effective_on=r.effective_on,
            expires_on=r.expires_on,
            abstract=r.abstract,
            field=r.field,
            issuing_level=r.issuing_level,
            unit=Unit.of(units[r.unit_id]),
            status=statuses[r.id],
            state=Publication(r.state),
            file=document_of(files[r.file_id], view.urls) if r.file_id in files else None,
            related={
                name: refs[(r.id, name)]
                for name in ("replaces", "amends", "replaced_by", "amended_by")
            },
        )
        for r in rows
    ]


@strawberry.type(description="A legal document in a page of results, with its cursor.")
class LegalDocumentEdge:
    cursor: str = strawberry.field(description="Opaque: pass it as `after` for the next page.")
    node: LegalDocument = strawberry.field(description="The document.")


@strawberry.type(description="A portal section of a unit above: where its documents are.")
class PortalSection:
    unit: Unit = strawberry.field(description="A unit above (the nearest comes first).")
    url: str = strawberry.field(description="Its portal's legal documents section (văn bản).")


@strawberry.type(description="How many matching documents have one value of a filter.")
class FacetCount:
    value: str = strawberry.field(
        description="What the filter argument takes (`type`, `field`, or a year for "
        "`issuedFrom`/`issuedTo`)."
    )
    name: str = strawberry.field(description="Its display name (a type's Vietnamese name).")
    count: int = strawberry.field(description="Matching documents with it.")


@strawberry.type(description="Counts of the matching documents, to build a search page's filters.")
class LegalDocumentFacets:
    types: list[FacetCount] = strawberry.field(description="By type (hình thức), most first.")
    fields: list[FacetCount] = strawberry.field(description="By field (lĩnh vực), most first.")
    years: list[FacetCount] = strawberry.field(description="By year of issue, newest first.")


@strawberry.type(description="A page of a unit's legal documents, newest issue date first.")
class LegalDocumentConnection:
    edges: list[LegalDocumentEdge] = strawberry.field(description="This page's documents.")
    page_info: PageInfo = strawberry.field(
        description="Whether more follow, and the cursor to ask for them with."
    )
    superior_sections: list[PortalSection] = strawberry.field(
        description="Links to the same section of the portals above (S4.2)."
    )
    scope: strawberry.Private[tuple[UnitRow, DocumentQuery, View]]

    @strawberry.field(description="How many documents match the filters, across all pages.")
    def total_count(self, info: Info) -> int:
        unit, q, v = self.scope
        with info.context.read() as session:
            return total(session, unit, v.actor, q, v.now)

    @strawberry.field(
        description="The matching documents counted by type, field and year: what a search "
        'page shows next to each filter ("Quyết định (12)").'
    )
    def facets(self, info: Info) -> LegalDocumentFacets:
        unit, q, v = self.scope
        with info.context.read() as session:
            found = facets(session, unit, v.actor, q, v.now)
        return LegalDocumentFacets(
            types=[FacetCount(value=t, name=DOC_TYPES.get(t, t), count=n) for t, n in found.types],
            fields=[FacetCount(value=f, name=f, count=n) for f, n in found.fields],
            years=[FacetCount(value=str(y), name=str(y), count=n) for y, n in found.years],
        )


def legal_documents(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    first: Annotated[int, strawberry.argument(description="Page size, at most 100.")] = 20,
    after: Annotated[
        str | None, strawberry.argument(description="A cursor of the last page.")
    ] = None,
    type: Annotated[str | None, strawberry.argument(description=TYPE_HELP)] = None,
    field: Annotated[
        str | None, strawberry.argument(description="Lĩnh vực, as in LegalDocument.field.")
    ] = None,
    issuing_level: Annotated[
        str | None, strawberry.argument(description="province, commune…")
    ] = None,
    status: Annotated[
        LegalStatus | None,
        strawberry.argument(description="Only those with this status today (Asia/Ho_Chi_Minh)."),
    ] = None,
    query: Annotated[
        str | None, strawberry.argument(description="Words; accents optional.")
    ] = None,
    issued_from: Annotated[
        dt.date | None, strawberry.argument(description="Issued on or after (ngày ban hành).")
    ] = None,
    issued_to: Annotated[
        dt.date | None, strawberry.argument(description="Issued on or before (ngày ban hành).")
    ] = None,
    include_superior: Annotated[
        bool, strawberry.argument(description="Also the documents of the units above.")
    ] = False,
) -> LegalDocumentConnection:
    v = view_of(info)
    row = read_unit(info, unit)
    q = DocumentQuery(
        type, field, issuing_level, status, query, issued_from, issued_to, include_superior
    )
    with info.context.read() as session:
        rows, more = documents(session, row, v.actor, q, first=first, after=after, now=v.now)
        nodes = shaped(session, rows, v)
        sections = [
            PortalSection(unit=Unit.of(u), url=url) for u, url in superior_sections(session, row)
        ]
    edges = [LegalDocumentEdge(cursor=encode(r), node=n) for r, n in zip(rows, nodes, strict=True)]
    return LegalDocumentConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        superior_sections=sections,
        scope=(row, q, v),
    )


def legal_document(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The document's id.")],
) -> LegalDocument | None:
    v = view_of(info)
    with info.context.read() as session:
        row = session.scalar(select(Row).where(Row.uid == str(id)))
        if row is None:
            return None
        unit = session.get(UnitRow, row.unit_id)
        assert unit is not None
        seen = session.scalar(
            select(Row.id).where(Row.id == row.id, visible_to(v.actor, Row, unit.path, v.now))
        )
        return shaped(session, [row], v)[0] if seen else None


@strawberry.input(description="Fields of a legal document; on an edit, only those given change.")
class LegalDocumentInput:
    number: str | None = strawberry.UNSET
    doc_type: str | None = strawberry.field(default=strawberry.UNSET, description=TYPE_HELP)
    issuing_body: str | None = strawberry.UNSET
    signer: str | None = strawberry.UNSET
    issued_on: dt.date | None = strawberry.UNSET
    effective_on: dt.date | None = strawberry.UNSET
    expires_on: dt.date | None = strawberry.UNSET
    abstract: str | None = strawberry.UNSET
    field: str | None = strawberry.UNSET
    file: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A PDF of the unit's media library (its id)."
    )
    replaces: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Documents of the unit this one replaces."
    )
    amends: list[strawberry.ID] | None = strawberry.UNSET


@strawberry.type
class LegalDocumentResult:
    document: LegalDocument


LegalDocumentPayload = Annotated[
    LegalDocumentResult | Failures, strawberry.union("LegalDocumentPayload")
]


save_legal_document = save_resolver(
    legal.KIND,
    LegalDocumentInput,
    LegalDocumentPayload,
    lambda s, row, v: LegalDocumentResult(document=shaped(s, [row], v)[0]),
    "document",
)
