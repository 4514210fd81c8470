"""Constants and helpers shared by the Facebook plugin's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from core import ItemMedia, Rendition

APP_ID = "4242424242"
APP_SECRET = "test-app-secret-0123456789abcdef"
PAGE_ID = "1122334455"
PAGE_TOKEN = "EAAPAGE" + "x" * 40


class Bytes:
    """A media store holding a few files in memory."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        data = self.files[key]
        for i in range(0, len(data), 1 << 20):
            yield data[i : i + (1 << 20)]


def medium(uid: str, role: str, content_type: str, data: bytes, **extra: Any) -> ItemMedia:
    kind = "video" if content_type.startswith("video/") else "image"
    rendition = Rendition("original", content_type, len(data), 1280, 720, key=uid)
    return ItemMedia(
        uid=uid,
        role=role,
        kind=kind,
        content_type=content_type,
        size=len(data),
        renditions=(rendition,),
        width=1280,
        height=720,
        filename=f"{uid}.{content_type.split('/')[1]}",
        source=Bytes({uid: data}),
        **extra,
    )
