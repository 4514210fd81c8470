"""ZaloChannel against the live OA sandbox: render, settings, the whole life of an article."""

from __future__ import annotations

import asyncio
import datetime as dt
import unicodedata

import pytest

from core import (
    Audience,
    Channel,
    Connectable,
    ContentRefused,
    Costed,
    OutcomeUnknown,
    Remote,
    Replies,
    TransientError,
    Webhooks,
)
from plugins.zalo import channel as zalo_channel
from plugins.zalo.channel import ZaloChannel


def test_declares_what_an_oa_can_do():
    channel = ZaloChannel()
    assert isinstance(channel, Channel)
    for part in (Connectable, Webhooks, Replies, Costed):
        assert isinstance(channel, part)
    caps = channel.capabilities
    assert caps.requires_cover and caps.max_title_chars == 150
    assert not caps.can_read_interactions  # Zalo has no comment-reading API
    assert caps.media.attachment.max_count == 0 and caps.media.cover.max_bytes == 1_000_000


def test_render_is_zalos_article_within_its_limits(make_target, make_item):
    item = make_item(
        title=unicodedata.normalize("NFD", "Thông báo"),
        summary="Tóm tắt " * 60,
        agency="Ủy ban nhân dân xã Cẩm Thủy, huyện Cẩm Thủy, tỉnh Thanh Hóa (cũ)",
        body_html="<p>Đoạn 1</p><script>alert(1)</script><p>Đoạn&nbsp;2 &amp; 3</p>",
        audience=Audience(interactions_allowed=False),
    )
    rendered = ZaloChannel().render(item, make_target())
    article = rendered.payload["article"]
    assert article["title"] == unicodedata.normalize("NFC", "Thông báo")
    assert len(article["description"]) == 300 and len(article["author"]) == 50
    assert article["cover"] == {
        "cover_type": "photo",
        "photo_url": "https://loa.example.vn/media/cover.jpg",
        "status": "show",
    }
    assert article["body"] == [
        {"type": "text", "content": "Đoạn 1"},
        {"type": "text", "content": "Đoạn 2 & 3"},
    ]
    assert article["status"] == "show"  # Zalo's default would hide it
    assert article["comment"] == "hide"  # the item disallows interaction
    assert "alert" not in rendered.text
    assert rendered.preview is not None
    notes = " ".join(rendered.preview.notes)
    assert "summary cut to 300" in notes and "author cut to 50" in notes


def test_render_says_comments_cannot_be_read(make_target, make_item):
    rendered = ZaloChannel().render(make_item(), make_target())
    assert rendered.payload["article"]["comment"] == "show"
    assert any("no comment-reading API" in n for n in rendered.preview.notes)


def test_render_refuses_without_a_cover_or_with_a_long_title(make_target, make_item):
    with pytest.raises(ContentRefused, match="cover"):
        ZaloChannel().render(make_item(cover_url=""), make_target())
    with pytest.raises(ContentRefused, match="150"):
        ZaloChannel().render(make_item(title="T" * 151), make_target())


@pytest.mark.parametrize(
    ("settings", "secrets", "message"),
    [
        ({}, {"app_secret": "x"}, "app_id"),
        ({"app_id": "a", "api_base": "ftp://x"}, {"app_secret": "x"}, "api_base"),
        ({"app_id": "a", "retract": "burn"}, {"app_secret": "x"}, "retract"),
        ({"app_id": "a", "broadcast": "yes"}, {"app_secret": "x"}, "broadcast"),
        ({"app_id": "a", "monthly_broadcasts": -1}, {"app_secret": "x"}, "monthly_broadcasts"),
        ({"app_id": "a"}, {}, "app_secret"),
    ],
)
def test_validate_settings_refuses_with_a_useful_message(settings, secrets, message):
    with pytest.raises(ValueError, match=message):
        ZaloChannel().validate_settings(settings, secrets)


def test_publish_update_hide_remove(make_target, make_item, fake):
    channel, target = ZaloChannel(), make_target()
    fake("config", {"processing_verifies": 2})  # Zalo processes it for two verifies

    async def life() -> Remote:
        remote = await channel.publish(channel.render(make_item(), target), target, key="d1")
        stored = fake("state")["articles"]
        assert [a["id"] for a in stored] == [remote.remote_id]
        assert stored[0]["status"] == "show" and stored[0]["title"].startswith("Thông báo")
        assert "utm_content=d1" in stored[0]["body"]["tracking_link"]

        changed = make_item(title="Đã đổi lịch tiêm chủng", revision=2)
        assert (
            await channel.update(remote, channel.render(changed, target), target, key="d2")
            == remote
        )
        assert fake("state")["articles"][0]["title"] == "Đã đổi lịch tiêm chủng"

        await channel.retract(remote, target, key="d3")  # the window closed: hidden
        hidden = fake("state")["articles"][0]
        assert hidden["status"] == "hide" and not hidden["removed"]
        assert hidden["title"] == "Đã đổi lịch tiêm chủng"  # nothing else lost
        return remote

    remote = asyncio.run(life())
    removing = make_target(retract="remove")
    asyncio.run(channel.retract(remote, removing, key="d4"))
    assert fake("state")["articles"][0]["removed"]
    asyncio.run(channel.retract(remote, removing, key="d5"))  # twice is harmless
    paths = [r["path"] for r in fake("requests")["requests"]]
    assert paths.count("/v2.0/article/create") == 1 and "/v2.0/article/remove" in paths


def test_a_long_review_is_an_unknown_outcome_reconciled_by_the_token(make_target, make_item, fake):
    channel, target = ZaloChannel(), make_target(verify_attempts=2)
    fake("config", {"processing_verifies": 3})
    rendered = channel.render(make_item(), target)
    with pytest.raises(OutcomeUnknown, match="processing"):
        asyncio.run(channel.publish(rendered, target, key="slow"))
    with pytest.raises(TransientError, match="-214"):  # still processing: reconcile again later
        asyncio.run(channel.reconcile(target, key="slow"))
    found = asyncio.run(channel.reconcile(target, key="slow"))
    assert found is not None and found.remote_id == fake("state")["articles"][0]["id"]
    assert "slow" not in zalo_channel.PENDING


def test_a_timeout_after_the_article_was_stored_is_reconciled_to_one(make_target, make_item, fake):
    channel, target = ZaloChannel(), make_target(timeout=0.5)
    fake("faults", {"path": "/v2.0/article/create", "delay": 1.5})
    rendered = channel.render(make_item(), target)
    with pytest.raises(OutcomeUnknown):
        asyncio.run(channel.publish(rendered, target, key="lost"))
    zalo_channel.PENDING.clear()  # another worker reconciles: it holds no token
    found = asyncio.run(channel.reconcile(target, key="lost"))
    assert found is not None
    assert asyncio.run(channel.reconcile(target, key="never-sent")) is None
    again = asyncio.run(channel.publish(rendered, target, key="lost"))  # a retry re-posts nothing
    assert again.remote_id == found.remote_id
    assert len(fake("state")["articles"]) == 1


def test_oas_are_separate(make_target, make_item, fake):
    channel = ZaloChannel()
    one, two = make_target("oa-1"), make_target("oa-2")
    remote = asyncio.run(channel.publish(channel.render(make_item(), one), one, key="k"))
    assert asyncio.run(channel.reconcile(two, key="k")) is None
    asyncio.run(channel.retract(remote, make_target("oa-2", retract="remove"), key="x"))
    assert not fake("state")["articles"][0]["removed"]  # another OA cannot touch it


def test_window_and_published_dates_do_not_leak_into_zalo(make_target, make_item):
    item = make_item(audience=Audience(visible_until=dt.datetime(2025, 8, 1, tzinfo=dt.UTC)))
    article = ZaloChannel().render(item, make_target()).payload["article"]
    assert set(article) <= {
        "type",
        "title",
        "author",
        "description",
        "cover",
        "body",
        "status",
        "comment",
    }


def test_a_token_zalo_forgot_falls_back_to_the_recent_articles(make_target, make_item, fake):
    channel, target = ZaloChannel(), make_target()
    remote = asyncio.run(channel.publish(channel.render(make_item(), target), target, key="f"))
    zalo_channel.PENDING["f"] = "a-token-zalo-never-issued"
    assert asyncio.run(channel.reconcile(target, key="f")) == Remote(
        remote.remote_id, f"https://zalo.me/sandbox/article/{remote.remote_id}"
    )
    assert "f" not in zalo_channel.PENDING
