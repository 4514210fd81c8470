"""The moderation queue as a moderator reads it: each held comment with its channel, unit, item,
the spans moderation matched (to highlight), its age and what its channel can do.

A read for the admin's moderation page (pages call no SQL); the permission is
:func:`core.interactions.actions.queue`'s, the comments it returns are the only ones shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.auth.permissions import Actor, Permission
from core.content.models import Article
from core.context import Context
from core.contract.channels import BansAuthors
from core.contract.replies import Replies
from core.db import utcnow
from core.interactions import actions
from core.interactions.held_alerts import is_overdue
from core.interactions.models import Comment, CommentState
from core.targets.models import ChannelTarget
from core.units.lookups import units_by_id, units_by_path
from core.units.models import Unit


@dataclass(frozen=True)
class Piece:
    """A run of a comment's text; ``marked`` when moderation matched it (``term`` why)."""

    text: str
    marked: bool = False
    term: str = ""


@dataclass(frozen=True)
class HeldComment:
    id: int
    text: str
    pieces: tuple[Piece, ...]
    author_name: str
    #: The channel-scoped pseudonym (its first characters are enough to tell authors apart).
    author: str
    channel: str
    plugin: str
    unit: str
    unit_code: str
    item_title: str
    item_uid: str
    written_at: dt.datetime | None
    received_at: dt.datetime
    age: dt.timedelta
    overdue: bool
    can_delete: bool
    can_reply: bool
    bans: bool


def pieces(text: str, spans: Sequence[dict[str, Any]]) -> tuple[Piece, ...]:
    """``text`` cut at the matched spans; overlapping spans are marked as one run."""
    runs: list[list[Any]] = []  # [start, end, terms]
    for span in sorted(spans, key=lambda s: (int(s.get("start", 0)), int(s.get("end", 0)))):
        start = max(0, int(span.get("start", 0)))
        end = min(len(text), int(span.get("end", 0)))
        if end <= start:
            continue
        term = str(span.get("term", ""))
        if runs and start < runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
            runs[-1][2].append(term)
        else:
            runs.append([start, end, [term]])
    out: list[Piece] = []
    at = 0
    for start, end, terms in runs:
        if start > at:
            out.append(Piece(text[at:start]))
        out.append(Piece(text[start:end], True, ", ".join(t for t in terms if t)))
        at = end
    if at < len(text):
        out.append(Piece(text[at:]))
    return tuple(out)


def held(ctx: Context, actor: Actor, limit: int = 100) -> list[HeldComment]:
    """The held comments the actor may moderate, oldest first (``Forbidden`` for others)."""
    comments = actions.queue(ctx, actor, CommentState.HELD, limit=limit)
    now = utcnow()
    with ctx.sessions() as session:
        targets = {
            t.id: t
            for t in session.scalars(
                select(ChannelTarget).where(ChannelTarget.id.in_({c.target_id for c in comments}))
            )
        }
        units = units_by_id(session, {t.unit_id for t in targets.values()})
        items = {
            int(i): (str(uid), str(title))
            for i, uid, title in session.execute(
                select(Article.id, Article.uid, Article.title).where(
                    Article.id.in_({c.article_id for c in comments if c.article_id is not None})
                )
            ).all()
        }
    return [_view(ctx, c, targets[c.target_id], units, items, now) for c in comments]


def _view(
    ctx: Context,
    c: Comment,
    target: ChannelTarget,
    units: dict[int, Unit],
    items: dict[int, tuple[str, str]],
    now: dt.datetime,
) -> HeldComment:
    channel = ctx.channels.get(target.plugin)
    unit = units.get(target.unit_id)
    uid, title = items.get(c.article_id or 0, ("", ""))
    received = c.received_at if c.received_at.tzinfo else c.received_at.replace(tzinfo=dt.UTC)
    return HeldComment(
        id=c.id,
        text=c.text,
        pieces=pieces(c.text, c.spans or []),
        author_name=c.author_name,
        author=c.author_pseudonym[:10],
        channel=target.name,
        plugin=target.plugin,
        unit=unit.name if unit else "",
        unit_code=unit.code if unit else "",
        item_title=title,
        item_uid=uid,
        written_at=c.written_at,
        received_at=received,
        age=now - received,
        overdue=is_overdue(ctx, c, now),
        can_delete=actions.can_delete(ctx, target.plugin),
        can_reply=isinstance(channel, Replies),
        bans=isinstance(channel, BansAuthors),
    )


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: str
    #: Whether the actor may change this unit's terms (the action checks it again).
    manages: bool


def moderated_units(ctx: Context, actor: Actor) -> list[UnitChoice]:
    """The units the actor holds a role on that lets them moderate or manage the lexicon."""
    paths = set(actor.paths(Permission.APPROVE)) | set(actor.paths(Permission.MANAGE_LEXICON))
    with ctx.sessions() as session:
        found = units_by_path(session, paths)
    return sorted(
        (
            UnitChoice(u.code, u.name, actor.can(Permission.MANAGE_LEXICON, u.path))
            for u in found.values()
        ),
        key=lambda u: u.name,
    )
