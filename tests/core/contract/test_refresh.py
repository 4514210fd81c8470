"""Token refresh: one refresher per target, new credentials stored before use, health alerts.

The test plugin spends each refresh token once (like Zalo's): a second refresher racing
the first would spend a dead token and fail, so one refresh in total proves the lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from loa_testchannel import oauth
from loa_testchannel.routes import EVENTS

from core import AuthError
from core.auth.models import Role, RoleMembership, User
from core.connections.refresh import fresh_target, store
from core.connections.targets import call_target
from core.contract.credentials import Credentials
from core.db import utcnow
from core.targets.models import ChannelTarget


def _give(ctx, target_id: int, refresh_token: str, expires_in: dt.timedelta) -> None:
    fresh = Credentials({"access_token": "at-old", "refresh_token": refresh_token})
    store(ctx, target_id, fresh, actor="test", action="target.connect")
    with ctx.transaction() as session:
        session.get(ChannelTarget, target_id).credentials_expire_at = utcnow() + expires_in


def _row(ctx, target_id: int) -> ChannelTarget:
    with ctx.sessions() as session:
        return session.get(ChannelTarget, target_id)


def _fresh(ctx, target_id: int):
    target = call_target(ctx, _row(ctx, target_id))
    return asyncio.run(fresh_target(ctx, ctx.channel("testchannel"), target))


def test_credentials_far_from_expiry_are_used_as_they_are(ctx, target) -> None:
    _give(ctx, target.id, "rt-far", dt.timedelta(days=2))
    oauth.REFRESHES.clear()
    assert _fresh(ctx, target.id).secrets["access_token"] == "at-old"
    assert oauth.REFRESHES == []


def test_a_due_refresh_is_stored_before_it_is_used(ctx, target) -> None:
    _give(ctx, target.id, "rt-due", dt.timedelta(hours=1))
    used = _fresh(ctx, target.id)
    stored = ctx.sealer.open(_row(ctx, target.id).secrets_sealed)
    assert used.secrets["access_token"] == stored["access_token"] != "at-old"
    assert stored["refresh_token"] != "rt-due" and stored["app_secret"] == "s3cr3t-app"
    assert _row(ctx, target.id).credentials_expire_at > utcnow() + dt.timedelta(hours=20)


def test_two_workers_refresh_once(ctx, target) -> None:
    _give(ctx, target.id, "rt-race", dt.timedelta(minutes=5))
    oauth.REFRESHES.clear()
    results: list[object] = []

    def worker() -> None:
        try:
            results.append(_fresh(ctx, target.id).secrets["access_token"])
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert oauth.REFRESHES == ["rt-race"]
    assert len(set(results)) == 1 and isinstance(results[0], str)


def test_a_refused_refresh_needs_reauthorisation_and_alerts_the_channel_admins(
    ctx, target, tree
) -> None:
    with ctx.transaction() as session:
        admin = User(username="qt-kenh", display_name="Quản trị kênh")
        session.add(admin)
        session.flush()
        session.add(
            RoleMembership(user_id=admin.id, unit_id=tree["38"].id, role=Role.CHANNEL_ADMIN)
        )
        admin_id = admin.id
    oauth.SPENT.add("rt-dead")
    _give(ctx, target.id, "rt-dead", dt.timedelta(minutes=5))
    EVENTS.clear()
    with pytest.raises(AuthError):
        _fresh(ctx, target.id)
    row = _row(ctx, target.id)
    assert row.health == "needs_reauthorisation" and "already used" in row.health_detail
    [(_name, payload)] = [e for e in EVENTS if e[0] == "target.health"]
    assert payload["health"] == "needs_reauthorisation" and payload["previous"] == "ok"
    assert payload["recipients"] == [admin_id]


def test_credentials_with_a_warning_make_the_target_expiring_and_alert(ctx, target) -> None:
    _give(ctx, target.id, "rt-ok", dt.timedelta(days=2))
    assert _row(ctx, target.id).health == "ok"
    EVENTS.clear()
    warning = "Sự đồng ý hết hạn ngày 7/12 (consent ends on 7 Dec)"
    store(
        ctx,
        target.id,
        Credentials({"access_token": "at-w"}, warning=warning),
        actor="test",
        action="target.refresh",
    )
    row = _row(ctx, target.id)
    assert (row.health, row.health_detail) == ("expiring", warning)
    [(_name, payload)] = [e for e in EVENTS if e[0] == "target.health"]
    assert payload["health"] == "expiring" and payload["detail"] == warning
    # Plain credentials again (say, after the project was published): ok.
    store(
        ctx,
        target.id,
        Credentials({"access_token": "at-ok"}),
        actor="test",
        action="target.refresh",
    )
    assert _row(ctx, target.id).health == "ok"


def test_a_notice_asks_for_attention_and_a_warning_wins_over_it(ctx, target) -> None:
    """A setting on the platform against the rules (a Page open to visitors' posts): the target
    still works, its health says what to fix, and the channel admins are told once."""
    _give(ctx, target.id, "rt-ok", dt.timedelta(days=2))
    EVENTS.clear()
    notice = "Trang đang cho phép khách đăng bài (the Page lets visitors post)"
    fresh = Credentials({"access_token": "at-n"}, notice=notice)
    store(ctx, target.id, fresh, actor="test", action="target.refresh")
    store(ctx, target.id, fresh, actor="test", action="target.refresh")
    row = _row(ctx, target.id)
    assert (row.health, row.health_detail) == ("attention", notice)
    [(_name, payload)] = [e for e in EVENTS if e[0] == "target.health"]
    assert payload["health"] == "attention" and payload["previous"] == "ok"
    warned = Credentials({"access_token": "at-w"}, warning="consent ends", notice=notice)
    store(ctx, target.id, warned, actor="test", action="target.refresh")
    assert _row(ctx, target.id).health == "expiring"
    store(ctx, target.id, Credentials({"access_token": "at-ok"}), actor="test", action="x")
    assert (_row(ctx, target.id).health, _row(ctx, target.id).health_detail) == ("ok", "")
