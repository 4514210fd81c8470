"""A stored target as a channel receives it for one call (secrets opened for that call)."""

from __future__ import annotations

from core.context import Context
from core.contract.channels import Target
from core.targets.models import ChannelTarget


def call_target(ctx: Context, row: ChannelTarget) -> Target:
    """``SecretError`` when the stored secrets cannot be opened (a key was retired)."""
    return Target(
        id=row.id,
        name=row.name,
        settings=dict(row.settings or {}),
        secrets=ctx.sealer.open(row.secrets_sealed),
        timeout=ctx.settings.http_timeout,
        allow_networks=ctx.settings.outbound_allow_networks,
    )
