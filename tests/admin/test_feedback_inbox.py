"""The feedback inbox on the desk and the citizens' pages over HTTP: filters, assign, answer,
close, refusals audited, CSRF on every post; the public form's token, honeypot and code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core.context import Context
from core.interactions import feedback, tracking
from core.interactions.models import Feedback
from core.web import form_guard
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in


def _send(ctx: Context, text: str, unit: str = "14932", **kw: Any) -> Feedback:
    return feedback.submit(ctx, unit_code=unit, text=text, address="203.0.113.7", **kw)


def _stored(ctx: Context, feedback_id: int) -> Feedback:
    with ctx.sessions() as session:
        found = session.get(Feedback, feedback_id)
        assert found is not None
        return found


def test_the_inbox_lists_filters_and_handles_a_message(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    leader = make_account("chu-tich-xa", role="approver", unit="14932")
    handler = make_account("can-bo-xa", role="editor", unit="14932")
    lamp = _send(ctx, "Đèn đường thôn 3 bị hỏng.")
    _send(ctx, "Rác ở chợ Cẩm Thạch chưa thu.", unit="14950")  # another commune's
    sign_in(web, leader, clock)

    listing = web.get("/admin/feedback")
    assert listing.status_code == 200
    assert "Đèn đường thôn 3" in listing.text and "Cẩm Thạch" not in listing.text
    assert 'href="/admin/feedback"' in listing.text  # the desk's nav names the inbox
    assert "Đèn đường" not in web.get("/admin/feedback?status=answered").text
    assert "Đèn đường" in web.get("/admin/feedback?channel=api&unit=14932").text
    assert "Đèn đường" not in web.get("/admin/feedback?overdue=1").text  # not late yet
    assert web.get("/admin/feedback?status=bogus").status_code == 400

    page = web.get(f"/admin/feedback/{lamp.id}")
    assert page.status_code == 200 and tracking.shown(lamp.tracking_code) in page.text
    csrf = csrf_of(page.text)
    refused = web.post(f"/admin/feedback/{lamp.id}/assign", data={"assignee": str(handler.user_id)})
    assert refused.status_code == 403 and _stored(ctx, lamp.id).assignee_id is None  # no CSRF
    done = web.post(
        f"/admin/feedback/{lamp.id}/assign",
        data={"assignee": str(handler.user_id), "csrf_token": csrf},
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=assign")
    assert _stored(ctx, lamp.id).assignee_id == handler.user_id

    rude = web.post(
        f"/admin/feedback/{lamp.id}/answer", data={"answer": "Hỏi ngu thế, đ.m", "csrf_token": csrf}
    )
    assert rude.status_code == 400 and 'id="answer-error"' in rude.text
    assert "Hỏi ngu thế" in rude.text  # the text stays in the field to be rewritten
    assert _stored(ctx, lamp.id).answer == ""
    answered = web.post(
        f"/admin/feedback/{lamp.id}/answer",
        data={"answer": "Xã đã sửa đèn xong.", "csrf_token": csrf},
    )
    assert answered.status_code == 303
    closed = web.post(f"/admin/feedback/{lamp.id}/close", data={"csrf_token": csrf})
    assert closed.status_code == 303
    shown = web.get(f"/admin/feedback/{lamp.id}").text
    assert "Xã đã sửa đèn xong." in shown and "Đã đóng" in shown
    again = web.post(f"/admin/feedback/{lamp.id}/close", data={"csrf_token": csrf})
    assert again.status_code == 409
    assert [e.actor for e in audit_rows(ctx, "feedback.answered")] == ["chu-tich-xa"]


def test_another_units_message_is_refused_and_the_refusal_audited(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    neighbour = make_account("chu-tich-xa-ben", role="approver", unit="14950")
    lamp = _send(ctx, "Đèn đường thôn 3 bị hỏng.")
    sign_in(web, neighbour, clock)
    assert web.get(f"/admin/feedback/{lamp.id}").status_code == 403
    csrf = csrf_of(web.get("/admin/").text)
    got = web.post(
        f"/admin/feedback/{lamp.id}/answer", data={"answer": "Cảm ơn.", "csrf_token": csrf}
    )
    assert got.status_code == 403 and _stored(ctx, lamp.id).answer == ""
    assert web.get("/admin/feedback/999999").status_code == 404
    assert len(audit_rows(ctx, "auth.forbidden")) >= 2


def test_signed_out_the_inbox_asks_to_sign_in(web: TestClient, tree: Any) -> None:
    got = web.get("/admin/feedback")
    assert got.status_code == 303 and got.headers["location"] == "/admin/login"


# --- the citizens' pages ----------------------------------------------------------------------


def _token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, html[:400]
    return match.group(1)


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Posts may follow the page at once (the minimum age is tested on its own)."""
    monkeypatch.setattr(form_guard, "MIN_SECONDS", 0)


def test_a_citizen_sends_feedback_and_follows_it_by_code(
    ctx: Context, web: TestClient, tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = web.get("/gop-y/14932")
    assert form.status_code == 200 and "Xã Cẩm Thủy" in form.text
    assert "<script" not in form.text and 'lang="vi"' in form.text
    assert "loa_form=" in form.headers["set-cookie"]
    assert "samesite=strict" in form.headers["set-cookie"].lower()
    data = {"form_token": _token(form.text), "text": "Đèn đường thôn 3 hỏng.", "website": ""}
    too_fast = web.post("/gop-y/14932", data=data)
    assert too_fast.status_code == 400  # a person reads before sending; a script does not
    monkeypatch.setattr(form_guard, "MIN_SECONDS", 0)
    sent = web.post("/gop-y/14932", data={**data, "form_token": _token(too_fast.text)})
    assert sent.status_code == 201
    code = re.search(r'id="tracking-code">([^<]+)<', sent.text).group(1)  # type: ignore[union-attr]
    with ctx.sessions() as session:
        item = session.scalars(select(Feedback)).one()
    assert (tracking.shown(item.tracking_code), item.channel) == (code, "form")
    assert code not in sent.headers.get("location", "")

    status = web.post("/gop-y/tra-cuu", data={"form_token": _token(sent.text), "code": code})
    assert status.status_code == 200 and "Đã nhận, chờ tiếp nhận" in status.text
    missing = web.post(
        "/gop-y/tra-cuu", data={"form_token": _token(sent.text), "code": "AAAAA-BBBBB"}
    )
    assert missing.status_code == 404 and "Không tìm thấy góp ý" in missing.text


def test_forged_replayed_and_robot_posts_are_refused(
    ctx: Context, web: TestClient, tree: Any, no_wait: None
) -> None:
    form = web.get("/gop-y/14932")
    token = _token(form.text)
    base = {"text": "Đèn đường thôn 3 hỏng.", "website": ""}
    assert web.post("/gop-y/14932", data={**base, "form_token": "1.abc"}).status_code == 400
    robot = web.post("/gop-y/14932", data={**base, "form_token": token, "website": "http://x"})
    assert robot.status_code == 400
    with TestClient(web.app) as stranger:  # another site's post carries no loa_form cookie
        assert stranger.post("/gop-y/14932", data={**base, "form_token": token}).status_code == 400
    fresh = _token(web.get("/gop-y/14932").text)
    assert web.post("/gop-y/14932", data={**base, "form_token": fresh}).status_code == 201
    assert web.post("/gop-y/14932", data={**base, "form_token": fresh}).status_code == 400  # once
    with ctx.sessions() as session:
        assert len(session.scalars(select(Feedback).order_by(Feedback.id)).all()) == 1
    assert web.get("/gop-y/99999").status_code == 404


def test_the_public_form_answers_bad_input_and_floods_in_words(
    ctx: Context, web: TestClient, tree: Any, no_wait: None
) -> None:
    empty = web.post(
        "/gop-y/14932", data={"text": " ", "form_token": _token(web.get("/gop-y/14932").text)}
    )
    assert empty.status_code == 400 and 'href="#text"' in empty.text
    rude = web.post(
        "/gop-y/14932",
        data={"text": "Cán bộ xã như đ.m", "form_token": _token(empty.text)},
    )
    assert rude.status_code == 422 and "viết lại" in rude.text
    assert "Cán bộ xã như đ.m" in rude.text  # the citizen keeps what they wrote
    for _ in range(feedback.LIMIT - 1):  # with the refused one, the address's whole share
        feedback.submit(ctx, unit_code="14932", text="Một góp ý nữa.", address="testclient")
    flood = web.post(
        "/gop-y/14932", data={"text": "Thêm một góp ý.", "form_token": _token(rude.text)}
    )
    assert flood.status_code == 429 and "quá nhiều" in flood.text


def test_wrong_codes_on_the_status_page_are_throttled(
    ctx: Context, web: TestClient, tree: Any
) -> None:
    page = web.get("/gop-y/tra-cuu")
    token = _token(page.text)
    answers = [
        web.post("/gop-y/tra-cuu", data={"form_token": token, "code": tracking.new_code()})
        for _ in range(12)
    ]
    assert [a.status_code for a in answers[:10]] == [404] * 10
    assert answers[-1].status_code == 429 and "quá nhiều" in answers[-1].text


def test_late_feedback_rings_the_bell_of_who_must_take_it_up(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    import datetime as dt

    from sqlalchemy import update

    from core.db import utcnow

    leader = make_account("chu-tich-xa", role="approver", unit="14932")
    neighbour = make_account("chu-tich-xa-ben", role="approver", unit="14950")
    late = _send(ctx, "Cống ngõ 5 tắc.")
    fresh = _send(ctx, "Xin lịch tiếp công dân.")
    with ctx.transaction() as session:
        past = utcnow() - dt.timedelta(hours=1)
        session.execute(
            update(Feedback).where(Feedback.id == late.id).values(ack_warn_at=past, ack_due_at=past)
        )
    sign_in(web, leader, clock)
    home = web.get("/admin/").text
    assert f'href="/admin/feedback/{late.id}"' in home and "quá hạn tiếp nhận" in home
    assert f'href="/admin/feedback/{fresh.id}"' not in home
    with TestClient(web.app, follow_redirects=False) as other:
        sign_in(other, neighbour, clock)
        assert f'href="/admin/feedback/{late.id}"' not in other.get("/admin/").text
