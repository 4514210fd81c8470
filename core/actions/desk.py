"""What the editor's and approver's desk reads: what waits for me, my drafts, what went wrong.

The admin pages run no SQL (import-linter ``no-sql-in-views``): they call these reads,
which answer plain views, only about units the actor may read drafts of (the same
``readable`` rule as the management API), so a page shows nothing its reader could not
fetch through GraphQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core.actions import deliveries as retrying
from core.actions.workflow import EXPIRY_WARNING
from core.auth.permissions import Actor, Permission, require
from core.content.models import Agency, Article, Audience, Category, Revision
from core.content.queries import all_categories
from core.content.reads import get_article, readable
from core.content.revisions import FieldChange, diff, revision
from core.context import Context
from core.db import utcnow
from core.delivery import outbox
from core.delivery.models import Delivery, DeliveryState
from core.delivery.reads import deliveries_of
from core.errors import NotFound
from core.media.reads import media_of_articles
from core.quota.counts import QuotaQuarter, quota
from core.quota.periods import quarter_of
from core.targets.models import ChannelTarget
from core.text import fold
from core.units.lookups import (
    ancestor_ids,
    find_unit,
    unit_paths,
    units_by_code,
    units_by_id,
    units_by_path,
    units_named_like,
)
from core.units.models import Unit
from core.workflow import steps as steps_mod
from core.workflow.models import ApprovalStep, StepState
from core.workflow.states import DECIDABLE, PUBLIC, WRITING

#: Delivery states a person must look at (the board explains each in Vietnamese).
TROUBLED = (
    DeliveryState.FAILED,
    DeliveryState.NEEDS_ATTENTION,
    DeliveryState.UNKNOWN,
    DeliveryState.WAITING,
    DeliveryState.RETRYING,
)
#: How many rows each list of the home page shows.
LIMIT = 20


@dataclass(frozen=True)
class ItemLine:
    """One item as a line of a list: enough to name it and link to it."""

    uid: str
    title: str
    status: str
    updated_at: dt.datetime | None
    note: str = ""


@dataclass(frozen=True)
class DeliveryLine:
    item: ItemLine
    target: str
    plugin: str
    state: str
    error_kind: str
    error_message: str
    due_at: dt.datetime | None


@dataclass(frozen=True)
class Overview:
    """The home page of one person: each list already filtered to what they may see."""

    decidable: list[ItemLine]
    drafts: list[ItemLine]
    by_state: dict[str, int]
    troubled: list[DeliveryLine]
    expiring: list[ItemLine]


def _line(article: Article, note: str = "") -> ItemLine:
    return ItemLine(article.uid, article.title, article.status, article.updated_at, note)


def overview(ctx: Context, actor: Actor, now: dt.datetime | None = None) -> Overview:
    """Everything the home page lists for ``actor`` (assisted tasks come from their own read)."""
    now = now or utcnow()
    with ctx.sessions() as session:
        visible = select(Article).join(Unit, Unit.id == Article.unit_id).where(readable(actor))
        pending = session.execute(
            select(ApprovalStep, Article)
            .join(Article, Article.id == ApprovalStep.article_id)
            .join(Unit, Unit.id == Article.unit_id)
            .where(
                Article.status.in_(tuple(DECIDABLE)),
                ApprovalStep.state == StepState.PENDING,
            )
            .order_by(Article.updated_at)
        ).all()
        article_ids = {a.id for _, a in pending}
        all_steps = list(
            session.scalars(select(ApprovalStep).where(ApprovalStep.article_id.in_(article_ids)))
        )
        paths = unit_paths(session, {s.unit_id for s in all_steps})
        decidable: dict[int, ItemLine] = {}
        for step, article in pending:
            siblings = [s for s in all_steps if s.article_id == article.id]
            if (
                article.id not in decidable
                and steps_mod.is_open(step, siblings)
                and steps_mod.holds(actor, step.role, paths.get(step.unit_id, "/"))
            ):
                decidable[article.id] = _line(article, step.label)
        mine = session.scalars(
            visible.where(
                Article.status.in_(tuple(WRITING)),
                Article.id.in_(select(Revision.article_id).where(Revision.author == actor.name)),
            )
            .order_by(Article.updated_at.desc())
            .limit(LIMIT)
        ).all()
        counts = Counter(
            dict(
                session.execute(
                    select(Article.status, func.count())
                    .join(Unit, Unit.id == Article.unit_id)
                    .where(readable(actor))
                    .group_by(Article.status)
                ).all()
            )
        )
        troubled = session.execute(
            select(Delivery, ChannelTarget, Article)
            .join(ChannelTarget, ChannelTarget.id == Delivery.target_id)
            .join(Article, Article.id == Delivery.article_id)
            .join(Unit, Unit.id == Article.unit_id)
            .where(readable(actor), Delivery.state.in_([s.value for s in TROUBLED]))
            .order_by(Delivery.updated_at.desc())
            .limit(LIMIT)
        ).all()
        ending = session.execute(
            visible.add_columns(Audience.visible_until)
            .join(Audience, Audience.article_id == Article.id)
            .where(
                Article.status.in_(tuple(PUBLIC)),
                Audience.visible_until > now,
                Audience.visible_until <= now + EXPIRY_WARNING,
            )
            .order_by(Audience.visible_until)
            .limit(LIMIT)
        ).all()
        return Overview(
            decidable=list(decidable.values())[:LIMIT],
            drafts=[_line(a) for a in mine],
            by_state={str(k): int(v) for k, v in counts.items()},
            troubled=[
                DeliveryLine(
                    _line(a), t.name, t.plugin, d.state, d.error_kind, d.error_message, d.due_at
                )
                for d, t, a in troubled
            ],
            expiring=[_line(a, until.isoformat() if until else "") for a, until in ending],
        )


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: str
    level: str
    parent: str


def _choice(unit: Unit, parents: dict[int, Unit]) -> UnitChoice:
    parent = parents.get(unit.parent_id or 0)
    return UnitChoice(unit.code, unit.name, unit.level, parent.name if parent else "")


def search_units(ctx: Context, query: str, limit: int = 15) -> list[UnitChoice]:
    """Active units of the current scheme whose name matches ``query`` with or without
    diacritics ("cam thuy" finds "Xã Cẩm Thủy"), provinces first, then by name."""
    words = fold(query).split()
    if not words:
        return []
    with ctx.sessions() as session:
        rows = units_named_like(session, words[:5], limit * 4)
        parents = units_by_id(session, {r.parent_id for r in rows if r.parent_id})
    order = {"national": 0, "province": 1}
    rows.sort(key=lambda u: (order.get(u.level, 2), u.name))
    return [_choice(u, parents) for u in rows][:limit]


def units_named(ctx: Context, codes: list[str]) -> list[UnitChoice]:
    """The units of ``codes`` (an audience's chosen units), in the order given."""
    if not codes:
        return []
    with ctx.sessions() as session:
        found = units_by_code(session, codes)
        parents = units_by_id(session, {u.parent_id for u in found.values() if u.parent_id})
    return [_choice(found[c], parents) for c in codes if c in found]


@dataclass(frozen=True)
class TargetChoice:
    """A channel target an item of the unit may use, with what its approval will need."""

    id: int
    name: str
    plugin: str
    unit: str
    gates: list[str]


def targets_for_unit(ctx: Context, actor: Actor, unit_code: str) -> list[TargetChoice]:
    """The enabled targets of ``unit_code`` and the units above it (a province portal), for
    someone who may write there; each names the approval steps it adds."""
    with ctx.sessions() as session:
        unit = find_unit(session, unit_code)
        if unit is None:
            return []
        require(actor, Permission.WRITE_CONTENT, unit.path)
        rows = session.execute(
            select(ChannelTarget, Unit.path, Unit.name)
            .join(Unit, Unit.id == ChannelTarget.unit_id)
            .where(ChannelTarget.enabled.is_(True))
            .order_by(ChannelTarget.name)
        ).all()
        out = []
        for target, path, name in rows:
            if unit.path.startswith(path):
                specs = steps_mod.target_specs(session, target)
                out.append(
                    TargetChoice(
                        target.id, target.name, target.plugin, name, [s.label for s in specs]
                    )
                )
        return out


@dataclass(frozen=True)
class StepLine:
    """An approval step as a reviewer reads it: who decides, where it stands, whether it is
    mine to decide now."""

    id: int
    label: str
    role: str
    unit: str
    state: str
    decided_by: str
    decided_at: dt.datetime | None
    comment: str
    note: str
    open: bool
    mine: bool


@dataclass(frozen=True)
class ItemView:
    """One item for the desk: its newest content (a pending edit included), its chosen
    targets, its steps and what changed since the last approval."""

    id: int
    uid: str
    status: str
    revision: int
    data: dict[str, Any]
    unit_code: str
    unit_name: str
    category: str
    target_ids: list[int]
    media: list[tuple[str, str, str, str]]  # role, filename, alt, caption
    moderation: str
    moderation_spans: list[dict[str, Any]]
    steps: list[StepLine]
    changes: list[FieldChange]
    since: int | None
    #: The library assets shown in the item's gallery, in order.
    gallery_ids: tuple[int, ...] = ()


def item_view(ctx: Context, actor: Actor, uid: str) -> ItemView:
    """The item ``uid`` as the desk shows it; NotFound when it does not exist, Forbidden
    (audited by the caller's ``watch_refusals``) outside the actor's units."""
    with ctx.sessions() as session:
        article = get_article(session, actor, uid)
        if article is None:
            raise NotFound(f"no article {uid!r}")
        newest = article.pending_revision or article.revision
        data = dict(revision(session, article.id, newest).data)
        unit = session.get(Unit, int(data.get("unit_id") or article.unit_id))
        category = session.get(Category, data["category_id"]) if data.get("category_id") else None
        targets = [t.id for t in outbox.targets_for(session, article)]
        rows = steps_mod.steps_of(session, article.id)
        places = unit_paths(session, {s.unit_id for s in rows})
        names = {u.id: u.name for u in units_by_id(session, {s.unit_id for s in rows}).values()}
        approved = [s.revision for s in rows if s.state == StepState.APPROVED and s.revision]
        since = max(approved) if approved else None
        base = revision(session, article.id, since).data if since and since != newest else None
        used = media_of_articles(session, [article.id]).get(article.id, [])
        return ItemView(
            id=article.id,
            uid=article.uid,
            status=article.status,
            revision=newest,
            data=data,
            unit_code=unit.code if unit else "",
            unit_name=unit.name if unit else "",
            category=category.slug if category else "",
            target_ids=targets,
            media=[(u.role, u.asset.filename, u.asset.alt, u.asset.caption) for u in used],
            moderation=article.moderation,
            moderation_spans=list(article.moderation_spans or []),
            steps=[
                StepLine(
                    s.id,
                    s.label,
                    s.role,
                    names.get(s.unit_id, ""),
                    s.state,
                    s.decided_by,
                    s.decided_at,
                    s.comment,
                    s.note,
                    steps_mod.is_open(s, rows),
                    steps_mod.is_open(s, rows)
                    and steps_mod.holds(actor, s.role, places.get(s.unit_id, "/")),
                )
                for s in rows
            ],
            changes=diff(base, data) if base is not None else [],
            since=since if base is not None else None,
            gallery_ids=tuple(u.asset.id for u in used if u.role == "gallery"),
        )


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    target_id: int
    target: str
    plugin: str
    action: str
    state: str
    attempt: int
    remote_url: str
    error_kind: str
    error_message: str
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    #: Whether the reader may "retry now" (``core.actions.deliveries.retry_now``).
    retry: bool = False


def deliveries(ctx: Context, actor: Actor, uid: str) -> list[DeliveryRow]:
    """Every delivery of the item ``uid``, oldest first, for someone who may read it."""
    return board_rows(ctx, actor, uid)[1]


def board_rows(ctx: Context, actor: Actor, uid: str) -> tuple[int, list[DeliveryRow]]:
    """The item's id and :func:`deliveries`, each row saying whether ``actor`` may retry it
    now (``core.actions.deliveries``: retryable, the target's newest, the actor's to retry)."""
    with ctx.sessions() as session:
        article = get_article(session, actor, uid)
        if article is None:
            raise NotFound(f"no article {uid!r}")
        pairs = deliveries_of(session, article.id)
        newest = {t.id: d.id for d, t in pairs}  # oldest first: the last one stays
        paths = unit_paths(session, {article.unit_id} | {t.unit_id for _, t in pairs})
        item_path = paths.get(article.unit_id, "/")
        return article.id, [
            DeliveryRow(
                d.id,
                t.id,
                t.name,
                t.plugin,
                d.action,
                d.state,
                d.attempt,
                d.remote_url,
                d.error_kind,
                d.error_message,
                d.due_at,
                d.finished_at,
                retry=d.state in retrying.RETRYABLE
                and newest[t.id] == d.id
                and retrying.may_retry(actor, item_path, paths.get(t.unit_id, "/")),
            )
            for d, t in pairs
        ]


def categories(ctx: Context) -> list[tuple[str, str]]:
    """Every active category as (slug, name), in order: the compose form's choice."""
    with ctx.sessions() as session:
        return [(c.slug, c.name) for c in all_categories(session)]


def quota_glance(ctx: Context, actor: Actor, now: dt.datetime | None = None) -> list[QuotaQuarter]:
    """This quarter's quota (S0.7) of each unit where ``actor`` reads drafts (the reports'
    permission): items out per agency, and per channel plugin."""
    now = now or utcnow()
    paths = sorted(actor.paths(Permission.READ_DRAFTS))
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    current = quarter_of(now)
    with ctx.sessions() as session:
        units = units_by_path(session, tops)
        return [quota(session, units[p], [current], current)[0] for p in tops if p in units]


def agencies_for_unit(ctx: Context, actor: Actor, unit_code: str) -> list[tuple[int, str]]:
    """The agencies an item of ``unit_code`` may be attributed to (S4.6) as (id, name): the
    unit's own first, then its ancestors' (a district office writing for a commune)."""
    with ctx.sessions() as session:
        unit = find_unit(session, unit_code)
        if unit is None:
            raise NotFound(f"no administrative unit with code {unit_code!r}")
        require(actor, Permission.READ_DRAFTS, unit.path)
        rows = session.execute(
            select(Agency.id, Agency.name, Unit.path)
            .join(Unit, Unit.id == Agency.unit_id)
            .where(Agency.unit_id.in_(ancestor_ids(unit)), Agency.is_active.is_(True))
        ).all()
        return [(i, n) for i, n, _ in sorted(rows, key=lambda r: (-len(r[2]), r[1], r[0]))]
