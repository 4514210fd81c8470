"""The desk's calendar of one person's units: what is planned, waits for approval, is
scheduled, went live or is about to end, and the government banners and campaign sections
whose window closes (they must come down: S3.1, S3.4).

Only units the actor may read drafts of (the ``readable`` rule of the management API).
Days are Vietnam's calendar days (Asia/Ho_Chi_Minh); the range is half-open, UTC inside.
A channel filter keeps the items aimed at a target of that plugin (an item that chose no
target goes to every target of its unit); the unit's own site items (banners, sections)
have no channel and show whatever the filter.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.content.models import Article, ArticleTarget, Audience, Status
from core.content.reads import readable
from core.context import Context
from core.govcontent.models import Banner, CampaignSection, Publication
from core.quota.periods import VN_TZ
from core.targets.models import ChannelTarget
from core.units.models import Unit
from core.workflow.states import AHEAD, PUBLIC, REVIEWING, WRITING


class Mark(enum.StrEnum):
    """What a day of the calendar says about an item."""

    PLANNED = "planned"  # a draft with a planned start
    WAITING = "waiting"  # submitted, waiting for approval
    SCHEDULED = "scheduled"  # approved, goes out at its start
    LIVE = "live"  # went out that day
    EXPIRING = "expiring"  # its window closes that day
    COMES_DOWN = "comes_down"  # a banner or campaign section whose window closes


@dataclass(frozen=True)
class Entry:
    day: dt.date
    at: dt.datetime
    mark: Mark
    title: str
    #: The admin page that opens it ("" for the site's own items, edited elsewhere).
    link: str
    note: str = ""


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), VN_TZ).astimezone(dt.UTC)


def _day(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # stored in UTC (SQLite drops the zone)
    return moment.astimezone(VN_TZ).date()


def _on_channel(plugin: str) -> ColumnElement[bool]:
    chosen = exists().where(
        ArticleTarget.article_id == Article.id,
        ChannelTarget.id == ArticleTarget.target_id,
        ChannelTarget.plugin == plugin,
    )
    any_chosen = exists().where(ArticleTarget.article_id == Article.id)
    unit_has = exists().where(
        ChannelTarget.unit_id == Article.unit_id,
        ChannelTarget.plugin == plugin,
        ChannelTarget.enabled.is_(True),
    )
    return or_(chosen, and_(not_(any_chosen), unit_has))


def _articles(
    session: Session, actor: Actor, start: dt.datetime, end: dt.datetime, plugin: str
) -> list[Entry]:
    def within(column: Any) -> ColumnElement[bool]:
        return and_(column >= start, column < end)

    base = (
        select(Article, Audience.visible_from, Audience.visible_until)
        .join(Unit, Unit.id == Article.unit_id)
        .outerjoin(Audience, Audience.article_id == Article.id)
        .where(readable(actor))
    )
    if plugin:
        base = base.where(_on_channel(plugin))
    asked: list[tuple[Mark, Any, ColumnElement[bool], str]] = [
        (
            Mark.PLANNED,
            Audience.visible_from,
            Article.status.in_(tuple(WRITING)),
            "edit",
        ),
        (
            Mark.WAITING,
            Article.updated_at,
            Article.status.in_(tuple(REVIEWING)),
            "review",
        ),
        (
            Mark.SCHEDULED,
            Audience.visible_from,
            Article.status.in_(tuple(AHEAD)),
            "",
        ),
        (Mark.LIVE, Article.published_at, Article.status == Status.PUBLISHED, ""),
        (Mark.EXPIRING, Audience.visible_until, Article.status.in_(tuple(PUBLIC)), ""),
    ]
    out = []
    for mark, column, state, page in asked:
        rows = session.execute(base.add_columns(column).where(state, within(column))).all()
        for article, _, _, at in rows:
            link = f"/admin/items/{article.uid}" + (f"/{page}" if page else "")
            out.append(Entry(_day(at), at, mark, article.title, link, article.status))
    return out


def _coming_down(
    session: Session, actor: Actor, start: dt.datetime, end: dt.datetime
) -> list[Entry]:
    out = []
    kinds: tuple[tuple[type[Banner] | type[CampaignSection], str], ...] = (
        (Banner, "banner"),
        (CampaignSection, "campaign_section"),
    )
    for model, note in kinds:
        rows: list[Banner | CampaignSection] = session.scalars(
            select(model)
            .join(Unit, Unit.id == model.unit_id)
            .where(
                readable(actor),
                model.state == Publication.PUBLISHED,
                model.visible_until >= start,
                model.visible_until < end,
            )
        ).all()  # type: ignore[assignment]
        for item in rows:
            until = item.visible_until
            assert until is not None
            out.append(Entry(_day(until), until, Mark.COMES_DOWN, item.title, "", note))
    return out


def calendar(
    ctx: Context, actor: Actor, first: dt.date, last: dt.date, plugin: str = ""
) -> dict[dt.date, list[Entry]]:
    """Every entry from Vietnam's day ``first`` to ``last`` (both included), by day and time."""
    start, end = _utc(first), _utc(last + dt.timedelta(days=1))
    with ctx.sessions() as session:
        entries = _articles(session, actor, start, end, plugin) + _coming_down(
            session, actor, start, end
        )
    days: dict[dt.date, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.at, e.title)):
        days.setdefault(entry.day, []).append(entry)
    return days


def channels(ctx: Context, actor: Actor) -> list[str]:
    """The channel plugins of the targets of the actor's units: the calendar's filter."""
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(ChannelTarget.plugin)
                .join(Unit, Unit.id == ChannelTarget.unit_id)
                .where(readable(actor))
                .distinct()
                .order_by(ChannelTarget.plugin)
            )
        )
