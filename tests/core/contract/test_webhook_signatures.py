"""The public webhook helpers plugins build on: the ``sha256=`` HMAC signature, its
constant-time check and the ``hub.challenge`` handshake."""

from __future__ import annotations

import pytest

from core import (
    InboundRequest,
    WebhookRefused,
    hub_challenge,
    require_sha256_signature,
    sha256_signature,
)

# RFC 4231, test case 2.
RFC_SIGNATURE = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
BODY = b"what do ya want for nothing?"


def get(**query: str) -> InboundRequest:
    return InboundRequest("GET", {}, query, b"")


def test_signature_is_the_hmac_sha256_of_the_raw_body() -> None:
    assert sha256_signature("Jefe", BODY) == RFC_SIGNATURE


def test_a_good_signature_passes_and_any_other_is_refused_with_the_reason() -> None:
    require_sha256_signature("Jefe", BODY, RFC_SIGNATURE)
    with pytest.raises(WebhookRefused, match="bad signature"):
        require_sha256_signature("Jefe", BODY + b" ", RFC_SIGNATURE)
    with pytest.raises(WebhookRefused, match="no X-Sig"):
        require_sha256_signature("Jefe", BODY, "", "no X-Sig")


def test_without_a_secret_nothing_is_accepted() -> None:
    with pytest.raises(WebhookRefused):
        require_sha256_signature("", BODY, sha256_signature("", BODY))


def test_hub_challenge_echoes_only_for_the_targets_verify_token() -> None:
    ok = get(**{"hub.mode": "subscribe", "hub.verify_token": "t0k", "hub.challenge": "42"})
    assert hub_challenge(ok, "t0k") == "42"
    with pytest.raises(WebhookRefused, match="wrong verify token"):
        hub_challenge(ok, "other")
    with pytest.raises(WebhookRefused, match="not a subscription check"):
        hub_challenge(ok, "")
    with pytest.raises(WebhookRefused, match="not a subscription check"):
        hub_challenge(get(**{"hub.verify_token": "t0k", "hub.challenge": "42"}), "t0k")
