"""Topics, and when an item needs a written justification (S0.4).

Every item has a topic from this list. A channel may accept only some topics: its
plugin declares them (``ChannelDeclaration.accepted_topics``) and a target may narrow
or widen them in its settings (``allowed_topics``). An item outside them, or of
national scope, must carry a written justification that approvers see.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.content.topics import TOPICS as TOPICS  # the vocabulary lives with the content
from core.contract.declarations import DeclaredPolicy
from core.targets.models import ChannelTarget


def allowed_topics(
    target: ChannelTarget, declared: DeclaredPolicy | None = None
) -> tuple[str, ...] | None:
    """The target's own ``allowed_topics``, else what its plugin declares; None: any topic."""
    allowed = (target.settings or {}).get("allowed_topics")
    if allowed:
        return tuple(str(t) for t in allowed)
    return declared.accepted_topics(target.plugin) if declared is not None else None


def justification_needed(
    level: str,
    topic: str | None,
    targets: Sequence[ChannelTarget],
    declared: DeclaredPolicy | None = None,
) -> str | None:
    """Why a revision of this reach (``core.workflow.reach``) and topic needs a written
    justification for these targets, or None when it does not."""
    if level == "national":
        return "national scope needs a written justification for the Ministry (S0.4)"
    for target in targets:
        allowed = allowed_topics(target, declared)
        if allowed and (topic or "other") not in allowed:
            return (
                f"{target.name} accepts only {', '.join(allowed)}: "
                "a topic outside them needs a written justification (S0.4)"
            )
    return None
