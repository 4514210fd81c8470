"""The keys of the audit chain: who may extend it, and who may vouch for its head.

A plain hash chain proves nothing against someone who can write to the database:
they edit a row and recompute every hash after it. So each entry also carries a tag,
an HMAC of its hash under a key derived from ``LOA_SECRET_KEYS`` that the database
never holds, and the id of that key. Anchors (signed heads kept outside the database,
:mod:`core.audit_anchor`) are signed under a second derived key.

The keys ride in the ``info`` of every session the :class:`~core.context.Context`
makes, so the many callers of :func:`core.audit.record` pass only their session and
none can forget the key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any, Protocol

#: Where a session's ``info`` holds the audit keyrings.
INFO_KEY = "loa.audit_keys"


class _Keyed(Protocol):
    def keyring(self, purpose: str) -> list[tuple[str, bytes]]: ...


class AuditKeys:
    """The chain and anchor keyrings: ``(key id, key)`` pairs, the current key first."""

    def __init__(
        self, chain: Sequence[tuple[str, bytes]], anchor: Sequence[tuple[str, bytes]]
    ) -> None:
        if not chain or not anchor:
            raise ValueError("the audit chain needs at least one key")
        self._chain = dict(chain)
        self._anchor = dict(anchor)
        self.current = chain[0][0]

    @classmethod
    def of(cls, sealer: _Keyed) -> AuditKeys:
        return cls(sealer.keyring("audit chain"), sealer.keyring("audit anchor"))

    def tag(self, entry_hash: str, key_id: str | None = None) -> str:
        """The tag of an entry's hash under ``key_id`` (the current key by default)."""
        return _mac(self._chain[key_id or self.current], entry_hash)

    def check_tag(self, entry_hash: str, key_id: str, tag: str) -> bool | None:
        """True or False; None when the key is not configured (any more), so cannot tell."""
        key = self._chain.get(key_id)
        if key is None:
            return None
        return hmac.compare_digest(_mac(key, entry_hash), tag)

    def sign(self, body: str, key_id: str | None = None) -> str:
        return _mac(self._anchor[key_id or self.current], body)

    def check_signature(self, body: str, key_id: str, signature: str) -> bool | None:
        key = self._anchor.get(key_id)
        if key is None:
            return None
        return hmac.compare_digest(_mac(key, body), signature)


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def audit_session_info(sealer: _Keyed) -> dict[str, Any]:
    """The ``info`` for a sessionmaker whose sessions may write and verify the chain."""
    return {INFO_KEY: AuditKeys.of(sealer)}


def keys_of(session: Any) -> AuditKeys:
    """The session's audit keys; a session made without them cannot extend the chain."""
    keys = session.info.get(INFO_KEY)
    if keys is None:
        raise RuntimeError("this session has no audit keys: use the Context's sessions")
    return keys
