"""How each failure of a portal receiver reaches the delivery pipeline, as a typed error.

Faults are injected through the sandbox's ``/__fake/faults``; the timeouts are
real (the sandbox sleeps past the client's timeout on a real socket).
"""

from __future__ import annotations

import asyncio
import base64
import socket
import time

import httpx
import pytest

from core import (
    AuthError,
    ChannelError,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    Remote,
    Target,
    TransientError,
)
from core.outbound import LOOPBACK
from plugins.portal.channel import PortalChannel


def _fault(sandbox, **fault) -> None:
    r = httpx.post(f"{sandbox.url}/__fake/faults", json=fault)
    assert r.status_code == 200, r.text


def _publish(target: Target, item, key: str = "key-1") -> Remote:
    channel = PortalChannel()
    return asyncio.run(channel.publish(channel.render(item, target), target, key=key))


def _assert_no_secret(error: BaseException, secret: str) -> None:
    raw = secret.removeprefix("whsec_")
    text = f"{error!s} {error!r} {error.__cause__!r} {error.__context__!r}"
    assert secret not in text and raw not in text


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 500}, TransientError),
        ({"status": 503}, TransientError),
        ({"status": 401}, AuthError),
        ({"status": 403}, AuthError),
        ({"status": 422}, PermanentError),
        ({"status": 404}, PermanentError),
    ],
)
def test_status_codes_map_to_typed_errors(sandbox, make_target, make_item, secret, fault, error):
    _fault(sandbox, **fault)
    target = make_target()
    with pytest.raises(error) as caught:
        _publish(target, make_item())
    assert type(caught.value) is error
    assert str(fault["status"]) in str(caught.value)
    _assert_no_secret(caught.value, secret)
    # The fault was used up; the same key now goes through.
    assert _publish(target, make_item()).remote_id == "xa-tan-lap-1"


def test_429_is_rate_limited_with_retry_after(sandbox, make_target, make_item):
    _fault(sandbox, status=429, retry_after=2)
    with pytest.raises(RateLimited) as caught:
        _publish(make_target(), make_item())
    assert caught.value.retry_after == 2.0
    assert caught.value.retry


def test_a_real_422_from_the_schema_is_permanent(sandbox, make_target, make_item):
    channel, target = PortalChannel(), make_target()
    rendered = channel.render(make_item(), target)
    broken = type(rendered)(payload={**rendered.payload, "title": ""}, text=rendered.text)
    with pytest.raises(PermanentError, match="422"):
        asyncio.run(channel.publish(broken, target, key="k"))


def test_wrong_secret_is_an_auth_error_and_never_quoted(sandbox, make_target, make_item):
    wrong = "whsec_" + base64.b64encode(b"a-wrong-secret-of-32-bytes-long!").decode()
    with pytest.raises(AuthError, match="invalid_signature") as caught:
        _publish(make_target(secret=wrong), make_item())
    _assert_no_secret(caught.value, wrong)


def test_misconfigured_secret_fails_before_sending(sandbox, make_target, make_item):
    with pytest.raises(AuthError) as caught:
        _publish(make_target(secret="plain-text-password-123"), make_item())
    assert "plain-text-password-123" not in str(caught.value)
    assert httpx.get(f"{sandbox.url}/__fake/requests").json()["requests"] == []


def test_connection_refused_is_transient(make_item):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    secret = "whsec_" + base64.b64encode(b"x" * 32).decode()
    target = Target(
        1,
        "gone",
        {"webhook_url": f"http://127.0.0.1:{port}/h"},
        {"webhook_secret": secret},
        allow_networks=LOOPBACK,
    )
    with pytest.raises(TransientError) as caught:
        _publish(target, make_item())
    assert type(caught.value) is TransientError
    _assert_no_secret(caught.value, secret)


def test_timeout_after_store_is_unknown_then_reconcile_finds_it(sandbox, make_target, make_item):
    target = make_target(timeout=0.5)
    _fault(sandbox, mode="timeout_after_store", delay=1.5)
    started = time.monotonic()
    with pytest.raises(OutcomeUnknown):
        _publish(target, make_item(), key="delivery-7-attempt-1")
    assert time.monotonic() - started < 1.4
    found = asyncio.run(PortalChannel().reconcile(target, key="delivery-7-attempt-1"))
    assert found == Remote("xa-tan-lap-1", f"{sandbox.url}/sites/xa-tan-lap/articles/1")
    assert asyncio.run(PortalChannel().reconcile(target, key="never-sent")) is None
    # A retry under the same key is deduplicated, not posted twice.
    assert _publish(target, make_item(), key="delivery-7-attempt-1") == found
    stats = httpx.get(f"{sandbox.url}/__fake/stats").json()["sites"]["xa-tan-lap"]
    assert stats["article.published"] == 1


def test_timeout_before_store_is_unknown_and_reconcile_finds_nothing(
    sandbox, make_target, make_item
):
    target = make_target(timeout=0.5)
    _fault(sandbox, mode="timeout_before_store", delay=1.0)
    with pytest.raises(OutcomeUnknown):
        _publish(target, make_item(), key="k-before")
    assert asyncio.run(PortalChannel().reconcile(target, key="k-before")) is None
    assert _publish(target, make_item(), key="k-before").remote_id == "xa-tan-lap-1"


def test_reconcile_is_none_when_the_receiver_has_no_lookup_route(serve, make_item):
    """A receiver that never implemented the optional endpoint answers 404 or 405."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def method_not_allowed(request):
        return PlainTextResponse("no", status_code=405)

    app = Starlette(routes=[Route("/h/messages/{m}", method_not_allowed)])
    server = serve(app)
    secret = "whsec_" + base64.b64encode(b"y" * 32).decode()
    for url in (f"{server.url}/h", f"{server.url}/elsewhere"):
        target = Target(
            1, "t", {"webhook_url": url}, {"webhook_secret": secret}, allow_networks=LOOPBACK
        )
        assert asyncio.run(PortalChannel().reconcile(target, key="k")) is None


def test_reconcile_refuses_a_lookup_signed_for_another_message(
    sandbox, make_target, make_item, secret
):
    """The lookup's signature binds the message id, so it cannot be replayed for another."""
    from plugins.portal.client import sign_headers

    _publish(make_target(), make_item(), key="mine")
    headers = sign_headers([secret], "other", b"")
    r = httpx.get(f"{sandbox.url}/sites/xa-tan-lap/webhook/messages/mine", headers=headers)
    assert r.status_code == 400
    ok = httpx.get(
        f"{sandbox.url}/sites/xa-tan-lap/webhook/messages/mine",
        headers=sign_headers([secret], "mine", b""),
    )
    assert ok.status_code == 200 and ok.json()["id"] == "xa-tan-lap-1"


def test_every_error_is_a_channel_error_without_the_secret(sandbox, make_target, make_item, secret):
    target = make_target(timeout=0.5)
    faults = [
        {"status": 500},
        {"status": 429},
        {"status": 401},
        {"status": 418},
        {"mode": "timeout_after_store", "delay": 1.0},
    ]
    for n, fault in enumerate(faults):
        _fault(sandbox, **fault)
        with pytest.raises(ChannelError) as caught:
            _publish(target, make_item(uid=f"item-{n}"), key=f"k{n}")
        _assert_no_secret(caught.value, secret)
    log = httpx.get(f"{sandbox.url}/__fake/requests").text
    assert secret not in log and secret.removeprefix("whsec_") not in log
