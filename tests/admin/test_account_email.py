"""The account's notification address on the desk's account screen: the account itself sets
it with a fresh code, checked and audited (without SMTP: at once; with SMTP, the link mailed
to it confirms it: test_account_email_mailed.py)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy import select, update
from starlette.testclient import TestClient

from admin.labels import EMAIL_NOTICES
from core.actions import content as actions
from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery import dispatcher
from core.delivery.models import Delivery
from core.notices.letters import ACCOUNT_NOTICES, letters
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in
from tests.support.pipeline import new_article, sandbox_post


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


def test_the_account_chooses_which_notices_come_by_mail(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
    sandbox: Any,
) -> None:
    editor = make_account("bien-tap")
    with ctx.transaction() as session:
        session.execute(
            update(User).where(User.id == editor.user_id).values(email="bt@camthuy.gov.vn")
        )
    sandbox_post(sandbox, "/__fake/faults", {"status": 422, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        [d] = session.scalars(
            select(Delivery).where(Delivery.article_id == article.id).order_by(Delivery.id)
        )
    asyncio.run(dispatcher.run(ctx, d.id, 1))

    def mailed_to() -> list[str]:
        with ctx.sessions() as session:
            return [x.to for x in letters(session, ctx.settings, "delivery.failed", d.id)]

    assert "bt@camthuy.gov.vn" in mailed_to()
    sign_in(web, editor, clock)
    home = web.get("/admin/")
    assert set(re.findall(r'name="notices" value="([^"]+)" checked', home.text)) == set(
        ACCOUNT_NOTICES
    )
    keep = [e for e in ACCOUNT_NOTICES if e != "delivery.failed"]
    saved = web.post(
        "/admin/account/notices", data={"csrf_token": csrf_of(home.text), "notices": keep}
    )
    assert saved.status_code == 200 and "Đã lưu lựa chọn" in saved.text
    assert 'value="delivery.failed" checked' not in saved.text
    assert "bt@camthuy.gov.vn" not in mailed_to()  # muted; the bell still shows it
    [entry] = audit_rows(ctx, "account.notices_chosen")
    assert entry.actor == "bien-tap" and entry.data["muted"] == ["delivery.failed"]
    unknown = web.post(
        "/admin/account/notices", data={"csrf_token": csrf_of(home.text), "notices": ["x.y"]}
    )
    assert unknown.status_code == 400
    assert set(EMAIL_NOTICES) == set(
        ACCOUNT_NOTICES
    )  # the screen names every notice that is mailed
