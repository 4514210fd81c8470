"""The article's fields, declared once: what a revision holds and which approval aspect each is.

A revision snapshot (``core.content.snapshots``) holds exactly the fields declared here; the
approval steps hash them by aspect (``core.workflow.steps.aspect_hashes``), so an edit voids
only the approvals of the aspect it touched; restoring an old revision and releasing a
pending edit copy them back. Before this module each of those wrote its own list, and they
disagreed silently. A new column of the article is added here, or listed in
:data:`NOT_REVISED` with why (a test checks every column is one or the other).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Aspect(enum.StrEnum):
    """What an approver judges: the words and pictures, or who sees them (where, when)."""

    CONTENT = "content"
    AUDIENCE = "audience"


@dataclass(frozen=True)
class Field:
    name: str
    #: The approval aspect an edit of it touches; None: no approval is voided by it alone
    #: (the slug is only the address; a move of unit re-plans the steps instead).
    aspect: Aspect | None
    #: Written back from a revision only when it holds a value (a revision's None never
    #: clears it); the text fields are always written back (an empty string is a value).
    only_if_set: bool = False
    #: Whether restoring an old revision brings it back (``core.actions.content.restore``).
    restored: bool = True


#: The article's own revised fields, in snapshot order.
ARTICLE_FIELDS: tuple[Field, ...] = (
    Field("title", Aspect.CONTENT),
    Field("slug", None, restored=False),
    Field("summary", Aspect.CONTENT),
    Field("body_html", Aspect.CONTENT),
    Field("cover_url", Aspect.CONTENT),
    Field("cover_caption", Aspect.CONTENT),
    Field("source", Aspect.CONTENT),
    Field("author_name", Aspect.CONTENT),
    Field("category_id", Aspect.CONTENT, only_if_set=True, restored=False),  # by its slug
    Field("unit_id", None, only_if_set=True, restored=False),
    Field("agency_id", Aspect.CONTENT, only_if_set=True, restored=False),
    Field("kind", None, only_if_set=True),
    Field("topic", Aspect.AUDIENCE, only_if_set=True),
    Field("justification", Aspect.AUDIENCE, only_if_set=True),
)

#: The audience's revised fields (the snapshot's ``audience``); all of the audience aspect.
AUDIENCE_FIELDS: tuple[str, ...] = (
    "age_min", "age_max", "genders", "scope_level", "scope_units", "visible_from",
    "visible_until", "interactions_allowed",
)  # fmt: skip
#: Audience fields stored as datetimes (ISO text in a snapshot).
AUDIENCE_TIMES = ("visible_from", "visible_until")

#: Columns of the article that no revision holds, and why: identity, state, derived data.
NOT_REVISED: dict[str, str] = {
    "id": "identity",
    "uid": "identity",
    "status": "state (core.workflow.states)",
    "revision": "state: which revision is live",
    "pending_revision": "state: which revision waits for approval",
    "content_hash": "derived: the hash of the live revision",
    "search_text": "derived: folded text for search",
    "created_at": "bookkeeping",
    "updated_at": "bookkeeping",
    "published_at": "state: when it went live",
    "release_together": "a release option of the submission, not content",
    "moderation": "derived: the screening verdict",
    "moderation_spans": "derived: the screening verdict",
    "moderation_cleared_hash": "state: a moderator's clearance",
    "moderation_cleared_by": "state: a moderator's clearance",
}
#: Columns of the audience that no revision holds.
AUDIENCE_NOT_REVISED: dict[str, str] = {
    "article_id": "identity",
    "expiry_warned_for": "state: the expiry warning sent",
}

ASPECTS: tuple[Aspect, ...] = tuple(Aspect)
ALWAYS_WRITTEN = tuple(f.name for f in ARTICLE_FIELDS if not f.only_if_set)
ONLY_IF_SET = tuple(f.name for f in ARTICLE_FIELDS if f.only_if_set)
RESTORED_FIELDS = tuple(f.name for f in ARTICLE_FIELDS if f.restored)


def of_aspect(aspect: Aspect) -> tuple[str, ...]:
    """The article fields of ``aspect`` (the audience's own fields are all of the audience)."""
    return tuple(f.name for f in ARTICLE_FIELDS if f.aspect is aspect)
