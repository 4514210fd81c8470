"""Through Loa's own pipeline: an approved item's video (stored by Loa's media pipeline) is
uploaded to the sandbox, its window closing makes the video private, a delivery over the day's
inserts waits with the reason, and a grant revoked mid-run marks the target for
re-authorisation with an alert instead of retrying."""

from __future__ import annotations

import datetime as dt

from loa_testchannel.routes import EVENTS

from core.actions import content, targets
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery.models import Action, DeliveryState
from core.targets.models import ChannelTarget

from .pipeline import run_delivery, with_video


def test_the_whole_life_through_the_pipeline(ctx, target, fake, tmp_path) -> None:
    until = (utcnow() + dt.timedelta(days=1)).isoformat()
    article, digest = with_video(ctx, tmp_path, visible_until=until)
    content.approve(ctx, SYSTEM, article.id)
    sent = run_delivery(ctx, article.id)
    assert sent.state == DeliveryState.DELIVERED, sent.error_message
    video = fake("state")["videos"][sent.remote_id]
    assert video["sha256"] == digest and video["status"]["privacyStatus"] == "public"
    assert sent.remote_url.endswith(sent.remote_id)
    assert sent.cost == {"video_inserts": 1.0, "quota_units": 0.0}

    # the window closes: the item expires and the video is made private
    assert content.expire(ctx, article.id, now=utcnow() + dt.timedelta(days=2)) is not None
    down = run_delivery(ctx, article.id, Action.RETRACT)
    assert down.state == DeliveryState.DELIVERED, down.error_message
    assert fake("state")["videos"][sent.remote_id]["status"]["privacyStatus"] == "private"

    # the day's one insert is spent: the next video waits for the Pacific reset, with why
    second, _ = with_video(ctx, tmp_path)
    content.approve(ctx, SYSTEM, second.id)
    waiting = run_delivery(ctx, second.id)
    assert waiting.state == DeliveryState.WAITING and "video_inserts" in waiting.error_message
    assert len(fake("state")["videos"]) == 1

    # the channel's owner revokes Loa's access: the target needs re-authorisation, no retry
    fake("revoke", {"channel_id": "UCcam-thuy"})
    raised = {**target.settings, "daily_inserts": 10}
    targets.update_target(ctx, SYSTEM, target.id, {"settings": raised})
    EVENTS.clear()
    failed = run_delivery(ctx, second.id)
    assert failed.state == DeliveryState.NEEDS_ATTENTION and failed.error_kind == "auth"
    with ctx.sessions() as session:
        stored = ctx.sealer.open(session.get(ChannelTarget, target.id).secrets_sealed)
    assert all(secret not in failed.error_message for secret in stored.values())
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target.id)
        assert row is not None and row.health == "needs_reauthorisation"
    assert [p["health"] for n, p in EVENTS if n == "target.health"] == ["needs_reauthorisation"]
