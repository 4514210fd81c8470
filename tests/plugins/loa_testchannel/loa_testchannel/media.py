"""A test channel that takes media: it declares what it accepts, picks renditions, streams
their bytes at publish, and shows a preview (with something the admin must never run).

Like the rest of the test plugin it imports only ``core``'s public API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from core import (
    Capabilities,
    Item,
    MediaAccepts,
    MediaFile,
    MediaRule,
    Preview,
    Remote,
    Rendered,
    Target,
)

#: What each publish streamed: key → [(medium uid, rendition name, size, sha256)].
STREAMED: dict[str, list[tuple[str, str, int, str]]] = {}

JPEG = frozenset({"image/jpeg"})
#: The summary is cut at this many characters (said in the preview's notes).
SUMMARY_CHARS = 40


class MediaTestChannel:
    name = "testmedia"
    title = "Test channel with media"
    capabilities = Capabilities(
        audience=frozenset({"window", "age"}),
        requires_cover=True,
        media=MediaAccepts(
            cover=MediaRule(types=JPEG, max_bytes=200_000),
            gallery=MediaRule(types=JPEG, max_count=2),
            video=MediaRule(max_count=0),
            attachment=MediaRule(max_count=0),
        ),
    )

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        return None

    def render(self, item: Item, target: Target) -> Rendered:
        files = []
        for medium in item.media_in("cover") + item.media_in("gallery"):
            chosen = medium.choose(self.capabilities.media.rule(medium.role))
            if chosen is None:  # core judged the media first: this cannot happen
                raise ValueError(f"no rendition of {medium.uid} fits")
            files.append(MediaFile(medium, chosen))
        summary = item.summary[:SUMMARY_CHARS]
        text = f"{item.title}\n{summary}"
        notes = ("tóm tắt bị cắt (summary cut short)",) if summary != item.summary else ()
        cover = files[0].rendition
        preview = Preview(
            html=(
                f"<h2>{item.title}</h2><p>{summary}</p>"
                f'<img src="media:{cover.name}" alt="{files[0].media.alt}">'
                '<script>alert("x")</script>'
            ),
            fields={"title": item.title, "summary": summary},
            notes=notes,
        )
        payload = {
            "uid": item.uid,
            "text": text,
            "media": [[f.media.uid, f.rendition.name] for f in files],
        }
        return Rendered(payload=payload, text=text, preview=preview, files=tuple(files))

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        streamed = []
        for file in rendered.files:
            digest, size = hashlib.sha256(), 0
            async for chunk in file.stream():
                digest.update(chunk)
                size += len(chunk)
            streamed.append((file.media.uid, file.rendition.name, size, digest.hexdigest()))
        STREAMED[key] = streamed
        return Remote(key, f"testmedia://{key}")

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        return remote

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        STREAMED.pop(remote.remote_id, None)

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        return Remote(key) if key in STREAMED else None
