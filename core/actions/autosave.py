"""Autosave of the compose form: the first creates the draft, later ones update it.

The rules (drafts only, the form's revision or a Conflict, sparing audit) are in
:mod:`core.workflow.edits`; this action only chooses between ``content.create`` and
``content.update``, so an autosave is validated, sanitised, screened and permission-checked
exactly as an explicit save. An item past its draft is never autosaved: the editor saves
it explicitly, which makes a new revision that needs approval again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.actions import content
from core.auth.permissions import Actor
from core.content.reads import get_article
from core.context import Context
from core.db import utcnow
from core.errors import NotFound, ValidationFailed
from core.workflow.edits import newest_revision

#: What ``content.create`` needs present when the form leaves it out.
CREATE_DEFAULTS: dict[str, Any] = {"summary": "", "body_html": "", "source": "", "author_name": ""}


@dataclass(frozen=True)
class Autosaved:
    """Where the draft now is: its uid, the revision the form continues from, and when."""

    uid: str
    revision: int
    created: bool
    saved_at: dt.datetime


def autosave(
    ctx: Context,
    actor: Actor,
    uid: str | None,
    base_revision: int | None,
    data: Mapping[str, Any],
) -> Autosaved:
    """Save the form's ``data``: a new draft when ``uid`` is None, else the draft ``uid``
    loaded at ``base_revision`` (Conflict if it moved on since; InvalidTransition if it is
    no longer a draft)."""
    if uid is None:
        article = content.create(ctx, actor, {**CREATE_DEFAULTS, **data})
        return Autosaved(article.uid, article.revision, True, utcnow())
    if base_revision is None:
        raise ValidationFailed({"base_revision": "is required"})
    with ctx.sessions() as session:
        found = get_article(session, actor, uid)
        if found is None:
            raise NotFound(f"no article {uid!r}")
        article_id = found.id
    article = content.update(
        ctx, actor, article_id, data, expected_revision=base_revision, autosave=True
    )
    return Autosaved(article.uid, newest_revision(article), False, utcnow())
