"""Setting a unit's inbound moderation policy (admins), exporting its labelled examples, and
explaining what the unit's lexicon makes of a text (the effect of its terms and allowlist).

check → change → audit, in one transaction. The policy applies at once to the next comment or
message read for the unit and the units below it that set none of their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.content.queries import unit_by_code
from core.context import Context
from core.db import utcnow
from core.errors import ValidationFailed
from core.interactions.labels import Label, labels_of
from core.moderation import Decision
from core.moderation.explain import explain
from core.screening.lexicons import unit_lexicon
from core.screening.models import UnitModerationPolicy
from core.screening.policies import INTENSIFIER_CHOICES, unit_policy
from core.text import nfc
from core.units.models import Unit


def _unit(session: Session, unit_code: str) -> Unit:
    try:
        return unit_by_code(session, unit_code)
    except LookupError as exc:
        raise ValidationFailed({"unit_code": str(exc)}) from None


def set_inbound_policy(
    ctx: Context, actor: Actor, unit_code: str, intensifiers: str
) -> UnitModerationPolicy:
    """How the unit (and the units below it) handle intensifiers in what citizens write."""
    if intensifiers not in {str(d) for d in INTENSIFIER_CHOICES}:
        raise ValidationFailed({"intensifiers": "must be allow, review or block"})
    with ctx.transaction() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.MANAGE_LEXICON, unit.path)
        row = session.get(UnitModerationPolicy, unit.id)
        if row is None:
            row = UnitModerationPolicy(unit_id=unit.id)
            session.add(row)
        row.intensifiers = str(Decision(intensifiers))
        row.updated_by = actor.name
        row.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor.name,
            action="moderation.policy",
            subject_type="unit",
            subject_id=unit.id,
            data={"unit": unit.code, "intensifiers": intensifiers},
        )
    return row


def export_labels(ctx: Context, actor: Actor, unit_code: str) -> list[Label]:
    """The unit's labelled examples (and its descendants'), oldest first; for its lexicon admins."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.MANAGE_LEXICON, unit.path)
        return labels_of(session, unit)


#: Longest text a person may have explained at once.
MAX_EXPLAIN = 2000


def explain_text(ctx: Context, actor: Actor, unit_code: str, text: str) -> dict[str, Any]:
    """What moderation makes of ``text`` under the unit's lexicon (shipped terms, its own and
    its ancestors' terms and allowlist) and inbound policy: every match with its entry and
    normalisations, and the decision for citizens' text (inbound) and the office's (outbound)."""
    clean = nfc(text or "").strip()
    if not clean or len(clean) > MAX_EXPLAIN:
        raise ValidationFailed({"text": f"required, at most {MAX_EXPLAIN} characters"})
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        return explain(clean, unit_lexicon(session, unit.id), unit_policy(session, unit.id))
