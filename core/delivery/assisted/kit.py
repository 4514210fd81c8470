"""The kit an operator works from: the channel's files, the rendered payload, the media.

Stored with the task as JSON (text files inline; media as the rendition to use, with the
address Loa serves it at), so the kit stays what it was when the task was opened even if
the item is edited later: an edit becomes an update delivery, and a task of its own.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from core.contract.assisted import AssistedTask, KitFile
from core.contract.channels import Rendered
from core.contract.media import MediaFile
from core.media.urls import public_url


def _media(file: MediaFile, base_url: str) -> dict[str, Any]:
    r = file.rendition
    return {
        "uid": file.media.uid,
        "role": file.media.role,
        "rendition": r.name,
        "content_type": r.content_type,
        "size": r.size,
        "width": r.width,
        "height": r.height,
        "alt": file.media.alt,
        "caption": file.media.caption,
        "url": public_url(base_url, r.key) if r.key else "",
    }


def _file(f: KitFile) -> dict[str, Any]:
    """A text file inline; a binary one's bytes as base64 (``data_base64``)."""
    stored = {"name": f.name, "content_type": f.content_type, "text": f.text}
    if f.data:
        stored["data_base64"] = base64.b64encode(f.data).decode("ascii")
    return stored


def build(task: AssistedTask, rendered: Rendered | None, base_url: str) -> dict[str, Any]:
    """The kit as stored: the channel's files first, then ``payload.json`` and ``text.txt``
    of the rendered payload (none for a take-down), and the media renditions to post."""
    files = list(task.files)
    if rendered is not None:
        payload = json.dumps(rendered.payload, ensure_ascii=False, indent=2, default=str)
        files += [
            KitFile("payload.json", "application/json", payload),
            KitFile("text.txt", "text/plain; charset=utf-8", rendered.text),
        ]
    media = task.media or (rendered.files if rendered is not None else ())
    return {
        "files": [_file(f) for f in files],
        "media": [_media(m, base_url) for m in media],
    }
