"""A unit's handling of what citizens write (inbound moderation), nearest unit up the path wins.

Why per unit and inherited: a province may allow the intensifiers ("vl", "hay vcl") that comment
annotators call clean, and a commune below it may hold them again; a unit that set nothing gets
its nearest ancestor's policy, and the default (``core.moderation.DEFAULT_POLICY``) when none
did. What the office publishes (outbound) is judged by a fixed, stricter rule and reads nothing
from here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.moderation import Decision, Policy
from core.moderation.policy import DEFAULT_POLICY
from core.screening.lexicons import path_ids
from core.screening.models import UnitModerationPolicy
from core.units.lookups import unit_path

#: What a unit may choose for intensifiers in citizens' text.
INTENSIFIER_CHOICES = (Decision.ALLOW, Decision.REVIEW, Decision.BLOCK)


def unit_policy(session: Session, unit_id: int | None) -> Policy:
    """The inbound policy for texts of ``unit_id``: its own, else its nearest ancestor's."""
    if unit_id is None:
        return DEFAULT_POLICY
    ids = path_ids(unit_path(session, unit_id, missing="")) or [unit_id]
    rows = {
        row.unit_id: row
        for row in session.scalars(
            select(UnitModerationPolicy).where(UnitModerationPolicy.unit_id.in_(ids))
        )
    }
    for unit in reversed(ids):
        if unit in rows:
            return Policy(intensifiers=Decision(rows[unit].intensifiers))
    return DEFAULT_POLICY
