"""Notices by e-mail, against a real SMTP server (aiosmtpd in its own process, writing a
maildir): a step that waits mails the people who may decide it, once; a failed delivery and
a held comment mail their unit; nothing without LOA_SMTP_HOST; no password in the logs."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import mailbox
import sys
import time
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from core.actions import content, targets, workflow
from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery import dispatcher, queue
from core.delivery.models import Delivery, DeliveryState
from core.interactions.models import Comment, CommentState
from core.notices import mail
from core.settings import Secret, Settings
from tests.core.auth.conftest import Account, MakeAccount
from tests.support.pipeline import new_article, sandbox_post, wait_for
from tests.support.servers import free_port, serving


@dataclasses.dataclass
class Smtp:
    port: int
    maildir: Path

    def messages(self) -> list[Message]:
        return list(mailbox.Maildir(self.maildir, create=False))


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Smtp]:
    """aiosmtpd's own command, in a process of its own, delivering into a maildir."""
    port, maildir = free_port(), tmp_path / "maildir"
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    command += ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)]
    with serving(command, port, "aiosmtpd", wait=15):
        yield Smtp(port, maildir)


@pytest.fixture
def settings(settings: Settings, smtp: Smtp) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_tls="none",
        smtp_from="loa@xa-camthuy.gov.vn",
    )


def _address(ctx: Context, account: Account, email: str) -> None:
    with ctx.transaction() as session:
        session.execute(update(User).where(User.id == account.user_id).values(email=email))


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _text(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def _item(ctx: Context, title: str) -> Any:
    return content.create(
        ctx, SYSTEM, {"title": title, "unit_code": "14932", "body_html": "<p>Nội dung</p>"}
    )


def test_a_step_waiting_mails_who_may_decide_it_once(
    ctx: Context, make_account: MakeAccount, portal_target: Any, worker: Any, smtp: Smtp
) -> None:
    mail.install(ctx)
    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    approver, editor = make_account("lanh-dao", role="approver"), make_account("bien-tap")
    _address(ctx, approver, "lanh-dao@xa-camthuy.gov.vn")
    _address(ctx, editor, "bien-tap@xa-camthuy.gov.vn")
    item = _item(ctx, "Lịch tiếp công dân tháng 12")

    workflow.submit(ctx, SYSTEM, item.id)  # emits article.submitted: the job mails
    wait_for(lambda: len(smtp.messages()) == 1, timeout=15)
    (message,) = smtp.messages()
    assert message["To"] == "lanh-dao@xa-camthuy.gov.vn"  # the editor decides nothing
    assert message["From"] == "loa@xa-camthuy.gov.vn"
    assert _subject(message) == "[Loa] Chờ bạn duyệt: Lịch tiếp công dân tháng 12"
    body = _text(message)
    assert body.startswith("Bài “Lịch tiếp công dân tháng 12” đang chờ bạn duyệt")
    assert f"http://loa.test/admin/items/{item.uid}/review" in body
    assert body.index("đang chờ bạn duyệt") < body.index("waits for your decision")

    # The same event again (a job run twice, an event emitted twice): nobody mailed twice.
    assert mail.send(ctx, "article.submitted", item.id) == 0
    ctx.emit("article.submitted", {"id": item.id})
    time.sleep(0.5)
    assert len(smtp.messages()) == 1


def test_a_failed_delivery_and_a_held_comment_mail_their_unit(
    ctx: Context, make_account: MakeAccount, portal_target: Any, smtp: Smtp
) -> None:
    approver, elsewhere = (
        make_account("lanh-dao", role="approver"),
        make_account("ha-noi", role="approver", unit="01"),
    )
    _address(ctx, approver, "lanh-dao@xa-camthuy.gov.vn")
    _address(ctx, elsewhere, "ha-noi@hanoi.gov.vn")
    item = _item(ctx, "Thông báo nghỉ lễ")
    with ctx.transaction() as session:
        failed = Delivery(
            article_id=item.id,
            target_id=portal_target.id,
            action="publish",
            state=DeliveryState.FAILED,
            attempt=3,
            error_message="Cổng thông tin từ chối: ảnh quá lớn",
        )
        held = Comment(
            target_id=portal_target.id,
            remote_id="c-1",
            author_pseudonym="a" * 64,
            text="Xin hỏi lịch tiêm chủng",
            state=CommentState.HELD,
        )
        session.add_all([failed, held])
    assert mail.send(ctx, "delivery.failed", failed.id) == 1
    assert mail.send(ctx, "comment.held", held.id) == 1
    first, second = sorted(smtp.messages(), key=_subject)
    assert [m["To"] for m in (first, second)] == ["lanh-dao@xa-camthuy.gov.vn"] * 2
    assert _subject(first) == "[Loa] Bình luận chờ duyệt trên " + portal_target.name
    assert "Xin hỏi lịch tiêm chủng" in _text(first)
    assert _subject(second) == "[Loa] Đăng lỗi: Thông báo nghỉ lễ"
    assert "ảnh quá lớn" in _text(second)
    # The same attempt is not news again.
    assert mail.send(ctx, "delivery.failed", failed.id) == 0

    ends = dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)
    content.update(ctx, SYSTEM, item.id, {"audience": {"visible_until": ends}})
    assert mail.send(ctx, "article.expiring", item.id) == 1
    expiring = [m for m in smtp.messages() if "Sắp hết hạn" in _subject(m)]
    assert [m["To"] for m in expiring] == ["lanh-dao@xa-camthuy.gov.vn"]
    assert "sắp hết thời gian hiển thị" in _text(expiring[0])


def test_without_a_mail_server_nothing_is_sent(
    ctx: Context, make_account: MakeAccount, smtp: Smtp
) -> None:
    quiet = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, smtp_host=""))
    _address(ctx, make_account("lanh-dao", role="approver"), "lanh-dao@xa-camthuy.gov.vn")
    item = _item(ctx, "Không gửi thư")
    workflow.submit(ctx, SYSTEM, item.id)
    assert mail.send(quiet, "article.submitted", item.id) == 0
    assert smtp.messages() == []


def test_a_refused_login_logs_no_password_and_gives_the_claim_back(
    ctx: Context, make_account: MakeAccount, smtp: Smtp, caplog: pytest.LogCaptureFixture
) -> None:
    password = "mat-khau-rat-bi-mat-9431"
    locked = dataclasses.replace(
        ctx,
        settings=dataclasses.replace(
            ctx.settings, smtp_username="loa", smtp_password=Secret(password)
        ),
    )
    _address(ctx, make_account("lanh-dao", role="approver"), "lanh-dao@xa-camthuy.gov.vn")
    item = _item(ctx, "Thư không gửi được")
    workflow.submit(ctx, SYSTEM, item.id)
    with caplog.at_level(logging.DEBUG):
        assert mail.send(locked, "article.submitted", item.id) == 0  # no AUTH on this server
    assert "could not mail article.submitted" in caplog.text
    assert password not in caplog.text
    assert smtp.messages() == []
    # The claim was given back: once the settings are right, the letter goes.
    assert mail.send(ctx, "article.submitted", item.id) == 1


def test_a_delivery_the_channel_refuses_enqueues_its_notice(
    ctx: Context, make_account: MakeAccount, portal_target: Any, sandbox: Any, smtp: Smtp
) -> None:
    mail.install(ctx)
    _address(ctx, make_account("bien-tap"), "bien-tap@xa-camthuy.gov.vn")
    sandbox_post(sandbox, "/__fake/faults", {"status": 401, "count": 1})
    article = new_article(ctx)
    content.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.ATTENTION
    # The dispatcher emitted delivery.failed; the observer queued the job, ids only.
    assert f"notice-delivery_failed-{d.id}" in queue.rq_queue(ctx).job_ids
    assert mail.send(ctx, "delivery.failed", d.id) == 1
    (message,) = smtp.messages()
    assert message["To"] == "bien-tap@xa-camthuy.gov.vn"
    assert _subject(message).startswith("[Loa] Đăng lỗi: ")
