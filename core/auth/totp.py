"""TOTP (RFC 6238) second factor: 30-second steps, one step of drift, never a step twice.

pyotp's ``verify(valid_window=1)`` accepts a code for about 90 s and does not stop
reuse, so :func:`match` returns the time step a code belongs to and the caller stores
it; any code at or before the stored step is refused.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno

ISSUER = "Loa"
STEP = 30
DRIFT = 1  # steps either side of now


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image libraries, no third party)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, title="TOTP"))


def grouped(secret: str) -> str:
    """The key in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP)


def match(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step ``code`` is valid for (within drift and after ``last_step``), else None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    now_step = current_step(now)
    found = None
    for step in range(now_step - DRIFT, now_step + DRIFT + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            found = step
    if found is None or found <= last_step:
        return None
    return found


def replayed(secret: str, code: str, last_step: int, now: float | None = None) -> bool:
    """True when ``code`` is valid in the window but its step was already used."""
    code = "".join(code.split())
    now_step = current_step(now)
    return any(
        hmac.compare_digest(code_at(secret, step), code)
        for step in range(max(now_step - DRIFT, 0), min(now_step + DRIFT, last_step) + 1)
    )
