"""API tokens for the management GraphQL: ``loa_<prefix>_<secret>``, shown once.

Stored: the prefix (to find the row) and a keyed digest of the whole token
(HMAC under a key derived from ``LOA_SECRET_KEYS``; a token digested under an older
key is digested again under the newest when next used). Scopes narrow the owner's
grants; they never widen them:

| scope | permissions |
|---|---|
| read | read drafts, read the audit log |
| write | read + write content, manage channel targets |
| publish | read + approve, retract |

Managing accounts, roles and tokens (create, list, revoke) is never possible with a token,
whatever its scopes: it needs a signed-in session with both factors. A token stops
working when it expires, is revoked, or its account is disabled or has no enrolled TOTP.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from core import audit
from core.auth.actions import _audit, actor_for, covering_path
from core.auth.models import ApiToken, User
from core.auth.permissions import Actor, Permission, require, require_session
from core.context import Context
from core.db import utcnow
from core.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed

DIGEST_PURPOSE = "api-token"
READ = frozenset({Permission.READ_DRAFTS, Permission.READ_AUDIT})
SCOPES: dict[str, frozenset[Permission]] = {
    "read": READ,
    "write": READ | {Permission.WRITE_CONTENT, Permission.MANAGE_CHANNELS},
    "publish": READ | {Permission.APPROVE, Permission.RETRACT},
}
TOKEN_RE = re.compile(r"^loa_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
#: last_used_at is written at most this often per token (a busy token must not write per call).
TOUCH_EVERY = dt.timedelta(minutes=1)


def _require_session(ctx: Context, actor: Actor) -> None:
    """No scope manages tokens: refuse a token, audited on the owner's units."""
    if actor.user_id is not None and actor.scopes is None:
        return
    with ctx.sessions() as session:
        path = covering_path(session, actor.user_id) if actor.user_id is not None else ""
    require_session(actor, "manage_tokens", path or "/")


def permissions_of(scopes: list[str]) -> frozenset[Permission]:
    out: frozenset[Permission] = frozenset()
    for scope in scopes:
        out |= SCOPES.get(scope, frozenset())
    return out


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


def create_token(
    ctx: Context, actor: Actor, name: str, scopes: list[str], days: int, address: str = ""
) -> NewToken:
    """A token for the actor's own account; only a signed-in person (both factors) may."""
    _require_session(ctx, actor)
    errors = {}
    name = name.strip()
    if not name or len(name) > 120:
        errors["name"] = "is required (at most 120 characters)"
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        errors["scopes"] = f"choose from {sorted(SCOPES)}"
    if not 1 <= days <= ctx.settings.api_token_max_days:
        errors["expires_in_days"] = f"must be between 1 and {ctx.settings.api_token_max_days}"
    if errors:
        raise ValidationFailed(errors)
    prefix = secrets.token_hex(6)
    plaintext = f"loa_{prefix}_{secrets.token_urlsafe(32)}"
    with ctx.transaction() as session:
        user = session.get(User, actor.user_id)
        if user is None or user.totp_enabled_at is None or not user.is_active:
            raise Forbidden("only an account with an enrolled second factor may hold tokens")
        token = ApiToken(
            user_id=user.id,
            name=name,
            prefix=prefix,
            digest=ctx.sealer.digest(DIGEST_PURPOSE, plaintext),
            scopes=sorted(set(scopes)),
            expires_at=utcnow() + dt.timedelta(days=days),
        )
        session.add(token)
        session.flush()
        _audit(
            session,
            "token.create",
            actor=actor.name,
            user=user,
            address=address,
            token_id=token.id,
            prefix=prefix,
            scopes=token.scopes,
            expires_at=token.expires_at.isoformat(),
        )
    return NewToken(token, plaintext)


def revoke_token(ctx: Context, actor: Actor, token_id: int, address: str = "") -> ApiToken:
    """The owner, or an admin over the owner's units, revokes a token; revoking twice is fine.

    Signed in only: a token of any scope revoking its siblings was attack 7 of issue 8.
    """
    _require_session(ctx, actor)
    with ctx.transaction() as session:
        token = session.get(ApiToken, token_id, with_for_update=True)
        if token is None:
            raise NotFound(f"no API token {token_id}")
        owner = session.get(User, token.user_id)
        assert owner is not None
        if actor.user_id != token.user_id:
            path = covering_path(session, owner.id) or "/"
            try:
                require(actor, Permission.MANAGE_USERS, path)
            except Forbidden:
                raise NotFound(f"no API token {token_id}") from None
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            _audit(
                session,
                "token.revoke",
                actor=actor.name,
                user=owner,
                address=address,
                token_id=token.id,
                prefix=token.prefix,
            )
    return token


def list_tokens(ctx: Context, actor: Actor) -> list[ApiToken]:
    """The actor's own tokens, newest first (signed in only, like every token operation)."""
    if actor.user_id is None:
        return []
    _require_session(ctx, actor)
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(ApiToken)
                .where(ApiToken.user_id == actor.user_id)
                .order_by(ApiToken.id.desc())
            )
        )


def authenticate_token(ctx: Context, presented: str, address: str = "") -> Actor:
    """The actor behind a presented token: the owner's grants narrowed to the token's scopes."""
    match = TOKEN_RE.match(presented)
    if match is None:
        raise Unauthenticated("the API token is not valid")
    prefix = match.group(1)
    now = utcnow()
    with ctx.sessions() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
        which = (
            ctx.sealer.digest_matches(DIGEST_PURPOSE, presented, token.digest)
            if token is not None
            else None
        )
        owner = (
            actor_for(session, token.user_id) if token is not None and which is not None else None
        )
    reason = ""
    if token is None or which is None:
        reason = "unknown token"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at <= now:
        reason = "expired"
    elif owner is None:
        reason = "account disabled or without second factor"
    if reason:
        with ctx.transaction() as session:
            audit.record(
                session,
                actor="anonymous",
                action="token.refused",
                subject_type="api_token" if token is not None and which is not None else "",
                subject_id=token.id if token is not None and which is not None else "",
                data={
                    "reason": reason,
                    "prefix": prefix,
                    **({"address": address} if address else {}),
                },
                unit_path=covering_path(session, token.user_id)
                if token is not None and which is not None
                else "",
            )
        if reason in ("revoked", "expired"):
            raise Unauthenticated(
                f"the API token has {'been revoked' if reason == 'revoked' else 'expired'}"
            )
        raise Unauthenticated("the API token is not valid")
    assert token is not None and owner is not None
    if which or token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        with ctx.transaction() as session:
            row = session.get(ApiToken, token.id)
            if row is not None:
                row.last_used_at = now
                if which:
                    row.digest = ctx.sealer.digest(DIGEST_PURPOSE, presented)
    return Actor(
        name=f"{owner.name} (token {prefix})",
        grants=owner.grants,
        user_id=owner.user_id,
        scopes=permissions_of(token.scopes),
    )
