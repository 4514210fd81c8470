"""Fixtures of the VNeID plugin's tests: the partner-API sandbox on a loopback port, targets
of either mode, and an item published to them through the real pipeline."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content, media, targets
from core.auth.permissions import SYSTEM
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from plugins.vneid.sandbox import create_sandbox
from tests.support.media import editor, png
from tests.support.pipeline import COMMUNE

API_KEY = "vneid-test-key-0123456789"


@pytest.fixture
def sandbox(serve: Callable[[Any], Any]) -> Any:
    """The partner-API sandbox on a real loopback port; ``.url`` is its base URL."""
    return serve(create_sandbox({API_KEY}))


def run_open(ctx: Any) -> list[dispatcher.Outcome]:
    """Run every due delivery once, the way a worker would."""
    with ctx.sessions() as session:
        rows = session.execute(
            select(Delivery.id, Delivery.attempt)
            .where(
                Delivery.state.in_(
                    [DeliveryState.PENDING, DeliveryState.RETRYING, DeliveryState.UNKNOWN]
                )
            )
            .order_by(Delivery.id)
        ).all()
    return [asyncio.run(dispatcher.run(ctx, d_id, n + 1)) for d_id, n in rows]


def delivery(ctx: Any, action: str) -> Delivery:
    with ctx.sessions() as session:
        found = session.scalar(
            select(Delivery).where(Delivery.action == action).order_by(Delivery.id.desc())
        )
    assert found is not None
    return found


def vneid_target(ctx: Any, **settings: Any) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "VNeID Tin tức xã Cẩm Thủy",
            "plugin": "vneid",
            "unit_code": COMMUNE,
            "settings": settings.pop("settings", {}),
            "secrets": settings.pop("secrets", {}),
        },
    )


@pytest.fixture
def publish_item(ctx: Any, tree: Any, tmp_path: Any) -> Callable[..., Any]:
    """Create, cover and approve an item for the commune; its deliveries are queued."""

    def make(until: dt.timedelta = dt.timedelta(days=7), **fields: Any) -> Any:
        photo = media.upload(
            ctx,
            editor(tree),
            COMMUNE,
            png(tmp_path / "anh.png", 800, 450),
            "anh.png",
            alt="Cán bộ hướng dẫn",
            caption="Cán bộ hướng dẫn người dân",
        )
        article = content.create(
            ctx,
            SYSTEM,
            {
                "title": "Hướng dẫn kích hoạt tài khoản định danh điện tử mức 2",
                "summary": "Công an xã hướng dẫn người dân kích hoạt VNeID mức độ 2.",
                "body_html": "<p>Người dân mang theo <strong>CCCD</strong> đến trụ sở.</p>"
                "<ul><li>Sáng thứ Bảy</li><li>Chiều Chủ nhật</li></ul>",
                "unit_code": COMMUNE,
                "topic": "project06",
                "audience": {
                    "age_min": 18,
                    "age_max": 60,
                    "genders": ["female"],
                    "scope_level": "commune",
                    "visible_until": (dt.datetime.now(dt.UTC) + until).isoformat(),
                    "interactions_allowed": True,
                },
                **fields,
            },
        )
        media.attach(ctx, SYSTEM, article.id, photo.id, "cover")
        content.approve(ctx, SYSTEM, article.id)
        return article

    return make
