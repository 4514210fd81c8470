"""An item's approval record: the steps passed, as a channel sees them (``Item.approvals``).

Channels that must show who approved what (an official request letter names the appraisal)
get it on delivery; it is read here, in workflow, because content sits below it.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.contract.channels import Approval
from core.workflow.models import ApprovalStep, StepState


def approval_record(
    session: Session, article_id: int, target_id: int | None = None
) -> tuple[Approval, ...]:
    """The approved steps of the article, oldest decision first.

    For a delivery to one target (``target_id``): the item's own steps and that target's, not
    the steps of the item's other targets (an item approved for 10,000 targets has a step per
    target; each delivery read all of them, 10,000 rows per delivery).
    """
    query = select(ApprovalStep).where(
        ApprovalStep.article_id == article_id, ApprovalStep.state == StepState.APPROVED
    )
    if target_id is not None:
        query = query.where(
            or_(ApprovalStep.target_id.is_(None), ApprovalStep.target_id == target_id)
        )
    steps = session.scalars(query.order_by(ApprovalStep.decided_at, ApprovalStep.id))
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
