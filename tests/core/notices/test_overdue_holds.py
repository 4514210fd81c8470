"""A comment held longer than ``LOA_HELD_ALERT_MINUTES`` alerts its unit's moderators once —
by e-mail (a real SMTP server) and on the desk's bell — and only after the threshold: the
sweeper's periodic run is given the time (an injected clock), never a sleep."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

import pytest

from core.actions import desk
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.context import Context
from core.db import utcnow
from core.delivery import sweeper
from core.interactions import actions as moderation
from core.interactions.models import CommentState
from core.notices import inbox, mail
from core.settings import Settings
from tests.admin.moderation_support import UNSURE, record, reload
from tests.core.auth.conftest import MakeAccount, audit_rows
from tests.core.notices.test_mail import Smtp, _address, _subject, _text, smtp
from tests.support.pipeline import wait_for

__all__ = ["smtp"]


@pytest.fixture
def settings(settings: Settings, smtp: Smtp) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_tls="none",
        smtp_from="loa@xa-camthuy.gov.vn",
        held_alert_minutes=30,
    )


def test_a_comment_held_too_long_alerts_its_moderators_once(
    ctx: Context,
    tree: Any,
    make_account: MakeAccount,
    portal_target: Any,
    worker: Any,
    smtp: Smtp,
) -> None:
    mail.install(ctx)
    moderator = make_account("kiem-duyet", role="approver")
    elsewhere = make_account("ha-noi", role="approver", unit="01")
    _address(ctx, moderator, "kiem-duyet@xa-camthuy.gov.vn")
    _address(ctx, elsewhere, "ha-noi@hanoi.gov.vn")
    held = record(ctx, portal_target.id, UNSURE)
    decided = record(ctx, portal_target.id, UNSURE, author="other", remote_id="c-2")
    moderation.approve(ctx, Actor("kd", (Grant(Role.APPROVER, tree["14932"].path),)), decided.id)
    received = reload(ctx, held.id).received_at

    # 29 minutes: not yet
    report = sweeper.sweep(ctx, received + dt.timedelta(minutes=29))
    assert "overdue_holds" not in report
    assert reload(ctx, held.id).overdue_alerted_at is None

    # 31 minutes: the held one (not the approved one) alerts, by mail and on the bell
    report = sweeper.sweep(ctx, received + dt.timedelta(minutes=31))
    assert report["overdue_holds"] == 1
    wait_for(lambda: len(smtp.messages()) == 1, timeout=15, what="the overdue mail")
    (message,) = smtp.messages()
    assert message["To"] == "kiem-duyet@xa-camthuy.gov.vn"
    # a long subject is folded into encoded words: decoding drops the space at a fold
    subject = f"[Loa] Bình luận chờ duyệt quá lâu trên {portal_target.name}"
    assert _subject(message).replace(" ", "") == subject.replace(" ", "")
    body = _text(message)
    assert "hơn 30 phút" in body and UNSURE in body
    assert f"http://loa.test/admin/moderation#comment-{held.id}" in body
    assert reload(ctx, held.id).overdue_alerted_at is not None

    # later sweeps, a second sweeper: never again
    for minutes in (32, 45, 120):
        assert "overdue_holds" not in sweeper.sweep(ctx, received + dt.timedelta(minutes=minutes))
    time.sleep(0.5)
    assert len(smtp.messages()) == 1
    assert [int(r.subject_id) for r in audit_rows(ctx, "comment.overdue")] == [held.id]


def test_the_bell_tells_an_overdue_hold_from_a_fresh_one(
    ctx: Context, tree: Any, portal_target: Any
) -> None:
    fresh = record(ctx, portal_target.id, UNSURE)
    late = record(ctx, portal_target.id, UNSURE, remote_id="c-late", waited=dt.timedelta(hours=1))
    actor = Actor("kd", (Grant(Role.APPROVER, tree["14932"].path),))
    notices = inbox.inbox(ctx, actor, desk.overview(ctx, actor))
    kinds = {n.link: n.kind for n in notices if n.kind.startswith("comment")}
    assert kinds[f"/admin/moderation#comment-{late.id}"] == inbox.Kind.COMMENT_OVERDUE
    assert inbox.Kind.COMMENT_HELD in kinds.values()
    assert reload(ctx, fresh.id).state == CommentState.HELD
    assert utcnow() - reload(ctx, late.id).received_at.replace(tzinfo=dt.UTC) > dt.timedelta(
        minutes=30
    )
