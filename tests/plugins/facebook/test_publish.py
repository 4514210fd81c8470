"""The whole life of a Page post against the strict sandbox: render, publish, update, delete."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import httpx
import pytest

from core import Audience, Channel, ContentRefused, RateLimited
from plugins.facebook.channel import FacebookChannel, marker
from plugins.facebook.client import appsecret_proof
from tests.plugins.facebook.support import APP_SECRET, PAGE_ID, PAGE_TOKEN, medium

JPEG = b"\xff\xd8\xff\xe0" + b"j" * 3000
PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 2000
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"v" * (5 * 1024 * 1024 + 17)  # more than one chunk


def run(coro):
    return asyncio.run(coro)


def test_declares_a_page_channel_with_its_real_limits():
    channel = FacebookChannel()
    assert isinstance(channel, Channel)
    caps = channel.capabilities
    assert caps.audience == {"age", "scope", "window"}  # gender: preference only
    assert caps.media.gallery.max_count == 9 and caps.media.video.types == {"video/mp4"}
    assert caps.media.attachment.max_count == 0
    assert caps.can_read_interactions


def test_render_names_source_author_agency_and_site_in_plain_nfc_text(make_item, make_target):
    item = make_item(
        title="Thông báo".encode().decode(),
        body_html="<p>Đoạn 1</p><script>alert(1)</script><p>Đoạn&nbsp;2 &amp; 3</p>",
        source="Báo Nhân Dân",
    )
    rendered = FacebookChannel().render(item, make_target())
    text = rendered.payload["message"]
    assert "<" not in text and "alert" not in text
    assert "Đoạn 1\n\nĐoạn 2 & 3" in text
    assert "Nguồn: Báo Nhân Dân" in text and "Nguyễn Văn An · UBND xã Tân Lập" in text
    assert text.endswith(item.url)
    assert rendered.payload["kind"] == "text" and rendered.payload["link"] == item.url
    assert rendered.payload["first_comment"] == f"Nguồn: Báo Nhân Dân\nXem bài gốc: {item.url}"


def test_render_refuses_a_post_longer_than_facebook_takes(make_item, make_target):
    with pytest.raises(ContentRefused, match="63206"):
        FacebookChannel().render(make_item(body_html="<p>" + "a" * 64_000 + "</p>"), make_target())


def test_text_and_link_post_lives_updates_and_is_deleted(sandbox, make_item, make_target):
    channel, target = FacebookChannel(), make_target()
    rendered = channel.render(make_item(source="Báo Nhân Dân"), target)
    remote = run(channel.publish(rendered, target, key="delivery-1"))
    post = sandbox.dump()["posts"][remote.remote_id]
    assert remote.remote_id.startswith(f"{PAGE_ID}_")
    assert post["link"] == "https://loa.example.vn/tin/thong-bao-lich-tiem-chung"
    assert post["message"].endswith(marker("delivery-1")) and post["published"]
    comments = list(sandbox.dump()["comments"].values())
    assert [c["message"] for c in comments] == [rendered.payload["first_comment"]]
    assert comments[0]["from_id"] == PAGE_ID  # posted as the Page

    changed = channel.render(make_item(title="Lịch tiêm chủng (đã đổi giờ)"), target)
    run(channel.update(remote, changed, target, key="delivery-2"))
    assert sandbox.dump()["posts"][remote.remote_id]["message"].startswith("Lịch tiêm chủng (đã")

    run(channel.retract(remote, target, key="delivery-3"))
    assert remote.remote_id not in sandbox.dump()["posts"]
    run(channel.retract(remote, target, key="delivery-3"))  # already gone: done, no error


def test_single_and_multi_photo_posts_upload_unpublished_then_attach(
    sandbox, make_item, make_target
):
    channel, target = FacebookChannel(), make_target()
    one = make_item(media=(medium("c1", "cover", "image/jpeg", JPEG),))
    remote = run(channel.publish(channel.render(one, target), target, key="k-one"))
    state = sandbox.dump()
    assert len(state["posts"][remote.remote_id]["attached_media"]) == 1
    assert state["posts"][remote.remote_id]["link"] == ""  # the photo is the post's attachment

    many = make_item(
        media=(
            medium("c2", "cover", "image/jpeg", JPEG),
            medium("g1", "gallery", "image/png", PNG, position=1),
            medium("g2", "gallery", "image/jpeg", JPEG, position=2),
        )
    )
    rendered = channel.render(many, target)
    assert rendered.payload["kind"] == "photos" and len(rendered.files) == 3
    remote = run(channel.publish(rendered, target, key="k-many"))
    state = sandbox.dump()
    attached = state["posts"][remote.remote_id]["attached_media"]
    assert len(attached) == 3
    assert all(not state["photos"][p]["published"] for p in attached)
    assert [state["photos"][p]["size"] for p in attached] == [len(JPEG), len(PNG), len(JPEG)]


def test_video_goes_through_the_resumable_upload_api_on_the_current_host(
    sandbox, make_item, make_target
):
    channel, target = FacebookChannel(), make_target()
    item = make_item(media=(medium("v1", "video", "video/mp4", MP4, duration=12.0),))
    rendered = channel.render(item, target)
    assert rendered.payload["kind"] == "video"
    remote = run(channel.publish(rendered, target, key="k-video"))
    state = sandbox.dump()
    post = state["posts"][remote.remote_id]
    assert post["kind"] == "video" and post["message"].endswith(marker("k-video"))
    assert state["videos"][post["video_id"]]["bytes"] == len(MP4)
    transfers = sandbox.requests("/upload:")
    assert len(transfers) == 2  # 4 MiB, then the rest, each at its file_offset
    assert [t["headers"]["file_offset"] for t in transfers] == ["0", str(4 * 1024 * 1024)]
    assert all(t["headers"]["authorization"] == "[redacted]" for t in transfers)
    assert sandbox.requests(f"/{target.settings['app_id']}/uploads")
    assert not any("graph-video" in r["headers"].get("host", "") for r in sandbox.requests())


def test_scheduled_within_the_window_then_published_when_the_time_comes(
    sandbox, make_item, make_target
):
    channel, target = FacebookChannel(), make_target()
    opens = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    item = make_item(audience=Audience(scope_level="national", visible_from=opens))
    remote = run(channel.publish(channel.render(item, target), target, key="k-sched"))
    post = sandbox.dump()["posts"][remote.remote_id]
    assert post["published"] is False
    assert post["scheduled_publish_time"] == int(opens.timestamp())
    # reconcile finds a scheduled post too (it is not in the feed yet)
    assert run(channel.reconcile(target, key="k-sched")).remote_id == remote.remote_id
    sandbox.control("clock", {"advance": 2 * 86400 + 1})
    assert sandbox.dump()["posts"][remote.remote_id]["published"] is True

    far = make_item(
        audience=Audience(
            scope_level="national", visible_from=dt.datetime.now(dt.UTC) + dt.timedelta(days=45)
        )
    )
    with pytest.raises(RateLimited) as waited:
        run(channel.publish(channel.render(far, target), target, key="k-far"))
    assert 14 * 86400 < waited.value.retry_after < 16 * 86400  # sent once inside 30 days
    assert len(sandbox.dump()["posts"]) == 1


def test_the_sandbox_refuses_what_facebook_refuses(sandbox, make_target):
    url = f"{sandbox.url}/v26.0/{PAGE_ID}/feed"
    proof = appsecret_proof(APP_SECRET, PAGE_TOKEN)
    auth = {"authorization": f"Bearer {PAGE_TOKEN}"}

    def post(data, headers=auth, query=None):
        return httpx.post(
            url,
            data=data,
            headers=headers,
            params={"appsecret_proof": proof} if query is None else query,
        )

    cases = [
        (post({"message": "x"}, headers={}), 2500),
        (post({"message": "x"}, query={}), 100),
        (post({"message": "x", "colour": "red"}), 100),
        (post({"message": "x", "targeting": json.dumps({"age_min": 16})}), 100),
        (post({"message": "x", "feed_targeting": json.dumps({"age_max": 70})}), 100),
        (post({"message": "x", "scheduled_publish_time": "1"}), 100),
        (post({"message": "x", "published": "false", "scheduled_publish_time": "1"}), 100),
    ]
    for response, code in cases:
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["code"] == code and error["fbtrace_id"] and error["type"]
    ok = post({"message": "xin chào"})
    assert ok.status_code == 200 and "x-business-use-case-usage" in ok.headers
    plain = httpx.post(
        f"{sandbox.url}/{PAGE_ID}/feed",
        data={"message": "y"},
        headers=auth,
        params={"appsecret_proof": proof},
    )
    assert plain.status_code == 200  # the version prefix is optional
