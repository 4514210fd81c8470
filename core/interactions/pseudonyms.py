"""Channel-scoped pseudonyms of comment authors: enough to block someone, never who they are.

HMAC-SHA256 of (target id, the channel's author id) under a key derived from the first
``LOA_SECRET_KEYS`` key. The raw id is never stored, and the same person gets unrelated
pseudonyms on two targets. Blocks are looked up under every configured key, so a block made
before a key rotation still holds afterwards (while the old key stays configured).
"""

from __future__ import annotations

import hashlib
import hmac

from core.settings import Settings

_LABEL = b"loa/author-pseudonym/v1"


def _derive(key: str) -> bytes:
    return hmac.new(key.encode(), _LABEL, hashlib.sha256).digest()


def _keys(settings: Settings) -> list[bytes]:
    keys = [_derive(k.reveal()) for k in settings.secret_keys]
    if not keys:
        raise RuntimeError("LOA_SECRET_KEYS is empty: authors cannot be pseudonymised")
    return keys


def _mac(key: bytes, target_id: int, author_id: str) -> str:
    return hmac.new(key, f"{target_id}\x00{author_id}".encode(), hashlib.sha256).hexdigest()


def pseudonym(settings: Settings, target_id: int, author_id: str) -> str:
    """The pseudonym stored with a comment (under the current key)."""
    return _mac(_keys(settings)[0], target_id, author_id)


def pseudonyms(settings: Settings, target_id: int, author_id: str) -> list[str]:
    """The author's pseudonym under every configured key, current first."""
    return [_mac(k, target_id, author_id) for k in _keys(settings)]
