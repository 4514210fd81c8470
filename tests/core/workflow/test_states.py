"""Every transition of the item life cycle, allowed and refused."""

from __future__ import annotations

import pytest

from core.content.models import Status
from core.errors import InvalidTransition
from core.workflow.states import TRANSITIONS, Move, move

ALLOWED = [
    (Status.DRAFT, Move.SUBMIT, Status.SUBMITTED),
    (Status.CHANGES_REQUESTED, Move.SUBMIT, Status.SUBMITTED),
    (Status.SUBMITTED, Move.START_REVIEW, Status.IN_REVIEW),
    (Status.IN_REVIEW, Move.REQUEST_CHANGES, Status.CHANGES_REQUESTED),
    (Status.SUBMITTED, Move.REJECT, Status.REJECTED),
    (Status.IN_REVIEW, Move.APPROVE, Status.APPROVED),
    (Status.APPROVED, Move.SCHEDULE, Status.SCHEDULED),
    (Status.SCHEDULED, Move.PUBLISH, Status.PUBLISHED),
    (Status.PUBLISHED, Move.EXPIRE, Status.EXPIRED),
    (Status.PUBLISHED, Move.RETRACT, Status.RETRACTED),
    (Status.REJECTED, Move.REOPEN, Status.DRAFT),
]


@pytest.mark.parametrize(("start", "action", "end"), ALLOWED)
def test_allowed_transitions(start: Status, action: Move, end: Status) -> None:
    assert move(start, action) is end


REFUSED = [
    (start, action)
    for action, (sources, _) in TRANSITIONS.items()
    for start in Status
    if start not in sources
]


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_every_other_transition_is_a_typed_error(start: Status, action: Move) -> None:
    with pytest.raises(InvalidTransition) as err:
        move(start, action)
    assert err.value.code == "INVALID_TRANSITION"
    assert start.value in err.value.message


def test_a_draft_cannot_be_published_or_approved_directly() -> None:
    for action in (Move.PUBLISH, Move.APPROVE, Move.EXPIRE):
        with pytest.raises(InvalidTransition):
            move(Status.DRAFT, action)
