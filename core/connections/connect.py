"""The connect flow's state: bound to the admin's session, single-use, short-lived.

1. ``start``: a channel admin (``MANAGE_CHANNELS`` on the target's unit, with a fresh
   second-factor code: credentials change) asks to connect a target. Core makes a random
   ``state`` (and a PKCE verifier when the channel wants one), keeps them in Redis for ten
   minutes under a digest of the state, with a digest of the admin's session id, and
   returns the platform's consent URL the plugin built.
2. ``called_back``: the platform sends the browser back with ``code`` and ``state``. The
   session cookie is ``SameSite=Strict``, so a browser does not send it on this
   cross-site navigation: the query is kept with the state and the browser is sent on,
   by a same-site navigation, to ``finish``.
3. ``finish``: with the cookie again, the state is taken (once: ``GETDEL``); it must have
   been made for this session and account. The plugin exchanges the code; the credentials
   are sealed and stored (``core.connections.refresh.store``), health becomes ok (or
   ``expiring`` with the credentials' warning), audited.

A forged callback (someone else's code, the "login CSRF" of OAuth) has no state made for
the victim's session; a replayed one finds its state gone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.auth.permissions import Actor, Permission, require, require_step_up
from core.connections.refresh import store
from core.connections.targets import call_target
from core.context import Context
from core.contract.credentials import Connectable
from core.errors import NotFound, ValidationFailed
from core.targets.models import ChannelTarget
from core.units.lookups import unit_path

STATE_SECONDS = 600
CALLBACK_PATH = "/channels/connect/callback"
FINISH_PATH = "/channels/connect/finish"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _key(state: str) -> str:
    return f"loa:connect:{_digest(state)}"


def redirect_uri(ctx: Context) -> str:
    """One callback for every target: platforms accept only registered redirect URIs."""
    return ctx.settings.base_url.rstrip("/") + CALLBACK_PATH


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Started:
    url: str
    state: str


def _connectable(ctx: Context, row: ChannelTarget) -> Connectable:
    channel = ctx.channels.get(row.plugin)
    if not isinstance(channel, Connectable):
        raise ValidationFailed({"target": f"the {row.plugin} channel does not connect by consent"})
    return channel


def start(ctx: Context, actor: Actor, session_id: str, target_id: int) -> Started:
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target_id)
        if row is None:
            raise NotFound(f"no channel target with id {target_id}")
        require(actor, Permission.MANAGE_CHANNELS, unit_path(session, row.unit_id))
    require_step_up(actor)
    channel = _connectable(ctx, row)
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair() if channel.pkce else (None, None)
    url = channel.authorise_url(
        call_target(ctx, row),
        redirect_uri=redirect_uri(ctx),
        state=state,
        code_challenge=challenge,
    )
    held = {
        "target": target_id,
        "session": _digest(session_id),
        "user": actor.user_id,
        "verifier": verifier,
        "params": None,
    }
    ctx.redis.set(_key(state), json.dumps(held), ex=STATE_SECONDS)
    return Started(url, state)


def called_back(ctx: Context, params: Mapping[str, str]) -> str | None:
    """Keep the platform's answer with its state; the state to finish with, or None."""
    state = params.get("state", "")
    key = _key(state)
    raw = ctx.redis.get(key) if state else None
    if raw is None:
        return None
    held = json.loads(raw)
    if held["params"] is not None:
        return None  # a second callback for one state: only the first counts
    held["params"] = {k: v for k, v in params.items() if k != "state"}
    ctx.redis.set(key, json.dumps(held), keepttl=True)
    return state


def _take(ctx: Context, state: str) -> dict[str, Any] | None:
    raw = ctx.redis.getdel(_key(state)) if state else None
    return json.loads(raw) if raw is not None else None


async def finish(ctx: Context, actor: Actor, session_id: str, state: str) -> ChannelTarget:
    held = _take(ctx, state)
    if held is None or held["params"] is None:
        raise ValidationFailed({"state": "this connection was not started here or has expired"})
    if held["session"] != _digest(session_id) or held["user"] != actor.user_id:
        raise ValidationFailed({"state": "this connection was started in another session"})
    params: dict[str, str] = held["params"]
    if "error" in params:
        raise ValidationFailed({"consent": f"the platform refused: {params['error'][:200]}"})
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, int(held["target"]))
        if row is None:
            raise NotFound("the channel target no longer exists")
        require(actor, Permission.MANAGE_CHANNELS, unit_path(session, row.unit_id))
    channel = _connectable(ctx, row)
    fresh = await channel.exchange_code(
        call_target(ctx, row),
        params=params,
        redirect_uri=redirect_uri(ctx),
        code_verifier=held["verifier"],
    )
    return store(ctx, row.id, fresh, actor=actor.name, action="target.connect")
