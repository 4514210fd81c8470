"""Citizens' comments on a published video, through Loa's own pipeline: core's interactions
job reads them from the sandbox, moderation judges them, and the decisions reach YouTube via
``comments.setModerationStatus``: a profane comment rejected, a clean one left published, an
unsure one held for review and released when a moderator approves it, and a moderator's block
of an author a ban on YouTube (what they write next is rejected there too)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from core.actions import content
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.delivery.models import DeliveryState
from core.interactions import actions as moderation
from core.interactions import reading
from core.interactions.models import Comment, CommentState
from tests.support.pipeline import COMMUNE

from .pipeline import run_delivery, with_video

SLUR = "Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài"
UNSURE = "Đồ ngu như bò, ai viết bài này?"


def _video(ctx: Any, tmp_path: Any) -> str:
    article, _ = with_video(ctx, tmp_path)
    content.approve(ctx, SYSTEM, article.id)
    sent = run_delivery(ctx, article.id)
    assert sent.state == DeliveryState.DELIVERED, sent.error_message
    return str(sent.remote_id)


def _say(fake: Any, video_id: str, text: str, author: str) -> str:
    doc = {"video_id": video_id, "text": text, "author_channel_id": author, "author_name": "Dân"}
    return str(fake("comments", doc)["id"])


def _read(ctx: Any, target: Any) -> reading.Report:
    report = asyncio.run(reading.read_target(ctx, target.id))
    assert report.error == ""
    return report


def _on_youtube(fake: Any) -> dict[str, str]:
    return {cid: c["moderationStatus"] for cid, c in fake("state")["comments"].items()}


def _rows(ctx: Any) -> dict[str, Comment]:
    with ctx.sessions() as session:
        return {c.remote_id: c for c in session.scalars(select(Comment).order_by(Comment.id))}


def _moderator(tree: dict[str, Any]) -> Actor:
    return Actor(name="kiemduyet", grants=(Grant(Role.APPROVER, tree[COMMUNE].path),))


def test_comments_are_judged_by_loa_and_the_decisions_reach_youtube(
    ctx: Any, tree: Any, target: Any, fake: Any, tmp_path: Any
) -> None:
    video_id = _video(ctx, tmp_path)
    clean = _say(fake, video_id, "Cảm ơn xã đã thông báo sớm!", "UCcitizen-1")
    slur = _say(fake, video_id, SLUR, "UCcitizen-2")
    unsure = _say(fake, video_id, UNSURE, "UCcitizen-3")
    report = _read(ctx, target)
    assert (report.fetched, report.recorded, report.hidden, report.held) == (3, 3, 1, 1)
    assert _on_youtube(fake) == {clean: "published", slur: "rejected", unsure: "heldForReview"}
    got = _rows(ctx)
    assert got[clean].state == CommentState.VISIBLE
    assert (got[slur].state, got[slur].reason) == (CommentState.HIDDEN, "moderation")
    assert got[slur].hidden_on_channel and got[slur].article_id is not None
    assert got[unsure].state == CommentState.HELD and got[unsure].hidden_on_channel

    # reading again records nothing twice and changes nothing on YouTube
    again = _read(ctx, target)
    assert (again.recorded, again.hides_pushed) == (0, 0)
    assert len(_rows(ctx)) == 3

    # a moderator approves the held comment: the next read releases it on YouTube
    mod = _moderator(tree)
    assert [c.remote_id for c in moderation.queue(ctx, mod)] == [unsure]
    moderation.approve(ctx, mod, got[unsure].id)
    assert _read(ctx, target).hides_pushed == 1
    assert _on_youtube(fake)[unsure] == "published"
    assert not _rows(ctx)[unsure].hidden_on_channel


def test_a_moderator_blocking_an_author_bans_them_on_youtube(
    ctx: Any, tree: Any, target: Any, fake: Any, tmp_path: Any
) -> None:
    video_id = _video(ctx, tmp_path)
    rude = _say(fake, video_id, UNSURE, "UCrude")
    calm = _say(fake, video_id, "Xin hỏi lịch tiêm tuần sau?", "UCcalm")
    _read(ctx, target)
    assert _on_youtube(fake) == {rude: "heldForReview", calm: "published"}
    mod = _moderator(tree)
    moderation.block_author(ctx, mod, _rows(ctx)[rude].id, hours=24, reason="xúc phạm")
    assert _read(ctx, target).hides_pushed == 1
    state = fake("state")
    assert state["comments"][rude]["moderationStatus"] == "rejected"
    assert state["banned"] == [f"{target.settings['channel_id']}/UCrude"]
    assert _rows(ctx)[rude].hidden_on_channel
    # YouTube itself now rejects what the banned author writes next
    later = _say(fake, video_id, "Bài viết hay, cảm ơn", "UCrude")
    assert _on_youtube(fake)[later] == "rejected" and _on_youtube(fake)[calm] == "published"
