"""Recovery codes: one-time second factors, stored as keyed digests.

A code is ~79 random bits, so a slow hash adds little; what an unsalted SHA-256 lacked
is a secret: anyone holding a database copy could test guesses offline, and equal codes
had equal digests everywhere. A code is now stored as HMAC-SHA256 (the sealer's keyed
digest, purpose ``recovery-code``, key derived from ``LOA_SECRET_KEYS``) of its SHA-256.

Hashing the SHA-256 rather than the code is what lets codes issued before this change
be migrated without knowing them: ``loa keys rotate`` turns each ``sha256`` row into a
keyed one (:func:`rekey`). Until then such a row still signs in once, as before. A keyed
digest made under an older key matches while that key is listed in ``LOA_SECRET_KEYS``
(it cannot be recomputed without the code): keep old keys until codes are replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from core.secrets import Sealer

PURPOSE = "recovery-code"
KEYED = "hmac-sha256"
#: Rows written before keyed digests (and by the migration that added ``scheme``).
LEGACY = "sha256"
COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(16))  # ~79 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _sha(code: str) -> str:
    """What the user typed, however spaced, dashed or cased, as its SHA-256."""
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def digest(sealer: Sealer, code: str) -> str:
    return sealer.digest(PURPOSE, _sha(code))


def matches(sealer: Sealer, code: str, stored: str, scheme: str) -> bool:
    if scheme == LEGACY:
        return hmac.compare_digest(_sha(code), stored)
    return sealer.digest_matches(PURPOSE, _sha(code), stored) is not None


def rekey(sealer: Sealer, legacy_digest: str) -> str:
    """The keyed digest of a code known only by its unsalted SHA-256."""
    return sealer.digest(PURPOSE, legacy_digest)
