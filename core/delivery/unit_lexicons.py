"""A unit's lexicon, read once per content generation in a worker process.

Every delivery of a fanned-out item is judged against its unit's lexicon; reading the unit's
path and its terms again for each of 10,000 deliveries was two of a delivery's statements
(issue 19). Adding or removing a term moves the content generation (``lexicon.changed``), so
the next delivery in every worker judges with the new lexicon; a term written by other means
applies after :data:`TTL` seconds at most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.delivery.kept import kept
from core.moderation import Lexicon
from core.screening.lexicons import unit_lexicon

if TYPE_CHECKING:
    from core.context import Context

EXTRA = "delivery.lexicons"
SIZE = 256
TTL = 30.0


def delivery_lexicon(ctx: Context, session: Session, unit_id: int | None) -> Lexicon:
    """:func:`core.screening.lexicons.unit_lexicon`, kept as above."""
    return kept(ctx, EXTRA, unit_id, lambda: unit_lexicon(session, unit_id), SIZE, TTL)
