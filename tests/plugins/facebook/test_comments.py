"""Comments read per post and by verified webhook, hidden, deleted, replied to as the Page."""

from __future__ import annotations

import asyncio
import json

import pytest

from core import CommentEvent, InboundRequest, MessageEvent, StatusEvent, WebhookRefused
from core import sha256_signature as signature
from plugins.facebook.channel import FacebookChannel
from tests.plugins.facebook.support import APP_SECRET, PAGE_ID


def run(coro):
    return asyncio.run(coro)


def hook(body: str, sig: str) -> InboundRequest:
    return InboundRequest("POST", {"x-hub-signature-256": sig}, {}, body.encode())


@pytest.fixture
def live_post(sandbox, make_target, make_item):
    channel, target = FacebookChannel(), make_target()
    return run(channel.publish(channel.render(make_item(), target), target, key="k-post"))


def test_comments_are_read_per_post_and_a_profane_one_hidden(sandbox, make_target, live_post):
    channel, target = FacebookChannel(), make_target()
    sandbox.control(
        "comments",
        {
            "post_id": live_post.remote_id,
            "message": "Cảm ơn xã!",
            "from_id": "501",
            "from_name": "Trần Thị B",
        },
    )
    sandbox.control(
        "comments",
        {"post_id": live_post.remote_id, "message": "đồ ngu", "from_id": "502", "from_name": "X"},
    )
    comments = run(channel.fetch_comments(target, since=None))
    assert [c.text for c in comments] == ["Cảm ơn xã!", "đồ ngu"]
    assert {c.remote_item_id for c in comments} == {live_post.remote_id}
    assert comments[0].author_name == "Trần Thị B" and comments[0].cursor.isdigit()
    profane = comments[1]
    run(channel.hide_comment(target, comment_id=profane.remote_id))
    run(channel.hide_comment(target, comment_id=profane.remote_id))  # safe twice
    assert sandbox.dump()["comments"][profane.remote_id]["is_hidden"] is True
    again = run(channel.fetch_comments(target, since=comments[-1].cursor))
    assert [c.remote_id for c in again if c.hidden] == [profane.remote_id]
    run(channel.delete_comment(target, comment_id=profane.remote_id))
    assert profane.remote_id not in sandbox.dump()["comments"]


def test_a_reply_is_posted_as_the_page_under_the_comment(sandbox, make_target, live_post):
    channel, target = FacebookChannel(), make_target()
    made = sandbox.control("comments", {"post_id": live_post.remote_id, "message": "Mấy giờ?"})
    remote = run(channel.reply(target, to=made["comment_id"], text="8 giờ sáng ạ.", key="r-1"))
    row = sandbox.dump()["comments"][remote.remote_id]
    assert row["parent_id"] == made["comment_id"] and row["from_id"] == PAGE_ID
    # the Page's own replies are not read back as citizens' comments
    assert [c.text for c in run(channel.fetch_comments(target, since=None))] == ["Mấy giờ?"]


def test_webhook_handshake_and_signed_feed_changes(sandbox, make_target, live_post):
    channel, target = FacebookChannel(), make_target()
    check = {
        "hub.mode": "subscribe",
        "hub.verify_token": "verify-me",
        "hub.challenge": "1158201444",
    }
    assert (
        channel.verify_subscription(target, InboundRequest("GET", {}, check, b"")) == "1158201444"
    )
    with pytest.raises(WebhookRefused):
        channel.verify_subscription(
            target, InboundRequest("GET", {}, {**check, "hub.verify_token": "guess"}, b"")
        )
    emitted = sandbox.control(
        "comments", {"post_id": live_post.remote_id, "message": "Xin hỏi lịch", "from_id": "777"}
    )
    body, sig = emitted["webhook"]["body"], emitted["webhook"]["signature"]
    assert sig == signature(APP_SECRET, body.encode())
    events = channel.receive(target, hook(body, sig))
    assert len(events) == 1 and isinstance(events[0], CommentEvent)
    assert events[0].comment.remote_id == emitted["comment_id"]
    assert events[0].comment.text == "Xin hỏi lịch" and events[0].comment.author_id == "777"
    assert channel.receive(target, hook(body, sig))[0].event_id == events[0].event_id  # stable
    with pytest.raises(WebhookRefused):
        channel.receive(target, hook(body.replace("lịch", "lich"), sig))
    with pytest.raises(WebhookRefused):
        channel.receive(target, hook(body, "sha1=" + sig[7:]))


def test_webhook_visitor_posts_and_removals_and_other_pages(sandbox, make_target):
    channel, target = FacebookChannel(), make_target()
    value_removed = {"item": "status", "verb": "remove", "post_id": f"{PAGE_ID}_9"}
    value_other = {
        "item": "comment",
        "verb": "add",
        "comment_id": "1_2",
        "post_id": "55_1",
        "from": {"id": "1"},
        "message": "x",
        "created_time": 1,
    }
    doc = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "item": "status",
                            "verb": "add",
                            "post_id": f"{PAGE_ID}_8",
                            "from": {"id": "321", "name": "Khách"},
                            "message": "Hỏi",
                        },
                    },
                    {"field": "feed", "value": value_removed},
                ],
            },
            {"id": "55", "time": 1, "changes": [{"field": "feed", "value": value_other}]},
        ],
    }
    body = json.dumps(doc)
    events = channel.receive(target, hook(body, signature(APP_SECRET, body.encode())))
    assert [type(e) for e in events] == [MessageEvent, StatusEvent]
    assert events[0].text == "Hỏi" and events[1].status == "removed"
