"""Legal documents: saved by an editor, published by the board, read by anyone with their PDF
inline, searched without diacritics, and their status following the calendar and replacements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.govcontent import editing, legal
from core.govcontent.profile import PROFILE, save_profile

SAVE = """
mutation($unit: String, $id: ID, $input: LegalDocumentInput!) {
  saveLegalDocument(unit: $unit, id: $id, input: $input) {
    __typename
    ... on LegalDocumentResult { document { id number status state file { url } } }
    ... on ValidationError { fields { field message } }
    ... on ForbiddenError { message }
  }
}"""
PUBLISH = """
mutation($id: ID!) {
  publishGovContent(kind: LEGAL_DOCUMENT, id: $id) {
    __typename ... on GovContentState { state } ... on ForbiddenError { message }
  }
}"""
LIST = """
query($unit: String!, $query: String, $status: LegalStatus, $superior: Boolean = false,
      $type: String, $first: Int = 20, $after: String) {
  legalDocuments(unit: $unit, query: $query, status: $status, includeSuperior: $superior,
                 type: $type, first: $first, after: $after) {
    edges { cursor node { id number type typeName abstract status issuingLevel unit { code }
      file { url pages } replaces { number } replacedBy { number } } }
    pageInfo { hasNextPage endCursor }
    superiorSections { unit { code } url }
  }
}"""


def _doc(**more: Any) -> dict[str, Any]:
    return {
        "number": "12/2026/QĐ-UBND",
        "docType": "quyet_dinh",
        "issuingBody": "UBND xã Cẩm Thủy",
        "signer": "Nguyễn Văn An",
        "issuedOn": "2026-01-10",
        "effectiveOn": "2026-01-20",
        "abstract": "Về việc ban hành Quy chế quản lý Cổng thông tin điện tử xã",
        "field": "Chuyển đổi số",
        **more,
    }


def _save(ctx: Any, unit: str = "14932", publish: bool = True, **more: Any) -> Any:
    """A document saved and (unless ``publish`` is false) published through the actions."""
    data = {
        "number": "12/2026/QĐ-UBND",
        "doc_type": "quyet_dinh",
        "issuing_body": "UBND xã Cẩm Thủy",
        "signer": "Nguyễn Văn An",
        "issued_on": "2026-01-10",
        "effective_on": "2026-01-20",
        "abstract": "Về việc ban hành Quy chế quản lý Cổng thông tin điện tử xã",
        **more,
    }
    row = editing.save(ctx, SYSTEM, legal.KIND, data, unit_code=unit)
    return editing.publish(ctx, SYSTEM, legal.KIND, row.uid) if publish else row


def test_an_editor_saves_a_draft_the_public_sees_only_once_published(
    ctx, gql, editor_token, admin_token, upload, web
):
    pdf = upload("pdf", text="Quy che quan ly cong thong tin")
    saved = gql(SAVE, editor_token, unit="14932", input=_doc(file=pdf.uid))
    result = saved["data"]["saveLegalDocument"]
    assert result["__typename"] == "LegalDocumentResult", result
    doc = result["document"]
    assert doc["state"] == "DRAFT" and doc["status"] == "IN_FORCE"
    assert "sig=" in doc["file"]["url"]  # a draft's PDF: signed URL only
    assert gql(LIST, unit="14932")["data"]["legalDocuments"]["edges"] == []
    drafts = gql(LIST, editor_token, unit="14932")["data"]["legalDocuments"]["edges"]
    assert [e["node"]["id"] for e in drafts] == [doc["id"]]  # its editors see the draft
    elsewhere = gql(LIST, editor_token, unit="00004")["data"]["legalDocuments"]["edges"]
    assert elsewhere == []
    refused = gql(PUBLISH, editor_token, id=doc["id"])["data"]["publishGovContent"]
    assert refused["__typename"] == "ForbiddenError"  # publishing is the board's (S4.1)
    done = gql(PUBLISH, admin_token, id=doc["id"])["data"]["publishGovContent"]
    assert done == {"__typename": "GovContentState", "state": "PUBLISHED"}
    edges = gql(LIST, unit="14932")["data"]["legalDocuments"]["edges"]
    node = edges[0]["node"]
    assert node["number"] == "12/2026/QĐ-UBND" and node["typeName"] == "Quyết định"
    assert node["issuingLevel"] == "commune" and node["file"]["pages"] == 1
    served = web.get(node["file"]["url"].removeprefix("http://loa.test"))
    assert served.status_code == 200
    assert served.headers["content-disposition"].startswith("inline")  # read in the browser
    assert served.headers["content-type"] == "application/pdf"
    with ctx.sessions() as session:
        actions = set(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert {"legal_document.create", "legal_document.publish"} <= actions


def test_search_ignores_diacritics_and_reads_the_pdf_text(ctx, gql, upload):
    pdf = upload("pdf", text="Phong chong thien tai mua mua bao")
    _save(ctx, file=pdf.uid, abstract="Kế hoạch phòng, chống thiên tai năm 2026")
    _save(ctx, number="13/2026/TB-UBND", doc_type="thong_bao", abstract="Thông báo lịch nghỉ Tết")
    by_abstract = gql(LIST, unit="14932", query="phong chong thien tai")
    assert [e["node"]["number"] for e in by_abstract["data"]["legalDocuments"]["edges"]] == [
        "12/2026/QĐ-UBND"
    ]
    by_pdf = gql(LIST, unit="14932", query="mùa mưa bão")  # only in the PDF's text
    assert len(by_pdf["data"]["legalDocuments"]["edges"]) == 1
    by_type = gql(LIST, unit="14932", type="thong_bao")["data"]["legalDocuments"]["edges"]
    assert [e["node"]["number"] for e in by_type] == ["13/2026/TB-UBND"]


def test_status_follows_expiry_and_replacement(ctx, gql):
    old = _save(ctx, number="1/2025/QĐ-UBND", issued_on="2025-01-01", effective_on="2025-01-01")
    ended = _save(
        ctx,
        number="2/2025/QĐ-UBND",
        issued_on="2025-01-01",
        effective_on="2025-01-01",
        expires_on="2025-12-31",
    )
    future = dt.date.today() + dt.timedelta(days=30)
    _save(ctx, number="9/2026/QĐ-UBND", issued_on="2026-01-10", effective_on=future.isoformat())
    newer = _save(ctx, number="5/2026/QĐ-UBND", replaces=[old.uid], publish=False)
    status = {
        e["node"]["number"]: e["node"]["status"]
        for e in gql(LIST, unit="14932")["data"]["legalDocuments"]["edges"]
    }
    assert status["1/2025/QĐ-UBND"] == "IN_FORCE"  # its replacement is not published yet
    assert status["2/2025/QĐ-UBND"] == "EXPIRED"
    assert status["9/2026/QĐ-UBND"] == "NOT_YET_IN_FORCE"
    editing.publish(ctx, SYSTEM, legal.KIND, newer.uid)
    nodes = {
        e["node"]["number"]: e["node"]
        for e in gql(LIST, unit="14932")["data"]["legalDocuments"]["edges"]
    }
    assert nodes["1/2025/QĐ-UBND"]["status"] == "REPLACED"
    assert nodes["1/2025/QĐ-UBND"]["replacedBy"] == [{"number": "5/2026/QĐ-UBND"}]
    assert nodes["5/2026/QĐ-UBND"]["replaces"] == [{"number": "1/2025/QĐ-UBND"}]
    replaced = gql(LIST, unit="14932", status="REPLACED")["data"]["legalDocuments"]["edges"]
    assert [e["node"]["number"] for e in replaced] == ["1/2025/QĐ-UBND"]
    assert ended.uid


def test_a_commune_lists_province_documents_and_links_to_the_province_section(ctx, gql):
    _save(ctx, unit="38", number="30/2026/NQ-HĐND", doc_type="nghi_quyet")
    _save(ctx, unit="14932")
    profile = save_profile(
        ctx, SYSTEM, "38", {"legal_documents_url": "https://thanhhoa.gov.vn/van-ban"}
    )
    editing.publish(ctx, SYSTEM, PROFILE, profile.uid)
    own = gql(LIST, unit="14932")["data"]["legalDocuments"]
    assert [e["node"]["number"] for e in own["edges"]] == ["12/2026/QĐ-UBND"]
    assert own["superiorSections"] == [
        {"unit": {"code": "38"}, "url": "https://thanhhoa.gov.vn/van-ban"}
    ]
    both = gql(LIST, unit="14932", superior=True)["data"]["legalDocuments"]["edges"]
    levels = {e["node"]["number"]: e["node"]["issuingLevel"] for e in both}
    assert levels == {"12/2026/QĐ-UBND": "commune", "30/2026/NQ-HĐND": "province"}


def test_one_document_by_id_is_public_once_published(ctx, gql, editor_token):
    one = "query($id: ID!) { legalDocument(id: $id) { number state } }"
    draft = _save(ctx, publish=False)
    assert gql(one, id=draft.uid)["data"]["legalDocument"] is None
    assert gql(one, editor_token, id=draft.uid)["data"]["legalDocument"]["state"] == "DRAFT"
    editing.publish(ctx, SYSTEM, legal.KIND, draft.uid)
    assert gql(one, id=draft.uid)["data"]["legalDocument"] == {
        "number": "12/2026/QĐ-UBND",
        "state": "PUBLISHED",
    }
    assert gql(one, id="no-such-id")["data"]["legalDocument"] is None


def test_pages_follow_cursors(ctx, gql):
    for n in range(5):
        _save(ctx, number=f"{n}/2026/CV-UBND", issued_on=f"2026-02-0{n + 1}", effective_on=None)
    seen: list[str] = []
    after = None
    while True:
        page = gql(LIST, unit="14932", first=2, after=after)["data"]["legalDocuments"]
        seen += [e["node"]["number"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"{n}/2026/CV-UBND" for n in range(4, -1, -1)]
    bad = gql(LIST, unit="14932", after="nonsense")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_bad_input_names_every_field(ctx, gql, editor_token, upload):
    image = upload("png")
    result = gql(
        SAVE,
        editor_token,
        unit="14932",
        input=_doc(
            number="",
            docType="sac_lenh",
            issuedOn="2026-02-01",
            effectiveOn="2026-01-01",
            file=image.uid,
        ),
    )["data"]["saveLegalDocument"]
    assert result["__typename"] == "ValidationError"
    fields = {f["field"] for f in result["fields"]}
    assert {"number", "docType", "effectiveOn", "file"} <= fields
    unknown = gql(SAVE, editor_token, unit="99999", input=_doc())["data"]["saveLegalDocument"]
    assert unknown["__typename"] == "ValidationError"
    with ctx.sessions() as session:
        assert (
            session.scalars(select(legal.LegalDocument).order_by(legal.LegalDocument.id)).all()
            == []
        )
