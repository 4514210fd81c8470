"""Inbound webhooks: the platform calls Loa; the plugin verifies and translates.

Core serves ``/hooks/<plugin>/<target id>``, bounds the body, hands the plugin the raw
bytes (signatures are computed over them, never over re-encoded JSON) and the headers,
and records each event once per (target, event id) before acting on it. The plugin checks
the signature in constant time (``hmac.compare_digest``) and returns typed events.

The shapes it must fit (``docs/plugins.md`` names the platforms): an HMAC-SHA256 of the raw
body under the app secret in a header, with a ``hub.challenge`` verification GET and several
events per POST; a plain SHA-256 over app id, body, timestamp and secret, with every id a
string; and platforms with no comment webhooks at all, read through ``Interactions``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.contract.channels import CitizenComment, Target


class WebhookRefused(Exception):
    """The request is not the platform's (bad signature, wrong verify token): answer 403."""


def sha256_signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, body)>``: a body signed with a shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def require_sha256_signature(
    secret: str, body: bytes, given: str, refusal: str = "bad signature"
) -> None:
    """Raise ``WebhookRefused(refusal)`` unless ``given`` is ``sha256_signature(secret, body)``,
    compared in constant time; with no secret configured nothing is accepted."""
    if not secret or not hmac.compare_digest(
        sha256_signature(secret, body).encode(), given.encode()
    ):
        raise WebhookRefused(refusal)


def hub_challenge(request: InboundRequest, verify_token: str) -> str:
    """The ``hub.challenge`` to echo for a ``hub.mode=subscribe`` GET carrying the target's
    ``hub.verify_token`` (compared in constant time); else ``WebhookRefused``."""
    given = request.query.get("hub.verify_token", "")
    if request.query.get("hub.mode") != "subscribe" or not verify_token:
        raise WebhookRefused("not a subscription check")
    if not hmac.compare_digest(verify_token.encode(), given.encode()):
        raise WebhookRefused("wrong verify token")
    return request.query.get("hub.challenge", "")


@dataclass(frozen=True)
class InboundRequest:
    """One request to a target's webhook. ``headers`` keys are lower-case."""

    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class CommentEvent:
    """A citizen commented: it goes through moderation like a polled comment."""

    event_id: str
    comment: CitizenComment


@dataclass(frozen=True)
class MessageEvent:
    """A citizen wrote to the account directly (a message to an official account or a page)."""

    event_id: str
    remote_id: str
    author_id: str
    author_name: str
    text: str
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class StatusEvent:
    """The platform changed something of ours (a post removed, a review passed…).

    ``refused``: the platform no longer shows the post, by its own decision (its reviewers
    rejected it after accepting it, or it removed it): core marks the placement not live and
    the delivery that put it there failed, with ``detail`` as the reason the editor reads
    (``core.delivery.refusals``). Leave it False for a status that is only news.
    """

    event_id: str
    remote_id: str
    status: str
    detail: str = ""
    refused: bool = False


WebhookEvent = CommentEvent | MessageEvent | StatusEvent


@runtime_checkable
class Webhooks(Protocol):
    """What a channel that receives webhooks also implements.

    ``verify_subscription``: answer a verification GET (``hub.challenge``): return the body
    to echo, or raise ``WebhookRefused``. ``receive``: verify the POST's signature (raise
    ``WebhookRefused``) and return its events, each with the platform's stable id (a
    redelivery carries the same one). Neither may log the body or the target's secrets.
    """

    def verify_subscription(self, target: Target, request: InboundRequest) -> str: ...

    def receive(self, target: Target, request: InboundRequest) -> list[WebhookEvent]: ...
