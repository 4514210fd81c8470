"""Connecting an OA through core's consent flow (OAuth v4 + PKCE) and refreshing its tokens.

Zalo's refresh token is single-use: the sandbox refuses one spent twice, so two workers
refreshing at once would leave a dead pair. Core refreshes under a per-target lock and stores
the new pair before it is used; here two threads race on a real Zalo target.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest
from starlette.testclient import TestClient

from core import AuthError, Credentials
from core.actions import targets
from core.app import create_app
from core.auth import actions as auth_actions
from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.auth.sessions import FULL
from core.auth.web import cookie_name
from core.connections.refresh import fresh_target, store
from core.connections.targets import call_target
from core.db import utcnow
from core.targets.models import ChannelTarget
from plugins.zalo.channel import ZaloChannel
from tests.conftest import TEST_ADMIN, TEST_TOTP_SECRET
from tests.plugins.zalo.conftest import APP_ID, APP_SECRET, OA_SECRET


@pytest.fixture
def oa(ctx, tree, sandbox) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Zalo OA xã Cẩm Thủy",
            "plugin": "zalo",
            "unit_code": "14932",
            "settings": {"app_id": APP_ID, "api_base": sandbox.url, "oauth_base": sandbox.url},
            "secrets": {"app_secret": APP_SECRET, "oa_secret_key": OA_SECRET},
        },
    )


@pytest.fixture
def browser(ctx, tree) -> Any:
    from sqlalchemy import select

    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, base_url="http://loa.test") as client:
        with ctx.sessions() as session:
            user_id = session.scalar(select(User.id).where(User.username == TEST_ADMIN))
        sessions = auth_actions.sessions(ctx)
        browser_session = sessions.new()
        browser_session.stage, browser_session.user_id = FULL, user_id
        sessions.save(browser_session)
        client.cookies.set(cookie_name(ctx.settings), browser_session.id)
        client.headers["x-csrf-token"] = browser_session.csrf
        yield client


def _row(ctx, target_id: int) -> ChannelTarget:
    with ctx.sessions() as session:
        return session.get(ChannelTarget, target_id)


def test_connect_with_pkce_stores_the_pair_and_the_oa(ctx, browser, oa, sandbox) -> None:
    started = browser.post(
        f"/channels/connect/{oa.id}", json={"totpCode": pyotp.TOTP(TEST_TOTP_SECRET).now()}
    )
    assert started.status_code == 200, started.text
    url = started.json()["authoriseUrl"]
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    assert url.startswith(f"{sandbox.url}/v4/oa/permission?")
    assert query["app_id"] == APP_ID and query["code_challenge"] and query["state"]
    consent = httpx.get(url, follow_redirects=False)  # the OA admin approves on Zalo
    assert consent.status_code == 302
    back = urlparse(consent.headers["location"])
    assert back.path == "/channels/connect/callback"
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert params["oa_id"] == "oa-1"
    assert browser.get("/channels/connect/callback", params=params).status_code == 200
    done = browser.get(
        "/channels/connect/finish", params={"state": params["state"]}, follow_redirects=False
    )
    assert done.status_code == 303
    row = _row(ctx, oa.id)
    opened = ctx.sealer.open(row.secrets_sealed)
    assert opened["access_token"] and opened["refresh_token"] and opened["app_secret"] == APP_SECRET
    assert row.settings["oa_id"] == "oa-1" and row.health == "ok"
    expires = row.credentials_expire_at.replace(tzinfo=dt.UTC)
    assert (
        dt.timedelta(hours=24) < expires - utcnow().replace(tzinfo=dt.UTC) <= dt.timedelta(hours=25)
    )


def test_a_code_without_its_verifier_is_refused(make_target, fake) -> None:
    target = make_target()
    code = fake("consent", {"code_challenge": "x" * 43})["code"]
    with pytest.raises(AuthError, match="-14019"):
        asyncio.run(
            ZaloChannel().exchange_code(
                target, params={"code": code}, redirect_uri="http://loa.test/cb", code_verifier="y"
            )
        )


def test_refresh_rotates_and_a_spent_refresh_token_is_refused(make_target) -> None:
    target = make_target()
    channel = ZaloChannel()
    fresh = asyncio.run(channel.refresh(target))
    assert fresh.secrets["refresh_token"] != target.secrets["refresh_token"]
    assert fresh.expires_at is not None
    with pytest.raises(AuthError, match="-14014"):  # single use
        asyncio.run(channel.refresh(target))
    assert target.secrets["refresh_token"] not in str(fresh)


def _give(ctx, target_id: int, pair: dict[str, str], expires_in: dt.timedelta) -> None:
    secrets = {"access_token": pair["access_token"], "refresh_token": pair["refresh_token"]}
    store(ctx, target_id, Credentials(secrets), actor="test", action="target.connect")
    with ctx.transaction() as session:
        session.get(ChannelTarget, target_id).credentials_expire_at = utcnow() + expires_in


def _fresh(ctx, target_id: int) -> Any:
    target = call_target(ctx, _row(ctx, target_id))
    return asyncio.run(fresh_target(ctx, ctx.channel("zalo"), target))


def test_two_workers_spend_one_refresh_token_once(ctx, oa, fake) -> None:
    pair = fake("pair", {"oa_id": "oa-1"})
    _give(ctx, oa.id, pair, dt.timedelta(hours=4))  # due: 5 h before expiry
    results: list[object] = []

    def worker() -> None:
        try:
            results.append(_fresh(ctx, oa.id).secrets["access_token"])
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake("state")["refreshes"] == [pair["refresh_token"]]  # spent exactly once
    assert len(set(results)) == 1 and isinstance(results[0], str)
    stored = ctx.sealer.open(_row(ctx, oa.id).secrets_sealed)
    assert stored["access_token"] == results[0] != pair["access_token"]
    assert stored["refresh_token"] != pair["refresh_token"]
    assert _row(ctx, oa.id).health == "ok"


def test_a_failed_refresh_needs_consent_again(ctx, oa, fake) -> None:
    pair = fake("pair", {"oa_id": "oa-1"})
    _give(ctx, oa.id, pair, dt.timedelta(hours=1))
    fake("revoke", {"oa_id": "oa-1"})
    with pytest.raises(AuthError):
        _fresh(ctx, oa.id)
    row = _row(ctx, oa.id)
    assert row.health == "needs_reauthorisation"
    assert pair["refresh_token"] not in (row.health_detail or "")


def test_the_sandbox_keeps_no_oauth_credential(make_target, fake) -> None:
    target = make_target()
    asyncio.run(ZaloChannel().refresh(target))
    recorded = str(fake("requests")["requests"])
    assert target.secrets["refresh_token"] not in recorded and APP_SECRET not in recorded
