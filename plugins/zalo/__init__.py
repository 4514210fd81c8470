"""The zalo channel plugin (Zalo Official Account, OA OpenAPI and OAuth v4).

Articles on the OA's timeline, optionally broadcast to followers with targeting; citizens'
direct messages by signed webhook, answered within Zalo's window. Hook implementations only;
see CONTRACT.md for what we rely on. The approval gate is the agency's leader (S4.4).
"""

from __future__ import annotations

from typing import Any

from core import AGENCY_LEADER_GATE, Channel, ChannelDeclaration, Settings, hookimpl
from plugins.zalo.channel import ZaloChannel
from plugins.zalo.sandbox import DEMO_TOKEN_PREFIX, create_sandbox

SANDBOX_MOUNT = "/sandbox/zalo"
#: The demo sandbox's app and OA secrets. Public on purpose: they protect nothing but the
#: in-process emulator ``loa demo`` mounts; never use them for a real OA.
DEMO_APP_ID = "loa-demo-app"
DEMO_APP_SECRET = "loa-demo-zalo-app-secret-not-real"
DEMO_OA_SECRET = "loa-demo-zalo-oa-secret-not-real"
DEMO_OA = "loa-demo-oa"


@hookimpl
def loa_channels() -> list[Channel]:
    return [ZaloChannel()]


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return [
        ChannelDeclaration(
            ZaloChannel.name, ZaloChannel.title, ZaloChannel.capabilities, (AGENCY_LEADER_GATE,)
        )
    ]


@hookimpl
def loa_sandboxes(settings: Settings) -> list[tuple[str, Any]]:
    sandbox = create_sandbox(DEMO_APP_ID, DEMO_APP_SECRET, DEMO_OA_SECRET, (DEMO_OA,), demo=True)
    return [(SANDBOX_MOUNT, sandbox)]


@hookimpl
def loa_demo_targets(settings: Settings, unit_code: str) -> list[dict[str, Any]]:
    """One OA per demo unit, in the sandbox; a token that needs no consent, broadcasts on."""
    base = settings.base_url.rstrip("/") + SANDBOX_MOUNT
    return [
        {
            "name": f"Zalo OA {unit_code} (sandbox)",
            "plugin": "zalo",
            "settings": {
                "app_id": DEMO_APP_ID,
                "oa_id": f"oa-{unit_code}",
                "api_base": base,
                "oauth_base": base,
                "broadcast": True,
                # a real OA's allowance is what its office sets (often 4 a month); the demo's
                # sandbox OAs allow more than the demo seeds, so every seeded item goes out
                "monthly_broadcasts": 30,
                # the sandbox processes an article by the next verify: no need to wait 2 s
                "verify_delay": 0.2,
            },
            "secrets": {
                "app_secret": DEMO_APP_SECRET,
                "oa_secret_key": DEMO_OA_SECRET,
                "access_token": f"{DEMO_TOKEN_PREFIX}{unit_code}",
            },
        }
    ]
