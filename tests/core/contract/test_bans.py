"""Moderation's decisions pushed to a channel by its optional parts: a blocked author banned
(``BansAuthors``), a held comment held there and released when approved (``HoldsComments``),
a deleted one deleted there (``DeletesComments``);
channels without them get ``hide_comment`` for what is hidden, and nothing for what is held."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import update

from core import BansAuthors, DeletesComments, HoldsComments, Interactions
from core.auth.permissions import SYSTEM
from core.connections.targets import call_target
from core.db import utcnow
from core.interactions import actions as moderation
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


class Holder(Hider):
    async def hold_comment(self, target: Any, *, comment_id: str) -> None:
        self.calls.append(("hold", comment_id))

    async def release_comment(self, target: Any, *, comment_id: str) -> None:
        self.calls.append(("release", comment_id))


def _held(ctx: Any, target_id: int) -> int:
    with ctx.transaction() as session:
        comment = Comment(
            target_id=target_id,
            remote_id="c-unsure",
            author_pseudonym="p-unsure",
            text="…",
            state=CommentState.HELD,
            received_at=utcnow(),
        )
        session.add(comment)
        session.flush()
        return int(comment.id)


def test_a_held_comment_is_held_there_and_released_when_approved(ctx: Any, target: Any) -> None:
    comment_id = _held(ctx, target.id)
    channel = Holder()
    assert isinstance(channel, HoldsComments)
    assert _push(ctx, channel, target.id) == 1
    assert channel.calls == [("hold", "c-unsure")]
    assert _push(ctx, channel, target.id) == 0
    moderation.approve(ctx, SYSTEM, comment_id)
    assert _push(ctx, channel, target.id) == 1
    assert channel.calls[-1] == ("release", "c-unsure")
    with ctx.sessions() as session:
        assert session.get(Comment, comment_id).hidden_on_channel is False
    assert _push(ctx, channel, target.id) == 0


def test_a_held_comment_hidden_by_a_moderator_is_hidden_there(ctx: Any, target: Any) -> None:
    comment_id = _held(ctx, target.id)
    channel = Holder()
    _push(ctx, channel, target.id)
    moderation.hide(ctx, SYSTEM, comment_id)
    _push(ctx, channel, target.id)
    assert channel.calls == [("hold", "c-unsure"), ("hide", "c-unsure")]


def test_a_channel_that_cannot_hold_leaves_held_comments_alone(ctx: Any, target: Any) -> None:
    _held(ctx, target.id)
    channel = Banner()
    assert not isinstance(channel, HoldsComments)
    assert _push(ctx, channel, target.id) == 0 and channel.calls == []


class HoldingBanner(Holder, Banner):
    """A channel that both holds comments for review and bans authors (as YouTube does)."""


def test_blocking_the_author_of_a_held_comment_bans_them_there(ctx: Any, target: Any) -> None:
    comment_id = _held(ctx, target.id)
    channel = HoldingBanner()
    _push(ctx, channel, target.id)  # held there: hidden on the channel already
    moderation.block_author(ctx, SYSTEM, comment_id, hours=24)
    assert _push(ctx, channel, target.id) == 1
    assert channel.calls == [("hold", "c-unsure"), ("ban", "c-unsure")]
    assert _push(ctx, channel, target.id) == 0


class Deleter(Holder):
    """A channel that can delete a comment for good (as Facebook can)."""

    async def delete_comment(self, target: Any, *, comment_id: str) -> None:
        self.calls.append(("delete", comment_id))


def _deleted(ctx: Any, target_id: int) -> None:
    comment_id = _held(ctx, target_id)
    with ctx.transaction() as session:
        row = session.get(Comment, comment_id)
        row.state, row.reason, row.hidden_on_channel = CommentState.HIDDEN, "deleted", False


def test_a_deleted_comment_is_deleted_there_and_hidden_where_delete_is_unknown(
    ctx: Any, target: Any
) -> None:
    _deleted(ctx, target.id)
    channel = Deleter()
    assert isinstance(channel, DeletesComments)
    assert _push(ctx, channel, target.id) == 1
    assert channel.calls == [("delete", "c-unsure")]
    assert _push(ctx, channel, target.id) == 0  # confirmed: not asked again
    with ctx.transaction() as session:
        session.execute(update(Comment).values(hidden_on_channel=False))
    hider = Hider()
    assert not isinstance(hider, DeletesComments)
    _push(ctx, hider, target.id)
    assert hider.calls == [("hide", "c-unsure")]
