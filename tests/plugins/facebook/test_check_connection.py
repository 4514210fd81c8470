"""The connection check against the Graph sandbox: the Page answers with its token; a wrong
token is an AuthError (the target needs reconnecting); no token at all, too."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest

from core import AuthError, Target
from plugins.facebook.channel import FacebookChannel


def test_the_page_answers(make_target: Callable[..., Target]) -> None:
    note = asyncio.run(FacebookChannel().check_connection(make_target()))
    assert "Trang trả lời" in note and "khách đăng" not in note


def test_a_wrong_or_missing_page_token_needs_reconnecting(
    make_target: Callable[..., Target],
) -> None:
    with pytest.raises(AuthError):
        asyncio.run(FacebookChannel().check_connection(make_target(page_token="EAAwrong")))
    bare = make_target()
    bare = dataclasses.replace(bare, secrets={"app_secret": bare.secrets["app_secret"]})
    with pytest.raises(AuthError):
        asyncio.run(FacebookChannel().check_connection(bare))
