"""The desk through its pages: an editor composes once (cover uploaded on the spot), sees each
channel's preview and submits; the approver finds it waiting, decides, and both watch it go
out to the portal sandbox; then it comes down. Every answer is the server-rendered page a
phone's browser gets (the browser run is in test_desk_in_chromium.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from starlette.testclient import TestClient

from core.actions import content, targets
from core.auth.permissions import SYSTEM
from core.context import Context
from tests.core.auth.conftest import (
    Account,
    Clock,
    MakeAccount,
    admin_client,
    audit_rows,
    csrf_of,
    sign_in,
)
from tests.security.test_csp import assert_page_loads_only_loa
from tests.support.pipeline import sandbox_get, wait_for


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (30, 110, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def second(ctx: Context) -> Iterator[TestClient]:
    """Another browser: the approver signs in here while the editor keeps theirs."""
    with admin_client(ctx) as client:
        yield client


@dataclass
class Desk:
    """Two browsers (the editor's ``web``, the reviewer's ``second``) on one Loa."""

    ctx: Context
    web: TestClient
    second: TestClient
    make_account: MakeAccount
    clock: Clock
    target: Any


@pytest.fixture
def desk(
    ctx: Context,
    web: TestClient,
    second: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
) -> Desk:
    return Desk(ctx, web, second, make_account, clock, portal_target)


def uid_of(response: Any) -> str:
    match = re.match(r"/admin/items/([0-9a-f-]{36})/edit\?saved=1", response.headers["location"])
    assert match, response.headers.get("location")
    return match.group(1)


def compose(web: TestClient, target_id: int, **fields: Any) -> Any:
    page = web.get("/admin/compose")
    assert page.status_code == 200
    data: dict[str, Any] = {
        "csrf_token": csrf_of(page.text),
        "title": "Lịch tiêm chủng mở rộng tháng 12",
        "summary": "Trạm y tế xã thông báo lịch tiêm.",
        "body_html": '<p>Mời phụ huynh <a href="javascript:alert(1)">đưa trẻ</a> đi tiêm.'
        "<script>alert(1)</script></p>",
        "kind": "notice",
        "unit_code": "14932",
        "target_ids": [str(target_id)],
        "scope_units": ["14932"],
        "cover_alt": "Cán bộ y tế tiêm cho trẻ tại trạm",
        "cover_caption": "Trạm y tế xã Cẩm Thủy",
        **fields,
    }
    return web.post(
        "/admin/compose", data=data, files={"cover": ("tiem-chung.png", png(), "image/png")}
    )


def test_compose_preview_submit_approve_deliver_and_retract(
    desk: Desk, sandbox: Any, worker: Any
) -> None:
    # The portal's board delegated to the commune approver (its gates are tested elsewhere).
    targets.update_target(desk.ctx, SYSTEM, desk.target.id, {"gates": []})
    editor, approver = desk.make_account("bien-tap"), desk.make_account("lanh-dao", role="approver")
    sign_in(desk.web, editor, desk.clock)
    home = desk.web.get("/admin/")
    assert_page_loads_only_loa(desk.web, home)
    assert 'href="/admin/compose"' in home.text

    form = desk.web.get("/admin/compose")
    assert_page_loads_only_loa(desk.web, form)
    assert "Cổng thông tin xã Cẩm Thủy" in form.text  # the unit's channel, offered
    saved = compose(desk.web, desk.target.id)
    assert saved.status_code == 303, saved.text[:2000]
    uid = uid_of(saved)

    edit = desk.web.get(f"/admin/items/{uid}/edit?saved=1")
    assert "Đã lưu bản nháp" in edit.text
    assert "<script>" not in edit.text and "javascript:" not in edit.text  # nh3, as the API
    assert '<input type="checkbox" name="scope_units" value="14932" checked>' in edit.text
    assert "tiem-chung.png" in edit.text and "Trạm y tế xã Cẩm Thủy" in edit.text  # the cover
    mine = desk.web.get("/admin/")
    assert re.search(rf'href="/admin/items/{uid}/edit">Lịch tiêm chủng', mine.text)

    previews = desk.web.get(f"/admin/items/{uid}/previews")
    assert_page_loads_only_loa(desk.web, previews)
    assert 'data-target="portal"' in previews.text and "Lịch tiêm chủng mở rộng" in previews.text
    submitted = desk.web.post(
        f"/admin/items/{uid}/submit", data={"csrf_token": csrf_of(previews.text)}
    )
    assert submitted.status_code == 303 and submitted.headers["location"] == f"/admin/items/{uid}"

    sign_in(desk.second, approver, desk.clock)
    waiting = desk.second.get("/admin/")
    assert re.search(rf'id="waiting">.*href="/admin/items/{uid}/review"', waiting.text, re.S)
    # The approver may read the form (to see what the editor chose) but not save it.
    assert desk.second.get(f"/admin/items/{uid}/edit").status_code == 200
    review = desk.second.get(f"/admin/items/{uid}/review")
    assert_page_loads_only_loa(desk.second, review)
    step = re.search(rf'action="/admin/items/{uid}/steps/(\d+)"', review.text)
    assert step, review.text
    refused = desk.second.post(
        f"/admin/items/{uid}/steps/{step.group(1)}",
        data={"csrf_token": csrf_of(review.text), "decision": "reject", "comment": ""},
    )
    assert refused.status_code == 400 and "Hãy ghi rõ cần sửa gì" in refused.text
    decided = desk.second.post(
        f"/admin/items/{uid}/steps/{step.group(1)}",
        data={"csrf_token": csrf_of(review.text), "decision": "approve", "comment": "Đồng ý"},
    )
    assert decided.status_code == 303, decided.text[:2000]

    def delivered() -> bool:
        return "d-delivered" in desk.second.get(f"/admin/items/{uid}/deliveries").text

    wait_for(delivered, what="the portal delivery shown as delivered")
    [posted] = sandbox_get(sandbox, "/sites/14932/articles")["articles"]
    assert posted["title"] == "Lịch tiêm chủng mở rộng tháng 12"
    board = desk.second.get(f"/admin/items/{uid}")
    assert "Đã lên kênh" in board.text and "Đã đăng" in board.text
    assert "data-stream=" not in board.text  # nothing left under way: no live stream

    retracted = desk.second.post(
        f"/admin/items/{uid}/retract",
        data={"csrf_token": csrf_of(board.text), "reason": "Lịch thay đổi"},
    )
    assert retracted.status_code == 303
    wait_for(
        lambda: sandbox_get(sandbox, "/sites/14932/articles")["articles"] == [],
        what="retraction on the portal",
    )
    assert "Đã gỡ" in desk.second.get(f"/admin/items/{uid}").text


def test_errors_come_back_in_vietnamese_next_to_their_fields(
    web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    answer = compose(web, portal_target.id, title="", age_min="30", age_max="20", cover_caption="")
    assert answer.status_code == 400
    assert re.search(r'id="err-title">Trường này bắt buộc', answer.text)
    assert re.search(r'id="err-age_max">Tuổi tối đa không được nhỏ hơn', answer.text)
    assert 'aria-invalid="true" aria-describedby="err-title"' in answer.text
    assert 'value="Cán bộ y tế tiêm cho trẻ tại trạm"' in answer.text  # what was typed stays
    # The item saves, but a cover without its caption is refused next to the field.
    no_caption = compose(web, portal_target.id, cover_caption="")
    assert no_caption.status_code == 400
    assert re.search(r'id="err-cover_caption">Ảnh của bài viết cần có chú thích', no_caption.text)


def test_the_unit_picker_finds_units_with_or_without_diacritics(
    web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    for query in ("cam thuy", "Cẩm Thủy", "CAM THUY"):
        found = web.get("/admin/units/search", params={"q": query})
        assert 'value="14932"' in found.text, query
        assert 'value="14950"' not in found.text  # Cẩm Thạch is another commune
    assert 'value="00004"' in web.get("/admin/units/search", params={"q": "ba dinh"}).text
    assert "Không tìm thấy" in web.get("/admin/units/search", params={"q": "zzz"}).text


def test_national_reach_needs_the_fresh_code_on_the_review_page(desk: Desk) -> None:
    targets.update_target(desk.ctx, SYSTEM, desk.target.id, {"gates": []})
    sign_in(desk.web, desk.make_account("bien-tap"), desk.clock)
    # National reach: the province police endorse first, then the Ministry decides.
    boss: Account = desk.make_account("cong-an-tinh", role="police", unit="38")
    uid = uid_of(
        compose(desk.web, desk.target.id, scope_level="national", justification="Chiến dịch")
    )
    page = desk.web.get(f"/admin/items/{uid}/previews")
    desk.web.post(f"/admin/items/{uid}/submit", data={"csrf_token": csrf_of(page.text)})
    sign_in(desk.second, boss, desk.clock)
    review = desk.second.get(f"/admin/items/{uid}/review")
    steps = re.findall(rf'action="/admin/items/{uid}/steps/(\d+)"', review.text)
    assert len(steps) == 1 and "Công an tỉnh xác nhận" in review.text
    url = f"/admin/items/{uid}/steps/{steps[0]}"
    form = {"csrf_token": csrf_of(review.text), "decision": "approve"}
    without = desk.second.post(url, data=form)
    assert without.status_code == 400 and "hãy nhập mã xác thực mới" in without.text
    assert audit_rows(desk.ctx, "auth.forbidden")[-1].data["permission"] == "step_up"
    wrong = desk.second.post(url, data={**form, "code": "000000"})
    assert wrong.status_code == 400 and "Mã xác thực không đúng" in wrong.text
    desk.clock.step()
    right = desk.second.post(url, data={**form, "code": boss.code(desk.clock)})
    assert right.status_code == 303, right.text[:2000]
    assert audit_rows(desk.ctx, "step.approve")[-1].actor == "cong-an-tinh"
    after = desk.second.get(f"/admin/items/{uid}/review").text
    assert "step-approved" in after and not re.search(rf"/admin/items/{uid}/steps/", after)


def test_another_communes_item_is_refused_and_audited(desk: Desk) -> None:
    sign_in(desk.web, desk.make_account("bien-tap"), desk.clock)
    uid = uid_of(compose(desk.web, desk.target.id))
    sign_in(desk.second, desk.make_account("ha-noi", unit="00004"), desk.clock)
    for path in (f"/admin/items/{uid}", f"/admin/items/{uid}/review"):
        assert desk.second.get(path).status_code == 403
    assert audit_rows(desk.ctx, "auth.forbidden"), "the refusal is in the audit log"
    assert desk.second.get("/admin/items/00000000-0000-0000-0000-000000000000").status_code == 404
    home = desk.second.get("/admin/")
    assert "Lịch tiêm chủng" not in home.text  # not even listed


def test_a_post_without_its_csrf_token_changes_nothing(
    web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    answer = web.post("/admin/compose", data={"title": "Giả mạo", "unit_code": "14932"})
    assert answer.status_code == 403
    assert "Giả mạo" not in web.get("/admin/").text


def test_vietnamese_first_with_an_english_switch(
    web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    assert 'class="lang-vi"' in web.get("/admin/").text
    switched = web.get("/admin/lang/en", params={"next": "/admin/compose"})
    assert switched.status_code == 303 and switched.headers["location"] == "/admin/compose"
    assert 'class="lang-en"' in web.get("/admin/compose").text
    away = web.get("/admin/lang/vi", params={"next": "https://evil.example/"})
    assert away.headers["location"] == "/admin/"  # never another site


def test_every_desk_page_stays_under_200_kb_of_assets(
    web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    uid = uid_of(compose(web, portal_target.id))
    for path in (
        "/admin/",
        "/admin/compose",
        f"/admin/items/{uid}/previews",
        f"/admin/items/{uid}",
    ):
        response = web.get(path)
        page = assert_page_loads_only_loa(web, response)
        total = len(response.content) + sum(
            len(web.get(u).content) for u in page.scripts + page.stylesheets
        )
        assert total < 200_000, (path, total)


def test_an_operator_marks_an_assisted_task_done_with_its_link(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, worker: Any
) -> None:
    """A channel with no API hands the post to the police operator; the board takes the
    post's id and link, and the delivery completes."""
    from tests.support.pipeline import new_article

    targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Loa phường (thử)", "plugin": "testassisted", "unit_code": "14932"},
    )
    article = new_article(ctx)
    content.approve(ctx, SYSTEM, article.id)
    sign_in(web, make_account("cong-an-xa", role="police"), clock)

    def listed() -> bool:
        tasks = re.search(r'id="tasks">(.*?)</section>', web.get("/admin/").text, re.S)
        return tasks is not None and f"/admin/items/{article.uid}" in tasks.group(1)

    wait_for(listed, what="the task on the operator's home page")
    board = web.get(f"/admin/items/{article.uid}")
    task = re.search(rf'action="(/admin/items/{article.uid}/tasks/\d+/complete)"', board.text)
    assert task, board.text
    wrong = web.post(
        task.group(1),
        data={"csrf_token": csrf_of(board.text), "remote_id": "", "remote_url": ""},
    )
    assert wrong.status_code == 400 and "mã bài mà kênh cấp" in wrong.text
    done = web.post(
        task.group(1),
        data={
            "csrf_token": csrf_of(board.text),
            "remote_id": "tin-2026-12",
            "remote_url": "https://vneid.example/tin/2026-12",
        },
    )
    assert done.status_code == 303
    after = web.get(f"/admin/items/{article.uid}").text
    assert "d-delivered" in after and 'href="https://vneid.example/tin/2026-12"' in after
    assert "/complete" not in after


def test_home_shows_deliveries_in_trouble_and_items_about_to_expire(
    desk: Desk, sandbox: Any, worker: Any
) -> None:
    """A channel that cannot be reached and a banner that comes down tomorrow are on the
    editor's home page, in plain Vietnamese and Vietnam time."""
    from core.db import utcnow
    from tests.support.pipeline import new_article

    ctx, web = desk.ctx, desk.web
    targets.update_target(ctx, SYSTEM, desk.target.id, {"gates": []})
    sandbox.stop()  # the portal is unreachable: its delivery retries
    ends = utcnow() + dt.timedelta(hours=20)
    article = new_article(ctx, visible_until=ends.isoformat())
    content.approve(ctx, SYSTEM, article.id)
    sign_in(web, desk.make_account("bien-tap"), desk.clock)

    def section(name: str) -> str:
        found = re.search(rf'id="{name}">(.*?)</section>', web.get("/admin/").text, re.S)
        assert found
        return found.group(1)

    wait_for(lambda: "Cổng thông tin xã Cẩm Thủy" in section("troubled"), what="the retrying one")
    assert "Lỗi tạm thời, sẽ thử lại" in section("troubled")
    expiring = section("expiring")
    assert f"/admin/items/{article.uid}" in expiring
    assert ends.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M") in expiring
