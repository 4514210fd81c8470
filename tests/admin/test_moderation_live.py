"""Moderation as you type (issue 16): the compose form's title, summary and body are judged on
each pause by ``POST /admin/compose/moderation``, as the save would judge them, and the answer
lists each finding with its match in context and whether it blocks or only holds the item.
Only a signed-in writer of the unit may ask, with the form's CSRF token; big or bad input gets
a typed 4xx fragment, never a 500 and never a login page in the panel."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from admin.pages import moderation_live
from core.actions import live_screening
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in

URL = "/admin/compose/moderation"
BLOCKING_BODY = "<p>Người dân mang theo CCCD, đ.m thằng l-o-n.</p>"


def signed_in_form(web: TestClient, make_account: MakeAccount, clock: Clock) -> str:
    """Sign an editor of the commune in; the compose form's CSRF token."""
    sign_in(web, make_account("bien-tap"), clock)
    page = web.get("/admin/compose")
    assert 'hx-post="/admin/compose/moderation"' in page.text
    # Without JavaScript the body is the plain textarea the save reads; desk.js swaps it.
    assert '<textarea id="body_html" name="body_html"' in page.text and "data-richtext" in page.text
    return csrf_of(page.text)


def check(web: TestClient, csrf: str, **fields: str) -> Any:
    data = {"csrf_token": csrf, "unit_code": "14932", "title": "", "summary": "", "body_html": ""}
    return web.post(URL, data={**data, **fields})


def section(html: str, field: str) -> str:
    found = re.search(rf'<div id="live-{field}"[^>]*>(.*?)</div>', html, re.S)
    assert found, html
    return found.group(1)


def test_findings_name_field_category_match_in_context_and_outcome(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = signed_in_form(web, make_account, clock)
    answer = check(
        web, csrf, title="Đồ ngu như bò", summary="Lịch tiêm tháng 12", body_html=BLOCKING_BODY
    )
    assert answer.status_code == 200
    assert "Sẽ bị chặn khi gửi duyệt" in answer.text  # one match blocks the whole item
    body = section(answer.text, "body")
    assert "CCCD, <mark>đ.m</mark>" in body  # the match, in its context
    assert 'data-written="đ.m" data-outcome="block"' in body
    assert "Tục tĩu" in body and "Chặn" in body
    title = section(answer.text, "title")
    assert 'data-outcome="review"' in title and "Cảnh báo" in title and "<mark>" in title
    assert section(answer.text, "summary").strip() == ""  # each finding under its own field
    assert 'hx-swap-oob="true"' in answer.text


def test_a_hold_only_warns_and_a_clean_draft_says_so(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = signed_in_form(web, make_account, clock)
    held = check(web, csrf, summary="bọn phản động")
    assert held.status_code == 200
    assert "Cần người kiểm duyệt xem" in held.text and "Sẽ bị chặn" not in held.text
    assert "<q>bọn <mark>phản động</mark></q>" in section(held.text, "summary")
    clean = check(web, csrf, title="Lịch tiêm chủng", body_html="<p>Mang theo CCCD.</p>")
    assert clean.status_code == 200 and "Chưa thấy từ ngữ cần kiểm duyệt" in clean.text
    assert "<mark>" not in clean.text


def test_the_body_is_judged_as_saved_markup_and_scripts_ignored(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    """The body's markup is sanitised and read as text, like the save: a script's words are
    not the reader's, and a match split by formatting is still found."""
    csrf = signed_in_form(web, make_account, clock)
    answer = check(web, csrf, body_html="<p>CCCD <b>đ</b>.m</p><script>bọn phản động</script>")
    assert "<mark>đ.m</mark>" in section(answer.text, "body")
    assert "phản động" not in answer.text


def test_a_missing_or_wrong_csrf_token_is_refused_and_audited(
    ctx: Any, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    signed_in_form(web, make_account, clock)
    before = len(audit_rows(ctx, "auth.csrf_refused"))
    for token in ("", "not-the-token"):
        answer = check(web, token, body_html=BLOCKING_BODY)
        assert answer.status_code == 403
        assert "<mark>" not in answer.text and "hãy tải lại trang" in answer.text
    assert len(audit_rows(ctx, "auth.csrf_refused")) == before + 2


def test_signed_out_gets_401_and_no_findings(web: TestClient) -> None:
    page = web.get("/admin/login")
    answer = check(web, csrf_of(page.text), body_html=BLOCKING_BODY)
    assert answer.status_code == 401
    assert "<mark>" not in answer.text and "đăng nhập lại" in answer.text


def test_another_units_lexicon_is_refused_and_audited(
    ctx: Any, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = signed_in_form(web, make_account, clock)
    before = len(audit_rows(ctx, "auth.forbidden"))
    answer = check(web, csrf, unit_code="01", body_html=BLOCKING_BODY)  # Hà Nội: not theirs
    assert answer.status_code == 403 and "<mark>" not in answer.text
    assert len(audit_rows(ctx, "auth.forbidden")) == before + 1
    unknown = check(web, csrf, unit_code="no-such-unit", body_html=BLOCKING_BODY)
    assert unknown.status_code == 400 and "<mark>" not in unknown.text


def test_text_over_the_cap_is_refused_with_413(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = signed_in_form(web, make_account, clock)
    long_text = "<p>" + "a" * (live_screening.MAX_LIVE_TEXT + 1) + "</p>"
    answer = check(web, csrf, body_html=long_text)
    assert answer.status_code == 413 and "sẽ được kiểm tra khi lưu" in answer.text
    at_cap = check(web, csrf, body_html="<p>" + "a" * live_screening.MAX_LIVE_TEXT + "</p>")
    assert at_cap.status_code == 200


def test_a_request_over_the_size_cap_is_refused_before_it_is_read(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = signed_in_form(web, make_account, clock)
    huge = check(web, csrf, body_html="x" * (moderation_live.MAX_REQUEST + 1))
    assert huge.status_code == 413 and "<mark>" not in huge.text
    no_length = web.post(URL, content=iter([b"csrf_token=" + csrf.encode()]))  # chunked
    assert no_length.status_code == 411


def test_too_many_checks_get_429_with_retry_after(
    web: TestClient, make_account: MakeAccount, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_screening, "LIMIT", 2)
    csrf = signed_in_form(web, make_account, clock)
    assert [check(web, csrf, title="a").status_code for _ in range(2)] == [200, 200]
    refused = check(web, csrf, title="a")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "hãy chờ một chút" in refused.text


def test_pasted_unsafe_markup_never_survives_save(
    web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    """What a paste could bring (a script, an event handler, a javascript: link, inline style)
    is gone from the saved body; the formatting the toolbar offers stays."""
    from tests.admin.test_desk import compose, uid_of

    sign_in(web, make_account("bien-tap"), clock)
    pasted = (
        '<h2 style="color:red">Lịch tiêm</h2><p><strong>Sáng thứ Bảy</strong>'
        '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)" onclick="alert(3)">xem</a>'
        '</p><ul><li>Mang <a href="https://example.org/lich">lịch</a></li></ul>'
        "<script>alert(4)</script><blockquote>Trích</blockquote>"
    )
    uid = uid_of(compose(web, portal_target.id, body_html=pasted))
    edit = web.get(f"/admin/items/{uid}/edit")
    body = re.search(r'<textarea id="body_html"[^>]*>(.*?)</textarea>', edit.text, re.S)
    assert body
    saved = body.group(1)
    for unsafe in ("script", "onerror", "onclick", "javascript:", "style=", "alert("):
        assert unsafe not in saved, (unsafe, saved)
    for kept in ("&lt;h2&gt;Lịch tiêm", "&lt;strong&gt;", "&lt;li&gt;", "&lt;blockquote&gt;"):
        assert kept in saved, (kept, saved)
    assert 'href="https://example.org/lich"' in saved.replace("&#34;", '"').replace("&quot;", '"')
