"""The life of an item: which action may move it from which state to which.

::

    draft ─submit─▶ submitted ─(first decision)─▶ in_review ─all gates─▶ approved
      ▲                 │  ▲                         │                    │
      │                 │  └──────resubmit───── changes_requested ◀──────┘ (request changes)
      │                 └─reject─▶ rejected ◀─reject─┘
    approved ─release─▶ scheduled ─time─▶ published ─▶ expired | retracted

Every change of state goes through :func:`move` (:func:`advance` sets it on the article), so
an illegal transition is always the same typed error, whichever interface asked for it; no
other module assigns an article's status (a test reads core for it). The sets of states other
modules ask about are named here too, once.
"""

from __future__ import annotations

import enum

from core.content.models import Article, Status
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

#: The state a new item starts in.
INITIAL = S.DRAFT
#: States in which the public may see the item (inside its window).
PUBLIC = frozenset({S.PUBLISHED, S.SCHEDULED})
#: States in which an editor may change the content (an edit of a live item waits as a
#: pending revision).
EDITABLE = frozenset(
    {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.SCHEDULED, S.PUBLISHED}
)
#: States in which the writer still holds the item: it may be submitted from them.
WRITING = TRANSITIONS[Move.SUBMIT][0]
#: States in which the item waits for its first verdict.
REVIEWING = frozenset({S.SUBMITTED, S.IN_REVIEW})
#: States in which steps may be decided: a live item may still wait for a channel's gate.
DECIDABLE = frozenset({S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.PUBLISHED})
#: States in which the item's media may still change: nobody has decided on it yet; a live
#: item's media would bypass its approvals, so it waits for media in revisions.
MEDIA_EDITABLE = frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED})
#: States of an approved item not out yet: it goes at its window's start (the calendar).
AHEAD = frozenset({S.APPROVED, S.SCHEDULED})
#: States of an item that went out to the public at some time.
WENT_OUT = frozenset({S.PUBLISHED, S.EXPIRED, S.RETRACTED})
#: The states an imported item may arrive in.
IMPORTABLE = frozenset({S.DRAFT, S.PUBLISHED})


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


def advance(article: Article, how: Move) -> Status:
    """Move ``article`` by ``how``: the one place an article's status is assigned."""
    article.status = move(article.status, how)
    return Status(article.status)
