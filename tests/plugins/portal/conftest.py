"""Fixtures of the portal plugin's tests: a live sandbox, targets pointing at it, items."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core import Audience, Item, Target
from core.outbound import LOOPBACK
from plugins.portal.sandbox import create_sandbox

SECRET = "whsec_" + base64.b64encode(b"portal-test-secret-32-bytes-long").decode()


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def sandbox(serve: Callable[[Any], Any]) -> Any:
    """The sandbox receiver on a real loopback port; ``.url`` is its base URL."""
    return serve(create_sandbox(SECRET))


@pytest.fixture
def make_target(sandbox: Any) -> Callable[..., Target]:
    def make(site: str = "xa-tan-lap", secret: str = SECRET, timeout: float = 5.0) -> Target:
        return Target(
            id=1,
            name=f"portal {site}",
            settings={"webhook_url": f"{sandbox.url}/sites/{site}/webhook"},
            secrets={"webhook_secret": secret},
            timeout=timeout,
            allow_networks=LOOPBACK,  # the sandbox listens on loopback
        )

    return make


@pytest.fixture
def make_item() -> Callable[..., Item]:
    def make(**overrides: Any) -> Item:
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

    return make
