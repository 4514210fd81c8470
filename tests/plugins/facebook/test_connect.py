"""Connecting a Page by consent keeps the Page token; the daily check catches a dead one."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest

from core import AuthError, Connectable, Target
from plugins.facebook.channel import FacebookChannel
from tests.plugins.facebook.support import PAGE_ID, PAGE_TOKEN


def run(coro):
    return asyncio.run(coro)


def unconnected(target: Target) -> Target:
    secrets = {k: v for k, v in target.secrets.items() if k != "page_token"}
    return Target(
        target.id, target.name, target.settings, secrets, target.timeout, target.allow_networks
    )


def test_the_consent_url_asks_for_the_page_permissions(make_target):
    channel = FacebookChannel()
    assert isinstance(channel, Connectable) and channel.pkce is False
    url = channel.authorise_url(
        make_target(),
        redirect_uri="https://loa.vn/channels/connect/callback",
        state="st4te",
        code_challenge=None,
    )
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.netloc == "www.facebook.com" and parts.path == "/v26.0/dialog/oauth"
    assert query["state"] == ["st4te"] and query["client_id"] == ["4242424242"]
    assert {"pages_manage_posts", "pages_manage_engagement", "publish_video"} <= set(
        query["scope"][0].split(",")
    )


def test_exchange_keeps_the_page_token_not_the_user_token(sandbox, make_target):
    channel, target = FacebookChannel(), unconnected(make_target())
    code = sandbox.control("consent", {})["code"]
    creds = run(
        channel.exchange_code(
            target, params={"code": code}, redirect_uri="https://loa.vn/cb", code_verifier=None
        )
    )
    assert dict(creds.secrets) == {"page_token": PAGE_TOKEN}
    assert creds.settings["page_name"] == "UBND xã Tân Lập"
    assert creds.settings["visitor_posts"] == "off" and creds.notice == ""
    assert creds.expires_at is not None  # the daily check
    assert sandbox.state.pages[PAGE_ID].subscribed_fields == ["feed"]  # webhooks for comments
    with pytest.raises(AuthError):  # a code works once
        run(
            channel.exchange_code(
                target, params={"code": code}, redirect_uri="https://loa.vn/cb", code_verifier=None
            )
        )


def test_an_account_that_does_not_manage_the_page_is_refused(sandbox, make_target):
    target = make_target()
    other = Target(
        target.id,
        target.name,
        {**target.settings, "page_id": "999"},
        target.secrets,
        target.timeout,
        target.allow_networks,
    )
    code = sandbox.control("consent", {})["code"]
    with pytest.raises(AuthError, match="does not manage Page 999"):
        run(
            FacebookChannel().exchange_code(
                other, params={"code": code}, redirect_uri="https://loa.vn/cb", code_verifier=None
            )
        )


def test_a_user_token_stored_as_the_page_token_fails_the_check(sandbox, make_target):
    code = sandbox.control("consent", {})["code"]
    user_token = sandbox.state.codes[code]
    with pytest.raises(AuthError, match="not a Page token"):
        run(FacebookChannel().refresh(make_target(page_token=user_token)))


def test_the_daily_check_marks_a_revoked_token_and_reports_visitor_posts(sandbox, make_target):
    channel, target = FacebookChannel(), make_target()
    sandbox.control(
        "pages", {"page_id": PAGE_ID, "name": "UBND", "token": PAGE_TOKEN, "users_can_post": True}
    )
    creds = run(channel.refresh(target))
    assert creds.secrets == {} and creds.settings["visitor_posts"] == "allowed"
    assert "S4.4" in creds.notice and "visitors post" in creds.notice  # health: attention
    sandbox.control("tokens/revoke", {"token": PAGE_TOKEN, "subcode": 458})
    with pytest.raises(AuthError, match="190/458"):
        run(channel.refresh(target))
