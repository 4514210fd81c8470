"""Tracking codes: what a citizen types to follow their feedback.

Ten characters of Crockford's base32 (digits and capitals without I, L, O, U), drawn with
:mod:`secrets`: 50 random bits, so guessing one is hopeless, and short enough to read out
over the phone. Shown in two groups (``7K3QD-M9XWB``); typed in any case, with or without
the dash and spaces, and the letters people confuse (I, L → 1; O → 0) are read as Crockford
says. A row id never appears: codes say nothing about how many messages a unit received.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_CONFUSED = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """The code a citizen typed, as stored; None when it cannot be one."""
    code = _SEPARATORS.sub("", (raw or "")[:40]).upper().translate(_CONFUSED)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def shown(code: str) -> str:
    """The code as people read it: two groups of five."""
    return f"{code[:5]}-{code[5:]}" if len(code) == LENGTH else code
