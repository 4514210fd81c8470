"""Fixtures of the YouTube plugin's tests: a live sandbox, a connected target, items with video."""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from core import Audience, Item, ItemMedia, Rendition, Target
from core.actions import targets
from core.auth.permissions import SYSTEM
from core.outbound import LOOPBACK
from plugins.youtube.limits import CHUNK_QUANTUM
from plugins.youtube.sandbox import create_sandbox
from tests.support.items import sample_item
from tests.support.pipeline import COMMUNE

CLIENT_ID = "test-client.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-client-secret-value"
CHANNEL = "UCtest-xa-tan-lap"


class Store:
    """Loa's media store as a channel sees it: bytes by key, streamed in pieces."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.opened: list[str] = []

    def put(self, key: str, data: bytes) -> None:
        self.blobs[key] = data

    async def _gen(self, key: str) -> AsyncIterator[bytes]:
        data = self.blobs[key]
        for at in range(0, len(data), 100_000):
            yield data[at : at + 100_000]

    def stream(self, key: str) -> AsyncIterator[bytes]:
        self.opened.append(key)
        return self._gen(key)


def video_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture
def sandbox(serve: Callable[[Any], Any]) -> Any:
    return serve(create_sandbox(CLIENT_ID, CLIENT_SECRET))


@pytest.fixture
def fake(sandbox: Any) -> Callable[..., Any]:
    """``fake("faults", {...})`` posts to the control plane; ``fake("state")`` reads it."""

    def call(name: str, doc: dict[str, Any] | None = None) -> Any:
        url = f"{sandbox.url}/__fake/{name}"
        r = httpx.post(url, json=doc) if doc is not None else httpx.get(url)
        assert r.status_code == 200, r.text
        return r.json()

    return call


@pytest.fixture
def make_target(sandbox: Any, fake: Callable[..., Any]) -> Callable[..., Target]:
    def make(channel: str = CHANNEL, timeout: float = 5.0, **settings: Any) -> Target:
        token = fake("grant", {"channel_id": channel})["refresh_token"]
        return Target(
            id=1,
            name=f"YouTube {channel}",
            settings={
                "client_id": CLIENT_ID,
                "api_base": sandbox.url,
                "token_url": f"{sandbox.url}/token",
                "auth_url": f"{sandbox.url}/o/oauth2/v2/auth",
                "channel_id": channel,
                "chunk_bytes": CHUNK_QUANTUM,
                **settings,
            },
            secrets={"client_secret": CLIENT_SECRET, "refresh_token": token},
            timeout=timeout,
            allow_networks=LOOPBACK,
        )

    return make


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def make_item(store: Store) -> Callable[..., Item]:
    def make(
        video_size: int = 3 * CHUNK_QUANTUM + 12_345, cover: bool = True, **overrides: Any
    ) -> Item:
        data = video_bytes(video_size)
        store.put("v-original", data)
        duration = overrides.pop("duration", 95.0)
        media = [_medium(store, "vid-1", "video", "original", "video/mp4", data, duration=duration)]
        if cover:
            jpeg = b"\xff\xd8\xff\xe0" + video_bytes(40_000, seed=3)
            store.put("c-w1280.jpg", jpeg)
            media.insert(0, _medium(store, "img-1", "cover", "w1280.jpg", "image/jpeg", jpeg))
        fields: dict[str, Any] = {
            "slug": "huong-dan-tiem-chung",
            "title": "Hướng dẫn tiêm chủng mở rộng tháng 7",
            "summary": "Trạm y tế xã hướng dẫn người dân đưa trẻ đi tiêm.",
            "url": "https://loa.example.vn/tin/huong-dan-tiem-chung",
            "cover_url": "",
            "cover_caption": "",
            "audience": Audience(),
            "media": tuple(media),
        }
        return sample_item(**{**fields, **overrides})

    return make


@pytest.fixture
def target(ctx: Any, tree: Any, sandbox: Any, fake: Any) -> Any:
    """A YouTube target of the commune in Loa's database, granted on the sandbox (one insert
    a day)."""
    token = fake("grant", {"channel_id": "UCcam-thuy"})["refresh_token"]
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "YouTube UBND xã Cẩm Thủy",
            "plugin": "youtube",
            "unit_code": COMMUNE,
            "settings": {
                "client_id": CLIENT_ID,
                "api_base": sandbox.url,
                "token_url": f"{sandbox.url}/token",
                "channel_id": "UCcam-thuy",
                "chunk_bytes": CHUNK_QUANTUM,
                "daily_inserts": 1,
            },
            "secrets": {"client_secret": CLIENT_SECRET, "refresh_token": token},
        },
    )


def _medium(
    store: Store, uid: str, role: str, name: str, kind: str, data: bytes, **extra: Any
) -> ItemMedia:
    """One medium with one rendition ``name`` whose bytes the store keeps under ``key``."""
    key = "v-original" if role == "video" else f"c-{name}"
    return ItemMedia(
        uid=uid,
        role=role,
        kind=kind.split("/")[0],
        content_type=kind,
        size=len(data),
        renditions=(Rendition(name, kind, len(data), 1280, 720, key=key),),
        width=1280,
        height=720,
        source=store,
        **extra,
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
