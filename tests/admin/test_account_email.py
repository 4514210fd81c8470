"""The account's notification address on the desk's account screen: the account itself sets
it with a fresh code, checked and audited (without SMTP: at once; with SMTP, the link mailed
to it confirms it: test_account_email_mailed.py)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from core.auth.models import User
from core.context import Context
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in


def stored(ctx: Context, username: str) -> str:
    with ctx.sessions() as session:
        return str(session.scalar(select(User.email).where(User.username == username)))


def test_the_account_sets_its_address_with_a_fresh_code(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    editor = make_account("bien-tap")
    sign_in(web, editor, clock)
    home = web.get("/admin/")
    assert 'action="/admin/account/email"' in home.text and 'id="current-email">—' in home.text
    form = {"csrf_token": csrf_of(home.text), "email": "bien-tap@camthuy.gov.vn"}

    assert web.post("/admin/account/email", data={**form, "csrf_token": "x"}).status_code == 403
    wrong = web.post("/admin/account/email", data={**form, "code": "000000"})
    assert wrong.status_code == 400 and "Mã xác thực không đúng" in wrong.text
    clock.step()
    bad = web.post(
        "/admin/account/email", data={**form, "email": "khong phai thu", "code": editor.code(clock)}
    )
    assert bad.status_code == 400 and "Địa chỉ thư không hợp lệ" in bad.text
    assert stored(ctx, "bien-tap") == "" and audit_rows(ctx, "account.email_changed") == []

    clock.step()
    done = web.post(
        "/admin/account/email",
        data={**form, "email": " Bien-Tap@CamThuy.GOV.vn ", "code": editor.code(clock)},
    )
    assert done.status_code == 200 and "Đã lưu địa chỉ" in done.text
    assert stored(ctx, "bien-tap") == "Bien-Tap@camthuy.gov.vn"
    assert 'id="current-email">Bien-Tap@camthuy.gov.vn<' in web.get("/admin/").text
    [entry] = audit_rows(ctx, "account.email_changed")
    assert entry.actor == "bien-tap" and entry.data["to"] == "Bien-Tap@camthuy.gov.vn"

    clock.step()
    removed = web.post(
        "/admin/account/email", data={**form, "email": "", "code": editor.code(clock)}
    )
    assert removed.status_code == 200 and stored(ctx, "bien-tap") == ""
