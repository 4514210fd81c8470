"""Which approval steps an item needs: its audience scope's, plus each chosen channel's.

Rules are data (``approval_rules``). What ships here are the scope defaults drawn
from the seed documents; each channel's defaults are what its plugin declares
(``core.contract.declarations``: core names no channel). A stored rule with the
same ``applies_to`` replaces its default, an empty list of steps included, so a
channel admin can read and change the policy without touching code.

- commune scope: the commune's approver; province scope: the province's;
  national scope: the province police endorse, then the national approver (S0.4, S0.6)
- ``plugin:<name>``: the gates that channel's plugin declares (S0.6, S1.3, S4.1, S4.4)

A step as the policy holds it is the contract's :class:`ApprovalGate` (``StepSpec``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.contract.declarations import GATE_ASPECTS, ApprovalGate, policy_of
from core.errors import ValidationFailed
from core.workflow.models import ApprovalRule

ASPECTS = GATE_ASPECTS
PLACES = ("item_unit", "province", "national", "target_unit")
#: One step of a rule: the same shape a plugin declares its gates in.
StepSpec = ApprovalGate


def _step(key: str, label: str, role: str, at: str, after: Sequence[str] = ()) -> dict[str, Any]:
    return ApprovalGate(key, label, role, at, tuple(after)).as_dict()


#: The scope rules; channel rules come from the installed plugins' declarations.
DEFAULT_RULES: dict[str, list[dict[str, Any]]] = {
    "scope:commune": [
        _step(
            "commune_approval", "Lãnh đạo xã phê duyệt (commune approver)", "approver", "item_unit"
        )
    ],
    "scope:province": [
        _step(
            "province_approval",
            "Lãnh đạo tỉnh phê duyệt (province approver)",
            "approver",
            "province",
        )
    ],
    "scope:national": [
        _step(
            "province_police",
            "Công an tỉnh xác nhận (province police endorsement)",
            "police",
            "province",
        ),
        _step(
            "national_approval",
            "Bộ Công an phê duyệt (national approver)",
            "approver",
            "national",
            after=["province_police"],
        ),
    ],
}


def parse_steps(raw: Sequence[Mapping[str, Any]]) -> list[StepSpec]:
    """Validate a rule's steps as a channel admin typed them; a clear error per problem."""
    from core.auth.models import Role

    specs: list[StepSpec] = []
    errors: dict[str, str] = {}
    keys: set[str] = set()
    roles = {r.value for r in Role}
    for i, step in enumerate(raw):
        where = f"steps[{i}]"
        key = str(step.get("key") or "").strip()
        if not key or key in keys:
            errors[f"{where}.key"] = "must be present and unique"
        role = str(step.get("role") or "")
        if role not in roles:
            errors[f"{where}.role"] = f"must be one of {sorted(roles)}"
        at = str(step.get("at") or "")
        if at not in PLACES:
            errors[f"{where}.at"] = f"must be one of {list(PLACES)}"
        after = tuple(str(a) for a in step.get("after") or ())
        if set(after) - keys:
            errors[f"{where}.after"] = "may only name steps listed before it"
        covers = tuple(str(c) for c in step.get("covers") or ASPECTS)
        if set(covers) - set(ASPECTS) or not covers:
            errors[f"{where}.covers"] = f"must be a non-empty subset of {list(ASPECTS)}"
        keys.add(key)
        label = str(step.get("label") or key)
        specs.append(StepSpec(key, label, role, at, after, covers))
    if errors:
        raise ValidationFailed(errors)
    return specs


def default_rules(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The shipped scope rules and every installed channel's declared gates."""
    return {**DEFAULT_RULES, **policy_of(session).default_rules()}


def rule_steps(session: Session, applies_to: str) -> list[StepSpec]:
    stored = session.scalar(select(ApprovalRule).where(ApprovalRule.applies_to == applies_to))
    if stored is not None:
        return parse_steps(stored.steps)
    return parse_steps(default_rules(session).get(applies_to, []))


def all_rules(session: Session) -> dict[str, list[StepSpec]]:
    """Defaults overlaid with what is stored: the whole policy, for reading."""
    keys = set(default_rules(session)) | set(session.scalars(select(ApprovalRule.applies_to)))
    return {k: rule_steps(session, k) for k in sorted(keys)}
