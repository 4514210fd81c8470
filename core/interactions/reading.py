"""Reading comments from a channel target: fetch what is new, judge it, hide what must go.

One run for one target (the rq job ``run_interactions``): first push the hides still owed to
the channel (a moderator's, or ones an earlier run could not deliver), then fetch comments
after the stored cursor, record each with its verdict, and hide on the channel what moderation
blocks and what blocked authors wrote. Held comments wait for a moderator. Safe to run twice:
comments are unique per (target, remote id), the cursor only moves forward, hides are
idempotent on the channel and marked done only once the channel confirmed them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.connections.targets import call_target
from core.context import Context
from core.contract.channels import (
    BansAuthors,
    ChannelError,
    CitizenComment,
    DeletesComments,
    HoldsComments,
    Interactions,
    Target,
)
from core.db import utcnow
from core.delivery.models import Placement
from core.interactions.models import AuthorBlock, Comment, CommentState, InteractionCursor
from core.interactions.pseudonyms import pseudonyms
from core.moderation import Decision, Direction, moderate
from core.screening.lexicons import unit_lexicon
from core.screening.policies import unit_policy
from core.secrets import SecretError, redact
from core.targets.models import ChannelTarget

log = logging.getLogger("loa.interactions")

#: How often the sweeper has each target's comments read.
#: Longest text kept from one comment (channels allow a few thousand characters).
MAX_TEXT = 10_000


@dataclass
class Report:
    fetched: int = 0
    recorded: int = 0
    held: int = 0
    hidden: int = 0
    hides_pushed: int = 0
    error: str = ""
    #: The comments held for a moderator (``comment.held`` is emitted for each after commit).
    held_ids: list[int] = field(default_factory=list)


def tell_held(ctx: Context, report: Report) -> None:
    """After the commit: tell observers (the moderators' notices) of each held comment."""
    for comment_id in report.held_ids:
        ctx.emit("comment.held", {"id": comment_id})


def reader(ctx: Context, plugin: str) -> Interactions | None:
    """The channel as a comment reader, if it declares and implements the capability."""
    try:
        channel = ctx.channel(plugin)
    except LookupError:
        return None
    if not channel.capabilities.can_read_interactions or not isinstance(channel, Interactions):
        return None
    return channel


def due_targets(ctx: Context, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Targets to read comments from now: enabled, able to read, holding a live item, and not
    read within ``LOA_INTERACTIONS_INTERVAL``; least recently read first, at most ``limit`` per
    sweep, so reading comments never crowds deliveries out of the queue.
    """
    now = now or utcnow()
    since = now - dt.timedelta(seconds=ctx.settings.interactions_interval)
    holding = select(Placement.target_id).where(Placement.live.is_(True)).distinct()
    with ctx.sessions() as session:
        rows = session.execute(
            select(ChannelTarget.id, ChannelTarget.plugin)
            .outerjoin(InteractionCursor, InteractionCursor.target_id == ChannelTarget.id)
            .where(
                ChannelTarget.enabled.is_(True),
                ChannelTarget.id.in_(holding),
                or_(InteractionCursor.fetched_at.is_(None), InteractionCursor.fetched_at <= since),
            )
            .order_by(InteractionCursor.fetched_at.is_not(None), InteractionCursor.fetched_at)
        ).all()
    return [t for t, plugin in rows if reader(ctx, plugin) is not None][:limit]


async def read_target(ctx: Context, target_id: int) -> Report:
    """Push owed hides, fetch new comments, judge and record them, hide what must go."""
    report = Report()
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target_id)
    if row is None or not row.enabled:
        return report
    channel = reader(ctx, row.plugin)
    if channel is None:
        return report
    try:
        target = call_target(ctx, row)
    except SecretError as exc:
        report.error = str(exc)
        _mark(ctx, target_id, None, report.error)
        return report
    report.hides_pushed += await push_hides(ctx, channel, target)
    with ctx.sessions() as session:
        cursor = session.get(InteractionCursor, target_id)
        since = cursor.cursor if cursor is not None and cursor.cursor else None
    try:
        comments = await channel.fetch_comments(target, since=since)
    except ChannelError as exc:
        report.error = redact(f"{exc.kind}: {exc}", target.secrets)[:2000]
        _mark(ctx, target_id, None, report.error)
        return report
    report.fetched = len(comments)
    _record(ctx, row, comments, report)
    report.hides_pushed += await push_hides(ctx, channel, target)
    return report


def _mark(ctx: Context, target_id: int, new_cursor: str | None, error: str) -> None:
    with ctx.transaction() as session:
        _set_cursor(session, target_id, new_cursor, error)


def _set_cursor(session: Session, target_id: int, new_cursor: str | None, error: str) -> None:
    cursor = session.get(InteractionCursor, target_id)
    if cursor is None:
        cursor = InteractionCursor(target_id=target_id, cursor="")
        session.add(cursor)
    if new_cursor is not None:
        cursor.cursor = new_cursor
    cursor.fetched_at = utcnow()
    cursor.error = error


def _record(
    ctx: Context, row: ChannelTarget, comments: Sequence[CitizenComment], report: Report
) -> None:
    try:
        with ctx.transaction() as session:
            record_comments(session, ctx, row, comments, report)
            _set_cursor(session, row.id, comments[-1].cursor if comments else None, "")
    except IntegrityError:
        # Another run recorded the same comments first: what it stored stands.
        log.info("comments of target %s were recorded by a concurrent run", row.id)
        report.recorded = 0
        return
    tell_held(ctx, report)


def record_comments(
    session: Session,
    ctx: Context,
    row: ChannelTarget,
    comments: Sequence[CitizenComment],
    report: Report,
) -> None:
    """Judge and add the comments not recorded yet, in the caller's transaction.

    Polling (above) and webhooks (``core.webhooks.intake``) both come through here, so a
    comment is moderated the same way however it arrived.
    """
    now = utcnow()
    lexicon = unit_lexicon(session, row.unit_id)
    policy = unit_policy(session, row.unit_id)  # citizens' text: the unit's inbound policy
    ids = [c.remote_id for c in comments]
    known = set(
        session.scalars(
            select(Comment.remote_id).where(Comment.target_id == row.id, Comment.remote_id.in_(ids))
        )
    )
    items = dict(
        session.execute(
            select(Placement.remote_id, Placement.article_id).where(
                Placement.target_id == row.id,
                Placement.remote_id.in_({c.remote_item_id for c in comments}),
            )
        ).all()
    )
    blocked = set(
        session.scalars(
            select(AuthorBlock.author_pseudonym).where(
                AuthorBlock.target_id == row.id, AuthorBlock.until > now
            )
        )
    )
    for c in comments:
        if c.remote_id in known:
            continue
        known.add(c.remote_id)
        names = pseudonyms(ctx.settings, row.id, c.author_id)
        text = c.text[:MAX_TEXT]
        verdict = moderate(text, lexicon, Direction.INBOUND, policy)
        state, reason = CommentState.VISIBLE, ""
        if any(p in blocked for p in names):
            state, reason = CommentState.HIDDEN, "author_blocked"
        elif verdict.decision is Decision.BLOCK:
            state, reason = CommentState.HIDDEN, "moderation"
        elif verdict.decision is Decision.REVIEW:
            state = CommentState.HELD
            report.held += 1
        if state is CommentState.HIDDEN:
            report.hidden += 1
        recorded = Comment(
            target_id=row.id,
            remote_id=c.remote_id[:300],
            remote_item_id=c.remote_item_id[:300],
            article_id=items.get(c.remote_item_id),
            author_pseudonym=names[0],
            author_name=c.author_name[:200],
            text=text,
            decision=verdict.decision.value,
            spans=verdict.as_json()["spans"],
            state=state,
            reason=reason,
            hidden_on_channel=c.hidden,
            written_at=c.created_at,
            received_at=now,
            decided_at=now if state is CommentState.HIDDEN else None,
            decided_by="moderation" if state is CommentState.HIDDEN else "",
        )
        session.add(recorded)
        if state is CommentState.HELD:
            session.flush()
            report.held_ids.append(recorded.id)
        report.recorded += 1


async def push_hides(ctx: Context, channel: Interactions, target: Target) -> int:
    """Ask the channel to hide every hidden comment it has not confirmed yet; a blocked
    author's comments are hidden by banning the author where the channel can (``BansAuthors``).
    Where the channel can hold (``HoldsComments``), held comments are held there too and
    approved ones released."""
    hide = [CommentState.HIDDEN]
    owed_where = []
    if isinstance(channel, HoldsComments):
        hide.append(CommentState.HELD)
        owed_where.append(
            and_(Comment.state == CommentState.APPROVED, Comment.hidden_on_channel.is_(True))
        )
    owed_where.append(and_(Comment.state.in_(hide), Comment.hidden_on_channel.is_(False)))
    with ctx.sessions() as session:
        owed = session.execute(
            select(Comment.id, Comment.remote_id, Comment.reason, Comment.state).where(
                Comment.target_id == target.id, or_(*owed_where)
            )
        ).all()
    done = 0
    for comment_id, remote_id, reason, state in owed:
        try:
            shown = await _push(channel, target, remote_id, reason, state)
        except ChannelError as exc:
            log.warning(
                "could not push the decision on comment %s to target %s (%s); next run retries",
                comment_id,
                target.id,
                exc.kind,
            )
            continue
        with ctx.transaction() as session:
            found = session.get(Comment, comment_id)
            if found is not None and found.state == state:  # else decided anew meanwhile
                found.hidden_on_channel = not shown
        done += 1
    return done


async def _push(
    channel: Interactions, target: Target, remote_id: str, reason: str, state: str
) -> bool:
    """One comment's decision on the channel; whether it is shown there now."""
    if state == CommentState.APPROVED and isinstance(channel, HoldsComments):
        await channel.release_comment(target, comment_id=remote_id)
        return True
    if state == CommentState.HELD and isinstance(channel, HoldsComments):
        await channel.hold_comment(target, comment_id=remote_id)
    elif reason == "author_blocked" and isinstance(channel, BansAuthors):
        await channel.ban_author(target, comment_id=remote_id)
    elif reason == "deleted" and isinstance(channel, DeletesComments):
        await channel.delete_comment(target, comment_id=remote_id)
    else:
        await channel.hide_comment(target, comment_id=remote_id)
    return False
