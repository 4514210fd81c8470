"""A test channel with no API: every publish, update and take-down is a task for the
commune police (the VNeID pattern), with a kit made of the channel's own instructions file.

Like the rest of the test plugin it imports only ``core``'s public API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core import (
    AssistedTask,
    AssistRequired,
    Capabilities,
    Item,
    KitFile,
    MediaFile,
    Remote,
    Rendered,
    Target,
)

#: How long the police have before the task goes to the unit above.
DUE = dt.timedelta(hours=4)


def _task(action: str, detail: str) -> AssistedTask:
    return AssistedTask(
        title=f"Đăng lên kênh thử: {action} ({action} on the test channel)",
        instructions="Đăng nội dung trong bộ tài liệu, rồi ghi lại mã bài"
        " (post what the kit holds, then record the post's id).",
        role="police",
        due_in=DUE,
        files=(
            KitFile("huong-dan.txt", "text/plain; charset=utf-8", detail),
            KitFile("phieu.bin", "application/octet-stream", "", data=b"\x00\xffkit"),
        ),
    )


class AssistedTestChannel:
    name = "testassisted"
    title = "Test channel without an API"
    capabilities = Capabilities(audience=frozenset({"age", "gender", "scope", "window"}))

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        return None

    def render(self, item: Item, target: Target) -> Rendered:
        files = tuple(
            MediaFile(m, chosen) for m in item.media_in("cover") if (chosen := m.choose())
        )
        text = f"{item.title}\n{item.summary}"
        return Rendered(payload={"title": item.title, "url": item.url}, text=text, files=files)

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        raise AssistRequired(_task("publish", f"Bài: {rendered.payload['title']}"))

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        raise AssistRequired(_task("update", f"Sửa bài {remote.remote_id}"))

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        raise AssistRequired(_task("retract", f"Gỡ bài {remote.remote_id}"))

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        return None  # nothing is ever sent by Loa itself
