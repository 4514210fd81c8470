"""A channel's preview of an item, with its fidelity report, as the management API shows it."""

from __future__ import annotations

import strawberry

from core.contract.media import MediaProblem
from core.contract.preview import ChannelPreview as PreviewValue
from core.targets.models import ChannelTarget


@strawberry.type
class PreviewField:
    name: str
    value: str


@strawberry.type
class MediaIssue:
    """Why one medium (or a whole role) does not go out as the item has it."""

    role: str
    code: str = strawberry.field(
        description="missing, too_many, type, too_large, too_small, too_long, aspect, dropped"
    )
    message: str
    media_uid: str

    @classmethod
    def of(cls, p: MediaProblem) -> MediaIssue:
        return cls(role=p.role, code=p.code, message=p.message, media_uid=p.uid)


@strawberry.type
class Fidelity:
    unenforced: list[str] = strawberry.field(
        description="Audience fields the item restricts that the channel cannot enforce."
    )
    media_dropped: list[MediaIssue] = strawberry.field(
        description="Media the channel does not carry: left out of the post."
    )
    notes: list[str] = strawberry.field(description="What the channel changed on the way.")


@strawberry.type
class ChannelPreview:
    """How the item will show on one target, side by side with the others."""

    target_id: int
    target_name: str
    plugin: str
    html: str = strawberry.field(description="An HTML fragment, sanitised by Loa.")
    fields: list[PreviewField]
    text: str = strawberry.field(description="The plain text moderation reads.")
    fidelity: Fidelity
    refused: list[str] = strawberry.field(
        description="Why the channel would refuse the item as it stands (empty: it fits)."
    )

    @classmethod
    def of(cls, target: ChannelTarget, p: PreviewValue) -> ChannelPreview:
        return cls(
            target_id=target.id,
            target_name=target.name,
            plugin=target.plugin,
            html=p.preview.html,
            fields=[PreviewField(name=k, value=v) for k, v in p.preview.fields.items()],
            text=p.text,
            fidelity=Fidelity(
                unenforced=list(p.fidelity.unenforced),
                media_dropped=[MediaIssue.of(m) for m in p.fidelity.media_dropped],
                notes=list(p.fidelity.notes),
            ),
            refused=list(p.refused),
        )
