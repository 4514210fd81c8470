"""With SMTP, a new notification address takes effect only through the link mailed to it,
opened by the same account signed in (a real SMTP server: aiosmtpd, as the notices' tests)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from core.context import Context
from tests.admin.test_account_email import stored
from tests.core.auth.conftest import Clock, MakeAccount, admin_client, audit_rows, csrf_of, sign_in
from tests.core.notices import test_mail

# The SMTP server and the settings that point Loa at it.
smtp, settings = test_mail.smtp, test_mail.settings


def test_the_mailed_link_confirms_the_address_for_that_account_only(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, smtp: test_mail.Smtp
) -> None:
    editor, other = make_account("bien-tap"), make_account("bien-tap-2")
    sign_in(web, editor, clock)
    home = web.get("/admin/")
    clock.step()
    asked = web.post(
        "/admin/account/email",
        data={
            "csrf_token": csrf_of(home.text),
            "email": "bien-tap@camthuy.gov.vn",
            "code": editor.code(clock),
        },
    )
    assert asked.status_code == 200 and "Đã gửi thư xác nhận" in asked.text
    assert stored(ctx, "bien-tap") == ""  # not before the link is opened
    [letter] = smtp.messages()
    assert letter["To"] == "bien-tap@camthuy.gov.vn"
    match = re.search(r"http://[^/\s]+(/admin/account/email/\S+)", test_mail._text(letter))
    assert match, test_mail._text(letter)
    link = match.group(1)
    assert [e.data["to"] for e in audit_rows(ctx, "account.email_requested")] == [
        "bien-tap@camthuy.gov.vn"
    ]

    with admin_client(ctx) as stranger:
        sign_in(stranger, other, clock)
        refused = stranger.get(link)
        assert refused.status_code == 400 and "not valid for this account" in refused.text
        forged = stranger.get(link[:-6] + "AAAAAA")
        assert forged.status_code == 400
    assert stored(ctx, "bien-tap") == "" and stored(ctx, "bien-tap-2") == ""

    confirmed = web.get(link)
    assert confirmed.status_code == 200 and "Đã xác nhận địa chỉ" in confirmed.text
    assert stored(ctx, "bien-tap") == "bien-tap@camthuy.gov.vn"
    [entry] = audit_rows(ctx, "account.email_changed")
    assert entry.data["how"] == "confirmed by the mailed link"
    assert stored(ctx, "bien-tap-2") == ""
