"""How each Zalo refusal (HTTP 200, negative ``error``) reaches Loa, as a typed error.

Faults are queued through the sandbox's ``/__fake/faults``; token expiry and revocation are
the sandbox's own, driven by its clock.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from core import AuthError, OutcomeUnknown, PermanentError, RateLimited, TransientError
from plugins.zalo.channel import ZaloChannel
from plugins.zalo.errors import CODES, error_for

CREATE = "/v2.0/article/create"


def _publish(target, item, key: str = "k1"):
    channel = ZaloChannel()
    return asyncio.run(channel.publish(channel.render(item, target), target, key=key))


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (-32, RateLimited),
        (-201, PermanentError),
        (-204, AuthError),
        (-209, AuthError),
        (-210, PermanentError),
        (-211, RateLimited),
        (-216, AuthError),
        (-220, AuthError),
        (-221, AuthError),
        (-223, AuthError),
        (-224, AuthError),
        (-248, PermanentError),
        (-999, PermanentError),  # undocumented: refused, never retried blindly
    ],
)
def test_error_codes_map_to_typed_errors(make_target, make_item, fake, code, error):
    fake("faults", {"path": CREATE, "error": code, "message": "whatever Zalo says"})
    with pytest.raises(error) as raised:
        _publish(make_target(), make_item())
    assert str(code) in str(raised.value)
    assert "whatever Zalo says" not in str(raised.value)  # Zalo's own words are not copied
    assert fake("state")["articles"] == []


def test_every_documented_code_has_a_type():
    for code in CODES:
        assert isinstance(error_for(code, "", "/x"), (TransientError, AuthError, PermanentError))
    assert isinstance(error_for(-214, "", "/x"), TransientError)
    assert isinstance(error_for(-14999, "", "/x"), AuthError)  # the OAuth family


def test_a_rate_limit_carries_a_delay_and_is_honoured(make_target, make_item, fake):
    fake("config", {"rate_limit": 3})
    target = make_target()
    with pytest.raises(RateLimited) as raised:  # getslice, create, verify, then refused
        _publish(target, make_item())
        _publish(target, make_item(), key="k2")
    assert raised.value.retry_after == 60.0
    assert "-32" in str(raised.value)
    fake("clock", {"advance": 61})  # the next minute: allowed again
    fake("config", {"rate_limit": 4000})
    assert _publish(target, make_item(), key="k3").remote_id


def test_the_article_quota_is_a_wait_not_a_failure(make_target, make_item, fake):
    fake("config", {"article_quota": 1})
    target = make_target()
    _publish(target, make_item())
    with pytest.raises(RateLimited, match="quota") as raised:
        _publish(target, make_item(), key="k2")
    assert raised.value.retry_after >= 3600


def test_server_errors_are_transient(make_target, make_item, fake):
    fake("faults", {"path": CREATE, "status": 503})
    with pytest.raises(TransientError):
        _publish(make_target(), make_item())


def test_an_expired_token_mid_run_is_an_auth_error(make_target, make_item, fake):
    target = make_target()
    _publish(target, make_item())
    fake("clock", {"advance": 90_001})  # 25 h later
    with pytest.raises(AuthError, match="-220"):
        _publish(target, make_item(), key="k2")


def test_a_revoked_token_mid_run_is_an_auth_error(make_target, make_item, fake):
    target = make_target()
    _publish(target, make_item())
    fake("revoke", {"oa_id": "oa-1"})
    with pytest.raises(AuthError, match="-216"):
        _publish(target, make_item(), key="k2")


def test_unreachable_zalo_is_transient_and_a_lost_answer_unknown(make_target, make_item, fake):
    dead = make_target(api_base="http://127.0.0.1:9")
    with pytest.raises(TransientError) as raised:
        _publish(dead, make_item())
    assert not isinstance(raised.value, OutcomeUnknown)
    fake("faults", {"path": CREATE, "delay": 1.0})
    with pytest.raises(OutcomeUnknown):
        _publish(make_target(timeout=0.3), make_item())


def test_credentials_never_reach_logs_errors_or_payloads(make_target, make_item, fake, caplog):
    caplog.set_level(logging.DEBUG)
    target = make_target()
    secrets = list(target.secrets.values())
    errors = []
    for code in (-216, -201, -32):
        fake("faults", {"path": CREATE, "error": code})
        try:
            _publish(target, make_item())
        except Exception as exc:
            errors.append(f"{exc!s} {exc!r} {exc.__cause__!r} {exc.__context__!r}")
    rendered = ZaloChannel().render(make_item(), target)
    remote = _publish(target, make_item())
    seen = " ".join([caplog.text, *errors, repr(rendered), repr(remote)])
    for secret in secrets:
        assert secret not in seen
    recorded = " ".join(str(r) for r in fake("requests")["requests"])
    assert target.secrets["access_token"] not in recorded  # the sandbox redacts what it keeps
