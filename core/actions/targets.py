"""Channel targets: where items go. Credentials are write-only and sealed at rest.

Setting or replacing credentials, changing where a target sends (the settings its
plugin declares as ``Capabilities.destinations``) or changing its approval gates
needs a fresh second-factor code (step-up): a stolen session or token alone can
neither point a channel at someone else's account nor skip a gate. A changed
destination drops the stored secrets unless new ones come with it: a secret
shared with one receiver must never sign what is sent to another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.auth.permissions import Actor, Permission, require, require_step_up
from core.connections.health import alert, set_health
from core.connections.refresh import fresh_target
from core.connections.targets import call_target
from core.content.queries import unit_by_code
from core.context import Context
from core.contract.channels import AuthError, Channel, ChannelError, Target
from core.contract.credentials import Health
from core.contract.setup import Checkable
from core.db import Base, utcnow
from core.delivery.outbox import unit_path
from core.errors import NotFound, ValidationFailed
from core.outbound import check_url
from core.outbound.bounded import run_bounded
from core.secrets import SecretError, redact
from core.targets.models import ChannelTarget
from core.units.lookups import unit_path as path_of_unit
from core.units.models import Unit
from core.workflow.policy import parse_steps

DROPPED = "a new destination needs new secrets: the stored ones belong to the old one"
IN_USE = "the target is in use ({what}); disable it instead of deleting it"


def _channel(ctx: Context, plugin: str) -> Channel:
    try:
        return ctx.channel(plugin)
    except LookupError as exc:
        raise ValidationFailed({"plugin": str(exc)}) from None


def _destinations(channel: Channel, settings: Mapping[str, Any]) -> frozenset[str]:
    """The setting keys that say where ``channel`` sends; undeclared: every key."""
    declared = channel.capabilities.destinations
    return frozenset(settings) if declared is None else declared


def _moved(channel: Channel, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Destination settings whose value differs between ``old`` and ``new``."""
    keys = _destinations(channel, old) | _destinations(channel, new)
    return sorted(k for k in keys if old.get(k) != new.get(k))


def _validate(
    ctx: Context, channel: Channel, settings: Mapping[str, Any], secrets: Mapping[str, str]
) -> None:
    try:
        channel.validate_settings(settings, secrets)
    except ValueError as exc:
        raise ValidationFailed({"settings": str(exc)}) from None
    allow = ctx.settings.outbound_allow_networks
    for key in sorted(_destinations(channel, settings)):
        value = settings.get(key)
        if isinstance(value, str) and "://" in value:
            try:
                check_url(value, allow)
            except ValueError as exc:
                raise ValidationFailed({"settings": f"{key}: {exc}"}) from None


def _gates(raw: Any) -> list[dict[str, Any]] | None:
    """A target's own approval gates (policy step specs), validated; None: its plugin's rule."""
    if raw is None:
        return None
    return [spec.as_dict() for spec in parse_steps(list(raw))]


def create_target(ctx: Context, actor: Actor, data: Mapping[str, Any]) -> ChannelTarget:
    name = str(data.get("name") or "").strip()
    plugin = str(data.get("plugin") or "").strip()
    settings = dict(data.get("settings") or {})
    secrets = {str(k): str(v) for k, v in (data.get("secrets") or {}).items()}
    if not name:
        raise ValidationFailed({"name": "is required"})
    channel = _channel(ctx, plugin)
    _validate(ctx, channel, settings, secrets)
    gates = _gates(data.get("gates"))
    with ctx.transaction() as session:
        try:
            unit = unit_by_code(session, str(data.get("unit_code") or ""))
        except LookupError as exc:
            raise ValidationFailed({"unit_code": str(exc)}) from None
        require(actor, Permission.MANAGE_CHANNELS, unit.path)
        if secrets or gates is not None or _moved(channel, {}, settings):
            require_step_up(actor)
        target = ChannelTarget(
            name=name,
            plugin=plugin,
            unit_id=unit.id,
            settings=settings,
            secrets_sealed=ctx.sealer.seal(secrets),
            enabled=bool(data.get("enabled", True)),
            gates=gates,
        )
        session.add(target)
        session.flush()
        audit.about(
            session,
            actor,
            "target.create",
            target,
            data={"name": name, "plugin": plugin, "unit": unit.code, "secrets": sorted(secrets)},
            unit_path=unit.path,
        )
    return target


def update_target(
    ctx: Context, actor: Actor, target_id: int, data: Mapping[str, Any]
) -> ChannelTarget:
    """Change name, settings, enabled, gates; ``secrets`` replaces the stored credentials
    (with ``keep_other_secrets``, only those it names, unless the destination changed).

    A change of destination or of gates needs step-up; a change of destination without
    new ``secrets`` leaves the target with none (the plugin's validation may then
    refuse the change: its receiver needs a secret of its own).
    """
    with ctx.transaction() as session:
        target = session.get(ChannelTarget, target_id, with_for_update=True)
        if target is None:
            raise NotFound(f"no channel target with id {target_id}")
        path = unit_path(session, target.unit_id)
        require(actor, Permission.MANAGE_CHANNELS, path)
        channel = _channel(ctx, target.plugin)
        settings = (
            dict(data["settings"]) if data.get("settings") is not None else dict(target.settings)
        )
        moved = _moved(channel, target.settings or {}, settings)
        gates = _gates(data["gates"]) if "gates" in data else target.gates
        regated = gates != target.gates
        new_secrets = data.get("secrets") is not None
        if new_secrets or moved or regated:
            require_step_up(actor)
        changed = sorted(
            k
            for k in ("name", "settings", "secrets", "enabled", "gates")
            if data.get(k) is not None
        )
        if new_secrets:
            secrets = {str(k): str(v) for k, v in data["secrets"].items()}
            if data.get("keep_other_secrets") and not moved:
                secrets = {**ctx.sealer.open(target.secrets_sealed), **secrets}
        elif moved:
            secrets = {}  # shared with the old destination: never sent to the new one
        else:
            secrets = ctx.sealer.open(target.secrets_sealed)
        try:
            _validate(ctx, channel, settings, secrets)
        except ValidationFailed as exc:
            if moved and not new_secrets:
                exc.fields.setdefault("secrets", DROPPED)
                raise ValidationFailed(exc.fields) from None
            raise
        if data.get("name"):
            target.name = str(data["name"]).strip()
        target.settings = settings
        if new_secrets or moved:
            target.secrets_sealed = ctx.sealer.seal(secrets)
            target.health, target.health_detail = "unknown", ""
        if data.get("enabled") is not None:
            target.enabled = bool(data["enabled"])
        target.gates = gates
        target.updated_at = utcnow()
        audit.about(
            session,
            actor,
            "target.update",
            target,
            data={
                "fields": changed,
                "moved": moved,
                "gates_changed": regated,
                "secrets_dropped": bool(moved) and not new_secrets,
            },
            unit_path=path,
        )
    return target


def list_targets(ctx: Context, actor: Actor) -> list[ChannelTarget]:
    """Targets on units the actor manages channels for."""
    with ctx.sessions() as session:
        rows = session.execute(
            select(ChannelTarget, Unit.path).join(Unit, Unit.id == ChannelTarget.unit_id)
        ).all()
    return [t for t, path in rows if actor.can(Permission.MANAGE_CHANNELS, path)]


def _managed(session: Any, actor: Actor, target_id: int, *, lock: bool = False) -> ChannelTarget:
    """The target ``target_id``, for an actor who manages its unit's channels."""
    row = session.get(ChannelTarget, target_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"no channel target with id {target_id}")
    require(actor, Permission.MANAGE_CHANNELS, path_of_unit(session, row.unit_id))
    return row


@dataclass(frozen=True)
class Checked:
    """What a connection check found: ``ok``, the channel's note or the error, the health."""

    ok: bool
    note: str
    health: str


async def _check(ctx: Context, channel: Checkable, call: Target) -> str:
    """The check, with credentials refreshed first when they are due (as a delivery would)."""
    return await channel.check_connection(await fresh_target(ctx, channel, call))


def check_connection(ctx: Context, actor: Actor, target_id: int) -> Checked:
    """Ask the target's channel whether it answers with the stored settings and secrets.

    Refused credentials mark the target as needing re-authorisation (its channel admins are
    told); a success clears that; any other failure is only reported. Audited either way.
    """
    with ctx.sessions() as session:
        row = _managed(session, actor, target_id)
    channel = _channel(ctx, row.plugin)
    if not isinstance(channel, Checkable):
        raise ValidationFailed({"target": f"the {row.plugin} channel has no connection check"})
    try:
        call = call_target(ctx, row)
    except SecretError:
        raise ValidationFailed({"secrets": "the stored credentials cannot be opened"}) from None
    health: Health | None = None
    try:
        note = run_bounded(_check(ctx, channel, call), ctx.settings.http_timeout * 2 + 5)
        ok = True
        if row.health in (Health.UNKNOWN, Health.NEEDS_REAUTHORISATION):
            health = Health.OK
    except AuthError as exc:
        ok, note, health = False, redact(str(exc), call.secrets), Health.NEEDS_REAUTHORISATION
    except ChannelError as exc:
        ok, note = False, redact(str(exc), call.secrets)
    except TimeoutError:
        ok, note = False, "the channel did not answer in time"
    with ctx.transaction() as session:
        locked = _managed(session, actor, target_id, lock=True)
        change = (
            set_health(session, locked, health, "" if ok else note, actor=actor.name)
            if (health is not None)
            else None
        )
        audit.about(
            session,
            actor,
            "target.check",
            locked,
            data={"ok": ok, "note": note[:500]},
            unit_path=path_of_unit(session, locked.unit_id),
        )
        current = locked.health
    alert(ctx, change)
    return Checked(ok, note, current)


def _references(session: Any, target_id: int) -> dict[str, int]:
    """Rows of every table that point at the target, by table name (none: not listed)."""
    used: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == ChannelTarget.__tablename__:
                count = session.scalar(
                    select(func.count()).select_from(table).where(fk.parent == target_id)
                )
                if count:
                    used[table.name] = used.get(table.name, 0) + int(count)
    return used


def delete_target(ctx: Context, actor: Actor, target_id: int) -> None:
    """Delete a target nothing has used yet (step-up). A target with deliveries, chosen by
    items or holding comments is refused: its history must stay; disable it instead."""
    with ctx.transaction() as session:
        row = _managed(session, actor, target_id, lock=True)
        require_step_up(actor)
        used = _references(session, target_id)
        if used:
            what = ", ".join(f"{name}: {count}" for name, count in sorted(used.items()))
            raise ValidationFailed({"target": IN_USE.format(what=what)})
        audit.about(
            session,
            actor,
            "target.delete",
            row,
            data={"name": row.name, "plugin": row.plugin},
            unit_path=path_of_unit(session, row.unit_id),
        )
        session.delete(row)
        try:
            session.flush()
        except IntegrityError:  # a table this process never loaded still points at it
            raise ValidationFailed({"target": IN_USE.format(what="rows elsewhere")}) from None
