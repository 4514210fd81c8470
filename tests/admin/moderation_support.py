"""What the moderation desk's tests share: a Facebook Page target of the commune (its Graph
sandbox can hide and delete comments, and reply), and citizens' comments recorded through
core's own moderation (held when moderation is unsure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from core.actions import targets
from core.auth.permissions import SYSTEM
from core.contract.channels import CitizenComment
from core.db import utcnow
from core.interactions import reading
from core.interactions.models import Comment
from core.targets.models import ChannelTarget
from plugins.facebook.sandbox import create_sandbox
from tests.plugins.facebook.support import APP_ID, APP_SECRET, PAGE_ID, PAGE_TOKEN
from tests.support.pipeline import COMMUNE

#: Moderation is unsure of it ("ngu" is an insult of low severity): held for a moderator.
UNSURE = "Đồ ngu như bò, ai viết bài này?"


@pytest.fixture
def fb_sandbox(serve: Callable[[Any], Any]) -> Any:
    return serve(create_sandbox(APP_ID, APP_SECRET, {PAGE_ID: ("UBND xã Cẩm Thủy", PAGE_TOKEN)}))


@pytest.fixture
def fb_target(ctx: Any, tree: Any, fb_sandbox: Any) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Facebook UBND xã Cẩm Thủy",
            "plugin": "facebook",
            "unit_code": COMMUNE,
            "gates": [],
            "settings": {"page_id": PAGE_ID, "app_id": APP_ID, "graph_url": fb_sandbox.url},
            "secrets": {"app_secret": APP_SECRET, "page_token": PAGE_TOKEN, "verify_token": "v"},
        },
    )


def record(
    ctx: Any,
    target_id: int,
    text: str,
    *,
    author: str = "citizen-1",
    name: str = "Trần Thị Bình",
    remote_id: str = "",
    post: str = "",
    waited: dt.timedelta = dt.timedelta(0),
) -> Comment:
    """A citizen's comment read from the target, judged by core's moderation; ``waited``
    moves its arrival into the past."""
    remote_id = remote_id or f"c-{author}-{abs(hash(text)) % 10**8}"
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, target_id)
        assert row is not None
        comment = CitizenComment(remote_id, post, author, name, text, "1", utcnow())
        reading.record_comments(session, ctx, row, [comment], reading.Report())
    with ctx.transaction() as session:
        session.execute(
            update(Comment)
            .where(Comment.target_id == target_id, Comment.remote_id == remote_id)
            .values(received_at=utcnow() - waited)
        )
    return state_of(ctx, target_id, remote_id)


def state_of(ctx: Any, target_id: int, remote_id: str) -> Comment:
    with ctx.sessions() as session:
        found = session.scalar(
            select(Comment).where(Comment.target_id == target_id, Comment.remote_id == remote_id)
        )
    assert found is not None
    return found


def reload(ctx: Any, comment_id: int) -> Comment:
    with ctx.sessions() as session:
        found = session.get(Comment, comment_id)
    assert found is not None
    return found
