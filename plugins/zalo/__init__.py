"""The zalo channel plugin (Zalo Official Account, OA OpenAPI): declared, not built yet.

It declares the channel so the approval policy knows its gate (the agency's leader, S4.4)
and registers no channel: nothing can be published there until its own issue lands.
"""

from __future__ import annotations

from core import AGENCY_LEADER_GATE, Capabilities, ChannelDeclaration, hookimpl


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    can = Capabilities(frozenset({"age", "gender", "scope"}))
    return [ChannelDeclaration("zalo", "Zalo Official Account", can, (AGENCY_LEADER_GATE,))]
