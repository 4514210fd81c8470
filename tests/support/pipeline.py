"""Helpers for tests that drive the delivery pipeline against the portal sandbox."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from core.actions import content as actions
from core.actions import targets as target_actions
from core.auth.permissions import SYSTEM

SECRET = "whsec_dGVzdC1wb3J0YWwtc2VjcmV0LTEyMzQ1Njc4OTA="
COMMUNE = "14932"


def portal_target(
    ctx: Any, number: int, webhook_url: str, unit: str = COMMUNE, **fields: Any
) -> int:
    """A portal target ("Cổng thông tin số <number>") posting to ``webhook_url``; its id."""
    return target_actions.create_target(
        ctx,
        SYSTEM,
        {
            "name": f"Cổng thông tin số {number}",
            "plugin": "portal",
            "unit_code": unit,
            "settings": {"webhook_url": webhook_url},
            "secrets": {"webhook_secret": SECRET},
            **fields,
        },
    ).id


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def sandbox_get(sandbox: Any, path: str) -> Any:
    return httpx.get(f"{sandbox.url}{path}", timeout=5).json()


def sandbox_post(sandbox: Any, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(f"{sandbox.url}{path}", json=body, timeout=5)
    response.raise_for_status()
    return response.json()


def new_article(ctx: Any, **audience: Any) -> Any:
    return actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Thông báo lịch tiêm chủng mở rộng",
            "summary": "Lịch tiêm chủng tháng 12 tại trạm y tế xã.",
            "body_html": "<p>Người dân mang theo CCCD.</p>",
            "cover_url": "https://example.org/anh.jpg",
            "cover_caption": "Trạm y tế xã Cẩm Thủy",
            "unit_code": COMMUNE,
            "audience": audience or None,
        },
    )
