"""An operator's task (assisted delivery) as the management API shows it, kit included."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core.delivery.assisted.actions import TaskView


@strawberry.type
class KitFile:
    name: str
    content_type: str
    text: str
    data_base64: str = strawberry.field(
        default="", description="A binary file's bytes (a PDF letter), base64; else empty."
    )


@strawberry.type
class KitMedia:
    """A media file to post, in the rendition the channel chose; ``url`` serves its bytes."""

    media_uid: str
    role: str
    rendition: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    alt: str
    caption: str
    url: str


@strawberry.type
class AssistTask:
    """A delivery a person must carry out on a channel Loa cannot call."""

    id: strawberry.ID
    state: str = strawberry.field(description="open, done, cancelled or refused")
    action: str = strawberry.field(description="publish, update or retract")
    title: str
    instructions: str
    role: str = strawberry.field(description="The role that must act (on unitCode or above).")
    unit_code: str = strawberry.field(description="Where the task sits now (moves up if late).")
    escalations: int
    due_at: dt.datetime
    target_name: str
    plugin: str
    article_id: strawberry.ID
    article_title: str
    files: list[KitFile]
    media: list[KitMedia]
    remote_id: str
    remote_url: str
    completed_by: str
    completed_at: dt.datetime | None

    @classmethod
    def of(cls, v: TaskView) -> AssistTask:
        t = v.task
        kit: dict[str, Any] = t.kit or {}
        return cls(
            id=strawberry.ID(str(t.id)),
            state=t.state,
            action=t.action,
            title=t.title,
            instructions=t.instructions,
            role=t.role,
            unit_code=v.unit_code,
            escalations=t.escalations,
            due_at=t.due_at,
            target_name=v.target_name,
            plugin=v.plugin,
            article_id=strawberry.ID(v.article_uid),
            article_title=v.article_title,
            files=[KitFile(**f) for f in kit.get("files", [])],
            media=[
                KitMedia(
                    media_uid=m["uid"],
                    role=m["role"],
                    rendition=m["rendition"],
                    content_type=m["content_type"],
                    size=m["size"],
                    width=m.get("width"),
                    height=m.get("height"),
                    alt=m.get("alt", ""),
                    caption=m.get("caption", ""),
                    url=m.get("url", ""),
                )
                for m in kit.get("media", [])
            ],
            remote_id=t.remote_id,
            remote_url=t.remote_url,
            completed_by=t.completed_by,
            completed_at=t.completed_at,
        )
