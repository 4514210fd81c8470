"""What an item will look like on a channel, and what the channel cannot do with it.

A channel's ``render`` may put a :class:`Preview` on its :class:`~core.contract.channels.Rendered`:
an HTML fragment shaped like the post (core sanitises it before anyone sees it, so a plugin
cannot put script in the admin) and/or named fields (``title``, ``message``…) an admin lays
out itself, and ``notes`` on what the channel changed (a text cut short…). A channel that
gives none gets one made from the rendered text.

Core adds the :class:`Fidelity` report (:mod:`core.delivery.previews`): the audience fields
the item restricts that the channel cannot enforce, the media it drops, the channel's notes.
The editor sees both side by side before approving (DESIGN: "never silently dropped").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from core.contract.media import MediaProblem


@dataclass(frozen=True)
class Preview:
    """How the rendered payload will show: ``html`` (a fragment), ``fields`` (name → text),
    and ``notes``: what the channel changed on the way (Vietnamese first)."""

    html: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fidelity:
    """What the channel will not do as the item asks: ``unenforced`` audience fields
    (``core.contract.channels.AUDIENCE_FIELDS``), ``media_dropped`` and the channel's ``notes``."""

    unenforced: tuple[str, ...] = ()
    media_dropped: tuple[MediaProblem, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChannelPreview:
    """One channel's preview of an item with its fidelity report. ``refused`` holds the
    reasons the channel would refuse the item as it stands (``preview`` is then empty);
    ``text`` is the plain text moderation reads."""

    preview: Preview
    fidelity: Fidelity
    text: str = ""
    refused: tuple[str, ...] = ()


class AudienceAsks(Protocol):
    """The audience fields :func:`requested` reads: the stored audience or an Item's."""

    @property
    def age_min(self) -> int | None: ...
    @property
    def age_max(self) -> int | None: ...
    @property
    def genders(self) -> Collection[str] | None: ...
    @property
    def scope_level(self) -> str: ...
    @property
    def scope_units(self) -> Collection[str] | None: ...
    @property
    def visible_from(self) -> dt.datetime | None: ...
    @property
    def visible_until(self) -> dt.datetime | None: ...
    @property
    def interactions_allowed(self) -> bool: ...


def requested(audience: AudienceAsks | None, own_unit_code: str = "") -> set[str]:
    """The audience fields (core.contract.channels.AUDIENCE_FIELDS) this item actually restricts."""
    if audience is None:
        return set()
    asks: set[str] = set()
    if audience.age_min is not None or audience.age_max is not None:
        asks.add("age")
    genders = set(audience.genders or ())
    if genders and genders != {"male", "female", "other"}:
        asks.add("gender")
    if audience.scope_level != "national" and set(audience.scope_units or ()) - {own_unit_code}:
        asks.add("scope")
    if audience.visible_from is not None or audience.visible_until is not None:
        asks.add("window")
    if not audience.interactions_allowed:
        asks.add("interactions")
    return asks
