"""Citizens' comments read from the portal sandbox: judged, hidden there, queued, recorded."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.db import utcnow
from core.delivery import dispatcher, sweeper
from core.delivery import queue as delivery_queue
from core.delivery.models import Delivery
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from core.interactions import actions as moderation
from core.interactions import reading
from core.interactions.models import AuthorBlock, Comment, CommentState, InteractionCursor
from core.interactions.pseudonyms import pseudonym, pseudonyms
from core.settings import Secret
from plugins.portal.client import sign_headers
from tests.support.pipeline import COMMUNE, SECRET, new_article, sandbox_get

SLUR = "Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài"


@pytest.fixture
def published(ctx: Any, portal_target: Any) -> Any:
    """An article live on the portal sandbox; returns its delivery (remote id and URL)."""
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.DELIVERED
    with ctx.sessions() as session:
        return session.get(Delivery, d.id)


def comment(delivery: Any, author_id: str, text: str, name: str = "Nguyễn Văn An") -> str:
    r = httpx.post(
        f"{delivery.remote_url}/comments",
        json={"author_id": author_id, "author_name": name, "text": text},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def read(ctx: Any, target: Any) -> reading.Report:
    return asyncio.run(reading.read_target(ctx, target.id))


def rows(ctx: Any) -> dict[str, Comment]:
    with ctx.sessions() as session:
        return {c.remote_id: c for c in session.scalars(select(Comment).order_by(Comment.id))}


def on_sandbox(sandbox: Any) -> dict[str, bool]:
    headers = sign_headers([SECRET], "msg_test", b"")
    got = httpx.get(f"{sandbox.url}/sites/{COMMUNE}/comments", headers=headers, timeout=5)
    return {c["id"]: c["hidden"] for c in got.json()["comments"]}


def moderator(tree: dict[str, Any], code: str = COMMUNE) -> Actor:
    return Actor(name="kiemduyet", grants=(Grant(Role.APPROVER, tree[code].path),))


def test_an_obfuscated_slur_is_hidden_on_the_portal_and_recorded(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, published: Any
) -> None:
    clean = comment(published, "vneid-123", "Cảm ơn xã đã thông báo sớm!")
    slur = comment(published, "vneid-456", SLUR, name="Kẻ Xấu")
    held = comment(published, "vneid-789", "Đồ ngu như bò, ai viết bài này?")
    report = read(ctx, portal_target)
    assert (report.fetched, report.recorded, report.hidden, report.held) == (3, 3, 1, 1)
    assert report.hides_pushed == 1
    assert on_sandbox(sandbox) == {clean: False, slur: True, held: False}
    got = rows(ctx)
    assert got[clean].state == CommentState.VISIBLE and got[clean].decision == "allow"
    s = got[slur]
    assert (s.state, s.reason, s.decision, s.hidden_on_channel) == (
        "hidden",
        "moderation",
        "block",
        True,
    )
    assert {(sp["category"], SLUR[sp["start"] : sp["end"]]) for sp in s.spans} >= {
        ("profanity", "đ.m"),
        ("profanity", "thằng l-o-n"),
    }
    assert s.article_id == published.article_id and s.remote_item_id == published.remote_id
    assert got[held].state == CommentState.HELD
    # authors: a keyed, channel-scoped pseudonym and the display name; never the raw id
    assert s.author_name == "Kẻ Xấu"
    assert s.author_pseudonym == pseudonym(ctx.settings, portal_target.id, "vneid-456")
    assert s.author_pseudonym != pseudonym(ctx.settings, portal_target.id + 1, "vneid-456")
    for c in got.values():
        assert "vneid" not in c.author_pseudonym and len(c.author_pseudonym) == 64
    with ctx.sessions() as session:
        cursor = session.get(InteractionCursor, portal_target.id)
        assert cursor is not None and cursor.cursor == held and cursor.error == ""


def test_reading_twice_records_nothing_twice(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, published: Any
) -> None:
    comment(published, "a", SLUR)
    read(ctx, portal_target)
    with ctx.transaction() as session:  # as if the cursor were lost: the channel resends all
        session.get(InteractionCursor, portal_target.id).cursor = ""
    again = read(ctx, portal_target)
    assert (again.fetched, again.recorded, again.hides_pushed) == (1, 0, 0)
    assert len(rows(ctx)) == 1
    new = comment(published, "b", "Rất hữu ích")
    third = read(ctx, portal_target)
    assert (third.fetched, third.recorded) == (1, 1)
    assert rows(ctx)[new].state == CommentState.VISIBLE


def test_moderator_queue_approve_hide_and_block(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, published: Any
) -> None:
    first = comment(published, "u1", "Thằng chó nào viết bài này")
    second = comment(published, "u2", "Lũ ngu, toàn nói láo")
    read(ctx, portal_target)
    mod = moderator(tree)
    queue = moderation.queue(ctx, mod)
    assert [c.remote_id for c in queue] == [first, second]
    assert queue[0].spans[0]["term"] == "thằng chó"
    assert moderation.queue(ctx, moderator(tree, "00004")) == []  # another unit's approver
    with pytest.raises(Forbidden):  # an editor moderates nothing
        moderation.queue(ctx, Actor(name="bt", grants=(Grant(Role.EDITOR, tree["38"].path),)))
    with pytest.raises(Forbidden):
        moderation.approve(ctx, moderator(tree, "14950"), queue[0].id)
    assert moderation.approve(ctx, mod, queue[0].id).state == CommentState.APPROVED
    with pytest.raises(InvalidTransition):
        moderation.approve(ctx, mod, queue[0].id)
    hidden = moderation.hide(ctx, mod, queue[1].id)
    assert hidden.state == CommentState.HIDDEN and hidden.reason == "moderator"
    assert (
        delivery_queue.interactions_job_id(portal_target.id) in delivery_queue.rq_queue(ctx).job_ids
    )
    assert on_sandbox(sandbox)[second] is False  # pushed by the next read, not in the request
    read(ctx, portal_target)
    assert on_sandbox(sandbox)[second] is True
    assert rows(ctx)[second].hidden_on_channel is True
    assert moderation.queue(ctx, mod) == []

    # block the first author for a day: what they wrote and what they write next is hidden
    with pytest.raises(ValidationFailed):
        moderation.block_author(ctx, mod, queue[0].id, hours=0)
    block = moderation.block_author(ctx, mod, queue[0].id, hours=24, reason="xúc phạm")
    assert block.until - utcnow() > dt.timedelta(hours=23)
    later = comment(published, "u1", "Bài viết hay, cảm ơn")  # clean, but the author is blocked
    other = comment(published, "u3", "Bài viết hay, cảm ơn")
    read(ctx, portal_target)
    got = rows(ctx)
    assert (got[first].state, got[first].reason) == ("hidden", "author_blocked")
    assert (got[later].state, got[later].reason) == ("hidden", "author_blocked")
    assert got[other].state == CommentState.VISIBLE
    assert on_sandbox(sandbox) == {first: True, second: True, later: True, other: False}


def test_an_expired_block_no_longer_hides(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, published: Any
) -> None:
    with ctx.transaction() as session:
        session.add(
            AuthorBlock(
                target_id=portal_target.id,
                author_pseudonym=pseudonym(ctx.settings, portal_target.id, "u9"),
                until=utcnow() - dt.timedelta(minutes=1),
            )
        )
    mine = comment(published, "u9", "Xin hỏi lịch tiêm tuần sau?")
    read(ctx, portal_target)
    assert rows(ctx)[mine].state == CommentState.VISIBLE


def test_blocks_survive_a_key_rotation(ctx: Any) -> None:
    from dataclasses import replace

    rotated = replace(ctx.settings, secret_keys=(Secret("bmV3LWtleQ=="), *ctx.settings.secret_keys))
    before = pseudonym(ctx.settings, 7, "u1")
    assert pseudonym(rotated, 7, "u1") != before
    assert before in pseudonyms(rotated, 7, "u1")


def test_the_sweeper_schedules_reads_and_a_channel_error_is_recorded(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, published: Any
) -> None:
    assert reading.due_targets(ctx) == [portal_target.id]
    sweeper.sweep(ctx)
    assert (
        delivery_queue.interactions_job_id(portal_target.id) in delivery_queue.rq_queue(ctx).job_ids
    )
    httpx.post(
        f"{sandbox.url}/__fake/faults",
        json={"status": 503, "count": 1, "path_contains": "/comments"},
        timeout=5,
    )
    report = read(ctx, portal_target)
    assert report.error.startswith("transient")
    with ctx.sessions() as session:
        cursor = session.get(InteractionCursor, portal_target.id)
        assert cursor is not None and cursor.error.startswith("transient")
    assert reading.due_targets(ctx) == []  # read just now (even if it failed)
    later = utcnow() + dt.timedelta(seconds=ctx.settings.interactions_interval + 1)
    assert reading.due_targets(ctx, later) == [portal_target.id]
    assert reading.due_targets(ctx, later, limit=0) == []  # a sweep reads at most `limit`
    assert sandbox_get(sandbox, f"/sites/{COMMUNE}/articles")["articles"]


def test_the_worker_runs_the_read_job_end_to_end(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, worker: Any
) -> None:
    from tests.support.pipeline import wait_for

    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)

    def delivered() -> Any:
        with ctx.sessions() as session:
            d = session.scalars(select(Delivery)).first()
            return d if d is not None and d.remote_url else None

    d = wait_for(delivered, what="the item on the portal")
    slur = comment(d, "zalo-1", "thằng l0n này viết láo")
    # The worker's sweeper may hold the target's read job (queued or running, perhaps from
    # before the comment existed): ours is accepted once that run is done, and then reads it.
    wait_for(
        lambda: delivery_queue.enqueue_interactions(ctx, [portal_target.id]) == 1,
        what="a read job of our own",
    )
    wait_for(lambda: on_sandbox(sandbox).get(slur), what="the slur hidden by the worker")
    assert rows(ctx)[slur].state == CommentState.HIDDEN


def test_only_channels_holding_a_live_item_are_read(
    ctx: Any, tree: Any, portal_target: Any
) -> None:
    # The target exists and can read comments, but holds nothing yet: nothing to read.
    assert reading.due_targets(ctx) == []
