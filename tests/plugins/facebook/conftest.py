"""Fixtures of the Facebook plugin's tests: a live Graph sandbox, a Page target, items, media."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx
import pytest

from core import Audience, Item, Target
from core.outbound import LOOPBACK
from plugins.facebook.graph_errors import DEAD, GOVERNOR
from plugins.facebook.sandbox import create_sandbox
from tests.plugins.facebook.support import APP_ID, APP_SECRET, PAGE_ID, PAGE_TOKEN
from tests.support.items import sample_item


class Sandbox:
    """The served sandbox and its control plane."""

    def __init__(self, server: Any) -> None:
        self.url: str = server.url
        self.state = server.app.state.sandbox if hasattr(server, "app") else None

    def control(self, path: str, doc: dict[str, Any] | None = None) -> Any:
        if doc is None:
            return httpx.get(f"{self.url}/__fake/{path}").json()
        response = httpx.post(f"{self.url}/__fake/{path}", json=doc)
        assert response.status_code == 200, response.text
        return response.json()

    def dump(self) -> dict[str, Any]:
        return self.control("state")

    def requests(self, contains: str = "") -> list[dict[str, Any]]:
        return [r for r in self.control("requests")["requests"] if contains in r["path"]]


@pytest.fixture(autouse=True)
def _fresh_memories() -> Iterator[None]:
    """The usage governor and dead-token memory are process-wide: each test starts clean."""
    GOVERNOR.clear()
    DEAD.clear()
    yield
    GOVERNOR.clear()
    DEAD.clear()


@pytest.fixture
def app() -> Any:
    return create_sandbox(APP_ID, APP_SECRET, {PAGE_ID: ("UBND xã Tân Lập", PAGE_TOKEN)})


@pytest.fixture
def sandbox(serve: Callable[[Any], Any], app: Any) -> Sandbox:
    box = Sandbox(serve(app))
    box.state = app.state.sandbox
    return box


@pytest.fixture
def make_target(sandbox: Sandbox) -> Callable[..., Target]:
    def make(timeout: float = 5.0, **secrets: str) -> Target:
        return Target(
            id=7,
            name="Facebook xã Tân Lập",
            settings={"page_id": PAGE_ID, "app_id": APP_ID, "graph_url": sandbox.url},
            secrets={
                "app_secret": APP_SECRET,
                "page_token": PAGE_TOKEN,
                "verify_token": "verify-me",
                **secrets,
            },
            timeout=timeout,
            allow_networks=LOOPBACK,
        )

    return make


@pytest.fixture
def make_item() -> Callable[..., Item]:
    return partial(
        sample_item,
        cover_url="",
        cover_caption="",
        source="",
        unit_code="00004",
        unit_name="Phường Ba Đình",
        audience=Audience(scope_level="national"),
    )
