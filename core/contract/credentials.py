"""Credentials a channel obtains by consent (OAuth) and keeps fresh: the plugin's half.

Core serves the connect flow (``/channels/connect/<target>`` and its callback), binds its
``state`` to the admin's session, makes the PKCE pair when the channel wants one, seals and
stores what comes back, and refreshes under a per-target lock, storing the new credentials
*before* anyone uses them (a rotated refresh token lost to a crash means an admin must
consent again; two workers refreshing at once would burn a single-use one). The plugin only
speaks to its platform: it builds the authorise URL, exchanges the code, refreshes.

The shapes it must fit, from the platforms' real contracts (``docs/plugins.md`` names
them): a code exchanged for a long-lived token with no refresh token at all (``refresh``
raises ``AuthError`` when it dies); PKCE with a single-use, rotating refresh token and an
account id in the callback's query; a refresh that returns no new refresh token (return
only what changed: core keeps the rest).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from core.contract.channels import Target


class Health(enum.StrEnum):
    """A target's credentials as the channel admins see them."""

    UNKNOWN = "unknown"  # never connected or never checked
    OK = "ok"
    EXPIRING = "expiring"  # still working; a refresh is due or consent ends soon
    ATTENTION = "attention"  # working; something on the platform needs a channel admin
    NEEDS_REAUTHORISATION = "needs_reauthorisation"  # a human must consent again


@dataclass(frozen=True)
class Credentials:
    """What a code exchange or a refresh produced.

    ``secrets`` are merged over the stored ones (a key absent here keeps its old value, so
    a refresh that returns no new refresh token keeps the old one); ``settings`` likewise
    (e.g. the page or account id the consent chose). ``expires_at``: when the credentials
    stop working unless refreshed (``None``: they do not expire on their own).
    ``warning``: they work, but the consent behind them ends on its own (a platform's test
    mode that kills refresh tokens after days): the target's health becomes ``expiring``
    with this text, Vietnamese first, instead of ``ok``, and its channel admins are told.
    ``notice``: they work, but the account is set up against the rules (a Page that lets
    visitors post, S4.4): health ``attention`` with this text (a warning wins over it), and
    the channel admins are told; fixed on the platform, the next check finds health ``ok``.
    """

    secrets: Mapping[str, str]
    expires_at: dt.datetime | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    warning: str = ""
    notice: str = ""


@runtime_checkable
class Connectable(Protocol):
    """What a channel that connects by consent also implements.

    ``pkce``: whether core makes a PKCE pair (S256) for the flow. ``refresh_before``: how
    long before ``expires_at`` core refreshes (and reports the target as expiring).
    Errors: ``AuthError`` when consent is refused, revoked or expired (the target then needs
    re-authorisation), ``TransientError``/``RateLimited`` for a try-again-later.
    """

    pkce: bool
    refresh_before: dt.timedelta

    def authorise_url(
        self, target: Target, *, redirect_uri: str, state: str, code_challenge: str | None
    ) -> str:
        """The platform's consent page for this target, carrying ``state`` unchanged."""
        ...

    async def exchange_code(
        self,
        target: Target,
        *,
        params: Mapping[str, str],
        redirect_uri: str,
        code_verifier: str | None,
    ) -> Credentials:
        """Turn the callback's query (``code``, and e.g. an account id) into credentials."""
        ...

    async def refresh(self, target: Target) -> Credentials:
        """New credentials from ``target.secrets`` (e.g. its refresh token)."""
        ...
