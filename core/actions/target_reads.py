"""What the channel admin's screen reads about targets: health, credentials, allowance, use.

Only about targets of units the actor manages channels on (``MANAGE_CHANNELS``); secrets
are never read out, only the names of those that are set.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.actions.targets import _managed
from core.auth.permissions import Actor, Permission
from core.connections.targets import call_target
from core.content.models import Article
from core.context import Context
from core.contract.costs import Allowance, Costed
from core.contract.credentials import Connectable
from core.contract.setup import Checkable, Configurable, SettingField
from core.delivery.costs import left_after_ledger
from core.delivery.models import Delivery
from core.outbound.bounded import run_bounded
from core.secrets import SecretError
from core.targets.models import ChannelTarget
from core.units.lookups import units_by_path
from core.units.models import Unit

#: How many of a target's latest deliveries its page shows.
RECENT = 10


@dataclass(frozen=True)
class Plugin:
    """An installed channel as the add form offers it."""

    name: str
    title: str
    schema: tuple[SettingField, ...] | None  # None: the channel declares no form
    connectable: bool
    checkable: bool


@dataclass(frozen=True)
class AllowanceLeft:
    """What is left on a rationed channel (after Loa's own ledger); ``error`` if unknown."""

    left: Mapping[str, float]
    resets_at: dt.datetime | None
    error: str = ""


@dataclass(frozen=True)
class TargetView:
    id: int
    name: str
    plugin: Plugin
    unit_code: str
    unit_name: str
    enabled: bool
    health: str
    health_detail: str
    expires_at: dt.datetime | None
    settings: Mapping[str, Any]
    secrets_set: tuple[str, ...]
    secrets_unreadable: bool
    #: What is left on a rationed channel; None: the channel is not rationed.
    allowance: AllowanceLeft | None = None


@dataclass(frozen=True)
class DeliveryLine:
    id: int
    item_uid: str
    item_title: str
    action: str
    state: str
    error_kind: str
    error_message: str
    remote_url: str
    finished_at: dt.datetime | None


@dataclass(frozen=True)
class TargetDetail:
    view: TargetView
    deliveries: list[DeliveryLine]
    allowance: AllowanceLeft | None  # None: the channel is not rationed


def plugins(ctx: Context) -> list[Plugin]:
    """Every installed channel, by title."""
    out = [_plugin(ctx, name) for name in ctx.channels]
    return sorted(out, key=lambda p: p.title.casefold())


def plugin(ctx: Context, name: str) -> Plugin | None:
    return _plugin(ctx, name) if name in ctx.channels else None


def _plugin(ctx: Context, name: str) -> Plugin:
    channel = ctx.channels[name]
    schema = tuple(channel.settings_schema) if isinstance(channel, Configurable) else None
    return Plugin(
        name,
        channel.title,
        schema,
        isinstance(channel, Connectable),
        isinstance(channel, Checkable),
    )


def _view(
    ctx: Context, row: ChannelTarget, unit: Unit, allowance: AllowanceLeft | None
) -> TargetView:
    try:
        names, unreadable = tuple(sorted(ctx.sealer.open(row.secrets_sealed))), False
    except SecretError:
        names, unreadable = (), True
    known = row.plugin in ctx.channels
    return TargetView(
        row.id,
        row.name,
        _plugin(ctx, row.plugin) if known else Plugin(row.plugin, row.plugin, None, False, False),
        unit.code,
        unit.name,
        row.enabled,
        row.health,
        row.health_detail,
        row.credentials_expire_at,
        dict(row.settings or {}),
        names,
        unreadable,
        allowance,
    )


def target_views(ctx: Context, actor: Actor) -> list[TargetView]:
    """The targets of the units the actor manages channels on, by unit then name."""
    with ctx.sessions() as session:
        rows = session.execute(
            select(ChannelTarget, Unit)
            .join(Unit, Unit.id == ChannelTarget.unit_id)
            .order_by(Unit.path, ChannelTarget.name)
        ).all()
        mine = [(t, u) for t, u in rows if actor.can(Permission.MANAGE_CHANNELS, u.path)]
        left = _allowances(ctx, session, [t for t, _ in mine])
        return [_view(ctx, t, u, left.get(t.id)) for t, u in mine]


def target_detail(ctx: Context, actor: Actor, target_id: int) -> TargetDetail:
    """One target with its latest deliveries and, for a rationed channel, what is left."""
    with ctx.sessions() as session:
        row = _managed(session, actor, target_id)
        unit = session.get(Unit, row.unit_id)
        assert unit is not None
        view = _view(ctx, row, unit, _allowances(ctx, session, [row]).get(row.id))
        lines = [
            DeliveryLine(
                d.id,
                uid,
                title,
                d.action,
                d.state,
                d.error_kind,
                d.error_message,
                d.remote_url,
                d.finished_at,
            )
            for d, uid, title in session.execute(
                select(Delivery, Article.uid, Article.title)
                .join(Article, Article.id == Delivery.article_id)
                .where(Delivery.target_id == target_id)
                .order_by(Delivery.id.desc())
                .limit(RECENT)
            ).all()
        ]
    return TargetDetail(view, lines, view.allowance)


def _allowances(ctx: Context, session: Any, rows: list[ChannelTarget]) -> dict[int, AllowanceLeft]:
    """What is left on each rationed target among ``rows``, asked of every channel at once
    under one deadline; a channel that fails or is late says so (its error's kind)."""
    out: dict[int, AllowanceLeft] = {}
    asked: dict[int, Coroutine[Any, Any, Allowance]] = {}
    for row in rows:
        channel = ctx.channels.get(row.plugin)
        if not isinstance(channel, Costed):
            continue
        try:
            asked[row.id] = channel.allowance(call_target(ctx, row))
        except SecretError:
            out[row.id] = AllowanceLeft({}, None, "SecretError")
    if not asked:
        return out

    async def ask_all() -> list[Allowance | BaseException]:
        return await asyncio.gather(*asked.values(), return_exceptions=True)

    try:
        answers = run_bounded(ask_all(), ctx.settings.http_timeout)
    except TimeoutError:
        answers = [TimeoutError()] * len(asked)
    for target_id, got in zip(asked, answers, strict=True):
        if isinstance(got, Allowance):
            left = left_after_ledger(session, target_id, got)
            out[target_id] = AllowanceLeft(left, got.resets_at)
        else:
            out[target_id] = AllowanceLeft({}, None, type(got).__name__)
    return out


def managed_units(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of each unit the actor holds a role managing channels on."""
    paths = {
        g.unit_path for g in actor.grants if actor.can(Permission.MANAGE_CHANNELS, g.unit_path)
    }
    with ctx.sessions() as session:
        units = units_by_path(session, paths)
    return sorted(((u.code, u.name) for u in units.values()), key=lambda c: c[1])
