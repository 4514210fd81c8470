"""Fixtures of the Zalo plugin's tests: a live OA sandbox, OA targets holding its tokens, items."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest

from core import Item, Target
from core.outbound import LOOPBACK
from plugins.zalo.sandbox import create_sandbox
from tests.support.items import sample_item

APP_ID, APP_SECRET, OA_SECRET = "app-test", "app-secret-4711", "oa-secret-0815"
OAS = ("oa-1", "oa-2")


@pytest.fixture
def sandbox(serve: Callable[[Any], Any]) -> Any:
    """The sandbox on a real loopback port; ``.url`` is its base (both Zalo hosts)."""
    return serve(create_sandbox(APP_ID, APP_SECRET, OA_SECRET, OAS))


@pytest.fixture
def fake(sandbox: Any) -> Callable[..., Any]:
    """``fake("faults", {...})`` POSTs to the control plane; ``fake("state")`` reads it."""

    def call(what: str, body: dict[str, Any] | None = None) -> Any:
        if body is None:
            return httpx.get(f"{sandbox.url}/__fake/{what}").json()
        return httpx.post(f"{sandbox.url}/__fake/{what}", json=body).json()

    return call


@pytest.fixture
def make_target(sandbox: Any, fake: Callable[..., Any]) -> Callable[..., Target]:
    def make(oa_id: str = "oa-1", timeout: float = 5.0, **settings: Any) -> Target:
        pair = fake("pair", {"oa_id": oa_id})
        return Target(
            id=1,
            name=f"Zalo {oa_id}",
            settings={
                "app_id": APP_ID,
                "oa_id": oa_id,
                "api_base": sandbox.url,
                "oauth_base": sandbox.url,
                "verify_delay": 0.0,
                **settings,
            },
            secrets={
                "app_secret": APP_SECRET,
                "oa_secret_key": OA_SECRET,
                "access_token": pair["access_token"],
                "refresh_token": pair["refresh_token"],
            },
            timeout=timeout,
            allow_networks=LOOPBACK,
        )

    return make


@pytest.fixture
def make_item() -> Callable[..., Item]:
    return partial(
        sample_item,
        body_html="<p>Người dân <strong>đưa trẻ</strong> đến trạm y tế.</p><p>Mang sổ.</p>",
        cover_caption="Trạm y tế xã",
        source="UBND xã Cẩm Thủy",
        agency="UBND xã Cẩm Thủy",
        unit_code="14932",
        unit_name="Xã Cẩm Thủy",
    )
