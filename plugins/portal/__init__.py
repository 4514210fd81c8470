"""The portal channel plugin: commune/province web portals, pushed and pulled.

Push: signed webhooks (Standard Webhooks) to a portal's receiver. Pull: RSS,
Atom, JSON Feed and a sitemap that portal vendors' importers can read. Hook
implementations only; see CONTRACT.md for what we rely on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import ApprovalGate, ChannelDeclaration, PluginContext, Settings, hookimpl
from plugins.portal.channel import PortalChannel
from plugins.portal.feeds import feed_routes
from plugins.portal.sandbox import create_sandbox

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from core import Channel

SANDBOX_MOUNT = "/sandbox/portal"
#: The demo sandbox's shared secret. Public on purpose: it protects nothing but
#: the in-process emulator that ``loa demo`` mounts; never use it for a real portal.
DEMO_SECRET = "whsec_bG9hLWRlbW8tcG9ydGFsLXNlY3JldC1ub3QtcmVhbCE="


#: The portal's editorial board passes the content (S1.3, S4.1); the audience is the
#: item's own approvers' business.
EDITORIAL_BOARD = ApprovalGate(
    "editorial_board",
    "Ban Biên tập duyệt (editorial board)",
    "editorial_board",
    "target_unit",
    covers=("content",),
)


@hookimpl
def loa_channels() -> list[Channel]:
    return [PortalChannel()]


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return [
        ChannelDeclaration(
            name=PortalChannel.name,
            title=PortalChannel.title,
            capabilities=PortalChannel.capabilities,
            approval_gates=(EDITORIAL_BOARD,),
        )
    ]


@hookimpl
def loa_routes(settings: Settings, context: PluginContext) -> list[BaseRoute]:
    return feed_routes(context)


@hookimpl
def loa_sandboxes(settings: Settings) -> list[tuple[str, Any]]:
    return [(SANDBOX_MOUNT, create_sandbox(DEMO_SECRET))]


@hookimpl
def loa_demo_targets(settings: Settings, unit_code: str) -> list[dict[str, Any]]:
    base = settings.base_url.rstrip("/")
    return [
        {
            "name": f"Cổng thông tin {unit_code} (sandbox)",
            "plugin": "portal",
            "settings": {"webhook_url": f"{base}{SANDBOX_MOUNT}/sites/{unit_code}/webhook"},
            "secrets": {"webhook_secret": DEMO_SECRET},
        }
    ]
