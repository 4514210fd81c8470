"""The facebook channel plugin (Facebook Pages, Graph API). Hook implementations only.

An agency's Page passes the agency leader's gate (S4.4). Publishing, comments, webhooks,
the consent flow and the sandbox are in the modules beside this one; CONTRACT.md says what
is relied on, with sources.
"""

from __future__ import annotations

from typing import Any

from core import AGENCY_LEADER_GATE, Channel, ChannelDeclaration, Settings, hookimpl
from plugins.facebook.channel import FacebookChannel
from plugins.facebook.sandbox import create_sandbox

SANDBOX_MOUNT = "/sandbox/facebook"
#: The demo app's id and secret, and its Page tokens' prefix. Public on purpose: they open
#: nothing but the in-process emulator ``loa demo`` mounts; never use them for a real app.
DEMO_APP_ID = "100000000000001"
DEMO_APP_SECRET = "loa-demo-facebook-app-secret-not-real"
DEMO_TOKEN_PREFIX = "EAADEMO"


@hookimpl
def loa_channels() -> list[Channel]:
    return [FacebookChannel()]


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return [
        ChannelDeclaration(
            FacebookChannel.name,
            FacebookChannel.title,
            FacebookChannel.capabilities,
            (AGENCY_LEADER_GATE,),
        )
    ]


@hookimpl
def loa_sandboxes(settings: Settings) -> list[tuple[str, Any]]:
    return [
        (SANDBOX_MOUNT, create_sandbox(DEMO_APP_ID, DEMO_APP_SECRET, demo_prefix=DEMO_TOKEN_PREFIX))
    ]


def demo_page_id(unit_code: str) -> str:
    """A stable numeric Page id per demo unit."""
    digits = "".join(ch for ch in unit_code if ch.isdigit()) or "0"
    return "9" + digits.rjust(8, "0")


@hookimpl
def loa_demo_targets(settings: Settings, unit_code: str) -> list[dict[str, Any]]:
    base = settings.base_url.rstrip("/")
    page_id = demo_page_id(unit_code)
    return [
        {
            "name": f"Facebook Page {unit_code} (sandbox)",
            "plugin": "facebook",
            "settings": {
                "page_id": page_id,
                "app_id": DEMO_APP_ID,
                "graph_url": f"{base}{SANDBOX_MOUNT}",
                "dialog_url": f"{base}{SANDBOX_MOUNT}",
            },
            "secrets": {
                "app_secret": DEMO_APP_SECRET,
                "page_token": f"{DEMO_TOKEN_PREFIX}{page_id}",
                "verify_token": "loa-demo-verify-token",
            },
        }
    ]
