"""Through Loa's own pipeline: an approved item's video (stored by Loa's media pipeline) is
uploaded to the sandbox, its window closing makes the video private, a delivery over the day's
inserts waits with the reason, and a grant revoked mid-run marks the target for
re-authorisation with an alert instead of retrying."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from typing import Any

import pytest
from loa_testchannel.routes import EVENTS
from sqlalchemy import select

from core.actions import content, media, targets
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery.models import Action, Delivery, DeliveryState
from core.targets.models import ChannelTarget
from plugins.youtube.limits import CHUNK_QUANTUM
from tests.support.media import mp4
from tests.support.pipeline import COMMUNE, new_article

from .conftest import CLIENT_ID, CLIENT_SECRET


@pytest.fixture
def target(ctx: Any, tree: Any, sandbox: Any, fake: Any) -> Any:
    token = fake("grant", {"channel_id": "UCcam-thuy"})["refresh_token"]
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "YouTube UBND xã Cẩm Thủy",
            "plugin": "youtube",
            "unit_code": COMMUNE,
            "settings": {
                "client_id": CLIENT_ID,
                "api_base": sandbox.url,
                "token_url": f"{sandbox.url}/token",
                "channel_id": "UCcam-thuy",
                "chunk_bytes": CHUNK_QUANTUM,
                "daily_inserts": 1,
            },
            "secrets": {"client_secret": CLIENT_SECRET, "refresh_token": token},
        },
    )


def _with_video(ctx: Any, tmp_path: Any, **audience: Any) -> tuple[Any, str]:
    article = new_article(ctx, **audience)
    path = mp4(tmp_path / f"{article.id}.mp4", seconds=2.0)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    asset = media.upload(ctx, SYSTEM, COMMUNE, path, "huong-dan.mp4", title="Hướng dẫn")
    media.attach(ctx, SYSTEM, article.id, asset.id, "video")
    return article, digest


def _run(ctx: Any, article_id: int, action: Action = Action.PUBLISH) -> Delivery:
    with ctx.sessions() as session:
        d = session.scalar(
            select(Delivery).where(Delivery.article_id == article_id, Delivery.action == action)
        )
    assert d is not None
    asyncio.run(dispatcher.run(ctx, d.id, d.attempt + 1))
    with ctx.sessions() as session:
        done = session.get(Delivery, d.id)
    assert done is not None
    return done


def test_the_whole_life_through_the_pipeline(ctx, target, fake, tmp_path) -> None:
    until = (utcnow() + dt.timedelta(days=1)).isoformat()
    article, digest = _with_video(ctx, tmp_path, visible_until=until)
    content.approve(ctx, SYSTEM, article.id)
    sent = _run(ctx, article.id)
    assert sent.state == DeliveryState.DELIVERED, sent.error_message
    video = fake("state")["videos"][sent.remote_id]
    assert video["sha256"] == digest and video["status"]["privacyStatus"] == "public"
    assert sent.remote_url.endswith(sent.remote_id)
    assert sent.cost == {"video_inserts": 1.0, "quota_units": 0.0}

    # the window closes: the item expires and the video is made private
    assert content.expire(ctx, article.id, now=utcnow() + dt.timedelta(days=2)) is not None
    down = _run(ctx, article.id, Action.RETRACT)
    assert down.state == DeliveryState.DELIVERED, down.error_message
    assert fake("state")["videos"][sent.remote_id]["status"]["privacyStatus"] == "private"

    # the day's one insert is spent: the next video waits for the Pacific reset, with why
    second, _ = _with_video(ctx, tmp_path)
    content.approve(ctx, SYSTEM, second.id)
    waiting = _run(ctx, second.id)
    assert waiting.state == DeliveryState.WAITING and "video_inserts" in waiting.error_message
    assert len(fake("state")["videos"]) == 1

    # the channel's owner revokes Loa's access: the target needs re-authorisation, no retry
    fake("revoke", {"channel_id": "UCcam-thuy"})
    raised = {**target.settings, "daily_inserts": 10}
    targets.update_target(ctx, SYSTEM, target.id, {"settings": raised})
    EVENTS.clear()
    failed = _run(ctx, second.id)
    assert failed.state == DeliveryState.NEEDS_ATTENTION and failed.error_kind == "auth"
    with ctx.sessions() as session:
        stored = ctx.sealer.open(session.get(ChannelTarget, target.id).secrets_sealed)
    assert all(secret not in failed.error_message for secret in stored.values())
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target.id)
        assert row is not None and row.health == "needs_reauthorisation"
    assert [p["health"] for n, p in EVENTS if n == "target.health"] == ["needs_reauthorisation"]
