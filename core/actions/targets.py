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
from typing import Any

from sqlalchemy import select

from core import audit
from core.auth.permissions import Actor, Permission, require, require_step_up
from core.content.queries import unit_by_code
from core.context import Context
from core.contract.channels import Channel
from core.db import utcnow
from core.delivery.outbox import unit_path
from core.errors import NotFound, ValidationFailed
from core.outbound import check_url
from core.targets.models import ChannelTarget
from core.units.models import Unit
from core.workflow.policy import parse_steps

DROPPED = "a new destination needs new secrets: the stored ones belong to the old one"


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
    """Change name, settings, enabled, gates; ``secrets`` replaces the stored credentials.

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
