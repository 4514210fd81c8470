"""An item's approval record: the steps passed, as a channel sees them (``Item.approvals``).

Channels that must show who approved what (an official request letter names the appraisal)
get it on delivery; it is read here, in workflow, because content sits below it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.contract.channels import Approval
from core.workflow.models import ApprovalStep, StepState


def approval_record(session: Session, article_id: int) -> tuple[Approval, ...]:
    """The approved steps of the article, oldest decision first."""
    steps = session.scalars(
        select(ApprovalStep)
        .where(ApprovalStep.article_id == article_id, ApprovalStep.state == StepState.APPROVED)
        .order_by(ApprovalStep.decided_at, ApprovalStep.id)
    )
    return tuple(
        Approval(
            label=s.label,
            role=s.role,
            decided_by=s.decided_by,
            decided_at=s.decided_at,
            comment=s.comment,
        )
        for s in steps
    )
