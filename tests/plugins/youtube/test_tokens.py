"""Google OAuth: consent with offline access and PKCE, refresh, a grant revoked mid-run, and a
project in Testing whose refresh tokens die after 7 days (health says so beforehand)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from core import AuthError, Target
from plugins.youtube.channel import YouTubeChannel

from .conftest import CHANNEL, CLIENT_SECRET

REDIRECT = "https://loa.example.vn/channels/connect/callback"
VERIFIER = "v" * 64


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _unconnected(target: Target, **settings) -> Target:
    return Target(
        target.id,
        target.name,
        {**target.settings, **settings},
        {"client_secret": CLIENT_SECRET},
        target.timeout,
        target.allow_networks,
    )


def _consent(channel, target) -> dict[str, str]:
    url = channel.authorise_url(
        target, redirect_uri=REDIRECT, state="st-1", code_challenge=_challenge(VERIFIER)
    )
    query = parse_qs(urlsplit(url).query)
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert "https://www.googleapis.com/auth/youtube.force-ssl" in query["scope"][0].split()
    answer = httpx.get(url + f"&login_hint={CHANNEL}", follow_redirects=False)
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["location"]).query)
    assert back["state"] == ["st-1"]
    return {"code": back["code"][0], "scope": back["scope"][0]}


def test_consent_gives_a_refresh_token_and_the_channel(make_target):
    channel = YouTubeChannel()
    target = _unconnected(make_target())
    params = _consent(channel, target)
    creds = asyncio.run(
        channel.exchange_code(target, params=params, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    )
    assert creds.secrets["refresh_token"].startswith("1//") and creds.secrets["access_token"]
    assert creds.settings == {"channel_id": CHANNEL} and creds.warning == ""
    assert creds.expires_at is not None and creds.expires_at > dt.datetime.now(
        dt.UTC
    ) + dt.timedelta(minutes=55)
    # a refresh returns only the new access token: core keeps the refresh token
    connected = Target(
        1,
        "t",
        target.settings,
        {"client_secret": CLIENT_SECRET, **creds.secrets},
        allow_networks=target.allow_networks,
    )
    fresh = asyncio.run(channel.refresh(connected))
    assert (
        set(fresh.secrets) == {"access_token"}
        and fresh.secrets["access_token"] != creds.secrets["access_token"]
    )


def test_a_code_with_the_wrong_verifier_or_used_twice_is_refused(make_target):
    channel = YouTubeChannel()
    target = _unconnected(make_target())
    params = _consent(channel, target)
    with pytest.raises(AuthError):
        asyncio.run(
            channel.exchange_code(
                target, params=params, redirect_uri=REDIRECT, code_verifier="w" * 64
            )
        )
    with pytest.raises(AuthError):  # the code was spent by the refused attempt
        asyncio.run(
            channel.exchange_code(
                target, params=params, redirect_uri=REDIRECT, code_verifier=VERIFIER
            )
        )
    with pytest.raises(AuthError):
        asyncio.run(
            channel.exchange_code(
                target,
                params={"error": "access_denied"},
                redirect_uri=REDIRECT,
                code_verifier=VERIFIER,
            )
        )


def test_a_project_in_testing_is_detected_and_its_grant_dies_after_7_days(make_target, fake):
    fake("config", {"testing_mode": True})
    channel = YouTubeChannel()
    target = _unconnected(make_target())
    params = _consent(channel, target)
    creds = asyncio.run(
        channel.exchange_code(target, params=params, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    )
    ends = dt.datetime.fromisoformat(creds.settings["consent_expires_at"])
    assert dt.timedelta(days=6, hours=23) < ends - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)
    assert "Testing" in creds.warning and "Thử nghiệm" in creds.warning
    connected = Target(
        1,
        "t",
        {**target.settings, **creds.settings},
        {"client_secret": CLIENT_SECRET, **creds.secrets},
        allow_networks=target.allow_networks,
    )
    assert "Testing" in asyncio.run(channel.refresh(connected)).warning  # health stays expiring
    fake("clock", {"now": (dt.datetime.now(dt.UTC) + dt.timedelta(days=7, minutes=1)).isoformat()})
    with pytest.raises(AuthError) as caught:
        asyncio.run(channel.refresh(connected))
    assert "invalid_grant" in str(caught.value)
    assert creds.secrets["refresh_token"] not in str(caught.value)


def test_the_testing_mode_setting_warns_when_google_says_nothing(make_target):
    channel = YouTubeChannel()
    target = _unconnected(make_target(), testing_mode=True)
    params = _consent(channel, target)
    creds = asyncio.run(
        channel.exchange_code(target, params=params, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    )
    assert "consent_expires_at" in creds.settings and "Testing" in creds.warning


def test_a_grant_revoked_mid_run_is_an_auth_error(make_target, make_item, fake):
    channel, target = YouTubeChannel(), make_target()
    first = asyncio.run(channel.publish(channel.render(make_item(), target), target, key="a"))
    creds = asyncio.run(channel.refresh(target))
    live = Target(
        1,
        "t",
        target.settings,
        {**target.secrets, **creds.secrets},
        allow_networks=target.allow_networks,
    )
    fake("revoke", {"channel_id": CHANNEL})
    with pytest.raises(AuthError) as caught:
        asyncio.run(channel.retract(first, live, key="b"))
    assert "invalid_grant" in str(caught.value)
    tokens = [r for r in fake("requests")["requests"] if r["path"] == "/token"]
    assert len(tokens) == 3  # publish, refresh, and one retry after the 401: no storm


def test_an_expired_access_token_is_refreshed_once_and_the_call_repeated(
    make_target, make_item, fake
):
    channel, target = YouTubeChannel(), make_target()
    stale = Target(
        1,
        "t",
        target.settings,
        {**target.secrets, "access_token": "ya29.stale"},
        allow_networks=target.allow_networks,
    )
    remote = asyncio.run(channel.publish(channel.render(make_item(), stale), stale, key="a"))
    assert remote.remote_id in fake("state")["videos"]
    statuses = [r["status"] for r in fake("requests")["requests"] if r["path"] != "/token"][:2]
    assert statuses == [401, 200]


def test_an_unconnected_target_is_an_auth_error(make_target, make_item):
    channel = YouTubeChannel()
    target = _unconnected(make_target())
    with pytest.raises(AuthError):
        asyncio.run(channel.publish(channel.render(make_item(), target), target, key="a"))
