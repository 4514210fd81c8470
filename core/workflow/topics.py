"""Topics, and when an item needs a written justification (S0.4).

VNeID's "Tin tức" accepts Project 06, laws and regulations, local policies,
model sites and promotion of the locality. A channel declares the topics it
accepts (in its target's settings, ``allowed_topics``); an item outside them,
or of national scope, must carry a written justification that approvers see.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.content.topics import TOPICS as TOPICS  # the vocabulary lives with the content
from core.targets.models import ChannelTarget

#: What VNeID accepts without justification (S0.4).
VNEID_TOPICS = ("project06", "law", "local_policy", "model_site", "local_promotion")


def allowed_topics(target: ChannelTarget) -> tuple[str, ...] | None:
    allowed = (target.settings or {}).get("allowed_topics")
    return tuple(str(t) for t in allowed) if allowed else None


def justification_needed(
    level: str, topic: str | None, targets: Sequence[ChannelTarget]
) -> str | None:
    """Why a revision of this reach (``core.workflow.reach``) and topic needs a written
    justification for these targets, or None when it does not."""
    if level == "national":
        return "national scope needs a written justification for the Ministry (S0.4)"
    for target in targets:
        allowed = allowed_topics(target)
        if allowed and (topic or "other") not in allowed:
            return (
                f"{target.name} accepts only {', '.join(allowed)}: "
                "a topic outside them needs a written justification (S0.4)"
            )
    return None
