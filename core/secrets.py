"""Channel credentials and other secrets, encrypted at rest.

MultiFernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under
``LOA_SECRET_KEYS``: the first key encrypts, every key decrypts, and
:meth:`Sealer.rotate` re-encrypts a token under the first key. Fernet was
chosen over raw AES-GCM because rotation and key-id handling come with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.settings import Secret


class SecretError(Exception):
    """A sealed value could not be opened (wrong keys or tampered data)."""


class Sealer:
    def __init__(self, keys: Sequence[Secret]) -> None:
        if not keys:
            raise SecretError("no secret keys configured (LOA_SECRET_KEYS)")
        self._keys = tuple(k.reveal().encode() for k in keys)
        self._digest_keys = [
            hmac.new(k.reveal().encode(), b"loa keyed digest v1", hashlib.sha256).digest()
            for k in keys
        ]
        try:
            self._fernet = MultiFernet([Fernet(k.reveal().encode()) for k in keys])
        except ValueError:
            raise SecretError(
                "LOA_SECRET_KEYS: each key must be 32 url-safe base64-encoded bytes"
            ) from None

    def seal(self, data: Mapping[str, str]) -> str:
        if not data:
            return ""
        return self._fernet.encrypt(json.dumps(dict(data)).encode()).decode()

    def open(self, sealed: str) -> dict[str, str]:
        if not sealed:
            return {}
        try:
            value = json.loads(self._fernet.decrypt(sealed.encode()))
        except InvalidToken:
            raise SecretError("sealed value cannot be opened with the configured keys") from None
        return {str(k): str(v) for k, v in value.items()}

    def rotate(self, sealed: str) -> str:
        if not sealed:
            return ""
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken:
            raise SecretError("sealed value cannot be opened with the configured keys") from None

    def digest(self, purpose: str, value: str) -> str:
        """A keyed digest (HMAC-SHA256 under a key derived from the first key) of ``value``."""
        return self._digest_under(self._digest_keys[0], purpose, value)

    def digest_matches(self, purpose: str, value: str, digest: str) -> int | None:
        """Index of the key whose digest of ``value`` is ``digest`` (0: current); None: none.

        A match under an older key tells the caller to store the digest again under the first.
        """
        found = None
        for index, key in enumerate(self._digest_keys):
            if hmac.compare_digest(self._digest_under(key, purpose, value), digest):
                found = index if found is None else found
        return found

    def keyring(self, purpose: str) -> list[tuple[str, bytes]]:
        """``(key id, key)`` for ``purpose`` under every configured key, the current one first.

        Each key is derived (HMAC-SHA256) for one purpose, so a key used for one job is
        useless for another. The key id names a configured key without revealing it: a
        record made under a key says which, and can be checked again after rotation for as
        long as that key stays in ``LOA_SECRET_KEYS``.
        """
        return [
            (
                hmac.new(key, b"loa key id v1", hashlib.sha256).hexdigest()[:16],
                hmac.new(key, f"loa {purpose} v1".encode(), hashlib.sha256).digest(),
            )
            for key in self._keys
        ]

    @staticmethod
    def _digest_under(key: bytes, purpose: str, value: str) -> str:
        return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    return Fernet.generate_key().decode()


def redact(message: str, secrets: Mapping[str, str]) -> str:
    """Remove any secret value that slipped into a message meant for a log or a human."""
    for value in secrets.values():
        if value and len(value) >= 4:
            message = message.replace(value, "[redacted]")
    return message
