"""Citizens' comments: read (published and held), a profane one rejected through the API,
held for review, its author banned, replies posted under the thread; the sandbox's
moderation rules (``banWithoutReject``, owner only)."""

from __future__ import annotations

import asyncio

import httpx

from plugins.youtube.channel import YouTubeChannel


def _video(make_target, make_item):
    channel, target = YouTubeChannel(), make_target()
    remote = asyncio.run(
        channel.publish(channel.render(make_item(cover=False), target), target, key="k")
    )
    return channel, target, remote.remote_id


def _say(fake, video_id, text, author="UCcitizen-1", name="Trần Thị B"):
    return fake(
        "comments",
        {"video_id": video_id, "text": text, "author_channel_id": author, "author_name": name},
    )["id"]


def test_comments_are_read_with_a_moving_cursor(make_target, make_item, fake):
    channel, target, video_id = _video(make_target, make_item)
    first = _say(fake, video_id, "Cho hỏi lịch tiêm ở thôn Đông?")
    comments = asyncio.run(channel.fetch_comments(target, since=None))
    assert [(c.remote_id, c.remote_item_id, c.author_id, c.text) for c in comments] == [
        (first, video_id, "UCcitizen-1", "Cho hỏi lịch tiêm ở thôn Đông?")
    ]
    assert comments[0].author_name == "Trần Thị B" and not comments[0].hidden
    later = asyncio.run(channel.fetch_comments(target, since=comments[-1].cursor))
    assert {c.remote_id for c in later} <= {first}  # nothing newer; the same second may repeat


def test_a_profane_comment_is_rejected_through_the_api(make_target, make_item, fake):
    channel, target, video_id = _video(make_target, make_item)
    bad = _say(fake, video_id, "đồ ngu")
    asyncio.run(channel.hide_comment(target, comment_id=bad))
    asyncio.run(channel.hide_comment(target, comment_id=bad))  # safe twice
    assert fake("state")["comments"][bad]["moderationStatus"] == "rejected"
    assert asyncio.run(channel.fetch_comments(target, since=None)) == []


def test_held_comments_are_read_as_hidden_and_can_be_released(make_target, make_item, fake):
    channel, target, video_id = _video(make_target, make_item)
    cid = _say(fake, video_id, "Xem thêm tại trang lạ")
    asyncio.run(channel.hold_comment(target, comment_id=cid))
    [held] = asyncio.run(channel.fetch_comments(target, since=None))
    assert held.remote_id == cid and held.hidden
    asyncio.run(channel.release_comment(target, comment_id=cid))
    assert fake("state")["comments"][cid]["moderationStatus"] == "published"


def test_a_blocked_author_is_banned_on_youtube(make_target, make_item, fake):
    channel, target, video_id = _video(make_target, make_item)
    cid = _say(fake, video_id, "spam spam", author="UCspammer")
    asyncio.run(channel.ban_author(target, comment_id=cid))
    state = fake("state")
    assert state["comments"][cid]["moderationStatus"] == "rejected"
    assert state["banned"] == [f"{target.settings['channel_id']}/UCspammer"]
    again = fake(
        "comments", {"video_id": video_id, "text": "lại spam", "author_channel_id": "UCspammer"}
    )
    assert again["moderationStatus"] == "rejected"


def test_replies_go_under_the_thread_and_are_not_read_back(make_target, make_item, fake):
    channel, target, video_id = _video(make_target, make_item)
    cid = _say(fake, video_id, "Mấy giờ bắt đầu ạ?")
    remote = asyncio.run(channel.reply(target, to=cid, text="7 giờ sáng thứ Bảy ạ.", key="r-1"))
    reply = fake("state")["comments"][remote.remote_id]
    assert reply["parentId"] == cid and reply["text"] == "7 giờ sáng thứ Bảy ạ."
    # a reply to a reply goes under the same thread
    again = asyncio.run(channel.reply(target, to=remote.remote_id, text="Cảm ơn.", key="r-2"))
    assert fake("state")["comments"][again.remote_id]["parentId"] == cid
    assert [c.remote_id for c in asyncio.run(channel.fetch_comments(target, since=None))] == [cid]


def test_the_sandbox_refuses_a_ban_without_reject_and_other_channels(
    make_target, make_item, fake, sandbox
):
    channel, target, video_id = _video(make_target, make_item)
    cid = _say(fake, video_id, "xin chào")
    token = asyncio.run(channel.refresh(target)).secrets["access_token"]
    headers = {"authorization": f"Bearer {token}"}
    url = f"{sandbox.url}/youtube/v3/comments/setModerationStatus"
    r = httpx.post(
        url,
        params={"id": cid, "moderationStatus": "heldForReview", "banAuthor": "true"},
        headers=headers,
    )
    assert r.status_code == 400 and r.json()["error"]["errors"][0]["reason"] == "banWithoutReject"
    r = httpx.post(url, params={"id": cid, "moderationStatus": "likelySpam"}, headers=headers)
    assert r.status_code == 400
    other = make_target(channel="UCother-channel")
    token2 = asyncio.run(channel.refresh(other)).secrets["access_token"]
    r = httpx.post(
        url,
        params={"id": cid, "moderationStatus": "rejected"},
        headers={"authorization": f"Bearer {token2}"},
    )
    assert r.status_code == 404
    r = httpx.get(
        f"{sandbox.url}/youtube/v3/commentThreads",
        params={"part": "snippet", "allThreadsRelatedToChannelId": target.settings["channel_id"]},
        headers={"authorization": f"Bearer {token2}"},
    )
    assert r.status_code == 403
