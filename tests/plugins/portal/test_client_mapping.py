"""Client edge cases that a live server cannot easily produce (clock skew, HTTP dates)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from email.utils import format_datetime

import httpx
import pytest

from core import AuthError, PermanentError, RateLimited, Remote, Target
from plugins.portal.channel import PortalChannel
from plugins.portal.client import PortalClient, sign_headers

SECRET = "whsec_" + base64.b64encode(b"z" * 32).decode()


def _client(handler) -> PortalClient:
    return PortalClient(
        "https://portal.test/sites/a/webhook",
        [SECRET],
        timeout=2,
        transport=httpx.MockTransport(handler),
    )


def test_stale_timestamp_is_an_auth_error_about_the_clock():
    client = _client(lambda r: httpx.Response(400, json={"error": "stale_timestamp"}))
    with pytest.raises(AuthError, match="clock"):
        asyncio.run(client.send("article.published", {}, message_id="m"))


def test_retry_after_as_http_date():
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    headers = {"retry-after": format_datetime(when, usegmt=True)}
    client = _client(lambda r: httpx.Response(429, headers=headers))
    with pytest.raises(RateLimited) as caught:
        asyncio.run(client.send("article.published", {}, message_id="m"))
    assert 100 < caught.value.retry_after <= 120


def test_2xx_without_id_is_permanent():
    client = _client(lambda r: httpx.Response(200, text="OK"))
    with pytest.raises(PermanentError, match="without a JSON"):
        asyncio.run(client.send("article.published", {}, message_id="m"))


def test_an_echoed_secret_is_scrubbed():
    client = _client(lambda r: httpx.Response(400, json={"error": f"bad key {SECRET}"}))
    with pytest.raises(PermanentError) as caught:
        asyncio.run(client.send("article.published", {}, message_id="m"))
    assert SECRET not in str(caught.value)
    assert SECRET.removeprefix("whsec_") not in str(caught.value)


def test_rotation_sends_two_signatures_and_the_body_is_what_was_signed():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "a-1", "url": "https://portal.test/a/1"})

    nxt = "whsec_" + base64.b64encode(b"n" * 32).decode()
    target = Target(
        1,
        "t",
        {"webhook_url": "https://portal.test/h"},
        {"webhook_secret": SECRET, "webhook_secret_next": nxt},
    )
    channel = PortalChannel(transport=httpx.MockTransport(handler))
    asyncio.run(channel.retract(Remote("a-1"), target, key="k9"))
    (request,) = seen
    signatures = request.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    ts = int(request.headers["webhook-timestamp"])
    when = dt.datetime.fromtimestamp(ts, dt.UTC)
    for secret, sig in zip([SECRET, nxt], signatures, strict=True):
        expected = sign_headers([secret], "k9", request.content, when)["webhook-signature"]
        assert sig == expected
    assert request.headers["webhook-id"] == "k9"
    assert b'"portal_id":"a-1"' in request.content
