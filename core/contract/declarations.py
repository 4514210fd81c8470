"""What a channel declares about its place in the workflow, so core never names a channel.

Core knows how approvals work (steps, roles, places) but not which channel needs which
approval: a national news feed wants the police of the area to appraise every post, a web
portal its editorial board, a social page the agency's leader. Each plugin says so through the hook
``loa_channel_declarations``, and the policy reads the declarations of whatever is
installed. A declaration may come from a plugin whose channel is not built yet: it shapes
the policy (gates, topics) without pretending the channel can publish.

A stored approval rule with the same ``applies_to`` (``plugin:<name>``) still replaces the
declared gates, an empty list included: channel admins own the policy, plugins only ship
its defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.contract.channels import Capabilities

#: What an approval step may cover (an edit to one voids only the steps covering it).
GATE_ASPECTS = ("content", "audience")


@dataclass(frozen=True)
class ApprovalGate:
    """One approval step a channel requires before an item may go out on it.

    ``role`` is a role name of ``core.auth`` (``approver``, ``police``, ``editorial_board``,
    ``agency_leader``…); ``at`` is where that role is held: ``item_unit``, ``province``,
    ``national`` or ``target_unit`` (the unit that owns the target). ``after`` names gates
    listed before this one that must be approved first.
    """

    key: str
    label: str
    role: str
    at: str
    after: tuple[str, ...] = ()
    covers: tuple[str, ...] = GATE_ASPECTS

    def as_dict(self) -> dict[str, Any]:
        """The stored (JSON) form, as approval rules and target gates keep it."""
        return {
            "key": self.key,
            "label": self.label,
            "role": self.role,
            "at": self.at,
            "after": list(self.after),
            "covers": list(self.covers),
        }


#: The gate of a page an agency runs on a social network (S4.4): its leader approves.
AGENCY_LEADER_GATE = ApprovalGate(
    "agency_leader", "Lãnh đạo cơ quan duyệt (agency leader)", "agency_leader", "target_unit"
)


@dataclass(frozen=True)
class ChannelDeclaration:
    """A channel's name, title and capabilities, and the rules it brings to the workflow.

    ``accepted_topics``: the item topics the channel takes without a written justification
    (S0.4); ``None`` accepts every topic. A target's own ``allowed_topics`` setting, when
    present, replaces it.
    """

    name: str
    title: str
    capabilities: Capabilities = field(default_factory=Capabilities)
    approval_gates: tuple[ApprovalGate, ...] = ()
    accepted_topics: tuple[str, ...] | None = None

    @property
    def applies_to(self) -> str:
        """The key of this channel's approval rule in the policy."""
        return f"plugin:{self.name}"


@dataclass(frozen=True)
class DeclaredPolicy:
    """Every installed channel's declaration, by name: what the workflow reads at run time."""

    channels: Mapping[str, ChannelDeclaration] = field(default_factory=dict)

    @classmethod
    def of(cls, batches: Iterable[Iterable[ChannelDeclaration]]) -> DeclaredPolicy:
        """Merge the hook's answers; two plugins declaring one name is an error."""
        found: dict[str, ChannelDeclaration] = {}
        for batch in batches:
            for declaration in batch:
                if declaration.name in found:
                    raise RuntimeError(f"two plugins declare a channel named {declaration.name!r}")
                found[declaration.name] = declaration
        return cls(found)

    def default_rules(self) -> dict[str, list[dict[str, Any]]]:
        """``plugin:<name>`` → the declared gates in stored form, for every declared channel."""
        return {
            d.applies_to: [g.as_dict() for g in d.approval_gates] for d in self.channels.values()
        }

    def accepted_topics(self, plugin: str) -> tuple[str, ...] | None:
        declaration = self.channels.get(plugin)
        return declaration.accepted_topics if declaration is not None else None


#: Where a session's ``info`` holds the :class:`DeclaredPolicy` (as the audit keys ride
#: there too): the policy's many readers pass only their session.
INFO_KEY = "loa.declared_policy"


def declared_policy(pm: Any) -> DeclaredPolicy:
    """Ask every registered plugin (a ``pluggy.PluginManager``) for its declarations."""
    return DeclaredPolicy.of(pm.hook.loa_channel_declarations())


def policy_of(session: Any) -> DeclaredPolicy:
    """The declarations a session was made with; none for a bare session (scripts, benches)."""
    found = session.info.get(INFO_KEY)
    return found if isinstance(found, DeclaredPolicy) else DeclaredPolicy()
