"""An item's media as a channel sees it, and what a channel declares it accepts.

A channel never fetches media by URL (offices may have no internet, and a URL is a request
someone else can answer): the :class:`~core.contract.channels.Item` carries its media with their
metadata, and :meth:`ItemMedia.stream` hands the channel the bytes of the rendition it asks
for, straight from the media store. The channel picks a rendition with
:meth:`ItemMedia.choose` under its own :class:`MediaRule` (say, a JPEG of at most 1 MB).

This module holds data only; :mod:`core.contract.fit` judges an item's media against a
channel's :class:`MediaAccepts`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

#: The roles an item's media play, in the order a channel usually lays them out.
ROLES = ("cover", "gallery", "video", "attachment")


class MediaSource(Protocol):
    """Where the bytes behind a :class:`Rendition` come from (core's media store)."""

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The bytes stored under ``key``, in chunks of at most 1 MiB."""
        ...


@dataclass(frozen=True)
class Rendition:
    """One stored file of a medium: ``original``, ``w1280.jpg``, ``poster-w640.webp``…

    ``key`` is core's own name for the bytes: opaque to a channel, which asks
    :meth:`ItemMedia.stream` by ``name``.
    """

    name: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    key: str = field(default="", repr=False)


class MediaUnavailable(LookupError):
    """The rendition asked for does not exist, or this item's media cannot be streamed here."""


@dataclass(frozen=True)
class ItemMedia:
    """One medium used by an item in a ``role`` (one of :data:`ROLES`), with its metadata.

    ``content_type``, ``size``, ``width`` and ``height`` describe the cleaned original;
    ``renditions`` lists every file kept for it (the original included). ``duration`` is in
    seconds (videos), ``pages`` counts a document's pages.
    """

    uid: str
    role: str
    kind: str
    content_type: str
    size: int
    renditions: tuple[Rendition, ...]
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    pages: int | None = None
    alt: str = ""
    caption: str = ""
    title: str = ""
    filename: str = ""
    position: int = 0
    source: MediaSource | None = field(default=None, repr=False, compare=False)

    @property
    def aspect(self) -> float | None:
        """Width over height of the original, when both are known."""
        if self.width and self.height:
            return self.width / self.height
        return None

    def rendition(self, name: str) -> Rendition:
        for r in self.renditions:
            if r.name == name:
                return r
        raise MediaUnavailable(f"{self.uid} has no rendition {name!r}")

    @property
    def files(self) -> tuple[Rendition, ...]:
        """The renditions that are the medium itself: stills of a video or a document
        (``poster…``, ``thumbnail…``) are not, so they are never sent as it."""
        return tuple(r for r in self.renditions if not r.name.startswith(("poster", "thumbnail")))

    def choose(self, rule: MediaRule | None = None) -> Rendition | None:
        """The rendition a channel under ``rule`` should send: of an accepted type, within
        its size and at least its width, the widest such (the original when it fits);
        ``None`` when nothing fits. Only :attr:`files` are candidates."""
        rule = rule or MediaRule()
        fitting = [r for r in self.files if rule.admits(r)]
        if not fitting:
            return None
        return max(fitting, key=lambda r: (r.width or 0, r.name == "original", r.size))

    def stream(self, rendition: str = "original") -> AsyncIterator[bytes]:
        """The bytes of the rendition named ``rendition``, in chunks (at most 1 MiB each).

        Raises :class:`MediaUnavailable` at once for an unknown rendition or an item that
        was built without access to the store (a feed's view of published content)."""
        found = self.rendition(rendition)
        if self.source is None:
            raise MediaUnavailable("this item's media cannot be streamed here")
        return self.source.stream(found.key)


@dataclass(frozen=True)
class MediaFile:
    """One file a rendered payload carries: the chosen rendition of one medium.

    ``render`` is synchronous and sends nothing, so it puts what ``publish`` must upload on
    :attr:`core.contract.channels.Rendered.files`; ``publish`` streams each with :meth:`stream`.
    """

    media: ItemMedia
    rendition: Rendition

    def stream(self) -> AsyncIterator[bytes]:
        return self.media.stream(self.rendition.name)


@dataclass(frozen=True)
class MediaRule:
    """What a channel accepts in one role; ``None`` means no limit.

    ``max_count=0`` says the channel does not carry that role at all: such media are
    dropped, and the fidelity report says so (a refusal would block an item for a medium
    the editor meant for other channels). ``aspect`` is the (lowest, highest) width/height
    ratio accepted; ``max_duration`` is in seconds. ``min_count`` asks for at least that
    many (a video channel needs its video); the cover is asked for by
    ``Capabilities.requires_cover`` instead, the one flag for it.
    """

    types: frozenset[str] | None = None
    max_bytes: int | None = None
    max_count: int | None = None
    min_count: int = 0
    max_duration: float | None = None
    min_width: int | None = None
    aspect: tuple[float, float] | None = None

    def admits(self, rendition: Rendition) -> bool:
        """Whether this one file may be sent as it is (type, bytes, width)."""
        if self.types is not None and rendition.content_type not in self.types:
            return False
        if self.max_bytes is not None and rendition.size > self.max_bytes:
            return False
        return not (self.min_width is not None and (rendition.width or 0) < self.min_width)


#: The rule of a role a channel has said nothing about: anything is accepted.
ANY = MediaRule()


@dataclass(frozen=True)
class MediaAccepts:
    """The media a channel accepts, role by role (the default accepts everything).

    Example, an article channel of a chat platform::

        MediaAccepts(
            cover=MediaRule(types=frozenset({"image/jpeg", "image/png"}), max_bytes=1_000_000),
            gallery=MediaRule(types=frozenset({"image/jpeg"}), max_bytes=1_000_000, max_count=10),
            video=MediaRule(types=frozenset({"video/mp4"}), max_bytes=50_000_000, max_count=1),
            attachment=MediaRule(max_count=0),
        )
    """

    cover: MediaRule = ANY
    gallery: MediaRule = ANY
    video: MediaRule = ANY
    attachment: MediaRule = ANY

    def __post_init__(self) -> None:
        if self.cover.min_count:
            raise ValueError("ask for a cover with Capabilities(requires_cover=True)")

    def rule(self, role: str) -> MediaRule:
        if role not in ROLES:
            raise ValueError(f"unknown media role {role!r}")
        rule: MediaRule = getattr(self, role)
        return rule


@dataclass(frozen=True)
class MediaProblem:
    """Why one medium (or a role) does not fit a channel.

    ``code`` is stable for programs: ``missing``, ``too_many``, ``type``, ``too_large``,
    ``too_small``, ``too_long``, ``aspect`` (refusals) or ``dropped`` (the channel does not
    carry the role). ``uid`` names the medium (empty for a whole role); ``message`` is for
    the editor, Vietnamese first.
    """

    role: str
    code: str
    message: str
    uid: str = ""
