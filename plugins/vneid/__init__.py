"""The vneid channel plugin (VNeID "Tin tức"): hook implementations only.

The police of the item's area appraise content and audience (S0.6), only S0.4's topics go
without a justification, and every post needs a cover image (S0.5). A target works in
``assisted`` mode (a police operator posts from a kit, with the official request letter)
or ``partner`` mode (the assumed partner API of CONTRACT.md), chosen by its settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import ApprovalGate, ChannelDeclaration, Settings, hookimpl
from plugins.vneid.channel import VneidChannel
from plugins.vneid.sandbox import create_sandbox
from plugins.vneid.topics import ACCEPTED_TOPICS

if TYPE_CHECKING:
    from core import Channel

__all__ = ["ACCEPTED_TOPICS", "DECLARATION"]

SANDBOX_MOUNT = "/sandbox/vneid"
#: The demo sandbox's API key. Public on purpose: it opens nothing but the in-process
#: emulator ``loa demo`` mounts; a real partner key is a target secret.
DEMO_API_KEY = "vneid-demo-key-not-a-secret"

DECLARATION = ChannelDeclaration(
    name=VneidChannel.name,
    title=VneidChannel.title,
    capabilities=VneidChannel.capabilities,
    approval_gates=(
        ApprovalGate(
            "police_appraisal", "Công an thẩm định (police appraisal)", "police", "item_unit"
        ),
    ),
    accepted_topics=ACCEPTED_TOPICS,
)


@hookimpl
def loa_channels() -> list[Channel]:
    return [VneidChannel()]


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return [DECLARATION]


@hookimpl
def loa_sandboxes(settings: Settings) -> list[tuple[str, Any]]:
    return [(SANDBOX_MOUNT, create_sandbox({DEMO_API_KEY}, auto_review=True))]


@hookimpl
def loa_demo_targets(settings: Settings, unit_code: str) -> list[dict[str, Any]]:
    base = settings.base_url.rstrip("/")
    return [
        {
            "name": f"VNeID Tin tức {unit_code} (thủ công: công an đăng)",
            "plugin": "vneid",
            "settings": {"mode": "assisted"},
            "secrets": {},
        },
        {
            "name": f"VNeID Tin tức {unit_code} (API đối tác, sandbox)",
            "plugin": "vneid",
            "settings": {"mode": "partner", "api_url": f"{base}{SANDBOX_MOUNT}"},
            "secrets": {"api_key": DEMO_API_KEY},
        },
    ]
