"""Channel targets: where items go. Credentials are write-only and sealed at rest.

Setting or replacing credentials needs a fresh second-factor code (step-up): a
stolen session or token alone cannot point a channel at someone else's account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core import audit
from core.auth.permissions import Actor, Permission, require, require_step_up
from core.content.queries import unit_by_code
from core.context import Context
from core.db import utcnow
from core.delivery.models import ChannelTarget
from core.errors import NotFound, ValidationFailed


def _validate(
    ctx: Context, plugin: str, settings: Mapping[str, Any], secrets: Mapping[str, str]
) -> None:
    try:
        channel = ctx.channel(plugin)
    except LookupError as exc:
        raise ValidationFailed({"plugin": str(exc)}) from None
    try:
        channel.validate_settings(settings, secrets)
    except ValueError as exc:
        raise ValidationFailed({"settings": str(exc)}) from None


def _gates(raw: Any) -> list[dict[str, Any]] | None:
    """A target's own approval gates (policy step specs), validated; None: its plugin's rule."""
    if raw is None:
        return None
    from core.workflow.policy import parse_steps

    return [spec.as_dict() for spec in parse_steps(list(raw))]


def create_target(ctx: Context, actor: Actor, data: Mapping[str, Any]) -> ChannelTarget:
    name = str(data.get("name") or "").strip()
    plugin = str(data.get("plugin") or "").strip()
    settings = dict(data.get("settings") or {})
    secrets = {str(k): str(v) for k, v in (data.get("secrets") or {}).items()}
    if not name:
        raise ValidationFailed({"name": "is required"})
    _validate(ctx, plugin, settings, secrets)
    with ctx.transaction() as session:
        try:
            unit = unit_by_code(session, str(data.get("unit_code") or ""))
        except LookupError as exc:
            raise ValidationFailed({"unit_code": str(exc)}) from None
        require(actor, Permission.MANAGE_CHANNELS, unit.path)
        if secrets:
            require_step_up(actor)
        target = ChannelTarget(
            name=name,
            plugin=plugin,
            unit_id=unit.id,
            settings=settings,
            secrets_sealed=ctx.sealer.seal(secrets),
            enabled=bool(data.get("enabled", True)),
            gates=_gates(data.get("gates")),
        )
        session.add(target)
        session.flush()
        audit.record(
            session,
            actor=actor.name,
            action="target.create",
            subject_type="channel_target",
            subject_id=target.id,
            data={"name": name, "plugin": plugin, "unit": unit.code, "secrets": sorted(secrets)},
            unit_path=unit.path,
        )
    return target


def update_target(
    ctx: Context, actor: Actor, target_id: int, data: Mapping[str, Any]
) -> ChannelTarget:
    """Change name, settings, enabled; ``secrets`` replaces the stored credentials when given."""
    with ctx.transaction() as session:
        target = session.get(ChannelTarget, target_id, with_for_update=True)
        if target is None:
            raise NotFound(f"no channel target with id {target_id}")
        from core.delivery.outbox import unit_path

        path = unit_path(session, target.unit_id)
        require(actor, Permission.MANAGE_CHANNELS, path)
        if data.get("secrets") is not None:
            require_step_up(actor)
        changed = sorted(
            k
            for k in ("name", "settings", "secrets", "enabled", "gates")
            if data.get(k) is not None
        )
        settings = (
            dict(data["settings"]) if data.get("settings") is not None else dict(target.settings)
        )
        if data.get("secrets") is not None:
            secrets = {str(k): str(v) for k, v in data["secrets"].items()}
        else:
            secrets = ctx.sealer.open(target.secrets_sealed)
        _validate(ctx, target.plugin, settings, secrets)
        if data.get("name"):
            target.name = str(data["name"]).strip()
        target.settings = settings
        if data.get("secrets") is not None:
            target.secrets_sealed = ctx.sealer.seal(secrets)
            target.health, target.health_detail = "unknown", ""
        if data.get("enabled") is not None:
            target.enabled = bool(data["enabled"])
        if "gates" in data:
            target.gates = _gates(data["gates"])
        target.updated_at = utcnow()
        audit.record(
            session,
            actor=actor.name,
            action="target.update",
            subject_type="channel_target",
            subject_id=target.id,
            data={"fields": changed},
            unit_path=path,
        )
    return target


def list_targets(ctx: Context, actor: Actor) -> list[ChannelTarget]:
    """Targets on units the actor manages channels for."""
    from core.units.models import Unit

    with ctx.sessions() as session:
        rows = session.execute(
            select(ChannelTarget, Unit.path).join(Unit, Unit.id == ChannelTarget.unit_id)
        ).all()
    return [t for t, path in rows if actor.can(Permission.MANAGE_CHANNELS, path)]
