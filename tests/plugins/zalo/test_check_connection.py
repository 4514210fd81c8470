"""The connection check against the Zalo sandbox: the OA answers with its access token; a
wrong or missing token is an AuthError."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest

from core import AuthError, Target
from plugins.zalo.channel import ZaloChannel


def test_the_official_account_answers(make_target: Callable[..., Target]) -> None:
    assert "trả lời" in asyncio.run(ZaloChannel().check_connection(make_target()))


def test_a_wrong_or_missing_token_needs_reconnecting(make_target: Callable[..., Target]) -> None:
    target = make_target()
    for secrets in ({**target.secrets, "access_token": "wrong"}, {"app_secret": "x"}):
        with pytest.raises(AuthError):
            asyncio.run(
                ZaloChannel().check_connection(dataclasses.replace(target, secrets=secrets))
            )
