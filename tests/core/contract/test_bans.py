"""A blocked author's comments are hidden by banning the author on a channel that can
(``BansAuthors``); other hidden comments, and channels without the part, use ``hide_comment``."""

from __future__ import annotations

import asyncio
from typing import Any

from core import BansAuthors, Interactions
from core.connections.targets import call_target
from core.db import utcnow
from core.interactions import reading
from core.interactions.models import Comment, CommentState
from core.targets.models import ChannelTarget


class Hider:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def fetch_comments(self, target: Any, *, since: str | None) -> list[Any]:
        return []

    async def hide_comment(self, target: Any, *, comment_id: str) -> None:
        self.calls.append(("hide", comment_id))


class Banner(Hider):
    async def ban_author(self, target: Any, *, comment_id: str) -> None:
        self.calls.append(("ban", comment_id))


def _comments(ctx: Any, target_id: int) -> None:
    with ctx.transaction() as session:
        for remote_id, reason in (("c-blocked", "author_blocked"), ("c-profane", "moderation")):
            session.add(
                Comment(
                    target_id=target_id,
                    remote_id=remote_id,
                    author_pseudonym=f"p-{remote_id}",
                    text="…",
                    state=CommentState.HIDDEN,
                    reason=reason,
                    received_at=utcnow(),
                )
            )


def _push(ctx: Any, channel: Any, target_id: int) -> int:
    with ctx.sessions() as session:
        call = call_target(ctx, session.get(ChannelTarget, target_id))
    return asyncio.run(reading.push_hides(ctx, channel, call))


def test_a_blocked_author_is_banned_and_a_profane_comment_hidden(ctx: Any, target: Any) -> None:
    _comments(ctx, target.id)
    channel = Banner()
    assert isinstance(channel, BansAuthors) and isinstance(channel, Interactions)
    assert _push(ctx, channel, target.id) == 2
    assert sorted(channel.calls) == [("ban", "c-blocked"), ("hide", "c-profane")]
    assert _push(ctx, channel, target.id) == 0  # confirmed: not asked again


def test_a_channel_that_cannot_ban_hides_instead(ctx: Any, target: Any) -> None:
    _comments(ctx, target.id)
    channel = Hider()
    assert not isinstance(channel, BansAuthors)
    _push(ctx, channel, target.id)
    assert sorted(channel.calls) == [("hide", "c-blocked"), ("hide", "c-profane")]
