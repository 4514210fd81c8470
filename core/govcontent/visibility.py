"""What of a unit's government content a reader sees: the public sees what is published (and
inside its window); an editor of the unit also sees drafts, in the management API only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, true

from core.auth.permissions import Actor, Permission
from core.govcontent.models import Publication


def in_window(model: Any, now: dt.datetime) -> ColumnElement[bool]:
    if not hasattr(model, "visible_until"):
        return true()
    return and_(
        or_(model.visible_from.is_(None), model.visible_from <= now),
        or_(model.visible_until.is_(None), model.visible_until > now),
    )


def shown(model: Any, now: dt.datetime) -> ColumnElement[bool]:
    """Public: published and inside its window."""
    return and_(model.state == Publication.PUBLISHED, in_window(model, now))


def visible_to(actor: Actor | None, model: Any, unit_path: str, now: dt.datetime) -> Any:
    """``shown`` for the public; everything for an actor who may read drafts of the unit."""
    if actor is not None and actor.can(Permission.READ_DRAFTS, unit_path):
        return true()
    return shown(model, now)
