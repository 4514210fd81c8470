"""Legal documents (S1.2, S3.5 "Văn bản pháp quy", C2): metadata, the PDF, status, relations.

A document's status is computed, never stored, so it changes by itself with the calendar:
``replaced`` once a published document that replaces it is in force, ``expired`` from its
expiry date, ``not_yet_in_force`` before its effective date, else ``in_force``. Dates are
days in Asia/Ho_Chi_Minh. Search folds diacritics like article search (C5): the number,
abstract, issuing body, signer, field and the PDF's extracted text.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select
from sqlalchemy.orm import Session, aliased

from core.db import utcnow
from core.govcontent.editing import Kind
from core.govcontent.fields import Form
from core.govcontent.models import LegalDocument, LegalRelation, Publication
from core.media.models import MediaAsset, MediaKind
from core.text import fold
from core.units.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")

#: Hình thức văn bản: key → Vietnamese name.
DOC_TYPES = {
    "luat": "Luật",
    "nghi_dinh": "Nghị định",
    "nghi_quyet": "Nghị quyết",
    "quyet_dinh": "Quyết định",
    "chi_thi": "Chỉ thị",
    "thong_tu": "Thông tư",
    "ke_hoach": "Kế hoạch",
    "cong_van": "Công văn",
    "thong_bao": "Thông báo",
    "bao_cao": "Báo cáo",
    "huong_dan": "Hướng dẫn",
    "khac": "Khác",
}
#: How a document acts on earlier ones.
RELATIONS = ("replaces", "amends")
MAX_RELATED = 50


class LegalStatus(enum.StrEnum):
    NOT_YET_IN_FORCE = "not_yet_in_force"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    REPLACED = "replaced"


def today(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).astimezone(VN).date()


def _related(session: Session, form: Form, unit: Unit, row: Any) -> None:
    """``replaces`` and ``amends``: ids of documents of the same unit (never itself)."""
    pairs: list[tuple[int, str]] = []
    for relation in RELATIONS:
        if relation not in form.data or form.data[relation] is None:
            continue
        uids = [str(u) for u in form.data[relation]][: MAX_RELATED + 1]
        if len(uids) > MAX_RELATED:
            form.errors[relation] = f"at most {MAX_RELATED} documents"
            continue
        found = {
            uid: ident
            for uid, ident in session.execute(
                select(LegalDocument.uid, LegalDocument.id).where(
                    LegalDocument.uid.in_(uids), LegalDocument.unit_id == unit.id
                )
            )
        }
        missing = [u for u in uids if u not in found]
        if missing or (row is not None and row.id in found.values()):
            form.errors[relation] = f"no other document of this unit with id {(missing or uids)[0]}"
            continue
        pairs.extend((found[u], relation) for u in uids)
    if any(r in form.data and form.data[r] is not None for r in RELATIONS):
        form.out["relations"] = pairs


def read(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.text("number", required=True)
    form.choice("doc_type", DOC_TYPES)
    form.text("issuing_body", required=True)
    form.text("signer")
    form.date("issued_on", required=True)
    form.date("effective_on")
    form.date("expires_on")
    form.text("abstract", required=True)
    form.text("field")
    form.order("issued_on", "effective_on", row, strict=False)
    form.order("effective_on", "expires_on", row)
    form.asset(session, "file", "file_id", unit, MediaKind.DOCUMENT)
    _related(session, form, unit, row)
    form.out["issuing_level"] = unit.level


def after(session: Session, row: LegalDocument, values: Mapping[str, Any]) -> None:
    if "relations" in values:
        session.execute(delete(LegalRelation).where(LegalRelation.document_id == row.id))
        session.add_all(
            LegalRelation(document_id=row.id, target_id=t, relation=r)
            for t, r in values["relations"]
        )
    text = ""
    if row.file_id is not None:
        text = session.scalar(select(MediaAsset.text).where(MediaAsset.id == row.file_id)) or ""
    parts = (
        row.number,
        row.abstract,
        row.issuing_body,
        row.signer,
        row.field,
        DOC_TYPES[row.doc_type],
    )
    row.search_text = fold(" ".join(parts)) + " " + text


def texts(row: LegalDocument) -> dict[str, str]:
    return {"abstract": row.abstract, "number": row.number, "signer": row.signer}


KIND = Kind(name="legal_document", model=LegalDocument, read=read, texts=texts, after=after)


def replaced_clause(day: dt.date) -> ColumnElement[bool]:
    """The document is replaced by a published one already in force on ``day``."""
    newer = aliased(LegalDocument)
    return exists().where(
        LegalRelation.target_id == LegalDocument.id,
        LegalRelation.relation == "replaces",
        newer.id == LegalRelation.document_id,
        newer.state == Publication.PUBLISHED,
        or_(newer.effective_on.is_(None), newer.effective_on <= day),
    )


def status_clause(status: LegalStatus, day: dt.date) -> ColumnElement[bool]:
    replaced = replaced_clause(day)
    expired = and_(LegalDocument.expires_on.is_not(None), LegalDocument.expires_on <= day)
    pending = and_(LegalDocument.effective_on.is_not(None), LegalDocument.effective_on > day)
    if status is LegalStatus.REPLACED:
        return replaced
    if status is LegalStatus.EXPIRED:
        return and_(~replaced, expired)
    if status is LegalStatus.NOT_YET_IN_FORCE:
        return and_(~replaced, ~expired, pending)
    return and_(~replaced, ~expired, ~pending)


def statuses(session: Session, docs: list[LegalDocument], day: dt.date) -> dict[int, LegalStatus]:
    """The status of each document on ``day`` (one query for the replaced ones)."""
    ids = [d.id for d in docs]
    replaced = (
        set(
            session.scalars(
                select(LegalDocument.id).where(LegalDocument.id.in_(ids), replaced_clause(day))
            )
        )
        if ids
        else set()
    )
    out: dict[int, LegalStatus] = {}
    for d in docs:
        if d.id in replaced:
            out[d.id] = LegalStatus.REPLACED
        elif d.expires_on is not None and d.expires_on <= day:
            out[d.id] = LegalStatus.EXPIRED
        elif d.effective_on is not None and d.effective_on > day:
            out[d.id] = LegalStatus.NOT_YET_IN_FORCE
        else:
            out[d.id] = LegalStatus.IN_FORCE
    return out
