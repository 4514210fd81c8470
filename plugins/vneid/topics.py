"""S0.4 at render time: what VNeID takes without a written justification.

Approval already refuses to pass an item that needs a justification and has none; this
check runs again when the item is rendered (previews, channel plan, delivery), so the
editor sees the reason next to the channel, and a target's own ``allowed_topics`` counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import ContentRefused, Item

#: What VNeID "Tin tức" accepts without a written justification (S0.4): Project 06,
#: laws and regulations, local policies, model sites, promotion of the locality.
ACCEPTED_TOPICS = ("project06", "law", "local_policy", "model_site", "local_promotion")
TOPIC_WORDS = {
    "project06": "Đề án 06",
    "law": "quy định của pháp luật",
    "local_policy": "chính sách của địa phương",
    "model_site": "mô hình điểm",
    "local_promotion": "quảng bá hình ảnh địa phương",
    "other": "nội dung khác",
}


def accepted(settings: Mapping[str, Any]) -> tuple[str, ...]:
    allowed = settings.get("allowed_topics")
    return tuple(str(t) for t in allowed) if allowed else ACCEPTED_TOPICS


def needs_justification(item: Item, settings: Mapping[str, Any]) -> str | None:
    """Why this item needs a written justification on this target, or None."""
    if item.audience.scope_level == "national":
        return (
            "Phạm vi toàn quốc cần văn bản nêu rõ tính cần thiết để Bộ Công an duyệt"
            " (national scope needs a written justification for the Ministry, S0.4)"
        )
    if item.topic not in accepted(settings):
        words = TOPIC_WORDS.get(item.topic, item.topic)
        return (
            f"Chủ đề «{words}» ngoài các chủ đề VNeID nhận cần nêu rõ tính cần thiết"
            f" (topic {item.topic!r} is outside VNeID's topics: a justification is needed, S0.4)"
        )
    return None


def check(item: Item, settings: Mapping[str, Any]) -> str | None:
    """Refuse an item whose S0.4 justification is missing; return the one it carries."""
    reason = needs_justification(item, settings)
    if reason is None:
        return None
    if not item.justification.strip():
        raise ContentRefused(reason)
    return item.justification.strip()
