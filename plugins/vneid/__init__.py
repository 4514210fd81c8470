"""The vneid channel plugin (VNeID "Tin tức"): declared, not built yet.

It declares the channel so the workflow knows its rules: the police of the item's area
appraise content and audience (S0.6), only S0.4's topics go without a justification,
and every post needs a cover image (S0.5). It registers no channel: VNeID has no public
publishing API, and its assisted channel is its own issue.
"""

from __future__ import annotations

from core import ApprovalGate, Capabilities, ChannelDeclaration, hookimpl

#: What VNeID "Tin tức" accepts without a written justification (S0.4): Project 06,
#: laws and regulations, local policies, model sites, promotion of the locality.
ACCEPTED_TOPICS = ("project06", "law", "local_policy", "model_site", "local_promotion")
DECLARATION = ChannelDeclaration(
    name="vneid",
    title="VNeID Tin tức",
    capabilities=Capabilities(
        audience=frozenset({"age", "gender", "scope", "window", "interactions"}),
        requires_cover=True,
    ),
    approval_gates=(
        ApprovalGate(
            "police_appraisal", "Công an thẩm định (police appraisal)", "police", "item_unit"
        ),
    ),
    accepted_topics=ACCEPTED_TOPICS,
)


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return [DECLARATION]
