"""Where media is served: stable public URLs, and signed expiring URLs for drafts' media.

A signature is an HMAC (the sealer's keyed digest, purpose ``media-url``) of the key and
the expiry, so it cannot be moved to another file or stretched in time, and it keeps
working across key rotation for as long as the old key stays in ``LOA_SECRET_KEYS``.
"""

from __future__ import annotations

import time

from core.secrets import Sealer

PURPOSE = "media-url"
PREFIX = "/media/"
#: How long a signed URL stays valid: long enough to review a draft, short enough to leak little.
SIGNED_TTL = 3600


def public_url(base_url: str, key: str) -> str:
    return f"{base_url}{PREFIX}{key}"


def signed_url(
    base_url: str, sealer: Sealer, key: str, ttl: int = SIGNED_TTL, now: float | None = None
) -> str:
    exp = int((time.time() if now is None else now) + ttl)
    return f"{public_url(base_url, key)}?exp={exp}&sig={sealer.digest(PURPOSE, f'{key}|{exp}')}"


def signature_valid(sealer: Sealer, key: str, exp: str, sig: str, now: float | None = None) -> bool:
    """True if ``sig`` signs ``key`` until ``exp`` (unix seconds) and ``exp`` has not passed."""
    if not exp.isdigit() or not sig:
        return False
    if int(exp) < (time.time() if now is None else now):
        return False
    return sealer.digest_matches(PURPOSE, f"{key}|{exp}", sig) is not None
