"""A sample ``Item`` as core hands it to a channel plugin: one vaccination notice of Xã Tân Lập;
each plugin's tests override what their channel cares about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import Audience, Item


def sample_item(**overrides: Any) -> Item:
    fields: dict[str, Any] = {
        "uid": "item-0001",
        "slug": "thong-bao-lich-tiem-chung",
        "title": "Thông báo lịch tiêm chủng tháng 7",
        "summary": "Trạm y tế xã thông báo lịch tiêm chủng mở rộng.",
        "body_html": "<p>Người dân <strong>đưa trẻ</strong> đến trạm y tế.</p>",
        "url": "https://loa.example.vn/tin/thong-bao-lich-tiem-chung",
        "cover_url": "https://loa.example.vn/media/cover.jpg",
        "cover_caption": "Trạm y tế xã Tân Lập",
        "source": "UBND xã Tân Lập",
        "author": "Nguyễn Văn An",
        "agency": "UBND xã Tân Lập",
        "category": "Y tế",
        "unit_code": "10105",
        "unit_name": "Xã Tân Lập",
        "revision": 1,
        "published_at": dt.datetime(2025, 7, 1, 2, 30, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2025, 7, 1, 3, 0, tzinfo=dt.UTC),
        "audience": Audience(visible_until=dt.datetime(2025, 8, 1, tzinfo=dt.UTC)),
    }
    fields.update(overrides)
    return Item(**fields)
