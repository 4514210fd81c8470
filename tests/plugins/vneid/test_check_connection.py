"""The connection check: in partner mode the sandbox's API answers with the key and refuses
another; in assisted mode there is nothing to reach."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core import AuthError, Target
from core.outbound import LOOPBACK
from plugins.vneid.channel import VneidChannel
from tests.plugins.vneid.conftest import API_KEY


def _target(settings: dict[str, Any], secrets: dict[str, str]) -> Target:
    return Target(1, "VNeID", settings, secrets, timeout=5.0, allow_networks=LOOPBACK)


def test_partner_mode_answers_with_its_key_only(sandbox: Any) -> None:
    settings = {"mode": "partner", "api_url": sandbox.url}
    note = asyncio.run(VneidChannel().check_connection(_target(settings, {"api_key": API_KEY})))
    assert "trả lời" in note
    with pytest.raises(AuthError):
        asyncio.run(VneidChannel().check_connection(_target(settings, {"api_key": "wrong"})))


def test_assisted_mode_has_nothing_to_reach() -> None:
    note = asyncio.run(VneidChannel().check_connection(_target({"mode": "assisted"}, {})))
    assert "thủ công" in note
