"""Government content through the desk's pages (issue 18): an editor of Xã Cẩm Thủy creates
and edits each kind (files uploaded on the spot), the unit's approver publishes and withdraws
it, and the public GraphQL shows it, then stops; another commune's editor is refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from starlette.testclient import TestClient

from core.auth.permissions import SYSTEM
from core.context import Context
from core.govcontent import banners
from tests.admin.test_desk import second  # noqa: F401
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in
from tests.security.test_csp import assert_page_loads_only_loa
from tests.support.media import pdf
from tests.support.media_files import need

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NEXT_MONDAY = dt.datetime.now(VN).date() + dt.timedelta(days=7 - dt.datetime.now(VN).weekday())
TODAY = dt.datetime.now(VN).date().isoformat()
WEEK = "{}-W{:02d}".format(*NEXT_MONDAY.isocalendar()[:2])


def banner_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1000, 250), (30, 110, 60)).save(out, "PNG")
    return out.getvalue()


#: kind → (fields to create, files, fields of the edit, public query, text it then shows).
CASES: dict[str, tuple[dict[str, str], dict[str, Any], dict[str, str], str, str]] = {
    "legal_document": (
        {
            "number": "12/2026/QĐ-UBND",
            "doc_type": "quyet_dinh",
            "issuing_body": "UBND xã Cẩm Thủy",
            "signer": "Lê Văn Tâm",
            "issued_on": "2026-11-02",
            "effective_on": "2026-11-10",
            "abstract": "Về việc ban hành quy chế tiếp công dân",
            "field": "Tiếp công dân",
        },
        {"file": ("quyet-dinh-12.pdf", "pdf", "application/pdf")},
        {"abstract": "Về việc ban hành quy chế tiếp công dân năm 2027"},
        '{ legalDocuments(unit: "14932") { edges { node { abstract file { url } } } } }',
        "quy chế tiếp công dân năm 2027",
    ),
    "banner": (
        {"title": "Chuyển đổi số xã Cẩm Thủy", "placement": "ben-phai", "image_alt": "Logo"},
        {"image": ("banner.png", "png", "image/png")},
        {"title": "Chuyển đổi số toàn dân", "link_url": "https://camthuy.thanhhoa.gov.vn/cds"},
        '{ banners(unit: "14932") { title linkUrl } }',
        "Chuyển đổi số toàn dân",
    ),
    "schedule_slot": (
        {
            "kind": "reception",
            "person": "Chủ tịch UBND xã",
            "place": "Trụ sở UBND xã",
            "content": "Tiếp công dân định kỳ",
            "starts_at": f"{NEXT_MONDAY.isoformat()}T08:00",
            "ends_at": f"{NEXT_MONDAY.isoformat()}T11:00",
        },
        {},
        {"content": "Tiếp công dân định kỳ tháng 12"},
        f'{{ schedule(unit: "14932", week: "{WEEK}") {{ days {{ slots {{ content }} }} }} }}',
        "Tiếp công dân định kỳ tháng 12",
    ),
    "directory_entry": (
        {
            "group": "committee",
            "name": "Nguyễn Thị Hoa",
            "title": "Phó Chủ tịch UBND xã",
            "phone": "0237 3876 123",
            "email": "hoant@thanhhoa.gov.vn",
        },
        {},
        {
            "title": "Chủ tịch UBND xã",
            "title_en": "Chair of the People's Committee",
            "verified_on": TODAY,
        },
        '{ directory(unit: "14932") { name title } }',
        "Chủ tịch UBND xã",
    ),
    "unit_profile": (
        {
            "introduction": "<p>Xã Cẩm Thủy nằm bên sông Mã.</p>",
            "history": "<p>Thành lập 2025.</p>",
        },
        {},
        {"introduction_en": "<p>Cam Thuy lies on the Ma river.</p>"},
        '{ unitProfile(unit: "14932") { introduction introductionEn } }',
        "Cam Thuy lies on the Ma river.",
    ),
    "official_channel": (
        {"platform": "website", "name": "Cổng TTĐT xã", "url": "https://camthuy.thanhhoa.gov.vn/"},
        {},
        {"name": "Cổng thông tin điện tử xã Cẩm Thủy", "verified_on": TODAY},
        '{ officialChannels(unit: "14932") { name url } }',
        "Cổng thông tin điện tử xã Cẩm Thủy",
    ),
    "menu_item": (
        {"menu": "main", "label": "Văn bản", "section": "legal_documents", "position": "3"},
        {},
        {"label": "Văn bản pháp quy của xã"},
        '{ menu(unit: "14932", menu: "main") { label } }',
        "Văn bản pháp quy của xã",
    ),
    "campaign_section": (
        {"title": "Chiến dịch tiêm chủng", "description": "Tiêm chủng mở rộng"},
        {},
        {"title": "Chiến dịch tiêm chủng mùa đông"},
        '{ campaignSections(unit: "14932") { title } }',
        "Chiến dịch tiêm chủng mùa đông",
    ),
}


def files_for(spec: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    out = {}
    for field, (name, kind, mime) in spec.items():
        if kind == "pdf":
            need("pdftoppm")  # the PDF's thumbnail: skipped on a laptop without it, failed in CI
            body = pdf(tmp_path / name, "Quyet dinh so 12 tiep cong dan").read_bytes()
        else:
            body = banner_png()
        out[field] = (name, body, mime)
    return out


def public(web: TestClient, query: str) -> str:
    answer = web.post("/graphql", json={"query": query})
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    return json.dumps(answer.json(), ensure_ascii=False)


def post(web: TestClient, path: str, data: dict[str, str], files: Any = None) -> Any:
    form = web.get("/admin/")  # the session's token, as every desk page carries it
    return web.post(path, data={"csrf_token": csrf_of(form.text), **data}, files=files)


def uid_in(response: Any, kind: str) -> str:
    assert response.status_code == 303, (
        response.status_code,
        re.findall(r"(?:error|alert)[^>]*>[^<]*", response.text),
    )
    location = response.headers["location"]
    match = re.match(rf"/admin/gov/{kind}/([0-9a-f-]{{36}})\?saved=1", location)
    assert match, location
    return match.group(1)


@dataclass
class Browsers:
    """The editor's browser (``web``) and the other account's (``second``) on one Loa."""

    ctx: Context
    web: TestClient
    second: TestClient
    make_account: MakeAccount
    clock: Clock


@pytest.fixture
def browsers(
    ctx: Context,
    web: TestClient,
    second: TestClient,  # noqa: F811
    make_account: MakeAccount,
    clock: Clock,
    tree: Any,
) -> Browsers:
    return Browsers(ctx, web, second, make_account, clock)


@pytest.fixture
def placement(ctx: Context, tree: Any) -> None:
    banners.define_placement(ctx, SYSTEM, "14932", "ben-phai", "Bên phải", 700, 200)


@pytest.mark.parametrize("kind", list(CASES))
def test_an_editor_writes_each_kind_the_approver_publishes_and_withdraws_it(
    kind: str, browsers: Browsers, placement: None, tmp_path: Path
) -> None:
    create, files, change, query, shown = CASES[kind]
    sign_in(browsers.web, browsers.make_account("bien-tap"), browsers.clock)
    assert "/admin/gov" in browsers.web.get("/admin/").text
    made = post(
        browsers.web,
        f"/admin/gov/{kind}/new?unit=14932",
        {"unit": "14932", **create},
        files_for(files, tmp_path),
    )
    uid = uid_in(made, kind)
    edited = post(browsers.web, f"/admin/gov/{kind}/{uid}", {**create, **change})
    assert uid_in(edited, kind) == uid
    listed = browsers.web.get(
        f"/admin/gov/{kind}?unit=14932" + (f"&week={WEEK}" if "schedule" in kind else "")
    )
    assert f'id="row-{uid}"' in listed.text and "Bản nháp" in listed.text
    if kind == "schedule_slot":  # the week view: by day, with the slot's local times
        assert f"Thứ Hai {NEXT_MONDAY:%d/%m/%Y}" in listed.text
        assert "08:00–11:00 (Trụ sở UBND xã)" in re.sub(r"<[^>]+>", "", listed.text)
    assert shown not in public(browsers.web, query), "a draft is not public"
    refused = post(browsers.web, f"/admin/gov/{kind}/{uid}/publish", {})
    assert refused.status_code == 403, "an editor writes drafts; the approver publishes"

    sign_in(browsers.second, browsers.make_account("duyet", role="approver"), browsers.clock)
    assert post(browsers.second, f"/admin/gov/{kind}/{uid}/publish", {}).status_code == 303
    assert shown in public(browsers.web, query)
    again = post(browsers.second, f"/admin/gov/{kind}/{uid}/publish", {})
    assert again.status_code == 409 and "already published" in again.text
    gone = post(browsers.second, f"/admin/gov/{kind}/{uid}/withdraw", {"reason": "Hết hiệu lực"})
    assert gone.status_code == 303
    assert shown not in public(browsers.web, query)
    assert "Đã gỡ" in browsers.web.get(f"/admin/gov/{kind}/{uid}").text


def test_a_legal_documents_pdf_is_served_once_published(browsers: Browsers, tmp_path: Path) -> None:
    create, files, _, query, _ = CASES["legal_document"]
    sign_in(browsers.web, browsers.make_account("bien-tap"), browsers.clock)
    uid = uid_in(
        post(
            browsers.web,
            "/admin/gov/legal_document/new",
            {"unit": "14932", **create},
            files_for(files, tmp_path),
        ),
        "legal_document",
    )
    assert "quyet-dinh-12.pdf" in browsers.web.get(f"/admin/gov/legal_document/{uid}").text
    sign_in(browsers.second, browsers.make_account("duyet", role="approver"), browsers.clock)
    post(browsers.second, f"/admin/gov/legal_document/{uid}/publish", {})
    url = re.search(r'"url": "([^"]+)"', public(browsers.web, query))
    assert url, "the published document names its PDF"
    served = browsers.web.get(url.group(1).replace("http://testserver", ""))
    assert served.status_code == 200 and served.content.startswith(b"%PDF")


def test_a_document_replaced_through_the_form_shows_as_replaced(browsers: Browsers) -> None:
    """The form links a new document to the one it replaces; once the new one is published
    and in force, the list shows the old one replaced (status is computed, never typed)."""
    old = {**CASES["legal_document"][0], "unit": "14932"}
    sign_in(browsers.web, browsers.make_account("bien-tap"), browsers.clock)
    first = uid_in(post(browsers.web, "/admin/gov/legal_document/new", old), "legal_document")
    form = browsers.web.get("/admin/gov/legal_document/new?unit=14932").text
    assert f'<option value="{first}"' in form, "the documents it may replace are offered"
    newer = {**old, "number": "20/2026/QĐ-UBND", "issued_on": "2026-11-20", "replaces": first}
    newer["effective_on"] = "2026-11-21"
    newest = uid_in(post(browsers.web, "/admin/gov/legal_document/new", newer), "legal_document")
    assert (
        f'<option value="{first}" selected'
        in browsers.web.get(f"/admin/gov/legal_document/{newest}").text
    )
    sign_in(browsers.second, browsers.make_account("duyet", role="approver"), browsers.clock)
    for uid in (first, newest):
        post(browsers.second, f"/admin/gov/legal_document/{uid}/publish", {})
    listed = browsers.web.get("/admin/gov/legal_document?unit=14932").text
    row = re.search(rf'id="row-{first}">(.*?)</li>', listed, re.S)
    assert row and "Đã bị thay thế" in row.group(1)
    row = re.search(rf'id="row-{newest}">(.*?)</li>', listed, re.S)
    assert row and "Còn hiệu lực" in row.group(1)


def test_errors_come_back_in_vietnamese_next_to_their_fields(
    web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    answer = post(
        web,
        "/admin/gov/schedule_slot/new",
        {
            "unit": "14932",
            "kind": "work",
            "person": "",
            "content": "Họp giao ban",
            "starts_at": "2026-12-07T14:00",
            "ends_at": "2026-12-07T08:00",
        },
    )
    assert answer.status_code == 400
    assert re.search(r'id="err-person">Trường này bắt buộc\.', answer.text)
    assert re.search(r'id="err-ends_at">Thời điểm kết thúc phải sau', answer.text)
    assert 'value="Họp giao ban"' not in answer.text  # a textarea keeps it as its content
    assert ">Họp giao ban</textarea>" in answer.text
    bad = post(
        web,
        "/admin/gov/directory_entry/new",
        {"unit": "14932", "group": "party", "name": "A", "title": "B", "email": "khong-phai"},
    )
    assert bad.status_code == 400 and 'id="err-email">Địa chỉ thư điện tử' in bad.text


def test_another_communes_editor_is_refused_and_audited(
    browsers: Browsers,
) -> None:
    sign_in(browsers.web, browsers.make_account("bien-tap"), browsers.clock)
    create = CASES["directory_entry"][0]
    uid = uid_in(
        post(browsers.web, "/admin/gov/directory_entry/new", {"unit": "14932", **create}),
        "directory_entry",
    )
    sign_in(browsers.second, browsers.make_account("ha-noi", unit="00004"), browsers.clock)
    assert browsers.second.get(f"/admin/gov/directory_entry/{uid}").status_code == 403
    assert browsers.second.get("/admin/gov/directory_entry?unit=14932").status_code == 403
    changed = post(browsers.second, f"/admin/gov/directory_entry/{uid}", {"name": "Kẻ lạ"})
    assert changed.status_code == 403
    made = post(browsers.second, "/admin/gov/directory_entry/new", {"unit": "14932", **create})
    assert made.status_code == 403
    assert len(audit_rows(browsers.ctx, "auth.forbidden")) >= 4, "each refusal is in the audit log"
    assert "Kẻ lạ" not in browsers.web.get(f"/admin/gov/directory_entry/{uid}").text


def test_an_approver_sees_the_units_lists_and_unknown_names_are_404(
    web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("duyet", role="approver"), clock)
    listed = web.get("/admin/gov/banner")  # no unit asked: the approver's own
    assert listed.status_code == 200 and 'đơn vị <span class="en">unit</span> 14932' in listed.text
    assert web.get("/admin/gov/banner?unit=99999").status_code == 404
    assert web.get("/admin/gov/unit_profile/new?unit=99999").status_code == 404
    assert web.get("/admin/gov/khong-co?unit=14932").status_code == 404
    assert web.get("/admin/gov/khong-co/new").status_code == 404


def test_a_post_without_its_csrf_token_changes_nothing(
    web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    answer = web.post(
        "/admin/gov/directory_entry/new",
        data={"unit": "14932", "group": "party", "name": "Giả mạo", "title": "X"},
    )
    assert answer.status_code == 403
    assert "Giả mạo" not in web.get("/admin/gov/directory_entry?unit=14932").text


def test_every_government_page_stays_under_200_kb(
    web: TestClient, make_account: MakeAccount, clock: Clock, placement: None
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    paths = ["/admin/gov"] + [f"/admin/gov/{k}?unit=14932" for k in CASES]
    paths += [f"/admin/gov/{k}/new?unit=14932" for k in CASES]
    for path in paths:
        response = web.get(path)
        assert response.status_code == 200, path
        page = assert_page_loads_only_loa(web, response)
        total = len(response.content) + sum(
            len(web.get(u).content) for u in page.scripts + page.stylesheets
        )
        assert total < 200_000, (path, total)
