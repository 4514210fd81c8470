"""The youtube channel plugin (YouTube Data API v3): hook implementations only.

It declares the channel with its gate (the agency's leader, S4.4), registers the channel,
its sandbox for ``loa demo`` and a demo target per unit pointing at it. See CONTRACT.md
for what it relies on.
"""

from __future__ import annotations

from typing import Any

from core import AGENCY_LEADER_GATE, Channel, ChannelDeclaration, Settings, hookimpl
from plugins.youtube.channel import YouTubeChannel
from plugins.youtube.sandbox import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_PREFIX,
    create_sandbox,
)

SANDBOX_MOUNT = "/sandbox/youtube"


@hookimpl
def loa_channels() -> list[Channel]:
    return [YouTubeChannel()]


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return [
        ChannelDeclaration(
            YouTubeChannel.name,
            YouTubeChannel.title,
            YouTubeChannel.capabilities,
            (AGENCY_LEADER_GATE,),
        )
    ]


@hookimpl
def loa_sandboxes(settings: Settings) -> list[tuple[str, Any]]:
    return [(SANDBOX_MOUNT, create_sandbox())]


@hookimpl
def loa_demo_targets(settings: Settings, unit_code: str) -> list[dict[str, Any]]:
    base = f"{settings.base_url.rstrip('/')}{SANDBOX_MOUNT}"
    channel = f"UCloa-demo-{unit_code}"
    return [
        {
            "name": f"YouTube {unit_code} (sandbox)",
            "plugin": "youtube",
            "settings": {
                "client_id": DEMO_CLIENT_ID,
                "api_base": base,
                "token_url": f"{base}/token",
                "auth_url": f"{base}/o/oauth2/v2/auth",
                "channel_id": channel,
            },
            "secrets": {
                "client_secret": DEMO_CLIENT_SECRET,
                "refresh_token": f"{DEMO_REFRESH_PREFIX}{channel}",
            },
        }
    ]
