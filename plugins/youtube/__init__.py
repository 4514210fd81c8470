"""The youtube channel plugin (YouTube Data API v3): declared, not built yet.

It declares the channel so the approval policy knows its gate (the agency's leader, S4.4)
and registers no channel: nothing can be published there until its own issue lands.
"""

from __future__ import annotations

from core import AGENCY_LEADER_GATE, Capabilities, ChannelDeclaration, hookimpl


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    can = Capabilities(frozenset({"interactions"}), can_read_interactions=True)
    return [ChannelDeclaration("youtube", "YouTube", can, (AGENCY_LEADER_GATE,))]
