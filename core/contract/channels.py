"""What a channel is to Loa: a protocol, its declared capabilities, typed errors.

A channel plugin turns a published :class:`Item` into the channel's own
payload (``render``), sends it (``publish``/``update``/``retract``), and can
tell whether an earlier request that timed out has in fact landed
(``reconcile``). Core never names a channel; it only speaks this protocol.

Errors are typed because each one asks the pipeline for something different:

========================  =====================================================
:class:`TransientError`   retry with exponential backoff and jitter
:class:`RateLimited`      retry after the delay the channel gave
:class:`AuthError`        stop: credentials need a human; no retry
:class:`PermanentError`   stop: the channel refused this content
:class:`OutcomeUnknown`   the request may have landed: reconcile before retrying
========================  =====================================================
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from core.contract.media import ItemMedia, MediaAccepts, MediaFile
from core.contract.preview import Preview
from core.outbound.errors import (
    AuthError as AuthError,
)
from core.outbound.errors import (  # how a call to the outside fails; part of the contract
    ChannelError as ChannelError,
)
from core.outbound.errors import (
    ContentRefused as ContentRefused,
)
from core.outbound.errors import (
    DestinationRefused as DestinationRefused,
)
from core.outbound.errors import (
    OutcomeUnknown as OutcomeUnknown,
)
from core.outbound.errors import (
    PermanentError as PermanentError,
)
from core.outbound.errors import (
    RateLimited as RateLimited,
)
from core.outbound.errors import (
    TransientError as TransientError,
)

#: Audience fields (S0.2) a channel may be able to enforce.
AUDIENCE_FIELDS = frozenset({"age", "gender", "scope", "window", "interactions"})


@dataclass(frozen=True)
class Capabilities:
    """What a channel can do and what it accepts, declared up front.

    Whatever an item asks for that ``audience`` does not contain is reported to
    the editor before approval, never silently dropped.
    """

    audience: frozenset[str] = frozenset()
    max_title_chars: int | None = None
    max_text_chars: int | None = None
    #: Every item needs a representative image from the media library (S0.5):
    #: an item without a cover image is refused before approval. The one cover flag.
    requires_cover: bool = False
    #: The media the channel accepts, role by role (types, sizes, counts, duration, aspect);
    #: what does not fit is refused with a reason before approval and again at render.
    media: MediaAccepts = field(default_factory=MediaAccepts)
    can_update: bool = True
    can_retract: bool = True
    can_read_interactions: bool = False
    #: The settings that say where the channel sends (a URL, a host, a page or account id).
    #: Changing one needs a fresh second-factor code and drops the stored secrets, which
    #: were shared with the old destination; URL values must not name a non-public
    #: address. ``None`` (undeclared): every setting counts as one.
    destinations: frozenset[str] | None = None


@dataclass(frozen=True)
class Audience:
    age_min: int | None = None
    age_max: int | None = None
    genders: tuple[str, ...] = ()
    scope_level: str = "commune"
    scope_units: tuple[str, ...] = ()
    visible_from: dt.datetime | None = None
    visible_until: dt.datetime | None = None
    interactions_allowed: bool = True
    #: The official names of ``scope_units``, in the same order ("" for a code that is no
    #: unit of the current scheme): filled where core builds an item for a channel
    #: (delivery, preview, plan), empty in feeds.
    scope_names: tuple[str, ...] = ()

    def scope_named(self) -> tuple[tuple[str, str], ...]:
        """(code, name) of each unit of the scope; the name is "" when it is not known."""
        names = self.scope_names + ("",) * (len(self.scope_units) - len(self.scope_names))
        return tuple(zip(self.scope_units, names, strict=False))


@dataclass(frozen=True)
class ItemImage:
    """An item's cover image from the media library, as one public file (a JPEG rendition).

    Feeds and channels that attach or enclose the bytes need their URL, type and size;
    ``alt`` is the text for readers who cannot see it.
    """

    url: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    alt: str = ""


@dataclass(frozen=True)
class Approval:
    """One decided approval step of an item (who passed it, when, with what comment): the
    approval record a channel may need to show, e.g. on an official request letter."""

    label: str
    role: str
    decided_by: str
    decided_at: dt.datetime | None
    comment: str = ""


@dataclass(frozen=True)
class Item:
    """An item as channels see it: published content, ready to render."""

    uid: str
    slug: str
    title: str
    summary: str
    body_html: str
    url: str
    cover_url: str
    cover_caption: str
    source: str
    author: str
    agency: str
    category: str
    unit_code: str
    unit_name: str
    revision: int
    published_at: dt.datetime | None
    updated_at: dt.datetime
    audience: Audience = field(default_factory=Audience)
    #: The cover image from the media library (None: no cover, or only ``cover_url``).
    cover_image: ItemImage | None = None
    #: Every medium the item uses (cover, gallery, video, attachments), in role and
    #: position order; :meth:`ItemMedia.stream` gives a rendition's bytes.
    media: tuple[ItemMedia, ...] = ()
    #: The item's topic (``core.content.topics``) and, when S0.4 asked for one, the written
    #: justification its approvers saw: channels with topic rules check them at render.
    topic: str = "other"
    justification: str = ""
    #: The approval steps passed, in the order they were decided (filled on delivery only:
    #: previews and plans leave it empty).
    approvals: tuple[Approval, ...] = ()

    def media_in(self, role: str) -> tuple[ItemMedia, ...]:
        """The item's media in one role (``cover``, ``gallery``, ``video``, ``attachment``)."""
        return tuple(m for m in self.media if m.role == role)


@dataclass(frozen=True)
class Rendered:
    """A channel's payload, with the plain text it will show (moderation reads it)."""

    payload: Mapping[str, Any]
    text: str
    #: How the payload will show, for the admin's side-by-side view (optional).
    preview: Preview | None = None
    #: The media files ``publish``/``update`` will send (chosen renditions), streamed then.
    files: tuple[MediaFile, ...] = ()


@dataclass(frozen=True)
class Target:
    """One configured destination, as the channel needs it for one call.

    ``secrets`` are decrypted for this call only; a channel must never put them
    in a log line, an exception message or a payload it returns.
    """

    id: int
    name: str
    settings: Mapping[str, Any]
    secrets: Mapping[str, str]
    timeout: float = 10.0
    #: Private networks this call may reach (``LOA_OUTBOUND_ALLOW_NETWORKS``); pass it to
    #: ``core.outbound_client``, which refuses every other non-public address.
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()


@dataclass(frozen=True)
class Remote:
    """Where the channel keeps the item."""

    remote_id: str
    url: str = ""


@dataclass(frozen=True)
class CitizenComment:
    """A comment a citizen wrote on a channel, as the channel reports it.

    ``author_id`` is the channel's own id of the author: core keeps only a keyed hash of it
    (a channel-scoped pseudonym) and the display name, never the id itself. ``cursor`` is
    where this comment sits in the channel's stream: the last one seen is passed back as
    ``since`` to ask for newer comments only.
    """

    remote_id: str
    remote_item_id: str  # the channel's id of the item commented on (a Remote.remote_id)
    author_id: str
    author_name: str
    text: str
    cursor: str
    created_at: dt.datetime | None = None
    hidden: bool = False


@runtime_checkable
class Interactions(Protocol):
    """What a channel whose ``capabilities.can_read_interactions`` is true also implements.

    Core reads every new comment, moderates it, and asks the channel to hide what moderation
    blocks or a moderator hides. ``hide_comment`` must be safe to call twice.
    """

    async def fetch_comments(
        self, target: Target, *, since: str | None
    ) -> list[CitizenComment]: ...

    async def hide_comment(self, target: Target, *, comment_id: str) -> None: ...


@runtime_checkable
class BansAuthors(Protocol):
    """What a channel that can ban a comment's author on the platform also implements.

    When a moderator blocks an author, core hides what they wrote through this instead of
    ``Interactions.hide_comment``: the channel hides the comment *and* bans its author there,
    so the platform hides what they write next too. Safe to call twice.
    """

    async def ban_author(self, target: Target, *, comment_id: str) -> None: ...


@runtime_checkable
class HoldsComments(Protocol):
    """What a channel that can hold a comment for review on the platform also implements.

    A comment moderation sends to review (``held``) is held there too, out of viewers' sight,
    until a moderator decides: approved, it is released (shown again); hidden, it is hidden
    as any other. Both must be safe to call twice.
    """

    async def hold_comment(self, target: Target, *, comment_id: str) -> None: ...

    async def release_comment(self, target: Target, *, comment_id: str) -> None: ...


@runtime_checkable
class DeletesComments(Protocol):
    """What a channel that can delete a citizen's comment for good also implements.

    A moderator's delete (where the platform allows a Page to remove what a visitor wrote)
    goes through this instead of ``Interactions.hide_comment``; a channel without it offers
    no delete, only hide. Safe to call twice (a comment already gone is done).
    """

    async def delete_comment(self, target: Target, *, comment_id: str) -> None: ...


@runtime_checkable
class Channel(Protocol):
    """The contract every channel plugin implements.

    ``publish`` receives a stable ``key`` (the same on every attempt of one
    delivery); a channel that can, passes it on as an idempotency key, and
    ``reconcile`` uses it to find what an earlier attempt created.
    """

    name: str
    title: str
    capabilities: Capabilities

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        """Raise ``ValueError`` with a message fit for a channel admin."""

    def render(self, item: Item, target: Target) -> Rendered: ...

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote: ...

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote: ...

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None: ...

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        """Return what the attempts under ``key`` created, or ``None`` if nothing landed."""
