"""The connection check against the YouTube sandbox: the consenting channel answers; a
refresh token Google no longer knows is an AuthError."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest

from core import AuthError, Target
from plugins.youtube.channel import YouTubeChannel


def test_the_channel_answers(make_target: Callable[..., Target]) -> None:
    note = asyncio.run(YouTubeChannel().check_connection(make_target(channel="UC-check")))
    assert "UC-check" in note


def test_a_dead_refresh_token_needs_reconnecting(make_target: Callable[..., Target]) -> None:
    target = make_target()
    dead = dataclasses.replace(target, secrets={**target.secrets, "refresh_token": "1//dead"})
    with pytest.raises(AuthError):
        asyncio.run(YouTubeChannel().check_connection(dead))
