"""Render within YouTube's limits (title, description bytes, angle brackets, a video required,
15 minutes for an unverified channel), the fidelity notes, and quota costs by model with the
Pacific-midnight reset."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core import ContentRefused
from plugins.youtube.channel import YouTubeChannel
from plugins.youtube.limits import day_start, next_reset
from plugins.youtube.render import NO_AUDIENCE_NOTE


def test_long_vietnamese_text_is_cut_to_youtubes_limits(make_target, make_item):
    body = "<p>" + "Người dân đến trạm y tế xã để được tư vấn. " * 400 + "</p>"
    item = make_item(title="Thông báo " * 20, body_html=body, summary="Tóm tắt <quan trọng>")
    rendered = YouTubeChannel().render(item, make_target())
    snippet = rendered.payload["resource"]["snippet"]
    assert len(snippet["title"]) == 100 and snippet["title"].endswith("…")
    assert len(snippet["description"].encode()) <= 5_000
    assert snippet["description"].endswith(item.url)
    assert "<" not in snippet["description"] and "‹quan trọng›" in snippet["description"]
    notes = rendered.preview.notes
    assert NO_AUDIENCE_NOTE in notes
    assert any("100" in n for n in notes) and any("5.000" in n for n in notes)


def test_an_item_without_video_or_too_long_for_an_unverified_channel_is_refused(
    make_target, make_item
):
    channel = YouTubeChannel()
    item = make_item()
    with pytest.raises(ContentRefused):
        channel.render(make_item(media=item.media[:1]), make_target())
    with pytest.raises(ContentRefused) as caught:
        channel.render(make_item(duration=20 * 60), make_target())
    assert "15" in str(caught.value)
    assert channel.render(make_item(duration=20 * 60), make_target(verified=True)).files


def test_the_fidelity_report_covers_every_audience_field_but_the_window():
    caps = YouTubeChannel.capabilities
    assert caps.audience == frozenset({"window"})
    assert caps.media.gallery.max_count == 0 and caps.media.video.min_count == 1


def test_costs_by_quota_model(make_target, make_item):
    channel = YouTubeChannel()
    target = make_target()
    rendered = channel.render(make_item(), target)
    cost = channel.estimate_cost(rendered, target)
    assert cost.amounts == {"video_inserts": 1.0, "quota_units": 50.0}
    legacy = make_target(quota_model="units")
    assert channel.estimate_cost(
        channel.render(make_item(cover=False), legacy), legacy
    ).amounts == {"quota_units": 1600.0}
    allowance = asyncio.run(channel.allowance(make_target(daily_inserts=6)))
    assert allowance.left == {"quota_units": 10_000.0, "video_inserts": 6.0}
    assert allowance.since is not None and allowance.resets_at - allowance.since == dt.timedelta(
        days=1
    )


def test_the_quota_day_is_pacific():
    winter = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)  # 16:00 in Hà Nội, 01:00 in LA
    assert next_reset(winter) == dt.datetime(2026, 1, 11, 8, 0, tzinfo=dt.UTC)  # 15:00 ICT
    assert day_start(winter) == dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)
    assert next_reset(summer) == dt.datetime(2026, 7, 11, 7, 0, tzinfo=dt.UTC)  # 14:00 ICT


def test_settings_are_validated_without_quoting_secrets():
    channel = YouTubeChannel()
    good = {"client_id": "x.apps.googleusercontent.com"}
    channel.validate_settings(good, {"client_secret": "s"})
    for bad in (
        {},
        {**good, "privacy": "secret"},
        {**good, "chunk_bytes": 1000},
        {**good, "quota_model": "free"},
        {**good, "api_base": "ftp://x"},
        {**good, "category_id": "99"},
        {**good, "on_window_close": "hide"},
    ):
        with pytest.raises(ValueError):
            channel.validate_settings(bad, {"client_secret": "s"})
    with pytest.raises(ValueError) as caught:
        channel.validate_settings(good, {})
    assert "client_secret" in str(caught.value)
