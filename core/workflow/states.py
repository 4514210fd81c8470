"""The life of an item: which action may move it from which state to which.

::

    draft ─submit─▶ submitted ─(first decision)─▶ in_review ─all gates─▶ approved
      ▲                 │  ▲                         │                    │
      │                 │  └──────resubmit───── changes_requested ◀──────┘ (request changes)
      │                 └─reject─▶ rejected ◀─reject─┘
    approved ─release─▶ scheduled ─time─▶ published ─▶ expired | retracted

Every change of state goes through :func:`move`, so an illegal transition is
always the same typed error, whichever interface asked for it.
"""

from __future__ import annotations

import enum

from core.content.models import Status
from core.errors import InvalidTransition


class Move(enum.StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    APPROVE = "approve"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    EXPIRE = "expire"
    RETRACT = "retract"
    REOPEN = "reopen"


S = Status
#: move → (states it may start from, state it leads to)
TRANSITIONS: dict[Move, tuple[frozenset[Status], Status]] = {
    Move.SUBMIT: (frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED),
    Move.START_REVIEW: (frozenset({S.SUBMITTED}), S.IN_REVIEW),
    Move.REQUEST_CHANGES: (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.CHANGES_REQUESTED),
    Move.REJECT: (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REJECTED),
    Move.APPROVE: (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.APPROVED),
    Move.SCHEDULE: (frozenset({S.APPROVED}), S.SCHEDULED),
    Move.PUBLISH: (frozenset({S.APPROVED, S.SCHEDULED}), S.PUBLISHED),
    Move.EXPIRE: (frozenset({S.PUBLISHED, S.SCHEDULED}), S.EXPIRED),
    Move.RETRACT: (frozenset({S.APPROVED, S.SCHEDULED, S.PUBLISHED}), S.RETRACTED),
    Move.REOPEN: (frozenset({S.REJECTED, S.EXPIRED, S.RETRACTED}), S.DRAFT),
}

#: States in which the public may see the item (inside its window).
PUBLIC = frozenset({S.PUBLISHED, S.SCHEDULED})
#: States in which an editor may change the content.
EDITABLE = frozenset(
    {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.PUBLISHED}
)


def can(status: str, move: Move) -> bool:
    return Status(status) in TRANSITIONS[move][0]


def move(status: str, move: Move) -> Status:
    """The state ``move`` leads to from ``status``; InvalidTransition if it may not."""
    sources, target = TRANSITIONS[move]
    if Status(status) not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        raise InvalidTransition(
            f"cannot {move.value.replace('_', ' ')} an item that is {status} (only from: {allowed})"
        )
    return target
