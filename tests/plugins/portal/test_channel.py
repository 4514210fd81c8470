"""PortalChannel against the live sandbox: render, settings, publish → update → retract."""

from __future__ import annotations

import asyncio
import datetime as dt
import unicodedata

import httpx
import pytest

from core import Audience, Capabilities, Channel, PermanentError, Remote
from plugins.portal.channel import PortalChannel


def test_declares_what_a_portal_can_enforce():
    channel = PortalChannel()
    assert isinstance(channel, Channel)
    assert channel.name == "portal"
    caps = channel.capabilities
    assert isinstance(caps, Capabilities)
    assert caps.audience == {"window", "interactions"}
    assert caps.can_update and caps.can_retract and caps.can_read_interactions


def test_render_is_close_to_vnportal_and_text_is_plain(make_target, make_item):
    decomposed = unicodedata.normalize("NFD", "Thông báo")
    item = make_item(
        title=decomposed,
        body_html="<p>Đoạn 1</p><script>alert(1)</script><p>Đoạn&nbsp;2 &amp; 3</p>",
        audience=Audience(
            visible_until=dt.datetime(2025, 8, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            interactions_allowed=False,
        ),
        published_at=dt.datetime(2025, 7, 1, 2, 30),  # naive: stored UTC
    )
    rendered = PortalChannel().render(item, make_target())
    p = rendered.payload
    assert p["id"] == "item-0001"
    assert p["title"] == unicodedata.normalize("NFC", "Thông báo")
    assert p["image"] == {"url": item.cover_url, "caption": "Trạm y tế xã Tân Lập"}
    assert p["unit"] == {"code": "10105", "name": "Xã Tân Lập"}
    assert p["published_at"] == "2025-07-01T02:30:00Z"
    assert p["visible_until"] == "2025-08-01T05:00:00Z"
    assert p["interactions_allowed"] is False
    assert "<" not in rendered.text and "alert" not in rendered.text
    assert "Đoạn 1" in rendered.text and "Đoạn 2 & 3" in rendered.text
    assert rendered.text.startswith(p["title"])
    assert "Trạm y tế xã thông báo" in rendered.text
    no_cover = PortalChannel().render(make_item(cover_url=""), make_target())
    assert no_cover.payload["image"] is None


@pytest.mark.parametrize(
    ("settings", "secrets", "message"),
    [
        ({}, {"webhook_secret": "whsec_x"}, "webhook_url is required"),
        ({"webhook_url": "ftp://a/b"}, {}, "http(s)"),
        ({"webhook_url": "https://"}, {}, "http(s)"),
        ({"webhook_url": "https://p.vn/hook?x=1"}, {}, "query"),
        ({"webhook_url": "https://p.vn/hook"}, {}, "is required"),
        ({"webhook_url": "https://p.vn/hook"}, {"webhook_secret": "s3cr3t-plain"}, "whsec_"),
        ({"webhook_url": "https://p.vn/hook"}, {"webhook_secret": "whsec_!!notb64"}, "base64"),
        ({"webhook_url": "https://p.vn/hook"}, {"webhook_secret": "whsec_c2hvcnQ="}, "bytes"),
    ],
)
def test_validate_settings_refuses_with_a_useful_message(settings, secrets, message):
    with pytest.raises(
        ValueError, match="^.*" + message.replace("(", r"\(").replace(")", r"\)")
    ) as e:
        PortalChannel().validate_settings(settings, secrets)
    for value in secrets.values():
        assert value not in str(e.value)


def test_validate_settings_accepts_a_good_target(make_target):
    target = make_target()
    PortalChannel().validate_settings(target.settings, target.secrets)


def test_publish_update_retract_round_trip(sandbox, make_target, make_item):
    channel, target = PortalChannel(), make_target()
    site_url = f"{sandbox.url}/sites/xa-tan-lap"

    async def scenario() -> Remote:
        remote = await channel.publish(channel.render(make_item(), target), target, key="d1-a1")
        assert remote == Remote("xa-tan-lap-1", f"{site_url}/articles/1")
        stored = httpx.get(remote.url).json()
        assert stored["title"] == "Thông báo lịch tiêm chủng tháng 7"
        assert stored["content_html"] == "<p>Người dân <strong>đưa trẻ</strong> đến trạm y tế.</p>"

        changed = make_item(title="Đã đổi lịch tiêm chủng", revision=2)
        updated = await channel.update(remote, channel.render(changed, target), target, key="d2")
        assert updated == remote
        assert httpx.get(remote.url).json()["title"] == "Đã đổi lịch tiêm chủng"
        assert httpx.get(remote.url).json()["revision"] == 2

        await channel.retract(remote, target, key="d3")
        assert httpx.get(remote.url).status_code == 410
        assert httpx.get(f"{site_url}/articles").json() == {"articles": []}
        return remote

    remote = asyncio.run(scenario())
    stats = httpx.get(f"{sandbox.url}/__fake/stats").json()["sites"]["xa-tan-lap"]
    assert stats == {"article.published": 1, "article.updated": 1, "article.withdrawn": 1}
    # Updating what was withdrawn is refused, and a second withdrawal is harmless.
    with pytest.raises(PermanentError):
        asyncio.run(channel.update(remote, channel.render(make_item(), target), target, key="d4"))
    asyncio.run(channel.retract(remote, target, key="d5"))


def test_retrying_publish_with_the_same_key_posts_once(sandbox, make_target, make_item):
    channel, target = PortalChannel(), make_target()
    rendered = channel.render(make_item(), target)

    async def twice() -> list[Remote]:
        return list(
            await asyncio.gather(*(channel.publish(rendered, target, key="same") for _ in range(5)))
        )

    remotes = asyncio.run(twice())
    assert len(set(remotes)) == 1
    articles = httpx.get(f"{sandbox.url}/sites/xa-tan-lap/articles").json()["articles"]
    assert len(articles) == 1


def test_publishing_the_same_item_under_a_new_key_is_refused(sandbox, make_target, make_item):
    """A receiver that sees an article id already live says so, rather than doubling it."""
    channel, target = PortalChannel(), make_target()
    rendered = channel.render(make_item(), target)
    asyncio.run(channel.publish(rendered, target, key="k1"))
    with pytest.raises(PermanentError, match="duplicate_article"):
        asyncio.run(channel.publish(rendered, target, key="k2"))


def test_sites_are_separate(sandbox, make_target, make_item):
    channel = PortalChannel()
    a, b = make_target("xa-a"), make_target("xa-b")
    ra = asyncio.run(channel.publish(channel.render(make_item(), a), a, key="k"))
    rb = asyncio.run(channel.publish(channel.render(make_item(), b), b, key="k"))
    assert (ra.remote_id, rb.remote_id) == ("xa-a-1", "xa-b-1")
    with pytest.raises(PermanentError, match="unknown_article"):
        asyncio.run(channel.retract(ra, b, key="cross"))
