"""Refresh a target's credentials: one refresher at a time, stored before they are used.

Some platforms' refresh tokens are single-use: two workers refreshing at once would each spend the
same one and one of them would store a dead pair, and a crash between receiving new
credentials and storing them would lose them; either way an admin must consent again. So:

1. A per-target Redis lock (``SET NX`` with a token and an expiry) admits one refresher.
2. Under it, the row is read again: another worker may have refreshed meanwhile.
3. The new credentials are merged over the stored ones, sealed and committed, health and
   audit in the same transaction; only then is the call's :class:`Target` built, from what
   was stored.

An ``AuthError`` marks the target as needing re-authorisation and alerts its channel
admins; other errors leave the stored credentials untouched and propagate (the delivery
retries).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from core import audit
from core.connections.health import Health, alert, set_health
from core.connections.targets import call_target
from core.context import Context
from core.contract.channels import AuthError, Target, TransientError
from core.contract.credentials import Connectable, Credentials
from core.db import utcnow
from core.secrets import redact
from core.targets.models import ChannelTarget

log = logging.getLogger("loa.connections")
LOCK_SECONDS = 60
#: How long a second refresher waits for the first before giving up (it retries later).
WAIT_SECONDS = 30


def due(row: ChannelTarget, channel: Connectable, now: dt.datetime) -> bool:
    expires = row.credentials_expire_at
    if expires is None:
        return False
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    return now >= expires - channel.refresh_before


def store(
    ctx: Context, target_id: int, fresh: Credentials, *, actor: str, action: str
) -> ChannelTarget:
    """Merge ``fresh`` over what is stored, sealed, in one transaction; health becomes ok
    (``expiring`` when the credentials carry a warning, ``attention`` when a notice)."""
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, target_id, with_for_update=True)
        if row is None:
            raise LookupError(f"no channel target with id {target_id}")
        merged = {**ctx.sealer.open(row.secrets_sealed), **fresh.secrets}
        row.secrets_sealed = ctx.sealer.seal(merged)
        row.settings = {**(row.settings or {}), **fresh.settings}
        row.credentials_expire_at = fresh.expires_at
        row.updated_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action=action,
            subject_type="channel_target",
            subject_id=row.id,
            data={
                "secrets": sorted(fresh.secrets),
                "settings": sorted(fresh.settings),
                "expires_at": fresh.expires_at.isoformat() if fresh.expires_at else None,
            },
        )
        if fresh.warning:
            health, detail = Health.EXPIRING, fresh.warning
        elif fresh.notice:
            health, detail = Health.ATTENTION, fresh.notice
        else:
            health, detail = Health.OK, ""
        change = set_health(session, row, health, detail, actor=actor)
    alert(ctx, change)
    return row


def _lock(ctx: Context, target_id: int) -> Any:
    """Not thread-local: it is taken and released from worker threads (``asyncio.to_thread``),
    so waiting for it never blocks the event loop of the worker that holds it."""
    return ctx.redis.lock(
        f"loa:refresh:{target_id}",
        timeout=LOCK_SECONDS,
        blocking_timeout=WAIT_SECONDS,
        thread_local=False,
    )


async def fresh_target(ctx: Context, channel: object, target: Target) -> Target:
    """``target`` itself, or, when its credentials are due, the target with refreshed ones."""
    if not isinstance(channel, Connectable):
        return target
    now = utcnow()
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target.id)
    if row is None or not due(row, channel, now):
        return target
    lock = _lock(ctx, target.id)
    if not await asyncio.to_thread(lock.acquire):
        raise TransientError("another worker is refreshing this target's credentials")
    try:
        with ctx.sessions() as session:
            row = session.get(ChannelTarget, target.id)
        if row is None:
            return target
        current = call_target(ctx, row)
        if not due(row, channel, utcnow()):
            return current  # refreshed by another worker while we waited
        try:
            fresh = await channel.refresh(current)
        except AuthError as exc:
            mark(ctx, target.id, Health.NEEDS_REAUTHORISATION, redact(str(exc), current.secrets))
            raise
        except TransientError as exc:  # still usable until it expires: say so, retry later
            mark(ctx, target.id, Health.EXPIRING, redact(str(exc), current.secrets))
            raise
        stored = store(ctx, target.id, fresh, actor="system", action="target.refresh")
        return call_target(ctx, stored)
    finally:
        try:
            await asyncio.to_thread(lock.release)
        except Exception:  # expired under us: the next refresher holds it now
            log.warning("the refresh lock of target %s had expired", target.id)


def mark(ctx: Context, target_id: int, health: Health, detail: str) -> None:
    """Set a target's health in its own transaction and alert on a change."""
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, target_id, with_for_update=True)
        change = set_health(session, row, health, detail, actor="system") if row else None
    alert(ctx, change)
