"""What a citizen sees with their tracking code: where their message is, and the answer.

Only what the code's holder sent and what the office published in return: the status, the
dates, the answer and the unit that gave it; never the name or contact they left, never the
staff's names. Every lookup is counted per client address, and codes that match nothing are
counted more tightly: a wrong code gets the same "not found" as any other, and a client that
keeps guessing is told to wait (``TooManyRequests``) long before guessing could pay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core import ratelimit
from core.context import Context
from core.interactions.models import Feedback
from core.interactions.tracking import normalise, shown
from core.units.models import Unit

#: Lookups one address may make per hour, and codes matching nothing per hour.
LOOKUPS, MISSES, WINDOW_SECONDS = 60, 10, 3600
SLOW_DOWN = (
    "Bạn đã tra cứu quá nhiều lần; vui lòng thử lại sau. "
    "(Too many look-ups; please try again later.)"
)


@dataclass(frozen=True)
class Status:
    code: str
    unit: str
    #: new, in_progress, answered, closed (held messages show as new).
    status: str
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    answer: str
    text: str


def lookup(ctx: Context, raw_code: str, address: str) -> Status | None:
    """The status behind a typed code; None when none (throttled as above)."""
    ratelimit.hit(
        ctx, "feedback-lookup", address, limit=LOOKUPS, window=WINDOW_SECONDS, message=SLOW_DOWN
    )
    code = normalise(raw_code)
    found = None
    if code is not None:
        with ctx.sessions() as session:
            found = session.execute(
                select(Feedback, Unit.name)
                .join(Unit, Unit.id == Feedback.unit_id)
                .where(Feedback.tracking_code == code)
            ).first()
    if found is None:
        ratelimit.hit(
            ctx, "feedback-miss", address, limit=MISSES, window=WINDOW_SECONDS, message=SLOW_DOWN
        )
        return None
    item, unit_name = found
    hidden = item.state == "hidden"  # a moderator set it aside: closed, with nothing shown
    return Status(
        code=shown(item.tracking_code),
        unit=str(unit_name),
        status="closed" if hidden else item.status,
        received_at=item.received_at,
        acknowledged_at=item.acknowledged_at,
        answered_at=None if hidden else item.answered_at,
        closed_at=item.closed_at,
        answer="" if hidden else item.answer,
        text="" if hidden else item.text,
    )
