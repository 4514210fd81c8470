"""Every Graph error mapped to the delivery outcome it asks for; limits, tokens, timeouts."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from core import AuthError, OutcomeUnknown, PermanentError, RateLimited, TransientError
from core.log_redaction import redact
from plugins.facebook.channel import FacebookChannel
from tests.plugins.facebook.support import APP_SECRET, PAGE_ID, PAGE_TOKEN


def run(coro):
    return asyncio.run(coro)


def publish(channel, target, item, key):
    return run(channel.publish(channel.render(item, target), target, key=key))


@pytest.mark.parametrize(
    ("status", "error", "expected", "retry_after"),
    [
        (500, {"code": 1, "message": "An unknown error occurred"}, TransientError, None),
        (503, {"code": 2, "message": "Service temporarily unavailable"}, TransientError, None),
        (400, {"code": 4, "message": "(#4) Application request limit reached"}, RateLimited, 300),
        (400, {"code": 17, "message": "(#17) User request limit reached"}, RateLimited, 300),
        (400, {"code": 32, "message": "(#32) Page request limit reached"}, RateLimited, 300),
        (400, {"code": 613, "message": "(#613) Calls exceeded the rate"}, RateLimited, 300),
        (400, {"code": 368, "message": "Temporarily blocked for policy"}, RateLimited, 3600),
        (
            400,
            {"code": 100, "error_subcode": 1390008, "message": "posting too fast"},
            RateLimited,
            300,
        ),
        (400, {"code": 1, "error_subcode": 1363047, "message": "try later"}, TransientError, None),
        (400, {"code": 190, "error_subcode": 460, "message": "password changed"}, AuthError, None),
        (
            400,
            {"code": 190, "error_subcode": 463, "message": "Session has expired"},
            AuthError,
            None,
        ),
        (403, {"code": 200, "message": "(#200) Permissions error"}, AuthError, None),
        (400, {"code": 10, "message": "(#10) Permission denied"}, AuthError, None),
        (400, {"code": 100, "message": "(#100) Invalid parameter"}, PermanentError, None),
        (
            400,
            {"code": 100, "error_subcode": 1609005, "message": "Error posting link"},
            PermanentError,
            None,
        ),
        (400, {"code": 506, "message": "Duplicate status message"}, OutcomeUnknown, None),
    ],
)
def test_each_graph_error_is_the_right_delivery_outcome(
    sandbox, make_target, make_item, status, error, expected, retry_after
):
    sandbox.control(
        "faults",
        {
            "path_contains": "/feed",
            "method": "POST",
            "status": status,
            "error": {"type": "OAuthException", **error},
        },
    )
    with pytest.raises(expected) as raised:
        publish(FacebookChannel(), make_target(), make_item(), "k-error")
    if expected is TransientError:
        assert not isinstance(raised.value, RateLimited | AuthError)
    if retry_after is not None:
        assert raised.value.retry_after == retry_after
    assert f"#{error['code']}" in str(raised.value)


def test_a_page_rate_limit_waits_for_the_time_facebook_names(sandbox, make_target, make_item):
    usage = {
        PAGE_ID: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 40,
                "total_time": 40,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    sandbox.control(
        "faults",
        {
            "path_contains": "/feed",
            "status": 400,
            "error": {"code": 80001, "message": "too many calls to this Page account"},
            "headers": {"x-business-use-case-usage": json.dumps(usage)},
        },
    )
    with pytest.raises(RateLimited) as raised:
        publish(FacebookChannel(), make_target(), make_item(), "k-80001")
    assert raised.value.retry_after == 7 * 60
    before = len(sandbox.requests())
    with pytest.raises(RateLimited):  # and Loa does not call again meanwhile
        publish(FacebookChannel(), make_target(), make_item(), "k-80001")
    assert len(sandbox.requests()) == before


def test_usage_headers_slow_loa_down_before_the_limit(sandbox, make_target, make_item):
    channel, target = FacebookChannel(), make_target()
    sandbox.control("usage", {"page_id": PAGE_ID, "percent": 93})
    publish(channel, target, make_item(), "k-1")  # answered, with usage at 93%
    sent = len(sandbox.requests("/feed"))
    with pytest.raises(RateLimited) as raised:
        publish(channel, target, make_item(), "k-2")
    assert 0 < raised.value.retry_after <= 5 * 60
    assert len(sandbox.requests("/feed")) == sent  # refused before sending
    assert len(sandbox.dump()["posts"]) == 1


def test_at_the_limit_the_sandbox_answers_80001_not_429(sandbox, make_target, make_item):
    sandbox.control("usage", {"page_id": PAGE_ID, "percent": 100, "regain_minutes": 3})
    with pytest.raises(RateLimited) as raised:
        publish(FacebookChannel(), make_target(), make_item(), "k-full")
    assert raised.value.retry_after == 180
    assert sandbox.requests("/feed")[-1]["status"] == 400


@pytest.mark.parametrize("how", ["revoke", "expire"])
def test_a_token_dying_mid_run_stops_without_a_retry_storm(sandbox, make_target, make_item, how):
    channel, target = FacebookChannel(), make_target()
    publish(channel, target, make_item(), "k-ok")
    sandbox.control(f"tokens/{how}", {"token": PAGE_TOKEN})
    with pytest.raises(AuthError, match=r"190/46[03]"):
        publish(channel, target, make_item(), "k-dead-1")
    calls = len(sandbox.requests())
    for n in range(5):  # the rest of the queue for this Page
        with pytest.raises(AuthError):
            publish(channel, target, make_item(), f"k-dead-{n + 2}")
    assert len(sandbox.requests()) == calls
    assert len(sandbox.dump()["posts"]) == 1
    # a new token (the Page reconnected) is tried again
    sandbox.control("pages", {"page_id": PAGE_ID, "name": "UBND", "token": "EAANEW" + "y" * 30})
    publish(channel, make_target(page_token="EAANEW" + "y" * 30), make_item(), "k-new")
    assert len(sandbox.dump()["posts"]) == 2


def test_a_timeout_after_facebook_stored_the_post_reconciles_to_one_post(
    sandbox, make_target, make_item
):
    channel, target = FacebookChannel(), make_target(timeout=0.5)
    sandbox.control(
        "faults",
        {"path_contains": "/feed", "method": "POST", "mode": "timeout_after_store", "delay": 1.5},
    )
    with pytest.raises(OutcomeUnknown):
        publish(channel, target, make_item(), "k-timeout")
    found = run(channel.reconcile(target, key="k-timeout"))
    posts = sandbox.dump()["posts"]
    assert found is not None and list(posts) == [found.remote_id]
    assert run(channel.reconcile(target, key="k-never-sent")) is None


def test_credentials_never_reach_logs_errors_or_payloads(sandbox, make_target, make_item, caplog):
    caplog.set_level(logging.DEBUG)
    channel, target = FacebookChannel(), make_target()
    rendered = channel.render(make_item(source="Báo Nhân Dân"), target)
    remote = run(channel.publish(rendered, target, key="k-secret"))
    run(channel.refresh(target))  # the daily debug_token check
    sandbox.control(
        "faults",
        {
            "path_contains": "/feed",
            "status": 400,
            "error": {"code": 190, "message": f"bad token {PAGE_TOKEN}"},
        },
    )
    with pytest.raises(AuthError) as raised:
        run(channel.publish(rendered, target, key="k-secret-2"))
    secrets = (PAGE_TOKEN, APP_SECRET)
    texts = [str(raised.value), json.dumps(dict(rendered.payload)), repr(remote)]
    texts += [redact(r.getMessage()) for r in caplog.records]  # what Loa's handlers write
    texts += [r.getMessage() for r in caplog.records if r.name.startswith("loa")]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert "[redacted]" in str(raised.value)
    logged = json.dumps(sandbox.requests())  # nor in what the sandbox shows a demo audience
    assert PAGE_TOKEN not in logged
